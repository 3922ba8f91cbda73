//! Kubeconfig loading, merging, minify/flatten/redaction.
//!
//! The YAML 1.1 reader (go-yaml v2's rules over libyaml) lives here with the
//! kubeconfig code, which needed it first; manifests read through it too.

pub mod base64;
mod libyaml;
pub mod yaml11;

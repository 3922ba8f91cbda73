//! Kubeconfig files as kubectl reads them: which files (`--kubeconfig`,
//! `KUBECONFIG`, `~/.kube/config`), how they parse (YAML 1.1 through JSON,
//! with kubectl's error messages), how they merge, and how the merged
//! config plus the command-line flags become the settings for a request.
//!
//! - [`load`]: loading rules and merging;
//! - [`decode`]: one file's bytes to a [`Config`];
//! - [`resolve`]: flags + config → [`ResolvedConfig`], namespace, errors;
//! - [`transform`]: `config view`'s minify, flatten and redaction;
//! - [`encode`]: a [`Config`] back to kubectl's `v1` JSON shape.

pub mod base64;
pub mod decode;
pub mod encode;
pub mod gopath;
pub mod gourl;
mod libyaml;
pub mod load;
pub mod model;
pub mod resolve;
pub mod transform;
pub mod yaml11;

pub use load::{Environment, LoadError, LoadingRules};
pub use model::Config;
pub use resolve::{ClientConfig, InCluster, Overrides, ResolvedConfig};

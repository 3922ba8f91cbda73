//! Kubeconfig files as kubectl reads them: which files (`--kubeconfig`,
//! `KUBECONFIG`, `~/.kube/config`), how they parse (YAML 1.1 through JSON,
//! with kubectl's error messages), how they merge, and how the merged
//! config plus the command-line flags become the settings for a request.
//!
//! - [`load`]: loading rules and merging;
//! - [`yaml`]: YAML text to JSON as go-yaml v2 and sigs.k8s.io/yaml do it;
//! - [`decode`]: one file's bytes to a [`Config`] (Go `encoding/json` errors);
//! - [`resolve`]: flags + config → [`ResolvedConfig`], namespace, errors;
//! - [`transform`]: `config view`'s minify, flatten and redaction;
//! - [`encode`]: a [`Config`] back to kubectl's `v1` JSON shape and file bytes;
//! - [`modify`]: which files `config` subcommands write, and how.

pub mod base64;
pub mod decode;
pub mod encode;
pub mod gopath;
pub mod gourl;
pub mod load;
pub mod model;
pub mod modify;
pub mod property;
pub mod resolve;
pub mod transform;
mod validate;
pub mod yaml;

pub use load::{Environment, LoadError, LoadingRules};
pub use model::Config;
pub use resolve::{ClientConfig, InCluster, Overrides, ResolvedConfig};

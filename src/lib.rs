//! kuddle: a kubectl-compatible command-line client.
//!
//! The binary is a thin shell over [`app::main_with_args`]; every module is
//! public so integration tests and benchmarks can reach the pure parts
//! (printers, generators, kubeconfig handling) without a process.

pub mod app;
pub mod apply;
pub mod argv;
pub mod client;
pub mod cmdtree;
pub mod command_group;
pub mod commands;
pub mod completion;
pub mod context;
pub mod describe;
pub mod editor;
pub mod error;
pub mod explain;
pub mod flags;
#[doc(hidden)]
pub mod fuzzing;
pub mod generate;
pub mod interrupt;
pub mod kubeconfig;
pub mod kuberc;
pub mod man;
pub mod node;
pub mod openapi;
pub mod plugin;
pub mod pod;
pub mod printers;
pub mod quantity;
pub mod rbac;
pub mod resource;
pub mod rollout;
pub mod stack;
pub mod tar;
pub mod term;
pub mod version_info;

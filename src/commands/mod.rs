//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod api_resources;
pub mod api_versions;
pub mod apply;
pub mod cluster_info;
pub mod completion;
pub mod config;
pub mod create;
pub mod describe;
pub mod events;
pub mod explain;
pub mod expose;
pub mod get;
pub mod help;
pub mod kuberc;
pub mod plugin;
pub mod run;
pub mod scale;
pub mod version;

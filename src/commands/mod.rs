//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod annotate;
pub mod api_resources;
pub mod apply;
pub mod attach;
pub mod autoscale;
pub mod completion;
pub mod config;
pub mod cp;
pub mod create;
pub mod describe;
pub mod exec;
pub mod expose;
pub mod get;
pub mod help;
pub mod kuberc;
pub mod label;
pub mod logs;
pub mod plugin;
pub mod port_forward;
pub mod run;
pub mod scale;
pub mod set;
pub mod top;

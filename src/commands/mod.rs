//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod api_resources;
pub mod apply;
pub mod completion;
pub mod config;
pub mod create;
pub mod describe;
pub mod diff;
pub mod edit;
pub mod expose;
pub mod get;
pub mod help;
pub mod plugin;
pub mod rollout;
pub mod run;
pub mod scale;

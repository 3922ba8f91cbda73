//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod api_resources;
pub mod apply;
pub mod completion;
pub mod config;
pub mod create;
pub mod delete;
pub mod describe;
pub mod expose;
pub mod get;
pub mod help;
pub mod patch;
pub mod plugin;
pub mod replace;
pub mod run;
pub mod scale;
pub mod wait;

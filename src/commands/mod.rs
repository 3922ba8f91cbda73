//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod config;
pub mod create;

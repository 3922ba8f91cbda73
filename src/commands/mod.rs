//! One module per verb. Each reads the same way: help, `Args`, then `run`
//! (resolve and check the arguments, do the work, write to the context's
//! streams).

pub mod annotate;
pub mod api_resources;
pub mod api_versions;
pub mod apply;
pub mod attach;
pub mod auth;
pub mod autoscale;
pub mod certificate;
pub mod cluster_info;
pub mod completion;
pub mod config;
pub mod cordon;
pub mod cp;
pub mod create;
pub mod debug;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod get;
pub mod help;
pub mod kuberc;
pub mod label;
pub mod logs;
pub mod patch;
pub mod plugin;
pub mod port_forward;
pub mod proxy;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod taint;
pub mod top;
pub mod uncordon;
pub mod version;
pub mod wait;

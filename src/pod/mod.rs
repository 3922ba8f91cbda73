//! What several verbs do with a pod they have found: join a container's
//! process (`attach`, `debug -i`).

pub mod attach;

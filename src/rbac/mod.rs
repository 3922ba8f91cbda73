//! RBAC semantics shared by `describe` and `auth can-i --list`: policy
//! rules broken down, compacted, compared and printed as kubectl prints
//! them.

pub mod policy;

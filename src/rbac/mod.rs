//! RBAC semantics shared by `describe`, `auth can-i --list` and
//! `auth reconcile`: policy rules broken down, compacted, compared and
//! printed as kubectl prints them, and the reconciliation of roles and
//! bindings with what a manifest expects.

pub mod policy;
pub mod reconcile;

//! Resource types: discovery (cached like kubectl's) and resolving what the
//! user typed to a resource on the server.

pub mod discovery;
pub mod mapper;

pub use discovery::{ApiResource, Discovery};
pub use mapper::{Mapping, NoResourceType};

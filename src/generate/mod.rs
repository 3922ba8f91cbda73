//! Pure functions from flags to objects (`run`, `create …`, `expose`). The
//! objects keep the field order of the Go types kubectl serializes, so JSON
//! output matches byte for byte.

pub mod deployment;

//! Flag groups shared by many verbs, each declared once (kubectl's
//! genericclioptions): global connection flags, printing, dry-run, files.

pub mod dry_run;
pub mod edit;
pub mod filename;
pub mod global;
pub mod go_values;
pub mod print;
pub mod validate;

pub use dry_run::DryRun;
pub use filename::FilenameFlags;
pub use global::GlobalFlags;
pub use print::PrintFlags;

//! Flag groups shared by many verbs, each declared once (kubectl's
//! genericclioptions): global connection flags, printing, dry-run, files.

pub mod deletion;
pub mod dry_run;
pub mod edit;
pub mod filename;
pub mod global;
pub mod go_time;
pub mod go_values;
pub mod pairs;
pub mod print;
pub mod record;
pub mod selector;
pub mod validate;

pub use dry_run::DryRun;
pub use filename::{FilenameFlags, KustomizeFlag, RecursiveFilenameFlags};
pub use global::GlobalFlags;
pub use print::PrintFlags;
pub use record::RecordFlags;

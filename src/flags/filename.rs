//! `-f/--filename`, `-R/--recursive` and `-k/--kustomize`: where manifests
//! come from (kubectl's FilenameOptions), shared by every verb that reads
//! objects from files.

use clap::{ArgAction, Args};

use super::go_values::go_bool;

#[derive(Args, Debug, Clone, Default)]
pub struct FilenameFlags {
    /// Files, directories or URLs holding the objects; `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',', action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// Walk the directories given with -f recursively.
    #[arg(short = 'R', long = "recursive", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub recursive: bool,

    /// A kustomization directory (not supported by kuddle).
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<String>,
}

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

/// `-f` and `-R` with directories walked recursively unless `-R=false`
/// (the default of kubectl's ResourceBuilderFlags: `annotate`,
/// `set selector`).
#[derive(Args, Debug, Clone, Default)]
pub struct RecursiveFilenameFlags {
    /// Files, directories or URLs holding the objects; `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',', action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// Walk the directories given with -f recursively (on by default).
    #[arg(short = 'R', long = "recursive", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub recursive: bool,
}

/// `-k/--kustomize` on its own, beside [`RecursiveFilenameFlags`].
#[derive(Args, Debug, Clone, Default)]
pub struct KustomizeFlag {
    /// A kustomization directory (not supported by kuddle).
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<String>,
}

impl RecursiveFilenameFlags {
    /// The same choice as the common flag group.
    pub fn to_filename_flags(&self, kustomize: Option<&KustomizeFlag>) -> FilenameFlags {
        FilenameFlags {
            filenames: self.filenames.clone(),
            recursive: self.recursive,
            kustomize: kustomize.and_then(|k| k.kustomize.clone()),
        }
    }
}

//! Flags every edit session takes (`edit`, `apply edit-last-applied`,
//! `create --edit`): field validation and the file's line endings.

use clap::{ArgAction, Args};

use super::go_values::go_bool;
use super::validate::ValidateFlags;

/// Flags every edit session takes (`edit`, `apply edit-last-applied`).
#[derive(Args, Debug, Clone, Default)]
pub struct EditFlags {
    #[command(flatten)]
    pub validate: ValidateFlags,

    /// Write the file with Windows line endings (CRLF).
    #[arg(long = "windows-line-endings", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub windows_line_endings: bool,
}

//! The flags that select objects beside TYPE NAME arguments (kubectl's
//! ResourceBuilderFlags), each declared once: `-l`, `--field-selector`,
//! `--all`, `-A` and `--local`.

use clap::{ArgAction, Args};

use super::go_values::go_bool;

/// `-l/--selector`.
#[derive(Args, Debug, Clone, Default)]
pub struct LabelSelectorFlag {
    /// Label selector (e.g. -l key1=value1,key2=value2); '=', '==', '!=', 'in' and 'notin' are supported.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,
}

/// `--field-selector`.
#[derive(Args, Debug, Clone, Default)]
pub struct FieldSelectorFlag {
    /// Field selector (e.g. --field-selector key1=value1); '=', '==' and '!=' are supported, for the fields the server allows.
    #[arg(long = "field-selector", value_name = "SELECTOR")]
    pub field_selector: Option<String>,
}

/// `--all`.
#[derive(Args, Debug, Clone, Default)]
pub struct AllFlag {
    /// Select every object of the given types in the namespace.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,
}

/// `-A/--all-namespaces`.
#[derive(Args, Debug, Clone, Default)]
pub struct AllNamespacesFlag {
    /// Select objects in every namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub all_namespaces: bool,
}

/// `--local`.
#[derive(Args, Debug, Clone, Default)]
pub struct LocalFlag {
    /// Change the objects read with -f without contacting a server, and print them.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub local: bool,
}

impl LabelSelectorFlag {
    /// The selector when one was given (kubectl ignores an empty one).
    pub fn get(&self) -> Option<&str> {
        self.selector.as_deref()
    }

    /// Whether a non-empty selector was given.
    pub fn is_set(&self) -> bool {
        self.selector.as_deref().is_some_and(|s| !s.is_empty())
    }
}

impl FieldSelectorFlag {
    pub fn get(&self) -> Option<&str> {
        self.field_selector.as_deref()
    }

    pub fn is_set(&self) -> bool {
        self.field_selector
            .as_deref()
            .is_some_and(|s| !s.is_empty())
    }
}

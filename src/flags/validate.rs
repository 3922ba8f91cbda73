//! `--validate[=strict|warn|ignore|true|false]`: how strictly the server
//! checks the fields of what a command sends.

use anyhow::{bail, Result};
use clap::Args;

#[derive(Args, Debug, Clone, Default)]
pub struct ValidateFlags {
    /// Field validation: strict (or true) rejects unknown or duplicate
    /// fields, warn only warns about them, ignore (or false) drops them.
    #[arg(long = "validate", value_name = "MODE", num_args = 0..=1, require_equals = true,
          default_value = "strict", default_missing_value = "strict")]
    pub validate: String,
}

/// The `fieldValidation` directive sent with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Strict,
    Warn,
    Ignore,
}

impl FieldValidation {
    /// The query parameter value (`fieldValidation=Strict`).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldValidation::Strict => "Strict",
            FieldValidation::Warn => "Warn",
            FieldValidation::Ignore => "Ignore",
        }
    }
}

impl ValidateFlags {
    /// Booleans as Go's ParseBool reads them come first, then the names.
    pub fn directive(&self) -> Result<FieldValidation> {
        if let Ok(b) = super::go_values::go_bool(&self.validate) {
            return Ok(if b {
                FieldValidation::Strict
            } else {
                FieldValidation::Ignore
            });
        }
        Ok(match self.validate.as_str() {
            "strict" => FieldValidation::Strict,
            "warn" => FieldValidation::Warn,
            "ignore" => FieldValidation::Ignore,
            other => bail!(
                "invalid - validate option {}; must be one of: strict (or true), warn, ignore (or false)",
                super::go_values::go_quote(other)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(v: &str) -> Result<FieldValidation> {
        ValidateFlags { validate: v.into() }.directive()
    }

    #[test]
    fn values() {
        assert_eq!(directive("T").unwrap(), FieldValidation::Strict);
        assert_eq!(directive("0").unwrap(), FieldValidation::Ignore);
        assert_eq!(directive("warn").unwrap(), FieldValidation::Warn);
        assert_eq!(
            directive("Strict").unwrap_err().to_string(),
            "invalid - validate option \"Strict\"; must be one of: strict (or true), warn, ignore (or false)"
        );
    }
}

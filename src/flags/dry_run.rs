//! `--dry-run[=none|client|server]`, with kubectl's handling of the old
//! boolean spellings.

use std::io::Write;

use anyhow::{bail, Result};
use clap::Args;

use crate::context::klog_warning;

#[derive(Args, Debug, Clone, Default)]
pub struct DryRunFlags {
    /// "none", "server" or "client". With "client" only print the object that
    /// would be sent, without a server; with "server" the server checks it but
    /// keeps nothing.
    #[arg(long = "dry-run", value_name = "STRATEGY", num_args = 0..=1, require_equals = true,
          default_value = "none", default_missing_value = "unchanged")]
    pub dry_run: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRunFlags {
    /// Resolves the flag, writing kubectl's deprecation warnings to `err`.
    pub fn strategy(&self, err: &mut dyn Write) -> Result<DryRun> {
        Ok(match self.dry_run.as_str() {
            "none" => DryRun::None,
            "client" => DryRun::Client,
            "server" => DryRun::Server,
            "unchanged" => {
                klog_warning(
                    err,
                    "helpers.go:714",
                    "--dry-run is deprecated and can be replaced with --dry-run=client.",
                );
                DryRun::Client
            }
            "true" => {
                klog_warning(err, "helpers.go:728", "--dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.");
                DryRun::Client
            }
            "false" => {
                klog_warning(err, "helpers.go:731", "--dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.");
                DryRun::None
            }
            other => bail!(
                "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ),
        })
    }
}

impl DryRun {
    /// The suffix kubectl adds to result lines: `created (dry run)`.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(v: &str) -> (Result<DryRun>, String) {
        let mut err = Vec::new();
        let r = DryRunFlags { dry_run: v.into() }.strategy(&mut err);
        (r, String::from_utf8(err).unwrap())
    }

    #[test]
    fn values() {
        assert_eq!(resolve("client").0.unwrap(), DryRun::Client);
        assert_eq!(resolve("none").0.unwrap(), DryRun::None);
        let (r, warn) = resolve("unchanged");
        assert_eq!(r.unwrap(), DryRun::Client);
        assert!(warn.ends_with(
            "helpers.go:714] --dry-run is deprecated and can be replaced with --dry-run=client.\n"
        ));
        assert_eq!(
            resolve("").0.unwrap_err().to_string(),
            "Invalid dry-run value (). Must be \"none\", \"server\", or \"client\"."
        );
    }
}

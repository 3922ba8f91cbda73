//! The deletion flags `delete` and `replace --force` share (kubectl's
//! DeleteFlags): cascade, grace period, force and the wait timeout. Each
//! verb declares `--wait` itself, since its default differs.

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use super::go_values::{go_bool, go_duration, go_int64};

#[derive(Args, Debug, Clone)]
pub struct DeletionFlags {
    /// What becomes of the objects' dependents (the pods of a replica set…):
    /// "background" (removed after the owner), "foreground" (removed
    /// before it) or "orphan" (kept).
    #[arg(long = "cascade", value_name = "STRATEGY", num_args = 0..=1, require_equals = true,
          default_value = "background", default_missing_value = "background")]
    pub cascade: String,

    /// Seconds the objects get to shut down gracefully; negative keeps each
    /// object's own default, 1 means at once, 0 is only allowed with --force.
    #[arg(long = "grace-period", value_name = "SECONDS", default_value = "-1",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub grace_period: i64,

    /// Remove the objects from the API at once, without waiting for them to
    /// shut down (their processes may keep running for a while).
    #[arg(long = "force", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub force: bool,

    /// How long to wait for the objects to be gone, e.g. 30s (0: no limit
    /// of its own).
    #[arg(long = "timeout", value_name = "DURATION", default_value = "0s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub timeout: i64,
}

/// `propagationPolicy`: what the garbage collector does with dependents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }
}

impl DeletionFlags {
    /// `--cascade`, with kubectl's warning for the old boolean spellings.
    pub fn propagation(&self, err: &mut dyn Write) -> Result<Propagation> {
        match go_bool(&self.cascade) {
            Ok(true) => {
                writeln!(err, "warning: --cascade={} is deprecated (boolean value) and can be replaced with --cascade=background.", self.cascade)?;
                Ok(Propagation::Background)
            }
            Ok(false) => {
                writeln!(err, "warning: --cascade={} is deprecated (boolean value) and can be replaced with --cascade=orphan.", self.cascade)?;
                Ok(Propagation::Orphan)
            }
            Err(_) => Ok(match self.cascade.as_str() {
                "background" => Propagation::Background,
                "foreground" => Propagation::Foreground,
                "orphan" => Propagation::Orphan,
                other => bail!(
                    "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(cascade: &str) -> DeletionFlags {
        DeletionFlags {
            cascade: cascade.into(),
            grace_period: -1,
            force: false,
            timeout: 0,
        }
    }

    #[test]
    fn cascade_values_and_old_booleans() {
        let mut err = Vec::new();
        assert_eq!(
            flags("orphan").propagation(&mut err).unwrap(),
            Propagation::Orphan
        );
        assert_eq!(
            flags("false").propagation(&mut err).unwrap(),
            Propagation::Orphan
        );
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n"
        );
        assert_eq!(
            flags("x")
                .propagation(&mut Vec::new())
                .unwrap_err()
                .to_string(),
            "invalid cascade value (x). Must be \"background\", \"foreground\", or \"orphan\""
        );
    }
}

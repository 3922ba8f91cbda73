//! `options`: the flags every command accepts, with their defaults, in
//! kubectl's `options` layout (`    -n, --namespace='':` then the usage on a
//! tab-indented line). Descriptions are kuddle's own help texts.
//!
//! Examples:
//!   # The flags every command takes
//!   kuddle options

use std::io::Write;

use anyhow::Result;
use clap::{ArgAction, Args, CommandFactory};

use crate::app::Cli;
use crate::context::Context;

#[derive(Args, Debug)]
pub struct OptionsArgs {
    /// Ignored, as kubectl ignores words after `options`.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

/// Flags whose defaults pflag prints bare (booleans, numbers, durations,
/// klog's module list); every other flag holds a string and is quoted.
const BARE_DEFAULTS: &[&str] = &[
    "disable-compression",
    "insecure-skip-tls-verify",
    "log-flush-frequency",
    "match-server-version",
    "v",
    "vmodule",
    "warnings-as-errors",
];

pub fn run(ctx: &mut Context, _args: OptionsArgs) -> Result<()> {
    let cache_default = ctx.default_cache_dir().display().to_string();
    let text = render(&cache_default);
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

/// The whole listing; `cache_default` is `--cache-dir`'s default, which
/// depends on HOME.
fn render(cache_default: &str) -> String {
    let command = Cli::command();
    let mut flags: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| a.is_global_set() && a.get_long().is_some() && !a.is_hide_set())
        .collect();
    flags.sort_by_key(|a| a.get_long().unwrap_or_default());
    let mut out = String::from("The following options can be passed to any command:\n\n");
    for flag in flags {
        let long = flag.get_long().unwrap_or_default();
        let default = match long {
            "cache-dir" => cache_default.to_string(),
            _ => flag
                .get_default_values()
                .first()
                .map(|v| v.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let shown = if matches!(flag.get_action(), ArgAction::Append) {
            "[]".to_string()
        } else if BARE_DEFAULTS.contains(&long) {
            default
        } else {
            format!("'{default}'")
        };
        let short = flag
            .get_short()
            .map(|c| format!("-{c}, "))
            .unwrap_or_default();
        let usage = flag.get_help().map(|h| h.to_string()).unwrap_or_default();
        out.push_str(&format!("    {short}--{long}={shown}:\n\t{usage}\n\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_global_flag_with_its_default_in_kubectls_layout() {
        let text = render("/home/u/.kube/cache");
        assert!(text.starts_with(
            "The following options can be passed to any command:\n\n    --as='':\n\t"
        ));
        for line in [
            "    --as-group=[]:\n",
            "    --cache-dir='/home/u/.kube/cache':\n",
            "    --insecure-skip-tls-verify=false:\n",
            "    --log-flush-frequency=5s:\n",
            "    -n, --namespace='':\n",
            "    --request-timeout='0':\n",
            "    -s, --server='':\n",
            "    -v, --v=0:\n",
            "    --vmodule=:\n",
        ] {
            assert!(text.contains(line), "{line:?} missing from\n{text}");
        }
        assert!(text.ends_with("\n\n"));
    }
}

//! Command-line words before clap sees them.

use std::ffi::OsString;

/// kubectl treats `_` and `-` alike in flag names (`--dry_run=client`); clap
/// does not, so long flag names are rewritten up to the first `=`, and never
/// after a bare `--`.
pub fn normalize_flag_names(args: Vec<OsString>) -> Vec<OsString> {
    let mut after_terminator = false;
    args.into_iter()
        .map(|arg| {
            if after_terminator {
                return arg;
            }
            let Some(text) = arg.to_str() else { return arg };
            if text == "--" {
                after_terminator = true;
                return arg;
            }
            match text.strip_prefix("--") {
                Some(rest) if rest.contains('_') => {
                    let (name, value) = match rest.split_once('=') {
                        Some((n, v)) => (n, Some(v)),
                        None => (rest, None),
                    };
                    let mut fixed = format!("--{}", name.replace('_', "-"));
                    if let Some(v) = value {
                        fixed.push('=');
                        fixed.push_str(v);
                    }
                    OsString::from(fixed)
                }
                _ => arg,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_flag_names(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn underscores_in_long_flag_names_only() {
        assert_eq!(
            norm(&["get", "--dry_run=a_b", "x_y", "-n_x", "--", "--keep_me"]),
            ["get", "--dry-run=a_b", "x_y", "-n_x", "--", "--keep_me"]
        );
    }
}

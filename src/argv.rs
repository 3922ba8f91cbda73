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

/// Local flags that shadow a global flag of the same name, as cobra lets a
/// command's own flag win over an inherited one (`set subject --user`):
/// (command path, flag as typed, the name the command declares it under).
const SHADOWING_FLAGS: &[(&str, &str, &str)] = &[("set subject", "--user", "--subject-user")];

/// Renames the words of a flag that a command's own flag shadows, for the
/// command `path` (`["kuddle", "set", "subject"]`), and moves them after
/// the command's name (they may stand before it, where clap would read the
/// global flag); never after `--`.
pub fn rename_shadowing_flags(path: &[String], args: Vec<OsString>) -> Vec<OsString> {
    let command = path.get(1..).unwrap_or_default().join(" ");
    let shadowing: Vec<&(&str, &str, &str)> = SHADOWING_FLAGS
        .iter()
        .filter(|(cmd, _, _)| *cmd == command)
        .collect();
    if shadowing.is_empty() {
        return args;
    }
    let mut kept = Vec::with_capacity(args.len());
    let mut moved = Vec::new();
    let mut words = args.into_iter();
    while let Some(arg) = words.next() {
        let Some(text) = arg.to_str().map(str::to_string) else {
            kept.push(arg);
            continue;
        };
        if text == "--" {
            kept.push(arg);
            kept.extend(words.by_ref());
            break;
        }
        let mut renamed = false;
        for (_, flag, new_name) in &shadowing {
            if text == *flag {
                moved.push(OsString::from(*new_name));
                moved.extend(words.next());
                renamed = true;
            } else if let Some(value) = text.strip_prefix(&format!("{flag}=")) {
                moved.push(OsString::from(format!("{new_name}={value}")));
                renamed = true;
            }
        }
        if !renamed {
            kept.push(arg);
        }
    }
    // After the last word before `--` (or at the end).
    let at = kept.iter().position(|a| a == "--").unwrap_or(kept.len());
    kept.splice(at..at, moved);
    kept
}

/// Arguments as text: bytes that are not UTF-8 become U+FFFD. kubectl
/// takes any bytes; what it sends to the server or prints as JSON or YAML
/// has those bytes replaced the same way (Go's JSON encoder does it), so
/// only text echoed raw (a JSONPath literal, a URL path) can differ.
/// Plugins get the original bytes: they are dispatched before this.
pub fn lossy_utf8(args: Vec<OsString>) -> Vec<OsString> {
    args.into_iter()
        .map(|arg| match arg.to_str() {
            Some(_) => arg,
            None => OsString::from(arg.to_string_lossy().into_owned()),
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

    #[test]
    fn shadowed_global_flags_are_renamed_for_their_command() {
        let path: Vec<String> = ["kuddle", "set", "subject"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let args: Vec<OsString> = ["--user", "a", "--user=b", "--", "--user"]
            .iter()
            .map(OsString::from)
            .collect();
        let renamed: Vec<String> = rename_shadowing_flags(&path, args)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(
            renamed,
            ["--subject-user", "a", "--subject-user=b", "--", "--user"]
        );
        let other = vec!["kuddle".to_string(), "get".to_string()];
        assert_eq!(
            rename_shadowing_flags(&other, vec![OsString::from("--user=x")]),
            vec![OsString::from("--user=x")]
        );
    }
}

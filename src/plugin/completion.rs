//! Completion of a plugin's own arguments (kubectl 1.26+): an executable
//! `kubectl_complete-<plugin>` on PATH prints the choices for the words
//! typed after the plugin name, optionally ending with `:<directive>`.

use std::process::{Command, Stdio};

/// `kubectl foo bar` (a plugin's command path, words joined with spaces,
/// dashes in words) → `kubectl-foo-bar`, the plugin's file name.
pub fn plugin_file_name(words: &[String]) -> String {
    let mut name = super::PREFIX.to_string();
    for w in words {
        name.push('-');
        name.push_str(&w.replace('-', "_"));
    }
    name
}

/// `kubectl-foo-bar` → `kubectl_complete-foo-bar`.
pub fn completion_file_name(plugin: &str) -> String {
    plugin.replacen('-', "_complete-", 1)
}

/// What a completion executable answered.
#[derive(Debug, PartialEq, Eq)]
pub struct PluginCompletions {
    pub choices: Vec<String>,
    /// The directive it asked for (0, file completion, when it named none).
    pub directive: i64,
}

/// Runs `exe args…`; its non-empty stdout lines are the choices, a last line
/// `:N` the directive. A failing executable gives nothing.
pub fn run_completion_exec(exe: &std::path::Path, args: &[String]) -> PluginCompletions {
    let output = Command::new(exe)
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output();
    let mut result = PluginCompletions {
        choices: Vec::new(),
        directive: 0,
    };
    let Ok(output) = output else { return result };
    if !output.status.success() {
        return result;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    result.choices = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(last) = result.choices.last() {
        if last.len() > 1 && last.starts_with(':') {
            if let Ok(n) = parse_go_int(&last[1..]) {
                result.directive = n;
                result.choices.pop();
            }
        }
    }
    result
}

/// Go's `strconv.Atoi` for the directive (a sign is allowed).
fn parse_go_int(s: &str) -> Result<i64, std::num::ParseIntError> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let words = vec!["foo".to_string(), "x-y".to_string()];
        assert_eq!(plugin_file_name(&words), "kubectl-foo-x_y");
        assert_eq!(
            completion_file_name("kubectl-get_all-x"),
            "kubectl_complete-get_all-x"
        );
    }
}

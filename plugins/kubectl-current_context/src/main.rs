//! `kuddle current-context` (or `kubectl current-context`): prints the
//! current context of the kubeconfig, without a dependency.
//!
//! A plugin gets only the words after its name and the environment: global
//! flags such as `--kubeconfig` are not parsed for it, so it takes its own
//! `--kubeconfig PATH` and otherwise follows `KUBECONFIG` (first file that
//! names a current context) and `~/.kube/config`, as kubectl does.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(name) => {
            println!("{name}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let files = match args {
        [] => default_files(),
        [flag, path] if flag == "--kubeconfig" => vec![PathBuf::from(path)],
        [flag] if flag.starts_with("--kubeconfig=") => {
            vec![PathBuf::from(&flag["--kubeconfig=".len()..])]
        }
        [flag] if flag == "-h" || flag == "--help" => {
            return Ok("Usage: kubectl current-context [--kubeconfig PATH]".to_string())
        }
        _ => return Err(format!("unexpected arguments: {}", args.join(" "))),
    };
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Some(name) = current_context(&text) {
            return Ok(name);
        }
    }
    Err("current-context is not set".to_string())
}

/// `$KUBECONFIG` (a PATH-style list) or `~/.kube/config`.
fn default_files() -> Vec<PathBuf> {
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(list) => std::env::split_paths(&list).collect(),
        None => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".kube").join("config"))
            .into_iter()
            .collect(),
    }
}

/// The top-level `current-context:` value (plain or quoted), if not empty.
fn current_context(yaml: &str) -> Option<String> {
    let line = yaml
        .lines()
        .find_map(|l| l.strip_prefix("current-context:"))?;
    let value = line.split(" #").next().unwrap_or("").trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_quoted_values() {
        assert_eq!(
            current_context("apiVersion: v1\ncurrent-context: dev # mine\n"),
            Some("dev".to_string())
        );
        assert_eq!(
            current_context("current-context: \"a b\"\n"),
            Some("a b".to_string())
        );
        assert_eq!(current_context("current-context: \"\"\n"), None);
        assert_eq!(current_context("contexts: []\n"), None);
    }
}

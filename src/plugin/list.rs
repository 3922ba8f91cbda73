//! Finding plugin files on PATH and checking them (`kuddle plugin list`).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{go_errno_text, PREFIX};
use crate::cmdtree::{self, Node};
use crate::flags::go_values::go_quote;

/// Every `kubectl-*` file (not folder) in the PATH folders, in PATH order,
/// sorted by name within a folder; unreadable folders are reported to `err`
/// and skipped, as kubectl does.
pub fn find_plugins(path_var: Option<&std::ffi::OsStr>, err: &mut dyn Write) -> Vec<PathBuf> {
    let mut plugins = Vec::new();
    let Some(path_var) = path_var else {
        return plugins;
    };
    // Duplicates are the same text (Go compares strings, not paths).
    let mut seen: Vec<std::ffi::OsString> = Vec::new();
    for dir in std::env::split_paths(path_var) {
        if seen.contains(&dir.clone().into_os_string()) {
            continue;
        }
        seen.push(dir.clone().into_os_string());
        if dir.to_string_lossy().trim().is_empty() {
            continue;
        }
        let entries = match read_dir_sorted(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                let _ = writeln!(
                    err,
                    "Unable to read directory {} from your PATH: open {}: {}. Skipping...",
                    go_quote(&dir.to_string_lossy()),
                    dir.display(),
                    go_errno_text(&e)
                );
                continue;
            }
        };
        for (name, is_dir) in entries {
            if !is_dir && name.starts_with(&format!("{PREFIX}-")) {
                plugins.push(super::go_join(&dir, &name));
            }
        }
    }
    plugins
}

/// File names and whether each is a folder (symlinks not followed).
fn read_dir_sorted(dir: &Path) -> std::io::Result<Vec<(String, bool)>> {
    // Go opens the folder first, so a file in PATH is "not a directory".
    if !std::fs::metadata(dir)?.is_dir() {
        return Err(std::io::Error::from_raw_os_error(20));
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        names.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    names.sort();
    Ok(names)
}

/// kubectl's `CommandOverrideVerifier`: what is wrong with each plugin file.
pub struct Verifier<'a> {
    root: &'a Node,
    seen: HashMap<String, PathBuf>,
}

impl<'a> Verifier<'a> {
    pub fn new(root: &'a Node) -> Verifier<'a> {
        Verifier {
            root,
            seen: HashMap::new(),
        }
    }

    /// The warnings (and errors) for one plugin path, in kubectl's words.
    pub fn verify(&mut self, path: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        let bin_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut cmd_path: Vec<String> = bin_name.split('-').map(str::to_string).collect();
        if cmd_path.len() > 1 {
            cmd_path.remove(0);
        }
        match std::fs::metadata(path) {
            Ok(_) if super::is_executable(path) => {}
            Ok(_) => problems.push(format!(
                "warning: {} identified as a kubectl plugin, but it is not executable",
                path.display()
            )),
            Err(e) => problems.push(format!(
                "error: unable to identify {} as an executable file: stat {}: {}",
                path.display(),
                path.display(),
                go_errno_text(&e)
            )),
        }
        match self.seen.get(&bin_name) {
            Some(first) => problems.push(format!(
                "warning: {} is overshadowed by a similarly named plugin: {}",
                path.display(),
                first.display()
            )),
            None => {
                self.seen.insert(bin_name.clone(), path.to_path_buf());
            }
        }
        let found = cmdtree::find(self.root, crate::error::PROGRAM, &cmd_path);
        if found.error.is_none() {
            problems.push(format!(
                "warning: {bin_name} overwrites existing command: {}",
                go_quote(&cmdtree::command_path(&found.chain, crate::error::PROGRAM))
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> Node {
        use clap::CommandFactory;
        Node::from_clap(&crate::app::Cli::command())
    }

    #[test]
    fn overwriting_builtins_and_shadowing() {
        let root = root();
        let mut v = Verifier::new(&root);
        // Paths that do not exist: the stat error comes first.
        let w = v.verify(Path::new("/nonexistent/a/kubectl-create-foo"));
        assert_eq!(
            w,
            [
                "error: unable to identify /nonexistent/a/kubectl-create-foo as an executable file: stat /nonexistent/a/kubectl-create-foo: no such file or directory",
                "warning: kubectl-create-foo overwrites existing command: \"kuddle create\"",
            ]
        );
        let w = v.verify(Path::new("/nonexistent/b/kubectl-create-foo"));
        assert_eq!(
            w[1],
            "warning: /nonexistent/b/kubectl-create-foo is overshadowed by a similarly named plugin: /nonexistent/a/kubectl-create-foo"
        );
        let w = v.verify(Path::new("/nonexistent/kubectl-foo"));
        assert_eq!(w.len(), 1);
    }
}

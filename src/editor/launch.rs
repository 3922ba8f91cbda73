//! Starting the user's editor on a temporary file, as kubectl does:
//! `KUBE_EDITOR`, then `EDITOR`, then `vi`; a command with spaces is split
//! on them, one with quotes or backslashes goes to `$SHELL -c` (default
//! `/bin/bash`); the file's path comes last.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use crate::flags::go_values::go_quote;

const DEFAULT_EDITOR: &str = "vi";
const DEFAULT_SHELL: &str = "/bin/bash";

/// The editor command line, without the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub args: Vec<String>,
    /// The last argument is a shell command the path is appended to.
    pub shell: bool,
}

impl Editor {
    /// The editor the environment asks for.
    pub fn from_env() -> Editor {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let shell = var("SHELL").unwrap_or_else(|| DEFAULT_SHELL.to_string());
        Editor::from_setting(
            var("KUBE_EDITOR")
                .or_else(|| var("EDITOR"))
                .as_deref()
                .unwrap_or(DEFAULT_EDITOR),
            &shell,
        )
    }

    fn from_setting(editor: &str, shell: &str) -> Editor {
        if !editor.contains(' ') {
            return Editor {
                args: vec![editor.to_string()],
                shell: false,
            };
        }
        if !editor.contains(['"', '\'', '\\']) {
            return Editor {
                args: editor.split(' ').map(str::to_string).collect(),
                shell: false,
            };
        }
        Editor {
            args: vec![shell.to_string(), "-c".into(), editor.to_string()],
            shell: true,
        }
    }

    /// The full command line for `path`.
    fn command_line(&self, path: &Path) -> Vec<String> {
        let mut args = self.args.clone();
        let path = path.display().to_string();
        if self.shell {
            if let Some(last) = args.last_mut() {
                *last = format!("{last} {}", go_quote(&path));
            }
        } else {
            args.push(path);
        }
        args
    }

    /// Runs the editor on `path` with the terminal's streams.
    pub fn launch(&self, path: &Path) -> Result<()> {
        let absolute = std::path::absolute(path)?;
        let args = self.command_line(&absolute);
        let described = go_quote(&self.args.join(" "));
        let Some((program, rest)) = args.split_first() else {
            anyhow::bail!("no editor defined, can't open {}", path.display());
        };
        match std::process::Command::new(program).args(rest).status() {
            Ok(status) if status.success() => Ok(()),
            // Go looks a bare name up on PATH first; a missing one is
            // "unable to launch", anything else "a problem".
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !program.contains('/') => {
                Err(anyhow!("unable to launch the editor {described}"))
            }
            _ => Err(anyhow!("there was a problem with the editor {described}")),
        }
    }
}

/// A new file in the temporary folder named `<prefix><random><suffix>`
/// (Go's `os.CreateTemp`), holding `content`.
pub fn create_temp_file(prefix: &str, suffix: &str, content: &[u8]) -> Result<PathBuf> {
    let dir = std::env::temp_dir();
    for _ in 0..10_000 {
        let path = dir.join(format!("{prefix}{}{suffix}", fastrand::u32(..)));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(content) {
                    let _ = std::fs::remove_file(&path);
                    return Err(e.into());
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("pattern contains path separator")
}

/// Writes `content` to a temporary file, runs the editor on it and returns
/// what the file then holds, with the file's path (kept on error too).
pub fn launch_temp_file(
    editor: &Editor,
    prefix: &str,
    suffix: &str,
    content: &[u8],
) -> (Result<Vec<u8>>, Option<PathBuf>) {
    let path = match create_temp_file(prefix, suffix, content) {
        Ok(p) => p,
        Err(e) => return (Err(e), None),
    };
    if let Err(e) = editor.launch(&path) {
        return (Err(e), Some(path));
    }
    let read = std::fs::read(&path).map_err(anyhow::Error::from);
    (read, Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_settings_as_kubectl_reads_them() {
        assert_eq!(
            Editor::from_setting("vim", "/bin/sh"),
            Editor {
                args: vec!["vim".into()],
                shell: false
            }
        );
        assert_eq!(
            Editor::from_setting("code --wait", "/bin/sh").args,
            ["code", "--wait"]
        );
        let quoted = Editor::from_setting("sed -i 's/a/b/'", "/bin/zsh");
        assert!(quoted.shell);
        assert_eq!(
            quoted.command_line(Path::new("/tmp/x y.yaml")),
            ["/bin/zsh", "-c", "sed -i 's/a/b/' \"/tmp/x y.yaml\""]
        );
        assert_eq!(
            Editor::from_setting("nano", "/bin/sh").command_line(Path::new("/tmp/f")),
            ["nano", "/tmp/f"]
        );
    }

    #[test]
    fn temp_files_are_private_and_named_like_go() {
        let path = create_temp_file("kuddle-edit-", ".yaml", b"x").unwrap();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.starts_with("kuddle-edit-") && name.ends_with(".yaml"),
            "{name}"
        );
        assert!(name["kuddle-edit-".len()..name.len() - 5]
            .bytes()
            .all(|b| b.is_ascii_digit()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_file(path).unwrap();
    }
}

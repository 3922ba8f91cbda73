//! kubectl plugins: `kubectl-*` executables on PATH that extend the command
//! line (`kuddle foo bar` runs `kubectl-foo-bar` or `kubectl-foo`).
//!
//! Dispatch follows kubectl's `cmd.go`: a plugin is looked for only when no
//! built-in command matches (or, for `create`, when the subcommand is not
//! built in); the longest dash-joined name wins; the plugin gets the rest of
//! the command line verbatim, kuddle's environment plus `KUBECTL_PATH`, and
//! its exit code is kuddle's. Lookup and execution sit behind
//! [`PluginHandler`] so the decision is testable without running anything.

pub mod completion;
pub mod help;
pub mod list;

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cmdtree::{self, Node};

/// The prefix every plugin file name starts with (kubectl's, so plugins work
/// with both programs).
pub const PREFIX: &str = "kubectl";

/// Finds and runs plugin executables.
pub trait PluginHandler {
    /// The path of `kubectl-<name>` if an executable of that name is on PATH.
    fn lookup(&self, name: &str) -> Option<PathBuf>;
    /// Runs the plugin with `args` and `env`; returns its exit code (on Unix
    /// the process is replaced and this returns only on failure).
    fn execute(
        &self,
        path: &Path,
        args: &[OsString],
        env: Vec<(OsString, OsString)>,
    ) -> io::Result<i32>;
}

/// The real handler: PATH lookup like Go's `exec.LookPath`, `execve` on Unix.
pub struct PathHandler;

impl PluginHandler for PathHandler {
    fn lookup(&self, name: &str) -> Option<PathBuf> {
        look_path(&format!("{PREFIX}-{name}"))
    }

    fn execute(
        &self,
        path: &Path,
        args: &[OsString],
        env: Vec<(OsString, OsString)>,
    ) -> io::Result<i32> {
        #[cfg(unix)]
        {
            Err(execve(path, args, &env))
        }
        #[cfg(not(unix))]
        {
            let status = std::process::Command::new(path)
                .args(args)
                .env_clear()
                .envs(env)
                .status()?;
            Ok(status.code().unwrap_or(1))
        }
    }
}

/// Replaces this process with `path`, as Go's `syscall.Exec`: argv[0] is the
/// path, and a file the kernel cannot run fails (no `/bin/sh` retry as with
/// `execvp`). Returns only on failure.
#[cfg(unix)]
fn execve(path: &Path, args: &[OsString], env: &[(OsString, OsString)]) -> io::Error {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    // OS strings from argv and environ never hold NUL bytes.
    let c = |bytes: &[u8]| {
        CString::new(bytes).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
    };
    let build = || -> io::Result<(CString, Vec<CString>, Vec<CString>)> {
        let program = c(path.as_os_str().as_bytes())?;
        let mut argv = vec![program.clone()];
        for a in args {
            argv.push(c(a.as_bytes())?);
        }
        let mut envp = Vec::with_capacity(env.len());
        for (k, v) in env {
            let mut pair = k.as_bytes().to_vec();
            pair.push(b'=');
            pair.extend_from_slice(v.as_bytes());
            envp.push(c(&pair)?);
        }
        Ok((program, argv, envp))
    };
    let (program, argv, envp) = match build() {
        Ok(parts) => parts,
        Err(e) => return e,
    };
    let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());
    let mut envp_ptrs: Vec<*const libc::c_char> = envp.iter().map(|e| e.as_ptr()).collect();
    envp_ptrs.push(std::ptr::null());
    // SAFETY: every pointer refers to a NUL-terminated string owned by
    // `program`, `argv` or `envp`, alive until execve returns; both arrays
    // end with a null pointer.
    unsafe {
        libc::execve(program.as_ptr(), argv_ptrs.as_ptr(), envp_ptrs.as_ptr());
    }
    io::Error::last_os_error()
}

/// Go's `exec.LookPath` as kubectl uses it for plugins: the first
/// executable `file` in a PATH folder. An empty PATH entry means the current
/// folder (kubectl accepts what Go flags as `ErrDot`); a name with a slash
/// is taken as a path.
pub fn look_path(file: &str) -> Option<PathBuf> {
    look_path_in(file, true)
}

/// `exec.LookPath` that refuses matches in the current folder, as kubectl's
/// completion lookup does (it treats `ErrDot` as not found).
pub fn look_path_no_dot(file: &str) -> Option<PathBuf> {
    look_path_in(file, false)
}

fn look_path_in(file: &str, allow_dot: bool) -> Option<PathBuf> {
    if file.contains('/') {
        let path = PathBuf::from(file);
        return is_executable(&path).then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter_map(|dir| {
            if dir.as_os_str().is_empty() {
                allow_dot.then(|| PathBuf::from(file))
            } else if dir.is_relative() && !allow_dot {
                None
            } else {
                Some(go_join(&dir, file))
            }
        })
        .find(|candidate| is_executable(candidate))
}

/// Go's `filepath.Join(dir, file)`: joined, then cleaned lexically
/// (`./bin` + `x` → `bin/x`, `/a//b/` + `x` → `/a/b/x`), which is how kubectl
/// prints and runs plugin paths.
pub fn go_join(dir: &Path, file: &str) -> PathBuf {
    let joined = format!("{}/{file}", dir.to_string_lossy());
    let rooted = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    PathBuf::from(match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    })
}

/// A regular file (symlinks followed) with an execute bit.
pub fn is_executable(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_dir() => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode() & 0o111 != 0
            }
            #[cfg(not(unix))]
            {
                true
            }
        }
        _ => false,
    }
}

/// What the pre-dispatch decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// No plugin: parse and run the command line as a built-in.
    Builtin,
    /// Done (a plugin ran, or an error was written): exit with this code.
    Exit(i32),
}

/// kubectl's plugin pre-dispatch over `args` (program name first).
pub fn dispatch(
    handler: &dyn PluginHandler,
    root: &Node,
    args: &[OsString],
    err: &mut dyn Write,
) -> Dispatch {
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if words.is_empty() {
        return Dispatch::Builtin;
    }
    let found = cmdtree::find(root, crate::error::PROGRAM, &words);
    if let Some(unknown) = &found.error {
        let first_word = words.iter().find(|w| !w.starts_with('-'));
        if matches!(
            first_word.map(String::as_str),
            Some("help" | "__complete" | "__completeNoDesc")
        ) {
            return Dispatch::Builtin;
        }
        return match run_plugin(handler, args, 1, err) {
            Some(code) => Dispatch::Exit(code),
            None => {
                // No plugin either: cobra's unknown-command error.
                let _ = writeln!(err, "error: {}", unknown.trim_end_matches('\n'));
                Dispatch::Exit(1)
            }
        };
    }
    // `create` may be extended with subcommands it lacks (kubectl-create-foo).
    let leaf = found.chain[found.chain.len() - 1];
    if found.chain.len() == 2 && leaf.name == "create" {
        if let Some(sub) = found.args.first().filter(|a| !a.starts_with('-')) {
            if !leaf.children.iter().any(|c| &c.name == sub) {
                let consumed = words.len() - found.args.len();
                if let Some(code) = run_plugin(handler, args, consumed + 1, err) {
                    return Dispatch::Exit(code);
                }
            }
        }
    }
    Dispatch::Builtin
}

/// kubectl's `HandlePluginCommand`: `Some(exit code)` when a plugin ran or
/// the command line was refused, `None` when no plugin matches.
fn run_plugin(
    handler: &dyn PluginHandler,
    args: &[OsString],
    min_words: usize,
    err: &mut dyn Write,
) -> Option<i32> {
    let rest = &args[1..];
    let mut name_words: Vec<String> = rest
        .iter()
        .map(|a| a.to_string_lossy())
        .take_while(|a| !a.starts_with('-'))
        .map(|a| a.replace('-', "_"))
        .collect();
    if name_words.is_empty() {
        let _ = writeln!(
            err,
            "Error: flags cannot be placed before plugin name: {}",
            rest[0].to_string_lossy()
        );
        return Some(1);
    }
    while !name_words.is_empty() {
        if let Some(path) = handler.lookup(&name_words.join("-")) {
            let plugin_args = &rest[name_words.len()..];
            return Some(match handler.execute(&path, plugin_args, plugin_env()) {
                Ok(code) => code,
                Err(e) => {
                    // Go's syscall.Exec error is the bare errno text.
                    let _ = writeln!(err, "Error: {}", go_errno_text(&e));
                    1
                }
            });
        }
        name_words.pop();
        if name_words.len() < min_words {
            break;
        }
    }
    None
}

/// kuddle's environment plus `KUBECTL_PATH`, the path of the running
/// executable (kubectl sets its own; plugins use it to call back).
fn plugin_env() -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| k != OsStr::new("KUBECTL_PATH"))
        .collect();
    if let Ok(me) = std::env::current_exe() {
        env.push(("KUBECTL_PATH".into(), me.into_os_string()));
    }
    env
}

/// An OS error as Go prints it: `no such file or directory`.
pub fn go_errno_text(e: &io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    };
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A plugin run: its path, arguments and KUBECTL_PATH.
    type Run = (PathBuf, Vec<String>, Option<String>);

    /// Knows a fixed set of plugin names; records what it was asked to run.
    struct FakeHandler {
        plugins: Vec<&'static str>,
        lookups: RefCell<Vec<String>>,
        ran: RefCell<Option<Run>>,
    }

    impl FakeHandler {
        fn new(plugins: &[&'static str]) -> FakeHandler {
            FakeHandler {
                plugins: plugins.to_vec(),
                lookups: RefCell::new(vec![]),
                ran: RefCell::new(None),
            }
        }
    }

    impl PluginHandler for FakeHandler {
        fn lookup(&self, name: &str) -> Option<PathBuf> {
            self.lookups.borrow_mut().push(name.to_string());
            self.plugins
                .contains(&name)
                .then(|| PathBuf::from(format!("/bin/kubectl-{name}")))
        }
        fn execute(
            &self,
            path: &Path,
            args: &[OsString],
            env: Vec<(OsString, OsString)>,
        ) -> io::Result<i32> {
            let kubectl_path = env
                .iter()
                .find(|(k, _)| k == "KUBECTL_PATH")
                .map(|(_, v)| v.to_string_lossy().into_owned());
            *self.ran.borrow_mut() = Some((
                path.to_path_buf(),
                args.iter()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect(),
                kubectl_path,
            ));
            Ok(7)
        }
    }

    fn root() -> Node {
        use clap::CommandFactory;
        Node::from_clap(&crate::app::Cli::command())
    }

    fn run(handler: &FakeHandler, line: &[&str]) -> (Dispatch, String) {
        let mut args = vec![OsString::from("kuddle")];
        args.extend(line.iter().map(OsString::from));
        let mut err = Vec::new();
        let d = dispatch(handler, &root(), &args, &mut err);
        (d, String::from_utf8(err).unwrap())
    }

    #[test]
    fn longest_name_wins_and_gets_the_rest_verbatim() {
        let h = FakeHandler::new(&["foo", "foo-bar"]);
        let (d, err) = run(&h, &["foo", "bar", "baz", "--x_y", "q"]);
        assert_eq!((d, err.as_str()), (Dispatch::Exit(7), ""));
        assert_eq!(*h.lookups.borrow(), ["foo-bar-baz", "foo-bar"]);
        let ran = h.ran.borrow().clone().unwrap();
        assert_eq!(ran.0, PathBuf::from("/bin/kubectl-foo-bar"));
        assert_eq!(ran.1, ["baz", "--x_y", "q"]);
        assert!(ran.2.is_some(), "KUBECTL_PATH is set");
    }

    #[test]
    fn dashes_in_words_become_underscores() {
        let h = FakeHandler::new(&["x_y"]);
        let (d, _) = run(&h, &["x-y", "a"]);
        assert_eq!(d, Dispatch::Exit(7));
        assert_eq!(h.ran.borrow().clone().unwrap().1, ["a"]);
    }

    #[test]
    fn builtins_win() {
        let h = FakeHandler::new(&["create", "create-deployment"]);
        let (d, _) = run(&h, &["create", "deployment", "x"]);
        assert_eq!(d, Dispatch::Builtin);
        assert!(h.lookups.borrow().is_empty());
    }

    #[test]
    fn create_is_extended_only_with_missing_subcommands() {
        let h = FakeHandler::new(&["create", "create-foo"]);
        let (d, _) = run(&h, &["create", "foo", "a"]);
        assert_eq!(d, Dispatch::Exit(7));
        assert_eq!(*h.lookups.borrow(), ["create-foo-a", "create-foo"]);
        assert_eq!(h.ran.borrow().clone().unwrap().1, ["a"]);
        // Never falls back to kubectl-create itself.
        let h = FakeHandler::new(&["create"]);
        let (d, _) = run(&h, &["create", "bar"]);
        assert_eq!(d, Dispatch::Builtin);
        assert_eq!(*h.lookups.borrow(), ["create-bar"]);
    }

    #[test]
    fn flags_before_the_plugin_name_are_refused() {
        let h = FakeHandler::new(&["foo"]);
        let (d, err) = run(&h, &["--v=1", "foo"]);
        assert_eq!(d, Dispatch::Exit(1));
        assert_eq!(
            err,
            "Error: flags cannot be placed before plugin name: --v=1\n"
        );
        assert!(h.lookups.borrow().is_empty());
    }

    #[test]
    fn no_plugin_is_an_unknown_command() {
        let h = FakeHandler::new(&[]);
        let (d, err) = run(&h, &["creat"]);
        assert_eq!(d, Dispatch::Exit(1));
        assert_eq!(
            err,
            "error: unknown command \"creat\" for \"kuddle\"\n\nDid you mean this?\n\tcreate\n"
        );
        let (d, _) = run(&h, &["help", "x"]);
        assert_eq!(d, Dispatch::Builtin);
    }

    #[test]
    fn paths_are_joined_like_go() {
        let j = |d: &str, f: &str| go_join(Path::new(d), f).display().to_string();
        assert_eq!(j(".", "kubectl-x"), "kubectl-x");
        assert_eq!(j("./bin/", "kubectl-x"), "bin/kubectl-x");
        assert_eq!(j("/a//b/../c/", "kubectl-x"), "/a/c/kubectl-x");
        assert_eq!(j("../up", "kubectl-x"), "../up/kubectl-x");
        assert_eq!(j("/..", "kubectl-x"), "/kubectl-x");
    }

    #[test]
    fn go_error_wording() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(go_errno_text(&e), "no such file or directory");
    }
}

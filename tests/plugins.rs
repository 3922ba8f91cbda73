//! Plugins: dispatch, exit codes and `plugin list`, compared with kubectl
//! 1.37.1 on the same PATH, plus the example plugins in plugins/.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A PATH of plugin folders made for one test.
struct PluginPath {
    root: PathBuf,
}

/// A plugin that prints its name, arguments and whether KUBECTL_PATH is
/// set, then exits with `code`.
fn script(name: &str, code: i32) -> String {
    format!(
        "#!/bin/sh\necho \"{name} got $# [$*] KUBECTL_PATH=${{KUBECTL_PATH:+set}}\"\nexit {code}\n"
    )
}

impl PluginPath {
    fn new(tag: &str) -> PluginPath {
        let root =
            common::scratch_root().join(format!("kuddle-plugins-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp dir");
        PluginPath { root }
    }

    fn dir(&self, name: &str) -> PathBuf {
        let dir = self.root.join(name);
        std::fs::create_dir_all(&dir).expect("plugin dir");
        dir
    }

    fn add(&self, dir: &str, file: &str, body: &str, executable: bool) {
        let path = self.dir(dir).join(file);
        std::fs::write(&path, body).expect("write plugin");
        set_mode(&path, if executable { 0o755 } else { 0o644 });
    }

    /// The usual layout: nested names, shadowing, a non-executable file,
    /// plugins named after built-ins, underscores, a folder and a stranger.
    fn standard(tag: &str) -> PluginPath {
        let p = PluginPath::new(tag);
        p.add("a", "kubectl-foo", &script("foo", 3), true);
        p.add("a", "kubectl-foo-bar", &script("foo-bar", 0), true);
        p.add("a", "kubectl-a", &script("a", 4), true);
        p.add("a", "kubectl-a-b-c", &script("a-b-c", 5), true);
        p.add("a", "kubectl-x_y", &script("x_y", 0), true);
        p.add("a", "kubectl-create-foo", &script("create-foo", 6), true);
        p.add("a", "kubectl-create", &script("create", 7), true);
        p.add("a", "kubectl-completion", &script("completion", 8), true);
        p.add("a", "kubectl-get", &script("get", 8), true);
        p.add("a", "kubectl-get-x", &script("get-x", 8), true);
        p.add("a", "kubectl-zz_noexec", &script("zz_noexec", 0), false);
        p.add("a", "not-a-plugin", &script("stranger", 0), true);
        std::fs::create_dir_all(p.dir("a").join("kubectl-zzfolder")).expect("folder");
        p.add("b", "kubectl-foo", &script("shadowed foo", 9), true);
        // Files the kernel cannot run: no `#!`, a missing interpreter.
        p.add("b", "kubectl-nosh", "echo no shebang\n", true);
        p.add("b", "kubectl-badint", "#!/nonexistent/interpreter\n", true);
        p
    }

    /// PATH: the given folders, then the system folders kubectl needs none of
    /// but the plugin scripts use (sh, basename).
    fn path(&self, dirs: &[&str]) -> String {
        let mut parts: Vec<String> = dirs
            .iter()
            .map(|d| {
                if d.starts_with('/') {
                    d.to_string()
                } else {
                    self.root.join(d).display().to_string()
                }
            })
            .collect();
        parts.push("/usr/bin:/bin".into());
        parts.join(":")
    }
}

impl Drop for PluginPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn same_on_path(path: &str, line: &str) -> Output {
    assert_same(&Invocation::line(line).env("PATH", path))
}

#[test]
fn dispatch_matches_kubectl() {
    let p = PluginPath::standard("dispatch");
    let path = p.path(&["a", "b"]);
    for line in [
        // Longest name first; the rest verbatim; the plugin's exit code.
        "foo",
        "foo bar baz -x q",
        "foo baz bar",
        "foo -- bar",
        "a b c d e",
        "a b x",
        "a-b",
        "x-y 1 2",
        "x_y",
        // Built-ins win; only missing `create` subcommands are extended.
        "create foo a --flag",
        "create foo",
        "completion bash-x",
        // Flags before the plugin name.
        "--v=1 foo",
        "-n x foo",
        "-n x nothing",
        "--bogus x foo",
        "--insecure-skip-tls-verify foo",
        // Help flags are not known yet when kubectl looks for plugins.
        "-h foo bar",
        "--help foo bar",
        // Not executable, a folder, nothing at all.
        "zz-noexec",
        "nosh",
        "badint x",
        "zzfolder",
        "fooo",
        "creat",
        "plugins",
        "complet",
        "Plugin",
    ] {
        same_on_path(&path, line);
    }
}

/// PATH entries relative to the current folder (an empty one is `.`).
#[test]
fn relative_path_entries_match_kubectl() {
    let p = PluginPath::standard("relative");
    for path in [":/usr/bin:/bin", ".:/usr/bin:/bin", "./:../b:/usr/bin:/bin"] {
        for line in ["foo x", "x-y", "plugin list", "plugin list --name-only"] {
            assert_same(&Invocation::line(line).env("PATH", path).cwd(p.dir("a")));
        }
    }
}

#[test]
fn plugins_get_kuddles_path() {
    let p = PluginPath::new("env");
    p.add(
        "a",
        "kubectl-env",
        "#!/bin/sh\necho \"$KUBECTL_PATH\"\necho \"$PLUGIN_TEST_VAR\"\n",
        true,
    );
    let out = Invocation::line("env")
        .env("PATH", p.path(&["a"]))
        .env("PLUGIN_TEST_VAR", "passed through")
        .env("KUBECTL_PATH", "/stale/value")
        .kuddle();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = std::fs::canonicalize(kuddle_bin()).expect("kuddle path");
    assert_eq!(
        out.stdout,
        format!("{}\npassed through\n", expected.display())
    );
}

#[test]
fn plugin_list_matches_kubectl() {
    let p = PluginPath::standard("list");
    let missing = p.root.join("missing").display().to_string();
    let a_file = p.root.join("a/kubectl-foo").display().to_string();
    for dirs in [
        vec!["a", "b"],
        vec!["b", "a", "b"],
        vec!["b"],
        vec![missing.as_str(), a_file.as_str(), "b"],
        // Same folder spelled differently: listed twice, paths cleaned.
        vec!["b", "b/", "./b/../b"],
    ] {
        let path = p.path(&dirs);
        same_on_path(&path, "plugin list");
        same_on_path(&path, "plugin list --name-only");
        same_on_path(&path, "plugin list --name-only=false extra words");
    }
    // No plugins at all.
    same_on_path("/usr/bin:/bin", "plugin list");
    same_on_path("", "plugin list");
    // One warning.
    let q = PluginPath::new("list-one");
    q.add("a", "kubectl-create", &script("create", 0), true);
    same_on_path(&q.path(&["a"]), "plugin list");
    same_on_path(&q.path(&["a"]), "plugin list --name-only=maybe");
    same_on_path(&q.path(&["a"]), "plugin bogus");
}

#[test]
fn plugin_without_subcommand_fails_with_help() {
    let out = Invocation::line("plugin").kuddle();
    let expected = Invocation::line("plugin").kubectl();
    assert_eq!(out.code, expected.code);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("list"), "{}", out.stderr);
}

#[test]
fn help_lists_plugins() {
    let p = PluginPath::standard("help");
    let path = p.path(&["a", "b"]);
    let section = "Subcommands provided by plugins:\n\
                   \x20 a             The command a is a plugin installed by the user\n\
                   \x20 a             The command a is a plugin installed by the user\n\
                   \x20 foo           The command foo is a plugin installed by the user\n\
                   \x20 foo           The command foo is a plugin installed by the user\n\
                   \x20 x-y           The command x-y is a plugin installed by the user\n\
                   \x20 zz-noexec     The command zz-noexec is a plugin installed by the user\n\
                   \x20 badint        The command badint is a plugin installed by the user\n\
                   \x20 foo           The command foo is a plugin installed by the user\n\
                   \x20 nosh          The command nosh is a plugin installed by the user\n";
    // kubectl lists the same plugin lines (its section is the reference).
    let kubectl = Invocation::line("help").env("PATH", &path).kubectl();
    assert!(kubectl.stdout.contains(section), "{}", kubectl.stdout);
    for line in ["help", "--help", "-h", "", "--v=1", "-n x"] {
        let out = Invocation::line(line).env("PATH", &path).kuddle();
        assert_eq!(out.code, 0, "{line}: {}", out.stderr);
        assert!(out.stdout.contains(section), "{line}:\n{}", out.stdout);
    }
    // Not in subcommand help, nor without plugins.
    let out = Invocation::line("help create").env("PATH", &path).kuddle();
    assert!(!out.stdout.contains("provided by plugins"));
    let out = Invocation::line("help")
        .env("PATH", "/usr/bin:/bin")
        .kuddle();
    assert!(!out.stdout.contains("provided by plugins"));
    // An unknown topic: the message and the help on stderr, success.
    let out = Invocation::line("help foo bar").env("PATH", &path).kuddle();
    let expected = Invocation::line("help foo bar")
        .env("PATH", &path)
        .kubectl();
    assert_eq!(out.code, expected.code);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("Unknown help topic [`foo` `bar`]\n"));
    assert!(expected
        .stderr
        .starts_with("Unknown help topic [`foo` `bar`]\n"));
}

/// plugins/kubectl-hello and its completion helper, run by both programs.
#[test]
fn example_shell_plugin_works_with_both() {
    let plugins = repo_root().join("plugins").display().to_string();
    let path = format!("{plugins}:/usr/bin:/bin");
    for line in ["hello", "hello Ada", "hello --help", "hello --bogus"] {
        same_on_path(&path, line);
    }
    let out = Invocation::line("hello").env("PATH", &path).kuddle();
    assert_eq!(out.stdout, "Hello, world!\n");
    let kuddle = Invocation::line("hello --caller")
        .env("PATH", &path)
        .kuddle();
    let kubectl = Invocation::line("hello --caller")
        .env("PATH", &path)
        .kubectl();
    assert_eq!((kuddle.stdout.as_str(), kuddle.code), ("kuddle\n", 0));
    assert_eq!((kubectl.stdout.as_str(), kubectl.code), ("kubectl\n", 0));
}

/// The Rust example plugin, built from this workspace.
#[test]
fn example_rust_plugin_works_with_both() {
    let bin_dir = build_rust_plugin();
    let path = format!("{}:/usr/bin:/bin", bin_dir.display());
    let kubeconfig = fixture("plugins/kubeconfig.yaml").display().to_string();
    for inv in [
        Invocation::line("current-context").kubeconfig(&kubeconfig),
        Invocation::new(&["current-context", "--kubeconfig", &kubeconfig]),
        Invocation::line("current-context --kubeconfig=/nonexistent"),
        Invocation::line("current_context extra"),
    ] {
        assert_same(&inv.env("PATH", &path));
    }
    let out = Invocation::line("current-context")
        .kubeconfig(&kubeconfig)
        .env("PATH", &path)
        .kuddle();
    assert_eq!((out.stdout.as_str(), out.code), ("prod\n", 0));
}

/// Builds `kubectl-current_context` into kuddle's target folder; returns
/// the folder holding it.
fn build_rust_plugin() -> PathBuf {
    let bin = kuddle_bin();
    let profile_dir = bin.parent().expect("target/<profile>").to_path_buf();
    let target_dir = profile_dir.parent().expect("target").to_path_buf();
    let mut cmd = std::process::Command::new(env!("CARGO"));
    cmd.args([
        "build",
        "--quiet",
        "-p",
        "kubectl-current-context",
        "--target-dir",
    ])
    .arg(&target_dir)
    .current_dir(repo_root());
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("run cargo build");
    assert!(status.success(), "building the Rust example plugin failed");
    assert!(profile_dir.join("kubectl-current_context").exists());
    // Only the plugin: kuddle's own folder holds other binaries too.
    let dir = target_dir.join("plugin-test-bin");
    std::fs::create_dir_all(&dir).expect("bin dir");
    let dest = dir.join("kubectl-current_context");
    std::fs::copy(profile_dir.join("kubectl-current_context"), &dest).expect("copy plugin");
    dir
}

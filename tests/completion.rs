//! Shell completion: the `__complete` protocol compared with kubectl 1.37.1,
//! and the generated scripts driven through bash, zsh and fish, side by side
//! with kubectl's own scripts.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::Command;

use common::*;

fn kubeconfig() -> String {
    fixture("plugins/kubeconfig.yaml").display().to_string()
}

/// kubectl lists kubeconfig names in Go map order: compare choices sorted,
/// the directive line last.
fn sorted_choices(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop();
    lines.sort();
    let mut out: String = lines.iter().map(|l| format!("{l}\n")).collect();
    if let Some(l) = last {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn same_completion(inv: Invocation) {
    let inv = inv.kubeconfig(kubeconfig());
    assert_same_with(&inv, &sorted_choices);
}

#[test]
fn protocol_matches_kubectl() {
    let lines: &[&[&str]] = &[
        // A flag value before the request word makes it a plugin lookup.
        &["-n", "x", "__complete", "get", "pods", "a"],
        &["--namespace=x", "__completeNoDesc", "create", "de"],
        &["__completeNoDesc", "cr"],
        &["__completeNoDesc", "com"],
        &["__completeNoDesc", "pl"],
        &["__completeNoDesc", "create", "de"],
        &["__completeNoDesc", "create", "deployment", "x", "--"],
        &["__completeNoDesc", "create", "deployment", "x", "-"],
        &["__completeNoDesc", "create", "deployment", "x", "--im"],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--image",
            "i",
            "--dry",
        ],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "--image=i",
            "-r",
        ],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--image",
            "",
        ],
        &["__completeNoDesc", "create", "deployment", "x", "--image="],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--dry-run",
            "",
        ],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--dry-run=",
        ],
        &["__completeNoDesc", "create", "deployment", "x", "-o", ""],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--replicas",
            "",
        ],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--bogus",
            "",
        ],
        &["__completeNoDesc", "create", "deployment", "x", "--bogus="],
        &["__completeNoDesc", "create", "deployment", "x", "-q="],
        &["__completeNoDesc", "create", "deployment", "--help", ""],
        &["__completeNoDesc", "create", "deployment", "x", "--", ""],
        &[
            "__completeNoDesc",
            "create",
            "deployment",
            "x",
            "--",
            "--im",
        ],
        &["__completeNoDesc", "completion", ""],
        &["__completeNoDesc", "completion", "f"],
        &["__completeNoDesc", "completion", "bash", ""],
        &["__completeNoDesc", "get", "-o", ""],
        &["__completeNoDesc", "get", "-o", "j"],
        &["__completeNoDesc", "get", "pods", "-o="],
        &["__completeNoDesc", "get", "--output", "custom"],
        &["__completeNoDesc", "plugin", ""],
        &["__completeNoDesc", "help", "cr"],
        &["__completeNoDesc", "help", "create", "de"],
        &["__completeNoDesc", "help", "gett", ""],
        &["__completeNoDesc", "create", "-h", "de"],
        &["__completeNoDesc", "plugin", "list", "--name"],
        &["__completeNoDesc", "plugin", "list", ""],
        &["__complete", "completion", ""],
        &["__complete", "gett", ""],
        &["__complete", "gett", "more", ""],
        &["__complete"],
        // kubeconfig names.
        &["__complete", "--context", ""],
        &["__complete", "--context", "de"],
        &["__complete", "--context="],
        &["__complete", "--context=p"],
        &["__complete", "create", "--cluster", ""],
        &["__complete", "--user", "b"],
        &["__complete", "--kubeconfig=/nonexistent", "--context", ""],
    ];
    for line in lines {
        same_completion(Invocation::new(line));
    }
    // An explicit --kubeconfig on the line wins over KUBECONFIG.
    let other = Invocation::new(&["__complete", "--kubeconfig", &kubeconfig(), "--user", ""])
        .env("KUBECONFIG", "/nonexistent");
    assert_same_with(&other, &sorted_choices);
    // Descriptions can be turned off by the environment.
    same_completion(
        Invocation::new(&["__complete", "completion", ""])
            .env("KUDDLE_COMPLETION_DESCRIPTIONS", "false"),
    );
}

/// Without a cluster kubectl offers nothing (and logs its failed requests).
#[test]
fn cluster_backed_completion_offline() {
    for line in [
        &["__complete", "-n", ""][..],
        &["__complete", "--namespace="],
    ] {
        let inv = Invocation::new(line).kubeconfig(kubeconfig());
        let (ours, theirs) = (inv.kuddle(), inv.kubectl());
        assert_eq!(ours.stdout, ":4\n");
        assert_eq!((ours.stdout, ours.code), (theirs.stdout, theirs.code));
    }
}

/// Plugins on PATH: names at the first word, their own completion executables.
#[test]
fn plugin_completion_matches_kubectl() {
    let dir = common::scratch_root().join(format!("kuddle-plugcomp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let add = |name: &str, body: &str| {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    add("kubectl-foo", "#!/bin/sh\n");
    add("kubectl-foo-bar", "#!/bin/sh\n");
    add("kubectl-x_y", "#!/bin/sh\n");
    add("kubectl-create-zap", "#!/bin/sh\n");
    add(
        "kubectl_complete-foo",
        "#!/bin/sh\nfor a in \"$@\"; do echo \"arg[$a]\"; done\nprintf 'one\\tthe first\\n'\necho ':6'\n",
    );
    add("kubectl_complete-x_y", "#!/bin/sh\necho 'plain'\n");
    add("kubectl_complete-foo-bar", "#!/bin/sh\nexit 1\n");
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        dir.display(),
        repo_root().join("plugins").display()
    );
    for line in [
        &["__complete", "f"][..],
        &["__complete", "x"],
        &["__complete", "foo", ""],
        &["__complete", "foo", "-n", "--x=1", "b"],
        &["__complete", "foo", "-"],
        &["__complete", "foo", "bar", ""],
        &["__complete", "foo", "nope", ""],
        &["__complete", "x-y", ""],
        &["__complete", "-n", "x", "f"],
        &["__complete", "create", "z"],
        &["__complete", "hello", ""],
        &["__complete", "hello", "a", ""],
        &["__completeNoDesc", "hel"],
    ] {
        same_completion(Invocation::new(line).env("PATH", &path));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completion_command_errors_match_kubectl() {
    for line in [
        "completion",
        "completion tcsh",
        "completion bash zsh",
        "completion --bogus",
    ] {
        same(line);
    }
}

// ---- Through the shells -------------------------------------------------

/// One program under test: its name, a folder with just it (and the
/// example plugins) on PATH, and its completion script for each shell.
struct Program {
    name: &'static str,
    bin_dir: PathBuf,
    kubeconfig: String,
}

impl Program {
    fn new(name: &'static str, binary: PathBuf, shell: &str) -> Program {
        // Tests run in parallel: each Program gets a folder of its own.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let bin_dir = common::scratch_root().join(format!(
            "kuddle-shellcomp-{shell}-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&bin_dir);
        std::fs::create_dir_all(&bin_dir).unwrap();
        symlink(&binary, bin_dir.join(name)).unwrap();
        Program {
            name,
            bin_dir,
            kubeconfig: kubeconfig(),
        }
    }

    /// The same program, completing against the test cluster.
    fn on_cluster(mut self) -> Program {
        self.kubeconfig = common::cluster::cluster_kubeconfig().display().to_string();
        self
    }

    fn path(&self) -> String {
        format!(
            "{}:{}:/usr/bin:/bin",
            self.bin_dir.display(),
            repo_root().join("plugins").display()
        )
    }

    /// The script as the program prints it.
    fn script(&self, shell: &str) -> PathBuf {
        let out = Command::new(self.bin_dir.join(self.name))
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = self.bin_dir.join(format!("completion.{shell}"));
        std::fs::write(&path, out.stdout).unwrap();
        path
    }

    fn run_shell(&self, program: &str, args: &[&str], script: &str) -> String {
        let out = Command::new(program)
            .args(args)
            .arg(script)
            .env_clear()
            .env("PATH", self.path())
            .env("HOME", self.bin_dir.display().to_string())
            .env("KUBECONFIG", &self.kubeconfig)
            .env("COLUMNS", "200")
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} (run scripts/test-deps): {e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// bash with bash-completion: COMP_WORDS split the way bash splits
    /// them (at `=`), then the script's entry point.
    fn bash(&self, line: &str) -> BTreeSet<String> {
        let mut words: Vec<String> = Vec::new();
        for word in line.split(' ') {
            match word.split_once('=') {
                Some((flag, value)) => {
                    words.push(flag.to_string());
                    words.push("=".to_string());
                    if !value.is_empty() {
                        words.push(value.to_string());
                    }
                }
                None => words.push(word.to_string()),
            }
        }
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let script = format!(
            "source /usr/share/bash-completion/bash_completion\n\
             source '{}'\n\
             COMP_WORDS=({})\n\
             COMP_CWORD={}\n\
             COMP_LINE='{line}'\n\
             COMP_POINT=${{#COMP_LINE}}\n\
             __start_{} 2>/dev/null\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            self.script("bash").display(),
            quoted.join(" "),
            words.len() - 1,
            self.name
        );
        // Several choices come as `value  (description)`.
        values(
            &self.run_shell("bash", &["--norc", "--noprofile", "-c"], &script),
            "  (",
        )
    }

    /// zsh: the script's function with the completion system's `_describe`
    /// replaced by one that prints the choices matching the current word.
    fn zsh(&self, line: &str) -> BTreeSet<String> {
        let words: Vec<String> = line.split(' ').map(|w| format!("'{w}'")).collect();
        let script = format!(
            "compdef() {{ : }}\n\
             _describe() {{\n\
               [[ $1 == -V ]] && shift\n\
               local arr=$2 prefix='' item\n\
               shift 2\n\
               while (( $# )); do [[ $1 == -P ]] && {{ prefix=$2; shift }}; shift; done\n\
               for item in \"${{(@P)arr}}\"; do\n\
                 [[ \"$prefix${{item//\\\\:/:}}\" == \"${{words[CURRENT]}}\"* ]] && print -r -- \"$item\"\n\
               done\n\
               return 0\n\
             }}\n\
             _arguments() {{ print -r -- \"files: $*\" }}\n\
             source '{}'\n\
             words=({})\n\
             CURRENT=${{#words}}\n\
             _{}\n",
            self.script("zsh").display(),
            words.join(" "),
            self.name
        );
        let out = self.run_shell("zsh", &["-f", "-c"], &script);
        // `value:description`, with colons in the value escaped.
        out.lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let mut value = String::new();
                let mut chars = l.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' if chars.peek() == Some(&':') => {
                            value.push(':');
                            chars.next();
                        }
                        ':' => break,
                        c => value.push(c),
                    }
                }
                value
            })
            .collect()
    }

    /// fish's own `complete -C`.
    fn fish(&self, line: &str) -> BTreeSet<String> {
        let script = format!(
            "source '{}'\ncomplete -C '{line}'\n",
            self.script("fish").display()
        );
        values(
            &self.run_shell("fish", &["--no-config", "-c"], &script),
            "\t",
        )
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.bin_dir);
    }
}

fn values(text: &str, separator: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(separator)
                .next()
                .unwrap_or("")
                .trim_end()
                .to_string()
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// (line after the program name, expected choices).
const SCENARIOS: &[(&str, &[&str])] = &[
    ("create de", &["deployment"]),
    ("completion ", &["bash", "fish", "powershell", "zsh"]),
    ("completion z", &["zsh"]),
    ("--context d", &["dev", "dev-eu"]),
    ("--cluster ", &["c-one", "c-two"]),
    ("--user b", &["bob"]),
    ("hel", &["hello", "help"]),
    ("hello ", &["--caller", "kubectl", "kuddle", "world"]),
    ("hello --c", &["--caller"]),
    ("create deployment x --", &["--image"]),
    ("create deployment x --image i --dry", &["--dry-run"]),
    ("plugin l", &["list"]),
    ("plugin list --name", &["--name-only", "--namespace"]),
];

/// kuddle and kubectl, each in a folder of its own for one shell's test.
fn programs(shell: &str) -> (Program, Program) {
    (
        Program::new("kuddle", kuddle_bin(), shell),
        Program::new("kubectl", kubectl_bin(), shell),
    )
}

fn line_for(program: &str, rest: &str) -> String {
    format!("{program} {rest}")
}

#[test]
fn bash_completes_like_kubectl() {
    let (ours, theirs) = programs("bash");
    for (rest, expected) in SCENARIOS {
        let got = ours.bash(&line_for("kuddle", rest));
        assert_eq!(got, set(expected), "bash: kuddle {rest}");
        assert_eq!(
            got,
            theirs.bash(&line_for("kubectl", rest)),
            "bash vs kubectl: {rest}"
        );
    }
    // `--flag=value`: bash splits at `=`; the choices are the values.
    for (rest, expected) in [
        ("--context=", &["dev", "dev-eu", "prod"][..]),
        ("--context=d", &["dev", "dev-eu"]),
    ] {
        let got = ours.bash(&line_for("kuddle", rest));
        assert_eq!(got, set(expected), "bash: kuddle {rest}");
        assert_eq!(
            got,
            theirs.bash(&line_for("kubectl", rest)),
            "bash vs kubectl: {rest}"
        );
    }
}

#[test]
fn zsh_completes_like_kubectl() {
    let (ours, theirs) = programs("zsh");
    for (rest, expected) in SCENARIOS {
        let got = ours.zsh(&line_for("kuddle", rest));
        assert_eq!(got, set(expected), "zsh: kuddle {rest}");
        assert_eq!(
            got,
            theirs.zsh(&line_for("kubectl", rest)),
            "zsh vs kubectl: {rest}"
        );
    }
    let got = ours.zsh("kuddle --context=p");
    assert_eq!(got, set(&["prod"]));
    assert_eq!(got, theirs.zsh("kubectl --context=p"));
}

#[test]
fn fish_completes_like_kubectl() {
    let (ours, theirs) = programs("fish");
    for (rest, expected) in SCENARIOS {
        let got = ours.fish(&line_for("kuddle", rest));
        assert_eq!(got, set(expected), "fish: kuddle {rest}");
        assert_eq!(
            got,
            theirs.fish(&line_for("kubectl", rest)),
            "fish vs kubectl: {rest}"
        );
    }
    // fish shows `--flag=value` choices whole.
    let got = ours.fish("kuddle --context=d");
    assert_eq!(got, set(&["--context=dev", "--context=dev-eu"]));
    assert_eq!(got, theirs.fish("kubectl --context=d"));
}

/// The real zsh completion system, in an interactive zsh on a pseudo
/// terminal: TAB expands a unique choice on the command line.
#[test]
fn zsh_tab_expands_in_an_interactive_shell() {
    let program = Program::new("kuddle", kuddle_bin(), "zpty");
    let script = program.script("zsh");
    let driver = format!(
        r#"zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'autoload -U compinit; compinit -u; source {script}'
zpty -w -n z $'kuddle create de\t'
out=""
for i in {{1..100}}; do
  while zpty -r -t z chunk; do out+=$chunk; done
  [[ $out == *"create deployment"* ]] && break
  sleep 0.1
done
zpty -d z
print -r -- "$out"
"#,
        script = script.display()
    );
    let out = program.run_shell("zsh", &["-f", "-c"], &driver);
    assert!(out.contains("kuddle create deployment"), "{out}");
}

/// PowerShell is not packaged for Debian: check the script's protocol
/// pieces instead of running it.
#[test]
fn powershell_script_speaks_the_protocol() {
    let out = Invocation::line("completion powershell").kuddle();
    assert_eq!(out.code, 0);
    for needle in [
        "Register-ArgumentCompleter -CommandName 'kuddle'",
        "$RequestComp = \"$Program __complete $Arguments\"",
        "${env:KUDDLE_ACTIVE_HELP} = 0",
        "[int]$Directive = $Out[-1].TrimStart(':')",
    ] {
        assert!(out.stdout.contains(needle), "missing {needle}");
    }
}

/// Types, names and namespaces from the real control plane, through each
/// shell's completion entry point, for kuddle and kubectl alike.
#[test]
fn shells_complete_from_the_cluster() {
    let ns = common::cluster::namespace("shellcomp");
    for name in ["one", "two", "other"] {
        let out = Invocation::new(&["-n", &ns, "create", "configmap", name])
            .kubeconfig(common::cluster::cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let ns_prefix = &ns[..ns.len() - 3];
    let scenarios: Vec<(String, Vec<String>)> = vec![
        (
            format!("-n {ns} get configmaps "),
            vec![
                "kube-root-ca.crt".into(),
                "one".into(),
                "other".into(),
                "two".into(),
            ],
        ),
        (
            format!("-n {ns} get configmaps o"),
            vec!["one".into(), "other".into()],
        ),
        (format!("-n {ns} get configmaps one t"), vec!["two".into()]),
        (
            format!("-n {ns} get configmap/o"),
            vec!["configmap/one".into(), "configmap/other".into()],
        ),
        (
            "get namespace kube-".into(),
            vec![
                "kube-node-lease".into(),
                "kube-public".into(),
                "kube-system".into(),
            ],
        ),
        (format!("get -n {ns_prefix}"), vec![ns.clone()]),
        ("get deploymen".into(), vec!["deployments.apps".into()]),
        ("get po,replicas".into(), vec!["po,replicasets.apps".into()]),
    ];
    for shell in ["bash", "zsh", "fish"] {
        let (ours, theirs) = programs(shell);
        let (ours, theirs) = (ours.on_cluster(), theirs.on_cluster());
        for (rest, expected) in &scenarios {
            let run = |p: &Program, prog: &str| match shell {
                "bash" => p.bash(&line_for(prog, rest)),
                "zsh" => p.zsh(&line_for(prog, rest)),
                _ => p.fish(&line_for(prog, rest)),
            };
            let got = run(&ours, "kuddle");
            // bash puts a single choice on the line escaped (`po\,x`).
            let want: BTreeSet<String> = expected
                .iter()
                .map(|w| {
                    if shell == "bash" && expected.len() == 1 {
                        w.replace(',', "\\,")
                    } else {
                        w.clone()
                    }
                })
                .collect();
            assert_eq!(got, want, "{shell}: kuddle {rest}");
            assert_eq!(got, run(&theirs, "kubectl"), "{shell} vs kubectl: {rest}");
        }
    }
}

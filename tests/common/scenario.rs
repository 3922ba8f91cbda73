//! Scenarios that write files: both programs run in turn on fresh copies
//! of the same files at the same paths (`{d}` in arguments and environment
//! stands for the scenario's folder, whose `home` is HOME), and stdout,
//! stderr, exit code and every file left behind (bytes and mode) must be
//! the same.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

fn fx(name: &str) -> PathBuf {
    fixture("kubeconfig").join(name)
}

/// Every file under `dir`: relative path → (mode, bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if meta.is_dir() {
                out.insert(format!("{rel}/"), (meta.permissions().mode(), Vec::new()));
                stack.push(path);
            } else {
                let data = std::fs::read(&path).unwrap_or_default();
                out.insert(rel, (meta.permissions().mode(), data));
            }
        }
    }
    out
}

/// One scenario: the files to start from, the environment (`{d}` stands
/// for the scenario's folder) and the command line.
#[derive(Clone, Default)]
pub struct Scenario {
    files: Vec<(String, Vec<u8>)>,
    modes: Vec<(String, u32)>,
    env: Vec<(String, String)>,
    args: Vec<String>,
    /// Run as the unprivileged user (so file modes are enforced).
    unprivileged: bool,
    /// kubectl prints its own help on stdout here; only the rest is compared.
    help_on_stdout: bool,
    stdin: Option<Vec<u8>>,
}

impl Scenario {
    pub fn new(args: &[&str]) -> Scenario {
        Scenario {
            args: args.iter().map(|a| a.to_string()).collect(),
            ..Scenario::default()
        }
    }

    pub fn line(line: &str) -> Scenario {
        Scenario::new(&line.split_whitespace().collect::<Vec<_>>())
    }

    pub fn file(mut self, name: &str, fixture: &str) -> Scenario {
        let data = std::fs::read(fx(fixture)).unwrap();
        self.files.push((name.into(), data));
        self
    }

    pub fn text(mut self, name: &str, text: &str) -> Scenario {
        self.files.push((name.into(), text.as_bytes().to_vec()));
        self
    }

    pub fn mode(mut self, name: &str, mode: u32) -> Scenario {
        self.modes.push((name.into(), mode));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Scenario {
        self.env.push((key.into(), value.into()));
        self
    }

    /// `KUBECONFIG` as a list of names in the scenario's folder.
    pub fn kubeconfig(self, names: &[&str]) -> Scenario {
        let list: Vec<String> = names.iter().map(|n| format!("{{d}}/{n}")).collect();
        self.env("KUBECONFIG", &list.join(":"))
    }

    pub fn unprivileged(mut self) -> Scenario {
        self.unprivileged = true;
        self
    }

    pub fn stdin(mut self, data: &str) -> Scenario {
        self.stdin = Some(data.as_bytes().to_vec());
        self
    }

    pub fn help_on_stdout(mut self) -> Scenario {
        self.help_on_stdout = true;
        self
    }

    fn prepare(&self, dir: &Path) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("home")).unwrap();
        for (name, data) in &self.files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, data).unwrap();
        }
        for (name, mode) in &self.modes {
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(*mode))
                .unwrap();
        }
        if self.unprivileged {
            // The folders stay writable for the unprivileged user; the
            // files keep their modes.
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
            std::fs::set_permissions(dir.join("home"), std::fs::Permissions::from_mode(0o777))
                .unwrap();
        }
    }

    fn run(&self, program: &Path, dir: &Path) -> Output {
        self.prepare(dir);
        let d = dir.display().to_string();
        let fill = |s: &str| s.replace("{d}", &d);
        let mut cmd = if self.unprivileged && is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.args(self.args.iter().map(|a| fill(a)))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", dir.join("home"))
            .env("LANG", "C.UTF-8")
            .current_dir(dir);
        for (k, v) in &self.env {
            cmd.env(k, fill(v));
        }
        cmd.stdin(if self.stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run");
        if let (Some(data), Some(mut pipe)) = (&self.stdin, child.stdin.take()) {
            use std::io::Write as _;
            let _ = pipe.write_all(data);
        }
        let out = child.wait_with_output().expect("wait");
        Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// Go prints pointers in some errors; a panic prints a stack only Go has.
fn normalize(text: &str) -> String {
    let re = regex::Regex::new(r"0x[0-9a-f]{6,}").unwrap();
    let text = re.replace_all(text, "0xPTR").into_owned();
    match text.find("\ngoroutine 1 [running]:\n") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn scratch(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    super::scratch_root().join(format!("kuddle-cfgw-{}-{tag}-{n}", std::process::id()))
}

/// Runs the scenario through both programs and compares everything.
pub fn same_writes(s: &Scenario) -> Output {
    let dir = scratch("run");
    let expected = s.run(&kubectl_bin(), &dir);
    let expected_files = snapshot(&dir);
    let actual = s.run(&kuddle_bin(), &dir);
    let actual_files = snapshot(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let context = format!("`{}` {:?}", s.args.join(" "), s.env);
    if s.help_on_stdout {
        assert!(
            expected.stdout.contains("Usage:") && !actual.stdout.is_empty(),
            "help expected on stdout for {context}"
        );
    } else {
        assert_same_text("stdout", &expected.stdout, &actual.stdout, &context);
    }
    assert_same_text(
        "stderr",
        &normalize(&normalize_stderr(&expected.stderr)),
        &normalize(&normalize_stderr(&actual.stderr)),
        &context,
    );
    assert_eq!(
        expected.code, actual.code,
        "exit code differs for {context}"
    );
    let names: std::collections::BTreeSet<&String> =
        expected_files.keys().chain(actual_files.keys()).collect();
    for name in names {
        match (expected_files.get(name), actual_files.get(name)) {
            (Some((m1, d1)), Some((m2, d2))) => {
                assert_eq!(m1, m2, "mode of {name} differs for {context}");
                assert_same_text(
                    &format!("file {name}"),
                    &String::from_utf8_lossy(d1),
                    &String::from_utf8_lossy(d2),
                    &context,
                );
            }
            (e, a) => panic!(
                "{name} left by kubectl: {}, by kuddle: {} for {context}",
                e.is_some(),
                a.is_some()
            ),
        }
    }
    actual
}

//! Shared helpers for integration and differential tests: run kuddle and the
//! real kubectl 1.37.1 on the same command line and compare what they print.
//!
//! The oracle lives in `build/venv/bin/kubectl` (installed by `scripts/test`,
//! or by `scripts/oracle` on its own); `KUDDLE_KUBECTL` overrides the path.
#![allow(dead_code)]

pub mod cluster;
pub mod faults;
pub mod pty;
pub mod scenario;
pub mod twin;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(rel)
}

pub fn kuddle_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kuddle"))
}

pub fn kubectl_bin() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::var_os("KUDDLE_KUBECTL")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("build/venv/bin/kubectl"));
        assert!(
            path.exists(),
            "the kubectl 1.37.1 oracle is missing at {}: run scripts/oracle (or scripts/test)",
            path.display()
        );
        path
    })
    .clone()
}

/// What one program printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// A command line plus the environment it runs in, runnable through either
/// program. The environment starts empty but for PATH, and HOME points at a
/// fresh folder, so neither program sees the developer's ~/.kube.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub stdin: Option<Vec<u8>>,
    pub cwd: Option<PathBuf>,
}

impl Invocation {
    pub fn new<S: AsRef<str>>(args: &[S]) -> Invocation {
        let mut env = BTreeMap::new();
        env.insert("PATH".into(), std::env::var("PATH").unwrap_or_default());
        env.insert("HOME".into(), scratch_home().display().to_string());
        env.insert("LANG".into(), "C.UTF-8".into());
        Invocation {
            args: args.iter().map(|a| a.as_ref().to_string()).collect(),
            env,
            stdin: None,
            cwd: None,
        }
    }

    /// Splits `line` on whitespace (no quoting: use `new` for odd words).
    pub fn line(line: &str) -> Invocation {
        Invocation::new(&line.split_whitespace().collect::<Vec<_>>())
    }

    pub fn env(mut self, key: &str, value: impl AsRef<str>) -> Invocation {
        self.env.insert(key.into(), value.as_ref().into());
        self
    }

    pub fn kubeconfig(self, path: impl AsRef<Path>) -> Invocation {
        let p = path.as_ref().display().to_string();
        self.env("KUBECONFIG", p)
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Invocation {
        self.stdin = Some(data.into());
        self
    }

    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Invocation {
        self.cwd = Some(dir.into());
        self
    }

    pub fn run_with(&self, program: &Path) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(&self.args).env_clear().envs(&self.env);
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        if let Some(data) = &self.stdin {
            let mut stdin = child.stdin.take().expect("stdin");
            let data = data.clone();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&data);
            });
        }
        let out = child.wait_with_output().expect("wait");
        Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    pub fn kuddle(&self) -> Output {
        self.run_with(&kuddle_bin())
    }

    pub fn kubectl(&self) -> Output {
        self.run_with(&kubectl_bin())
    }
}

/// This test process's folder under the system temp folder: every file and
/// folder a test makes lives in it, so runs do not pile up in /tmp. The
/// folders of test processes that have ended are removed when the next test
/// process asks for its own (homes hold discovery caches: thousands of them
/// once filled a disk).
pub fn scratch_root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let all = std::env::temp_dir().join("kuddle-tests");
        if let Ok(entries) = std::fs::read_dir(&all) {
            for entry in entries.flatten() {
                let pid = entry.file_name().to_string_lossy().into_owned();
                if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(&pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let root = all.join(std::process::id().to_string());
        std::fs::create_dir_all(&root).expect("scratch root");
        root
    })
    .clone()
}

/// A HOME of its own for each invocation, so nothing leaks between runs.
pub fn scratch_home() -> PathBuf {
    let dir = scratch_root()
        .join("homes")
        .join(fastrand_u64().to_string());
    std::fs::create_dir_all(&dir).expect("scratch home");
    dir
}

fn fastrand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    t ^ (n << 48) ^ n
}

/// Rewrites what legitimately differs between the two programs' stderr: the
/// program's own name in usage hints, and klog headers' time and pid.
pub fn normalize_stderr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if is_timed_out_watch_noise(line) {
            continue;
        }
        let line = normalize_klog_header(line);
        let line = line
            .replace("'kubectl ", "'kuddle ")
            .replace("\"kubectl ", "\"kuddle ")
            .replace("for \"kubectl\"", "for \"kuddle\"")
            .replace("(e.g. kubectl ", "(e.g. kuddle ");
        out.push_str(&line);
    }
    out
}

/// kubectl's informer sometimes logs that its watch failed when a wait's
/// `--timeout` ends while the watch is being set up, or that the watch was
/// "very short" when the timeout cuts it within its first second, sometimes
/// not (races inside client-go); the error line after it is what every run
/// prints.
fn is_timed_out_watch_noise(line: &str) -> bool {
    let failed_to_watch = line.starts_with('E')
        && line.contains("\"Failed to watch\" err=\"context deadline exceeded\"");
    let very_short_watch = line.starts_with('I')
        && line.contains("\"Warning: watch ended with error\"")
        && line.contains("very short watch:")
        && line.contains(
            "Unexpected watch close - watch lasted less than a second and no items received",
        );
    line.contains("reflector.go:") && (failed_to_watch || very_short_watch)
}

/// `W1127 06:43:04.189181    5414 helpers.go:728] msg` → `W0000 00:00:00.000000 0 helpers.go:728] msg`.
fn normalize_klog_header(line: &str) -> String {
    let b = line.as_bytes();
    let is_klog = b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[8] == b':'
        && b[14] == b'.';
    if !is_klog {
        return line.to_string();
    }
    let rest = &line[22..];
    let rest = rest.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{}0000 00:00:00.000000 0{}", &line[..1], rest)
}

/// Asserts two texts are equal, showing a line diff when they are not.
pub fn assert_same_text(what: &str, expected: &str, actual: &str, context: &str) {
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected, actual);
        let mut shown = String::new();
        for change in diff.iter_all_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => "-kubectl ",
                similar::ChangeTag::Insert => "+kuddle  ",
                similar::ChangeTag::Equal => "         ",
            };
            shown.push_str(&format!("{sign}{:?}\n", change.value()));
        }
        panic!("{what} differs for {context}\n{shown}");
    }
}

/// Runs `inv` through both programs and asserts the same stdout, stderr
/// (normalized) and exit code. `normalize` is applied to both outputs first
/// (for random suffixes, ages and the like). Returns kuddle's output.
pub fn assert_same_with(inv: &Invocation, normalize: &dyn Fn(&str) -> String) -> Output {
    let expected = inv.kubectl();
    let actual = inv.kuddle();
    let context = format!("`{}`", inv.args.join(" "));
    assert_same_text(
        "stdout",
        &normalize(&expected.stdout),
        &normalize(&actual.stdout),
        &context,
    );
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
    actual
}

pub fn assert_same(inv: &Invocation) -> Output {
    assert_same_with(inv, &|s| s.to_string())
}

/// Both programs on a plain command line (split on spaces).
pub fn same(line: &str) -> Output {
    assert_same(&Invocation::line(line))
}

/// Makes ages comparable: every age-like token (`5s`, `3m2s`, `10d`) becomes
/// `<age>` and runs of spaces shrink to one, since a ticking age can change
/// a column's width between the two runs.
pub fn normalize_ages(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let words: Vec<String> = body
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                if is_age(w) {
                    "<age>".to_string()
                } else {
                    w.to_string()
                }
            })
            .collect();
        out.push_str(&words.join(" "));
        out.push_str(newline);
    }
    out
}

fn is_age(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    let mut units = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i >= bytes.len() || !matches!(bytes[i], b's' | b'm' | b'h' | b'd' | b'y') {
            return false;
        }
        i += 1;
        units += 1;
    }
    units <= 2
}

/// Serves the files under `dir` over HTTP on a loopback port until the
/// test binary ends (for `-f http://…`); a missing file is a 404.
pub fn serve_dir(dir: PathBuf) -> String {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let mut out = &stream;
            let _ = match std::fs::read(&file) {
                Ok(body) if file.is_file() => out
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| out.write_all(&body)),
                _ => out.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

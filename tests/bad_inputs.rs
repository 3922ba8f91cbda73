//! The bad-input corpus (tests/fixtures/bad-inputs/, see its README): every
//! input through kubectl 1.37.1 and kuddle. No panic, no hang, kubectl's
//! exit code, stdout and stderr, and no planted secret in kuddle's output
//! that kubectl does not print too.

mod common;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::cluster_kubeconfig;
use common::*;

const SECRET: &str = "kuddle-corpus-secret";
/// No run may take longer (the slowest honest case is a 5 s timeout).
const LIMIT: Duration = Duration::from_secs(60);

fn corpus(folder: &str) -> Vec<PathBuf> {
    let dir = fixture("bad-inputs").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn content(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).expect("read case")).into_owned()
}

/// `(case name, reason)` pairs of known-differences.txt.
fn known_differences() -> Vec<String> {
    let text =
        std::fs::read_to_string(fixture("bad-inputs/known-differences.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Runs `inv` with `program`, killing it after LIMIT.
fn bounded(inv: &Invocation, program: &Path) -> Result<Output, String> {
    let mut cmd = Command::new(program);
    cmd.args(&inv.args)
        .env_clear()
        .envs(&inv.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
        code: status.code().unwrap_or(-1),
    })
}

/// kubectl repeats its failed discovery requests and logs each; kuddle
/// asks once (README: Differences). The final message is compared.
fn comparable_stderr(text: &str) -> String {
    let mut out = String::new();
    let mut in_klog_block = false;
    for line in normalize_stderr(text).lines() {
        if line.contains("memcache.go:381]") {
            // A multi-line value continues on tab-indented lines up to ` >`.
            in_klog_block = line.ends_with("err=<");
            continue;
        }
        if in_klog_block {
            in_klog_block = line != " >";
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One case: returns a description of what went wrong, if anything.
fn check(name: &str, inv: &Invocation) -> Option<String> {
    let theirs = match bounded(inv, &kubectl_bin()) {
        Ok(o) => o,
        Err(e) => return Some(format!("{name}: kubectl {e}")),
    };
    let ours = match bounded(inv, &kuddle_bin()) {
        Ok(o) => o,
        Err(e) => return Some(format!("{name}: HANG: kuddle {e}")),
    };
    if ours.code == 101 || ours.stderr.contains("panicked at") {
        return Some(format!("{name}: PANIC: {}", ours.stderr));
    }
    let leaked = |o: &Output| o.stdout.contains(SECRET) || o.stderr.contains(SECRET);
    if leaked(&ours) && !leaked(&theirs) {
        return Some(format!("{name}: LEAK: {}{}", ours.stdout, ours.stderr));
    }
    let (ts, os) = (
        comparable_stderr(&theirs.stderr),
        comparable_stderr(&ours.stderr),
    );
    if theirs.code != ours.code || theirs.stdout != ours.stdout || ts != os {
        return Some(format!(
            "{name}: DIFFERS `{}`\n  kubectl {}: {:?} {:?}\n  kuddle  {}: {:?} {:?}",
            inv.args.join(" "),
            theirs.code,
            theirs.stdout,
            ts,
            ours.code,
            ours.stdout,
            os
        ));
    }
    None
}

/// Runs the cases on a few threads and fails on anything not known.
fn run_all(cases: Vec<(String, Invocation)>) {
    let known = known_differences();
    let cases = std::sync::Mutex::new(cases);
    let problems = std::sync::Mutex::new(Vec::<(String, String)>::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let next = cases.lock().expect("cases").pop();
                let Some((name, inv)) = next else { break };
                if let Some(p) = check(&name, &inv) {
                    problems.lock().expect("problems").push((name, p));
                }
            });
        }
    });
    let problems = problems.into_inner().expect("problems");
    let fatal: Vec<&String> = problems
        .iter()
        .filter(|(name, p)| {
            p.contains("PANIC") || p.contains("HANG") || p.contains("LEAK") || !known.contains(name)
        })
        .map(|(_, p)| p)
        .collect();
    assert!(
        fatal.is_empty(),
        "{} bad inputs handled differently from kubectl:\n{}",
        fatal.len(),
        fatal
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn case_name(folder: &str, path: &Path, variant: &str) -> String {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    if variant.is_empty() {
        format!("{folder}/{file}")
    } else {
        format!("{folder}/{file}#{variant}")
    }
}

#[test]
fn kubeconfigs() {
    let mut cases = Vec::new();
    for path in corpus("kubeconfig") {
        let f = path.display().to_string();
        cases.push((
            case_name("kubeconfig", &path, "view"),
            Invocation::new(&["--kubeconfig", &f, "config", "view"]),
        ));
        cases.push((
            case_name("kubeconfig", &path, "get"),
            Invocation::new(&["--kubeconfig", &f, "get", "pods", "--request-timeout=5s"]),
        ));
    }
    run_all(cases);
}

#[test]
fn manifests() {
    let kubeconfig = cluster_kubeconfig();
    let mut cases = Vec::new();
    for path in corpus("manifest") {
        let f = path.display().to_string();
        cases.push((
            case_name("manifest", &path, "apply"),
            Invocation::new(&["apply", "--dry-run=client", "-n", "default", "-f", &f])
                .kubeconfig(&kubeconfig),
        ));
        cases.push((
            case_name("manifest", &path, "get"),
            Invocation::new(&["get", "-f", &f, "-o", "name", "-n", "default"])
                .kubeconfig(&kubeconfig),
        ));
    }
    run_all(cases);
}

#[test]
fn exec_credential_answers() {
    let dir = common::scratch_root().join(format!("kuddle-corpus-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut cases = Vec::new();
    for (n, path) in corpus("exec-credential").into_iter().enumerate() {
        let plugin = dir.join(format!("plugin-{n}.sh"));
        std::fs::write(&plugin, format!("#!/bin/sh\ncat '{}'\n", path.display())).expect("plugin");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
        let kubeconfig = dir.join(format!("config-{n}"));
        std::fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"https://127.0.0.1:1\", insecure-skip-tls-verify: true}}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      args: [\"--password={SECRET}\"]\n      env: [{{name: PLUGIN_SECRET, value: {SECRET}}}]\n      installHint: install the plugin\n      interactiveMode: Never\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n",
                plugin.display()
            ),
        )
        .expect("kubeconfig");
        cases.push((
            case_name("exec-credential", &path, ""),
            Invocation::new(&["get", "--raw", "/api"]).kubeconfig(&kubeconfig),
        ));
    }
    run_all(cases);
}

#[test]
fn output_templates() {
    let mut cases = Vec::new();
    for (folder, flag) in [
        ("jsonpath", "jsonpath="),
        ("custom-columns", "custom-columns="),
    ] {
        for path in corpus(folder) {
            let output = format!("{flag}{}", content(&path));
            cases.push((
                case_name(folder, &path, ""),
                Invocation::new(&[
                    "create",
                    "deployment",
                    "x",
                    "--image=y",
                    "--dry-run=client",
                    "-o",
                    &output,
                ]),
            ));
        }
    }
    run_all(cases);
}

#[test]
fn selectors_and_names() {
    let kubeconfig = cluster_kubeconfig();
    let mut cases = Vec::new();
    for path in corpus("label-selector") {
        let sel = content(&path);
        cases.push((
            case_name("label-selector", &path, ""),
            Invocation::new(&["get", "pods", "-n", "kube-system", "-l", &sel])
                .kubeconfig(&kubeconfig),
        ));
    }
    for path in corpus("field-selector") {
        let sel = content(&path);
        cases.push((
            case_name("field-selector", &path, ""),
            Invocation::new(&["get", "pods", "-n", "kube-system", "--field-selector", &sel])
                .kubeconfig(&kubeconfig),
        ));
    }
    for path in corpus("names") {
        let name = content(&path);
        cases.push((
            case_name("names", &path, "name"),
            Invocation::new(&["get", "configmaps", &name, "-n", "default"]).kubeconfig(&kubeconfig),
        ));
        cases.push((
            case_name("names", &path, "namespace"),
            Invocation::new(&["get", "configmaps", "-n", &name]).kubeconfig(&kubeconfig),
        ));
    }
    run_all(cases);
}

#[test]
fn flags_against_a_closed_port() {
    let mut cases = Vec::new();
    for path in corpus("request-timeout") {
        let t = content(&path);
        cases.push((
            case_name("request-timeout", &path, ""),
            Invocation::new(&[
                "-s",
                "https://127.0.0.1:1",
                "--token",
                "x",
                "get",
                "pods",
                "--request-timeout",
                &t,
            ]),
        ));
    }
    for path in corpus("tokens") {
        let token = content(&path);
        cases.push((
            case_name("tokens", &path, ""),
            Invocation::new(&[
                "-s",
                "https://127.0.0.1:1",
                "--insecure-skip-tls-verify",
                "--token",
                &token,
                "get",
                "--raw",
                "/api",
            ]),
        ));
    }
    run_all(cases);
}

/// Arguments that are not UTF-8: kubectl takes the bytes, kuddle reads each
/// bad byte as U+FFFD (README, "Where kuddle differs"). Where kubectl's
/// output passes through JSON the bytes are the same; where it echoes the
/// argument raw, it is kubectl's output with the bad bytes replaced.
#[test]
fn arguments_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let run = |program: &Path, args: &[&OsStr]| {
        let out = Command::new(program)
            .args(args)
            .env_clear()
            .env("HOME", scratch_home())
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .output()
            .expect("run");
        (out.status.code(), out.stdout, out.stderr)
    };
    let literal = OsStr::from_bytes(b"--from-literal=k=a\xffb");
    let template = OsStr::from_bytes(b"jsonpath={.kind}\xff{.metadata.name}");
    let cases: [Vec<&OsStr>; 2] = [
        ["create", "configmap", "x", "--dry-run=client", "-o", "yaml"]
            .map(OsStr::new)
            .into_iter()
            .chain([literal])
            .collect(),
        [
            "create",
            "deployment",
            "x",
            "--image=y",
            "--dry-run=client",
            "-o",
        ]
        .map(OsStr::new)
        .into_iter()
        .chain([template])
        .collect(),
    ];
    for args in cases {
        let (k_code, k_out, _) = run(&kubectl_bin(), &args);
        let (d_code, d_out, d_err) = run(&kuddle_bin(), &args);
        assert_eq!(k_code, Some(0), "{args:?}");
        assert_eq!(
            d_code,
            k_code,
            "{args:?}: {}",
            String::from_utf8_lossy(&d_err)
        );
        assert_eq!(
            String::from_utf8(d_out).expect("kuddle writes UTF-8"),
            String::from_utf8_lossy(&k_out),
            "{args:?}"
        );
    }
}

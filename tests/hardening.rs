//! Credentials, TLS rules, proxies, the environment and signals, against
//! the real control plane: what kubectl does, kuddle does.

mod common;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::cluster::cluster_kubeconfig;
use common::*;

fn scratch(name: &str) -> PathBuf {
    let dir =
        common::scratch_root().join(format!("kuddle-hardening-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The cluster's server URL and CA data, from its kubeconfig.
fn cluster_entry() -> (String, String) {
    let text = std::fs::read_to_string(cluster_kubeconfig()).unwrap();
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("{key} in kubeconfig"))
    };
    (field("server:"), field("certificate-authority-data:"))
}

fn kubeconfig_with_user(dir: &std::path::Path, user_yaml: &str) -> PathBuf {
    let (server, ca) = cluster_entry();
    let path = dir.join("config");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\nusers:\n- name: u\n  user:\n{user_yaml}contexts:\n- name: x\n  context: {{cluster: c, user: u, namespace: default}}\ncurrent-context: x\n"
        ),
    )
    .unwrap();
    path
}

#[cfg(unix)]
fn executable(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn an_exec_plugin_runs_once_per_command() {
    let mut counts = Vec::new();
    for program in ["kubectl", "kuddle"] {
        let dir = scratch(&format!("exec-once-{program}"));
        let counter = dir.join("runs");
        let plugin = dir.join("plugin.sh");
        executable(
            &plugin,
            &format!(
                "#!/bin/sh\necho run >> '{}'\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"kuddle-limited-token\"}}}}'\n",
                counter.display()
            ),
        );
        let kubeconfig = kubeconfig_with_user(
            &dir,
            &format!(
                "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
                plugin.display()
            ),
        );
        let inv = Invocation::new(&["get", "pods", "-o", "name"]).kubeconfig(&kubeconfig);
        let out = if program == "kubectl" {
            inv.kubectl()
        } else {
            inv.kuddle()
        };
        assert_eq!(out.code, 0, "{program}: {}", out.stderr);
        let runs = std::fs::read_to_string(&counter)
            .unwrap_or_default()
            .lines()
            .count();
        counts.push(runs);
    }
    assert_eq!(counts, vec![1, 1], "plugin runs (kubectl, kuddle)");
}

#[test]
fn tokens_are_trimmed_from_files_and_refused_with_control_characters() {
    let dir = scratch("tokens");
    let token_file = dir.join("token");
    // What `echo $TOKEN > file` writes.
    std::fs::write(&token_file, "kuddle-limited-token\n").unwrap();
    let kubeconfig =
        kubeconfig_with_user(&dir, &format!("    tokenFile: {}\n", token_file.display()));
    assert_same_with(
        &Invocation::new(&["get", "pods", "-o", "name"]).kubeconfig(&kubeconfig),
        &normalize_ages,
    );
    for token in [
        "kuddle-limited-token\n",
        "kuddle-limited-token\r",
        "kuddle\u{1}token",
    ] {
        let (server, _) = cluster_entry();
        let out = assert_same(&Invocation::new(&[
            "-s",
            &server,
            "--insecure-skip-tls-verify",
            "--token",
            token,
            "get",
            "--raw",
            "/api",
        ]));
        assert_eq!(out.code, 1);
    }
}

#[test]
fn insecure_with_a_certificate_authority_is_refused() {
    let dir = scratch("insecure-ca");
    let (server, ca) = cluster_entry();
    let ca_file = dir.join("ca.crt");
    std::fs::write(
        &ca_file,
        kuddle::kubeconfig::base64::decode_std(ca.as_bytes()).unwrap(),
    )
    .unwrap();
    let ca_path = ca_file.display().to_string();
    let both = dir.join("config");
    std::fs::write(
        &both,
        std::fs::read_to_string(cluster_kubeconfig())
            .unwrap()
            .replace(
                "    server: ",
                "    insecure-skip-tls-verify: true\n    server: ",
            ),
    )
    .unwrap();
    let flags = vec![
        "-s",
        &server,
        "--token",
        "x",
        "--insecure-skip-tls-verify",
        "--certificate-authority",
        &ca_path,
        "get",
        "pods",
    ];
    for (args, kubeconfig) in [
        (flags, cluster_kubeconfig()),
        (vec!["get", "pods"], both.clone()),
    ] {
        let out = assert_same(&Invocation::new(&args).kubeconfig(kubeconfig));
        assert_eq!(out.code, 1);
        assert!(out
            .stderr
            .contains("specifying a root certificates file with the insecure flag is not allowed"));
    }
    // The flag on the command line replaces the file's CA: no conflict.
    let out = assert_same(
        &Invocation::new(&[
            "--insecure-skip-tls-verify",
            "get",
            "namespaces",
            "default",
            "-o",
            "name",
        ])
        .kubeconfig(cluster_kubeconfig()),
    );
    assert_eq!(out.code, 0);
}

/// A minimal SOCKS5 proxy (no authentication, CONNECT only) on loopback,
/// for as many connections as come; returns its address.
fn socks5_proxy() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = socks5_session(client);
            });
        }
    });
    addr
}

fn socks5_session(mut client: TcpStream) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head)?;
    let mut methods = vec![0u8; head[1] as usize];
    client.read_exact(&mut methods)?;
    client.write_all(&[5, 0])?;
    let mut req = [0u8; 4];
    client.read_exact(&mut req)?;
    let host = match req[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip)?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    let upstream = TcpStream::connect((host.as_str(), u16::from_be_bytes(port)))?;
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])?;
    let (mut a, mut b) = (client.try_clone()?, upstream.try_clone()?);
    let (mut c, mut d) = (client, upstream);
    std::thread::spawn(move || std::io::copy(&mut a, &mut b));
    let _ = std::io::copy(&mut d, &mut c);
    Ok(())
}

#[test]
fn socks5_proxies_and_ignored_environment_proxies() {
    let proxy = socks5_proxy();
    let dir = scratch("socks5");
    let text = std::fs::read_to_string(cluster_kubeconfig()).unwrap();
    let with_proxy = text.replace(
        "    server: ",
        &format!("    proxy-url: socks5://{proxy}\n    server: "),
    );
    let kubeconfig = dir.join("config");
    std::fs::write(&kubeconfig, with_proxy).unwrap();
    assert_same_with(
        &Invocation::new(&["get", "namespaces", "kube-system", "-o", "name"])
            .kubeconfig(&kubeconfig),
        &normalize_ages,
    );
    // A garbage HTTPS_PROXY is never used for a loopback server.
    assert_same(
        &Invocation::new(&["get", "namespaces", "kube-system", "-o", "name"])
            .kubeconfig(cluster_kubeconfig())
            .env("HTTPS_PROXY", "::garbage::"),
    );
}

#[test]
fn home_that_is_a_regular_file() {
    let dir = scratch("home-file");
    let home = dir.join("home");
    std::fs::write(&home, "").unwrap();
    for args in [
        &["get", "pods"][..],
        &[
            "create",
            "deployment",
            "x",
            "--image=y",
            "--dry-run=client",
            "-o",
            "name",
        ],
        &["config", "view"],
    ] {
        let inv = Invocation::new(args)
            .kubeconfig(cluster_kubeconfig())
            .env("HOME", home.display().to_string());
        let out = assert_same(&inv);
        assert_eq!(out.code, 1);
    }
}

#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_program_with_sigpipe() {
    use std::os::unix::process::ExitStatusExt;
    for program in [kubectl_bin(), kuddle_bin()] {
        let mut child = Command::new(&program)
            .args([
                "create",
                "deployment",
                "x",
                "--image=y",
                "--dry-run=client",
                "-o",
                "yaml",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Close the reading end before anything is written.
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(libc::SIGPIPE),
            "{} ended with {status:?}",
            program.display()
        );
    }
}

/// Ctrl-C (or a termination signal) while a command waits: exit status 1
/// and no message, as kubectl's interrupt handler ends it.
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_watch_exits_1() {
    let waits: [(&[&str], i32); 4] = [
        (&["get", "namespaces", "-w"], libc::SIGINT),
        (&["get", "namespaces", "-w"], libc::SIGTERM),
        (
            &["wait", "--for=delete", "ns/default", "--timeout=60s"],
            libc::SIGINT,
        ),
        (
            &[
                "wait",
                "--for=jsonpath={.status.phase}=Gone",
                "ns/default",
                "--timeout=60s",
            ],
            libc::SIGTERM,
        ),
    ];
    for (program, (args, signal)) in [kubectl_bin(), kuddle_bin()]
        .into_iter()
        .flat_map(|p| waits.iter().map(move |w| (p.clone(), w)))
    {
        let child = Command::new(&program)
            .args(*args)
            .env("KUBECONFIG", cluster_kubeconfig())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(2));
        // SAFETY: a signal to the child this test started.
        unsafe {
            libc::kill(child.id() as i32, *signal);
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{} {args:?}", program.display());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{}",
            program.display()
        );
    }
}

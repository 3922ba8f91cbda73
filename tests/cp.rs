//! `cp` against the real control plane, compared with kubectl 1.37.1: both
//! copy the same trees into twin folders (in the pod and locally), and the
//! results, messages and exit codes must be the same.

mod common;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::cluster::{cluster_kubeconfig, kubectl_words_in, namespace};
use common::*;

fn cp_namespace() -> &'static str {
    static NS: OnceLock<String> = OnceLock::new();
    NS.get_or_init(|| {
        let ns = namespace("cp");
        let path = fixture("cp/pods.yaml").display().to_string();
        let out = kubectl_words_in(&ns, &["apply", "-f", &path]);
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        let deadline = Instant::now() + Duration::from_secs(120);
        for words in [
            &["wait", "--for=condition=Ready", "pod/box", "pod/notar", "--timeout=120s"][..],
            &["wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/done", "--timeout=120s"],
        ] {
            while kubectl_words_in(&ns, words).code != 0 {
                assert!(Instant::now() < deadline, "{words:?}");
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        // What the copies out of the pod read.
        let setup = format!(
            "rm -rf /tmp/{ns}; mkdir -p /tmp/{ns}/src/sub /tmp/{ns}/src/empty /tmp/{ns}/k /tmp/{ns}/d; \
             echo top > /tmp/{ns}/src/top.txt; echo deep > /tmp/{ns}/src/sub/deep.txt; \
             chmod 600 /tmp/{ns}/src/top.txt; ln -s top.txt /tmp/{ns}/src/link; ln -s ../top.txt /tmp/{ns}/src/sub/uplink"
        );
        let out = kubectl_words_in(&ns, &["exec", "box", "--", "sh", "-c", &setup]);
        assert_eq!(out.code, 0, "setup: {}", out.stderr);
        ns
    })
}

/// A fresh local folder for one program's copies.
fn scratch(name: &str) -> PathBuf {
    let dir = common::scratch_root().join(format!(
        "kuddle-cp-{}-{name}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// Every path under `root` with its kind, mode and content, sorted.
fn tree(root: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).expect("stat");
        let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        if meta.is_dir() {
            out.push(format!("{rel}/ {:o}", meta.permissions().mode() & 0o7777));
            for e in std::fs::read_dir(&p).expect("read dir").flatten() {
                stack.push(e.path());
            }
        } else {
            let data = std::fs::read(&p).unwrap_or_default();
            out.push(format!(
                "{rel} {:o} {}",
                meta.permissions().mode() & 0o7777,
                String::from_utf8_lossy(&data)
            ));
        }
    }
    out.sort();
    out
}

/// The pod's view of one program's copy: paths, modes, owners,
/// checksums (the program's folder written `<dir>`).
fn pod_tree(ns: &str, who: &str, dest: &str) -> String {
    let base = format!("/tmp/{ns}/{who}");
    let script = format!(
        "find {base}/{dest} | sort | while read f; do stat -c '%n %A %u %g' \"$f\"; done; find {base}/{dest} -type f | sort | xargs md5sum"
    );
    let out = kubectl_words_in(ns, &["exec", "box", "--", "sh", "-c", &script]);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.replace(&base, "<dir>")
}

fn run_both(
    ns: &str,
    words_for: &dyn Fn(&str) -> Vec<String>,
    cwd: &dyn Fn(&str) -> PathBuf,
) -> (Output, Output) {
    let inv = |which: &str| {
        let mut args: Vec<String> = vec!["-n".into(), ns.into()];
        args.extend(words_for(which));
        Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .cwd(cwd(which))
    };
    (inv("k").kubectl(), inv("d").kuddle())
}

/// kubectl prints what the container's tar says while it reads the
/// archive, and stops listening once the archive has ended: for a small
/// archive tar's notice is sometimes printed, sometimes not, sometimes cut
/// short (kuddle always prints it), so that notice is left out of the
/// comparison.
fn without_tar_notice(text: &str) -> String {
    const NOTICE: &str = "tar: Removing leading `/' from member names";
    text.split_inclusive('\n')
        .filter(|line| {
            let line = line.strip_suffix('\n').unwrap_or(line);
            !(line.starts_with("tar:") && NOTICE.starts_with(line))
        })
        .collect()
}

fn assert_outputs(k: &Output, d: &Output, context: &str) {
    let mask = |s: &str| {
        without_tar_notice(s)
            .replace("/k/", "/X/")
            .replace("/d/", "/X/")
            .replace("/k\"", "/X\"")
            .replace("/d\"", "/X\"")
    };
    assert_same_text("stdout", &mask(&k.stdout), &mask(&d.stdout), context);
    assert_same_text(
        "stderr",
        &mask(&normalize_stderr(&k.stderr)),
        &mask(&normalize_stderr(&d.stderr)),
        context,
    );
    assert_eq!(k.code, d.code, "exit code for {context}");
}

/// A local tree (a file with its own mode, an empty folder, a symbolic
/// link, a long name) into the pod: the same files, modes and owners.
#[test]
fn into_the_pod() {
    let ns = cp_namespace();
    let local = scratch("src");
    std::fs::create_dir_all(local.join("tree/sub/empty")).unwrap();
    std::fs::write(local.join("tree/a.txt"), "hello\n").unwrap();
    std::fs::write(local.join("tree/sub/b.sh"), "#!/bin/sh\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            local.join("tree/sub/b.sh"),
            std::fs::Permissions::from_mode(0o751),
        )
        .unwrap();
    }
    std::os::unix::fs::symlink("a.txt", local.join("tree/link")).unwrap();
    let long = "n".repeat(120);
    std::fs::write(local.join("tree").join(&long), "long\n").unwrap();
    for (words, dest) in [
        (vec!["cp", "tree", "box:/tmp/NS/WHO/tree"], "tree"),
        (vec!["cp", "tree/", "NS/box:/tmp/NS/WHO/"], "tree"),
        (
            vec!["cp", "tree/a.txt", "box:/tmp/NS/WHO/file.txt"],
            "file.txt",
        ),
        (
            vec!["cp", "tree", "box:/tmp/NS/WHO/np", "--no-preserve"],
            "np",
        ),
        (vec!["cp", "tree/sub", "box:/tmp/NS/WHO/c", "-c", "c"], "c"),
    ] {
        let (k, d) = run_both(
            ns,
            &|who| {
                words
                    .iter()
                    .map(|w| w.replace("NS", ns).replace("WHO", who))
                    .collect()
            },
            &|_| local.clone(),
        );
        let context = words.join(" ");
        assert_outputs(&k, &d, &context);
        assert_eq!(d.code, 0, "{context}: {d:?}");
        let (tk, td) = (pod_tree(ns, "k", dest), pod_tree(ns, "d", dest));
        assert!(tk.contains(&format!("<dir>/{dest}")), "{tk}");
        assert_same_text("files in the pod", &tk, &td, &context);
    }
}

/// A tree out of the pod: the same files locally, symbolic links skipped
/// with kubectl's warnings, tar's notice on standard output.
#[test]
fn out_of_the_pod() {
    let ns = cp_namespace();
    let (kdir, ddir) = (scratch("k"), scratch("d"));
    let cwd = |who: &str| {
        if who == "k" {
            kdir.clone()
        } else {
            ddir.clone()
        }
    };
    for words in [
        vec!["cp".to_string(), format!("box:/tmp/{ns}/src"), "out".into()],
        vec![
            "cp".into(),
            format!("{ns}/box:/tmp/{ns}/src/"),
            "out2/".into(),
        ],
        vec![
            "cp".into(),
            format!("box:/tmp/{ns}/src/top.txt"),
            "top".into(),
        ],
        vec![
            "cp".into(),
            format!("box:/tmp/{ns}/src/sub"),
            "s".into(),
            "-c".into(),
            "c".into(),
        ],
        vec![
            "cp".into(),
            format!("box:/tmp/{ns}/src/sub"),
            "s2".into(),
            "--retries=2".into(),
        ],
    ] {
        let (k, d) = run_both(ns, &|_| words.clone(), &cwd);
        assert_outputs(&k, &d, &words.join(" "));
    }
    let (tk, td) = (tree(&kdir), tree(&ddir));
    assert!(tk.iter().any(|l| l.contains("deep")), "{tk:?}");
    assert_eq!(tk, td);
}

/// 4 MiB of random bytes into the pod and back, byte for byte, over
/// WebSocket and over SPDY.
#[test]
fn four_mebibytes_both_ways() {
    let ns = cp_namespace();
    let dir = scratch("big");
    let mut data = vec![0u8; 4 << 20];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in data.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *b = seed as u8;
    }
    std::fs::write(dir.join("big.bin"), &data).unwrap();
    // Over WebSocket, and over SPDY as kubectl with
    // KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false.
    for websockets in ["true", "false"] {
        let to = format!("box:/tmp/{ns}/big-{websockets}.bin");
        let inv = |words: &[&str]| {
            let mut args: Vec<String> = vec!["-n".into(), ns.into()];
            args.extend(words.iter().map(|w| w.to_string()));
            Invocation::new(&args)
                .kubeconfig(cluster_kubeconfig())
                .cwd(dir.clone())
                .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", websockets)
        };
        let out = inv(&["cp", "big.bin", &to]).kuddle();
        assert_eq!(out.code, 0, "{out:?}");
        let back_name = format!("back-{websockets}.bin");
        let out = inv(&["cp", &to, &back_name]).kuddle();
        assert_eq!(out.code, 0, "{out:?}");
        let back = std::fs::read(dir.join(&back_name)).unwrap();
        assert!(
            back == data,
            "{} bytes came back, not the 4 MiB sent (websockets={websockets})",
            back.len()
        );
    }
}

#[test]
fn errors() {
    let ns = cp_namespace();
    let dir = scratch("err");
    std::fs::write(dir.join("f"), "x").unwrap();
    let ids = regex::Regex::new("[0-9a-f]{64}").expect("regex");
    for words in [
        vec!["cp"],
        vec!["cp", "f"],
        vec!["cp", "f", "g", "h"],
        vec!["cp", "f", "g"],
        vec!["cp", ":x", "y"],
        vec!["cp", "a/b/c:x", "y"],
        vec!["cp", "box:/x", "box:/y"],
        vec!["cp", "box:", "y"],
        vec!["cp", "f", "box:"],
        vec!["cp", "missing", "box:/tmp"],
        vec!["cp", "nope:/tmp/x", "y"],
        vec!["cp", "f", "nope:/tmp/x"],
        vec!["cp", "done:/x", "y"],
        vec!["cp", "f", "done:/x"],
        vec!["cp", "box:/tmp", "y", "-c", "nope"],
        vec!["cp", "f", "box:/nonexistent/deep/x"],
        vec!["cp", "f", "box:/tmp/x", "--retries=x"],
        vec!["cp", "f", "box:/tmp/x", "--no-preserve=maybe"],
    ] {
        let (k, d) = run_both(
            ns,
            &|_| words.iter().map(|w| w.to_string()).collect(),
            &|_| dir.clone(),
        );
        let ns_owned = ns.to_string();
        let mask = |s: &str| {
            ids.replace_all(&s.replace(&ns_owned, "<ns>"), "<id>")
                .into_owned()
        };
        let context = words.join(" ");
        assert_same_text("stdout", &mask(&k.stdout), &mask(&d.stdout), &context);
        assert_same_text(
            "stderr",
            &mask(&normalize_stderr(&k.stderr)),
            &mask(&normalize_stderr(&d.stderr)),
            &context,
        );
        assert_eq!(k.code, d.code, "exit code for {context}");
    }
}

/// A container without tar: the API server's error line and exit code.
/// (kubectl sometimes logs a `Copying stdin failed` line before it, as the
/// race between its input and the refused exec goes.)
#[test]
fn no_tar_in_the_container() {
    let ns = cp_namespace();
    let dir = scratch("notar");
    std::fs::write(dir.join("f"), "x").unwrap();
    let (k, d) = run_both(
        ns,
        &|_| vec!["cp".into(), "f".into(), "notar:/tmp/x".into()],
        &|_| dir.clone(),
    );
    let ids = regex::Regex::new("[0-9a-f]{64}").expect("regex");
    let last = |s: &str| {
        ids.replace_all(s.lines().last().unwrap_or_default(), "<id>")
            .into_owned()
    };
    assert_eq!(last(&k.stderr), last(&d.stderr));
    assert!(
        d.stderr.contains("\"tar\": executable file not found"),
        "{d:?}"
    );
    assert_eq!((k.code, k.stdout.as_str()), (d.code, d.stdout.as_str()));
}

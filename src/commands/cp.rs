//! `cp <file-spec-src> <file-spec-dest>`
//!
//! Examples:
//!   # Copy local /tmp/foo_dir to /tmp/bar_dir in a pod of the default namespace
//!   kuddle cp /tmp/foo_dir some-pod:/tmp/bar_dir
//!
//!   # Copy local /tmp/foo to /tmp/bar in a given container of the pod
//!   kuddle cp /tmp/foo some-pod:/tmp/bar -c some-container
//!
//!   # Copy local /tmp/foo to /tmp/bar in a pod of namespace some-namespace
//!   kuddle cp /tmp/foo some-namespace/some-pod:/tmp/bar
//!
//!   # Copy /tmp/foo from a pod to local /tmp/bar
//!   kuddle cp some-namespace/some-pod:/tmp/foo /tmp/bar
//!
//! As kubectl, cp runs `tar` in the container through exec: the container
//! must have a `tar`. Nothing is written outside the local destination;
//! symbolic links from the container are skipped with a warning.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::client::stream::remotecommand::{self, RemoteCommandError, Streams};
use crate::client::ApiClient;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_int64, go_quote};
use crate::resource::manifest::go_clean;
use crate::resource::mapper::path_escape;
use crate::resource::pods;
use crate::tar;

/// Copy files and directories to and from containers.
#[derive(Args, Debug)]
pub struct CpArgs {
    /// SOURCE and DESTINATION: a local path, or [[NAMESPACE/]POD:]PATH.
    #[arg(value_name = "FILE-SPEC")]
    pub args: Vec<String>,

    /// The container to copy to or from (default: the kubectl.kubernetes.io/default-container annotation's, else the first).
    #[arg(
        short = 'c',
        long = "container",
        value_name = "NAME",
        default_value = ""
    )]
    pub container: String,

    /// Do not keep the copied files' owners and permissions in the container.
    #[arg(long = "no-preserve", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_preserve: bool,

    /// How many times to resume a copy from a container that broke off (0: never, negative: without end).
    #[arg(long = "retries", value_name = "N", default_value = "0", allow_hyphen_values = true, value_parser = go_int64)]
    pub retries: i64,
}

/// `[[namespace/]pod:]path`.
#[derive(Debug, Clone, PartialEq)]
struct FileSpec {
    namespace: String,
    pod: String,
    file: String,
}

/// Trailing slash gone (but for `/`), as kubectl's paths have it.
fn strip_trailing_slash(file: &str) -> String {
    if file != "/" && file.ends_with('/') {
        file[..file.len() - 1].to_string()
    } else {
        file.to_string()
    }
}

fn remote_path(file: &str) -> String {
    strip_trailing_slash(file).replace('\\', "/")
}

fn extract_file_spec(arg: &str) -> Result<FileSpec> {
    const FORMAT: &str = "filespec must match the canonical format: [[namespace/]pod:]file/path";
    let Some(i) = arg.find(':') else {
        return Ok(FileSpec {
            namespace: String::new(),
            pod: String::new(),
            file: strip_trailing_slash(arg),
        });
    };
    if i == 0 {
        bail!(FORMAT);
    }
    let (pod, file) = (&arg[..i], &arg[i + 1..]);
    let pieces: Vec<&str> = pod.split('/').collect();
    let (namespace, pod) = match pieces.as_slice() {
        [pod] => ("", *pod),
        [ns, pod] => (*ns, *pod),
        _ => bail!(FORMAT),
    };
    Ok(FileSpec {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        file: remote_path(file),
    })
}

/// Go's `path.Dir` and `path.Base`.
fn go_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => go_clean(&p[..=i]),
        None => ".".to_string(),
    }
}

fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

fn go_join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => go_clean(b),
        (false, true) => go_clean(a),
        (false, false) => go_clean(&format!("{a}/{b}")),
    }
}

/// kubectl's `stripPathShortcuts`: leading `../` gone, `.`/`..` empty, a
/// leading `/` dropped.
fn strip_path_shortcuts(p: &str) -> String {
    let mut p = p;
    while let Some(rest) = p.strip_prefix("../") {
        p = rest;
    }
    if p == "." || p == ".." {
        return String::new();
    }
    p.strip_prefix('/').unwrap_or(p).to_string()
}

/// Whether `target` lies inside `base` (kubectl's `isRelative`).
fn is_relative(base: &str, target: &str) -> bool {
    let (b, t) = (go_clean(base), go_clean(target));
    if b.starts_with('/') != t.starts_with('/') {
        return false;
    }
    if b == "." {
        return !(t == ".." || t.starts_with("../"));
    }
    b == "/" || t == b || t.starts_with(&format!("{b}/"))
}

pub async fn run(ctx: &mut Context, args: CpArgs) -> Result<()> {
    let (namespace, _) = ctx.namespace()?;
    if args.args.len() != 2 {
        bail!("source and destination are required");
    }
    let src = extract_file_spec(&args.args[0])?;
    let dest = extract_file_spec(&args.args[1])?;
    if !src.pod.is_empty() && !dest.pod.is_empty() {
        bail!("one of src or dest must be a local file specification");
    }
    if src.file.is_empty() || dest.file.is_empty() {
        bail!("filepath can not be empty");
    }
    let client = ctx.connection().await?.client.clone();
    let target = |spec: &FileSpec| PodTarget {
        namespace: if spec.namespace.is_empty() {
            namespace.clone()
        } else {
            spec.namespace.clone()
        },
        pod: spec.pod.clone(),
        container: args.container.clone(),
    };
    let result = if !src.pod.is_empty() {
        copy_from_pod(ctx, &client, &target(&src), &src, &dest, args.retries).await
    } else if !dest.pod.is_empty() {
        copy_to_pod(ctx, &client, &target(&dest), &src, &dest, args.no_preserve).await
    } else {
        bail!("one of src or dest must be a remote file specification");
    };
    match result {
        Err(e) => match e.downcast::<RemoteCommandError>() {
            Ok(RemoteCommandError::ExitCode(code)) => {
                writeln!(ctx.err, "command terminated with exit code {code}")?;
                Err(CliError::Exit(code).into())
            }
            Ok(other) => Err(other.into()),
            Err(e) => Err(e),
        },
        ok => ok,
    }
}

struct PodTarget {
    namespace: String,
    pod: String,
    container: String,
}

/// Runs `command` in the pod as kubectl's exec does for cp: the pod read
/// by name, refused when completed, its container chosen (notices on
/// `notices`); input from `stdin`, output to `out` and `err`.
async fn exec_in_pod(
    client: &ApiClient,
    target: &PodTarget,
    command: &[String],
    stdin: Option<mpsc::Receiver<Vec<u8>>>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    notices: &mut dyn Write,
) -> Result<()> {
    let path = format!(
        "/api/v1/namespaces/{}/pods/{}",
        path_escape(&target.namespace),
        path_escape(&target.pod)
    );
    let pod: Value = client.get_json(&path).await?;
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        bail!("cannot exec into a container in a completed pod; current phase is {phase}");
    }
    let container = pods::session_container(&pod, &target.container, false, notices)?;
    let (name, namespace) = pods::pod_name(&pod);
    let exec =
        remotecommand::exec_path(namespace, name, &container, command, stdin.is_some(), false);
    let conn = client.upgrade_remote_command(&exec).await?;
    let streams = Streams {
        stdin,
        stdout: Some(out),
        stderr: Some(err),
        resize: None,
    };
    remotecommand::run(conn, streams).await?;
    Ok(())
}

async fn copy_to_pod(
    ctx: &mut Context,
    client: &ApiClient,
    target: &PodTarget,
    src: &FileSpec,
    dest: &FileSpec,
    no_preserve: bool,
) -> Result<()> {
    if std::fs::metadata(&src.file).is_err() {
        bail!("{} doesn't exist in local filesystem", src.file);
    }
    let mut dest_file = dest.file.clone();
    // A directory already there receives the source under its own name.
    let test = vec!["test".to_string(), "-d".to_string(), dest.file.clone()];
    let is_dir = exec_in_pod(
        client,
        target,
        &test,
        None,
        &mut std::io::sink(),
        &mut std::io::sink(),
        &mut std::io::sink(),
    )
    .await;
    if is_dir.is_ok() {
        dest_file = go_join(&dest_file, &go_base(&src.file));
    }
    let mut command: Vec<String> = if no_preserve {
        [
            "tar",
            "--no-same-permissions",
            "--no-same-owner",
            "-xmf",
            "-",
        ]
    } else {
        ["tar", "-xmf", "-", "", ""]
    }
    .iter()
    .filter(|w| !w.is_empty())
    .map(|w| w.to_string())
    .collect();
    let dest_dir = remote_path(&go_dir(&dest_file));
    if !dest_dir.is_empty() {
        command.push("-C".into());
        command.push(dest_dir);
    }
    let (tx, rx) = mpsc::channel::<Vec<u8>>(8);
    let src_path = go_clean(&src.file);
    let dest_clean = go_clean(&dest_file);
    let writer = std::thread::spawn(move || -> Result<()> {
        let mut send = |bytes: Vec<u8>| -> Result<()> {
            tx.blocking_send(bytes)
                .map_err(|_| anyhow!("the container stopped reading"))
        };
        write_tree(Path::new(&src_path), &go_base(&dest_clean), &mut send)?;
        send(tar::trailer())
    });
    let mut err = ctx.err.clone();
    let mut notices = ctx.err.clone();
    let result = exec_in_pod(
        client,
        target,
        &command,
        Some(rx),
        &mut *ctx.out,
        &mut err,
        &mut notices,
    )
    .await;
    let written = writer.join().map_err(|_| anyhow!("tar writer failed"))?;
    result?;
    // The archive's own failure (a file unreadable midway) counts only
    // when the container took everything else.
    written.or(Ok(()))
}

/// kubectl's `recursiveTar`: a directory's entries under `name` (an empty
/// directory as itself), a symbolic link as a link, anything else with its
/// content.
fn write_tree(path: &Path, name: &str, send: &mut dyn FnMut(Vec<u8>) -> Result<()>) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path)?;
    let header = |kind: tar::Kind, size: u64, link: &str| {
        tar::header_bytes(&tar::Header {
            name,
            kind,
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
            size,
            mtime: meta.mtime(),
            link,
        })
    };
    if meta.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        if names.is_empty() {
            send(header(tar::Kind::Dir, 0, ""))?;
        }
        for child in names {
            write_tree(&path.join(&child), &go_join(name, &child), send)?;
        }
        return Ok(());
    }
    if meta.file_type().is_symlink() {
        let link = std::fs::read_link(path)?;
        return send(header(tar::Kind::Symlink, 0, &link.to_string_lossy()));
    }
    if !meta.is_file() {
        return send(header(tar::Kind::File, 0, ""));
    }
    // The content goes out in pieces as it is read, as the header's size
    // says (a file that shrank meanwhile is an error, as in Go's tar).
    let size = meta.len();
    let mut file = std::fs::File::open(path)?;
    send(header(tar::Kind::File, size, ""))?;
    let mut left = size;
    while left > 0 {
        let mut piece = vec![0u8; left.min(64 * 1024) as usize];
        let n = file.read(&mut piece)?;
        if n == 0 {
            bail!("archive/tar: missed writing {left} bytes");
        }
        piece.truncate(n);
        left -= n as u64;
        send(piece)?;
    }
    match tar::padding(size) {
        0 => Ok(()),
        pad => send(vec![0u8; pad]),
    }
}

/// Files written as the archive streams out of the container: kubectl's
/// `untarAll`, one entry at a time, never the archive held whole.
struct Extract<'a> {
    prefix: String,
    src: &'a FileSpec,
    dest: &'a str,
    warnings: &'a mut dyn Write,
    warned_symlink: bool,
    /// The file being written, if the current entry is one.
    file: Option<std::fs::File>,
}

impl Extract<'_> {
    fn failure(e: anyhow::Error) -> std::io::Error {
        std::io::Error::other(e)
    }
}

impl tar::Sink for Extract<'_> {
    fn begin(&mut self, head: &tar::EntryHead) -> std::io::Result<()> {
        self.file = None;
        let Some(rest) = head.name.strip_prefix(&self.prefix) else {
            return Err(Self::failure(anyhow!("tar contents corrupted")));
        };
        let dest_name = go_join(self.dest, &remote_path(rest));
        if !is_relative(self.dest, &dest_name) {
            writeln!(
                self.warnings,
                "warning: file {} is outside target destination, skipping",
                go_quote(&dest_name)
            )?;
            return Ok(());
        }
        std::fs::create_dir_all(go_dir(&dest_name))?;
        match head.kind {
            tar::Kind::Dir => std::fs::create_dir_all(&dest_name)?,
            tar::Kind::Symlink => {
                let quoted = (go_quote(&dest_name), go_quote(&head.link));
                if self.warned_symlink {
                    writeln!(
                        self.warnings,
                        "warning: skipping symlink: {} -> {}",
                        quoted.0, quoted.1
                    )?;
                } else {
                    self.warned_symlink = true;
                    writeln!(
                        self.warnings,
                        "warning: skipping symlink: {} -> {} (consider using \"kubectl exec -n {} {} -- tar cf - {} | tar xf -\")",
                        quoted.0,
                        quoted.1,
                        go_quote(&self.src.namespace),
                        go_quote(&self.src.pod),
                        go_quote(&self.src.file)
                    )?;
                }
            }
            tar::Kind::File | tar::Kind::Other => {
                self.file = Some(std::fs::File::create(&dest_name)?);
            }
        }
        Ok(())
    }

    fn data(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(bytes),
            None => Ok(()),
        }
    }

    fn end(&mut self) -> std::io::Result<()> {
        self.file = None;
        Ok(())
    }
}

/// The exec's standard output, fed to the tar reader as it arrives. The
/// first failure is kept (the exec only learns that writing failed).
struct Untar<'a, 'b> {
    reader: &'a mut tar::Reader,
    extract: &'a mut Extract<'b>,
    failed: Option<std::io::Error>,
}

impl Write for Untar<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Err(std::io::Error::other("the archive could not be read"));
        }
        match self.reader.feed(buf, self.extract) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                self.failed = Some(e);
                Err(std::io::Error::other("the archive could not be read"))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn copy_from_pod(
    ctx: &mut Context,
    client: &ApiClient,
    target: &PodTarget,
    src: &FileSpec,
    dest: &FileSpec,
    retries: i64,
) -> Result<()> {
    let mut reader = tar::Reader::default();
    let mut warnings = ctx.err.clone();
    let mut extract = Extract {
        prefix: strip_path_shortcuts(&go_clean(src.file.trim_start_matches(['/', '\\']))),
        src,
        dest: &dest.file,
        warnings: &mut warnings,
        warned_symlink: false,
        file: None,
    };
    let mut tries = 0i64;
    loop {
        let command: Vec<String> = if retries != 0 {
            let escaped = src.file.replace('\'', "'\\''");
            vec![
                "sh".into(),
                "-c".into(),
                format!("tar cf - '{escaped}' | tail -c+{}", reader.taken + 1),
            ]
        } else {
            vec!["tar".into(), "cf".into(), "-".into(), src.file.clone()]
        };
        // tar's own messages and the container notice go to standard
        // output, as kubectl sends them.
        let mut notices: Vec<u8> = Vec::new();
        let mut tar_err: Vec<u8> = Vec::new();
        let mut untar = Untar {
            reader: &mut reader,
            extract: &mut extract,
            failed: None,
        };
        let result = exec_in_pod(
            client,
            target,
            &command,
            None,
            &mut untar,
            &mut tar_err,
            &mut notices,
        )
        .await;
        let failed = untar.failed.take();
        ctx.out.write_all(&notices)?;
        ctx.out.write_all(&tar_err)?;
        ctx.out.flush()?;
        if let Some(e) = failed {
            return Err(anyhow!("{e}"));
        }
        // kubectl stops once its reader has the whole archive; the exit
        // status of a tar that complained (and still ended its archive)
        // usually arrives after that and goes unseen, so it is ignored.
        let ended = reader.finish();
        match result {
            Err(e)
                if ended.is_ok()
                    && matches!(
                        e.downcast_ref::<RemoteCommandError>(),
                        Some(RemoteCommandError::ExitCode(_))
                    ) => {}
            other => other?,
        }
        // A stream that ended before its archive did is resumed where it
        // stopped, as often as --retries allows.
        match ended {
            Ok(()) => break,
            Err(e) if retries == 0 => return Err(anyhow!("{e}")),
            Err(_) if retries > 0 && tries >= retries => {
                writeln!(ctx.out, "Dropping out copy after {tries} retries")?;
                return Err(anyhow!("unexpected EOF"));
            }
            Err(_) => {}
        }
        tries += 1;
        writeln!(
            ctx.out,
            "Resuming copy at {} bytes, retry {tries}/{retries}",
            reader.taken
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_specs() {
        let spec = extract_file_spec("ns/pod:/tmp/x/").unwrap();
        assert_eq!(
            spec,
            FileSpec {
                namespace: "ns".into(),
                pod: "pod".into(),
                file: "/tmp/x".into()
            }
        );
        assert_eq!(extract_file_spec("local/").unwrap().file, "local");
        assert!(extract_file_spec(":x").is_err());
        assert!(extract_file_spec("a/b/c:x").is_err());
    }

    #[test]
    fn destinations_stay_inside() {
        assert!(is_relative("out", "out/a"));
        assert!(is_relative("out", "out"));
        assert!(!is_relative("out", "x"));
        assert!(!is_relative(".", "../x"));
        assert!(is_relative("/tmp", "/tmp/a/b"));
        assert_eq!(strip_path_shortcuts("../../a/b"), "a/b");
        assert_eq!(go_join("out", "/../x"), "x");
    }
}

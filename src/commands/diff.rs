//! `diff -f FILENAME`: what an apply of the files would change.
//!
//! Each object is read from the server (LIVE) and applied in a server-side
//! dry run (MERGED); both are written as YAML into two temporary folders,
//! one file per object named `[group.]version.Kind.namespace.name`, and the
//! folders are compared with `diff -u -N`, or with the program named by
//! KUBECTL_EXTERNAL_DIFF (split on spaces; of the words after the program,
//! only those made of letters, digits, `-` and `=` are passed). Where no
//! diff program is installed, kuddle prints the unified diff itself.
//! Secret values are masked unless --show-secrets is given.
//!
//! Exit status: 0 no differences, 1 differences, above 1 an error.
//!
//! Examples:
//!   # Diff the objects of pod.json against the server
//!   kuddle diff -f pod.json
//!
//!   # Diff what standard input holds
//!   cat service.yaml | kuddle diff -f -
//!
//!   # Let the server merge the changes (server-side apply)
//!   kuddle diff --server-side -f deploy.yaml

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::{Map, Value};

use crate::apply::prune::{Pruner, DEFAULT_ALLOWLIST_WARNING};
use crate::apply::resolve::{mapping_error, resolve_mapping, to_info};
use crate::apply::{
    warn_if_deleting, Applier, Failure, Info, Settings, FIELD_MANAGER_CLIENT_SIDE,
    FIELD_MANAGER_SERVER_SIDE,
};
use crate::context::Context;
use crate::error::{CliError, PROGRAM};
use crate::flags::go_values::{go_bool, go_int64};
use crate::flags::{DryRun, FilenameFlags};
use crate::resource::manifest::Entry;
use crate::resource::selector::Selector;

/// How often an object that keeps changing is diffed again (the last time
/// without the resource version lock).
const MAX_RETRIES: usize = 4;

const MASK: &str = "***";
const MASK_BEFORE: &str = "*** (before)";
const MASK_AFTER: &str = "*** (after)";

#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    pub files: FilenameFlags,

    /// Label selector (e.g. -l key1=value1,key2=value2): diff only the matching objects.
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Let the server merge the changes (server-side apply).
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub server_side: bool,

    /// With --server-side: take over fields other managers own.
    #[arg(long = "force-conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub force_conflicts: bool,

    /// Name of the manager that would own the fields (default
    /// kubectl-client-side-apply, or kubectl with --server-side).
    #[arg(long = "field-manager", value_name = "NAME")]
    pub field_manager: Option<String>,

    /// Keep metadata.managedFields in the compared objects.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_managed_fields: bool,

    /// Show the values of secrets instead of masking them.
    #[arg(long = "show-secrets", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_secrets: bool,

    /// Files processed in parallel (accepted; kuddle reads the live objects
    /// ahead of their turn whatever the value).
    #[arg(long = "concurrency", value_name = "N", default_value = "1", allow_hyphen_values = true,
          value_parser = go_int64)]
    pub concurrency: i64,

    /// Also show the objects an apply --prune would delete (those with a
    /// last-applied annotation, in the namespaces of the files, matching -l).
    #[arg(long = "prune", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub prune: bool,

    /// With --prune: the types to consider, as group/version/kind (core for
    /// the core group), instead of kubectl's default list.
    #[arg(long = "prune-allowlist", value_name = "GVK", action = ArgAction::Append)]
    pub prune_allowlist: Vec<String>,

    /// Not accepted: diff takes its objects from -f.
    #[arg(hide = true)]
    pub args: Vec<String>,
}

/// Errors leave with kubectl diff's codes: one more than other commands'
/// (1 is "differences found").
pub async fn run(ctx: &mut Context, args: DiffArgs) -> Result<()> {
    match diff(ctx, args).await {
        Err(e)
            if e.downcast_ref::<CliError>()
                .is_none_or(|c| !matches!(c, CliError::Exit(_))) =>
        {
            ctx.out.flush()?;
            let code = crate::error::render(&e, &mut ctx.err);
            Err(CliError::Exit(code + 1).into())
        }
        other => other,
    }
}

/// kubectl diff words its flag errors as usage errors, with its own exit
/// codes: the exit code for `diff`'s flag errors, or the error back for
/// other commands.
pub fn flag_failure(failure: anyhow::Error, err: &mut dyn Write) -> Result<i32, anyhow::Error> {
    match failure.downcast::<CliError>() {
        Ok(CliError::Flag { msg, cmd_path }) if cmd_path == format!("{PROGRAM} diff") => {
            let usage = CliError::usage(msg, cmd_path);
            Ok(crate::error::render(&usage, err) + 1)
        }
        Ok(other) => Err(other.into()),
        Err(failure) => Err(failure),
    }
}

async fn diff(ctx: &mut Context, args: DiffArgs) -> Result<()> {
    if !args.args.is_empty() {
        return Err(CliError::usage(
            format!("Unexpected args: [{}]", args.args.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    let kustomize = args.files.kustomize.as_deref().filter(|k| !k.is_empty());
    if args.files.filenames.is_empty() && kustomize.is_none() {
        bail!("must specify one of -f and -k");
    }
    let field_manager = args.field_manager.clone().unwrap_or_else(|| {
        match args.server_side {
            true => FIELD_MANAGER_SERVER_SIDE,
            false => FIELD_MANAGER_CLIENT_SIDE,
        }
        .to_string()
    });
    if args.force_conflicts && !args.server_side {
        bail!("--force-conflicts only works with --server-side");
    }
    let conn = ctx.connection().await?;
    let selector = match args.selector.as_deref() {
        Some(s) => Selector::parse(s).map_err(anyhow::Error::msg)?,
        None => Selector::everything(),
    };

    let mut pruner = match args.prune {
        true => {
            let discovery = ctx.discovery().await?;
            Some(Pruning {
                pruner: Pruner::new(&discovery, &args.prune_allowlist)?,
                started: false,
            })
        }
        false => None,
    };

    let dirs = Folders::new()?;
    let result = visit(
        ctx,
        &args,
        &conn,
        field_manager,
        &selector,
        &dirs,
        &mut pruner,
    )
    .await;
    if let Some(pruner) = pruner.filter(|p| p.started) {
        pruner
            .write(ctx, &conn, args.selector.as_deref(), &dirs)
            .await?;
    }
    let result = match result {
        Ok(()) => run_program(ctx, &dirs.live, &dirs.merged),
        Err(e) => Err(e),
    };
    dirs.remove();
    result
}

/// Writes the LIVE and MERGED version of every object.
async fn visit(
    ctx: &mut Context,
    args: &DiffArgs,
    conn: &crate::context::Connection,
    field_manager: String,
    selector: &Selector,
    dirs: &Folders,
    pruner: &mut Option<Pruning>,
) -> Result<()> {
    let entries = crate::resource::infos::read_manifests(&args.files, None).await?;
    if let Some(p) = pruner.as_mut() {
        p.started = true;
    }
    let mut applier = Applier {
        client: conn.client.clone(),
        settings: Settings {
            server_side: args.server_side,
            force_conflicts: args.force_conflicts,
            field_manager,
            dry_run: DryRun::Server,
            overwrite: true,
            validation: "",
            program: PROGRAM.to_string(),
            recreate: None,
            subresource: None,
        },
        openapi: Default::default(),
        known_namespaces: Default::default(),
        prefetched: Default::default(),
    };
    let mut discovery = ctx.discovery().await?;
    let mut refreshed = false;
    // Resolved up to the first failure, which is reported once the objects
    // before it are diffed (a dry run changes nothing later objects see).
    let mut infos: Vec<Info> = Vec::new();
    let mut failure: Option<anyhow::Error> = None;
    for entry in entries {
        let m = match entry {
            Entry::Error(e) => {
                failure = Some(anyhow::anyhow!("{e}"));
                break;
            }
            Entry::Unreachable { message, .. } => {
                failure = Some(CliError::Verbatim(message).into());
                break;
            }
            Entry::Object(m) => m,
        };
        let mut mapping = resolve_mapping(&discovery, &m.object);
        if mapping.is_none() && !refreshed {
            refreshed = true;
            if let Some(fresh) = ctx.refresh_discovery().await? {
                discovery = fresh;
                mapping = resolve_mapping(&discovery, &m.object);
            }
        }
        let Some(mapping) = mapping else {
            failure = Some(anyhow::anyhow!("{}", mapping_error(&m)));
            break;
        };
        let info = match to_info(m, mapping, &conn.namespace, conn.explicit_namespace) {
            Ok(info) => info,
            Err(e) => {
                failure = Some(anyhow::Error::msg(e));
                break;
            }
        };
        let labels = info
            .object
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object);
        if selector.matches_object_labels(labels) {
            infos.push(info);
        }
    }
    for index in 0..infos.len() {
        // The live objects of the next ones are read meanwhile.
        applier.prefetch(&infos, index);
        let mut err = ctx.err.clone();
        let live = diff_one(&mut applier, &infos[index], args, dirs, pruner, &mut err)
            .await
            .map_err(failure_error)?;
        if let Some(live) = live {
            warn_if_deleting(&live, &mut err);
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn failure_error(f: Failure) -> anyhow::Error {
    CliError::Verbatim(f.single_message()).into()
}

/// Reads and dry-run applies one object and writes both versions; returns
/// the live object.
async fn diff_one(
    applier: &mut Applier,
    info: &Info,
    args: &DiffArgs,
    dirs: &Folders,
    pruner: &mut Option<Pruning>,
    err: &mut dyn Write,
) -> Result<Option<Map<String, Value>>, Failure> {
    let mut attempt = 1;
    loop {
        let live = applier.live(info, attempt == 1).await?;
        if let Some(p) = pruner.as_mut() {
            p.pruner.mark_info(info);
            if live.is_some() {
                p.pruner.mark_object(live.as_ref());
            }
        }
        let lock = attempt < MAX_RETRIES;
        if !lock {
            let m = &info.mapping;
            crate::context::klog_warning(
                err,
                "diff.go:723",
                &format!(
                    "Object ({}/{}, Kind={}: {}) keeps changing, diffing without lock",
                    m.group, m.version, m.kind, info.name
                ),
            );
        }
        match applier.merged(info, live.as_ref(), lock, err).await {
            Ok(merged) => {
                write_versions(info, live.clone(), merged, args, dirs)
                    .map_err(|e| Failure::Text(e.to_string()))?;
                return Ok(live);
            }
            Err(e) if e.conflict() && attempt < MAX_RETRIES => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// kubectl's file name for an object: `[group.]version.Kind.namespace.name`.
fn file_name(info: &Info) -> String {
    let m = &info.mapping;
    let group = match m.group.as_str() {
        "" => String::new(),
        g => format!("{g}."),
    };
    format!(
        "{group}{}.{}.{}.{}",
        m.version, m.kind, info.namespace, info.name
    )
}

fn write_versions(
    info: &Info,
    mut live: Option<Map<String, Value>>,
    mut merged: Map<String, Value>,
    args: &DiffArgs,
    dirs: &Folders,
) -> Result<()> {
    if !args.show_managed_fields {
        for obj in live.iter_mut().chain(std::iter::once(&mut merged)) {
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.shift_remove("managedFields");
            }
        }
    }
    let is_secret = merged.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && merged.get("kind").and_then(Value::as_str) == Some("Secret");
    // kubectl prints a missing live object as nothing, but as `null` once
    // the secret masker has seen it.
    let mut live_text_if_none = "";
    if is_secret && !args.show_secrets {
        mask_secrets(live.as_mut(), &mut merged);
        live_text_if_none = "null\n";
    }
    let name = file_name(info);
    let live_text = match live {
        Some(obj) => to_yaml(obj)?,
        None => live_text_if_none.to_string(),
    };
    write_file(&dirs.live.join(&name), live_text.as_bytes())?;
    write_file(&dirs.merged.join(&name), to_yaml(merged)?.as_bytes())
}

fn to_yaml(obj: Map<String, Value>) -> Result<String> {
    let mut v = Value::Object(obj);
    crate::printers::sort_keys(&mut v);
    crate::printers::yaml::to_string(&v).map_err(|e| anyhow::anyhow!("{e}"))
}

fn write_file(path: &Path, content: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o700);
    }
    options.open(path)?.write_all(content)?;
    Ok(())
}

/// kubectl's masker: every value of `data` becomes `***`, except values
/// that differ between the versions, which become `*** (before)` and
/// `*** (after)`.
fn mask_secrets(live: Option<&mut Map<String, Value>>, merged: &mut Map<String, Value>) {
    fn data(obj: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
        obj.get_mut("data").and_then(Value::as_object_mut)
    }
    let mut from = live.and_then(data);
    let mut to = data(merged);
    if let Some(from) = from.as_deref_mut() {
        for (k, v) in from.iter_mut() {
            if let Some(other) = to.as_deref_mut().and_then(|t| t.get_mut(k)) {
                if other != v {
                    *v = Value::String(MASK_BEFORE.into());
                    *other = Value::String(MASK_AFTER.into());
                    continue;
                }
                *other = Value::String(MASK.into());
            }
            *v = Value::String(MASK.into());
        }
    }
    if let Some(to) = to {
        for (k, v) in to.iter_mut() {
            if !from.as_deref().is_some_and(|f| f.contains_key(k)) {
                *v = Value::String(MASK.into());
            }
        }
    }
}

/// `--prune`: the shared pruner, and whether the files were read (kubectl
/// prunes even after a failed visit, but not when reading failed).
struct Pruning {
    pruner: Pruner,
    started: bool,
}

impl Pruning {
    /// Writes the objects an apply --prune would delete into LIVE only.
    /// Failures are warnings, as in kubectl; what was found until then is
    /// still written.
    async fn write(
        self,
        ctx: &mut Context,
        conn: &crate::context::Connection,
        selector: Option<&str>,
        dirs: &Folders,
    ) -> Result<()> {
        let mut err = ctx.err.clone();
        let pruner = self.pruner;
        if pruner.uses_default_allowlist() {
            crate::context::klog_warning(&mut err, "prune.go:71", DEFAULT_ALLOWLIST_WARNING);
        }
        let discovery = ctx.discovery().await?;
        let targets = match pruner.targets(&discovery) {
            Ok(t) => t,
            Err(e) => {
                crate::context::klog_warning(
                    &mut err,
                    "diff.go:760",
                    &format!("pruning failed and could not be evaluated err: {e}"),
                );
                return Ok(());
            }
        };
        for target in targets {
            let objects = match pruner.candidates(&conn.client, &target, selector).await {
                Ok(objects) => objects,
                Err(e) => {
                    crate::context::klog_warning(
                        &mut err,
                        "diff.go:760",
                        &format!(
                            "pruning failed and could not be evaluated err: {}",
                            target.error(&e)
                        ),
                    );
                    break;
                }
            };
            for obj in objects {
                let meta = obj.get("metadata");
                let field = |k: &str| {
                    meta.and_then(|m| m.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let mapping = &target.mapping;
                let name = format!(
                    "{}{}.{}.{}.{}",
                    match mapping.group.as_str() {
                        "" => String::new(),
                        g => format!("{g}."),
                    },
                    mapping.version,
                    mapping.kind,
                    field("namespace"),
                    field("name")
                );
                write_file(&dirs.live.join(name), to_yaml(obj)?.as_bytes())?;
            }
        }
        Ok(())
    }
}

/// The two temporary folders (Go's `os.MkdirTemp("", "LIVE-")`).
struct Folders {
    live: PathBuf,
    merged: PathBuf,
}

impl Folders {
    fn new() -> Result<Folders> {
        let live = make_temp_dir("LIVE-")?;
        let merged = match make_temp_dir("MERGED-") {
            Ok(m) => m,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&live);
                return Err(e);
            }
        };
        Ok(Folders { live, merged })
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.live);
        let _ = std::fs::remove_dir_all(&self.merged);
    }
}

fn make_temp_dir(prefix: &str) -> Result<PathBuf> {
    let base = std::env::temp_dir();
    for _ in 0..10_000 {
        let path = base.join(format!("{prefix}{}", fastrand::u32(..)));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        match builder.create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    bail!("could not create a temporary folder")
}

/// The diff program and its arguments, as kubectl chooses them.
fn diff_command(external: Option<&str>, from: &Path, to: &Path) -> (String, Vec<String>) {
    let paths = [from.display().to_string(), to.display().to_string()];
    match external.filter(|e| !e.is_empty()) {
        Some(env) => {
            let mut words = env.split(' ');
            let program = words.next().unwrap_or_default().to_string();
            let mut args: Vec<String> = paths.to_vec();
            args.extend(
                words
                    .filter(|w| {
                        !w.is_empty()
                            && w.chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '=')
                    })
                    .map(str::to_string),
            );
            (program, args)
        }
        None => {
            let mut args = vec!["-u".to_string(), "-N".to_string()];
            args.extend(paths);
            (String::from("diff"), args)
        }
    }
}

/// A unified diff on stdout, its lines marked for colour when stdout is
/// coloured (text that is not UTF-8 goes out as it is).
fn write_diff(ctx: &mut Context, diff: &[u8]) -> Result<()> {
    match std::str::from_utf8(diff) {
        Ok(text) => ctx
            .out
            .write_all(crate::printers::style::mark_diff(text).as_bytes())?,
        Err(_) => ctx.out.write_all(diff)?,
    }
    Ok(())
}

/// Runs the diff program on the two folders; differences leave with 1.
fn run_program(ctx: &mut Context, from: &Path, to: &Path) -> Result<()> {
    let external = std::env::var("KUBECTL_EXTERNAL_DIFF").ok();
    let (program, program_args) = diff_command(external.as_deref(), from, to);
    ctx.out.flush()?;
    let output = std::process::Command::new(&program)
        .args(&program_args)
        .stdin(std::process::Stdio::null())
        .output();
    let output = match output {
        Ok(o) => o,
        Err(_) if external.as_deref().is_none_or(str::is_empty) => {
            // Beyond kubectl, which fails here: the same diff, printed by kuddle.
            let mut text = Vec::new();
            let differs = crate::printers::unified_diff::diff_dirs(from, to, &mut text)?;
            write_diff(ctx, &text)?;
            return match differs {
                true => Err(CliError::Exit(1).into()),
                false => Ok(()),
            };
        }
        Err(_) => bail!(
            "failed to run {}: executable file not found in $PATH",
            crate::flags::go_values::go_quote(&program)
        ),
    };
    // A program of the user's choosing prints what it likes; `diff -u`'s
    // lines are coloured on a coloured terminal.
    match external.as_deref().is_none_or(str::is_empty) {
        true => write_diff(ctx, &output.stdout)?,
        false => ctx.out.write_all(&output.stdout)?,
    }
    ctx.out.flush()?;
    ctx.err.write_all(&output.stderr)?;
    match output.status.code() {
        Some(0) => Ok(()),
        Some(1) | None => Err(CliError::Exit(1).into()),
        Some(code) => bail!(
            "failed to run {}: exit status {code}",
            crate::flags::go_values::go_quote(&program)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn secrets_are_masked_as_kubectl_masks_them() {
        let mut live = obj(json!({"data": {"same": "YQ==", "changed": "Yg==", "gone": "Yw=="}}));
        let mut merged = obj(json!({"data": {"same": "YQ==", "changed": "ZA==", "new": "ZQ=="}}));
        mask_secrets(Some(&mut live), &mut merged);
        assert_eq!(
            Value::Object(live),
            json!({"data": {"same": "***", "changed": "*** (before)", "gone": "***"}})
        );
        assert_eq!(
            Value::Object(merged),
            json!({"data": {"same": "***", "changed": "*** (after)", "new": "***"}})
        );
        let mut merged = obj(json!({"data": {"a": "YQ=="}, "kind": "Secret"}));
        mask_secrets(None, &mut merged);
        assert_eq!(merged["data"], json!({"a": "***"}));
    }

    #[test]
    fn external_programs_get_only_plain_words() {
        let (a, b) = (Path::new("/tmp/LIVE-1"), Path::new("/tmp/MERGED-2"));
        assert_eq!(
            diff_command(None, a, b),
            (
                "diff".to_string(),
                vec!["-u", "-N", "/tmp/LIVE-1", "/tmp/MERGED-2"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        let (program, args) = diff_command(Some("colordiff -N  -u --x=1 $(rm) a.b"), a, b);
        assert_eq!(program, "colordiff");
        assert_eq!(args, ["/tmp/LIVE-1", "/tmp/MERGED-2", "-N", "-u", "--x=1"]);
    }
}

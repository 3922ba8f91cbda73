//! `scale [--resource-version=V] [--current-replicas=N] --replicas=N (-f FILE | TYPE NAME | TYPE/NAME…)`
//!
//! Examples:
//!   # Scale the replica set foo to 3
//!   kuddle scale --replicas=3 rs/foo
//!
//!   # Scale mysql to 3 only if it has 2 replicas now
//!   kuddle scale --current-replicas=2 --replicas=3 deployment/mysql
//!
//!   # Scale several replication controllers
//!   kuddle scale --replicas=5 rc/example1 rc/example2 rc/example3
//!
//!   # Scale the stateful set web to 3 and wait up to a minute for it
//!   kuddle scale --replicas=3 statefulset/web --timeout=1m

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::{ApiClient, ApiError};
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_duration, go_int64};
use crate::flags::record::{RecordFlags, CHANGE_CAUSE};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::builder::Selection;
use crate::resource::infos::{
    arguments_with_paths, fetch_infos, read_file_objects, FileReading, Info,
};
use crate::resource::select::uses_files;
use crate::resource::write::{self, PatchType, WriteOptions};
use crate::resource::NoResourceType;

/// How long conflicting updates are retried, and how often.
const RETRY_TIMEOUT: Duration = Duration::from_secs(300);
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// kubectl sends no field manager when scaling; the server then names the
/// manager after the client's User-Agent, which for kubectl is `kubectl`.
/// kuddle names it explicitly so the objects it leaves are the same.
const FIELD_MANAGER: &str = "kubectl";

#[derive(Args, Debug)]
pub struct ScaleArgs {
    /// TYPE NAME…, TYPE/NAME…, or TYPE with -l or --all.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub record: RecordFlags,

    /// The new number of replicas (required).
    #[arg(long, value_name = "COUNT", required = true, allow_hyphen_values = true,
          value_parser = go_int64)]
    pub replicas: i64,

    /// Scale only if the current number of replicas is this (-1: no condition).
    #[arg(long = "current-replicas", value_name = "COUNT", default_value = "-1",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub current_replicas: i64,

    /// Scale only if the object's resource version is this.
    #[arg(
        long = "resource-version",
        value_name = "VERSION",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub resource_version: String,

    /// How long to wait until the new size is reached (0: do not wait), e.g. 30s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "0s", allow_hyphen_values = true,
          value_parser = go_duration)]
    pub timeout: i64,

    /// Scale every object of the given types in the namespace.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

/// `--current-replicas` and `--resource-version`.
#[derive(Debug, Clone, PartialEq)]
pub struct Precondition {
    /// -1: any size.
    pub size: i64,
    /// Empty: any version.
    pub resource_version: String,
}

impl Precondition {
    /// kubectl's message when a Scale does not meet the precondition.
    pub fn check(&self, scale: &Value) -> Result<()> {
        let replicas = scale
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if self.size != -1 && replicas != self.size {
            bail!("Expected replicas to be {}, was {replicas}", self.size);
        }
        let version = scale
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !self.resource_version.is_empty() && version != self.resource_version {
            bail!(
                "Expected resource version to be {}, was {version}",
                self.resource_version
            );
        }
        Ok(())
    }
}

pub async fn run(ctx: &mut Context, args: ScaleArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    // validate
    if args.replicas < 0 {
        bail!(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        );
    }
    if args.current_replicas < -1 {
        bail!("The --current-replicas must specify an integer of -1 or greater");
    }

    // run
    let (infos, errors) = if uses_files(&args.files) {
        arguments_with_paths(&args.args)?;
        let read = FileReading {
            typed: false,
            label_selector: args.selector.as_deref(),
        };
        let objects = read_file_objects(ctx, &args.files, read).await?;
        let mut errors = VisitErrors::default();
        let mut infos = Vec::new();
        for item in objects.items {
            match item {
                Ok(info) => infos.push(info),
                Err(e) => errors.push(e),
            }
        }
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        (infos, errors)
    } else {
        named_or_selected(ctx, &args).await?
    };
    let conn = ctx.connection().await?;
    if !args.resource_version.is_empty() && infos.len() > 1 {
        bail!("cannot use --resource-version with multiple resources");
    }
    let precondition =
        (args.current_replicas != -1 || !args.resource_version.is_empty()).then(|| Precondition {
            size: args.current_replicas,
            resource_version: args.resource_version.clone(),
        });
    if infos.is_empty() {
        if errors.is_empty() {
            bail!("no objects passed to scale");
        }
        return errors.into_result();
    }
    let wait = (args.timeout != 0 && dry_run == DryRun::None).then_some(args.timeout);
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    let replicas = args.replicas as u64;
    for mut info in infos {
        if dry_run != DryRun::Client {
            let request = ScaleRequest {
                client: &conn.client,
                info: &info,
                replicas,
                precondition: precondition.as_ref(),
                dry_run: dry_run == DryRun::Server,
            };
            let actual = request.scale_with_retries().await?;
            if let Some(timeout) = wait {
                request.wait_until_synced(timeout).await?;
            }
            update_replicas(&mut info, actual);
            // `--record`: a merge patch of the change cause, its failure
            // ignored, as kubectl's. (kubectl sends it even on a server dry
            // run, a real write; kuddle writes nothing then.)
            if let (Some(cause), DryRun::None) = (&change_cause, dry_run) {
                let body = serde_json::json!({"metadata": {"annotations": {CHANGE_CAUSE: cause}}});
                let _ = write::patch(
                    &conn.client,
                    &info.mapping,
                    info.namespace.as_deref(),
                    &info.name,
                    None,
                    PatchType::Merge,
                    serde_json::to_vec(&body)?,
                    // No field manager: the server names kubectl's user agent.
                    &WriteOptions {
                        field_manager: "kubectl".into(),
                        ..WriteOptions::default()
                    },
                )
                .await;
            }
        } else {
            update_replicas(&mut info, replicas as i64);
        }
        sort_keys(&mut info.object);
        result.print(&mut ctx.out, &info.object, "scaled")?;
    }
    errors.into_result()
}

/// The objects TYPE NAME, TYPE/NAME, -l or --all name, read from the server.
async fn named_or_selected(
    ctx: &mut Context,
    args: &ScaleArgs,
) -> Result<(Vec<Info>, VisitErrors)> {
    let conn = ctx.connection().await?;
    let selection = Selection {
        args: &args.args,
        label_selector: args.selector.clone(),
        // kubectl's scale passes --all as "a lone type selects everything",
        // so `scale deploy web --all` scales web only.
        allow_empty_selector: args.all,
        namespace: conn.namespace.clone(),
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    let plan = match discovery.plan(&selection) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(&selection)?,
                None => return Err(e),
            }
        }
        other => other?,
    };
    let mut infos = Vec::new();
    let mut errors = VisitErrors::default();
    for item in fetch_infos(&conn.client, &plan).await {
        match item {
            Ok(info) => infos.push(info),
            Err(e) => errors.push(e),
        }
    }
    Ok((infos, errors))
}

/// Sets `spec.replicas` in the printed object for the built-in kinds that
/// keep it there (the core and apps groups); other kinds print unchanged.
fn update_replicas(info: &mut Info, replicas: i64) {
    let group = info
        .object
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/').map(|(g, _)| g))
        .unwrap_or("");
    if group != "apps" && !group.is_empty() {
        return;
    }
    let Some(map) = info.object.as_object_mut() else {
        return;
    };
    let spec = map
        .entry("spec")
        .or_insert_with(|| Value::Object(Default::default()));
    if !spec.is_object() {
        *spec = Value::Object(Default::default());
    }
    if let Some(spec) = spec.as_object_mut() {
        spec.insert("replicas".into(), Value::from(replicas));
    }
}

/// One object's scale: kubectl's `genericScaler`.
struct ScaleRequest<'a> {
    client: &'a ApiClient,
    info: &'a Info,
    replicas: u64,
    precondition: Option<&'a Precondition>,
    dry_run: bool,
}

impl ScaleRequest<'_> {
    fn options(&self) -> WriteOptions {
        WriteOptions {
            field_manager: FIELD_MANAGER.into(),
            field_validation: None,
            dry_run: self.dry_run,
        }
    }

    /// One attempt: without preconditions a merge patch of the Scale;
    /// with them, read the Scale, check it, and write it back (the write
    /// fails with a conflict if the object changed in between). Returns
    /// the replicas the server's Scale now asks for.
    async fn scale_once(&self) -> Result<i64> {
        let info = self.info;
        let ns = info.namespace.as_deref();
        let updated = match self.precondition {
            None => {
                write::patch_scale(
                    self.client,
                    &info.mapping,
                    ns,
                    &info.name,
                    self.replicas,
                    &self.options(),
                )
                .await?
            }
            Some(precondition) => {
                let mut scale =
                    write::get_scale(self.client, &info.mapping, ns, &info.name).await?;
                precondition.check(&scale)?;
                set_spec_replicas(&mut scale, self.replicas);
                write::put_scale(
                    self.client,
                    &info.mapping,
                    ns,
                    &info.name,
                    &scale,
                    &self.options(),
                )
                .await?
            }
        };
        Ok(updated
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0))
    }

    /// Retries conflicts every second for up to five minutes.
    async fn scale_with_retries(&self) -> Result<i64> {
        let started = Instant::now();
        loop {
            match self.scale_once().await {
                Err(e) if is_conflict(&e) => {
                    if started.elapsed() + RETRY_INTERVAL > RETRY_TIMEOUT {
                        bail!("context deadline exceeded");
                    }
                    tokio::time::sleep(RETRY_INTERVAL).await;
                }
                other => return other,
            }
        }
    }

    /// `--timeout`: polls the Scale every second until its status reaches
    /// the new size (or someone else changed the size meanwhile).
    async fn wait_until_synced(&self, timeout_nanos: i64) -> Result<()> {
        let info = self.info;
        let timed_out = || {
            anyhow!(
                "timed out waiting for {} to be synced",
                crate::flags::go_values::go_quote(&info.name)
            )
        };
        if timeout_nanos < 0 {
            return Err(timed_out());
        }
        let deadline = Instant::now() + Duration::from_nanos(timeout_nanos as u64);
        loop {
            let scale = match tokio::time::timeout_at(
                deadline.into(),
                write::get_scale(
                    self.client,
                    &info.mapping,
                    info.namespace.as_deref(),
                    &info.name,
                ),
            )
            .await
            {
                Ok(result) => result?,
                Err(_) => return Err(timed_out()),
            };
            let spec = scale.pointer("/spec/replicas").and_then(Value::as_i64);
            let status = scale.pointer("/status/replicas").and_then(Value::as_i64);
            let desired = self.replicas as i64;
            // Someone else changed the size meanwhile: stop waiting.
            if spec.unwrap_or(0) != desired || status.unwrap_or(0) == desired {
                return Ok(());
            }
            if Instant::now() + RETRY_INTERVAL > deadline {
                tokio::time::sleep_until(deadline.into()).await;
                return Err(timed_out());
            }
            tokio::time::sleep(RETRY_INTERVAL).await;
        }
    }
}

fn is_conflict(err: &anyhow::Error) -> bool {
    err.downcast_ref::<ApiError>()
        .is_some_and(|e| e.status().is_some_and(|s| s.reason == "Conflict"))
}

fn set_spec_replicas(scale: &mut Value, replicas: u64) {
    if let Some(map) = scale.as_object_mut() {
        let spec = map
            .entry("spec")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(spec) = spec.as_object_mut() {
            spec.insert("replicas".into(), Value::from(replicas));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scale(replicas: i64, rv: &str) -> Value {
        json!({"kind": "Scale", "metadata": {"resourceVersion": rv}, "spec": {"replicas": replicas}})
    }

    #[test]
    fn preconditions_in_kubectl_words() {
        let p = Precondition {
            size: 2,
            resource_version: String::new(),
        };
        assert!(p.check(&scale(2, "5")).is_ok());
        assert_eq!(
            p.check(&scale(3, "5")).unwrap_err().to_string(),
            "Expected replicas to be 2, was 3"
        );
        let p = Precondition {
            size: -1,
            resource_version: "1".into(),
        };
        assert_eq!(
            p.check(&scale(3, "1019")).unwrap_err().to_string(),
            "Expected resource version to be 1, was 1019"
        );
        // Size is checked first.
        let p = Precondition {
            size: 1,
            resource_version: "1".into(),
        };
        assert_eq!(
            p.check(&scale(3, "9")).unwrap_err().to_string(),
            "Expected replicas to be 1, was 3"
        );
    }

    #[test]
    fn printed_replicas_only_for_builtin_groups() {
        let mapping = crate::resource::test_support::discovery()
            .resolve("deploy")
            .unwrap();
        let mut info = Info::from_object(
            mapping.clone(),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replicas": 1}}),
            None,
        );
        update_replicas(&mut info, 4);
        assert_eq!(info.object["spec"]["replicas"], 4);
        let mut custom = Info::from_object(
            mapping,
            json!({"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "t"}}),
            None,
        );
        update_replicas(&mut custom, 4);
        assert!(custom.object.get("spec").is_none());
        assert_eq!(info.name, "w");
    }
}

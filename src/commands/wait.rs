//! `wait ([-f FILENAME] | TYPE/NAME | TYPE [(-l label | --all)]) --for=…`
//!
//! Examples:
//!   # Wait until the pod busybox1 has the status condition Ready
//!   kuddle wait --for=condition=Ready pod/busybox1
//!
//!   # Wait until its phase is Running
//!   kuddle wait --for=jsonpath='{.status.phase}'=Running pod/busybox1
//!
//!   # Wait up to a minute for the pod to be created, then to be deleted
//!   kuddle wait --for=create pod/busybox1 --timeout=60s
//!   kuddle wait --for=delete pod/busybox1 --timeout=60s

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::{ApiClient, ApiError};
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::go_values::{go_bool, go_duration};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{sort_keys, OBJECT_FORMATS};
use crate::resource::builder::{Plan, Selection, MISSING_RESOURCE};
use crate::resource::fetch::get_object;
use crate::resource::infos::{
    arguments_with_paths, plan_selection, read_file_objects, require_namespace, visit_plan,
    FileReading, Info, Visited,
};
use crate::resource::manifest::{self, Entry, ManifestOptions};
use crate::resource::wait::{
    until_any_exists, until_condition, until_deleted, Collection, Condition, Deadline, Target,
    WaitTimeout, DEADLINE_EXCEEDED,
};
use crate::resource::watch::WatchQuery;

#[derive(Args, Debug)]
pub struct WaitArgs {
    /// TYPE/NAME…, TYPE NAME…, or TYPE with -l or --all.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// What to wait for: create, delete, condition=NAME[=VALUE] (VALUE
    /// defaults to true, compared without regard to case) or
    /// jsonpath=EXPRESSION[=VALUE]; several are waited for one after
    /// another (create always first).
    #[arg(long = "for", value_name = "CONDITION", action = ArgAction::Append)]
    pub conditions: Vec<String>,

    /// How long to wait, e.g. 30s, 5m (0: look once; negative: a week).
    #[arg(long, value_name = "DURATION", default_value = "30s", allow_hyphen_values = true,
          value_parser = go_duration)]
    pub timeout: i64,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    /// Field selector (e.g. --field-selector metadata.name=web).
    #[arg(long = "field-selector", value_name = "SELECTOR", default_value = "")]
    pub field_selector: String,

    /// Every object of the given types in the namespace.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    /// Select objects in every namespace (-n is ignored).
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Read the objects from -f only, without a server (for --for=create).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub local: bool,

    /// Files, directories or URLs naming the objects; `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE", value_delimiter = ',',
          action = ArgAction::Append)]
    pub filenames: Vec<String>,

    /// Walk the directories given with -f recursively (on by default here,
    /// as in kubectl's wait).
    #[arg(short = 'R', long = "recursive", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "true", value_parser = go_bool,
          action = ArgAction::Set)]
    pub recursive: bool,

    /// A kustomization directory (not supported by kuddle).
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<String>,

    #[command(flatten)]
    pub print: PrintFlags,
}

impl WaitArgs {
    fn files(&self) -> FilenameFlags {
        FilenameFlags {
            filenames: self.filenames.clone(),
            recursive: self.recursive,
            kustomize: self.kustomize.clone(),
        }
    }

    fn uses_files(&self) -> bool {
        !self.filenames.is_empty() || self.kustomize.is_some()
    }
}

/// The objects found, the errors met finding them, and where to watch for
/// them to appear.
struct Found {
    visits: Vec<Visited>,
    errors: VisitErrors,
    collections: Vec<Collection>,
}

pub async fn run(ctx: &mut Context, args: WaitArgs) -> Result<()> {
    // As kubectl: a termination signal ends the wait with exit status 1.
    crate::interrupt::or_exit_on_interrupt(wait(ctx, args)).await
}

async fn wait(ctx: &mut Context, args: WaitArgs) -> Result<()> {
    // complete
    let printer = args.print.printer(OBJECT_FORMATS)?;
    let conditions = Condition::parse_all(&args.conditions)?;
    let deadline = Deadline::for_wait(args.timeout);
    let mut result = ResultPrinter::new(DryRun::None, printer, args.print.show_managed_fields);
    if args.local {
        return run_local(ctx, &args, &conditions, &mut result);
    }
    let for_delete = conditions.iter().any(|c| matches!(c, Condition::Delete));

    // run
    if conditions.iter().any(|c| matches!(c, Condition::Create)) {
        wait_for_creation(ctx, &args, deadline).await?;
    }
    let found = find(ctx, &args).await?;
    let conn = ctx.connection().await?;
    let client = &conn.client;
    let mut errors = found.errors;
    let mut objects: Vec<Info> = Vec::new();
    // Errors keep their place among the objects' own outcomes.
    let mut steps: Vec<Result<usize, anyhow::Error>> = Vec::new();
    for visit in found.visits {
        match visit {
            Visited::Object(info) => {
                steps.push(Ok(objects.len()));
                objects.push(info);
            }
            Visited::Failed(e) if for_delete && is_not_found(&e) => errors.note_dropped(),
            Visited::Failed(e) => steps.push(Err(e)),
        }
    }
    let only_delete = conditions.iter().all(|c| matches!(c, Condition::Delete));
    let mut outcomes: Vec<Option<Outcome>> = if only_delete {
        deletions(client, &objects, conditions.len(), deadline, ctx)
            .await
            .into_iter()
            .map(Some)
            .collect()
    } else {
        (0..objects.len()).map(|_| None).collect()
    };
    for step in steps {
        let index = match step {
            Err(e) => {
                errors.push(e);
                continue;
            }
            Ok(index) => index,
        };
        let outcome = match outcomes[index].take() {
            Some(outcome) => outcome,
            None => one_object(client, &objects[index], &conditions, deadline, ctx).await,
        };
        let (printed, failure) = outcome;
        for obj in printed {
            result.print(&mut ctx.out, &obj, "condition met")?;
        }
        if let Some(e) = failure {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return errors.into_result();
    }
    if objects.is_empty() && !for_delete {
        bail!("no matching resources found");
    }
    Ok(())
}

fn is_not_found(e: &anyhow::Error) -> bool {
    e.downcast_ref::<ApiError>()
        .is_some_and(ApiError::is_not_found)
}

fn target(info: &Info) -> Target {
    Target {
        mapping: info.mapping.clone(),
        namespace: info.namespace.clone(),
        name: info.name.clone(),
        uid: None,
    }
}

/// What waiting on one object gave: the objects to print (one per
/// condition met), then the failure that ended it, if any.
type Outcome = (Vec<Value>, Option<anyhow::Error>);

/// `--for=delete` (given `times` times) on every object at once, reported
/// as kubectl's one-after-another wait would: an object deleted before its
/// turn came is one kubectl no longer finds, and says nothing about; after
/// the first object that timed out, the rest fail as kubectl's requests
/// fail once its deadline has passed.
async fn deletions(
    client: &ApiClient,
    objects: &[Info],
    times: usize,
    deadline: Deadline,
    ctx: &Context,
) -> Vec<Outcome> {
    let targets: Vec<Target> = objects.iter().map(target).collect();
    let mut turn = tokio::time::Instant::now();
    let results = until_deleted(client, &targets, deadline, &ctx.err).await;
    let mut late = false;
    let mut first = true;
    results
        .into_iter()
        .zip(objects)
        .map(|(result, info)| {
            if late {
                return (Vec::new(), Some(anyhow::anyhow!(DEADLINE_EXCEEDED)));
            }
            let outcome = match result {
                Ok(gone) if !first && gone < turn => (Vec::new(), None),
                Ok(gone) => {
                    turn = turn.max(gone);
                    (vec![info.object.clone(); times], None)
                }
                Err(e) => {
                    late = e.downcast_ref::<WaitTimeout>().is_some();
                    (Vec::new(), Some(e))
                }
            };
            first = false;
            outcome
        })
        .collect()
}

/// Every condition on one object, in the order given, until one fails.
async fn one_object(
    client: &ApiClient,
    info: &Info,
    conditions: &[Condition],
    deadline: Deadline,
    ctx: &Context,
) -> Outcome {
    let mut printed = Vec::new();
    for condition in conditions {
        let met = match condition {
            Condition::Create => Ok(info.object.clone()),
            Condition::Delete => {
                let mut results = until_deleted(client, &[target(info)], deadline, &ctx.err).await;
                match results.pop() {
                    Some(Err(e)) => Err(e),
                    _ => Ok(info.object.clone()),
                }
            }
            other => until_condition(client, &target(info), other, deadline, &ctx.err).await,
        };
        match met {
            Ok(obj) => printed.push(obj),
            Err(e) => return (printed, Some(e)),
        }
    }
    (printed, None)
}

/// The objects named, read from the server (files are read, then their
/// objects fetched again).
async fn find(ctx: &mut Context, args: &WaitArgs) -> Result<Found> {
    let conn = ctx.connection().await?;
    let mut errors = VisitErrors::default();
    let mut visits = Vec::new();
    let mut collections = Vec::new();
    if args.uses_files() {
        arguments_with_paths(&args.args)?;
        let read = FileReading {
            typed: false,
            label_selector: Some(args.selector.trim()).filter(|s| !s.is_empty()),
        };
        let objects = read_file_objects(ctx, &args.files(), read).await?;
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        for item in objects.items {
            let info = match item {
                Ok(info) => info,
                Err(e) => {
                    visits.push(Visited::Failed(e));
                    continue;
                }
            };
            collections.push(Collection {
                mapping: info.mapping.clone(),
                namespace: info.namespace.clone(),
                query: WatchQuery::named(&info.name, ""),
            });
            let ns = info.namespace.as_deref();
            let latest = get_object(
                &conn.client,
                &info.mapping,
                ns,
                &info.name,
                crate::client::ACCEPT_JSON,
            )
            .await
            .and_then(|body| crate::client::parse_json(&body));
            match latest {
                Ok(mut obj) => {
                    sort_keys(&mut obj);
                    let mut fresh = Info::from_object(info.mapping, obj, info.namespace);
                    fresh.source = info.source;
                    visits.push(Visited::Object(fresh));
                }
                Err(e) => visits.push(Visited::Failed(e.into())),
            }
        }
        return Ok(Found {
            visits,
            errors,
            collections,
        });
    }
    let selection = Selection {
        args: &args.args,
        label_selector: Some(args.selector.clone()),
        field_selector: Some(args.field_selector.clone()),
        select_all: false,
        namespace: conn.namespace.clone(),
        all_namespaces: args.all_namespaces,
        allow_empty_selector: args.all,
        single_resource_type: false,
    };
    let plan = plan_selection(ctx, &selection).await?;
    match &plan {
        Plan::Named { items, .. } => {
            for t in items {
                collections.push(Collection {
                    mapping: t.mapping.clone(),
                    namespace: t.namespace.clone(),
                    query: WatchQuery::named(&t.name, ""),
                });
            }
        }
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for t in targets {
                collections.push(Collection {
                    mapping: t.mapping.clone(),
                    namespace: t.namespace.clone(),
                    query: WatchQuery {
                        label_selector: label_selector.clone(),
                        field_selector: field_selector.clone(),
                        ..Default::default()
                    },
                });
            }
        }
    }
    let mut visits = visit_plan(&conn.client, &plan, true).await;
    if conn.explicit_namespace && args.all_namespaces {
        visits = require_namespace(visits, "");
    }
    for v in visits.iter_mut() {
        if let Visited::Object(info) = v {
            sort_keys(&mut info.object);
        }
    }
    Ok(Found {
        visits,
        errors,
        collections,
    })
}

/// `--for=create`: until the objects can be read, watching for them in
/// between. A lone NotFound means "not yet"; other errors end the wait.
async fn wait_for_creation(ctx: &mut Context, args: &WaitArgs, deadline: Deadline) -> Result<()> {
    let conn = ctx.connection().await?;
    loop {
        let found = find(ctx, args).await?;
        let mut failures: Vec<anyhow::Error> = Vec::new();
        let mut any = false;
        for v in found.visits {
            match v {
                Visited::Object(_) => any = true,
                Visited::Failed(e) => failures.push(e),
            }
        }
        if found.errors.is_empty() {
            match failures.len() {
                0 if any => return Ok(()),
                0 => {}
                1 if is_not_found(&failures[0]) => {}
                _ => {
                    let mut errors = VisitErrors::default();
                    failures.into_iter().for_each(|e| errors.push(e));
                    return errors.into_result();
                }
            }
        } else {
            let mut errors = found.errors;
            failures.into_iter().for_each(|e| errors.push(e));
            return errors.into_result();
        }
        if !until_any_exists(&conn.client, &found.collections, deadline).await? {
            bail!("timed out waiting for the condition");
        }
    }
}

/// `--local`: the objects in the files, without a server. Only
/// `--for=create` can be decided from them.
fn run_local(
    ctx: &mut Context,
    args: &WaitArgs,
    conditions: &[Condition],
    result: &mut ResultPrinter,
) -> Result<()> {
    if !args.args.is_empty() {
        bail!("you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
    }
    if !args.uses_files() {
        bail!(MISSING_RESOURCE);
    }
    if let Some(other) = conditions.iter().find(|c| !matches!(c, Condition::Create)) {
        let name = match other {
            Condition::Delete => "delete".to_string(),
            Condition::Status { name, .. } => format!("condition={name}"),
            _ => "jsonpath".to_string(),
        };
        bail!("--for={name} needs a server and cannot be used with --local");
    }
    let files = args.files();
    let opts = ManifestOptions {
        filenames: &files.filenames,
        recursive: files.recursive,
        kustomize: files.kustomize.as_deref(),
        validate: false,
        schema: None,
        downloads: None,
    };
    let entries = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        manifest::read(&opts, &mut lock)
    };
    let entries = match entries {
        Ok(e) => e,
        Err(mut e) if e.0.len() == 1 => bail!(e.0.remove(0)),
        Err(e) => return Err(crate::error::CliError::Many(e.0).into()),
    };
    let mut errors = VisitErrors::default();
    for entry in entries {
        match entry {
            Entry::Object(m) => {
                for _ in conditions {
                    result.print(
                        &mut ctx.out,
                        &Value::Object(m.object.clone()),
                        "condition met",
                    )?;
                }
            }
            Entry::Error(e) => errors.push_reading(anyhow::anyhow!(e)),
            Entry::Unreachable { text, message } => {
                errors.push_reading(crate::error::WordedError { text, message }.into())
            }
        }
    }
    errors.into_result()
}

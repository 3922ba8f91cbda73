//! `set SUBCOMMAND`: change one aspect of existing objects (images,
//! environment, resources, selector, service account, subjects). Each
//! subcommand changes the objects as kubectl's typed decoder holds them and
//! sends the two-way strategic merge patch between before and after (or,
//! with `--local` or `--dry-run=client`, only prints the result).

pub mod env;
pub mod image;
pub mod resources;
pub mod selector;
pub mod serviceaccount;
pub mod subject;

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::apply::strategic::create_two_way_merge_patch;
use crate::client::ApiClient;
use crate::command_group::{self as group, HelpTo};
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::record;
use crate::flags::selector::{AllFlag, LabelSelectorFlag, LocalFlag};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::generate::typed::{self, StructPatchMeta};
use crate::printers::result::ResultPrinter;
use crate::printers::{json, sort_keys, Printer, OBJECT_FORMATS};
use crate::resource::infos::Info;
use crate::resource::select::{select_objects, ObjectQuery};
use crate::resource::window::{write_all, Turn};
use crate::resource::write::{self, PatchType, WriteOptions};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SetArgs {
    #[command(subcommand)]
    pub command: Option<SetCommand>,

    /// Words that name no subcommand (kubectl's usage error).
    #[arg(hide = true, value_name = "COMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum SetCommand {
    /// Update environment variables on a pod template.
    Env(env::EnvArgs),
    /// Update the image of a pod template.
    Image(image::ImageArgs),
    /// Update resource requests/limits on objects with pod templates.
    Resources(resources::ResourcesArgs),
    /// Set the selector on a resource.
    Selector(selector::SelectorArgs),
    /// Update the service account of a resource.
    #[command(visible_alias = "sa")]
    Serviceaccount(serviceaccount::ServiceAccountArgs),
    /// Update the user, group, or service account in a role binding or cluster role binding.
    Subject(subject::SubjectArgs),
}

/// Flags every `set` subcommand has.
#[derive(Args, Debug, Clone, Default)]
pub struct SetCommonFlags {
    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-set"
    )]
    pub field_manager: String,
}

/// How the objects are named: `--all`, `--local`, `-l` and `-f` (image,
/// env, resources, subject).
#[derive(Args, Debug, Clone, Default)]
pub struct SetObjectFlags {
    #[command(flatten)]
    pub all: AllFlag,

    #[command(flatten)]
    pub local: LocalFlag,

    #[command(flatten)]
    pub selector: LabelSelectorFlag,

    #[command(flatten)]
    pub files: FilenameFlags,
}

impl SetObjectFlags {
    /// The objects `args` and these flags name, decoded as kubectl's
    /// scheme types and read again from the server.
    pub fn query<'a>(&'a self, args: &'a [String]) -> ObjectQuery<'a> {
        ObjectQuery {
            args,
            files: &self.files,
            label_selector: self.selector.get(),
            field_selector: None,
            all: self.all.all,
            select_all: false,
            all_namespaces: false,
            local: self.local.local,
            typed: true,
            latest: true,
        }
    }

    /// kubectl's refusal of `--all` with `-l`.
    pub fn check_all_and_selector(&self) -> Result<()> {
        if self.all.all && self.selector.is_set() {
            bail!("cannot set --all and --selector at the same time");
        }
        Ok(())
    }
}

/// `-c/--containers` (env, resources).
#[derive(Args, Debug, Clone)]
pub struct ContainersFlag {
    /// The containers to change, by name; `*` wildcards allowed.
    #[arg(
        short = 'c',
        long = "containers",
        value_name = "NAMES",
        default_value = "*"
    )]
    pub containers: String,
}

/// kubectl's refusal of `--local` with `--dry-run=server`.
pub fn check_local(local: bool, dry_run: DryRun) -> Result<()> {
    if local && dry_run == DryRun::Server {
        bail!("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
    }
    Ok(())
}

/// The objects a query names, or every error met getting them (kubectl's
/// `Infos()`: one failure stops the command before anything changes).
pub async fn typed_infos(ctx: &mut Context, query: &ObjectQuery<'_>) -> Result<Vec<Info>> {
    let selected = select_objects(ctx, query).await?;
    if !selected.is_ok() {
        selected.into_errors().into_result()?;
        return Ok(Vec::new());
    }
    Ok(selected.items.into_iter().flatten().collect())
}

/// What `complete` resolves from the common flags.
pub struct Resolved {
    pub result: ResultPrinter,
    pub dry_run: DryRun,
    pub field_manager: String,
    /// `--record`: the command line to write to each changed object.
    pub change_cause: Option<String>,
}

impl Resolved {
    /// How each patch is sent.
    pub fn write_options(&self) -> WriteOptions {
        WriteOptions {
            field_manager: self.field_manager.clone(),
            field_validation: None,
            dry_run: self.dry_run == DryRun::Server,
        }
    }
}

impl SetCommonFlags {
    pub fn resolve(&self, ctx: &mut Context) -> Result<Resolved> {
        let dry_run = self.dry_run.strategy(&mut ctx.err)?;
        self.resolve_with(dry_run)
    }

    /// The rest, once the dry-run strategy is known.
    pub fn resolve_with(&self, dry_run: DryRun) -> Result<Resolved> {
        let printer = self.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
        Ok(Resolved {
            result: ResultPrinter::new(dry_run, printer, self.print.show_managed_fields),
            dry_run,
            field_manager: self.field_manager.clone(),
            change_cause: None,
        })
    }

    /// Whether `-o` was given (kubectl compares the flag's text).
    pub fn has_output(&self) -> bool {
        self.print.output.as_deref().is_some_and(|o| !o.is_empty())
    }
}

pub async fn run(ctx: &mut Context, args: SetArgs) -> Result<()> {
    match args.command {
        Some(SetCommand::Env(a)) => env::run(ctx, a).await,
        Some(SetCommand::Image(a)) => image::run(ctx, a).await,
        Some(SetCommand::Resources(a)) => resources::run(ctx, a).await,
        Some(SetCommand::Selector(a)) => selector::run(ctx, a).await,
        Some(SetCommand::Serviceaccount(a)) => serviceaccount::run(ctx, a).await,
        Some(SetCommand::Subject(a)) => subject::run(ctx, a).await,
        None => group::without_subcommand(ctx, &["set"], &args.unknown, HelpTo::Stderr),
    }
}

/// The object as kubectl's typed decoder holds it.
pub fn typed_object(obj: &Value) -> Result<Value> {
    typed::normalize_object(obj).map_err(anyhow::Error::msg)
}

/// How a subcommand reports what it did.
pub struct Step {
    /// The result word: `image updated`.
    pub operation: &'static str,
    /// Put before a failed patch's error: `failed to patch image update to pod template: `.
    pub failure: &'static str,
    /// Whether an empty patch leaves the object out (all but `serviceaccount`).
    pub skip_unchanged: bool,
    /// An error `set env` returns, alone, right after its first write to
    /// the server, when no variable was given at all.
    pub fail_after_write: Option<&'static str>,
}

/// One object after the change: its patch, or why it could not be changed.
struct Change {
    info: Info,
    outcome: Result<(Value, Value)>,
}

/// kubectl's `CalculatePatches` and the loop after it: `mutate` changes
/// each object (returning false leaves it out, errors it pushes to the
/// list are reported first); changed objects are printed (`--local`,
/// `--dry-run=client`) or patched and printed, failures reported at the
/// end.
///
/// kubectl patches one object after another; here the patches overlap
/// (see [`write_all`]) while result lines, warnings and errors keep its
/// order. `set env` without variables stops after its first write, so it
/// writes one object at a time, as kubectl does.
pub async fn patch_each(
    ctx: &mut Context,
    infos: Vec<Info>,
    resolved: &mut Resolved,
    local: bool,
    step: &Step,
    mut mutate: impl FnMut(&mut Value, &mut Vec<anyhow::Error>) -> Result<bool>,
) -> Result<()> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut changes = Vec::new();
    for info in infos {
        let outcome = match typed_object(&info.object) {
            Ok(before) => {
                let mut after = before.clone();
                match mutate(&mut after, &mut errors) {
                    Ok(false) => continue,
                    Ok(true) => {
                        if let Some(cause) = &resolved.change_cause {
                            record::record(&mut after, cause);
                        }
                        typed_object(&after).map(|after| (before, after))
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        changes.push(Change { info, outcome });
    }
    let offline = local || resolved.dry_run == DryRun::Client;
    let patches: Vec<Result<Patch>> = changes
        .into_iter()
        .filter_map(|change| prepare(change, step).transpose())
        .collect();
    if offline {
        for patch in patches {
            match patch {
                Ok(p) => resolved
                    .result
                    .print(&mut ctx.out, &p.after, step.operation)?,
                Err(e) => errors.push(e),
            }
        }
    } else if let Some(message) = step.fail_after_write {
        for patch in patches {
            let patch = match patch {
                Ok(p) => p,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let client = ctx.connection().await?.client.clone();
            match send_patch(&client, &patch.info, &patch.body, resolved).await {
                Ok(_) => return Err(anyhow!(message)),
                Err(e) => errors.push(anyhow!("{}{e}", step.failure)),
            }
        }
    } else if !patches.is_empty() {
        write_patches(ctx, patches, resolved, step, &mut errors).await?;
    }
    let mut all = VisitErrors::default();
    errors.into_iter().for_each(|e| all.push(e));
    all.into_result()
}

/// Sends the patches, [`WINDOW`](crate::resource::window::WINDOW) at a
/// time, printing each object's result in its turn.
async fn write_patches(
    ctx: &mut Context,
    patches: Vec<Result<Patch>>,
    resolved: &mut Resolved,
    step: &Step,
    errors: &mut Vec<anyhow::Error>,
) -> Result<()> {
    let client = ctx.connection().await?.client.clone();
    let mut err = ctx.err.clone();
    let out = &mut ctx.out;
    let options = resolved.write_options();
    let result = &mut resolved.result;
    let turn = |item: &Result<Patch>| match item {
        Ok(p) => Turn::write(&p.info.mapping, p.info.namespace.as_deref(), &p.info.name),
        Err(_) => Turn::local(),
    };
    let done = |outcome: Result<Value>| -> Result<()> {
        match outcome {
            Ok(written) => {
                result.print(out, &written, step.operation)?;
                // Lines show up as objects are changed, between any warnings.
                out.flush()?;
            }
            Err(e) => errors.push(e),
        }
        Ok(())
    };
    write_all(
        &client,
        patches,
        turn,
        |item, held| {
            let client = client.holding_warnings(held);
            let options = options.clone();
            let failure = step.failure;
            async move {
                let patch = item?;
                send_with(&client, &patch.info, &patch.body, &options)
                    .await
                    .map_err(|e| anyhow!("{failure}{e}"))
            }
        },
        &mut err,
        done,
    )
    .await
}

/// A change ready to send: the object, its patch, and the object after.
struct Patch {
    info: Info,
    body: Value,
    after: Value,
}

/// The patch of one change, none when it changes nothing and the step
/// leaves such objects out, or the error kubectl reports for the object.
fn prepare(change: Change, step: &Step) -> Result<Option<Patch>> {
    let Change { info, outcome } = change;
    let (before, after) = outcome.map_err(|e| anyhow!("error: {} {e:#}\n", info.object_name()))?;
    let body = two_way_patch(&before, &after)?;
    if step.skip_unchanged && body.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(None);
    }
    Ok(Some(Patch { info, body, after }))
}

/// `CreateTwoWayMergePatch` with the type's patch metadata (a JSON merge
/// patch for kinds kuddle has no schema for).
pub fn two_way_patch(before: &Value, after: &Value) -> Result<Value> {
    let text = |k: &str| after.get(k).and_then(Value::as_str).unwrap_or("");
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let patch = match typed::type_for(text("apiVersion"), text("kind")) {
        Some(ty) => create_two_way_merge_patch(b, a, &StructPatchMeta::new(ty))
            .map_err(anyhow::Error::msg)?,
        None => crate::apply::jsonmerge::merge_diff(b, a),
    };
    Ok(Value::Object(patch))
}

/// Sends a strategic merge patch; the answer comes back typed.
pub async fn send_patch(
    client: &ApiClient,
    info: &Info,
    patch: &Value,
    resolved: &Resolved,
) -> std::result::Result<Value, anyhow::Error> {
    send_with(client, info, patch, &resolved.write_options()).await
}

async fn send_with(
    client: &ApiClient,
    info: &Info,
    patch: &Value,
    options: &WriteOptions,
) -> std::result::Result<Value, anyhow::Error> {
    let mut body = patch.clone();
    sort_keys(&mut body);
    let written = write::patch(
        client,
        &info.mapping,
        info.namespace.as_deref(),
        &info.name,
        None,
        PatchType::Strategic,
        json::to_string_compact(&body).into_bytes(),
        options,
    )
    .await?;
    typed_object(&written)
}

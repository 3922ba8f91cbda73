//! `label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]`
//!
//! Examples:
//!   # Give pod foo the label unhealthy=true
//!   kuddle label pods foo unhealthy=true
//!
//!   # Change the value of an existing label
//!   kuddle label --overwrite pods foo status=unhealthy
//!
//!   # Label every pod in the namespace
//!   kuddle label pods --all status=unhealthy
//!
//!   # Label the pod described in pod.json, only if it is still at version 1
//!   kuddle label -f pod.json status=unhealthy --resource-version=1
//!
//!   # Remove the label bar (no --overwrite needed)
//!   kuddle label pods foo bar-

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::pairs::resources_and_pairs;
use crate::flags::selector::{
    AllFlag, AllNamespacesFlag, FieldSelectorFlag, LabelSelectorFlag, LocalFlag,
};
use crate::flags::RecordFlags;
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::metadata::{self, parse_label_pairs, MetadataEdit, MetadataMap};
use crate::resource::select::{uses_files, ObjectQuery};

#[derive(Args, Debug)]
pub struct LabelArgs {
    /// TYPE NAME… or TYPE/NAME…, then KEY=VALUE to set and KEY- to remove.
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    /// Allow changing the value of a label that is already set.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,

    /// Print the labels of the objects instead of changing them.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub list: bool,

    /// Change only if the object is still at this resource version (one object only).
    #[arg(
        long = "resource-version",
        value_name = "VERSION",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub resource_version: String,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-label"
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub local: LocalFlag,

    #[command(flatten)]
    pub all: AllFlag,

    #[command(flatten)]
    pub all_namespaces: AllNamespacesFlag,

    #[command(flatten)]
    pub selector: LabelSelectorFlag,

    #[command(flatten)]
    pub field_selector: FieldSelectorFlag,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

pub async fn run(ctx: &mut Context, args: LabelArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let (resources, pairs) = resources_and_pairs(&args.args, "label")?;
    let (new, remove) = parse_label_pairs(&pairs)?;
    if args.list && args.print.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--list and --output may not be specified together");
    }
    let printer = args.print.printer(OBJECT_FORMATS);
    // validate
    if args.all.all && args.selector.is_set() {
        bail!("cannot set --all and --selector at the same time");
    }
    if args.all.all && args.field_selector.is_set() {
        bail!("cannot set --all and --field-selector at the same time");
    }
    let local = args.local.local;
    if local {
        if dry_run == DryRun::Server {
            bail!("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
        }
        if !resources.is_empty() {
            bail!("can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set");
        }
        if !uses_files(&args.files) {
            bail!("one or more files must be specified as -f pod.yaml or --filename=pod.json");
        }
    } else if resources.is_empty() && !uses_files(&args.files) {
        bail!("one or more resources must be specified as <resource> <name> or <resource>/<name>");
    }
    if new.is_empty() && remove.is_empty() && !args.list {
        bail!("at least one label update is required");
    }
    // run
    let query = ObjectQuery {
        args: &resources,
        files: &args.files,
        label_selector: args.selector.get(),
        field_selector: args.field_selector.get(),
        all: args.all.all,
        select_all: false,
        all_namespaces: args.all_namespaces.all_namespaces,
        local,
        typed: false,
        latest: true,
    };
    let edit = MetadataEdit {
        map: MetadataMap::Labels,
        new,
        remove,
        overwrite: args.overwrite,
        resource_version: args.resource_version,
        list: args.list,
        local,
        field_manager: args.field_manager,
        change_cause,
    };
    let mut result = ResultPrinter::per_object(dry_run, printer, args.print.show_managed_fields);
    metadata::run(ctx, &query, &edit, &mut result).await
}

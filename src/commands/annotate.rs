//! `annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]`
//!
//! Examples:
//!   # Annotate pod foo (the last value given for a key wins)
//!   kuddle annotate pods foo description='my frontend'
//!
//!   # Annotate the pod described in pod.json
//!   kuddle annotate -f pod.json description='my frontend'
//!
//!   # Replace an existing annotation
//!   kuddle annotate --overwrite pods foo description='my frontend running nginx'
//!
//!   # Annotate every pod in the namespace, only pods at version 1, or remove one
//!   kuddle annotate pods --all description='my frontend running nginx'
//!   kuddle annotate pods foo description='my frontend running nginx' --resource-version=1
//!   kuddle annotate pods foo description-

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::pairs::{parse_pairs, resources_and_pairs};
use crate::flags::selector::{
    AllFlag, AllNamespacesFlag, FieldSelectorFlag, LabelSelectorFlag, LocalFlag,
};
use crate::flags::RecordFlags;
use crate::flags::{DryRun, KustomizeFlag, PrintFlags, RecursiveFilenameFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::metadata::{self, check_annotation_pairs, MetadataEdit, MetadataMap};
use crate::resource::select::{uses_files, ObjectQuery};

#[derive(Args, Debug)]
pub struct AnnotateArgs {
    /// TYPE NAME… or TYPE/NAME…, then KEY=VALUE to set and KEY- to remove.
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    /// Allow changing the value of an annotation that is already set.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,

    /// Print the annotations of the objects instead of changing them.
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
        default_value = "kubectl-annotate"
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
    pub files: RecursiveFilenameFlags,

    #[command(flatten)]
    pub kustomize: KustomizeFlag,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

pub async fn run(ctx: &mut Context, args: AnnotateArgs) -> Result<()> {
    // complete and validate, in kubectl's order
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let (resources, pairs) = resources_and_pairs(&args.args, "annotation")?;
    let (new, remove) = parse_pairs(&pairs, "annotation", true)?;
    if args.list && args.print.output.as_deref().is_some_and(|o| !o.is_empty()) {
        bail!("--list and --output may not be specified together");
    }
    if args.all.all && args.selector.is_set() {
        bail!("cannot set --all and --selector at the same time");
    }
    if args.all.all && args.field_selector.is_set() {
        bail!("cannot set --all and --field-selector at the same time");
    }
    let files = args.files.to_filename_flags(Some(&args.kustomize));
    let local = args.local.local;
    if !local {
        if resources.is_empty() && !uses_files(&files) {
            bail!(
                "one or more resources must be specified as <resource> <name> or <resource>/<name>"
            );
        }
    } else {
        if dry_run == DryRun::Server {
            bail!("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
        }
        if !resources.is_empty() {
            bail!("can only use local files by -f rsrc.yaml or --filename=rsrc.json when --local=true is set");
        }
        if !uses_files(&files) {
            bail!("one or more files must be specified as -f rsrc.yaml or --filename=rsrc.json");
        }
    }
    if new.is_empty() && remove.is_empty() && !args.list {
        bail!("at least one annotation update is required");
    }
    check_annotation_pairs(&new, &remove)?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    // run
    let query = ObjectQuery {
        args: &resources,
        files: &files,
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
        map: MetadataMap::Annotations,
        new,
        remove,
        overwrite: args.overwrite,
        resource_version: args.resource_version,
        list: args.list,
        local,
        field_manager: args.field_manager,
        change_cause,
    };
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    metadata::run(ctx, &query, &edit, &mut result).await
}

//! `rollout undo (TYPE NAME | TYPE/NAME) [flags]`: roll back to a previous
//! revision.
//!
//! Examples:
//!   # Roll back to the previous deployment
//!   kuddle rollout undo deployment/abc
//!
//!   # Roll back to daemonset revision 3
//!   kuddle rollout undo daemonset/abc --to-revision=3
//!
//!   # Roll back to the previous deployment with dry-run
//!   kuddle rollout undo --dry-run=server deployment/abc

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::Targets;
use crate::apply::last_applied;
use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_int64;
use crate::flags::PrintFlags;
use crate::printers::result::ResultPrinter;
use crate::printers::{Printer, OBJECT_FORMATS};
use crate::rollout::{helper_for, rollback, Helper};

#[derive(Args, Debug)]
pub struct UndoArgs {
    #[command(flatten)]
    pub targets: Targets,

    /// The revision to roll back to (0: the one before the current).
    #[arg(long = "to-revision", value_name = "N", default_value = "0",
          allow_hyphen_values = true, value_parser = go_int64)]
    pub to_revision: i64,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: UndoArgs) -> Result<()> {
    // complete
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    ctx.namespace()?;
    // validate
    args.targets.validate()?;
    // run
    let (infos, mut errors) = args.targets.visit(ctx).await?;
    let conn = ctx.connection().await?;
    for info in &infos {
        let done: Result<()> = async {
            if last_applied::original(info.object.as_object().unwrap_or(&Default::default()))
                .is_some()
            {
                writeln!(
                    ctx.err,
                    "Warning: resource {}/{} was previously managed with '{p} apply'. Rolling back will not update the {} annotation, which may cause unexpected behavior on future '{p} apply' operations. Consider using '{p} apply' with your previous configuration file instead.",
                    info.mapping.resource,
                    info.name,
                    last_applied::ANNOTATION,
                    p = crate::error::PROGRAM
                )?;
            }
            let workload = helper_for(&info.mapping, Helper::Rollbacker)?;
            let mut err = ctx.err.clone();
            let outcome = rollback::rollback(
                &conn.client,
                workload,
                info.namespace.as_deref().unwrap_or_default(),
                &info.name,
                args.to_revision,
                dry_run,
                &mut err,
            )
            .await?;
            // kubectl makes the printer after the rollback, one per object
            // (so YAML documents get no separator).
            let printer = args.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
            ResultPrinter::new(dry_run, printer, args.print.show_managed_fields).print(
                &mut ctx.out,
                &super::typed_info(info),
                &outcome,
            )
        }
        .await;
        if let Err(e) = done {
            errors.push(e);
        }
    }
    errors.into_result()
}

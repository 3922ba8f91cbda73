//! `rollout history (TYPE NAME | TYPE/NAME) [flags]`: the revisions of a
//! rollout, or one revision's pod template.
//!
//! Examples:
//!   # View the rollout history of a deployment
//!   kuddle rollout history deployment/abc
//!
//!   # View the details of daemonset revision 3
//!   kuddle rollout history daemonset/abc --revision=3

use anyhow::{anyhow, bail, Result};
use clap::Args;

use super::{typed_order, Targets};
use crate::context::Context;
use crate::flags::go_values::go_int64;
use crate::flags::{DryRun, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{Printer, OBJECT_FORMATS};
use crate::rollout::history::{self, Purpose};
use crate::rollout::{helper_for, Helper};

#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub targets: Targets,

    /// Show this revision in detail, its pod template included.
    #[arg(long, value_name = "N", default_value = "0", allow_hyphen_values = true,
          value_parser = go_int64)]
    pub revision: i64,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: HistoryArgs) -> Result<()> {
    // complete
    ctx.namespace()?;
    // validate
    args.targets.validate()?;
    if args.revision < 0 {
        bail!("revision must be a positive integer: {}", args.revision);
    }
    // run
    // Only `-o` asks for objects; the printer fails before anything is read.
    let objects = args.print.output.is_some();
    let printer = if objects {
        args.print.printer(OBJECT_FORMATS)?.map(Printer::typed)
    } else {
        None
    };
    let mut result = ResultPrinter::new(DryRun::None, printer, args.print.show_managed_fields);
    let (infos, mut errors) = args.targets.visit(ctx).await?;
    let conn = ctx.connection().await?;
    for info in &infos {
        let done: Result<()> = async {
            let workload = helper_for(&info.mapping, Helper::History)?;
            let namespace = info.namespace.as_deref().unwrap_or_default();
            let purpose = if objects {
                Purpose::Objects
            } else {
                Purpose::View
            };
            let mut err = ctx.err.clone();
            let h = history::read(
                &conn.client,
                workload,
                namespace,
                &info.name,
                purpose,
                &mut err,
            )
            .await?;
            if objects {
                let kind = match workload {
                    crate::rollout::Workload::Deployment => "ReplicaSet",
                    crate::rollout::Workload::DaemonSet => "DaemonSet",
                    _ => "StatefulSet",
                };
                let print = |r: &history::Revision| typed_order(&r.object, kind, "apps/v1");
                if args.revision > 0 {
                    let found = h
                        .revisions
                        .get(&args.revision)
                        .ok_or_else(|| anyhow!("unable to find the specified revision"))?;
                    result.print(&mut ctx.out, &print(found), "")?;
                } else {
                    for r in h.revisions.values() {
                        result.print(&mut ctx.out, &print(r), "")?;
                    }
                }
                return Ok(());
            }
            let text = h.view(args.revision)?;
            let with_revision = if args.revision > 0 {
                format!("with revision #{}", args.revision)
            } else {
                String::new()
            };
            result.print(
                &mut ctx.out,
                &super::typed_info(info),
                &format!("{with_revision}\n{text}"),
            )
        }
        .await;
        if let Err(e) = done {
            errors.push(e);
        }
    }
    errors.into_result()
}

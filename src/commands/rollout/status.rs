//! `rollout status (TYPE NAME | TYPE/NAME) [flags]`: watch a rollout until
//! it is done (or only look once with `--watch=false`).
//!
//! Examples:
//!   # Watch the rollout status of a deployment
//!   kuddle rollout status deployment/nginx

use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use super::Targets;
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_duration, go_int64};
use crate::resource::watch::{until_with_sync, EventType, Target};
use crate::rollout::status::StatusViewer;

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub targets: Targets,

    /// Keep watching until the rollout is done (false: print the status once).
    #[arg(short = 'w', long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub watch: bool,

    /// Follow this revision only, failing once another one takes over (0: the latest).
    #[arg(long, value_name = "N", default_value = "0", allow_hyphen_values = true,
          value_parser = go_int64)]
    pub revision: i64,

    /// How long to watch before giving up (0: forever), e.g. 30s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "0s", allow_hyphen_values = true,
          value_parser = go_duration)]
    pub timeout: i64,
}

pub async fn run(ctx: &mut Context, args: StatusArgs) -> Result<()> {
    // complete
    let (namespace, _) = ctx.namespace()?;
    // validate
    args.targets.validate()?;
    if args.revision < 0 {
        bail!("revision must be a positive integer: {}", args.revision);
    }
    // run
    let timeout = match args.timeout {
        t if t < 0 => {
            crate::context::klog_error(
                &mut ctx.err,
                "until.go:159",
                "\"Timeout for context shall not be negative\"",
            );
            None
        }
        0 => None,
        t => Some(Duration::from_nanos(t as u64)),
    };
    let (infos, mut errors) = args.targets.visit(ctx).await?;
    let conn = ctx.connection().await?;
    let found = !infos.is_empty();
    for info in &infos {
        let viewer = match StatusViewer::for_mapping(&info.mapping) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let out = &mut ctx.out;
        let target = Target {
            mapping: &info.mapping,
            namespace: info.namespace.as_deref(),
            name: &info.name,
        };
        let watched = until_with_sync(&conn.client, target, timeout, |event, obj| {
            if event == EventType::Deleted {
                bail!("object has been deleted");
            }
            let (status, done) = viewer.status(obj, args.revision)?;
            out.write_all(status.as_bytes())?;
            out.flush()?;
            Ok(done || !args.watch)
        })
        .await;
        if let Err(e) = watched {
            errors.push(e);
        }
    }
    errors.into_result()?;
    if !found {
        writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
    }
    Ok(())
}

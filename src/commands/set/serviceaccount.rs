//! `set serviceaccount (-f FILENAME | TYPE NAME) SERVICE_ACCOUNT`
//!
//! Sets the service account of the pod template of replication
//! controllers, deployments, daemon sets, jobs, replica sets and stateful
//! sets (and of pods).
//!
//! Examples:
//!   # Run deployment nginx-deployment's pods as serviceaccount1
//!   kuddle set serviceaccount deployment nginx-deployment serviceaccount1
//!
//!   # Print the changed object from a local file, without a server
//!   kuddle set sa -f nginx-deployment.yaml serviceaccount1 --local --dry-run=client -o yaml

use anyhow::{bail, Result};
use clap::Args;
use serde_json::Value;

use super::{check_local, patch_each, typed_infos, SetCommonFlags, Step};
use crate::context::Context;
use crate::flags::selector::{AllFlag, LocalFlag};
use crate::flags::FilenameFlags;
use crate::flags::RecordFlags;
use crate::resource::podspec::pod_spec_mut;
use crate::resource::select::ObjectQuery;

#[derive(Args, Debug)]
pub struct ServiceAccountArgs {
    /// TYPE NAME… or TYPE/NAME…, then the service account's name.
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub all: AllFlag,

    #[command(flatten)]
    pub local: LocalFlag,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

pub async fn run(ctx: &mut Context, args: ServiceAccountArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.common.dry_run.strategy(&mut ctx.err)?;
    let local = args.local.local;
    check_local(local, dry_run)?;
    let mut resolved = args.common.resolve_with(dry_run)?;
    resolved.change_cause = change_cause;
    let Some((account, resources)) = args.args.split_last() else {
        bail!("serviceaccount is required");
    };
    let query = ObjectQuery {
        args: if local { &[] } else { resources },
        files: &args.files,
        label_selector: None,
        field_selector: None,
        all: args.all.all,
        select_all: false,
        all_namespaces: false,
        local,
        typed: true,
        latest: true,
    };
    let infos = typed_infos(ctx, &query).await?;
    // run: every object is written, changed or not.
    let step = Step {
        operation: "serviceaccount updated",
        failure: "failed to patch ServiceAccountName ",
        skip_unchanged: false,
        fail_after_write: None,
    };
    patch_each(ctx, infos, &mut resolved, local, &step, |obj, _| {
        let spec = pod_spec_mut(obj).map_err(anyhow::Error::msg)?;
        spec.insert(
            "serviceAccountName".into(),
            Value::String(account.to_string()),
        );
        Ok(true)
    })
    .await
}

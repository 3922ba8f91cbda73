//! `set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N`
//!
//! Works on pods, replication controllers, deployments, daemon sets,
//! stateful sets, cron jobs and replica sets.
//!
//! Examples:
//!   # Give deployment nginx's containers new images
//!   kuddle set image deployment/nginx busybox=busybox nginx=nginx:1.9.1
//!
//!   # Change the nginx container's image in every deployment and replication controller
//!   kuddle set image deployments,rc nginx=nginx:1.9.1 --all
//!
//!   # Change the image of every container of daemon set abc
//!   kuddle set image daemonset abc *=nginx:1.9.1
//!
//!   # Print the changed object from a local file, without a server
//!   kuddle set image -f path/to/file.yaml nginx=nginx:1.9.1 --local -o yaml

use anyhow::{anyhow, Result};
use clap::Args;
use serde_json::Value;

use super::{patch_each, typed_infos, SetCommonFlags, SetObjectFlags, Step};
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_quote;
use crate::flags::pairs::{parse_pairs, resources_and_pairs};
use crate::flags::DryRun;
use crate::flags::RecordFlags;
use crate::resource::podspec::pod_spec_mut;
use crate::resource::select::{uses_files, LOCAL_RESOURCE_ERROR};

#[derive(Args, Debug)]
pub struct ImageArgs {
    /// TYPE NAME… or TYPE/NAME…, then CONTAINER=IMAGE pairs (`*` for every container).
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub objects: SetObjectFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

/// Sets the image of the containers named `name` (`*`: all); whether any
/// was found.
fn set_image(containers: Option<&mut Value>, name: &str, image: &str) -> bool {
    let mut found = false;
    for c in containers
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if name == "*" || c.get("name").and_then(Value::as_str) == Some(name) {
            found = true;
            if let Some(map) = c.as_object_mut() {
                map.insert("image".into(), Value::String(image.to_string()));
            }
        }
    }
    found
}

pub async fn run(ctx: &mut Context, args: ImageArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let mut resolved = args.common.resolve(ctx)?;
    resolved.change_cause = change_cause;
    let (resources, pairs) = resources_and_pairs(&args.args, "image")?;
    let (images, _) = parse_pairs(&pairs, "image", false)?;
    let local = args.objects.local.local;
    if local && !resources.is_empty() {
        return Err(anyhow!(LOCAL_RESOURCE_ERROR));
    }
    let infos = typed_infos(ctx, &args.objects.query(&resources)).await?;
    // validate
    let mut problems = Vec::new();
    if args.objects.all.all && args.objects.selector.is_set() {
        problems.push("cannot set --all and --selector at the same time".to_string());
    }
    if resources.is_empty() && !uses_files(&args.objects.files) {
        problems.push(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
                .to_string(),
        );
    }
    if images.is_empty() {
        problems.push("at least one image update is required".to_string());
    } else if images.len() > 1 && images.contains_key("*") {
        problems.push("all containers are already specified by *, but saw more than one container_name=container_image pairs".to_string());
    }
    if local && resolved.dry_run == DryRun::Server {
        problems.push(
            "cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .to_string(),
        );
    }
    match problems.len() {
        0 => {}
        1 => return Err(anyhow!(problems.remove(0))),
        _ => return Err(CliError::Many(problems).into()),
    }
    // run
    let step = Step {
        operation: "image updated",
        failure: "failed to patch image update to pod template: ",
        skip_unchanged: true,
        fail_after_write: None,
    };
    patch_each(ctx, infos, &mut resolved, local, &step, |obj, errors| {
        let spec = pod_spec_mut(obj).map_err(anyhow::Error::msg)?;
        for (name, image) in &images {
            let init = set_image(spec.get_mut("initContainers"), name, image);
            let regular = set_image(spec.get_mut("containers"), name, image);
            if !init && !regular {
                errors.push(anyhow!(
                    "error: unable to find container named {}",
                    go_quote(name)
                ));
            }
        }
        Ok(true)
    })
    .await
}

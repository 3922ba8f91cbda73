//! `set resources (-f FILENAME | TYPE NAME) ([--limits=LIMITS & --requests=REQUESTS]`
//!
//! Sets compute resource limits and requests on the containers of any
//! object with a pod template. A limit without a request makes the server
//! default the request to the limit.
//!
//! Examples:
//!   # Limit deployment nginx's nginx container to 200m CPU and 512Mi memory
//!   kuddle set resources deployment nginx -c=nginx --limits=cpu=200m,memory=512Mi
//!
//!   # Requests and limits for every container
//!   kuddle set resources deployment nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi
//!
//!   # Set the requests and limits to zero
//!   kuddle set resources deployment nginx --limits=cpu=0,memory=0 --requests=cpu=0,memory=0
//!
//!   # Print the changed object from a local file, without a server
//!   kuddle set resources -f path/to/file.yaml --limits=cpu=200m,memory=512Mi --local -o yaml

use anyhow::{anyhow, bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use super::{
    check_local, patch_each, typed_infos, ContainersFlag, SetCommonFlags, SetObjectFlags, Step,
};
use crate::context::Context;
use crate::flags::RecordFlags;
use crate::quantity::Quantity;
use crate::resource::podspec::{container_mut, pod_spec_mut, select_containers};
use crate::resource::select::LOCAL_RESOURCE_ERROR;

#[derive(Args, Debug)]
pub struct ResourcesArgs {
    /// TYPE NAME… or TYPE/NAME….
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub containers: ContainersFlag,

    /// Resource limits, e.g. 'cpu=100m,memory=256Mi'.
    #[arg(long, value_name = "LIMITS", default_value = "")]
    pub limits: String,

    /// Resource requests, e.g. 'cpu=100m,memory=256Mi'.
    #[arg(long, value_name = "REQUESTS", default_value = "")]
    pub requests: String,

    #[command(flatten)]
    pub objects: SetObjectFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

/// `name=quantity,…`, each quantity as the API machinery writes it; the
/// last value given for a name wins.
fn parse_resource_list(spec: &str) -> Result<Option<Vec<(String, String)>>> {
    if spec.is_empty() {
        return Ok(None);
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        if parts.len() != 2 {
            bail!("invalid argument syntax {statement}, expected <resource>=<value>");
        }
        let quantity = Quantity::parse(parts[1])?.to_string();
        out.retain(|(k, _)| k != parts[0]);
        out.push((parts[0].to_string(), quantity));
    }
    Ok(Some(out))
}

/// Sets `values` in the container's `resources.<field>` map.
fn set_list(container: &mut Map<String, Value>, field: &str, values: &[(String, String)]) {
    let resources = container
        .entry("resources")
        .or_insert_with(|| Value::Object(Map::new()));
    if !resources.is_object() {
        *resources = Value::Object(Map::new());
    }
    let Some(resources) = resources.as_object_mut() else {
        return;
    };
    let list = resources
        .entry(field)
        .or_insert_with(|| Value::Object(Map::new()));
    if !list.is_object() {
        *list = Value::Object(Map::new());
    }
    if let Some(list) = list.as_object_mut() {
        for (k, v) in values {
            list.insert(k.clone(), Value::String(v.clone()));
        }
    }
}

pub async fn run(ctx: &mut Context, args: ResourcesArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let mut resolved = args.common.resolve(ctx)?;
    resolved.change_cause = change_cause;
    let local = args.objects.local.local;
    if local && !args.args.is_empty() {
        return Err(anyhow!(LOCAL_RESOURCE_ERROR));
    }
    let infos = typed_infos(ctx, &args.objects.query(&args.args)).await?;
    // validate
    check_local(local, resolved.dry_run)?;
    args.objects.check_all_and_selector()?;
    if args.limits.is_empty() && args.requests.is_empty() {
        bail!(
            "you must specify an update to requests or limits (in the form of --requests/--limits)"
        );
    }
    let limits = parse_resource_list(&args.limits)?;
    let requests = parse_resource_list(&args.requests)?;
    // run
    let step = Step {
        operation: "resource requirements updated",
        failure: "failed to patch resources update to pod template ",
        skip_unchanged: true,
        fail_after_write: None,
    };
    let selector = args.containers.containers.clone();
    patch_each(ctx, infos, &mut resolved, local, &step, |obj, errors| {
        let spec = pod_spec_mut(obj).map_err(anyhow::Error::msg)?;
        let chosen = select_containers(spec, &selector);
        if chosen.is_empty() {
            errors.push(anyhow!("error: unable to find container named {selector}"));
            return Ok(false);
        }
        for index in chosen {
            if let Some(container) = container_mut(spec, index) {
                if let Some(limits) = &limits {
                    set_list(container, "limits", limits);
                }
                if let Some(requests) = &requests {
                    set_list(container, "requests", requests);
                }
            }
        }
        Ok(true)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_lists() {
        assert_eq!(parse_resource_list("").unwrap(), None);
        assert_eq!(
            parse_resource_list("cpu=0.5,memory=1024Mi").unwrap(),
            Some(vec![
                ("cpu".to_string(), "500m".to_string()),
                ("memory".to_string(), "1Gi".to_string())
            ])
        );
        assert_eq!(
            parse_resource_list("cpu").unwrap_err().to_string(),
            "invalid argument syntax cpu, expected <resource>=<value>"
        );
        assert!(parse_resource_list("cpu=x")
            .unwrap_err()
            .to_string()
            .starts_with("quantities must match"));
    }
}

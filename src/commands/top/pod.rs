//! `top pod [NAME | -l label]`
//!
//! Examples:
//!   # CPU and memory of every pod in the namespace
//!   kuddle top pod
//!
//!   # Of one pod, container by container
//!   kuddle top pod web-0 --containers
//!
//!   # Of the pods labelled app=web in every namespace, busiest first, with a total
//!   kuddle top pod -A -l app=web --sort-by=cpu --sum

use std::collections::HashSet;
use std::io::Write;

use anyhow::{anyhow, bail, Result};
use chrono::Utc;
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::ApiClient;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::printers::top::{print_pods, PodTable, PodUsage};
use crate::resource::fetch::query_escape;
use crate::resource::infos::list_items;
use crate::resource::mapper::path_escape;
use crate::resource::selector::{canonical_label_selector, check_field_selector};

/// Metrics may lag this long behind a pod's creation before their absence is an error.
const METRICS_CREATION_DELAY_SECS: i64 = 120;

#[derive(Args, Debug)]
pub struct TopPodArgs {
    /// A pod name, or none for every pod (with -l or --field-selector to narrow).
    #[arg(value_name = "NAME")]
    pub args: Vec<String>,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    /// Field selector (`=`, `==`, `!=`), e.g. --field-selector status.phase=Running.
    #[arg(long = "field-selector", value_name = "SELECTOR", default_value = "")]
    pub field_selector: String,

    /// Sort by `cpu` or `memory` (busiest first).
    #[arg(long = "sort-by", value_name = "FIELD", default_value = "")]
    pub sort_by: String,

    /// One line per container.
    #[arg(long = "containers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub containers: bool,

    /// Pods of every namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Leave out the header line.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Accepted for kubectl's sake: kuddle reads the metrics API as JSON either way.
    #[arg(long = "use-protocol-buffers", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "true", value_parser = go_bool,
          action = ArgAction::Set)]
    pub use_protocol_buffers: bool,

    /// Add a line with the totals.
    #[arg(long = "sum", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub sum: bool,

    /// Show swap use too.
    #[arg(long = "show-swap", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub show_swap: bool,
}

pub async fn run(ctx: &mut Context, args: TopPodArgs) -> Result<()> {
    // complete
    let name = match args.args.len() {
        0 => String::new(),
        1 => args.args[0].clone(),
        _ => {
            return Err(CliError::usage(
                "pod [NAME | -l label]",
                ctx.cmd_path.clone(),
            ))
        }
    };
    let (namespace, _) = ctx.namespace()?;
    let conn = ctx.connection().await?;
    // validate
    super::check_sort_by(&args.sort_by)?;
    if !name.is_empty() && (!args.selector.is_empty() || !args.field_selector.is_empty()) {
        bail!("only one of NAME or selector can be provided");
    }
    // run
    let label_selector = canonical_label_selector(&args.selector).map_err(|e| anyhow!(e))?;
    check_field_selector(&args.field_selector).map_err(|e| anyhow!(e))?;
    let version = super::metrics_api_version(ctx).await?;
    let client = &conn.client;
    let base = format!("/apis/metrics.k8s.io/{version}");
    let scope = if args.all_namespaces {
        String::new()
    } else {
        format!("/namespaces/{}", path_escape(&namespace))
    };
    let mut items: Vec<Value> = if !name.is_empty() {
        vec![
            client
                .get_json(&format!("{base}{scope}/pods/{}", path_escape(&name)))
                .await?,
        ]
    } else {
        let mut path = format!("{base}{scope}/pods");
        if !label_selector.is_empty() {
            path.push_str(&format!("?labelSelector={}", query_escape(&label_selector)));
        }
        list_items(client.get_json(&path).await?)
    };
    if !items.is_empty() && !args.field_selector.is_empty() {
        let pods_ns = (!args.all_namespaces).then_some(namespace.as_str());
        let selected: HashSet<(String, String)> =
            list_pods(client, pods_ns, &label_selector, &args.field_selector)
                .await?
                .iter()
                .map(namespace_and_name)
                .collect();
        items.retain(|m| selected.contains(&namespace_and_name(m)));
    }
    if items.is_empty() {
        verify_empty_metrics(
            client,
            &namespace,
            &name,
            &label_selector,
            &args.field_selector,
        )
        .await?;
        if args.all_namespaces {
            writeln!(ctx.err, "No resources found")?;
        } else {
            writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
        }
    }
    let pods = items.iter().map(PodUsage::from_metrics).collect();
    let table = PodTable {
        containers: args.containers,
        with_namespace: args.all_namespaces,
        no_headers: args.no_headers,
        sort_by: &args.sort_by,
        sum: args.sum,
        show_swap: args.show_swap,
    };
    print_pods(&mut ctx.out, pods, table)?;
    Ok(())
}

fn namespace_and_name(object: &Value) -> (String, String) {
    let s = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (s("/metadata/namespace"), s("/metadata/name"))
}

async fn list_pods(
    client: &ApiClient,
    namespace: Option<&str>,
    label_selector: &str,
    field_selector: &str,
) -> Result<Vec<Value>> {
    let mut path = match namespace {
        Some(ns) => format!("/api/v1/namespaces/{}/pods", path_escape(ns)),
        None => "/api/v1/pods".to_string(),
    };
    let mut params = Vec::new();
    if !field_selector.is_empty() {
        params.push(format!("fieldSelector={}", query_escape(field_selector)));
    }
    if !label_selector.is_empty() {
        params.push(format!("labelSelector={}", query_escape(label_selector)));
    }
    if !params.is_empty() {
        path = format!("{path}?{}", params.join("&"));
    }
    Ok(list_items(client.get_json(&path).await?))
}

/// kubectl's reasons for an empty answer: a pod older than two minutes
/// without metrics is an error; otherwise "metrics not available yet",
/// unless there are no pods at all.
async fn verify_empty_metrics(
    client: &ApiClient,
    namespace: &str,
    name: &str,
    label_selector: &str,
    field_selector: &str,
) -> Result<()> {
    let pods = if !name.is_empty() {
        vec![
            client
                .get_json(&format!(
                    "/api/v1/namespaces/{}/pods/{}",
                    path_escape(namespace),
                    path_escape(name)
                ))
                .await?,
        ]
    } else {
        let pods = list_pods(client, Some(namespace), label_selector, field_selector).await?;
        if pods.is_empty() {
            return Ok(());
        }
        pods
    };
    for pod in &pods {
        let created = pod
            .pointer("/metadata/creationTimestamp")
            .and_then(Value::as_str)
            .and_then(crate::describe::format::parse_time);
        if let Some(created) = created {
            let age = Utc::now() - created;
            if age.num_seconds() > METRICS_CREATION_DELAY_SECS {
                let (ns, name) = namespace_and_name(pod);
                let nanos = age.num_nanoseconds().unwrap_or(i64::MAX);
                bail!(
                    "Metrics not available for pod {ns}/{name}, age: {}",
                    crate::flags::go_values::go_duration_string(nanos)
                );
            }
        }
    }
    bail!("metrics not available yet")
}

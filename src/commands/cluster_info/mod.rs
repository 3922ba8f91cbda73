//! `cluster-info`: where the control plane runs, and the cluster services
//! (services labelled `kubernetes.io/cluster-service=true`, in kube-system
//! unless `-n` names another namespace). `cluster-info dump` writes the
//! cluster's state for debugging.
//!
//! Examples:
//!   # Print the address of the control plane and cluster services
//!   kuddle cluster-info

pub mod dump;

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::context::Context;
use crate::resource::fetch::query_escape;

const CLUSTER_SERVICE_SELECTOR: &str = "kubernetes.io/cluster-service=true";

#[derive(Args, Debug)]
pub struct ClusterInfoArgs {
    #[command(subcommand)]
    pub command: Option<ClusterInfoCommand>,

    /// kubectl ignores extra words here.
    #[arg(hide = true, value_name = "ARGS")]
    pub ignored: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum ClusterInfoCommand {
    /// Dump relevant information for debugging and diagnosis.
    Dump(dump::DumpArgs),
}

pub async fn run(ctx: &mut Context, args: ClusterInfoArgs) -> Result<()> {
    if let Some(ClusterInfoCommand::Dump(dump)) = args.command {
        return dump::run(ctx, dump).await;
    }
    let host = ctx.client_config()?.server;
    // Only `-n` moves the search; the context's namespace does not.
    let namespace = ctx
        .global
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "kube-system".to_string());
    let listed = cluster_services(ctx, &namespace).await;
    if let Ok(list) = &listed {
        write!(ctx.out, "{}", render(&host, list))?;
    }
    writeln!(
        ctx.out,
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."
    )?;
    listed.map(|_| ())
}

async fn cluster_services(ctx: &mut Context, namespace: &str) -> Result<Value> {
    let conn = ctx.connection().await?;
    let discovery = ctx.discovery().await?;
    let mapping = discovery.resolve("services")?;
    let path = format!(
        "{}?labelSelector={}",
        mapping.collection_path(Some(namespace)),
        query_escape(CLUSTER_SERVICE_SELECTOR)
    );
    Ok(conn.client.get_json(&path).await?)
}

/// The `… is running at …` lines: the control plane, then each service.
pub fn render(host: &str, services: &Value) -> String {
    let mut out = format!("Kubernetes control plane is running at {host}\n");
    for service in services
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |path: &str| {
            service
                .pointer(path)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let ports: &[Value] = service
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let port_number = |p: &Value| p.get("port").and_then(Value::as_i64).unwrap_or(0);
        let link = match service.pointer("/status/loadBalancer/ingress/0") {
            Some(ingress) => {
                let ip = ingress
                    .get("ip")
                    .and_then(Value::as_str)
                    .filter(|ip| !ip.is_empty())
                    .or_else(|| ingress.get("hostname").and_then(Value::as_str))
                    .unwrap_or_default();
                ports
                    .iter()
                    .map(|p| format!("http://{ip}:{} ", port_number(p)))
                    .collect()
            }
            None => {
                let name = text("/metadata/name");
                let proxied = match ports.first() {
                    Some(port) => {
                        let port_name = port.get("name").and_then(Value::as_str).unwrap_or("");
                        let scheme = if port_name == "https" || port_number(port) == 443 {
                            "https"
                        } else {
                            ""
                        };
                        join_scheme_name_port(scheme, &name, port_name)
                    }
                    None => name,
                };
                format!(
                    "{host}/api/v1/namespaces/{}/services/{proxied}/proxy",
                    text("/metadata/namespace")
                )
            }
        };
        let label = text("/metadata/labels/kubernetes.io~1name");
        let title = if label.is_empty() {
            text("/metadata/name")
        } else {
            label
        };
        out.push_str(&format!("{title} is running at {link}\n"));
    }
    out
}

/// `[scheme:]name[:port]` as the service proxy path takes it.
fn join_scheme_name_port(scheme: &str, name: &str, port: &str) -> String {
    if !scheme.is_empty() {
        format!("{scheme}:{name}:{port}")
    } else if !port.is_empty() {
        format!("{name}:{port}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn services_by_proxy_path_or_load_balancer() {
        let list = json!({"items": [
            {"metadata": {"name": "dns", "namespace": "kube-system",
                          "labels": {"kubernetes.io/name": "CoreDNS"}},
             "spec": {"ports": [{"name": "dns", "port": 53}, {"name": "tcp", "port": 53}]}},
            {"metadata": {"name": "sec", "namespace": "kube-system"},
             "spec": {"ports": [{"name": "", "port": 443}]}},
            {"metadata": {"name": "bare", "namespace": "kube-system"}, "spec": {}},
            {"metadata": {"name": "lb", "namespace": "kube-system"},
             "spec": {"ports": [{"port": 80}, {"port": 81}]},
             "status": {"loadBalancer": {"ingress": [{"hostname": "lb.example"}]}}}
        ]});
        assert_eq!(
            render("https://h:6443", &list),
            "Kubernetes control plane is running at https://h:6443\n\
             CoreDNS is running at https://h:6443/api/v1/namespaces/kube-system/services/dns:dns/proxy\n\
             sec is running at https://h:6443/api/v1/namespaces/kube-system/services/https:sec:/proxy\n\
             bare is running at https://h:6443/api/v1/namespaces/kube-system/services/bare/proxy\n\
             lb is running at http://lb.example:80 http://lb.example:81 \n"
        );
    }
}

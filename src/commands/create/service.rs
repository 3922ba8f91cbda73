//! `create service clusterip|nodeport|loadbalancer|externalname NAME`
//!
//! Examples:
//!   # A ClusterIP service named my-cs sending port 5678 to 8080
//!   kuddle create service clusterip my-cs --tcp=5678:8080
//!
//!   # A headless service
//!   kuddle create service clusterip my-cs --clusterip="None"
//!
//!   # A NodePort service
//!   kuddle create service nodeport my-ns --tcp=5678:8080
//!
//!   # A service pointing at an external DNS name
//!   kuddle create service externalname my-ns --external-name bar.com

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use clap::{ArgAction, Args, Subcommand};

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::flags::go_values::{go_int64, go_string_slice, string_slice_items, StringSlice};
use crate::generate::save_config;
use crate::generate::service::{ServicePort, ServiceSpec};
use crate::generate::validation::is_dns1123_subdomain;

#[derive(Args, Debug)]
#[command(subcommand_required = true)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub command: ServiceCommand,
}

#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// Create a ClusterIP service.
    #[command(name = "clusterip")]
    ClusterIp(ClusterIpArgs),
    /// Create a NodePort service.
    #[command(name = "nodeport")]
    NodePort(NodePortArgs),
    /// Create a LoadBalancer service.
    #[command(name = "loadbalancer")]
    LoadBalancer(LoadBalancerArgs),
    /// Create an ExternalName service.
    #[command(name = "externalname")]
    ExternalName(ExternalNameArgs),
}

/// The NAME and `--tcp` every service type takes.
#[derive(Args, Debug)]
pub struct ServiceBaseArgs {
    /// The service's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// Port pairs `<port>:<targetPort>`; repeat or separate with commas.
    #[arg(long = "tcp", value_name = "PORT[:TARGET]", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub tcp: Vec<StringSlice>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

#[derive(Args, Debug)]
pub struct ClusterIpArgs {
    #[command(flatten)]
    pub base: ServiceBaseArgs,

    /// The cluster IP to assign, or "None" for a headless service.
    #[arg(
        allow_hyphen_values = true,
        long = "clusterip",
        value_name = "IP",
        default_value = ""
    )]
    pub cluster_ip: String,
}

#[derive(Args, Debug)]
pub struct NodePortArgs {
    #[command(flatten)]
    pub base: ServiceBaseArgs,

    /// The port every node exposes the service on.
    #[arg(allow_hyphen_values = true, long = "node-port", value_name = "PORT", default_value = "0", value_parser = go_int64)]
    pub node_port: i64,
}

#[derive(Args, Debug)]
pub struct LoadBalancerArgs {
    #[command(flatten)]
    pub base: ServiceBaseArgs,
}

#[derive(Args, Debug)]
pub struct ExternalNameArgs {
    #[command(flatten)]
    pub base: ServiceBaseArgs,

    /// The external DNS name the service stands for.
    #[arg(
        allow_hyphen_values = true,
        long = "external-name",
        value_name = "NAME",
        required = true
    )]
    pub external_name: String,
}

/// What differs between the four service types.
struct Kind {
    service_type: &'static str,
    cluster_ip: String,
    node_port: i64,
    external_name: String,
}

pub async fn run(ctx: &mut Context, args: ServiceArgs) -> Result<()> {
    let (base, kind) = match args.command {
        ServiceCommand::ClusterIp(a) => (
            a.base,
            Kind {
                service_type: "ClusterIP",
                cluster_ip: a.cluster_ip,
                node_port: 0,
                external_name: String::new(),
            },
        ),
        ServiceCommand::NodePort(a) => (
            a.base,
            Kind {
                service_type: "NodePort",
                cluster_ip: String::new(),
                node_port: a.node_port,
                external_name: String::new(),
            },
        ),
        ServiceCommand::LoadBalancer(a) => (
            a.base,
            Kind {
                service_type: "LoadBalancer",
                cluster_ip: String::new(),
                node_port: 0,
                external_name: String::new(),
            },
        ),
        ServiceCommand::ExternalName(a) => (
            a.base,
            Kind {
                service_type: "ExternalName",
                cluster_ip: String::new(),
                node_port: 0,
                external_name: a.external_name,
            },
        ),
    };
    let name = single_name(ctx, &base.names)?;
    let mut resolved = base.common.resolve(ctx)?;
    let tcp = string_slice_items(&base.tcp);
    if kind.cluster_ip == "None" && kind.service_type != "ClusterIP" {
        bail!("ClusterIP=None can only be used with ClusterIP service type");
    }
    if kind.cluster_ip != "None" && tcp.is_empty() && kind.service_type != "ExternalName" {
        bail!("at least one tcp port specifier must be provided");
    }
    if kind.service_type == "ExternalName" && !is_dns1123_subdomain(&kind.external_name) {
        bail!("invalid service external name {}", kind.external_name);
    }
    // Go stores the node port as int32(value): the low 32 bits.
    let node_port = kind.node_port as i32;
    let ports = tcp
        .iter()
        .map(|spec| ServicePort::parse_tcp(spec, node_port))
        .collect::<Result<Vec<_>>>()?;
    let labels = BTreeMap::from([("app".to_string(), name.clone())]);
    let mut object = ServiceSpec {
        name,
        namespace: ctx.enforced_namespace(),
        selector: labels.clone(),
        labels,
        ports,
        cluster_ip: kind.cluster_ip,
        service_type: kind.service_type.to_string(),
        external_name: kind.external_name,
    }
    .build();
    // kubectl never reads --save-config here; only an annotation already
    // present would be refreshed, and generated services carry none.
    save_config(&mut object, false);
    let wrap = format!("failed to create {} service: ", kind.service_type);
    create_and_print(ctx, &mut resolved, object, &wrap).await
}

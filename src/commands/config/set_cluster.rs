//! `config set-cluster NAME`: create a cluster entry or change the fields
//! given; the rest stay as they are.
//!
//! Examples:
//!   # Change only the server of the e2e cluster
//!   kuddle config set-cluster e2e --server=https://1.2.3.4
//!
//!   # Embed the certificate authority's data in the e2e cluster
//!   kuddle config set-cluster e2e --embed-certs --certificate-authority=~/.kube/e2e/ca.crt
//!
//!   # Stop checking the e2e cluster's certificate
//!   kuddle config set-cluster e2e --insecure-skip-tls-verify=true
//!
//!   # Check the certificate against another server name, or go through a proxy
//!   kuddle config set-cluster e2e --tls-server-name=my-cluster --proxy-url=https://1.2.3.4

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::go_values::{go_bool, go_quote};
use crate::kubeconfig::gopath;
use crate::kubeconfig::model::Cluster;
use crate::kubeconfig::modify::{modify_config, Touched};

/// The flags share their ids with the global flags of the same names, which
/// they replace here (kubectl's local flags shadow the global ones).
#[derive(Args, Debug)]
pub struct SetClusterArgs {
    /// The cluster to create or change.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// The address of the cluster's API server.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,

    /// The server name to check the certificate against.
    #[arg(long, value_name = "NAME")]
    pub tls_server_name: Option<String>,

    /// Do not check the server's certificate (clears the certificate authority).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub insecure_skip_tls_verify: Option<bool>,

    /// Path to the certificate authority file.
    #[arg(long, value_name = "PATH")]
    pub certificate_authority: Option<String>,

    /// Store the certificate authority's contents instead of its path.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub embed_certs: Option<bool>,

    /// Proxy URL for requests to the cluster.
    #[arg(long, value_name = "URL")]
    pub proxy_url: Option<String>,
}

pub fn run(ctx: &mut Context, args: SetClusterArgs) -> Result<()> {
    let [name] = args.names.as_slice() else {
        let msg = format!("Unexpected args: {}", super::go_list(&args.names));
        return Err(super::help_error(ctx, "set-cluster", msg));
    };
    validate(name, &args)?;
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let mut cluster = config.clusters.get(name).cloned().unwrap_or_default();
    modify(&mut cluster, &args);
    config.clusters.insert(name.clone(), cluster);
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "Cluster {} set.", go_quote(name))?;
    Ok(())
}

fn validate(name: &str, args: &SetClusterArgs) -> Result<()> {
    if name.is_empty() {
        bail!("you must specify a non-empty cluster name");
    }
    let ca = args.certificate_authority.as_deref().unwrap_or("");
    if args.insecure_skip_tls_verify == Some(true) && !ca.is_empty() {
        bail!("you cannot specify a certificate authority and insecure mode at the same time");
    }
    if args.embed_certs == Some(true) {
        if ca.is_empty() {
            bail!("you must specify a --certificate-authority to embed");
        }
        if let Err(e) = std::fs::metadata(ca) {
            bail!(
                "could not stat certificate-authority file {ca}: {}",
                gopath::path_error("stat", ca, &e)
            );
        }
    }
    Ok(())
}

fn modify(c: &mut Cluster, args: &SetClusterArgs) {
    if let Some(server) = &args.server {
        c.server = server.clone();
        // A new server forgets the old TLS server name.
        c.tls_server_name.clear();
    }
    if let Some(tls_server_name) = &args.tls_server_name {
        c.tls_server_name = tls_server_name.clone();
    }
    if let Some(insecure) = args.insecure_skip_tls_verify {
        c.insecure_skip_tls_verify = insecure;
        if insecure {
            c.certificate_authority.clear();
            c.certificate_authority_data.clear();
        }
    }
    if let Some(ca) = &args.certificate_authority {
        if args.embed_certs == Some(true) {
            // kubectl ignores a read error here (the file was just stat'ed).
            c.certificate_authority_data = std::fs::read(ca).unwrap_or_default();
            c.insecure_skip_tls_verify = false;
            c.certificate_authority.clear();
        } else {
            // Go's filepath.Abs: an empty path is the working folder.
            c.certificate_authority = gopath::abs(ca);
            c.insecure_skip_tls_verify = false;
            c.certificate_authority_data.clear();
        }
    }
    if let Some(proxy_url) = &args.proxy_url {
        c.proxy_url = proxy_url.clone();
    }
}

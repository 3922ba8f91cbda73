//! Interim connection settings read with kube-rs's own kubeconfig loader,
//! used until kuddle's kubeconfig module resolves them with kubectl's rules.

use anyhow::{Context as _, Result};

use crate::flags::GlobalFlags;

/// The kube-rs config for the flags, the server URL and the namespace.
pub async fn kube_config(global: &GlobalFlags) -> Result<(kube::Config, String, String)> {
    let path = global
        .kubeconfig
        .clone()
        .or_else(|| {
            std::env::var("KUBECONFIG")
                .ok()
                .and_then(|v| v.split(':').find(|p| !p.is_empty()).map(str::to_string))
        })
        .unwrap_or_else(|| {
            dirs::home_dir()
                .unwrap_or_default()
                .join(".kube/config")
                .display()
                .to_string()
        });
    let kubeconfig =
        kube::config::Kubeconfig::read_from(&path).with_context(|| format!("loading {path}"))?;
    let options = kube::config::KubeConfigOptions {
        context: global.context.clone(),
        cluster: global.cluster.clone(),
        user: global.user.clone(),
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options).await?;
    if let Some(server) = &global.server {
        config.cluster_url = server.parse()?;
    }
    if global.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    config.default_retry = false;
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    Ok((config, server, namespace))
}

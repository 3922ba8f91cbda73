//! `api-versions`: the group versions the server serves, as `group/version`.
//!
//! Examples:
//!   # Print the supported API versions
//!   kuddle api-versions

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::context::Context;
use crate::error::CliError;
use crate::resource::Discovery;

#[derive(Args, Debug)]
pub struct ApiVersionsArgs {
    /// No arguments are accepted; listed here to report kubectl's error.
    #[arg(hide = true)]
    pub unexpected: Vec<String>,
}

pub async fn run(ctx: &mut Context, args: ApiVersionsArgs) -> Result<()> {
    if !args.unexpected.is_empty() {
        return Err(CliError::usage(
            format!("unexpected arguments: [{}]", args.unexpected.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    ctx.client_config()?;
    // Always fresh from the server, as kubectl asks.
    let discovery = match ctx.refresh_discovery().await {
        Ok(Some(fresh)) => fresh,
        Ok(None) => ctx.discovery().await?,
        Err(e) => {
            let detail = match e.downcast_ref::<crate::client::ApiError>() {
                // The first request (`/api`) failed, as Go's url.Error
                // names it once it is wrapped.
                Some(crate::client::ApiError::Connection { detail, .. }) => {
                    let conn = ctx.connection().await?;
                    let url = conn
                        .client
                        .with_default_timeout(crate::client::DISCOVERY_TIMEOUT)
                        .request_url("/api");
                    format!("Get \"{url}\": {detail}")
                }
                Some(api) => api.to_string(),
                None => format!("{e:#}"),
            };
            anyhow::bail!("couldn't get available api versions from server: {detail}");
        }
    };
    for gv in group_versions(&discovery) {
        writeln!(ctx.out, "{gv}")?;
    }
    Ok(())
}

/// Every served group version (not only the preferred ones), sorted as Go
/// sorts strings.
pub fn group_versions(discovery: &Discovery) -> Vec<String> {
    let mut out: Vec<String> = discovery
        .groups
        .iter()
        .flat_map(|g| {
            g.versions.iter().map(move |v| {
                if g.name.is_empty() {
                    v.clone()
                } else {
                    format!("{}/{v}", g.name)
                }
            })
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_versions_sorted_bytewise() {
        let d = crate::resource::test_support::discovery();
        assert_eq!(
            group_versions(&d),
            [
                "apps/v1",
                "autoscaling/v1",
                "autoscaling/v2",
                "events.k8s.io/v1",
                "v1"
            ]
        );
    }
}

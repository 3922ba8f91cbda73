//! `explain TYPE[.FIELD…] [--recursive] [--api-version=GROUP/VERSION] [-o plaintext|plaintext-openapiv2]`:
//! the documentation of a resource or one of its fields, from the server's
//! OpenAPI documents.
//!
//! Examples:
//!   # The documentation of pods and their fields
//!   kuddle explain pods
//!
//!   # Every field of a pod, nested
//!   kuddle explain pods --recursive
//!
//!   # One field, two levels deep
//!   kuddle explain pods.spec.containers --recursive --max-depth=2
//!
//!   # Deployments in a given API version
//!   kuddle explain deployments --api-version=apps/v1
//!
//! Only the index of the OpenAPI v3 documents and the one document of the
//! resource's group version are fetched, that one through kubectl's HTTP
//! cache (see `openapi`).

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::{CliError, PROGRAM};
use crate::explain::path::{self, PathError};
use crate::explain::{Depth, Gvr};
use crate::flags::go_values::{go_bool, go_int64};
use crate::openapi::{group_version_key, OpenApiV3};
use crate::resource::{Discovery, Mapping};

const PLAINTEXT: &str = "plaintext";
const PLAINTEXT_OPENAPI_V2: &str = "plaintext-openapiv2";

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// TYPE[.FIELD…], e.g. pods.spec.containers.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// Print the fields of fields (see --max-depth).
    #[arg(short = 'R', long = "recursive", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub recursive: bool,

    /// Explain the resource in this API version (GROUP/VERSION).
    #[arg(long = "api-version", value_name = "GROUP/VERSION", default_value = "")]
    pub api_version: String,

    /// How to render the schema: plaintext or plaintext-openapiv2.
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = PLAINTEXT)]
    pub output: String,

    /// With --recursive, how many levels of fields to print (0: all).
    #[arg(long = "max-depth", value_name = "N", default_value = "0", allow_hyphen_values = true,
          value_parser = go_int64)]
    pub max_depth: i64,
}

pub async fn run(ctx: &mut Context, args: ExplainArgs) -> Result<()> {
    ctx.client_config()?;
    validate(&args)?;
    let arg = args.args[0].clone();
    let discovery = ctx.discovery().await?;
    let (mapping, fields) = match resolve(&arg, &args.api_version, &discovery) {
        Err(PathError::NoResource(_)) => match ctx.refresh_discovery().await? {
            Some(fresh) => resolve(&arg, &args.api_version, &fresh),
            None => resolve(&arg, &args.api_version, &discovery),
        },
        other => other,
    }
    .map_err(|e| match e {
        PathError::Invalid(msg) => anyhow!(msg),
        PathError::NoResource(e) => CliError::Verbatim(e.to_string()).into(),
    })?;
    let depth = Depth {
        recursive: args.recursive,
        max_depth: args.max_depth,
    };
    let conn = ctx.connection().await?;
    let mut openapi = OpenApiV3::with_cache(&ctx.cache_dir());

    if args.output == PLAINTEXT_OPENAPI_V2 {
        return explain_v2(ctx, &mapping, &fields, &args, depth).await;
    }
    if args.output == PLAINTEXT && openapi.paths(&conn.client).await.is_err() {
        // Servers without OpenAPI v3 are explained from v2.
        return explain_v2(ctx, &mapping, &fields, &args, depth).await;
    }
    let mut gvr = Gvr {
        group: mapping.group.clone(),
        version: mapping.version.clone(),
        resource: mapping.resource.clone(),
    };
    if !args.api_version.is_empty() {
        let (group, version) = parse_group_version(&args.api_version)?;
        gvr.group = group;
        gvr.version = version;
    }
    let paths = openapi
        .paths(&conn.client)
        .await
        .map_err(|e| anyhow!("failed to fetch list of groupVersions: {e}"))?;
    let key = group_version_key(&gvr.group, &gvr.version);
    if paths.get(&key).is_none() {
        bail!("couldn't find resource for \"{}\"", gvr.text());
    }
    let body = openapi
        .document_bytes(&conn.client, &key)
        .await
        .map_err(|e| anyhow!("failed to fetch openapi schema for {key}: {e}"))?
        .unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| anyhow!("failed to parse openapi schema for {key}: {e}"))?;
    if args.output != PLAINTEXT {
        bail!("unrecognized format: {}", args.output);
    }
    let rendered = crate::explain::plaintext(&doc, &gvr, &fields, depth);
    ctx.out.write_all(rendered.text.as_bytes())?;
    match rendered.error {
        Some(e) => Err(anyhow!(e)),
        None => Ok(()),
    }
}

fn validate(args: &ExplainArgs) -> Result<()> {
    if args.args.is_empty() {
        bail!(
            "You must specify the type of resource to explain. Use \"{PROGRAM} api-resources\" for a complete list of supported resources.\n"
        );
    }
    if args.args.len() > 1 {
        bail!("We accept only this format: explain RESOURCE\n");
    }
    if args.max_depth > 0 && !args.recursive {
        bail!("--max-depth requires --recursive");
    }
    if args.max_depth < 0 {
        bail!("--max-depth must be non-negative");
    }
    Ok(())
}

/// The resource and field path the argument names (see `explain::path`).
fn resolve(
    arg: &str,
    api_version: &str,
    discovery: &Discovery,
) -> Result<(Mapping, Vec<String>), PathError> {
    if api_version.is_empty() {
        path::with_matching_prefix(arg, discovery)
    } else {
        path::plain(arg, discovery)
    }
}

/// apimachinery's `ParseGroupVersion`: `v1`, `apps/v1`, or an error.
fn parse_group_version(text: &str) -> Result<(String, String)> {
    if text.is_empty() || text == "/" {
        return Ok((String::new(), String::new()));
    }
    match text.matches('/').count() {
        0 => Ok((String::new(), text.to_string())),
        1 => {
            let (g, v) = text.split_once('/').unwrap_or_default();
            Ok((g.to_string(), v.to_string()))
        }
        _ => bail!("unexpected GroupVersion string: {text}"),
    }
}

/// `--output=plaintext-openapiv2`: the kind's schema from OpenAPI v2.
async fn explain_v2(
    ctx: &mut Context,
    mapping: &Mapping,
    fields: &[String],
    args: &ExplainArgs,
    depth: Depth,
) -> Result<()> {
    let (mut group, mut version) = (mapping.group.clone(), mapping.version.clone());
    if !args.api_version.is_empty() {
        (group, version) = parse_group_version(&args.api_version)?;
    }
    let conn = ctx.connection().await?;
    let body = crate::openapi::v2_document(&conn.client).await?;
    let doc: serde_json::Value = serde_json::from_slice(&body)?;
    let gvk = crate::explain::v2::Gvk {
        group,
        version,
        kind: mapping.kind.clone(),
    };
    let rendered = crate::explain::v2::explain(&doc, &gvk, fields, depth)?;
    ctx.out.write_all(rendered.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_versions_parse_like_apimachinery() {
        assert_eq!(
            parse_group_version("apps/v1").unwrap(),
            ("apps".to_string(), "v1".to_string())
        );
        assert_eq!(
            parse_group_version("v1").unwrap(),
            (String::new(), "v1".to_string())
        );
        assert_eq!(
            parse_group_version("a/b/c").unwrap_err().to_string(),
            "unexpected GroupVersion string: a/b/c"
        );
    }
}

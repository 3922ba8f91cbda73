//! Completions that ask the cluster: resource types (from the discovery
//! cache, as `api-resources -o name --cached --verbs=get`), object names of
//! a type in the namespace in effect, and namespaces. Any failure completes
//! nothing, as kubectl's helpers do.

use std::io;

use super::directive::{NO_FILE_COMP, NO_SPACE};
use super::sources::{DynamicKind, DynamicSource, Request};
use crate::client::ApiClient;
use crate::context::{Context, SharedWriter};
use crate::flags::GlobalFlags;
use crate::resource::builder::{Plan, Selection};
use crate::resource::fetch::{ListQuery, Pager};

/// Names only: the server sends object metadata, not whole objects.
const ACCEPT_METADATA: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

pub struct ClusterSource;

impl DynamicSource for ClusterSource {
    fn complete(&self, kind: DynamicKind, request: &Request) -> (Vec<String>, i64) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return (Vec::new(), NO_FILE_COMP);
        };
        runtime.block_on(complete(kind, request))
    }
}

/// The connection flags on the line being completed.
fn global_flags(request: &Request) -> GlobalFlags {
    let get = |name: &str| request.flag(name).map(str::to_string);
    GlobalFlags {
        kubeconfig: get("kubeconfig"),
        context: get("context"),
        cluster: get("cluster"),
        user: get("user"),
        namespace: get("namespace"),
        server: get("server"),
        token: get("token"),
        certificate_authority: get("certificate-authority"),
        client_certificate: get("client-certificate"),
        client_key: get("client-key"),
        insecure_skip_tls_verify: request
            .flag("insecure-skip-tls-verify")
            .is_some_and(|v| v != "false"),
        cache_dir: get("cache-dir"),
        request_timeout: "5s".into(),
        ..GlobalFlags::default()
    }
}

fn quiet_context(request: &Request) -> Context {
    Context::new(
        global_flags(request),
        Box::new(io::sink()),
        SharedWriter::new(Box::new(io::sink())),
        String::new(),
    )
}

async fn complete(kind: DynamicKind, request: &Request) -> (Vec<String>, i64) {
    let mut ctx = quiet_context(request);
    let to_complete = request.to_complete.as_str();
    let args = &request.args;
    let comps = match kind {
        DynamicKind::Namespace => names(&mut ctx, "namespace", to_complete).await,
        DynamicKind::ResourceName(kind) => names(&mut ctx, kind, to_complete).await,
        DynamicKind::PodName => names(&mut ctx, "pod", to_complete).await,
        DynamicKind::ResourceTypeAndName => {
            return type_and_name(&mut ctx, None, args, to_complete).await
        }
        DynamicKind::SpecifiedResourceTypeAndName(types) => {
            return type_and_name(&mut ctx, Some(types), args, to_complete).await
        }
        DynamicKind::PodAndContainer | DynamicKind::Container => Vec::new(),
    };
    (comps, NO_FILE_COMP)
}

/// kubectl's `resourceTypeAndNameCompletionFunc` (repeats allowed).
async fn type_and_name(
    ctx: &mut Context,
    allowed: Option<&[&str]>,
    args: &[String],
    to_complete: &str,
) -> (Vec<String>, i64) {
    let mut directive = NO_FILE_COMP;
    let comps;
    if let Some(first) = args.first().filter(|a| !a.contains('/')) {
        let mut names = names(ctx, first, to_complete).await;
        names.retain(|c| !args[1..].contains(c));
        comps = names;
    } else if let Some(slash) = to_complete.find('/') {
        let (kind, prefix) = (&to_complete[..slash], &to_complete[slash + 1..]);
        let mut names: Vec<String> = names(ctx, kind, prefix)
            .await
            .into_iter()
            .map(|n| format!("{kind}/{n}"))
            .collect();
        names.retain(|c| !args.contains(c));
        comps = names;
    } else {
        let types = match allowed {
            Some(list) => list
                .iter()
                .filter(|t| t.starts_with(to_complete))
                .map(|t| t.to_string())
                .collect(),
            None => resource_types(ctx, to_complete).await,
        };
        if args.is_empty() {
            comps = types;
        } else {
            directive |= NO_SPACE;
            comps = types.into_iter().map(|t| format!("{t}/")).collect();
        }
    }
    (comps, directive)
}

/// `api-resources -o name --cached --verbs=get`, completing the last item of
/// a comma list (`po,s` → `po,secrets`, `po,services`).
async fn resource_types(ctx: &mut Context, to_complete: &str) -> Vec<String> {
    let Ok(discovery) = ctx.discovery().await else {
        return Vec::new();
    };
    let (prefix, suffix) = match to_complete.rfind(',') {
        Some(i) => (&to_complete[..=i], &to_complete[i + 1..]),
        None => ("", to_complete),
    };
    let mut resources: Vec<(String, String)> = discovery
        .preferred_resources()
        .into_iter()
        .filter(|m| m.supports("get"))
        .map(|m| (m.group.clone(), m.group_resource()))
        .collect();
    resources.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    resources
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| name.starts_with(suffix))
        .map(|name| format!("{prefix}{name}"))
        .collect()
}

/// Names of the objects of a type in the namespace in effect.
async fn names(ctx: &mut Context, kind: &str, to_complete: &str) -> Vec<String> {
    list_names(ctx, kind)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with(to_complete))
        .collect()
}

async fn list_names(ctx: &mut Context, kind: &str) -> anyhow::Result<Vec<String>> {
    let conn = ctx.connection().await?;
    let discovery = ctx.discovery().await?;
    let args = vec![kind.to_string()];
    let plan = discovery.plan(&Selection {
        args: &args,
        namespace: conn.namespace.clone(),
        allow_empty_selector: true,
        ..Default::default()
    })?;
    let Plan::List { targets, .. } = plan else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for target in targets {
        list_target(
            &conn.client,
            &target.mapping,
            target.namespace.as_deref(),
            &mut out,
        )
        .await?;
    }
    Ok(out)
}

async fn list_target(
    client: &ApiClient,
    mapping: &crate::resource::Mapping,
    namespace: Option<&str>,
    out: &mut Vec<String>,
) -> anyhow::Result<()> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default)]
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        metadata: Meta,
    }
    #[derive(serde::Deserialize)]
    struct List {
        #[serde(default)]
        items: Vec<Item>,
    }
    let query = ListQuery {
        limit: 500,
        ..Default::default()
    };
    let mut pager = Pager::new(client, mapping, namespace, query, ACCEPT_METADATA);
    while let Some(page) = pager.next_page().await? {
        let list: List = serde_json::from_slice(&page)?;
        out.extend(
            list.items
                .into_iter()
                .map(|i| i.metadata.name)
                .filter(|n| !n.is_empty()),
        );
    }
    Ok(())
}

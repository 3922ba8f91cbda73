//! The objects a selection names, fetched the way kubectl's resource
//! builder visits them with `ContinueOnError`: named objects one GET each,
//! selections one list per type; failures are collected, not fatal.

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

use super::builder::{combined_type_error, Plan};
use super::discovery::Discovery;
use super::fetch::{get_object, ListQuery, Pager};
use super::manifest::{self, Entry, Manifest, ManifestOptions};
use super::mapper::Mapping;
use super::selector::LabelSelector;
use crate::client::{parse_json, ApiClient, ACCEPT_JSON};
use crate::context::Context;
use crate::error::{CliError, WordedError};
use crate::flags::go_values::go_quote;
use crate::flags::FilenameFlags;

/// One object and where it lives (kubectl's `resource.Info`).
#[derive(Debug, Clone)]
pub struct Info {
    pub mapping: Mapping,
    pub namespace: Option<String>,
    pub name: String,
    pub object: Value,
}

impl Info {
    /// An object read from a file or built locally.
    pub fn from_object(mapping: Mapping, object: Value, namespace: Option<String>) -> Info {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        Info {
            mapping,
            namespace,
            name,
            object,
        }
    }
}

/// Fetches everything `plan` names, in order; errors come back alongside.
pub async fn fetch_infos(client: &ApiClient, plan: &Plan) -> (Vec<Info>, Vec<anyhow::Error>) {
    let mut infos = Vec::new();
    let mut errors: Vec<anyhow::Error> = Vec::new();
    match plan {
        Plan::Named { items, .. } => {
            for target in items {
                let fetched = get_object(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    &target.name,
                    ACCEPT_JSON,
                )
                .await
                .and_then(|body| parse_json(&body));
                match fetched {
                    Ok(object) => infos.push(Info {
                        mapping: target.mapping.clone(),
                        namespace: target.namespace.clone(),
                        name: target.name.clone(),
                        object,
                    }),
                    Err(e) => errors.push(e.into()),
                }
            }
        }
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                let query = ListQuery {
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                    limit: 0,
                    include_object: None,
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_JSON,
                );
                loop {
                    match pager.next_page().await {
                        Ok(Some(body)) => match parse_json(&body) {
                            Ok(list) => {
                                for object in list_items(list) {
                                    let namespace = object
                                        .pointer("/metadata/namespace")
                                        .and_then(Value::as_str)
                                        .map(str::to_string);
                                    infos.push(Info::from_object(
                                        target.mapping.clone(),
                                        object,
                                        namespace,
                                    ));
                                }
                            }
                            Err(e) => {
                                errors.push(e.into());
                                break;
                            }
                        },
                        Ok(None) => break,
                        Err(e) => {
                            errors.push(e.into());
                            break;
                        }
                    }
                }
            }
        }
    }
    (infos, errors)
}

/// Objects read from `-f`: each a ready object or its namespace error, in
/// file order, and the errors met reading the files.
#[derive(Debug, Default)]
pub struct FileObjects {
    pub items: Vec<Result<Info, anyhow::Error>>,
    pub reading: Vec<anyhow::Error>,
}

/// How a verb reads `-f` (kubectl's builder settings).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileReading<'a> {
    /// Decode with kubectl's built-in scheme (`expose`): kinds it does not
    /// compile in cannot be read.
    pub typed: bool,
    /// `-l`: keep only objects whose labels match.
    pub label_selector: Option<&'a str>,
}

/// The builder's complaint when `-f` comes with TYPE/NAME arguments.
pub fn arguments_with_paths(args: &[String]) -> Result<()> {
    if args.is_empty() {
        return Ok(());
    }
    let slashes = args.iter().filter(|a| a.contains('/')).count();
    if slashes > 0 && slashes != args.len() {
        return Err(combined_type_error());
    }
    if slashes > 0 {
        bail!("resource/name arguments cannot be provided when a path is specified");
    }
    bail!("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
}

/// Reads the objects `-f` names, maps each to a resource and puts it in
/// the namespace in effect, as kubectl's builder does.
pub async fn read_file_objects(
    ctx: &mut Context,
    files: &FilenameFlags,
    how: FileReading<'_>,
) -> Result<FileObjects> {
    let selector = match how.label_selector {
        Some(text) => Some(LabelSelector::parse(text).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let mut downloads = std::collections::HashMap::new();
    for url in manifest::urls(&files.filenames) {
        let body = crate::client::download::download(&url).await;
        downloads.insert(url, body);
    }
    let opts = ManifestOptions {
        filenames: &files.filenames,
        recursive: files.recursive,
        kustomize: files.kustomize.as_deref(),
        validate: false,
        downloads: Some(&downloads),
    };
    let entries = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        manifest::read(&opts, &mut lock)
    };
    let entries = match entries {
        Ok(e) => e,
        Err(mut errors) if errors.0.len() == 1 => return Err(anyhow!(errors.0.remove(0))),
        Err(errors) => return Err(CliError::Many(errors.0).into()),
    };
    let conn = ctx.connection().await?;
    let mut discovery = ctx.discovery().await?;
    let mut refreshed = false;
    let mut out = FileObjects::default();
    for entry in entries {
        let m = match entry {
            Entry::Error(e) => {
                out.reading.push(anyhow!(e));
                continue;
            }
            Entry::Unreachable { text, message } => {
                out.reading.push(WordedError { text, message }.into());
                continue;
            }
            Entry::Object(m) => m,
        };
        let mut mapping = mapping_for(&discovery, &m.object);
        if mapping.is_none() && !refreshed {
            refreshed = true;
            if let Some(fresh) = ctx.refresh_discovery().await? {
                discovery = fresh;
                mapping = mapping_for(&discovery, &m.object);
            }
        }
        let mapping = match mapping {
            Some(mapping) if !how.typed || compiled_in(&mapping.group) => mapping,
            _ if how.typed => {
                out.reading.push(anyhow!(scheme_error(&m)));
                continue;
            }
            _ => {
                out.reading.push(anyhow!(mapping_error(&m)));
                continue;
            }
        };
        if let Some(selector) = &selector {
            let labels = m
                .object
                .get("metadata")
                .and_then(|meta| meta.get("labels"))
                .and_then(Value::as_object);
            if !selector.matches(labels) {
                continue;
            }
        }
        out.items.push(place_in_namespace(
            m,
            mapping,
            &conn.namespace,
            conn.explicit_namespace,
        ));
    }
    Ok(out)
}

/// One object read by a local builder: no server mapping, so it keeps the
/// namespace its manifest gives (none when it gives none), as kubectl's
/// `Local()` builder leaves it.
#[derive(Debug, Clone)]
pub struct LocalObject {
    pub source: String,
    pub object: Value,
}

/// Reads `-f` as kubectl's local, typed builder does (`auth reconcile`):
/// nothing is asked of the server; kinds outside kubectl's scheme are
/// reading errors.
pub async fn read_local_objects(
    files: &FilenameFlags,
) -> Result<(Vec<LocalObject>, Vec<anyhow::Error>)> {
    let mut downloads = std::collections::HashMap::new();
    for url in manifest::urls(&files.filenames) {
        let body = crate::client::download::download(&url).await;
        downloads.insert(url, body);
    }
    let opts = ManifestOptions {
        filenames: &files.filenames,
        recursive: files.recursive,
        kustomize: files.kustomize.as_deref(),
        validate: false,
        downloads: Some(&downloads),
    };
    let entries = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        manifest::read(&opts, &mut lock)
    };
    let entries = match entries {
        Ok(e) => e,
        Err(mut errors) if errors.0.len() == 1 => return Err(anyhow!(errors.0.remove(0))),
        Err(errors) => return Err(CliError::Many(errors.0).into()),
    };
    let mut objects = Vec::new();
    let mut reading = Vec::new();
    for entry in entries {
        match entry {
            Entry::Error(e) => reading.push(anyhow!(e)),
            Entry::Unreachable { text, message } => {
                reading.push(WordedError { text, message }.into())
            }
            Entry::Object(m) => {
                let (api_version, _) = type_meta(&m);
                let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
                if compiled_in(group) {
                    objects.push(LocalObject {
                        source: m.source,
                        object: Value::Object(m.object),
                    });
                } else {
                    reading.push(anyhow!(scheme_error(&m)));
                }
            }
        }
    }
    Ok((objects, reading))
}

/// The resource for an object's `apiVersion` and `kind`.
fn mapping_for(discovery: &Discovery, obj: &Map<String, Value>) -> Option<Mapping> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let mapping = discovery.resolve_kind(api_version, kind)?;
    let version = api_version.rsplit('/').next().unwrap_or("");
    (mapping.version == version).then_some(mapping)
}

/// Groups whose kinds kubectl's scheme knows (custom resources it does not).
fn compiled_in(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

fn type_meta(m: &Manifest) -> (&str, &str) {
    let api_version = m
        .object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = m.object.get("kind").and_then(Value::as_str).unwrap_or("");
    (api_version, kind)
}

/// A typed decoder's error for a kind outside kubectl's scheme.
fn scheme_error(m: &Manifest) -> String {
    let (api_version, kind) = type_meta(m);
    format!(
        "unable to decode {}: no kind {} is registered for version {} in scheme \"pkg/scheme/scheme.go:28\"",
        go_quote(&m.source),
        go_quote(kind),
        go_quote(api_version)
    )
}

/// kubectl's message for an object whose kind the server does not serve.
fn mapping_error(m: &Manifest) -> String {
    let (api_version, kind) = type_meta(m);
    let no_match = match api_version.split_once('/') {
        Some((group, "")) => format!(
            "no matches for kind {} in group {}",
            go_quote(kind),
            go_quote(group)
        ),
        _ => format!(
            "no matches for kind {} in version {}",
            go_quote(kind),
            go_quote(api_version)
        ),
    };
    if m.from_list {
        return format!("unable to recognize {no_match}");
    }
    let field = |k: &str| {
        m.object
            .get("metadata")
            .and_then(|meta| meta.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    format!(
        "resource mapping not found for name: {} namespace: {} from {}: {no_match}\nensure CRDs are installed first",
        go_quote(&field("name")),
        go_quote(&field("namespace")),
        go_quote(&m.source)
    )
}

/// The default namespace for objects without one, none for cluster-scoped
/// kinds, and an error when an object's differs from an explicit `-n`.
fn place_in_namespace(
    m: Manifest,
    mapping: Mapping,
    namespace: &str,
    enforce: bool,
) -> Result<Info, anyhow::Error> {
    let mut object = m.object;
    let current = object
        .get("metadata")
        .and_then(|meta| meta.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let ns = if !mapping.namespaced {
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("namespace");
        }
        None
    } else if current.is_empty() {
        let meta = object
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("namespace".into(), Value::String(namespace.to_string()));
        }
        Some(namespace.to_string())
    } else if enforce && current != namespace {
        bail!(
            "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={current}' to perform this operation.",
            go_quote(&current),
            go_quote(namespace)
        );
    } else {
        Some(current)
    };
    Ok(Info::from_object(mapping, Value::Object(object), ns))
}

/// The items of a list response, each given the `apiVersion` and `kind`
/// the list implies (list items arrive without them).
pub fn list_items(list: Value) -> Vec<Value> {
    let Value::Object(mut list) = list else {
        return Vec::new();
    };
    let api_version = list.get("apiVersion").cloned().unwrap_or(Value::Null);
    let kind = list
        .get("kind")
        .and_then(Value::as_str)
        .map(|k| k.strip_suffix("List").unwrap_or(k).to_string());
    let Some(Value::Array(items)) = list.remove("items") else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(map) => {
                let mut with_type = Map::with_capacity(map.len() + 2);
                if !map.contains_key("apiVersion") {
                    with_type.insert("apiVersion".into(), api_version.clone());
                }
                if let (Some(k), false) = (&kind, map.contains_key("kind")) {
                    with_type.insert("kind".into(), Value::String(k.clone()));
                }
                with_type.extend(map);
                Value::Object(with_type)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_get_their_type() {
        let items = list_items(json!({
            "kind": "DeploymentList", "apiVersion": "apps/v1",
            "items": [{"metadata": {"name": "a"}}]
        }));
        assert_eq!(
            items,
            vec![json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}})]
        );
    }
}

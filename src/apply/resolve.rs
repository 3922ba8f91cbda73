//! Objects read from files, as apply and diff take them: the resource
//! each one's `apiVersion` and `kind` name, and its namespace.

use serde_json::{Map, Value};

use super::Info;
use crate::flags::go_values::go_quote;
use crate::resource::manifest::Manifest;
use crate::resource::{Discovery, Mapping};

/// The resource for an object's `apiVersion` and `kind`: that exact version
/// when one is given, else the group's versions in preference order.
pub fn resolve_mapping(discovery: &Discovery, obj: &Map<String, Value>) -> Option<Mapping> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    if version.is_empty() {
        let g = discovery.groups.iter().find(|g| g.name == group)?;
        let mut versions = vec![g.preferred_version.clone()];
        versions.extend(g.versions.iter().cloned());
        return versions
            .iter()
            .find_map(|v| exact_kind(discovery, group, v, kind));
    }
    exact_kind(discovery, group, version, kind)
}

/// The resource serving `kind` in exactly this group and version.
pub fn exact_kind(
    discovery: &Discovery,
    group: &str,
    version: &str,
    kind: &str,
) -> Option<Mapping> {
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    discovery
        .resources_for(group, version)
        .iter()
        .any(|r| r.kind == kind && !r.name.contains('/'))
        .then(|| discovery.resolve_kind(&api_version, kind))
        .flatten()
        .filter(|m| m.version == version && m.group == group)
}

pub use crate::resource::infos::mapping_error;

/// Puts the namespace on an object as kubectl's builder does: the default
/// one when it has none, none at all for cluster-scoped kinds, and an error
/// when it differs from an explicit `-n`.
pub fn to_info(
    m: Manifest,
    mapping: Mapping,
    namespace: &str,
    enforce: bool,
) -> Result<Info, String> {
    let mut object = m.object;
    let meta_str = |o: &Map<String, Value>, k: &str| {
        o.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let name = meta_str(&object, "name");
    let mut ns = meta_str(&object, "namespace");
    if mapping.namespaced {
        if ns.is_empty() {
            ns = namespace.to_string();
            let meta = object
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if !meta.is_object() {
                *meta = Value::Object(Map::new());
            }
            if let Some(meta) = meta.as_object_mut() {
                meta.insert("namespace".into(), Value::String(ns.clone()));
            }
        } else if enforce && ns != namespace {
            return Err(format!(
                "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={ns}' to perform this operation.",
                go_quote(&ns),
                go_quote(namespace)
            ));
        }
    } else {
        ns.clear();
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("namespace");
        }
    }
    Ok(Info {
        source: m.source,
        mapping,
        namespace: ns,
        name,
        object,
    })
}

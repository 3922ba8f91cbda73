//! The objects a selection names, fetched the way kubectl's resource
//! builder visits them with `ContinueOnError`: named objects one GET each,
//! selections one list per type; failures are collected, not fatal.

use serde_json::{Map, Value};

use super::builder::Plan;
use super::fetch::{get_object, ListQuery, Pager};
use super::mapper::Mapping;
use crate::client::{parse_json, ApiClient, ACCEPT_JSON};

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

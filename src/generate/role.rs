//! The Role and ClusterRole `create role|clusterrole` build: one rule per
//! API group from `--verb`, `--resource` and `--resource-name`, plus a rule
//! for `--non-resource-url`, or a ClusterRole aggregated by label.
//!
//! Resource names are resolved by the caller (the server's discovery);
//! these functions take the resolutions in the order of the resources.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::object_meta;

/// The verbs kubectl knows for resources (others only warn).
pub const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];

/// The verbs allowed on non-resource URLs.
pub const NON_RESOURCE_VERBS: &[&str] = &[
    "*", "get", "post", "put", "delete", "patch", "head", "options",
];

/// Verbs that only apply to some resources, as `(group, resource)`.
fn special_verb_resources(verb: &str) -> Option<&'static [(&'static str, &'static str)]> {
    Some(match verb {
        "use" => &[
            ("policy", "podsecuritypolicies"),
            ("extensions", "podsecuritypolicies"),
        ],
        "bind" | "escalate" => &[
            ("rbac.authorization.k8s.io", "roles"),
            ("rbac.authorization.k8s.io", "clusterroles"),
        ],
        "impersonate" => &[
            ("", "users"),
            ("", "serviceaccounts"),
            ("", "groups"),
            ("authentication.k8s.io", "userextras"),
        ],
        _ => return None,
    })
}

/// One `--resource` value: `resource[.group][/subresource]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceArg {
    pub group: String,
    pub resource: String,
    pub subresource: String,
}

impl ResourceArg {
    /// Whether the server needs to resolve this resource.
    pub fn needs_mapping(&self) -> bool {
        self.resource != "*"
    }
}

/// What the server made of a resource: its group and plural name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResource {
    pub group: String,
    pub resource: String,
}

/// Why a role cannot be built: a message, or the resolution error of the
/// resource at this index (the caller words it).
#[derive(Debug, PartialEq, Eq)]
pub enum RoleError {
    Message(String),
    Mapping(usize),
}

/// The resources as kubectl's `Complete` reads them: a plain `*` stands
/// for every resource and replaces all others.
pub fn parse_resources(values: &[String]) -> Vec<ResourceArg> {
    let mut out = Vec::new();
    for value in values {
        let (head, subresource) = match value.split_once('/') {
            Some((h, s)) => (h, s.to_string()),
            None => (value.as_str(), String::new()),
        };
        let (resource, group) = match head.split_once('.') {
            Some((r, g)) => (r.to_string(), g.to_string()),
            None => (head.to_string(), String::new()),
        };
        let plain_star = resource == "*" && !head.contains('.') && !value.contains('/');
        let arg = ResourceArg {
            group,
            resource,
            subresource,
        };
        if plain_star {
            return vec![arg];
        }
        out.push(arg);
    }
    out
}

/// The verbs without repeats; `*` alone when it appears.
pub fn distinct_verbs(verbs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for verb in verbs {
        if verb == "*" {
            return vec!["*".to_string()];
        }
        if !out.contains(verb) {
            out.push(verb.clone());
        }
    }
    out
}

/// Values without repeats, in order.
pub fn distinct(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// kubectl's `Warning: 'x' is not a standard resource verb` lines.
pub fn verb_warnings(verbs: &[String]) -> Vec<String> {
    verbs
        .iter()
        .filter(|v| !RESOURCE_VERBS.contains(&v.as_str()))
        .map(|v| format!("Warning: '{v}' is not a standard resource verb"))
        .collect()
}

/// kubectl's `validateResource`: special verbs only on their resources, and
/// every resource known to the server (checking stops at a `*`).
pub fn validate_resources(
    verbs: &[String],
    resources: &[ResourceArg],
    mapped: &[Option<GroupResource>],
) -> Result<(), RoleError> {
    for (i, r) in resources.iter().enumerate() {
        if r.resource.is_empty() {
            return Err(RoleError::Message(
                "resource must be specified if apiGroup/subresource specified".into(),
            ));
        }
        if r.resource == "*" {
            return Ok(());
        }
        let found = mapped.get(i).cloned().flatten();
        let target = found.clone().unwrap_or_else(|| GroupResource {
            group: r.group.clone(),
            resource: r.resource.clone(),
        });
        let mut missing = found.is_none();
        for verb in verbs {
            if let Some(allowed) = special_verb_resources(verb) {
                if !allowed
                    .iter()
                    .any(|(g, res)| *g == target.group && *res == target.resource)
                {
                    return Err(RoleError::Message(format!(
                        "can not perform '{verb}' on '{}' in group '{}'",
                        target.resource, target.group
                    )));
                }
                missing = false;
            }
        }
        if missing {
            return Err(RoleError::Mapping(i));
        }
    }
    Ok(())
}

/// The rules: one per API group (sorted) with its resources in order, then
/// one for the non-resource URLs.
pub fn policy_rules(
    verbs: &[String],
    resources: &[ResourceArg],
    mapped: &[Option<GroupResource>],
    resource_names: &[String],
    non_resource_urls: &[String],
) -> Vec<Value> {
    let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        let mut target = mapped
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_else(|| GroupResource {
                group: r.group.clone(),
                resource: r.resource.clone(),
            });
        if !r.subresource.is_empty() {
            target.resource = format!("{}/{}", target.resource, r.subresource);
        }
        let list = by_group.entry(target.group).or_default();
        if !list.contains(&target.resource) {
            list.push(target.resource);
        }
    }
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(group, resources)| {
            let mut rule = Map::new();
            rule.insert("verbs".into(), json!(verbs));
            rule.insert("apiGroups".into(), json!([group]));
            rule.insert("resources".into(), json!(resources));
            if !resource_names.is_empty() {
                rule.insert("resourceNames".into(), json!(resource_names));
            }
            Value::Object(rule)
        })
        .collect();
    if !non_resource_urls.is_empty() {
        rules.push(json!({ "verbs": verbs, "nonResourceURLs": non_resource_urls }));
    }
    rules
}

/// A Role with its rules.
pub fn role(name: &str, namespace: Option<&str>, rules: Vec<Value>) -> Value {
    json!({
        "kind": "Role",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": object_meta(name, namespace, &BTreeMap::new(), &BTreeMap::new()),
        "rules": rules,
    })
}

/// What `create clusterrole` checks beyond the role's checks.
pub struct ClusterRoleFlags<'a> {
    pub verbs: &'a [String],
    pub resources: &'a [ResourceArg],
    pub resource_names: &'a [String],
    pub non_resource_urls: &'a [String],
    pub aggregation_rule: &'a BTreeMap<String, String>,
}

impl ClusterRoleFlags<'_> {
    /// kubectl's `Validate` for cluster roles (after the name check);
    /// `resource_checks` runs the resource validation when resources were
    /// given. Returns the verb warnings to print.
    pub fn validate(
        &self,
        warn: &mut dyn FnMut(String),
        resource_checks: &mut dyn FnMut() -> Result<(), RoleError>,
    ) -> Result<(), RoleError> {
        let message = |m: &str| Err(RoleError::Message(m.to_string()));
        if !self.aggregation_rule.is_empty() {
            if !self.non_resource_urls.is_empty()
                || !self.verbs.is_empty()
                || !self.resources.is_empty()
                || !self.resource_names.is_empty()
            {
                return message("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames");
            }
            return Ok(());
        }
        if self.verbs.is_empty() {
            return message("at least one verb must be specified");
        }
        if self.resources.is_empty() && self.non_resource_urls.is_empty() {
            return message("one of resource or nonResourceURL must be specified");
        }
        if !self.resources.is_empty() {
            verb_warnings(self.verbs).into_iter().for_each(&mut *warn);
            resource_checks()?;
        }
        if !self.non_resource_urls.is_empty() {
            if let Some(verb) = self
                .verbs
                .iter()
                .find(|v| !NON_RESOURCE_VERBS.contains(&v.as_str()))
            {
                return Err(RoleError::Message(format!(
                    "invalid verb: '{verb}' for nonResourceURL"
                )));
            }
            for url in self.non_resource_urls {
                if url == "*" {
                    continue;
                }
                if !url.starts_with('/') {
                    return message("nonResourceURL should start with /");
                }
                if url[..url.len() - 1].contains('*') {
                    return message(
                        "nonResourceURL only supports wildcard matches when '*' is at the end",
                    );
                }
            }
        }
        Ok(())
    }
}

/// A ClusterRole: rules, or (with an aggregation rule) `rules: null` and
/// the label selector that gathers other roles.
pub fn cluster_role(
    name: &str,
    rules: Option<Vec<Value>>,
    aggregation_rule: &BTreeMap<String, String>,
) -> Value {
    let mut obj = Map::new();
    obj.insert("kind".into(), "ClusterRole".into());
    obj.insert("apiVersion".into(), "rbac.authorization.k8s.io/v1".into());
    obj.insert(
        "metadata".into(),
        object_meta(name, None, &BTreeMap::new(), &BTreeMap::new()),
    );
    match rules {
        Some(rules) => {
            obj.insert("rules".into(), Value::Array(rules));
        }
        None => {
            obj.insert("rules".into(), Value::Null);
            obj.insert(
                "aggregationRule".into(),
                json!({ "clusterRoleSelectors": [{ "matchLabels": super::string_map(aggregation_rule) }] }),
            );
        }
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn resources_as_complete_reads_them() {
        let parsed = parse_resources(&strings(&["rs.apps", "pods/status", "a.b.c/d/e"]));
        assert_eq!(
            parsed[2],
            ResourceArg {
                group: "b.c".into(),
                resource: "a".into(),
                subresource: "d/e".into()
            }
        );
        assert_eq!(parse_resources(&strings(&["pods", "*", "x"])).len(), 1);
        assert_eq!(parse_resources(&strings(&["*.apps", "x"])).len(), 2);
        assert_eq!(
            distinct_verbs(&strings(&["get", "get", "*", "list"])),
            ["*"]
        );
    }

    #[test]
    fn special_verbs_and_unknown_resources() {
        let verbs = strings(&["use"]);
        let resources = parse_resources(&strings(&["pods"]));
        let mapped = [Some(GroupResource {
            group: "".into(),
            resource: "pods".into(),
        })];
        assert_eq!(
            validate_resources(&verbs, &resources, &mapped),
            Err(RoleError::Message(
                "can not perform 'use' on 'pods' in group ''".into()
            ))
        );
        let resources = parse_resources(&strings(&["podsecuritypolicies.policy"]));
        assert_eq!(validate_resources(&verbs, &resources, &[None]), Ok(()));
        assert_eq!(
            validate_resources(&strings(&["get"]), &resources, &[None]),
            Err(RoleError::Mapping(0))
        );
    }

    #[test]
    fn rules_grouped_and_sorted() {
        let resources = parse_resources(&strings(&["deploy.apps/scale", "pods", "po"]));
        let pods = Some(GroupResource {
            group: "".into(),
            resource: "pods".into(),
        });
        let mapped = [
            Some(GroupResource {
                group: "apps".into(),
                resource: "deployments".into(),
            }),
            pods.clone(),
            pods,
        ];
        let rules = policy_rules(
            &strings(&["get"]),
            &resources,
            &mapped,
            &[],
            &strings(&["/x"]),
        );
        assert_eq!(
            crate::printers::json::to_string_compact(&Value::Array(rules)),
            r#"[{"verbs":["get"],"apiGroups":[""],"resources":["pods"]},{"verbs":["get"],"apiGroups":["apps"],"resources":["deployments/scale"]},{"verbs":["get"],"nonResourceURLs":["/x"]}]"#
        );
    }
}

//! RBAC policy rules: one verb/resource/name tuple each after a breakdown,
//! merged per resource by `compact`, compared by `covers` (does one set of
//! rules allow everything another does?), and printed the ways kubectl
//! prints them (its sort key, `%+v`, `resource.group/subresource`).

use serde_json::{json, Map, Value};

/// `rbac/v1 PolicyRule` (also what a rules review returns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// `[a b]`: Go's `%v` of a string slice.
fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

impl PolicyRule {
    pub fn from_json(v: &Value) -> PolicyRule {
        PolicyRule {
            verbs: strings(v, "verbs"),
            api_groups: strings(v, "apiGroups"),
            resources: strings(v, "resources"),
            resource_names: strings(v, "resourceNames"),
            non_resource_urls: strings(v, "nonResourceURLs"),
        }
    }

    /// The rules of an object's `rules` field.
    pub fn list_from_json(v: Option<&Value>) -> Vec<PolicyRule> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().map(PolicyRule::from_json).collect())
            .unwrap_or_default()
    }

    /// The rule as the API writes it (empty lists left out).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (key, list) in [
            ("verbs", &self.verbs),
            ("apiGroups", &self.api_groups),
            ("resources", &self.resources),
            ("resourceNames", &self.resource_names),
            ("nonResourceURLs", &self.non_resource_urls),
        ] {
            // verbs has no omitempty in the API type.
            if !list.is_empty() || key == "verbs" {
                m.insert(key.into(), json!(list));
            }
        }
        Value::Object(m)
    }

    /// One rule per group, resource, verb and name (and per non-resource
    /// URL and verb), in that nesting order.
    pub fn breakdown(&self) -> Vec<PolicyRule> {
        let one = |s: &String| vec![s.clone()];
        let mut out = Vec::new();
        for group in &self.api_groups {
            for resource in &self.resources {
                for verb in &self.verbs {
                    let base = PolicyRule {
                        verbs: one(verb),
                        api_groups: one(group),
                        resources: one(resource),
                        ..Default::default()
                    };
                    if self.resource_names.is_empty() {
                        out.push(base);
                    } else {
                        for name in &self.resource_names {
                            out.push(PolicyRule {
                                resource_names: one(name),
                                ..base.clone()
                            });
                        }
                    }
                }
            }
        }
        for url in &self.non_resource_urls {
            for verb in &self.verbs {
                out.push(PolicyRule {
                    verbs: one(verb),
                    non_resource_urls: one(url),
                    ..Default::default()
                });
            }
        }
        out
    }

    /// The generated `String()` of the Go type, which kubectl sorts by.
    pub fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_slice(&self.verbs),
            go_slice(&self.api_groups),
            go_slice(&self.resources),
            go_slice(&self.resource_names),
            go_slice(&self.non_resource_urls)
        )
    }

    /// Go's `%+v` of the struct value.
    pub fn go_fields(&self) -> String {
        format!(
            "{{Verbs:{} APIGroups:{} Resources:{} ResourceNames:{} NonResourceURLs:{}}}",
            go_slice(&self.verbs),
            go_slice(&self.api_groups),
            go_slice(&self.resources),
            go_slice(&self.resource_names),
            go_slice(&self.non_resource_urls)
        )
    }

    /// `resource.group[/subresource]` of the first resource and group.
    pub fn resource_and_group(&self) -> String {
        let Some(first) = self.resources.first() else {
            return String::new();
        };
        let (resource, sub) = match first.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (first.as_str(), None),
        };
        let mut out = resource.to_string();
        if let Some(group) = self.api_groups.first().filter(|g| !g.is_empty()) {
            out.push('.');
            out.push_str(group);
        }
        if let Some(sub) = sub {
            out.push('/');
            out.push_str(sub);
        }
        out
    }

    /// The columns of kubectl's rule tables (describe, can-i --list):
    /// resources, non-resource URLs, resource names, verbs.
    pub fn table_cells(&self) -> [String; 4] {
        [
            self.resource_and_group(),
            go_slice(&self.non_resource_urls),
            go_slice(&self.resource_names),
            go_slice(&self.verbs),
        ]
    }
}

/// Rules broken down, compacted and sorted as kubectl lists them.
pub fn for_display(rules: &[PolicyRule]) -> Vec<PolicyRule> {
    let broken: Vec<PolicyRule> = rules.iter().flat_map(PolicyRule::breakdown).collect();
    let mut rules = compact(broken);
    rules.sort_by_cached_key(PolicyRule::go_string);
    rules
}

/// Rules of one group and resource (and at most one name) merged into one
/// with all their verbs; the others kept as they are, first.
pub fn compact(rules: Vec<PolicyRule>) -> Vec<PolicyRule> {
    let mut others = Vec::new();
    let mut simple: Vec<PolicyRule> = Vec::new();
    for rule in rules {
        let is_simple = rule.resource_names.len() <= 1
            && rule.non_resource_urls.is_empty()
            && rule.api_groups.len() == 1
            && rule.resources.len() == 1;
        if !is_simple {
            others.push(rule);
            continue;
        }
        let same = simple.iter_mut().find(|s| {
            s.api_groups == rule.api_groups
                && s.resources == rule.resources
                && s.resource_names == rule.resource_names
        });
        match same {
            Some(existing) => {
                for verb in rule.verbs {
                    if !existing.verbs.contains(&verb) {
                        existing.verbs.push(verb);
                    }
                }
            }
            None => simple.push(rule),
        }
    }
    others.extend(simple);
    others
}

/// The broken-down rules of `servant` that no rule of `owner` allows
/// (empty: `owner` covers `servant`).
pub fn uncovered(owner: &[PolicyRule], servant: &[PolicyRule]) -> Vec<PolicyRule> {
    servant
        .iter()
        .flat_map(PolicyRule::breakdown)
        .filter(|sub| !owner.iter().any(|o| rule_covers(o, sub)))
        .collect()
}

fn has(set: &[String], item: &str) -> bool {
    set.iter().any(|s| s == item)
}

fn has_all(set: &[String], items: &[String]) -> bool {
    items.iter().all(|i| has(set, i))
}

fn resources_cover(owner: &[String], wanted: &[String]) -> bool {
    if has(owner, "*") || has_all(owner, wanted) {
        return true;
    }
    wanted.iter().all(|path| {
        has(owner, path)
            || path
                .split_once('/')
                .is_some_and(|(_, sub)| has(owner, &format!("*/{sub}")))
    })
}

fn url_covers(owner: &str, path: &str) -> bool {
    owner == path
        || owner
            .strip_suffix('*')
            .is_some_and(|_| path.starts_with(owner.trim_end_matches('*')))
}

/// Whether `owner` allows everything the broken-down rule `sub` does.
fn rule_covers(owner: &PolicyRule, sub: &PolicyRule) -> bool {
    let verbs = has(&owner.verbs, "*") || has_all(&owner.verbs, &sub.verbs);
    let groups = has(&owner.api_groups, "*") || has_all(&owner.api_groups, &sub.api_groups);
    let resources = resources_cover(&owner.resources, &sub.resources);
    let urls = sub
        .non_resource_urls
        .iter()
        .all(|p| owner.non_resource_urls.iter().any(|o| url_covers(o, p)));
    let names = owner.resource_names.is_empty()
        || (!sub.resource_names.is_empty() && has_all(&owner.resource_names, &sub.resource_names));
    verbs && groups && resources && names && urls
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v: Value) -> PolicyRule {
        PolicyRule::from_json(&v)
    }

    #[test]
    fn rules_broken_down_merged_and_sorted() {
        let rules = [
            rule(
                json!({"verbs": ["get", "list"], "apiGroups": ["", "apps"], "resources": ["pods"]}),
            ),
            rule(json!({"verbs": ["watch", "get"], "apiGroups": [""], "resources": ["pods"]})),
            rule(json!({"verbs": ["get"], "nonResourceURLs": ["/a", "/b"]})),
        ];
        let rows: Vec<[String; 4]> = for_display(&rules)
            .iter()
            .map(|r| r.table_cells())
            .collect();
        let row = |a: &str, b: &str, c: &str, d: &str| [a, b, c, d].map(String::from);
        assert_eq!(
            rows,
            vec![
                row("pods", "[]", "[]", "[get list watch]"),
                row("pods.apps", "[]", "[]", "[get list]"),
                row("", "[/a]", "[]", "[get]"),
                row("", "[/b]", "[]", "[get]"),
            ]
        );
    }

    #[test]
    fn coverage() {
        let owner = [
            rule(
                json!({"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods", "*/log"]}),
            ),
            rule(
                json!({"verbs": ["*"], "apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["a"]}),
            ),
            rule(json!({"verbs": ["get"], "nonResourceURLs": ["/api/*"]})),
        ];
        let servant = [
            rule(
                json!({"verbs": ["get", "watch"], "apiGroups": [""], "resources": ["pods", "services/log"]}),
            ),
            rule(
                json!({"verbs": ["delete"], "apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["a", "b"]}),
            ),
            rule(json!({"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"]})),
            rule(json!({"verbs": ["get", "post"], "nonResourceURLs": ["/api/v1", "/apis"]})),
        ];
        let missing: Vec<String> = uncovered(&owner, &servant)
            .iter()
            .map(PolicyRule::go_fields)
            .collect();
        assert_eq!(
            missing,
            vec![
                "{Verbs:[watch] APIGroups:[] Resources:[pods] ResourceNames:[] NonResourceURLs:[]}",
                "{Verbs:[watch] APIGroups:[] Resources:[services/log] ResourceNames:[] NonResourceURLs:[]}",
                "{Verbs:[delete] APIGroups:[apps] Resources:[deployments] ResourceNames:[b] NonResourceURLs:[]}",
                "{Verbs:[get] APIGroups:[apps] Resources:[deployments] ResourceNames:[] NonResourceURLs:[]}",
                "{Verbs:[post] APIGroups:[] Resources:[] ResourceNames:[] NonResourceURLs:[/api/v1]}",
                "{Verbs:[get] APIGroups:[] Resources:[] ResourceNames:[] NonResourceURLs:[/apis]}",
                "{Verbs:[post] APIGroups:[] Resources:[] ResourceNames:[] NonResourceURLs:[/apis]}",
            ]
        );
    }
}

//! Roles and ClusterRoles (rules broken down to one verb each, then
//! compacted per resource), RoleBindings and ClusterRoleBindings.

use serde_json::Value;

use super::format::{annotations_multiline, go_slice, labels_multiline};
use super::json::{arr, name, s, string_map, strings};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};

#[derive(Debug, Clone, Default, PartialEq)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

impl Rule {
    /// The generated `PolicyRule.String()`, which kubectl sorts by.
    fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_slice(&self.verbs),
            go_slice(&self.groups),
            go_slice(&self.resources),
            go_slice(&self.names),
            go_slice(&self.urls)
        )
    }
}

/// `BreakdownRule`: one verb, resource and name per rule.
fn breakdown(rule: &Value) -> Vec<Rule> {
    let verbs = strings(rule, &["verbs"]);
    let names = strings(rule, &["resourceNames"]);
    let mut out = Vec::new();
    for group in strings(rule, &["apiGroups"]) {
        for resource in strings(rule, &["resources"]) {
            for verb in &verbs {
                let one = |names: Vec<String>| Rule {
                    verbs: vec![verb.clone()],
                    groups: vec![group.clone()],
                    resources: vec![resource.clone()],
                    names,
                    urls: vec![],
                };
                if names.is_empty() {
                    out.push(one(vec![]));
                } else {
                    for n in &names {
                        out.push(one(vec![n.clone()]));
                    }
                }
            }
        }
    }
    for url in strings(rule, &["nonResourceURLs"]) {
        for verb in &verbs {
            out.push(Rule {
                verbs: vec![verb.clone()],
                urls: vec![url.clone()],
                ..Default::default()
            });
        }
    }
    out
}

/// `CompactRules`: rules of one group, resource and name merge their verbs.
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    for rule in rules {
        let is_simple = rule.names.len() <= 1
            && rule.urls.is_empty()
            && rule.groups.len() == 1
            && rule.resources.len() == 1;
        if !is_simple {
            out.push(rule);
            continue;
        }
        match simple.iter_mut().find(|r| {
            r.groups == rule.groups && r.resources == rule.resources && r.names == rule.names
        }) {
            Some(existing) => {
                for v in rule.verbs {
                    if !existing.verbs.contains(&v) {
                        existing.verbs.push(v);
                    }
                }
            }
            None => simple.push(rule),
        }
    }
    out.extend(simple);
    out
}

/// `CombineResourceGroup`: `resource.group/subresource`.
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (resource, sub) = match first.split_once('/') {
        Some((r, sub)) => (r, Some(sub)),
        None => (first.as_str(), None),
    };
    let mut out = resource.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(sub) = sub {
        out.push('/');
        out.push_str(sub);
    }
    out
}

pub fn describe_role(role: &Value) -> String {
    let mut rules: Vec<Rule> = Vec::new();
    for r in arr(role, &["rules"]) {
        rules.extend(breakdown(r));
    }
    let mut rules = compact(rules);
    rules.sort_by_key(|r| r.go_string());
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(role)));
    labels_multiline(&mut w, "Labels", &string_map(role, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(role, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, "PolicyRule:\n");
    w.write(
        LEVEL_1,
        "Resources\tNon-Resource URLs\tResource Names\tVerbs\n",
    );
    w.write(
        LEVEL_1,
        "---------\t-----------------\t--------------\t-----\n",
    );
    for r in &rules {
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\t{}\n",
                combine_resource_group(&r.resources, &r.groups),
                go_slice(&r.urls),
                go_slice(&r.names),
                go_slice(&r.verbs)
            ),
        );
    }
    w.finish()
}

pub fn describe_binding(binding: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(binding)));
    labels_multiline(
        &mut w,
        "Labels",
        &string_map(binding, &["metadata", "labels"]),
    );
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(binding, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, "Role:\n");
    w.write(
        LEVEL_1,
        &format!("Kind:\t{}\n", s(binding, &["roleRef", "kind"])),
    );
    w.write(
        LEVEL_1,
        &format!("Name:\t{}\n", s(binding, &["roleRef", "name"])),
    );
    w.write(LEVEL_0, "Subjects:\n");
    w.write(LEVEL_1, "Kind\tName\tNamespace\n");
    w.write(LEVEL_1, "----\t----\t---------\n");
    for subject in arr(binding, &["subjects"]) {
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\n",
                s(subject, &["kind"]),
                s(subject, &["name"]),
                s(subject, &["namespace"])
            ),
        );
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_are_broken_down_and_compacted() {
        let role = json!({"metadata": {"name": "r"}, "rules": [
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"], "resourceNames": ["a"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}
        ]});
        // kubectl 1.37.1 prints this for the same rules in a ClusterRole.
        assert_eq!(
            describe_role(&role),
            "Name:         r\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n  Resources         Non-Resource URLs  Resource Names  Verbs\n  ---------         -----------------  --------------  -----\n  pods/log          []                 []              [get list]\n  pods              []                 []              [get list]\n                    [/healthz]         []              [get]\n  deployments.apps  []                 [a]             [get]\n"
        );
    }
}

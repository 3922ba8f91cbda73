//! Roles and ClusterRoles (rules broken down to one verb each, then
//! compacted per resource), RoleBindings and ClusterRoleBindings.

use serde_json::Value;

use super::format::{annotations_multiline, labels_multiline};
use super::json::{arr, name, s, string_map};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::rbac::policy::{self, PolicyRule};

pub fn describe_role(role: &Value) -> String {
    let rules = policy::for_display(&PolicyRule::list_from_json(role.get("rules")));
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
        let [resources, urls, names, verbs] = r.table_cells();
        w.write(LEVEL_1, &format!("{resources}\t{urls}\t{names}\t{verbs}\n"));
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

//! The RoleBinding and ClusterRoleBinding `create rolebinding|
//! clusterrolebinding` build: a role reference and the users, groups and
//! service accounts it is granted to.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::object_meta;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Who a binding grants its role to.
pub struct Subjects<'a> {
    pub users: &'a [String],
    pub groups: &'a [String],
    /// `namespace:name`
    pub service_accounts: &'a [String],
}

impl Subjects<'_> {
    /// Users, then groups, then service accounts.
    fn build(&self) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        for (kind, names) in [("User", self.users), ("Group", self.groups)] {
            for name in names {
                out.push(json!({ "kind": kind, "apiGroup": RBAC_GROUP, "name": name }));
            }
        }
        for sa in self.service_accounts {
            let parts: Vec<&str> = sa.split(':').collect();
            match parts.as_slice() {
                [ns, name] if !ns.is_empty() && !name.is_empty() => {
                    out.push(json!({ "kind": "ServiceAccount", "name": name, "namespace": ns }));
                }
                _ => return Err("serviceaccount must be <namespace>:<name>".to_string()),
            }
        }
        Ok(out)
    }
}

fn binding(
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    role_kind: &str,
    role: &str,
    subjects: &Subjects,
) -> Result<Value, String> {
    let mut obj = Map::new();
    obj.insert("kind".into(), kind.into());
    obj.insert("apiVersion".into(), format!("{RBAC_GROUP}/v1").into());
    obj.insert(
        "metadata".into(),
        object_meta(name, namespace, &BTreeMap::new(), &BTreeMap::new()),
    );
    let subjects = subjects.build()?;
    if !subjects.is_empty() {
        obj.insert("subjects".into(), Value::Array(subjects));
    }
    obj.insert(
        "roleRef".into(),
        json!({ "apiGroup": RBAC_GROUP, "kind": role_kind, "name": role }),
    );
    Ok(Value::Object(obj))
}

/// A RoleBinding to a Role (`role`) or a ClusterRole (`cluster_role`).
pub fn role_binding(
    name: &str,
    namespace: Option<&str>,
    role: &str,
    cluster_role: &str,
    subjects: &Subjects,
) -> Result<Value, String> {
    let (role_kind, role_name) = if role.is_empty() {
        ("ClusterRole", cluster_role)
    } else {
        ("Role", role)
    };
    binding(
        "RoleBinding",
        name,
        namespace,
        role_kind,
        role_name,
        subjects,
    )
}

/// A ClusterRoleBinding to a ClusterRole.
pub fn cluster_role_binding(
    name: &str,
    cluster_role: &str,
    subjects: &Subjects,
) -> Result<Value, String> {
    binding(
        "ClusterRoleBinding",
        name,
        None,
        "ClusterRole",
        cluster_role,
        subjects,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_in_go_order() {
        let users = vec!["u".to_string()];
        let sas = vec!["ns:sa".to_string()];
        let b = role_binding(
            "b",
            Some("x"),
            "",
            "admin",
            &Subjects {
                users: &users,
                groups: &[],
                service_accounts: &sas,
            },
        )
        .unwrap();
        assert_eq!(
            crate::printers::json::to_string_compact(&b),
            r#"{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"b","namespace":"x"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"u"},{"kind":"ServiceAccount","name":"sa","namespace":"ns"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"}}"#
        );
        for bad in ["ns", "ns:", ":sa", "a:b:c"] {
            let sas = vec![bad.to_string()];
            let subjects = Subjects {
                users: &[],
                groups: &[],
                service_accounts: &sas,
            };
            assert_eq!(
                cluster_role_binding("b", "r", &subjects).unwrap_err(),
                "serviceaccount must be <namespace>:<name>"
            );
        }
    }
}

//! `set subject (-f FILENAME | TYPE NAME) [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]`
//!
//! Adds users, groups or service accounts to role bindings and cluster
//! role bindings.
//!
//! Examples:
//!   # Bind serviceaccount1 to cluster role binding admin
//!   kuddle set subject clusterrolebinding admin --serviceaccount=namespace:serviceaccount1
//!
//!   # Bind user1, user2 and group1 to role binding admin
//!   kuddle set subject rolebinding admin --user=user1 --user=user2 --group=group1
//!
//!   # Print the changed object from a local file, without a server
//!   kuddle create rolebinding admin --role=admin --user=admin -o yaml --dry-run=client | kuddle set subject --local -f - --user=foo -o yaml

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::{json, Value};

use super::{check_local, patch_each, typed_infos, SetCommonFlags, SetObjectFlags, Step};
use crate::context::Context;
use crate::resource::select::LOCAL_RESOURCE_ERROR;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

#[derive(Args, Debug)]
pub struct SubjectArgs {
    /// TYPE NAME… or TYPE/NAME….
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    /// Users to bind to the role: `--user NAME` (repeatable). Here `--user`
    /// is this command's own flag, not the kubeconfig user (as in kubectl).
    #[arg(long = "subject-user", value_name = "NAME", action = ArgAction::Append, hide = true)]
    pub users: Vec<String>,

    /// Groups to bind to the role (repeatable).
    #[arg(long = "group", value_name = "NAME", action = ArgAction::Append)]
    pub groups: Vec<String>,

    /// Service accounts to bind to the role, as NAMESPACE:NAME (repeatable).
    #[arg(long = "serviceaccount", value_name = "NAMESPACE:NAME", action = ArgAction::Append)]
    pub service_accounts: Vec<String>,

    #[command(flatten)]
    pub objects: SetObjectFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,
}

/// Sorted and without duplicates (Go's `sets.List`).
fn unique_sorted(values: &[String]) -> Vec<String> {
    let mut v = values.to_vec();
    v.sort();
    v.dedup();
    v
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Go's `==` on two `rbacv1.Subject` values.
fn same_subject(a: &Value, b: &Value) -> bool {
    ["kind", "apiGroup", "name", "namespace"]
        .iter()
        .all(|k| text(a, k) == text(b, k))
}

pub async fn run(ctx: &mut Context, args: SubjectArgs) -> Result<()> {
    // complete
    let mut resolved = args.common.resolve(ctx)?;
    let namespace = if args.objects.local.local {
        ctx.namespace()
            .map(|(ns, _)| ns)
            .unwrap_or_else(|_| "default".into())
    } else {
        ctx.namespace()?.0
    };
    let local = args.objects.local.local;
    if local && !args.args.is_empty() {
        return Err(anyhow!(LOCAL_RESOURCE_ERROR));
    }
    let infos = typed_infos(ctx, &args.objects.query(&args.args)).await?;
    // validate
    check_local(local, resolved.dry_run)?;
    args.objects.check_all_and_selector()?;
    if args.users.is_empty() && args.groups.is_empty() && args.service_accounts.is_empty() {
        bail!("you must specify at least one value of user, group or serviceaccount");
    }
    for sa in &args.service_accounts {
        let tokens: Vec<&str> = sa.split(':').collect();
        if tokens.len() != 2 || tokens[1].is_empty() {
            bail!("serviceaccount must be <namespace>:<name>");
        }
        let cluster_binding = infos
            .iter()
            .any(|i| i.mapping.group == RBAC_GROUP && i.mapping.kind == "ClusterRoleBinding");
        if cluster_binding && tokens[0].is_empty() {
            bail!("serviceaccount must be <namespace>:<name>, namespace must be specified");
        }
    }
    // run
    let mut subjects = Vec::new();
    for user in unique_sorted(&args.users) {
        subjects.push(json!({"kind": "User", "apiGroup": RBAC_GROUP, "name": user}));
    }
    for group in unique_sorted(&args.groups) {
        subjects.push(json!({"kind": "Group", "apiGroup": RBAC_GROUP, "name": group}));
    }
    for sa in unique_sorted(&args.service_accounts) {
        let (ns, name) = sa.split_once(':').unwrap_or(("", &sa));
        let ns = if ns.is_empty() {
            namespace.as_str()
        } else {
            ns
        };
        subjects.push(json!({"kind": "ServiceAccount", "name": name, "namespace": ns}));
    }
    let step = Step {
        operation: "subjects updated",
        failure: "failed to patch subjects to rolebinding: ",
        skip_unchanged: true,
        fail_after_write: None,
    };
    patch_each(ctx, infos, &mut resolved, local, &step, |obj, _| {
        let binding = obj.get("apiVersion").and_then(Value::as_str)
            == Some("rbac.authorization.k8s.io/v1")
            && matches!(
                obj.get("kind").and_then(Value::as_str),
                Some("RoleBinding" | "ClusterRoleBinding")
            );
        if !binding {
            bail!("setting subjects is only supported for RoleBinding/ClusterRoleBinding");
        }
        let existing: Vec<Value> = obj
            .get("subjects")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut updated = existing.clone();
        let mut transformed = false;
        for subject in &subjects {
            if !existing.iter().any(|e| same_subject(e, subject)) {
                updated.push(subject.clone());
                transformed = true;
            }
        }
        if let Some(map) = obj.as_object_mut() {
            map.insert("subjects".into(), Value::Array(updated));
        }
        Ok(transformed)
    })
    .await
}

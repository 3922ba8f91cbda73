//! `auth reconcile -f FILE`: make the cluster's roles, cluster roles and
//! their bindings allow (bind) at least what the manifest's do, merging
//! rules and subjects instead of replacing objects as apply would.

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use serde_json::{json, Value};

use crate::client::{ApiClient, ApiError};
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::generate::typed::normalize;
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::rbac::reconcile::{
    binding_to_create, reconcile_binding, reconcile_role, role_to_create, BindingResult, Operation,
    RoleResult,
};
use crate::resource::infos::{read_local_objects, FileReading};
use crate::resource::write::{self, WriteOptions};
use crate::resource::Mapping;

const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";
/// Conflicting writes are retried this many times in all, at once.
const CONFLICT_ATTEMPTS: usize = 3;

#[derive(Args, Debug)]
#[command(
    after_help = "Objects that do not exist yet are created (with their namespace, when
needed and allowed). Existing roles gain the rules they lack and existing
bindings the subjects they lack; the --remove-extra-* flags also take away
what the manifest does not have. Prefer this to apply for RBAC objects: it
compares what rules allow, not how they are written.

Examples:
  # Reconcile the RBAC objects in a file
  kuddle auth reconcile -f my-rbac-rules.yaml"
)]
pub struct ReconcileArgs {
    /// (none are accepted)
    #[arg(value_name = "ARGS", hide = true)]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    /// Also take away the rules a role has beyond the manifest's.
    #[arg(long = "remove-extra-permissions", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub remove_extra_permissions: bool,

    /// Also take away the subjects a binding has beyond the manifest's.
    #[arg(long = "remove-extra-subjects", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub remove_extra_subjects: bool,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

/// The four kinds reconcile handles.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RbacKind {
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
}

impl RbacKind {
    fn from_kind(kind: &str) -> Option<RbacKind> {
        Some(match kind {
            "Role" => RbacKind::Role,
            "ClusterRole" => RbacKind::ClusterRole,
            "RoleBinding" => RbacKind::RoleBinding,
            "ClusterRoleBinding" => RbacKind::ClusterRoleBinding,
            _ => return None,
        })
    }

    /// The resource kubectl's typed RBAC client writes this kind to.
    fn mapping(self) -> Mapping {
        let (resource, namespaced) = match self {
            RbacKind::Role => ("roles", true),
            RbacKind::ClusterRole => ("clusterroles", false),
            RbacKind::RoleBinding => ("rolebindings", true),
            RbacKind::ClusterRoleBinding => ("clusterrolebindings", false),
        };
        Mapping::builtin(
            "rbac.authorization.k8s.io",
            "v1",
            resource,
            self.type_name(),
            namespaced,
        )
    }

    fn type_name(self) -> &'static str {
        match self {
            RbacKind::Role => "Role",
            RbacKind::ClusterRole => "ClusterRole",
            RbacKind::RoleBinding => "RoleBinding",
            RbacKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }

    fn namespaced(self) -> bool {
        matches!(self, RbacKind::Role | RbacKind::RoleBinding)
    }
}

/// Why one object could not be reconciled: the server's answer, or
/// client-go's own complaint (printed as it is).
enum Failure {
    Api(ApiError),
    Plain(String),
}

impl Failure {
    fn api(&self) -> Option<&ApiError> {
        match self {
            Failure::Api(e) => Some(e),
            Failure::Plain(_) => None,
        }
    }

    fn is_not_found(&self) -> bool {
        self.api().is_some_and(ApiError::is_not_found)
    }

    fn is_conflict(&self) -> bool {
        self.api().is_some_and(ApiError::is_conflict)
    }

    fn is_already_exists(&self) -> bool {
        self.api().is_some_and(ApiError::is_already_exists)
    }

    fn into_error(self) -> anyhow::Error {
        match self {
            Failure::Api(e) => e.into(),
            Failure::Plain(text) => anyhow!(text),
        }
    }
}

/// Where one kind's objects live, and how to reach the namespaces.
struct Target<'a> {
    client: &'a ApiClient,
    kind: RbacKind,
    mapping: Mapping,
    namespaces: &'a Mapping,
    confirm: bool,
}

pub async fn run(ctx: &mut Context, args: ReconcileArgs) -> Result<()> {
    // complete
    let uses_kustomize = args
        .files
        .kustomize
        .as_deref()
        .is_some_and(|k| !k.is_empty());
    if args.files.filenames.is_empty() && !uses_kustomize {
        bail!("must specify one of -f and -k");
    }
    if !args.args.is_empty() {
        bail!("no arguments are allowed");
    }
    let dry_run = match args.dry_run.strategy(&mut ctx.err) {
        Ok(DryRun::Server) => bail!("--dry-run=server for command reconcile is not supported yet"),
        Ok(d) => d,
        Err(e) => bail!("error accessing --dry-run flag for command reconcile: {e}"),
    };
    ctx.namespace()?;
    // kubectl's local, typed builder: nothing asked of the server, kinds
    // outside its scheme are reading errors.
    let typed = FileReading {
        typed: true,
        label_selector: None,
    };
    let read = read_local_objects(&args.files, typed).await?;
    let (objects, reading) = (read.items, read.reading);
    let printer = args.print.printer(OBJECT_FORMATS)?.map(|p| p.typed());
    let conn = ctx.connection().await?;
    let namespaces = Mapping::builtin("", "v1", "namespaces", "Namespace", false);

    // run
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    let mut errors = VisitErrors::default();
    reading.into_iter().for_each(|e| errors.push_reading(e));
    for local in objects {
        let local = match local {
            Ok(local) => local,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Without a server mapping every object that names a namespace
        // counts as namespaced: an explicit -n must agree with it.
        if let Some(ns) = namespace_of(&local.object) {
            if conn.explicit_namespace && ns != conn.namespace {
                errors.push(anyhow!(
                    "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={ns}' to perform this operation.",
                    go_quote(&ns),
                    go_quote(&conn.namespace)
                ));
                continue;
            }
        }
        let api_version = local
            .object
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = local
            .object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("");
        let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let Some(rbac_kind) =
            RbacKind::from_kind(kind).filter(|_| group == "rbac.authorization.k8s.io")
        else {
            // Other kinds are skipped.
            continue;
        };
        if api_version != RBAC_V1 {
            let version = api_version.rsplit('/').next().unwrap_or("");
            errors.push(anyhow!(
                "only rbac.authorization.k8s.io/v1 is supported: not *{version}.{kind}"
            ));
            continue;
        }
        let expected = match normalize(rbac_kind.type_name(), &local.object) {
            Ok(v) => v,
            Err(e) => {
                errors.push_reading(anyhow!("unable to decode {}: {e}", go_quote(&local.source)));
                continue;
            }
        };
        let target = Target {
            client: &conn.client,
            kind: rbac_kind,
            mapping: rbac_kind.mapping(),
            namespaces: &namespaces,
            confirm: dry_run == DryRun::None,
        };
        let outcome = if matches!(rbac_kind, RbacKind::Role | RbacKind::ClusterRole) {
            let remove = args.remove_extra_permissions;
            with_conflict_retries(|| reconcile_role_on_server(&target, &expected, remove))
                .await
                .map(|r| report_role(&r, remove))
        } else {
            let remove = args.remove_extra_subjects;
            with_conflict_retries(|| reconcile_binding_on_server(&target, &expected, remove))
                .await
                .map(|r| report_binding(&r, remove))
        };
        match outcome {
            Ok((object, lines)) => {
                let object = typed_for_printing(rbac_kind, object);
                // kubectl ignores a failure to print here.
                let _ = result.print(&mut ctx.out, &object, "reconciled");
                ctx.err.write_all(lines.as_bytes())?;
            }
            Err(e) => errors.push(e),
        }
    }
    errors.into_result()
}

/// The object as kubectl's typed client holds it: in struct order, with
/// its kind and apiVersion set.
fn typed_for_printing(kind: RbacKind, object: Value) -> Value {
    let mut object = normalize(kind.type_name(), &object).unwrap_or(object);
    if let Some(m) = object.as_object_mut() {
        let mut typed = serde_json::Map::new();
        typed.insert("kind".into(), json!(kind.type_name()));
        typed.insert("apiVersion".into(), json!(RBAC_V1));
        for (k, v) in std::mem::take(m) {
            if k != "kind" && k != "apiVersion" {
                typed.insert(k, v);
            }
        }
        *m = typed;
    }
    object
}

/// Runs `attempt` again (at once) while it fails with a conflict, as
/// client-go's RetryOnConflict does with kubectl's backoff.
async fn with_conflict_retries<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(e) if e.is_conflict() && tries < CONFLICT_ATTEMPTS => continue,
            other => return other.map_err(Failure::into_error),
        }
    }
}

fn namespace_of(obj: &Value) -> Option<String> {
    obj.pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty())
        .map(String::from)
}

fn name_of(obj: &Value) -> String {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn options() -> WriteOptions {
    WriteOptions {
        field_manager: "kubectl".into(),
        field_validation: None,
        dry_run: false,
    }
}

impl Target<'_> {
    fn namespace(&self, obj: &Value) -> Option<String> {
        if self.kind.namespaced() {
            namespace_of(obj)
        } else {
            None
        }
    }

    async fn get(&self, expected: &Value) -> Result<Value, Failure> {
        let name = name_of(expected);
        if name.is_empty() {
            return Err(Failure::Plain("resource name may not be empty".into()));
        }
        let path = self
            .mapping
            .object_path(self.namespace(expected).as_deref(), &name);
        self.client.get_json(&path).await.map_err(Failure::Api)
    }

    async fn create(&self, obj: &Value) -> Result<Value, Failure> {
        let namespace = self.namespace(obj);
        if self.kind.namespaced() {
            self.ensure_namespace(namespace.as_deref().unwrap_or(""))
                .await?;
        }
        write::create(
            self.client,
            &self.mapping,
            namespace.as_deref(),
            obj,
            &options(),
        )
        .await
        .map_err(Failure::Api)
    }

    async fn update(&self, obj: &Value) -> Result<Value, Failure> {
        let namespace = self.namespace(obj);
        write::replace(
            self.client,
            &self.mapping,
            namespace.as_deref(),
            &name_of(obj),
            None,
            obj,
            &options(),
        )
        .await
        .map_err(Failure::Api)
    }

    /// Creates the namespace when it is missing, best effort: not being
    /// allowed to read or create it is no error.
    async fn ensure_namespace(&self, name: &str) -> Result<(), Failure> {
        if name.is_empty() {
            return Err(Failure::Plain("resource name may not be empty".into()));
        }
        let forbidden = |e: &ApiError| {
            e.status()
                .is_some_and(|s| s.reason == "Forbidden" || s.code == 403)
        };
        match self
            .client
            .get_json(&self.namespaces.object_path(None, name))
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if e.is_not_found() || forbidden(&e) => {}
            Err(e) => return Err(Failure::Api(e)),
        }
        let ns = json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name}, "spec": {}, "status": {}});
        match write::create(self.client, self.namespaces, None, &ns, &options()).await {
            Err(e) if !(e.is_already_exists() || forbidden(&e)) => Err(Failure::Api(e)),
            _ => Ok(()),
        }
    }
}

/// One reconciliation of a role: read, compare, write (unless dry run or
/// protected); a role that appears or disappears meanwhile starts it over.
async fn reconcile_role_on_server(
    target: &Target<'_>,
    expected: &Value,
    remove_extra: bool,
) -> Result<RoleResult, Failure> {
    for _ in 0..3 {
        let mut result = match target.get(expected).await {
            Ok(existing) => reconcile_role(&existing, expected, remove_extra),
            Err(e) if e.is_not_found() => role_to_create(expected),
            Err(e) => return Err(e),
        };
        if result.protected || !target.confirm {
            return Ok(result);
        }
        match result.operation {
            Operation::Create => match target.create(&result.role).await {
                Err(e) if e.is_already_exists() => continue,
                Err(e) => return Err(e),
                Ok(created) => result.role = created,
            },
            Operation::Update => match target.update(&result.role).await {
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e),
                Ok(updated) => result.role = updated,
            },
            _ => {}
        }
        return Ok(result);
    }
    Err(Failure::Plain("exceeded maximum attempts".into()))
}

/// One reconciliation of a binding; a different roleRef deletes the
/// binding (if it is still the one read) and creates it anew.
async fn reconcile_binding_on_server(
    target: &Target<'_>,
    expected: &Value,
    remove_extra: bool,
) -> Result<BindingResult, Failure> {
    for _ in 0..4 {
        let existing = match target.get(expected).await {
            Ok(existing) => Some(existing),
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e),
        };
        let mut result = match &existing {
            Some(existing) => reconcile_binding(existing, expected, remove_extra),
            None => binding_to_create(expected),
        };
        if result.protected || !target.confirm {
            return Ok(result);
        }
        if result.operation == Operation::Recreate {
            let existing = existing.as_ref().unwrap_or(expected);
            let uid = existing
                .pointer("/metadata/uid")
                .cloned()
                .unwrap_or(Value::Null);
            let body =
                json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": uid}});
            let ns = target.namespace(existing);
            match write::delete(
                target.client,
                &target.mapping,
                ns.as_deref(),
                &name_of(existing),
                &body,
            )
            .await
            {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) if e.is_conflict() => continue,
                Err(e) => return Err(Failure::Api(e)),
            }
        }
        match result.operation {
            Operation::Create | Operation::Recreate => match target.create(&result.binding).await {
                Err(e) if e.is_already_exists() => continue,
                Err(e) => return Err(e),
                Ok(created) => result.binding = created,
            },
            Operation::Update => match target.update(&result.binding).await {
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e),
                Ok(updated) => result.binding = updated,
            },
            Operation::None => {}
        }
        return Ok(result);
    }
    Err(Failure::Plain("exceeded maximum attempts".into()))
}

/// kubectl's account of a reconciliation on standard error.
fn operation_line(operation: Operation, protected: bool) -> String {
    if operation == Operation::None {
        return String::new();
    }
    let caveat = if protected {
        ", but object opted out (rbac.authorization.kubernetes.io/autoupdate: false)"
    } else {
        ""
    };
    format!("\treconciliation required {}{caveat}\n", operation.word())
}

fn listed(title: &str, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return String::new();
    }
    let mut out = format!("\t{title}:\n");
    for item in items {
        out.push_str(&format!("\t\t{item}\n"));
    }
    out
}

fn report_role(r: &RoleResult, remove_extra: bool) -> (Value, String) {
    let mut lines = operation_line(r.operation, r.protected);
    if r.operation != Operation::None {
        lines.push_str(&listed(
            "missing rules added",
            r.missing_rules.iter().map(|x| x.go_fields()),
        ));
        if remove_extra {
            lines.push_str(&listed(
                "extra rules removed",
                r.extra_rules.iter().map(|x| x.go_fields()),
            ));
        }
    }
    (r.role.clone(), lines)
}

fn report_binding(r: &BindingResult, remove_extra: bool) -> (Value, String) {
    let mut lines = operation_line(r.operation, r.protected);
    if r.operation != Operation::None {
        lines.push_str(&listed(
            "missing subjects added",
            r.missing_subjects.iter().map(|x| x.go_fields()),
        ));
        if remove_extra {
            lines.push_str(&listed(
                "extra subjects removed",
                r.extra_subjects.iter().map(|x| x.go_fields()),
            ));
        }
    }
    (r.binding.clone(), lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_lines() {
        assert_eq!(operation_line(Operation::None, true), "");
        assert_eq!(
            operation_line(Operation::Create, false),
            "\treconciliation required create\n"
        );
        assert_eq!(
            operation_line(Operation::Update, true),
            "\treconciliation required update, but object opted out (rbac.authorization.kubernetes.io/autoupdate: false)\n"
        );
        assert_eq!(listed("missing subjects added", std::iter::empty()), "");
    }
}

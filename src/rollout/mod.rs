//! What `rollout` knows about each workload kind (kubectl's
//! polymorphichelpers): how a rollout's status reads, where its history
//! lives (a Deployment's ReplicaSets, the ControllerRevisions of DaemonSets
//! and StatefulSets), how to roll back, and the changes pause, resume and
//! restart make. The `rollout` verb only visits objects and prints.

pub mod history;
pub mod mutate;
pub mod rollback;
pub mod status;

use crate::resource::Mapping;

/// The kinds kubectl's `apps` visitor tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Deployment,
    DaemonSet,
    StatefulSet,
    /// Kinds the visitor knows but rollout cannot work with.
    Job,
    Pod,
    ReplicaSet,
    ReplicationController,
    CronJob,
}

impl Workload {
    /// kubectl's `GroupKindElement.Accept`: None for kinds it has no
    /// visitor method for.
    pub fn of(group: &str, kind: &str) -> Option<Workload> {
        let apps_or_ext = group == "apps" || group == "extensions";
        let core = group.is_empty() || group == "core";
        Some(match kind {
            "DaemonSet" if apps_or_ext => Workload::DaemonSet,
            "Deployment" if apps_or_ext => Workload::Deployment,
            "Job" if group == "batch" => Workload::Job,
            "Pod" if core => Workload::Pod,
            "ReplicaSet" if apps_or_ext => Workload::ReplicaSet,
            "ReplicationController" if core => Workload::ReplicationController,
            "StatefulSet" if group == "apps" => Workload::StatefulSet,
            "CronJob" if group == "batch" => Workload::CronJob,
            _ => return None,
        })
    }
}

/// `schema.GroupKind.String()`: `Deployment.apps`, `ConfigMap`.
pub fn group_kind(mapping: &Mapping) -> String {
    if mapping.group.is_empty() {
        mapping.kind.clone()
    } else {
        format!("{}.{}", mapping.kind, mapping.group)
    }
}

/// Go's `%v` of a `GroupKindElement` (a struct): `{apps ReplicaSet}`.
fn group_kind_struct(mapping: &Mapping) -> String {
    format!("{{{} {}}}", mapping.group, mapping.kind)
}

/// The kind of history/rollback helper a message names.
#[derive(Debug, Clone, Copy)]
pub enum Helper {
    History,
    Rollbacker,
}

/// The workload a history viewer or rollbacker exists for, or kubectl's
/// error for the others.
pub fn helper_for(mapping: &Mapping, helper: Helper) -> anyhow::Result<Workload> {
    let (what, none) = match helper {
        Helper::History => ("history", "history viewer"),
        Helper::Rollbacker => ("rollbacker", "rollbacker"),
    };
    let gk = group_kind(mapping);
    match Workload::of(&mapping.group, &mapping.kind) {
        None => anyhow::bail!(
            "error retrieving {what} for {}, no visitor method exists for {}",
            crate::flags::go_values::go_quote(&gk),
            group_kind_struct(mapping)
        ),
        Some(w @ (Workload::Deployment | Workload::DaemonSet | Workload::StatefulSet)) => Ok(w),
        Some(_) => anyhow::bail!(
            "no {none} has been implemented for {}",
            crate::flags::go_values::go_quote(&gk)
        ),
    }
}

/// `deployments.apps "web"`: how pause, resume and restart name an object
/// in their errors.
pub fn resource_and_name(mapping: &Mapping, name: &str) -> String {
    format!(
        "{} {}",
        mapping.group_resource(),
        crate::flags::go_values::go_quote(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(group: &str, kind: &str) -> Mapping {
        Mapping {
            group: group.into(),
            version: "v1".into(),
            resource: format!("{}s", kind.to_lowercase()),
            kind: kind.into(),
            singular: kind.to_lowercase(),
            namespaced: true,
            verbs: vec![],
            short_names: vec![],
            categories: vec![],
        }
    }

    #[test]
    fn helpers_in_kubectl_words() {
        assert_eq!(
            helper_for(&mapping("", "ConfigMap"), Helper::History)
                .unwrap_err()
                .to_string(),
            "error retrieving history for \"ConfigMap\", no visitor method exists for { ConfigMap}"
        );
        assert_eq!(
            helper_for(&mapping("apps", "ReplicaSet"), Helper::Rollbacker)
                .unwrap_err()
                .to_string(),
            "no rollbacker has been implemented for \"ReplicaSet.apps\""
        );
        assert_eq!(
            helper_for(&mapping("apps", "StatefulSet"), Helper::History).unwrap(),
            Workload::StatefulSet
        );
        assert!(helper_for(&mapping("extensions", "StatefulSet"), Helper::History).is_err());
    }
}

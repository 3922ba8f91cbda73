//! Applying many objects with their writes overlapping.
//!
//! kubectl applies one object after another, so the server's latency for
//! each write sets the pace. Here up to [`WINDOW`] objects are applied at
//! once, while everything a user sees keeps kubectl's order: each object's
//! result (its line, its error) and its warnings are handed on in the
//! order of the files, once the objects before it are done.
//!
//! Overlap is only allowed where order cannot change what the server does:
//! an object that later ones may depend on (see [`stands_alone`]) is applied
//! on its own, after everything before it and before anything after it,
//! and an object named twice waits for its earlier twin.

use std::collections::VecDeque;
use std::io::Write;

use super::{is_barrier, Applied, Applier, Failure, Info};
use crate::client::Held;

/// How many objects are applied at once.
pub const WINDOW: usize = 16;

/// Objects whose presence can change how the server treats later objects
/// of the same run: cluster-scoped ones (namespaces, CRDs, priority and
/// ingress classes, webhooks…), and the namespaced kinds admission looks
/// up when later objects are written (service accounts for pods, limit
/// ranges and quotas, roles for their bindings).
pub fn stands_alone(info: &Info) -> bool {
    !info.mapping.namespaced
        || is_barrier(info)
        || matches!(
            (info.mapping.group.as_str(), info.mapping.kind.as_str()),
            ("", "ServiceAccount")
                | ("", "LimitRange")
                | ("", "ResourceQuota")
                | ("rbac.authorization.k8s.io", "Role")
        )
}

type Outcome = Result<Applied, Failure>;

struct Pending {
    path: String,
    held: Held,
    handle: tokio::task::JoinHandle<Outcome>,
}

/// Applies `infos`, [`WINDOW`] at a time, and calls `done` with each object's outcome in the order of
/// `infos`, after printing the object's warnings to `err`. An error from
/// `done` stops the run.
pub async fn apply_all(
    applier: &Applier,
    infos: Vec<Info>,
    err: &mut dyn Write,
    mut done: impl FnMut(Outcome) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let tasks = tokio::task::LocalSet::new();
    tasks
        .run_until(async move {
            let mut in_flight: VecDeque<Pending> = VecDeque::new();
            for info in infos {
                let alone = stands_alone(&info);
                let path = info.object_path();
                // Everything before waits to be done first for an object
                // that stands alone or whose twin is in flight; else just
                // room in the window.
                let keep = match alone || in_flight.iter().any(|p| p.path == path) {
                    true => 0,
                    false => WINDOW - 1,
                };
                while in_flight.len() > keep {
                    let Some(oldest) = in_flight.pop_front() else {
                        break;
                    };
                    report(applier, oldest, err, &mut done).await?;
                }
                let held = Held::default();
                let mut forked = applier.fork(&held);
                let mut writer = held.clone();
                let mut info = info;
                let handle =
                    tokio::task::spawn_local(
                        async move { forked.apply(&mut info, &mut writer).await },
                    );
                in_flight.push_back(Pending { path, held, handle });
                if alone {
                    if let Some(only) = in_flight.pop_front() {
                        report(applier, only, err, &mut done).await?;
                    }
                }
            }
            while let Some(oldest) = in_flight.pop_front() {
                report(applier, oldest, err, &mut done).await?;
            }
            Ok(())
        })
        .await
}

/// Waits for one object, prints what it held back, and hands on its
/// outcome; the objects still in flight are abandoned when `done` fails.
async fn report(
    applier: &Applier,
    pending: Pending,
    err: &mut dyn Write,
    done: &mut impl FnMut(Outcome) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let outcome = match pending.handle.await {
        Ok(outcome) => outcome,
        Err(e) => Err(Failure::Text(e.to_string())),
    };
    applier.client.release(&pending.held, err);
    done(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Mapping;

    fn info(group: &str, kind: &str, namespaced: bool) -> Info {
        Info {
            source: String::new(),
            mapping: Mapping {
                group: group.into(),
                version: "v1".into(),
                kind: kind.into(),
                namespaced,
                resource: String::new(),
                singular: String::new(),
                verbs: Vec::new(),
                short_names: Vec::new(),
                categories: Vec::new(),
            },
            namespace: String::new(),
            name: "x".into(),
            object: Default::default(),
        }
    }

    #[test]
    fn what_later_objects_may_depend_on_stands_alone() {
        assert!(stands_alone(&info("", "Namespace", false)));
        assert!(stands_alone(&info(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            false
        )));
        assert!(stands_alone(&info(
            "scheduling.k8s.io",
            "PriorityClass",
            false
        )));
        assert!(stands_alone(&info("", "ServiceAccount", true)));
        assert!(stands_alone(&info(
            "rbac.authorization.k8s.io",
            "Role",
            true
        )));
        assert!(!stands_alone(&info("", "ConfigMap", true)));
        assert!(!stands_alone(&info("", "Service", true)));
        assert!(!stands_alone(&info("apps", "Deployment", true)));
    }
}

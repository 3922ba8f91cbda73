//! Writing many objects with their requests overlapping.
//!
//! kubectl writes one object after another (`apply -f`, `create -f`,
//! `replace -f`), so the server's latency for each object sets the pace.
//! Here up to [`WINDOW`] objects are written at once, while everything a
//! user sees keeps kubectl's order: each object's result (its line, its
//! error) and its warnings are handed on in the order of the files, once
//! the objects before it are done.
//!
//! Overlap is only allowed where order cannot change what the server does:
//! an object that later ones may depend on (see [`stands_alone`]) is
//! written on its own, after everything before it and before anything
//! after it, and an object named twice waits for its earlier twin.

use std::collections::VecDeque;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::client::{ApiClient, Held};
use crate::resource::Mapping;

/// How many objects are written at once.
pub const WINDOW: usize = 16;

/// Kinds whose creation can change what later objects find on the server
/// (their namespace appears, their type becomes known).
pub fn is_barrier(mapping: &Mapping) -> bool {
    matches!(
        (mapping.group.as_str(), mapping.kind.as_str()),
        ("", "Namespace")
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("apiregistration.k8s.io", "APIService")
    )
}

/// Objects whose presence can change how the server treats later objects
/// of the same run: cluster-scoped ones (namespaces, CRDs, priority and
/// ingress classes, webhooks…), and the namespaced kinds admission looks
/// up when later objects are written (service accounts for pods, limit
/// ranges and quotas, roles for their bindings).
pub fn stands_alone(mapping: &Mapping) -> bool {
    !mapping.namespaced
        || is_barrier(mapping)
        || matches!(
            (mapping.group.as_str(), mapping.kind.as_str()),
            ("", "ServiceAccount")
                | ("", "LimitRange")
                | ("", "ResourceQuota")
                | ("rbac.authorization.k8s.io", "Role")
        )
}

/// Where an item of a run stands among the others.
pub struct Turn {
    /// The API path of the object written, when it has a name: an item
    /// waits for an earlier one with the same path.
    path: Option<String>,
    /// Nothing may overlap with this item (see [`stands_alone`]).
    alone: bool,
}

impl Turn {
    /// The turn of a write to an object of type `mapping`.
    pub fn write(mapping: &Mapping, namespace: Option<&str>, name: &str) -> Turn {
        let namespace = namespace.filter(|_| mapping.namespaced);
        Turn {
            // Objects named by the server (generateName) have no twins.
            path: (!name.is_empty()).then(|| mapping.object_path(namespace, name)),
            alone: stands_alone(mapping),
        }
    }

    /// The turn of an object read from a file: a write when it could be
    /// read, an item reported in its place when it could not.
    pub fn of_read<E>(item: &Result<crate::resource::infos::Info, E>) -> Turn {
        match item {
            Ok(info) => Turn::write(&info.mapping, info.namespace.as_deref(), &info.name),
            Err(_) => Turn::local(),
        }
    }

    /// An item that sends no request (one that failed to read, a
    /// client-side dry run): it overlaps with everything and is still
    /// reported in its place.
    pub fn local() -> Turn {
        Turn {
            path: None,
            alone: false,
        }
    }
}

struct Pending<O> {
    path: Option<String>,
    held: Held,
    handle: tokio::task::JoinHandle<O>,
}

/// Runs `start` for each of `items`, [`WINDOW`] at a time, as `turn` says
/// they may overlap, and calls `done` with each outcome in the order of
/// `items`, after printing the item's held warnings (and what it wrote to
/// its [`Held`]) to `err`. `start` gets the item and where its warnings
/// wait (see [`ApiClient::holding_warnings`]). An error from `done` stops
/// the run; the items still in flight are abandoned.
///
/// The window counts the items still running, not those waiting for
/// their turn to be reported: one slow write (a service whose cluster IP
/// takes long to allocate) does not hold back the ones after it.
pub async fn write_all<T, O, Fut>(
    client: &ApiClient,
    items: Vec<T>,
    turn: impl Fn(&T) -> Turn,
    mut start: impl FnMut(T, &Held) -> Fut,
    err: &mut dyn Write,
    mut done: impl FnMut(O) -> anyhow::Result<()>,
) -> anyhow::Result<()>
where
    Fut: Future<Output = O> + 'static,
    O: 'static,
{
    let slots = Arc::new(Semaphore::new(WINDOW));
    let tasks = tokio::task::LocalSet::new();
    tasks
        .run_until(async move {
            let mut in_flight: VecDeque<Pending<O>> = VecDeque::new();
            for item in items {
                let Turn { path, alone } = turn(&item);
                // Everything before is done first for an object that stands
                // alone or whose twin is in flight.
                let twin = path.is_some() && in_flight.iter().any(|p| p.path == path);
                if alone || twin {
                    while let Some(oldest) = in_flight.pop_front() {
                        report(client, oldest, err, &mut done).await?;
                    }
                }
                let slot = match slots.clone().acquire_owned().await {
                    Ok(slot) => slot,
                    Err(e) => anyhow::bail!("{e}"),
                };
                while in_flight.front().is_some_and(|p| p.handle.is_finished()) {
                    if let Some(oldest) = in_flight.pop_front() {
                        report(client, oldest, err, &mut done).await?;
                    }
                }
                let held = Held::default();
                let work = start(item, &held);
                let handle = tokio::task::spawn_local(async move {
                    let outcome = work.await;
                    drop(slot);
                    outcome
                });
                in_flight.push_back(Pending { path, held, handle });
                if alone {
                    while let Some(oldest) = in_flight.pop_front() {
                        report(client, oldest, err, &mut done).await?;
                    }
                }
            }
            while let Some(oldest) = in_flight.pop_front() {
                report(client, oldest, err, &mut done).await?;
            }
            Ok(())
        })
        .await
}

/// Waits for one item, prints what it held back, and hands on its outcome.
async fn report<O>(
    client: &ApiClient,
    pending: Pending<O>,
    err: &mut dyn Write,
    done: &mut impl FnMut(O) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let outcome = match pending.handle.await {
        Ok(outcome) => outcome,
        // A panic in the work is a bug: let it surface as it would have
        // without the window.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    client.release(&pending.held, err);
    done(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_support::mapping;

    #[test]
    fn what_later_objects_may_depend_on_stands_alone() {
        assert!(stands_alone(&mapping("", "Namespace", false)));
        assert!(stands_alone(&mapping(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            false
        )));
        assert!(stands_alone(&mapping(
            "scheduling.k8s.io",
            "PriorityClass",
            false
        )));
        assert!(stands_alone(&mapping("", "ServiceAccount", true)));
        assert!(stands_alone(&mapping(
            "rbac.authorization.k8s.io",
            "Role",
            true
        )));
        assert!(!stands_alone(&mapping("", "ConfigMap", true)));
        assert!(!stands_alone(&mapping("", "Service", true)));
        assert!(!stands_alone(&mapping("apps", "Deployment", true)));
    }

    #[test]
    fn barriers_are_what_makes_later_objects_resolvable() {
        assert!(is_barrier(&mapping("", "Namespace", false)));
        assert!(is_barrier(&mapping(
            "apiregistration.k8s.io",
            "APIService",
            false
        )));
        assert!(!is_barrier(&mapping("", "ServiceAccount", true)));
    }
}

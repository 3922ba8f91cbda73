//! Deleting the objects a command visited, as kubectl's `DeleteResult`
//! does for `delete` and `replace --force`: one DELETE per object with the
//! grace period and cascade asked for, a result line per object in visiting
//! order, errors gathered (NotFound ignored when asked), then waiting until
//! the objects are gone.
//!
//! kubectl sends one DELETE after another. Here the deletes of a run of
//! objects of one type (independent of each other) overlap, a bounded
//! number at a time, while lines and errors keep kubectl's order; objects
//! of different types are deleted in order, so a namespace or a CRD is gone
//! before what follows it in a file is touched.

use std::collections::VecDeque;
use std::io::Write;

use anyhow::Result;
use serde_json::Value;

use super::infos::{Info, Visited};
use super::wait::{until_deleted, Deadline, Target};
use super::write::{self, DeleteOptions};
use crate::client::{ApiClient, ApiError};
use crate::context::{print_warning, SharedWriter};
use crate::error::{add_source_to_err, VisitErrors};
use crate::flags::deletion::Propagation;
use crate::flags::DryRun;
use crate::printers::result::ResultPrinter;

/// How many DELETE requests are in flight at once.
const CONCURRENCY: usize = 16;

/// What a deletion does (kubectl's resolved DeleteOptions).
#[derive(Debug, Clone)]
pub struct Deletion {
    /// Seconds; negative keeps each object's default.
    pub grace_period: i64,
    pub propagation: Propagation,
    pub dry_run: DryRun,
    pub ignore_not_found: bool,
    /// Wait until the objects are gone (finalizers included).
    pub wait: bool,
    /// `--timeout` in nanoseconds (0: a week).
    pub timeout: i64,
    /// `-n` was given without `-A`: deleting a cluster-scoped object earns
    /// a warning (once).
    pub warn_cluster_scope: bool,
}

/// Where the deletion writes.
pub struct Streams<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a SharedWriter,
}

impl Deletion {
    fn options(&self) -> DeleteOptions {
        DeleteOptions {
            grace_period: (self.grace_period >= 0).then_some(self.grace_period),
            propagation: Some(self.propagation.as_str()),
            dry_run: self.dry_run == DryRun::Server,
        }
    }

    /// Deletes every visited object (errors met while visiting stay in
    /// place among the deletions' own), prints a line for each, then waits
    /// for them to be gone. kubectl's `DeleteResult`.
    pub async fn run(
        &self,
        client: &ApiClient,
        visits: Vec<Visited>,
        mut errors: VisitErrors,
        printer: &ResultPrinter,
        streams: Streams<'_>,
    ) -> Result<()> {
        let Streams { out, err } = streams;
        let mut warn_cluster_scope = self.warn_cluster_scope;
        let mut found = 0usize;
        let mut deleted: Vec<Target> = Vec::new();
        let options = self.options();
        let forced = self.grace_period == 0;
        let ignore = |e: anyhow::Error, errors: &mut VisitErrors| {
            let not_found = e
                .downcast_ref::<ApiError>()
                .is_some_and(ApiError::is_not_found);
            if self.ignore_not_found && not_found {
                errors.note_dropped();
            } else {
                errors.push(e);
            }
        };
        // Requests in flight, oldest first: each answer is reported in turn.
        let mut in_flight: VecDeque<(Info, tokio::task::JoinHandle<Result<Value, ApiError>>)> =
            VecDeque::new();
        let mut visits = visits.into_iter();
        loop {
            let next = visits.next();
            // Report what is in flight (oldest first) before another type
            // or an error (kubectl meets them in order) and at the end;
            // otherwise only when the window is full.
            let drain_all = match &next {
                Some(Visited::Object(info)) => in_flight
                    .back()
                    .is_some_and(|(prev, _)| !same_type(prev, info)),
                _ => true,
            };
            while (drain_all && !in_flight.is_empty()) || in_flight.len() >= CONCURRENCY {
                let Some((info, handle)) = in_flight.pop_front() else {
                    break;
                };
                let answer = match handle.await {
                    Ok(answer) => answer,
                    Err(e) => Err(ApiError::Unexpected(e.to_string())),
                };
                match answer {
                    Ok(response) => {
                        self.print(printer, out, &info, forced)?;
                        deleted.push(target(&info, response_uid(&response)));
                    }
                    Err(e) => {
                        let not_found = e.is_not_found();
                        ignore(
                            add_source_to_err("deleting", &info.source, e.into()),
                            &mut errors,
                        );
                        if not_found {
                            deleted.push(target(&info, None));
                        }
                    }
                }
            }
            let Some(next) = next else {
                break;
            };
            let info = match next {
                Visited::Failed(e) => {
                    ignore(e, &mut errors);
                    continue;
                }
                Visited::Object(info) => info,
            };
            found += 1;
            if warn_cluster_scope && !info.mapping.namespaced {
                print_warning(
                    &mut err.clone(),
                    "deleting cluster-scoped resources, not scoped to the provided namespace",
                );
                warn_cluster_scope = false;
            }
            if self.dry_run == DryRun::Client {
                self.print(printer, out, &info, forced)?;
                continue;
            }
            let client = client.clone();
            let body = options.body();
            let (mapping, ns, name) = (
                info.mapping.clone(),
                info.namespace.clone(),
                info.name.clone(),
            );
            let handle = tokio::spawn(async move {
                write::delete(&client, &mapping, ns.as_deref(), &name, &body).await
            });
            in_flight.push_back((info, handle));
        }
        if !errors.is_empty() {
            return errors.into_result();
        }
        if found == 0 {
            writeln!(out, "No resources found")?;
            return Ok(());
        }
        if !self.wait || self.dry_run != DryRun::None {
            return Ok(());
        }
        out.flush()?;
        if self.timeout < 0 {
            crate::context::klog_error(
                &mut err.clone(),
                "until.go:159",
                "\"Timeout for context shall not be negative\"",
            );
        }
        let results =
            until_deleted(client, &deleted, Deadline::for_delete(self.timeout), err).await;
        for result in results {
            if let Err(e) = result {
                // Not allowed to watch, or the type cannot be read: kubectl
                // does not fail for that.
                let benign = e.downcast_ref::<ApiError>().is_some_and(|a| {
                    a.status()
                        .is_some_and(|s| s.reason == "Forbidden" || s.code == 403)
                        || a.is_method_not_supported()
                });
                return if benign { Ok(()) } else { Err(e) };
            }
        }
        Ok(())
    }

    fn print(
        &self,
        printer: &ResultPrinter,
        out: &mut dyn Write,
        info: &Info,
        forced: bool,
    ) -> Result<()> {
        let namespace = if info.mapping.namespaced {
            Some(info.namespace.as_deref().unwrap_or_default())
        } else {
            None
        };
        printer.print_deleted(
            out,
            &info.mapping.kind_dot_group(),
            &info.name,
            namespace,
            forced,
        )
    }
}

fn same_type(a: &Info, b: &Info) -> bool {
    a.mapping.group == b.mapping.group && a.mapping.resource == b.mapping.resource
}

fn target(info: &Info, uid: Option<String>) -> Target {
    Target {
        mapping: info.mapping.clone(),
        namespace: info.namespace.clone(),
        name: info.name.clone(),
        uid,
    }
}

/// The uid in a DELETE's answer: a Status's details, or the object (kept
/// while finalizers run).
fn response_uid(response: &Value) -> Option<String> {
    let uid = if response.get("kind").and_then(Value::as_str) == Some("Status") {
        response.pointer("/details/uid")
    } else {
        response.pointer("/metadata/uid")
    };
    uid.and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uids_from_status_or_object() {
        assert_eq!(
            response_uid(&json!({"kind": "Status", "details": {"uid": "u1"}})).as_deref(),
            Some("u1")
        );
        assert_eq!(
            response_uid(&json!({"kind": "Pod", "metadata": {"uid": "u2"}})).as_deref(),
            Some("u2")
        );
        assert_eq!(response_uid(&json!({"kind": "Status"})), None);
    }
}

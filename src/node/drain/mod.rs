//! Draining a node, as kubectl's drain helper does: list the node's pods,
//! decide which may go (`filters`), then evict them all at once through the
//! eviction API — retrying every 5 s while a PodDisruptionBudget refuses
//! (429) — or delete them (`--disable-eviction`), and wait until they are
//! gone. Progress lines go to stdout, retries to stderr, in kubectl's words.

pub mod filters;

use std::time::Duration;

use anyhow::anyhow;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;

use self::filters::{DaemonSetLookup, FilterOptions, PodDeleteList};
use crate::client::{parse_json, ApiClient, ApiError, ACCEPT_JSON};
use crate::flags::go_values::{go_duration_string, go_quote};
use crate::flags::DryRun;
use crate::printers::result::qualified_name;
use crate::resource::fetch::{get_object, ListQuery, Pager};
use crate::resource::infos::list_items;
use crate::resource::write;
use crate::resource::Mapping;

/// How long kubectl waits before asking again after a refused eviction.
const EVICT_RETRY_DELAY: Duration = Duration::from_secs(5);
/// How often a removed pod is looked up until it is gone.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The drain flags.
#[derive(Debug, Clone)]
pub struct DrainOptions {
    pub filters: FilterOptions,
    /// `--grace-period`; negative: the pod's own.
    pub grace_period: i64,
    /// `--timeout`; None waits for ever.
    pub timeout: Option<Duration>,
    /// `--pod-selector`.
    pub pod_selector: String,
    pub disable_eviction: bool,
    /// `--chunk-size` of the pod list.
    pub chunk_size: i64,
    pub dry_run: DryRun,
    /// `-v=2` and up: a line when each pod's removal starts.
    pub verbose: bool,
}

/// Works on one cluster with the resolved pod and DaemonSet resources.
pub struct Drainer<'a> {
    pub client: &'a ApiClient,
    pub pods: Mapping,
    pub daemon_sets: Option<Mapping>,
    /// `policy/v1` when the server serves `pods/eviction`, else None.
    pub eviction_version: Option<String>,
    pub opts: DrainOptions,
}

/// A line for stdout or stderr, from any of the pods being removed.
#[derive(Debug)]
pub enum Line {
    Out(String),
    Err(String),
}

impl Drainer<'_> {
    /// The node's pods with the filters' verdicts, and the errors that stop
    /// the drain: a failed list (no pods then), or the filters' fatal
    /// reasons.
    pub async fn pods_for_deletion(
        &self,
        node: &str,
    ) -> (Option<PodDeleteList>, Vec<anyhow::Error>) {
        let query = ListQuery {
            label_selector: self.opts.pod_selector.clone(),
            field_selector: format!("spec.nodeName={}", escape_field_value(node)),
            limit: self.opts.chunk_size.max(0),
            include_object: None,
        };
        let mut pager = Pager::new(self.client, &self.pods, None, query, ACCEPT_JSON);
        let mut pods = Vec::new();
        loop {
            match pager.next_page().await {
                Ok(Some(body)) => match parse_json(&body) {
                    Ok(list) => pods.extend(list_items(list)),
                    Err(e) => return (None, vec![e.into()]),
                },
                Ok(None) => break,
                Err(e) => return (None, vec![e.into()]),
            }
        }
        let now = now_seconds();
        let mut list = PodDeleteList::default();
        for pod in pods {
            let lookup = match filters::daemon_set_owner(&pod) {
                Some(name) if filters::needs_daemon_set_lookup(&pod) => {
                    Some(self.daemon_set(&pod, name).await)
                }
                _ => None,
            };
            let verdict = filters::verdict(&pod, self.opts.filters, now, lookup.as_ref());
            list.items.push((pod, verdict));
        }
        let errors: Vec<anyhow::Error> =
            list.errors().into_iter().map(anyhow::Error::msg).collect();
        (Some(list), errors)
    }

    async fn daemon_set(&self, pod: &Value, name: &str) -> DaemonSetLookup {
        let Some(mapping) = &self.daemon_sets else {
            return DaemonSetLookup::Failed(
                "the server could not find the requested resource".into(),
            );
        };
        let ns = pod.pointer("/metadata/namespace").and_then(Value::as_str);
        match get_object(self.client, mapping, ns, name, ACCEPT_JSON).await {
            Ok(_) => DaemonSetLookup::Found,
            Err(e) if e.is_not_found() => DaemonSetLookup::Missing(e.to_string()),
            Err(e) => DaemonSetLookup::Failed(e.to_string()),
        }
    }

    /// Evicts (or deletes) the pods and waits until they are gone; the
    /// progress goes to `lines` as it happens.
    pub async fn delete_or_evict(
        &self,
        pods: Vec<Value>,
        lines: &mpsc::UnboundedSender<Line>,
    ) -> anyhow::Result<()> {
        if pods.is_empty() {
            return Ok(());
        }
        match (&self.eviction_version, self.opts.disable_eviction) {
            (Some(version), false) => self.evict_pods(pods, version, lines).await,
            _ => self.delete_pods(pods, lines).await,
        }
    }

    fn delete_options(&self) -> Value {
        let mut options = serde_json::Map::new();
        if self.opts.grace_period >= 0 {
            options.insert("gracePeriodSeconds".into(), json!(self.opts.grace_period));
        }
        if self.opts.dry_run == DryRun::Server {
            options.insert("dryRun".into(), json!(["All"]));
        }
        Value::Object(options)
    }

    fn deadline(&self) -> Option<Instant> {
        self.opts.timeout.map(|t| Instant::now() + t)
    }

    /// Every pod at once, each retried while a disruption budget refuses,
    /// until the global timeout; errors in the order the pods finish.
    async fn evict_pods(
        &self,
        pods: Vec<Value>,
        version: &str,
        lines: &mpsc::UnboundedSender<Line>,
    ) -> anyhow::Result<()> {
        let deadline = self.deadline();
        let mut tasks = tokio::task::JoinSet::new();
        for pod in pods {
            let eviction = Eviction {
                client: self.client.clone(),
                pods: self.pods.clone(),
                version: version.to_string(),
                delete_options: self.delete_options(),
                dry_run: self.opts.dry_run,
                verbose: self.opts.verbose,
                skip_after: self.opts.filters.skip_wait_for_delete_timeout,
                timeout: self.opts.timeout,
                deadline,
                lines: lines.clone(),
            };
            tasks.spawn(eviction.run(pod));
        }
        let mut errors = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(e),
                Err(e) => errors.push(anyhow!("{e}")),
            }
        }
        aggregate(errors)
    }

    /// One DELETE after another, then a wait for all of them.
    async fn delete_pods(
        &self,
        pods: Vec<Value>,
        lines: &mpsc::UnboundedSender<Line>,
    ) -> anyhow::Result<()> {
        let options = self.delete_options();
        for pod in &pods {
            let (ns, name) = ns_name(pod);
            match write::delete(self.client, &self.pods, Some(ns), name, &options).await {
                Err(e) if !e.is_not_found() => return Err(e.into()),
                _ => {}
            }
            if self.opts.dry_run == DryRun::Server {
                continue;
            }
            if self.opts.verbose {
                let _ = lines.send(Line::Out(format!(
                    "{} deletion started\n",
                    qualified_name(pod)
                )));
            }
        }
        if self.opts.dry_run == DryRun::Server {
            return Ok(());
        }
        let waiter = Waiter {
            client: self.client,
            pods: &self.pods,
            operation: "deleted",
            skip_after: self.opts.filters.skip_wait_for_delete_timeout,
            lines,
        };
        waiter.wait(pods, self.deadline()).await
    }
}

/// One pod's eviction, on a task of its own.
struct Eviction {
    client: ApiClient,
    pods: Mapping,
    version: String,
    delete_options: Value,
    dry_run: DryRun,
    verbose: bool,
    skip_after: i64,
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    lines: mpsc::UnboundedSender<Line>,
}

impl Eviction {
    async fn run(self, pod: Value) -> anyhow::Result<()> {
        let (ns, name) = ns_name(&pod);
        let (ns, name) = (ns.to_string(), name.to_string());
        let say = |line: Line| {
            let _ = self.lines.send(line);
        };
        let mut active = pod.clone();
        loop {
            let (active_ns, active_name) = ns_name(&active);
            if self.dry_run == DryRun::Server {
                say(Line::Out(format!(
                    "evicting pod {active_ns}/{active_name} (server dry run)\n"
                )));
            } else {
                if self.verbose {
                    say(Line::Out(format!(
                        "{} eviction started\n",
                        qualified_name(&active)
                    )));
                }
                say(Line::Out(format!(
                    "evicting pod {active_ns}/{active_name}\n"
                )));
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(anyhow!(
                    "error when evicting pods/{} -n {}: global timeout reached: {}",
                    go_quote(active_name),
                    go_quote(active_ns),
                    timeout_text(self.timeout)
                ));
            }
            let result = write::evict_pod(
                &self.client,
                &self.pods,
                active_ns,
                active_name,
                &self.version,
                &self.delete_options,
            )
            .await;
            match result {
                Ok(_) => break,
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) if is_too_many_requests(&e) => {
                    say(Line::Err(format!(
                        "error when evicting pods/{} -n {} (will retry after {}): {e}\n",
                        go_quote(active_name),
                        go_quote(active_ns),
                        go_duration_string(EVICT_RETRY_DELAY.as_nanos() as i64)
                    )));
                    tokio::time::sleep(EVICT_RETRY_DELAY).await;
                }
                Err(e) if is_namespace_terminating(&e) => {
                    // A pod already being deleted in a namespace being
                    // deleted: wait for it; otherwise ask again.
                    if active
                        .pointer("/metadata/deletionTimestamp")
                        .is_some_and(|t| !t.is_null())
                    {
                        break;
                    }
                    say(Line::Err(format!(
                        "error when evicting pod {} from terminating namespace {} (will retry after {}): {e}\n",
                        go_quote(active_name),
                        go_quote(active_ns),
                        go_duration_string(EVICT_RETRY_DELAY.as_nanos() as i64)
                    )));
                    tokio::time::sleep(EVICT_RETRY_DELAY).await;
                }
                Err(e) => {
                    return Err(anyhow!(
                        "error when evicting pods/{} -n {}: {e}",
                        go_quote(active_name),
                        go_quote(active_ns)
                    ))
                }
            }
            // The eviction is retried with the pod as it is now, if it can
            // be read.
            let (active_ns, active_name) = ns_name(&active);
            if let Ok(body) = get_object(
                &self.client,
                &self.pods,
                Some(active_ns),
                active_name,
                ACCEPT_JSON,
            )
            .await
            {
                if let Ok(fresh) = parse_json(&body) {
                    active = fresh;
                }
            }
        }
        if self.dry_run == DryRun::Server {
            return Ok(());
        }
        let waiter = Waiter {
            client: &self.client,
            pods: &self.pods,
            operation: "evicted",
            skip_after: self.skip_after,
            lines: &self.lines,
        };
        waiter.wait(vec![active], self.deadline).await.map_err(|e| {
            anyhow!(
                "error when waiting for pod {} in namespace {} to terminate: {e}",
                go_quote(&name),
                go_quote(&ns)
            )
        })
    }
}

/// Polls removed pods every second until each is gone (or replaced by a
/// pod of the same name), printing `pod/x <operation>` for each.
struct Waiter<'a> {
    client: &'a ApiClient,
    pods: &'a Mapping,
    operation: &'a str,
    skip_after: i64,
    lines: &'a mpsc::UnboundedSender<Line>,
}

impl Waiter<'_> {
    async fn wait(&self, mut pending: Vec<Value>, deadline: Option<Instant>) -> anyhow::Result<()> {
        loop {
            let mut still = Vec::new();
            for pod in pending {
                let (ns, name) = ns_name(&pod);
                let fetched = get_object(self.client, self.pods, Some(ns), name, ACCEPT_JSON)
                    .await
                    .and_then(|body| parse_json(&body));
                match fetched {
                    Err(e) if e.is_not_found() => self.finished(&pod, ""),
                    Ok(current) if uid(&current) != uid(&pod) => self.finished(&pod, ""),
                    Err(e) => {
                        self.finished(&pod, " failed");
                        return Err(e.into());
                    }
                    Ok(current) => {
                        if filters::should_skip(&current, self.skip_after, now_seconds()) {
                            let _ = self.lines.send(Line::Out(format!(
                                "pod {} has DeletionTimestamp older than {} seconds, skipping\n",
                                go_quote(name),
                                self.skip_after
                            )));
                        } else {
                            still.push(pod);
                        }
                    }
                }
            }
            if still.is_empty() {
                return Ok(());
            }
            pending = still;
            match deadline {
                Some(d) if Instant::now() + POLL_INTERVAL >= d => {
                    tokio::time::sleep_until(d).await;
                    return Err(anyhow!("context deadline exceeded"));
                }
                _ => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
    }

    /// `pod/x evicted` (or `eviction failed`, `deleted`, `deletion failed`).
    fn finished(&self, pod: &Value, failed: &str) {
        let operation = match (self.operation, failed.is_empty()) {
            ("evicted", false) => "eviction failed",
            ("deleted", false) => "deletion failed",
            (op, _) => op,
        };
        let _ = self
            .lines
            .send(Line::Out(format!("{} {operation}\n", qualified_name(pod))));
    }
}

/// Go's aggregate of the errors, or Ok when there are none.
fn aggregate(errors: Vec<anyhow::Error>) -> anyhow::Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::error::Aggregate(errors).into())
    }
}

fn ns_name(pod: &Value) -> (&str, &str) {
    let text = |p: &str| pod.pointer(p).and_then(Value::as_str).unwrap_or("");
    (text("/metadata/namespace"), text("/metadata/name"))
}

fn uid(pod: &Value) -> &str {
    pod.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn is_too_many_requests(e: &ApiError) -> bool {
    e.status()
        .is_some_and(|s| s.reason == "TooManyRequests" || s.code == 429)
}

fn is_namespace_terminating(e: &ApiError) -> bool {
    e.status().is_some_and(|s| {
        (s.reason == "Forbidden" || s.code == 403)
            && s.details
                .as_ref()
                .is_some_and(|d| d.causes.iter().any(|c| c.reason == "NamespaceTerminating"))
    })
}

/// The timeout as Go prints the duration kubectl waited for (an unset
/// timeout is the largest duration).
fn timeout_text(timeout: Option<Duration>) -> String {
    let nanos = timeout
        .map(|t| i64::try_from(t.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(i64::MAX);
    go_duration_string(nanos)
}

/// Seconds since the epoch, with a fraction.
fn now_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// A field selector value with `\`, `,` and `=` escaped, as apimachinery's
/// `fields.EscapeValue` does.
fn escape_field_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_values_escaped() {
        assert_eq!(escape_field_value("a,b=c\\"), "a\\,b\\=c\\\\");
        assert_eq!(escape_field_value("node-1"), "node-1");
    }

    #[test]
    fn timeouts_as_go_prints_them() {
        assert_eq!(timeout_text(Some(Duration::from_secs(7))), "7s");
        assert_eq!(timeout_text(None), "2562047h47m16.854775807s");
    }
}

//! Waiting on objects, watch-based: until they are gone (`wait
//! --for=delete` and `delete --wait` share [`until_deleted`]), until one
//! meets a condition (`--for=condition=…`, `--for=jsonpath=…`), or until a
//! collection has something in it (`--for=create`).
//!
//! Errors read as kubectl's: `timed out waiting for the condition on
//! pods/web`, `condition not met for pods/web` (a zero timeout checks
//! once), and server errors as they came.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use serde_json::Value;
use tokio::time::Instant;

use super::fetch::{get_object, ListQuery, Pager};
use super::mapper::Mapping;
use super::watch::{EventStream, EventType, WatchEvent, WatchQuery, ACCEPT_METADATA_LIST};
use crate::client::{parse_json, ApiClient, ApiError, ACCEPT_JSON};
use crate::context::SharedWriter;
use crate::printers::jsonpath::{relaxed_expression, Found, Template};

/// How many objects (or collections) are waited on at once.
const CONCURRENCY: usize = 16;
/// From this many objects in one collection on, one list and one watch
/// of the collection replace a request per object.
const COLLECTION_MIN: usize = 8;
/// A week: kubectl's "forever".
const WEEK: std::time::Duration = std::time::Duration::from_secs(168 * 3600);

/// When waiting ends.
#[derive(Debug, Clone, Copy)]
pub enum Deadline {
    /// Look once and do not wait (a zero `--timeout`).
    Once,
    /// Look once; an object still there has timed out (a negative
    /// `delete --timeout`).
    Expired,
    At(Instant),
}

/// The deadline passed while an object was waited on.
#[derive(Debug, thiserror::Error)]
#[error("timed out waiting for the condition on {0}")]
pub struct WaitTimeout(pub String);

/// What a request says when it starts after the deadline (kubectl's
/// context has expired by then).
pub const DEADLINE_EXCEEDED: &str = "context deadline exceeded";

impl Deadline {
    /// `wait --timeout`: zero checks once, negative waits a week.
    pub fn for_wait(timeout_nanos: i64) -> Deadline {
        match timeout_nanos {
            0 => Deadline::Once,
            n if n < 0 => Deadline::At(Instant::now() + WEEK),
            n => Deadline::At(Instant::now() + std::time::Duration::from_nanos(n as u64)),
        }
    }

    /// `delete --timeout`: zero waits a week; negative gives up as soon as
    /// an object is still there.
    pub fn for_delete(timeout_nanos: i64) -> Deadline {
        match timeout_nanos {
            0 => Deadline::At(Instant::now() + WEEK),
            n if n < 0 => Deadline::Expired,
            n => Deadline::At(Instant::now() + std::time::Duration::from_nanos(n as u64)),
        }
    }

    pub fn passed(self) -> bool {
        match self {
            Deadline::Once | Deadline::Expired => true,
            Deadline::At(at) => Instant::now() >= at,
        }
    }

    /// Runs `f` until the deadline; None when time ran out first. Once and
    /// Expired run it to the end.
    async fn run<T>(self, f: impl std::future::Future<Output = T>) -> Option<T> {
        match self {
            Deadline::Once | Deadline::Expired => Some(f.await),
            Deadline::At(at) => tokio::time::timeout_at(at, f).await.ok(),
        }
    }
}

/// One object waited on.
#[derive(Debug, Clone)]
pub struct Target {
    pub mapping: Mapping,
    pub namespace: Option<String>,
    pub name: String,
    /// The uid the object had: one of the same name with another uid is a
    /// new object, and the old one is gone.
    pub uid: Option<String>,
}

impl Target {
    /// `pods/web`, as kubectl names an object in wait errors.
    pub fn object_name(&self) -> String {
        format!("{}/{}", self.mapping.resource, self.name)
    }

    fn timed_out(&self) -> anyhow::Error {
        WaitTimeout(self.object_name()).into()
    }

    fn not_met(&self) -> anyhow::Error {
        anyhow!("condition not met for {}", self.object_name())
    }

    fn replaced_by(&self, obj: &Value) -> bool {
        let uid = obj.pointer("/metadata/uid").and_then(Value::as_str);
        matches!((&self.uid, uid), (Some(want), Some(have)) if want != have)
    }
}

fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn resource_version_of(obj: &Value) -> String {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The line kubectl prints (without a newline) for an ERROR event, before
/// it keeps waiting.
fn report_watch_error(err: &SharedWriter, event: &WatchEvent, what: &str) {
    let message = event.status().map(|s| s.message).unwrap_or_default();
    let mut err = err.clone();
    let _ = write!(
        err,
        "error: An error occurred while waiting for {what}: {message}"
    );
}

/// Waits until every target is gone (or replaced by a new object of the
/// same name). One result per target, in order, with the moment its
/// absence was seen: kubectl waits on them one after another and stops at
/// the first failure, which is the first error here; the waits themselves
/// overlap.
pub async fn until_deleted(
    client: &ApiClient,
    targets: &[Target],
    deadline: Deadline,
    err: &SharedWriter,
) -> Vec<Result<Instant>> {
    // Targets grouped by collection, in order of first appearance.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<(String, String, Option<String>), usize> = HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        let key = (
            t.mapping.group.clone(),
            t.mapping.resource.clone(),
            t.namespace.clone(),
        );
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut jobs: Vec<Vec<usize>> = Vec::new();
    for group in groups {
        if group.len() >= COLLECTION_MIN {
            jobs.push(group);
        } else {
            jobs.extend(group.into_iter().map(|i| vec![i]));
        }
    }
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for job in jobs {
        let client = client.clone();
        let members: Vec<(usize, Target)> = job.iter().map(|&i| (i, targets[i].clone())).collect();
        let permits = permits.clone();
        let err = err.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            if members.len() == 1 {
                let (i, target) = &members[0];
                vec![(*i, object_deleted(&client, target, deadline, &err).await)]
            } else {
                collection_deleted(&client, members, deadline, &err).await
            }
        });
    }
    let mut results: Vec<Option<Result<Instant>>> = (0..targets.len()).map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(list) => {
                for (i, r) in list {
                    results[i] = Some(r);
                }
            }
            Err(e) => {
                // A task that panicked or was cancelled: its targets fail.
                let text = e.to_string();
                for slot in results.iter_mut().filter(|r| r.is_none()) {
                    *slot = Some(Err(anyhow!("{text}")));
                }
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow!("wait ended early"))))
        .collect()
}

/// One object: read it, then watch it by name until it is deleted.
async fn object_deleted(
    client: &ApiClient,
    target: &Target,
    deadline: Deadline,
    err: &SharedWriter,
) -> Result<Instant> {
    let ns = target.namespace.as_deref();
    loop {
        let got = deadline
            .run(get_object(
                client,
                &target.mapping,
                ns,
                &target.name,
                ACCEPT_JSON,
            ))
            .await
            .ok_or_else(|| target.timed_out())?;
        let obj = match got.and_then(|body| parse_json(&body)) {
            Err(e) if e.is_not_found() => return Ok(Instant::now()),
            Err(e) => return Err(e.into()),
            Ok(obj) => obj,
        };
        if target.replaced_by(&obj) {
            return Ok(Instant::now());
        }
        if matches!(deadline, Deadline::Once) {
            return Err(target.not_met());
        }
        if deadline.passed() {
            return Err(target.timed_out());
        }
        let query = WatchQuery::named(&target.name, &resource_version_of(&obj));
        let watched = deadline
            .run(async {
                let mut stream =
                    EventStream::open(client, &target.mapping, ns, &query, ACCEPT_JSON).await?;
                while let Some(event) = stream.next().await {
                    match event.kind {
                        EventType::Deleted => return Ok::<bool, ApiError>(true),
                        EventType::Error => {
                            if event.status().is_some_and(|s| s.code == 410) {
                                break;
                            }
                            report_watch_error(err, &event, "the object to be deleted");
                        }
                        _ if target.replaced_by(&event.object) => return Ok(true),
                        _ => {}
                    }
                }
                // The watch ended: read the object again.
                Ok(false)
            })
            .await
            .ok_or_else(|| target.timed_out())?;
        if watched? {
            return Ok(Instant::now());
        }
    }
}

/// Many objects of one collection: list it (metadata only), then watch it
/// until each is deleted. A collection that cannot be listed is waited on
/// object by object.
async fn collection_deleted(
    client: &ApiClient,
    members: Vec<(usize, Target)>,
    deadline: Deadline,
    err: &SharedWriter,
) -> Vec<(usize, Result<Instant>)> {
    let Some((_, first)) = members.first() else {
        return Vec::new();
    };
    let mapping = first.mapping.clone();
    let ns = first.namespace.clone();
    let mut done: Vec<(usize, Result<Instant>)> = Vec::new();
    let mut pending = members;
    loop {
        let listed = deadline
            .run(list_collection(client, &mapping, ns.as_deref()))
            .await;
        let (existing, version) = match listed {
            None => {
                done.extend(pending.into_iter().map(|(i, t)| (i, Err(t.timed_out()))));
                return done;
            }
            Some(Err(_)) => {
                for (i, t) in pending {
                    done.push((i, object_deleted(client, &t, deadline, err).await));
                }
                return done;
            }
            Some(Ok(listed)) => listed,
        };
        let (gone, still): (Vec<_>, Vec<_>) =
            pending
                .into_iter()
                .partition(|(_, t)| match existing.get(&t.name) {
                    None => true,
                    Some(uid) => matches!((&t.uid, uid), (Some(want), Some(have)) if want != have),
                });
        let now = Instant::now();
        done.extend(gone.into_iter().map(|(i, _)| (i, Ok(now))));
        pending = still;
        if pending.is_empty() {
            return done;
        }
        if matches!(deadline, Deadline::Once) {
            done.extend(pending.into_iter().map(|(i, t)| (i, Err(t.not_met()))));
            return done;
        }
        if deadline.passed() {
            done.extend(pending.into_iter().map(|(i, t)| (i, Err(t.timed_out()))));
            return done;
        }
        let query = WatchQuery {
            resource_version: version,
            ..Default::default()
        };
        let watched = deadline
            .run(async {
                let mut stream = EventStream::open(
                    client,
                    &mapping,
                    ns.as_deref(),
                    &query,
                    super::watch::ACCEPT_METADATA,
                )
                .await?;
                while let Some(event) = stream.next().await {
                    match event.kind {
                        EventType::Error => {
                            if event.status().is_some_and(|s| s.code == 410) {
                                break;
                            }
                            report_watch_error(err, &event, "the object to be deleted");
                        }
                        EventType::Bookmark => {}
                        kind => {
                            let name = name_of(&event.object);
                            pending.retain(|(i, t)| {
                                let finished = t.name == name
                                    && (kind == EventType::Deleted || t.replaced_by(&event.object));
                                if finished {
                                    done.push((*i, Ok(Instant::now())));
                                }
                                !finished
                            });
                            if pending.is_empty() {
                                return Ok::<(), ApiError>(());
                            }
                        }
                    }
                }
                Ok(())
            })
            .await;
        match watched {
            None => {
                done.extend(pending.into_iter().map(|(i, t)| (i, Err(t.timed_out()))));
                return done;
            }
            Some(Err(_)) => {
                for (i, t) in pending {
                    done.push((i, object_deleted(client, &t, deadline, err).await));
                }
                return done;
            }
            Some(Ok(())) if pending.is_empty() => return done,
            // The watch ended: list again.
            Some(Ok(())) => {}
        }
    }
}

/// Names and uids in a collection now, and the list's resource version.
async fn list_collection(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
) -> Result<(HashMap<String, Option<String>>, String), ApiError> {
    let query = ListQuery {
        limit: 500,
        ..Default::default()
    };
    let mut pager = Pager::new(client, mapping, namespace, query, ACCEPT_METADATA_LIST);
    let mut names = HashMap::new();
    let mut version = String::new();
    while let Some(page) = pager.next_page().await? {
        let list = parse_json(&page)?;
        if version.is_empty() {
            version = resource_version_of(&list);
        }
        for item in list
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let uid = item
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .map(str::to_string);
            names.insert(name_of(item).to_string(), uid);
        }
    }
    Ok((names, version))
}

/// What `--for` asks for.
#[derive(Debug)]
pub enum Condition {
    Delete,
    Create,
    /// `condition=Ready[=false]`: a status condition with this status
    /// (compared without regard to case).
    Status {
        name: String,
        status: String,
    },
    /// `jsonpath={.status.phase}[=Running]`; no value: any value.
    JsonPath {
        template: Box<Template>,
        value: Option<String>,
    },
}

impl Condition {
    /// Parses every `--for`, with kubectl's errors.
    pub fn parse_all(values: &[String]) -> Result<Vec<Condition>> {
        if values.is_empty() {
            anyhow::bail!("unrecognized condition: []");
        }
        values.iter().map(|v| Condition::parse(v)).collect()
    }

    fn parse(text: &str) -> Result<Condition> {
        let lower = text.to_lowercase();
        if lower == "delete" {
            return Ok(Condition::Delete);
        }
        if lower == "create" {
            return Ok(Condition::Create);
        }
        if let Some(rest) = text.strip_prefix("condition=") {
            let (name, status) = match rest.split_once('=') {
                Some((n, s)) => (n.to_string(), s.to_string()),
                None => (rest.to_string(), "true".to_string()),
            };
            return Ok(Condition::Status { name, status });
        }
        if let Some(rest) = text.strip_prefix("jsonpath=") {
            let parts = split_jsonpath_input(rest);
            if parts.is_empty() || parts.len() > 2 {
                anyhow::bail!("jsonpath wait format must be --for=jsonpath='{{.status.readyReplicas}}'=3 or --for=jsonpath='{{.status.readyReplicas}}'");
            }
            let expression = relaxed_expression(&parts[0])?;
            let value = match parts.get(1) {
                None => None,
                Some(v) => {
                    let v = v.trim_matches(['\'', '"']);
                    if v.is_empty() {
                        anyhow::bail!("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{{.status.readyReplicas}}'=3");
                    }
                    Some(v.to_string())
                }
            };
            if expression.is_empty() {
                anyhow::bail!("jsonpath expression cannot be empty");
            }
            let template = Template::parse(&expression)?.allow_missing_keys(true);
            return Ok(Condition::JsonPath {
                template: Box::new(template),
                value,
            });
        }
        anyhow::bail!(
            "unrecognized condition: {}",
            crate::flags::go_values::go_quote(text)
        )
    }

    /// Whether `obj` meets a status or JSONPath condition.
    pub fn met_by(&self, obj: &Value) -> Result<bool> {
        match self {
            Condition::Status { name, status } => Ok(status_condition_met(obj, name, status)),
            Condition::JsonPath { template, value } => {
                template.reset();
                let results = template.find_results(obj)?;
                if results.is_empty() || results[0].is_empty() {
                    return Ok(false);
                }
                if results.len() > 1 {
                    anyhow::bail!("given jsonpath expression matches more than one list");
                }
                if results[0].len() > 1 {
                    anyhow::bail!("given jsonpath expression matches more than one value");
                }
                let Some(want) = value else {
                    return Ok(true);
                };
                let found = &results[0][0];
                if matches!(found, Found::Value(Value::Object(_) | Value::Array(_))) {
                    anyhow::bail!(
                        "jsonpath leads to a nested object or list which is not supported"
                    );
                }
                Ok(found.sprint().trim() == want.trim())
            }
            Condition::Delete | Condition::Create => Ok(false),
        }
    }
}

/// kubectl's `splitJSONPathInput`: split on single `=`, keeping `==`.
fn split_jsonpath_input(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut element = String::new();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            if chars.peek() == Some(&'=') {
                chars.next();
                element.push_str("==");
                continue;
            }
            out.push(std::mem::take(&mut element));
            continue;
        }
        element.push(c);
    }
    out.push(element);
    out
}

/// The first status condition of this type decides, unless it describes an
/// older generation of the object.
fn status_condition_met(obj: &Value, name: &str, status: &str) -> bool {
    let Some(conditions) = obj.pointer("/status/conditions").and_then(Value::as_array) else {
        return false;
    };
    for condition in conditions {
        let Some(kind) = condition.get("type").and_then(Value::as_str) else {
            continue;
        };
        if !kind.to_lowercase().eq(&name.to_lowercase()) {
            continue;
        }
        let Some(actual) = condition.get("status").and_then(Value::as_str) else {
            continue;
        };
        if let Some(generation) = obj.pointer("/metadata/generation").and_then(Value::as_i64) {
            let observed = condition
                .get("observedGeneration")
                .or_else(|| obj.pointer("/status/observedGeneration"))
                .and_then(Value::as_i64);
            if observed.is_some_and(|o| o < generation) {
                return false;
            }
        }
        return actual.to_lowercase() == status.to_lowercase();
    }
    false
}

/// Waits until `target` meets a status or JSONPath condition and returns
/// the object that met it.
pub async fn until_condition(
    client: &ApiClient,
    target: &Target,
    condition: &Condition,
    deadline: Deadline,
    err: &SharedWriter,
) -> Result<Value> {
    let ns = target.namespace.as_deref();
    if matches!(deadline, Deadline::Once) {
        let body = get_object(client, &target.mapping, ns, &target.name, ACCEPT_JSON).await?;
        let mut obj = parse_json(&body)?;
        crate::printers::sort_keys(&mut obj);
        if condition.met_by(&obj)? {
            return Ok(obj);
        }
        return Err(target.not_met());
    }
    let mut first = true;
    loop {
        // The current state, by name.
        let list_query = ListQuery {
            field_selector: format!("metadata.name={}", target.name),
            ..Default::default()
        };
        let listed = deadline
            .run(async {
                let mut pager = Pager::new(client, &target.mapping, ns, list_query, ACCEPT_JSON);
                let page = pager.next_page().await?;
                match page {
                    Some(body) => parse_json(&body),
                    None => Ok(Value::Null),
                }
            })
            .await
            .ok_or_else(|| target.timed_out())??;
        let version = resource_version_of(&listed);
        // List items come without their kind: give them the list's.
        let current = super::infos::list_items(listed)
            .into_iter()
            .find(|o| name_of(o) == target.name);
        match current {
            None if first => {
                return Err(ApiError::Status(Box::new(crate::client::Status {
                    status: "Failure".into(),
                    message: format!(
                        "{} {} not found",
                        target.mapping.group_resource(),
                        crate::flags::go_values::go_quote(&target.name)
                    ),
                    reason: "NotFound".into(),
                    details: None,
                    code: 404,
                }))
                .into())
            }
            Some(mut obj) => {
                crate::printers::sort_keys(&mut obj);
                if condition.met_by(&obj)? {
                    return Ok(obj);
                }
            }
            None => {}
        }
        first = false;
        let query = WatchQuery::named(&target.name, &version);
        let outcome = deadline
            .run(async {
                let mut stream =
                    EventStream::open(client, &target.mapping, ns, &query, ACCEPT_JSON).await?;
                while let Some(event) = stream.next().await {
                    match event.kind {
                        EventType::Error => {
                            if event.status().is_some_and(|s| s.code == 410) {
                                break;
                            }
                            report_watch_error(err, &event, "the condition to be satisfied");
                        }
                        EventType::Added | EventType::Modified => {
                            let mut obj = event.object;
                            crate::printers::sort_keys(&mut obj);
                            if condition.met_by(&obj)? {
                                return Ok(Some(obj));
                            }
                        }
                        EventType::Deleted | EventType::Bookmark => {}
                    }
                }
                Ok::<Option<Value>, anyhow::Error>(None)
            })
            .await
            .ok_or_else(|| target.timed_out())??;
        if let Some(obj) = outcome {
            return Ok(obj);
        }
    }
}

/// A collection watched for `--for=create`.
#[derive(Debug, Clone)]
pub struct Collection {
    pub mapping: Mapping,
    pub namespace: Option<String>,
    pub query: WatchQuery,
}

/// Waits until a watch of any of `collections` reports an object; false
/// when the deadline came first.
pub async fn until_any_exists(
    client: &ApiClient,
    collections: &[Collection],
    deadline: Deadline,
) -> Result<bool> {
    if matches!(deadline, Deadline::Once) || deadline.passed() {
        return Ok(false);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for c in collections.iter().cloned() {
        let client = client.clone();
        tasks.spawn(async move {
            // Without a resource version the watch starts with what exists.
            let mut stream = EventStream::open(
                &client,
                &c.mapping,
                c.namespace.as_deref(),
                &c.query,
                super::watch::ACCEPT_METADATA,
            )
            .await?;
            while let Some(event) = stream.next().await {
                if matches!(event.kind, EventType::Added | EventType::Modified) {
                    return Ok::<bool, ApiError>(true);
                }
            }
            Ok(false)
        });
    }
    let first = deadline
        .run(async {
            // The first watch to finish decides; one the server ended
            // (or none at all) means: look again.
            match tasks.join_next().await {
                Some(Ok(Err(e))) => Err(anyhow::Error::from(e)),
                _ => Ok(true),
            }
        })
        .await;
    tasks.abort_all();
    first.unwrap_or(Ok(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Condition> {
        Condition::parse(text)
    }

    #[test]
    fn conditions_in_kubectl_words() {
        assert!(matches!(parse("DELETE").unwrap(), Condition::Delete));
        assert!(matches!(
            parse("condition=Ready").unwrap(),
            Condition::Status { ref status, .. } if status == "true"
        ));
        assert_eq!(
            parse("bogus").unwrap_err().to_string(),
            "unrecognized condition: \"bogus\""
        );
        assert_eq!(
            Condition::parse_all(&[]).unwrap_err().to_string(),
            "unrecognized condition: []"
        );
        assert_eq!(
            parse("jsonpath={.a}=").unwrap_err().to_string(),
            "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"
        );
        assert!(parse("jsonpath={.a}=1=2").is_err());
        assert_eq!(
            split_jsonpath_input("a.b.c====d.e.f===g.h.i==="),
            vec!["a.b.c====d.e.f==", "g.h.i==", ""]
        );
    }

    #[test]
    fn status_conditions_and_generations() {
        let obj = json!({"metadata": {"generation": 2}, "status": {"observedGeneration": 2,
            "conditions": [{"type": "Ready", "status": "True"}]}});
        let ready = parse("condition=ready").unwrap();
        assert!(ready.met_by(&obj).unwrap());
        assert!(!parse("condition=Ready=false")
            .unwrap()
            .met_by(&obj)
            .unwrap());
        let stale = json!({"metadata": {"generation": 3}, "status": {"observedGeneration": 2,
            "conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(!ready.met_by(&stale).unwrap());
    }

    #[test]
    fn jsonpath_conditions() {
        let obj = json!({"status": {"phase": "Running", "n": 3, "list": [1, 2]}});
        assert!(parse("jsonpath={.status.phase}=Running")
            .unwrap()
            .met_by(&obj)
            .unwrap());
        assert!(parse("jsonpath=.status.n=3").unwrap().met_by(&obj).unwrap());
        assert!(parse("jsonpath={.status.list}")
            .unwrap()
            .met_by(&obj)
            .unwrap());
        assert!(!parse("jsonpath={.status.nope}")
            .unwrap()
            .met_by(&obj)
            .unwrap());
        assert_eq!(
            parse("jsonpath={.status.list}=1")
                .unwrap()
                .met_by(&obj)
                .unwrap_err()
                .to_string(),
            "jsonpath leads to a nested object or list which is not supported"
        );
        assert_eq!(
            parse("jsonpath={.status.list[*]}=1")
                .unwrap()
                .met_by(&obj)
                .unwrap_err()
                .to_string(),
            "given jsonpath expression matches more than one value"
        );
    }
}

//! Watching a collection: the request (`watch=true` from a resource
//! version, narrowed by selectors), its stream of events, one JSON
//! document per line, and client-go's `UntilWithSync` for one object.

use std::time::Duration;

use anyhow::{anyhow, Result};
use http::Method;
use http_body_util::BodyExt;
use serde_json::Value;

use super::fetch::query_escape;
use super::infos::list_items;
use super::mapper::Mapping;
use crate::client::{ApiClient, ApiError, Status, ACCEPT_JSON};

/// The error client-go's waits end with when time runs out.
pub const TIMED_OUT: &str = "timed out waiting for the condition";

/// Accept headers asking for object metadata only (kubectl's metadata
/// client), falling back to whole objects.
pub const ACCEPT_METADATA_LIST: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
pub const ACCEPT_METADATA: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/// What to watch.
#[derive(Debug, Clone, Default)]
pub struct WatchQuery {
    /// Start after this version; empty starts with an ADDED event for each
    /// object that exists now.
    pub resource_version: String,
    pub label_selector: String,
    pub field_selector: String,
}

impl WatchQuery {
    /// Watches one object by name.
    pub fn named(name: &str, resource_version: &str) -> WatchQuery {
        WatchQuery {
            resource_version: resource_version.to_string(),
            field_selector: format!("metadata.name={name}"),
            ..Default::default()
        }
    }

    fn to_query(&self) -> String {
        let mut params = vec!["allowWatchBookmarks=true".to_string()];
        if !self.field_selector.is_empty() {
            params.push(format!(
                "fieldSelector={}",
                query_escape(&self.field_selector)
            ));
        }
        if !self.label_selector.is_empty() {
            params.push(format!(
                "labelSelector={}",
                query_escape(&self.label_selector)
            ));
        }
        if !self.resource_version.is_empty() {
            params.push(format!(
                "resourceVersion={}",
                query_escape(&self.resource_version)
            ));
        }
        params.push("watch=true".to_string());
        params.join("&")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

impl EventType {
    /// The type the server names (`ADDED`…); None for any other word.
    pub fn parse(word: &str) -> Option<EventType> {
        Some(match word {
            "ADDED" => EventType::Added,
            "MODIFIED" => EventType::Modified,
            "DELETED" => EventType::Deleted,
            "BOOKMARK" => EventType::Bookmark,
            "ERROR" => EventType::Error,
            _ => return None,
        })
    }

    /// The type as the server spells it (`ADDED`…), as
    /// `--output-watch-events` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
            EventType::Bookmark => "BOOKMARK",
            EventType::Error => "ERROR",
        }
    }
}

#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub kind: EventType,
    pub object: Value,
}

impl WatchEvent {
    /// An ERROR event's Status (a 410 Gone means: list again).
    pub fn status(&self) -> Option<Status> {
        if self.kind != EventType::Error {
            return None;
        }
        serde_json::from_value(self.object.clone()).ok()
    }
}

/// An open watch.
pub struct EventStream {
    body: kube::client::Body,
    /// What has arrived and is not read yet, from `start`; no newline
    /// before `scanned`.
    buffer: Vec<u8>,
    start: usize,
    scanned: usize,
    /// `--request-timeout` bounds a whole watch, as it bounds kubectl's
    /// request: the stream then ends.
    deadline: Option<tokio::time::Instant>,
}

impl EventStream {
    /// Starts watching `mapping`'s collection in `namespace`.
    pub async fn open(
        client: &ApiClient,
        mapping: &Mapping,
        namespace: Option<&str>,
        query: &WatchQuery,
        accept: &str,
    ) -> Result<EventStream, ApiError> {
        let path = format!(
            "{}?{}",
            mapping.collection_path(namespace),
            query.to_query()
        );
        let response = client
            .send_streaming(Method::GET, &path, accept, None, Vec::new())
            .await?;
        Ok(EventStream::from_response(response, None))
    }

    /// The events of a watch request sent by the caller, ending at
    /// `timeout` from now if one is given.
    pub fn from_response(
        response: http::Response<kube::client::Body>,
        timeout: Option<std::time::Duration>,
    ) -> EventStream {
        EventStream {
            body: response.into_body(),
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            deadline: timeout.map(|t| tokio::time::Instant::now() + t),
        }
    }

    /// The next event; None once the server ended the watch.
    pub async fn next(&mut self) -> Option<WatchEvent> {
        // A line that is not an event ends the watch, as a decoding error
        // ends client-go's.
        parse_event(self.next_line().await?)
    }

    /// The next event as the server sent it (one JSON document, blank
    /// lines skipped), for callers that decode only part of it; None once
    /// the server ended the watch.
    pub async fn next_line(&mut self) -> Option<&[u8]> {
        loop {
            if let Some(at) = self.buffer[self.scanned..].iter().position(|b| *b == b'\n') {
                let (from, to) = (self.start, self.scanned + at + 1);
                self.start = to;
                self.scanned = to;
                if self.buffer[from..to].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(&self.buffer[from..to]);
            }
            self.scanned = self.buffer.len();
            // What was read goes before more comes (only part of a line
            // is left to move).
            if self.start > 0 {
                self.buffer.drain(..self.start);
                self.scanned -= self.start;
                self.start = 0;
            }
            let frame = match self.deadline {
                Some(at) => match tokio::time::timeout_at(at, self.body.frame()).await {
                    Ok(frame) => frame,
                    Err(_) => return None,
                },
                None => self.body.frame().await,
            };
            match frame {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(_)) | None => {
                    let from = self.start;
                    self.start = self.buffer.len();
                    self.scanned = self.start;
                    let rest = &self.buffer[from..];
                    if rest.iter().all(u8::is_ascii_whitespace) {
                        return None;
                    }
                    return Some(rest);
                }
            }
        }
    }
}

/// An event line decoded whole; None for a line that is no event.
pub fn parse_event(line: &[u8]) -> Option<WatchEvent> {
    let mut event: Value = serde_json::from_slice(line).ok()?;
    let kind = EventType::parse(event.get("type").and_then(Value::as_str)?)?;
    let object = event.get_mut("object").map(Value::take).unwrap_or_default();
    Some(WatchEvent { kind, object })
}

/// One object by name to watch (a `metadata.name` field selector).
pub struct Target<'a> {
    pub mapping: &'a Mapping,
    pub namespace: Option<&'a str>,
    pub name: &'a str,
}

fn resource_version(list: &Value) -> String {
    list.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// client-go's `UntilWithSync` for one named object: `condition` sees the
/// object as first listed (ADDED), then every change, until it returns
/// true or an error; `timeout` (None: forever) ends it with
/// [`TIMED_OUT`].
pub async fn until_with_sync<F>(
    client: &ApiClient,
    target: Target<'_>,
    timeout: Option<Duration>,
    condition: F,
) -> Result<()>
where
    F: FnMut(EventType, &Value) -> Result<bool>,
{
    let run = watch_named(client, target, condition);
    match timeout {
        Some(limit) => match tokio::time::timeout(limit, run).await {
            Ok(result) => result,
            Err(_) => Err(anyhow!(TIMED_OUT)),
        },
        None => run.await,
    }
}

async fn watch_named<F>(client: &ApiClient, target: Target<'_>, mut condition: F) -> Result<()>
where
    F: FnMut(EventType, &Value) -> Result<bool>,
{
    let path = target.mapping.collection_path(target.namespace);
    let selector = format!(
        "fieldSelector={}",
        query_escape(&format!("metadata.name={}", target.name))
    );
    // What the informer's store holds: the object's uid once seen.
    let mut known = false;
    'relist: loop {
        let list = client.get_json(&format!("{path}?{selector}")).await?;
        let mut version = resource_version(&list);
        let items = list_items(list);
        match items.first() {
            Some(obj) => {
                let kind = if known {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                known = true;
                if condition(kind, obj)? {
                    return Ok(());
                }
            }
            None if known => {
                known = false;
                if condition(EventType::Deleted, &Value::Null)? {
                    return Ok(());
                }
            }
            None => {}
        }
        loop {
            let query = WatchQuery::named(target.name, &version);
            let mut events = EventStream::open(
                client,
                target.mapping,
                target.namespace,
                &query,
                ACCEPT_JSON,
            )
            .await?;
            while let Some(event) = events.next().await {
                if let Some(v) = event
                    .object
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                {
                    version = v.to_string();
                }
                match event.kind {
                    EventType::Bookmark => continue,
                    EventType::Error => {
                        if event.status().map(|s| s.code) == Some(410) {
                            // The version is too old: list again.
                            continue 'relist;
                        }
                        let message = event
                            .object
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        return Err(anyhow!("{message}"));
                    }
                    kind => {
                        known = kind != EventType::Deleted;
                        let mut object = event.object;
                        if let Some(map) = object.as_object_mut() {
                            map.entry("apiVersion")
                                .or_insert_with(|| Value::String(target.mapping.api_version()));
                            map.entry("kind")
                                .or_insert_with(|| Value::String(target.mapping.kind.clone()));
                        }
                        if condition(kind, &object)? {
                            return Ok(());
                        }
                    }
                }
            }
            // The server ended the watch: carry on from the last version.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_in_go_order() {
        let q = WatchQuery::named("web-0", "42");
        assert_eq!(
            q.to_query(),
            "allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb-0&resourceVersion=42&watch=true"
        );
        let q = WatchQuery {
            label_selector: "app=x".into(),
            ..Default::default()
        };
        assert_eq!(
            q.to_query(),
            "allowWatchBookmarks=true&labelSelector=app%3Dx&watch=true"
        );
    }

    #[test]
    fn events() {
        let e = parse_event(br#"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"#).unwrap();
        assert_eq!(e.kind, EventType::Error);
        assert_eq!(e.status().unwrap().code, 410);
        let e = parse_event(br#"{"type":"DELETED","object":{"metadata":{"name":"a"}}}"#).unwrap();
        assert_eq!(e.kind, EventType::Deleted);
        assert_eq!(e.object["metadata"]["name"], "a");
        assert!(parse_event(b"nonsense").is_none());
    }
}

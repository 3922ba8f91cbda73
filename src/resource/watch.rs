//! Watching objects: a stream of watch events, and client-go's
//! `UntilWithSync` (list, then watch from the list's version, re-watching
//! when the server ends a watch, until a condition holds or time runs out).

use std::time::Duration;

use anyhow::{anyhow, Result};
use http::Method;
use http_body_util::BodyExt;
use serde_json::Value;

use super::fetch::query_escape;
use super::infos::list_items;
use super::mapper::Mapping;
use crate::client::{ApiClient, ApiError, ACCEPT_JSON};

/// The error client-go's waits end with when time runs out.
pub const TIMED_OUT: &str = "timed out waiting for the condition";

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

impl EventType {
    fn parse(text: &str) -> Option<EventType> {
        Some(match text {
            "ADDED" => EventType::Added,
            "MODIFIED" => EventType::Modified,
            "DELETED" => EventType::Deleted,
            "BOOKMARK" => EventType::Bookmark,
            "ERROR" => EventType::Error,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventType,
    pub object: Value,
}

/// One open watch request.
pub struct EventStream {
    body: kube::client::Body,
    buffer: Vec<u8>,
}

impl EventStream {
    /// Starts watching the collection at `path` with `query` (already
    /// escaped `key=value` pairs; `watch=true` is added).
    pub async fn open(
        client: &ApiClient,
        path: &str,
        mut query: Vec<String>,
    ) -> Result<EventStream, ApiError> {
        query.push("watch=true".into());
        query.sort();
        let url = format!("{path}?{}", query.join("&"));
        let response = client
            .send_streaming(Method::GET, &url, ACCEPT_JSON, None, Vec::new())
            .await?;
        Ok(EventStream {
            body: response.into_body(),
            buffer: Vec::new(),
        })
    }

    /// The next event; None when the server ended the watch.
    pub async fn next(&mut self) -> Result<Option<Event>> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let mut event: Value = serde_json::from_slice(&line)?;
                let kind = event
                    .get("type")
                    .and_then(Value::as_str)
                    .and_then(EventType::parse)
                    .ok_or_else(|| {
                        anyhow!("unexpected watch event {}", String::from_utf8_lossy(&line))
                    })?;
                let object = event
                    .get_mut("object")
                    .map(Value::take)
                    .unwrap_or(Value::Null);
                return Ok(Some(Event { kind, object }));
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(_)) | None => return Ok(None),
            }
        }
    }
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
            let query = vec![
                selector.clone(),
                "allowWatchBookmarks=true".into(),
                format!("resourceVersion={}", query_escape(&version)),
            ];
            let mut events = EventStream::open(client, &path, query).await?;
            while let Some(event) = events.next().await? {
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
                        let code = event.object.get("code").and_then(Value::as_i64);
                        if code == Some(410) {
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
                        if let (Some(map), Some(api_version)) =
                            (object.as_object_mut(), Some(target.mapping.api_version()))
                        {
                            map.entry("apiVersion")
                                .or_insert_with(|| Value::String(api_version));
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

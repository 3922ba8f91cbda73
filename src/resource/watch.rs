//! Reading a watch: the server's answer to `?watch=true` is a stream of
//! JSON events, one per line (`{"type": "ADDED", "object": {…}}`), until the
//! server ends it — or `--request-timeout` does, which bounds the whole
//! watch as it bounds kubectl's request.

use http_body_util::BodyExt;
use serde_json::Value;

/// The events of one watch response, in the order they arrive.
pub struct WatchStream {
    body: kube::client::Body,
    buffer: Vec<u8>,
    deadline: Option<tokio::time::Instant>,
}

/// One event: its type (`ADDED`, `MODIFIED`, `DELETED`, `ERROR`…) and object.
pub struct WatchEvent {
    pub kind: String,
    pub object: Value,
}

impl WatchStream {
    pub fn new(
        response: http::Response<kube::client::Body>,
        timeout: Option<std::time::Duration>,
    ) -> WatchStream {
        WatchStream {
            body: response.into_body(),
            buffer: Vec::new(),
            deadline: timeout.map(|t| tokio::time::Instant::now() + t),
        }
    }

    /// The next event, or None once the watch has ended (quietly, as for
    /// kubectl: the server closing it is no error).
    pub async fn next(&mut self) -> anyhow::Result<Option<WatchEvent>> {
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
                    .unwrap_or("")
                    .to_string();
                let object = event
                    .get_mut("object")
                    .map(Value::take)
                    .unwrap_or(Value::Null);
                return Ok(Some(WatchEvent { kind, object }));
            }
            let next = match self.deadline {
                Some(at) => match tokio::time::timeout_at(at, self.body.frame()).await {
                    Ok(frame) => frame,
                    Err(_) => return Ok(None),
                },
                None => self.body.frame().await,
            };
            let frame = match next {
                Some(Ok(frame)) => frame,
                Some(Err(_)) | None => return Ok(None),
            };
            if let Ok(data) = frame.into_data() {
                self.buffer.extend_from_slice(&data);
            }
        }
    }
}

//! Errors from talking to a server, and kubectl's words for them.

use std::fmt;

use serde::Deserialize;

/// A `meta/v1 Status` the server returned with a failure code.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub details: Option<StatusDetails>,
    #[serde(default)]
    pub code: u16,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub causes: Vec<StatusCause>,
    #[serde(default)]
    pub retry_after_seconds: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StatusCause {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub field: String,
}

#[derive(Debug)]
pub enum ApiError {
    /// The server answered with a failure Status.
    Status(Box<Status>),
    /// The server could not be reached. `host` is `host:port` as kubectl
    /// names it; `detail` is the cause.
    Connection {
        host: String,
        refused: bool,
        detail: String,
    },
    /// The server answered with something that is not what was asked for.
    Unexpected(String),
    /// The answer's body could not be read to its end (client-go's
    /// `unexpected error when reading response body`); the text is the cause.
    BodyRead(String),
    /// The server reset the answer's HTTP/2 stream while its body was read
    /// (client-go's `stream error when reading response body`).
    BodyStream(String),
    /// A failure kubectl reports in bare Go words (`error: …`): client-go
    /// refused to build the request (`invalid namespace "a/b": [may not
    /// contain '/']`, nothing was sent), a followed stream broke, or an
    /// answer was not JSON (`invalid character '<' looking for beginning of
    /// value`).
    Request(String),
}

impl ApiError {
    pub fn status(&self) -> Option<&Status> {
        match self {
            ApiError::Status(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status()
            .is_some_and(|s| s.reason == "NotFound" || (s.code == 404 && s.reason.is_empty()))
    }

    pub fn is_conflict(&self) -> bool {
        self.status()
            .is_some_and(|s| s.reason == "Conflict" || s.code == 409)
    }

    pub fn is_already_exists(&self) -> bool {
        self.status().is_some_and(|s| s.reason == "AlreadyExists")
    }

    pub fn is_method_not_supported(&self) -> bool {
        self.status()
            .is_some_and(|s| s.reason == "MethodNotAllowed" || s.code == 405)
    }

    /// The status client-go makes up from the code alone, for requests whose
    /// failure body it does not decode (discovery). Forbidden keeps the
    /// server's message, as client-go does.
    pub fn generic_for_code(self) -> ApiError {
        let ApiError::Status(status) = self else {
            return self;
        };
        let (reason, message) = match status.code {
            400 => (
                "BadRequest",
                "the server rejected our request for an unknown reason".to_string(),
            ),
            401 => (
                "Unauthorized",
                "the server has asked for the client to provide credentials".to_string(),
            ),
            403 => ("Forbidden", status.message.clone()),
            404 => (
                "NotFound",
                "the server could not find the requested resource".to_string(),
            ),
            405 => (
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource".to_string(),
            ),
            503 => (
                "ServiceUnavailable",
                "the server is currently unable to handle the request".to_string(),
            ),
            _ => return ApiError::Status(status),
        };
        ApiError::Status(Box::new(Status {
            reason: reason.into(),
            message,
            ..*status
        }))
    }

    /// kubectl's `StandardErrorMessage` (plus its special form for Invalid).
    pub fn kubectl_message(&self) -> String {
        match self {
            ApiError::Status(s) if s.reason == "Invalid" => invalid_message(s),
            ApiError::BodyRead(_) | ApiError::BodyStream(_) => {
                format!("error: {}", self.standard_message())
            }
            ApiError::Request(msg) => format!("error: {msg}"),
            _ => self.standard_message(),
        }
    }

    /// The text kubectl ends the command with when this error is its last
    /// word (`checkErr`): `kubectl_message`, but an Invalid status with
    /// causes keeps `MultilineError`'s closing newlines.
    pub fn fatal_message(&self) -> String {
        match self {
            ApiError::Status(s) if s.reason == "Invalid" => {
                invalid_fatal_text(s).unwrap_or_else(|| invalid_message(s))
            }
            _ => self.kubectl_message(),
        }
    }

    /// kubectl's `StandardErrorMessage` alone: how an error reads as one
    /// line of several (Invalid too is `Error from server (Invalid): …`).
    pub fn standard_message(&self) -> String {
        match self {
            ApiError::Status(s) if s.reason == "Unauthorized" => {
                format!("error: You must be logged in to the server ({})", s.message)
            }
            ApiError::Status(s) if !s.reason.is_empty() => {
                format!("Error from server ({}): {}", s.reason, s.message)
            }
            ApiError::Status(s) => format!("Error from server: {}", s.message),
            ApiError::Connection { host, refused: true, .. } => format!(
                "The connection to the server {host} was refused - did you specify the right host or port?"
            ),
            ApiError::Connection { detail, .. } => format!("Unable to connect to the server: {detail}"),
            ApiError::Unexpected(msg) => format!("Server returned an unexpected response: {msg}"),
            ApiError::BodyRead(cause) => body_read_message(cause),
            ApiError::BodyStream(cause) => format!(
                "stream error when reading response body, may be caused by closed connection. \
                 Please retry. Original error: {cause}"
            ),
            ApiError::Request(msg) => msg.clone(),
        }
    }
}

fn body_read_message(cause: &str) -> String {
    format!("unexpected error when reading response body. Please retry. Original error: {cause}")
}

/// client-go's error for a failed request whose body it does not decode
/// (`DoRaw`, e.g. pod logs): a message chosen by the status code alone, the
/// body quoted only when it is text (and only for server errors), then the
/// request as `(get pods web)`.
pub fn unstructured_response_error(
    code: u16,
    verb: &str,
    resource: &str,
    name: &str,
    body: &[u8],
    is_text: bool,
) -> ApiError {
    const MAX_TEXT: usize = 2048;
    let server_message = if is_text {
        let cut = &body[..body.len().min(MAX_TEXT)];
        String::from_utf8_lossy(cut).trim().to_string()
    } else {
        "unknown".to_string()
    };
    let (reason, mut message) = match code {
        409 if verb == "POST" => ("AlreadyExists", "the server reported a conflict".to_string()),
        409 => ("Conflict", "the server reported a conflict".to_string()),
        404 => ("NotFound", "the server could not find the requested resource".to_string()),
        400 => ("BadRequest", "the server rejected our request for an unknown reason".to_string()),
        401 => ("Unauthorized", "the server has asked for the client to provide credentials".to_string()),
        403 => ("Forbidden", server_message.clone()),
        406 if server_message.is_empty() || server_message == "unknown" => (
            "NotAcceptable",
            "the server was unable to respond with a content type that the client supports".to_string(),
        ),
        406 => ("NotAcceptable", server_message.clone()),
        415 => ("UnsupportedMediaType", server_message.clone()),
        405 => ("MethodNotAllowed", "the server does not allow this method on the requested resource".to_string()),
        422 => ("Invalid", "the server rejected our request due to an error in our request".to_string()),
        503 => ("ServiceUnavailable", "the server is currently unable to handle the request".to_string()),
        504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request".to_string()),
        429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later".to_string()),
        c if c >= 500 => (
            "InternalError",
            format!(
                "an error on the server ({}) has prevented the request from succeeding",
                crate::flags::go_values::go_quote(&server_message)
            ),
        ),
        c => (
            "",
            format!("the server responded with the status code {c} but did not return more information"),
        ),
    };
    if !resource.is_empty() {
        let verb = verb.to_lowercase();
        if name.is_empty() {
            message = format!("{message} ({verb} {resource})");
        } else {
            message = format!("{message} ({verb} {resource} {name})");
        }
    }
    ApiError::Status(Box::new(Status {
        status: "Failure".into(),
        message,
        reason: reason.into(),
        details: None,
        code,
    }))
}

/// `The Deployment "web" is invalid: spec.replicas: Invalid value: …`, one
/// `* field: message` line per cause when there are several.
fn invalid_message(status: &Status) -> String {
    let s = invalid_summary(status);
    let causes = status.details.as_ref().map_or(&[][..], |d| &d.causes[..]);
    match causes.len() {
        0 => s,
        1 => format!("{s}: {}", cause_text(&causes[0])),
        _ => {
            let mut text = format!("{s}: \n");
            for cause in causes {
                text.push_str(&format!("* {}\n", cause_text(cause)));
            }
            text.trim_end_matches('\n').to_string()
        }
    }
}

/// `The Pod "x" is invalid` (or `The request is invalid…`): what kubectl
/// says of an Invalid status before its causes.
fn invalid_summary(status: &Status) -> String {
    let Some(details) = &status.details else {
        let mut s = "The request is invalid".to_string();
        if !status.message.is_empty() {
            s.push_str(": ");
            s.push_str(&status.message);
        }
        return s;
    };
    let mut s = "The request is invalid".to_string();
    if !details.kind.is_empty() || !details.name.is_empty() {
        s = format!(
            "The {} {} is invalid",
            details.kind,
            crate::flags::go_values::go_quote(&details.name)
        );
    } else if !status.message.is_empty() && details.causes.is_empty() {
        s.push_str(": ");
        s.push_str(&status.message);
    }
    s
}

/// The text kubectl's `checkErr` ends a command with for an Invalid status
/// with causes: `MultilineError`, causes once each, every message closed by
/// a newline — so a cause that ends in one (the server's diff of a changed
/// ephemeral container) leaves a blank line.
fn invalid_fatal_text(status: &Status) -> Option<String> {
    let causes = status.details.as_ref().map(|d| &d.causes)?;
    let mut messages: Vec<String> = Vec::with_capacity(causes.len());
    for cause in causes {
        let text = cause_text(cause);
        if !messages.contains(&text) {
            messages.push(text);
        }
    }
    let prefix = format!("{}: ", invalid_summary(status));
    match messages.as_slice() {
        [] => None,
        [only] => Some(format!("{prefix}{only}\n")),
        many => Some(many.iter().fold(format!("{prefix}\n"), |mut text, m| {
            text.push_str(&format!("* {m}\n"));
            text
        })),
    }
}

fn cause_text(cause: &StatusCause) -> String {
    format!("{}: {}", cause.field, cause.message)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Status(s) => f.write_str(&s.message),
            ApiError::Connection { detail, .. } => f.write_str(detail),
            ApiError::Unexpected(msg) => f.write_str(msg),
            ApiError::BodyRead(_) | ApiError::BodyStream(_) => {
                f.write_str(&self.standard_message())
            }
            ApiError::Request(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: serde_json::Value) -> ApiError {
        ApiError::Status(Box::new(serde_json::from_value(json).unwrap()))
    }

    #[test]
    fn not_found_and_forbidden() {
        let e = status(
            serde_json::json!({"status": "Failure", "message": "pods \"x\" not found", "reason": "NotFound", "code": 404}),
        );
        assert_eq!(
            e.kubectl_message(),
            "Error from server (NotFound): pods \"x\" not found"
        );
        assert!(e.is_not_found());
    }

    #[test]
    fn invalid_with_causes() {
        let e = status(serde_json::json!({
            "message": "x", "reason": "Invalid", "code": 422,
            "details": {"name": "web", "kind": "Deployment", "causes": [
                {"field": "spec.replicas", "message": "Invalid value: -1: must be greater than or equal to 0"}
            ]}
        }));
        assert_eq!(
            e.kubectl_message(),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        let e = status(serde_json::json!({
            "reason": "Invalid", "details": {"name": "w", "kind": "Pod", "causes": [
                {"field": "a", "message": "b"}, {"field": "c", "message": "d"}
            ]}
        }));
        assert_eq!(
            e.kubectl_message(),
            "The Pod \"w\" is invalid: \n* a: b\n* c: d"
        );
    }

    #[test]
    fn invalid_as_the_last_word_closes_every_cause_with_a_newline() {
        let one = status(serde_json::json!({
            "reason": "Invalid", "code": 422, "message": "m",
            "details": {"name": "p", "kind": "Pod", "causes": [
                {"field": "spec.x", "message": "may not be changed\n@@ -1 +1 @@\n"}
            ]}
        }));
        assert_eq!(
            one.fatal_message(),
            "The Pod \"p\" is invalid: spec.x: may not be changed\n@@ -1 +1 @@\n\n"
        );
        let repeated = status(serde_json::json!({
            "reason": "Invalid", "code": 422, "message": "m",
            "details": {"name": "p", "kind": "Pod", "causes": [
                {"field": "a", "message": "bad"},
                {"field": "b", "message": "worse"},
                {"field": "a", "message": "bad"}
            ]}
        }));
        assert_eq!(
            repeated.fatal_message(),
            "The Pod \"p\" is invalid: \n* a: bad\n* b: worse\n"
        );
    }

    #[test]
    fn unstructured_errors_name_the_request() {
        let e = unstructured_response_error(500, "GET", "pods", "p1", b"{}", false);
        assert_eq!(
            e.to_string(),
            "an error on the server (\"unknown\") has prevented the request from succeeding (get pods p1)"
        );
        let e = unstructured_response_error(400, "GET", "pods", "p1", b"bad", true);
        assert_eq!(
            e.to_string(),
            "the server rejected our request for an unknown reason (get pods p1)"
        );
        let e = unstructured_response_error(502, "GET", "pods", "", b" gateway \n", true);
        assert_eq!(
            e.to_string(),
            "an error on the server (\"gateway\") has prevented the request from succeeding (get pods)"
        );
    }

    #[test]
    fn connection_refused() {
        let e = ApiError::Connection {
            host: "127.0.0.1:1".into(),
            refused: true,
            detail: String::new(),
        };
        assert_eq!(
            e.kubectl_message(),
            "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?"
        );
    }
}

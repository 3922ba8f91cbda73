//! Writing objects: create (POST), patch, replace, delete, pod evictions
//! and the `/scale` subresource (GET, PUT, merge PATCH), with the query
//! parameters kubectl sends.

use http::Method;
use serde_json::Value;

use super::mapper::Mapping;
use crate::client::{ApiClient, ApiError};
use crate::context::Context;
use crate::flags::validate::FieldValidation;

/// The options of a write request (`metav1.CreateOptions`,
/// `UpdateOptions`, `PatchOptions`).
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `fieldManager`; empty leaves the server to derive one.
    pub field_manager: String,
    /// `fieldValidation`, when the command sets one.
    pub field_validation: Option<FieldValidation>,
    /// `dryRun=All` (`--dry-run=server`).
    pub dry_run: bool,
}

impl WriteOptions {
    /// The query string, keys sorted as Go's `url.Values` encodes them.
    pub fn query(&self) -> String {
        let mut params: Vec<String> = Vec::new();
        if self.dry_run {
            params.push("dryRun=All".into());
        }
        if !self.field_manager.is_empty() {
            params.push(format!(
                "fieldManager={}",
                super::fetch::query_escape(&self.field_manager)
            ));
        }
        if let Some(v) = self.field_validation {
            params.push(format!("fieldValidation={}", v.as_str()));
        }
        if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        }
    }
}

/// POSTs `obj` to the collection of `mapping` in `namespace` and returns
/// the object the server made of it (defaults filled in).
pub async fn create(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    obj: &Value,
    options: &WriteOptions,
) -> Result<Value, ApiError> {
    let path = format!("{}{}", mapping.collection_path(namespace), options.query());
    client
        .json_request(Method::POST, &path, "application/json", obj)
        .await
}

/// Creates an object kuddle generated (run, create <kind>, expose) in the
/// namespace in effect, as kubectl's typed clients do: the resource comes
/// from the object's apiVersion and kind (discovery is refreshed once when
/// they are unknown). API failures stay [`ApiError`]s underneath, so
/// callers can word them.
pub async fn create_generated(
    ctx: &mut Context,
    obj: &Value,
    options: &WriteOptions,
) -> anyhow::Result<Value> {
    let conn = ctx.connection().await?;
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let mut mapping = ctx.discovery().await?.resolve_kind(api_version, kind);
    if mapping.is_none() {
        if let Some(fresh) = ctx.refresh_discovery().await? {
            mapping = fresh.resolve_kind(api_version, kind);
        }
    }
    let Some(mapping) = mapping else {
        anyhow::bail!("no matches for kind {kind:?} in version {api_version:?}");
    };
    Ok(create(&conn.client, &mapping, Some(&conn.namespace), obj, options).await?)
}

/// The body types of a PATCH request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 6902 JSON patch.
    Json,
    /// RFC 7386 JSON merge patch.
    Merge,
    /// Kubernetes strategic merge patch (built-in types only).
    Strategic,
    /// Server-side apply.
    Apply,
}

impl PatchType {
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Json => "application/json-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }
}

/// The path of an object, or of one of its subresources (`status`, `scale`).
fn target_path(
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    subresource: Option<&str>,
) -> String {
    let path = mapping.object_path(namespace, name);
    match subresource.filter(|s| !s.is_empty()) {
        Some(sub) => format!("{path}/{sub}"),
        None => path,
    }
}

/// PATCHes an object (or its `subresource`) with `body` and returns the
/// object the server made of it.
#[allow(clippy::too_many_arguments)]
pub async fn patch(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    subresource: Option<&str>,
    patch_type: PatchType,
    body: Vec<u8>,
    options: &WriteOptions,
) -> Result<Value, ApiError> {
    let path = format!(
        "{}{}",
        target_path(mapping, namespace, name, subresource),
        options.query()
    );
    let bytes = client
        .send(
            Method::PATCH,
            &path,
            crate::client::ACCEPT_JSON,
            Some(patch_type.content_type()),
            body,
        )
        .await?;
    crate::client::parse_json(&bytes)
}

/// PUTs `obj` in place of an object (or its `subresource`); the
/// resourceVersion in `obj`, if any, guards the write.
pub async fn replace(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    subresource: Option<&str>,
    obj: &Value,
    options: &WriteOptions,
) -> Result<Value, ApiError> {
    let path = format!(
        "{}{}",
        target_path(mapping, namespace, name, subresource),
        options.query()
    );
    client
        .json_request(Method::PUT, &path, "application/json", obj)
        .await
}

/// The body of a DELETE (`metav1.DeleteOptions`).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// `gracePeriodSeconds`; None keeps the object's default.
    pub grace_period: Option<i64>,
    /// `propagationPolicy` (`Background`, `Foreground`, `Orphan`).
    pub propagation: Option<&'static str>,
    /// `dryRun: [All]` (`--dry-run=server`).
    pub dry_run: bool,
}

impl DeleteOptions {
    pub fn body(&self) -> Value {
        let mut body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1"});
        if let Some(grace) = self.grace_period {
            body["gracePeriodSeconds"] = Value::from(grace);
        }
        if let Some(policy) = self.propagation {
            body["propagationPolicy"] = Value::from(policy);
        }
        if self.dry_run {
            body["dryRun"] = serde_json::json!(["All"]);
        }
        body
    }
}

/// Go's `url.ParseRequestURI` checks on a `--raw` URI, in kubectl's words:
/// `--raw must be a valid URL path: parse "x": invalid URI for request`.
pub fn check_raw_uri(raw: &str) -> anyhow::Result<()> {
    let fail = |why: &str| {
        anyhow::anyhow!(
            "--raw must be a valid URL path: parse {}: {why}",
            crate::flags::go_values::go_quote(raw)
        )
    };
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(fail("net/url: invalid control character in URL"));
    }
    if raw.is_empty() {
        return Err(fail("empty url"));
    }
    if raw == "*" {
        return Ok(());
    }
    let scheme_len = raw
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || "+-.".contains(c))))
        })
        .filter(|&(_, c)| c == ':')
        .map(|(i, _)| i);
    if raw.starts_with(':') {
        return Err(fail("missing protocol scheme"));
    }
    let rest = match scheme_len {
        Some(n) => &raw[n + 1..],
        None => raw,
    };
    if scheme_len.is_none() && !rest.starts_with('/') {
        return Err(fail("invalid URI for request"));
    }
    let path = rest.split('?').next().unwrap_or_default();
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let escape = path.get(i..(i + 3).min(path.len())).unwrap_or_default();
            let valid = escape.len() == 3 && escape[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !valid {
                return Err(fail(&format!(
                    "invalid URL escape {}",
                    crate::flags::go_values::go_quote(escape)
                )));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// The body of a `--raw` write from `-f`: standard input for `-`, else the
/// file. kubectl opens the file before it connects ("open F: …") and then
/// streams it as the request body, so a directory fails as the request
/// itself does.
pub fn raw_body(path: &str) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    if path == "-" {
        let mut data = Vec::new();
        std::io::stdin().lock().read_to_end(&mut data)?;
        return Ok(data);
    }
    std::fs::read(path).map_err(|e| match e.raw_os_error() {
        Some(21) => ApiError::Connection {
            host: String::new(),
            refused: false,
            detail: format!("read {path}: is a directory"),
        }
        .into(),
        _ => anyhow::anyhow!("open {path}: {}", crate::printers::gofmt::errno_text(&e)),
    })
}

/// A `--raw` request: `body` as it was read (a file or standard input),
/// the server's answer as it came.
pub async fn raw(
    client: &ApiClient,
    method: Method,
    uri: &str,
    body: Vec<u8>,
) -> Result<bytes::Bytes, ApiError> {
    let content_type = (!body.is_empty()).then_some("application/json");
    client
        .send(method, uri, "application/json, */*", content_type, body)
        .await
}

/// DELETEs an object with a `DeleteOptions` body (propagation policy,
/// grace period, preconditions, dry run) and returns what the server
/// answered: the object (when finalizers keep it for a while) or a Status.
pub async fn delete(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    delete_options: &Value,
) -> Result<Value, ApiError> {
    let path = mapping.object_path(namespace, name);
    client
        .json_request(Method::DELETE, &path, "application/json", delete_options)
        .await
}

/// Asks the server to evict a pod (`POST …/pods/NAME/eviction`) with an
/// `Eviction` of `api_version` (`policy/v1`) carrying `delete_options`. A
/// PodDisruptionBudget that forbids it answers 429 TooManyRequests.
pub async fn evict_pod(
    client: &ApiClient,
    pods: &Mapping,
    namespace: &str,
    name: &str,
    api_version: &str,
    delete_options: &Value,
) -> Result<Value, ApiError> {
    let path = format!("{}/eviction", pods.object_path(Some(namespace), name));
    let eviction = serde_json::json!({
        "kind": "Eviction",
        "apiVersion": api_version,
        "metadata": {"name": name, "namespace": namespace},
        "deleteOptions": delete_options,
    });
    client
        .json_request(Method::POST, &path, "application/json", &eviction)
        .await
}

fn scale_path(mapping: &Mapping, namespace: Option<&str>, name: &str) -> String {
    format!("{}/scale", mapping.object_path(namespace, name))
}

/// The `autoscaling/v1 Scale` of an object.
pub async fn get_scale(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
) -> Result<Value, ApiError> {
    client.get_json(&scale_path(mapping, namespace, name)).await
}

/// Replaces an object's Scale (the resourceVersion in `scale` guards it).
pub async fn put_scale(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    scale: &Value,
    options: &WriteOptions,
) -> Result<Value, ApiError> {
    let path = format!(
        "{}{}",
        scale_path(mapping, namespace, name),
        options.query()
    );
    client
        .json_request(Method::PUT, &path, "application/json", scale)
        .await
}

/// Sets `spec.replicas` of an object's Scale with a JSON merge patch.
pub async fn patch_scale(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    replicas: u64,
    options: &WriteOptions,
) -> Result<Value, ApiError> {
    let path = format!(
        "{}{}",
        scale_path(mapping, namespace, name),
        options.query()
    );
    let patch = serde_json::json!({ "spec": { "replicas": replicas } });
    client
        .json_request(Method::PATCH, &path, "application/merge-patch+json", &patch)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_uris_as_go_parses_them() {
        assert!(check_raw_uri("/api/v1/namespaces").is_ok());
        assert!(check_raw_uri("https://example.com/x").is_ok());
        assert_eq!(
            check_raw_uri("foo bar").unwrap_err().to_string(),
            "--raw must be a valid URL path: parse \"foo bar\": invalid URI for request"
        );
        assert_eq!(
            check_raw_uri("/a%zz").unwrap_err().to_string(),
            "--raw must be a valid URL path: parse \"/a%zz\": invalid URL escape \"%zz\""
        );
    }

    #[test]
    fn delete_options_body() {
        let o = DeleteOptions {
            grace_period: Some(0),
            propagation: Some("Foreground"),
            dry_run: true,
        };
        assert_eq!(
            o.body(),
            serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
                "propagationPolicy": "Foreground", "dryRun": ["All"]})
        );
    }

    #[test]
    fn query_parameters_in_go_order() {
        let o = WriteOptions {
            field_manager: "kubectl-create".into(),
            field_validation: Some(FieldValidation::Strict),
            dry_run: true,
        };
        assert_eq!(
            o.query(),
            "?dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict"
        );
        assert_eq!(WriteOptions::default().query(), "");
        let o = WriteOptions {
            field_manager: "a b".into(),
            ..Default::default()
        };
        assert_eq!(o.query(), "?fieldManager=a+b");
    }
}

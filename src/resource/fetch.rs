//! Reading objects from the server: one by name, or a collection page by
//! page (`limit` + `continue`), so large lists never sit in memory whole.

use bytes::Bytes;
use http::Method;
use serde_json::Value;

use super::mapper::Mapping;
use crate::client::decode::DecodeError;
use crate::client::list_decode::ListDecoder;
use crate::client::{ApiClient, ApiError, BodyReader};
use crate::flags::go_values::go_quote;

/// Query parameters of a list request.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub label_selector: String,
    pub field_selector: String,
    /// Page size; 0 asks for everything at once.
    pub limit: i64,
    /// `Object` to receive whole objects inside Table rows.
    pub include_object: Option<String>,
}

/// Percent-encodes a query value.
pub fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl ListQuery {
    fn to_query(&self, continue_token: Option<&str>) -> String {
        let mut params: Vec<String> = Vec::new();
        if let Some(token) = continue_token {
            params.push(format!("continue={}", query_escape(token)));
        }
        if let Some(include) = &self.include_object {
            params.push(format!("includeObject={}", query_escape(include)));
        }
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
        if self.limit > 0 {
            params.push(format!("limit={}", self.limit));
        }
        if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        }
    }
}

/// Pages through a collection.
pub struct Pager<'a> {
    client: &'a ApiClient,
    path: String,
    query: ListQuery,
    accept: &'a str,
    next: Option<Option<String>>,
    /// `metadata.resourceVersion` of the last page read.
    resource_version: Option<String>,
}

impl<'a> Pager<'a> {
    pub fn new(
        client: &'a ApiClient,
        mapping: &Mapping,
        namespace: Option<&str>,
        query: ListQuery,
        accept: &'a str,
    ) -> Pager<'a> {
        Pager {
            client,
            path: mapping.collection_path(namespace),
            query,
            accept,
            next: Some(None),
            resource_version: None,
        }
    }

    /// Pages through the collection at `path` (an API path such as
    /// `/api/v1/namespaces/ns/events`).
    pub fn for_path(
        client: &'a ApiClient,
        path: String,
        query: ListQuery,
        accept: &'a str,
    ) -> Pager<'a> {
        Pager {
            client,
            path,
            query,
            accept,
            next: Some(None),
            resource_version: None,
        }
    }

    fn page_path(&self, continue_token: Option<&str>) -> String {
        format!("{}{}", self.path, self.query.to_query(continue_token))
    }

    /// The next page's body, or None when the list is done.
    pub async fn next_page(&mut self) -> Result<Option<Bytes>, ApiError> {
        let Some(token) = self.next.take() else {
            return Ok(None);
        };
        let path = self.page_path(token.as_deref());
        let body = self
            .client
            .send(Method::GET, &path, self.accept, None, Vec::new())
            .await?;
        let head = list_head(&body);
        if let Some(t) = head.continue_token.filter(|t| !t.is_empty()) {
            self.next = Some(Some(t));
        }
        self.resource_version = head.resource_version;
        Ok(Some(body))
    }

    /// `metadata.resourceVersion` of the last page [`Pager::next_page`]
    /// read.
    pub fn resource_version(&self) -> Option<&str> {
        self.resource_version.as_deref()
    }
}

impl<'a> Pager<'a> {
    /// The items of the whole collection, one at a time, decoded as each
    /// page's body arrives (no page is held whole).
    pub fn into_items(self) -> ListItems<'a> {
        ListItems {
            pager: self,
            page: None,
        }
    }
}

/// Why the items of a list stopped: a request or its body failed, or the
/// answer was no list kubectl would decode.
#[derive(Debug)]
pub enum ListError {
    Api(ApiError),
    Decode(DecodeError),
}

impl From<ListError> for anyhow::Error {
    fn from(e: ListError) -> anyhow::Error {
        match e {
            ListError::Api(e) => e.into(),
            ListError::Decode(e) => e.into(),
        }
    }
}

/// A collection's items as they arrive, page after page.
pub struct ListItems<'a> {
    pager: Pager<'a>,
    /// The page being read; `None` in the reader once its body ended.
    page: Option<(Option<BodyReader>, ListDecoder)>,
}

impl ListItems<'_> {
    /// The next item (typed as its list implies), or None after the last.
    /// After an error there are no more items.
    pub async fn next(&mut self) -> Result<Option<Value>, ListError> {
        loop {
            let Some((reader, decoder)) = self.page.as_mut() else {
                let Some(token) = self.pager.next.take() else {
                    return Ok(None);
                };
                let reader = self
                    .pager
                    .client
                    .send_for_body(
                        Method::GET,
                        &self.pager.page_path(token.as_deref()),
                        self.pager.accept,
                    )
                    .await
                    .map_err(ListError::Api)?;
                self.page = Some((Some(reader), ListDecoder::new()));
                continue;
            };
            if let Some(item) = decoder.next_item() {
                return Ok(Some(item));
            }
            let Some(body) = reader.as_mut() else {
                self.page = None;
                continue;
            };
            match body.chunk().await {
                Ok(Some(bytes)) => decoder.feed(&bytes),
                Ok(None) => {
                    *reader = None;
                    match decoder.finish() {
                        Ok(head) => {
                            let token = head
                                .get("metadata")
                                .and_then(|m| m.get("continue"))
                                .and_then(Value::as_str)
                                .filter(|t| !t.is_empty());
                            if let Some(t) = token {
                                self.pager.next = Some(Some(t.to_string()));
                            }
                        }
                        Err(e) => {
                            self.page = None;
                            return Err(ListError::Decode(e));
                        }
                    }
                }
                Err(e) => {
                    self.page = None;
                    return Err(ListError::Api(e));
                }
            }
        }
    }
}

/// What paging reads of a list's `metadata`.
#[derive(Debug, Default, PartialEq)]
struct ListHead {
    continue_token: Option<String>,
    resource_version: Option<String>,
}

/// The `metadata` paging reads of a list body (JSON or protobuf), found
/// without decoding the items.
fn list_head(body: &[u8]) -> ListHead {
    use crate::client::protobuf;
    if protobuf::is_protobuf(body) {
        return ListHead {
            continue_token: protobuf::list_continue(body),
            resource_version: protobuf::list_resource_version(body),
        };
    }
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default, rename = "continue")]
        token: Option<String>,
        #[serde(default, rename = "resourceVersion")]
        resource_version: Option<Value>,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        metadata: Option<Meta>,
    }
    let meta = serde_json::from_slice::<Head>(body)
        .ok()
        .and_then(|head| head.metadata);
    match meta {
        Some(meta) => ListHead {
            continue_token: meta.token,
            resource_version: meta
                .resource_version
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        None => ListHead::default(),
    }
}

/// One object by name as kubectl's builder gets it (`Info.Get`): when it
/// is not found in a namespace other than `default`, and that namespace
/// does not exist either, the error names the namespace.
pub async fn get_object_or_namespace(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    accept: &str,
) -> Result<Bytes, ApiError> {
    get_subresource_or_namespace(client, mapping, namespace, name, "", accept).await
}

/// [`get_object_or_namespace`] of a subresource (none when empty).
pub async fn get_subresource_or_namespace(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    subresource: &str,
    accept: &str,
) -> Result<Bytes, ApiError> {
    let result = get_subresource(client, mapping, namespace, name, subresource, accept).await;
    match (result, namespace) {
        (Err(e), Some(ns)) if e.is_not_found() && !ns.is_empty() && ns != "default" => {
            let path = format!("/api/v1/namespaces/{}", super::mapper::path_escape(ns));
            match client.get_json(&path).await {
                Err(missing) if missing.is_not_found() => Err(missing),
                _ => Err(e),
            }
        }
        (other, _) => other,
    }
}

/// cli-runtime's `EnhanceListError`: a bad request or missing collection
/// says what was being listed (`subject` as kubectl names it, e.g.
/// `"/v1, Resource=pods"` for the builder or `pods` for describe's lookups).
pub fn enhance_list_error(error: ApiError, subject: &str, label: &str, field: &str) -> ApiError {
    match error {
        ApiError::Status(mut status)
            if status.reason == "BadRequest" || status.reason == "NotFound" =>
        {
            status.message = if label.is_empty() && field.is_empty() {
                format!("Unable to list {}: {}", go_quote(subject), status.message)
            } else {
                format!(
                    "Unable to find {} that match label selector {}, field selector {}: {}",
                    go_quote(subject),
                    go_quote(label),
                    go_quote(field),
                    status.message
                )
            };
            ApiError::Status(status)
        }
        other => other,
    }
}

/// One object by name.
pub async fn get_object(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    accept: &str,
) -> Result<Bytes, ApiError> {
    let path = mapping.object_path(namespace, name);
    client
        .send(Method::GET, &path, accept, None, Vec::new())
        .await
}

/// GET one object, or one of its subresources (`status`, `scale`) when
/// `subresource` is not empty.
pub async fn get_subresource(
    client: &ApiClient,
    mapping: &Mapping,
    namespace: Option<&str>,
    name: &str,
    subresource: &str,
    accept: &str,
) -> Result<Bytes, ApiError> {
    let mut path = mapping.object_path(namespace, name);
    if !subresource.is_empty() {
        path.push('/');
        path.push_str(&super::mapper::path_escape(subresource));
    }
    client
        .send(Method::GET, &path, accept, None, Vec::new())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let q = ListQuery {
            label_selector: "app in (a,b)".into(),
            limit: 500,
            ..Default::default()
        };
        assert_eq!(
            q.to_query(Some("tok=")),
            "?continue=tok%3D&labelSelector=app+in+%28a%2Cb%29&limit=500"
        );
        assert_eq!(ListQuery::default().to_query(None), "");
    }

    #[test]
    fn list_heads() {
        let head = list_head(
            br#"{"metadata":{"continue":"abc","resourceVersion":"12"},"items":[{"metadata":{"resourceVersion":"3"}}]}"#,
        );
        assert_eq!(head.continue_token.as_deref(), Some("abc"));
        assert_eq!(head.resource_version.as_deref(), Some("12"));
        assert_eq!(
            list_head(br#"{"metadata":{},"rows":[]}"#),
            ListHead::default()
        );
        // An odd version does not cost the continue token.
        let odd = list_head(br#"{"metadata":{"continue":"x","resourceVersion":5}}"#);
        assert_eq!(odd.continue_token.as_deref(), Some("x"));
        assert_eq!(odd.resource_version, None);
    }
}

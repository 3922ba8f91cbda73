//! The server's OpenAPI v3 documents, fetched as kubectl fetches them: the
//! index (`/openapi/v3`) every time, then only the group versions needed,
//! each through kubectl's HTTP cache (see [`http_cache`]), since their URLs
//! name their content's hash. `apply` reads merge keys from them and
//! `explain` renders them.

pub mod http_cache;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::client::{ApiClient, ApiError, ACCEPT_JSON};
use http_cache::HttpCache;

/// client-go's discovery client asks with this timeout unless
/// `--request-timeout` sets another.
const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(32);

/// The OpenAPI v3 documents of one server, fetched as they are needed.
#[derive(Default)]
pub struct OpenApiV3 {
    cache: Option<HttpCache>,
    index: Option<Value>,
    documents: HashMap<String, Arc<Value>>,
}

/// `api/v1` or `apis/apps/v1`: how the index names a group version.
pub fn group_version_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

impl OpenApiV3 {
    /// Documents cached in kubectl's HTTP cache under `cache_dir`
    /// (`--cache-dir`, `~/.kube/cache` by default).
    pub fn with_cache(cache_dir: &Path) -> OpenApiV3 {
        OpenApiV3 {
            cache: Some(HttpCache::new(cache_dir.join("http"))),
            ..Default::default()
        }
    }

    /// `?timeout=…` as client-go adds it to discovery requests.
    fn timeout_param(client: &ApiClient) -> String {
        let timeout = client
            .timeout()
            .filter(|t| !t.is_zero())
            .unwrap_or(DISCOVERY_TIMEOUT);
        format!("timeout={}", crate::client::go_duration_string(timeout))
    }

    /// The index: each group version's `serverRelativeURL`, by key.
    pub async fn paths(&mut self, client: &ApiClient) -> Result<&Value, ApiError> {
        if self.index.is_none() {
            let path = format!("/openapi/v3?{}", Self::timeout_param(client));
            let index = client.get_json(&path).await?;
            self.index = Some(index.get("paths").cloned().unwrap_or(Value::Null));
        }
        Ok(self.index.get_or_insert(Value::Null))
    }

    /// The document of a group version key (see [`group_version_key`]) as
    /// the server sent it, or None when the index does not list it.
    pub async fn document_bytes(
        &mut self,
        client: &ApiClient,
        key: &str,
    ) -> Result<Option<Bytes>, ApiError> {
        let url = self
            .paths(client)
            .await?
            .get(key)
            .and_then(|p| p.get("serverRelativeURL"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(relative) = url else {
            return Ok(None);
        };
        let separator = if relative.contains('?') { '&' } else { '?' };
        let path = format!("{relative}{separator}{}", Self::timeout_param(client));
        let full_url = format!("{}{path}", client.base_url());
        if let Some(cache) = &self.cache {
            if let Some(entry) = cache.get(&full_url) {
                if entry.usable(ACCEPT_JSON, chrono::Utc::now()) {
                    return Ok(Some(entry.body));
                }
            }
        }
        let response = client.get_raw(&path, ACCEPT_JSON).await?;
        if !response.status.is_success() {
            return Err(crate::client::status_error(
                response.status,
                &http::Method::GET,
                &response.content_type,
                &path,
                &response.body,
            ));
        }
        if let Some(cache) = &self.cache {
            let mut headers: Vec<(String, String)> = response
                .headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let varies_by_accept = headers.iter().any(|(k, v)| {
                k == "vary"
                    && v.split(',')
                        .any(|h| h.trim().eq_ignore_ascii_case("accept"))
            });
            if varies_by_accept {
                headers.push(("x-varied-accept".into(), ACCEPT_JSON.into()));
            }
            cache.put(&full_url, &headers, &response.body);
        }
        Ok(Some(response.body))
    }

    /// The parsed document of a group version (`""` is the core group), or
    /// None when the server has none. Parsed once per invocation.
    pub async fn group_version(
        &mut self,
        client: &ApiClient,
        group: &str,
        version: &str,
    ) -> Result<Option<Arc<Value>>, ApiError> {
        let key = group_version_key(group, version);
        if let Some(doc) = self.documents.get(&key) {
            return Ok(Some(doc.clone()));
        }
        let Some(body) = self.document_bytes(client, &key).await? else {
            return Ok(None);
        };
        let doc = Arc::new(crate::client::parse_json(&body)?);
        self.documents.insert(key, doc.clone());
        Ok(Some(doc))
    }
}

/// The whole OpenAPI v2 document (`explain --output=plaintext-openapiv2`),
/// as JSON.
pub async fn v2_document(client: &ApiClient) -> Result<Bytes, ApiError> {
    let path = format!("/openapi/v2?{}", OpenApiV3::timeout_param(client));
    client
        .send(http::Method::GET, &path, ACCEPT_JSON, None, Vec::new())
        .await
}

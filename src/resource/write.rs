//! Writing objects: create (POST) and the `/scale` subresource (GET, PUT,
//! merge PATCH), with the query parameters kubectl sends.

use http::Method;
use serde_json::Value;

use super::mapper::Mapping;
use crate::client::{ApiClient, ApiError};
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

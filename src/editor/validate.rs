//! Client-side checks of the edited text, as kubectl's validator makes
//! them before anything is sent.

use std::io::Write;

use serde_json::Value;

use super::file;

/// Client-side checks of the edited text (kubectl's validator): the type
/// fields of the document, and of each item of a list. The server checks
/// everything else itself (its field validation), lists aside: for those
/// kubectl also checks the items against the OpenAPI schema, which kuddle
/// leaves to the server. With `warn`, lists are not checked (kubectl says so).
pub(super) fn validate(data: &[u8], warn: bool, stderr: &mut dyn Write) -> Result<(), String> {
    let obj: Value = if file::looks_like_json(data) {
        serde_json::from_slice(data).map_err(|e| e.to_string())?
    } else {
        crate::kubeconfig::yaml::yaml_to_json(data)?
    };
    let (api_version, kind) = object_kind(&obj).map_err(|errors| go_aggregate(&errors))?;
    if api_version != "v1" || kind != "List" {
        return Ok(());
    }
    if warn {
        crate::context::klog_warning(
            stderr,
            "schema.go:145",
            "cannot perform warn validation if server-side field validation is unsupported, skipping validation",
        );
        return Ok(());
    }
    let Some(items) = obj.get("items").and_then(Value::as_array) else {
        return Err("invalid object to validate".into());
    };
    let errors: Vec<String> = items
        .iter()
        .filter_map(|item| object_kind(item).err())
        .flatten()
        .collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(go_aggregate(&errors)),
    }
}

/// kubectl's `getObjectKind`: the document's apiVersion and kind, or why
/// they are unusable.
fn object_kind(obj: &Value) -> Result<(String, String), Vec<String>> {
    let Some(fields) = obj.as_object() else {
        return Err(vec!["invalid object to validate".into()]);
    };
    let mut errors: Vec<String> = Vec::new();
    let mut api_version = String::new();
    match fields.get("apiVersion") {
        None | Some(Value::Null) => errors.push("apiVersion not set".into()),
        Some(Value::String(v)) if v.matches('/').count() > 1 => {
            errors.push(format!("unexpected GroupVersion string: {v}"))
        }
        Some(Value::String(v)) => api_version = v.clone(),
        Some(_) => errors.push("apiVersion isn't string type".into()),
    }
    let mut kind = String::new();
    match fields.get("kind") {
        None | Some(Value::Null) => errors.push("kind not set".into()),
        Some(Value::String(k)) => kind = k.clone(),
        Some(_) => errors.push("kind isn't string type".into()),
    }
    if errors.is_empty() {
        Ok((api_version, kind))
    } else {
        Err(errors)
    }
}

/// Go's aggregate error text: one message as it is, several in brackets
/// (each once).
fn go_aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&String> = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        many => format!(
            "[{}]",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The message of the invalid-object error the validator's failure becomes.
pub(super) fn validation_cause(err: &str) -> String {
    format!("Invalid value: \"The edited file failed validation\": {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_in_kubectl_words() {
        let v = |data: &[u8]| validate(data, false, &mut std::io::sink());
        assert_eq!(v(b"null").unwrap_err(), "invalid object to validate");
        assert_eq!(
            v(b"{\"metadata\": {}}").unwrap_err(),
            "[apiVersion not set, kind not set]"
        );
        assert_eq!(
            v(b"{\"apiVersion\": 1, \"kind\": \"X\"}").unwrap_err(),
            "apiVersion isn't string type"
        );
        assert_eq!(
            v(b"a: [\n").unwrap_err(),
            "yaml: line 1: did not find expected node content"
        );
        assert_eq!(
            v(b"{\"apiVersion\": \"v1\", \"kind\": \"List\"}").unwrap_err(),
            "invalid object to validate"
        );
        assert_eq!(
            v(b"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"kind\": \"A\"}, {}]}")
                .unwrap_err(),
            "[apiVersion not set, kind not set]"
        );
        let mut warned = Vec::new();
        assert!(validate(
            b"{\"apiVersion\": \"v1\", \"kind\": \"List\"}",
            true,
            &mut warned
        )
        .is_ok());
        assert!(String::from_utf8(warned)
            .unwrap()
            .contains("skipping validation"));
    }
}

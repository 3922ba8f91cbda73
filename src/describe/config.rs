//! ConfigMaps, Secrets (sizes only) and ServiceAccounts.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events;
use super::format::{annotations_multiline, labels_multiline};
use super::json::{arr, name, namespace, s, string_map};
use super::related::Related;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{events_section, DescribeError};

fn decoded_len(b64: &str) -> usize {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map(|d| d.len())
        .unwrap_or(0)
}

pub fn describe_configmap(
    cm: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(cm)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(cm)));
    labels_multiline(&mut w, "Labels", &string_map(cm, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(cm, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in string_map(cm, &["data"]) {
        w.write(LEVEL_0, &format!("{k}:\n----\n"));
        w.write(LEVEL_0, &format!("{v}\n"));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (k, v) in string_map(cm, &["binaryData"]) {
        w.write(LEVEL_0, &format!("{k}: {} bytes\n", decoded_len(&v)));
    }
    w.write(LEVEL_0, "\n");
    if show_events {
        let q = events::query_for(cm, "ConfigMap");
        let list = related
            .items(&q)
            .map_err(|f| DescribeError::Request(f.clone()))?;
        events::describe(list, &mut w, now);
    }
    Ok(w.finish())
}

pub fn describe_secret(secret: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(secret)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(secret)));
    labels_multiline(
        &mut w,
        "Labels",
        &string_map(secret, &["metadata", "labels"]),
    );
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(secret, &["metadata", "annotations"]),
    );
    let kind = s(secret, &["type"]);
    w.write(LEVEL_0, &format!("\nType:\t{kind}\n"));
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in string_map(secret, &["data"]) {
        if k == "token" && kind == "kubernetes.io/service-account-token" {
            let text = base64::engine::general_purpose::STANDARD
                .decode(&v)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or_default();
            w.write(LEVEL_0, &format!("{k}:\t{text}\n"));
        } else {
            w.write(LEVEL_0, &format!("{k}:\t{} bytes\n", decoded_len(&v)));
        }
    }
    w.finish()
}

pub fn describe_service_account(
    sa: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(sa)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(sa)));
    labels_multiline(&mut w, "Labels", &string_map(sa, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(sa, &["metadata", "annotations"]),
    );
    let names: Vec<&str> = arr(sa, &["imagePullSecrets"])
        .iter()
        .map(|r| s(r, &["name"]))
        .collect();
    let header = "Image pull secrets:";
    if names.is_empty() {
        w.write(LEVEL_0, &format!("{header}\t<none>\n"));
    } else {
        let mut prefix = header;
        for n in names {
            w.write(LEVEL_0, &format!("{prefix}\t{n}\n"));
            prefix = "                   ";
        }
    }
    events_section(&mut w, sa, "ServiceAccount", related, show_events, now);
    w.finish()
}

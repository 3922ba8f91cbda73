//! Entry points for fuzzing every parser that reads user or server input.
//! The cargo-fuzz targets in `fuzz/` call these, and `tests/fuzz_corpora.rs`
//! runs them over the saved corpora and crash regressions with plain
//! `cargo test`. Each takes arbitrary bytes and must neither panic nor hang;
//! some check an invariant as well.

use std::sync::Arc;

use serde_json::{Map, Value};

/// One fuzz target: its name (the folder under `fuzz/corpus/`) and entry.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in `fuzz/fuzz_targets/` order.
pub const TARGETS: &[Target] = &[
    Target {
        name: "kubeconfig",
        run: kubeconfig,
    },
    Target {
        name: "manifest",
        run: manifest,
    },
    Target {
        name: "jsonpath",
        run: jsonpath,
    },
    Target {
        name: "custom_columns",
        run: custom_columns,
    },
    Target {
        name: "label_selector",
        run: label_selector,
    },
    Target {
        name: "quantity",
        run: quantity,
    },
    Target {
        name: "strategic_merge",
        run: strategic_merge,
    },
    Target {
        name: "exec_credential",
        run: exec_credential,
    },
    Target {
        name: "server_json",
        run: server_json,
    },
    Target {
        name: "go_template",
        run: go_template,
    },
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A fixed object for templates to run against.
fn sample_object() -> Value {
    serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "a.b/c": "d"}, "annotations": {}},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "c", "image": "nginx", "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]},
            {"name": "d", "image": "busybox", "args": ["a", "b"]}
        ]}}},
        "status": {"conditions": [{"type": "Available", "status": "True"}], "ratio": 0.5, "flag": true, "none": null}
    })
}

/// Kubeconfig YAML: decoding, then resolution of its current context.
pub fn kubeconfig(data: &[u8]) {
    // On a big stack, as kuddle's main runs: the decoded values may nest
    // 10,000 levels and each step below recurses per level.
    crate::kubeconfig::yaml::on_deep_stack(|| kubeconfig_use(data))
}

fn kubeconfig_use(data: &[u8]) {
    if let Ok(config) = crate::kubeconfig::decode::decode_config(data) {
        let client = crate::kubeconfig::ClientConfig::new(
            config,
            crate::kubeconfig::Overrides::default(),
            crate::kubeconfig::InCluster::default(),
        );
        let _ = client.namespace();
        if let Ok(resolved) = client.client_config() {
            let _ = crate::client::tls::client_config(&resolved, Arc::default());
            let _ = crate::client::auth::Auth::new(&resolved, Value::Null);
        }
    }
}

/// Manifests: YAML and JSON, several documents, Lists.
pub fn manifest(data: &[u8]) {
    let names = vec!["-".to_string()];
    let opts = crate::resource::manifest::ManifestOptions {
        filenames: &names,
        recursive: false,
        kustomize: None,
        validate: true,
        schema: None,
        downloads: None,
    };
    let mut stdin: &[u8] = data;
    let _ = crate::resource::manifest::read(&opts, &mut stdin);
}

/// JSONPath templates: parse, then execute against an object.
pub fn jsonpath(data: &[u8]) {
    let text = text(data);
    if let Ok(template) = crate::printers::jsonpath::Template::parse(&text) {
        let mut out = Vec::new();
        let _ = template.execute(&sample_object(), &mut out);
        let _ = template
            .clone()
            .json_output(true)
            .execute(&sample_object(), &mut out);
    }
}

/// Go templates (`-o go-template=`): parse, then execute against an object,
/// with missing keys allowed and refused.
pub fn go_template(data: &[u8]) {
    let text = text(data);
    if let Ok(template) = crate::printers::gotemplate::GoTemplate::parse(&text) {
        let mut out = CappedOutput::default();
        let _ = template.execute(&sample_object(), &mut out);
        out.0.clear();
        let _ = template
            .allow_missing_keys(false)
            .execute(&sample_object(), &mut out);
    }
}

/// Output that refuses to grow past a mebibyte. A template may ask for
/// gigabytes (`{{range 5555555}}…{{end}}`), which kubectl prints as well;
/// what the fuzzer looks for is a crash, not the size of the output.
#[derive(Default)]
struct CappedOutput(Vec<u8>);

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > 1 << 20 {
            return Err(std::io::Error::other("output cap reached"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Custom-columns specs: parse, then print an object.
pub fn custom_columns(data: &[u8]) {
    let text = text(data);
    if let Ok(mut columns) = crate::printers::custom_columns::CustomColumns::from_spec(&text, false)
    {
        let mut out = Vec::new();
        let _ = columns.print(&sample_object(), &mut out);
    }
}

/// Label selectors: parse, then match some labels.
pub fn label_selector(data: &[u8]) {
    let text = text(data);
    if let Ok(selector) = crate::resource::selector::Selector::parse(&text) {
        let labels: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "app": "web", "tier": "front", "a.b/c": "d", "n": "1"
        }))
        .unwrap_or_default();
        let _ = selector.matches_object_labels(Some(&labels));
        let _ = selector.matches_object_labels(None);
        let _ = selector.to_text();
    }
}

/// Resource quantities, as generators and describers read them.
pub fn quantity(data: &[u8]) {
    let text = text(data);
    if let Ok(q) = crate::quantity::Quantity::parse(&text) {
        let _ = q.to_canonical();
        let _ = q.value();
        let _ = q.milli_value();
        let mut sum = q.clone();
        sum.add(&q);
        let _ = sum.cmp(&q);
    }
    let _ = crate::quantity::canonical(&text);
}

/// Strategic merge: three documents (split on NUL bytes) as last-applied,
/// manifest and live object; the patch is computed and merged back.
pub fn strategic_merge(data: &[u8]) {
    let mut parts = data.split(|b| *b == 0);
    let mut doc = || -> Option<Map<String, Value>> {
        serde_json::from_slice::<Value>(parts.next()?)
            .ok()?
            .as_object()
            .cloned()
    };
    let (Some(original), Some(modified), Some(current)) = (doc(), doc(), doc()) else {
        return;
    };
    let schema = FixedSchema(String::new());
    use crate::apply::strategic::{create_three_way_merge_patch, strategic_merge_patch};
    if let Ok(patch) = create_three_way_merge_patch(&original, &modified, &current, &schema, true) {
        let _ = strategic_merge_patch(current.clone(), patch, &schema);
    }
    if let Ok(patch) =
        crate::apply::jsonmerge::create_three_way_json_merge_patch(&original, &modified, &current)
    {
        let _ = crate::apply::jsonmerge::merge_patch(Value::Object(current), &Value::Object(patch));
    }
}

/// Patch metadata for a few well-known Pod fields, like the server's
/// OpenAPI gives them.
#[derive(Clone)]
struct FixedSchema(String);

impl crate::apply::strategic::PatchMetaLookup for FixedSchema {
    fn for_struct(&self, key: &str) -> Result<(Self, crate::apply::strategic::PatchMeta), String> {
        self.for_slice(key)
    }

    fn for_slice(&self, key: &str) -> Result<(Self, crate::apply::strategic::PatchMeta), String> {
        const FIELDS: &[(&str, &str, &str)] = &[
            ("/spec/containers", "name", "merge"),
            ("/spec/containers/env", "name", "merge"),
            ("/spec/containers/ports", "containerPort", "merge"),
            ("/metadata/finalizers", "", "merge"),
            ("/spec/volumes", "name", "merge,retainKeys"),
        ];
        let path = format!("{}/{key}", self.0);
        let meta = FIELDS
            .iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, k, s)| crate::apply::strategic::PatchMeta {
                merge_key: k.to_string(),
                strategies: s.split(',').map(str::to_string).collect(),
            })
            .unwrap_or_default();
        Ok((FixedSchema(path), meta))
    }

    fn name(&self) -> String {
        "Struct".into()
    }
}

/// An exec credential plugin's answer.
pub fn exec_credential(data: &[u8]) {
    for version in [
        "client.authentication.k8s.io/v1",
        "client.authentication.k8s.io/v1beta1",
    ] {
        if let Err(message) = crate::client::exec::decode(version, data) {
            // The answer may hold a token: a message never quotes it.
            assert!(
                !message.contains("fuzz-secret-token"),
                "an exec plugin's token leaked into {message:?}"
            );
        }
    }
}

/// The server's JSON: Go's syntax check must agree with serde on what is
/// JSON, and the unstructured decoder must not panic.
pub fn server_json(data: &[u8]) {
    let go = crate::client::decode::check_syntax(data);
    // Valid UTF-8 JSON: both parsers agree (serde limits nesting to 128).
    if std::str::from_utf8(data).is_ok() {
        let serde_ok = serde_json::from_slice::<Value>(data).is_ok();
        if serde_ok {
            assert!(go.is_ok(), "serde accepted what Go refuses: {go:?}");
        }
    }
    let _ = crate::client::decode::unstructured(data);
    let _ = crate::client::parse_warning_header(&text(data));
}

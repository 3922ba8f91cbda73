//! The renderers against kubectl's output for recorded documents
//! (tests/fixtures/explain: `cases.txt` lists the cases, `record.py`
//! records the documents and kubectl 1.37.1's stdout and stderr).

use std::path::PathBuf;

use serde_json::Value;

use super::*;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain")
}

fn read(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn document(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One line of cases.txt.
struct Case {
    name: String,
    v3: bool,
    group: String,
    version: String,
    resource: String,
    kind: String,
    fields: Vec<String>,
    depth: Depth,
}

fn cases() -> Vec<Case> {
    let text = read("cases.txt");
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<String> = line
            .replace('@', "")
            .split_whitespace()
            .map(String::from)
            .collect();
        let [name, format, api_version, resource, kind, path, flags @ ..] = words.as_slice() else {
            panic!("bad case line: {line}");
        };
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let mut depth = Depth::default();
        for flag in flags {
            if flag == "--recursive" {
                depth.recursive = true;
            } else if let Some(n) = flag.strip_prefix("--max-depth=") {
                depth.max_depth = n.parse().expect("max depth");
            } else {
                panic!("unknown flag in case {name}: {flag}");
            }
        }
        out.push(Case {
            name: name.clone(),
            v3: format == "v3",
            group: group.to_string(),
            version: version.to_string(),
            resource: resource.clone(),
            kind: kind.clone(),
            fields: if path == "-" {
                Vec::new()
            } else {
                path.split('.').map(String::from).collect()
            },
            depth,
        });
    }
    out
}

/// What kubectl wrote to stderr, as the error's message (no `error: `).
fn expected_error(case: &str) -> Option<String> {
    let path = fixture_dir().join(format!("{case}.err"));
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.strip_suffix('\n').unwrap_or(&text);
    Some(line.strip_prefix("error: ").unwrap_or(line).to_string())
}

fn without_prefix(message: String) -> String {
    message
        .strip_prefix("error: ")
        .map(str::to_string)
        .unwrap_or(message)
}

#[test]
fn renders_every_recorded_case_as_kubectl() {
    let hpa = document("autoscaling-v2.json");
    let widgets = document("widgets-v1.json");
    let v2_doc = document("openapiv2.json");
    let all = cases();
    assert!(all.len() >= 30, "cases.txt has {} cases", all.len());
    for case in all {
        let (text, error) = if case.v3 {
            let doc = if case.group == "autoscaling" {
                &hpa
            } else {
                &widgets
            };
            let gvr = Gvr {
                group: case.group.clone(),
                version: case.version.clone(),
                resource: case.resource.clone(),
            };
            let rendered = plaintext(doc, &gvr, &case.fields, case.depth);
            (rendered.text, rendered.error.map(without_prefix))
        } else {
            let gvk = v2::Gvk {
                group: case.group.clone(),
                version: case.version.clone(),
                kind: case.kind.clone(),
            };
            match v2::explain(&v2_doc, &gvk, &case.fields, case.depth) {
                Ok(text) => (text, None),
                Err(e) => (String::new(), Some(without_prefix(e.to_string()))),
            }
        };
        let expected = read(&format!("{}.out", case.name));
        assert!(
            text == expected,
            "case {}: stdout differs\n--- kubectl\n{expected}\n--- kuddle\n{text}",
            case.name
        );
        assert_eq!(
            error,
            expected_error(&case.name),
            "case {}: error",
            case.name
        );
    }
}

#[test]
fn kinds_the_document_lacks_are_kubectls_errors() {
    let doc = document("autoscaling-v2.json");
    let gvr = Gvr {
        group: "autoscaling".into(),
        version: "v2".into(),
        resource: "nopes".into(),
    };
    let rendered = plaintext(&doc, &gvr, &[], Depth::default());
    assert_eq!(rendered.text, "");
    assert_eq!(
        rendered.error.as_deref(),
        Some("error: GVR (autoscaling/v2, Resource=nopes) not found in OpenAPI schema")
    );
    let gvk = v2::Gvk {
        group: String::new(),
        version: "v9".into(),
        kind: "Pod".into(),
    };
    let err = v2::explain(&document("openapiv2.json"), &gvk, &[], Depth::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "couldn't find resource for \"/v9, Kind=Pod\""
    );
}

#[test]
fn a_reference_cycle_is_cut_where_it_repeats() {
    // A schema that contains itself, through a list and directly.
    let doc: Value = serde_json::json!({
        "paths": {"/apis/g/v1/nodes": {"get": {"x-kubernetes-group-version-kind":
            {"group": "g", "version": "v1", "kind": "Node"}}}},
        "components": {"schemas": {
            "g.v1.Node": {
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "g", "version": "v1", "kind": "Node"}],
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/g.v1.Node"}},
                    "name": {"type": "string"}
                }
            }
        }}
    });
    let gvr = Gvr {
        group: "g".into(),
        version: "v1".into(),
        resource: "nodes".into(),
    };
    let depth = Depth {
        recursive: true,
        max_depth: 0,
    };
    let rendered = plaintext(&doc, &gvr, &[], depth);
    assert_eq!(rendered.error, None);
    assert_eq!(
        rendered.text,
        "GROUP:      g\nKIND:       Node\nVERSION:    v1\n\nDESCRIPTION:\n    <empty>\nFIELDS:\n  \
         children\t<[]Node>\n    children\t<[]Node>\n    name\t<string>\n  name\t<string>\n\n"
    );
}

//! YAML to JSON the way kubectl reads a kubeconfig: go-yaml v2 builds a tree
//! from the first document and resolves plain scalars by YAML 1.1 rules
//! (`yes`/`off` are booleans, `017` is octal, `1_000` an integer), then
//! sigs.k8s.io/yaml turns map keys into strings and marshals the result as
//! JSON (keys sorted, NaN and infinities rejected).
//!
//! Errors are kubectl's words: `yaml: line 3: …`, `yaml: unknown anchor 'x'
//! referenced`, `json: unsupported value: +Inf`, ….

mod decoder;
mod jsonable;
mod libyaml;
mod quirks;
mod scalars;
mod tree;

use serde_json::Value;

use decoder::Decoder;
use jsonable::{check_marshalable, into_value, to_jsonable};
use tree::Tree;

/// Converts YAML text to the JSON value kubectl decodes. An empty stream is
/// `null`.
pub fn yaml_to_json(input: &[u8]) -> Result<Value, String> {
    let tree = Tree::parse(input)?;
    let Some(root) = tree.root else {
        return Ok(Value::Null);
    };
    let go = Decoder::new(&tree).unmarshal(root)?;
    let json = to_jsonable(go)?;
    check_marshalable(&json)?;
    Ok(into_value(json))
}

/// sigs.k8s.io/yaml's `YAMLToJSONStrict` failure for keys given twice in a
/// mapping (`yaml: unmarshal errors:\n  line 4: key "a" already set in map`),
/// if the document parses and has any.
pub fn duplicate_keys_error(input: &[u8]) -> Option<String> {
    let tree = Tree::parse(input).ok()?;
    let root = tree.root?;
    let mut decoder = Decoder::strict(&tree);
    decoder.unmarshal(root).ok()?;
    let found = decoder.duplicates();
    if found.is_empty() {
        return None;
    }
    Some(format!("yaml: unmarshal errors:\n  {}", found.join("\n  ")))
}

/// apimachinery's `yaml.ToJSON`: a document that starts like a JSON object
/// (`{` after white space) is passed on as it is; anything else is read as
/// YAML and written as JSON.
pub fn to_json_document(data: &[u8]) -> Result<Vec<u8>, String> {
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return Ok(data.to_vec());
    }
    let value = yaml_to_json(data)?;
    serde_json::to_vec(&value).map_err(|e| e.to_string())
}

/// Runs `f` on a thread whose stack holds documents nested to go-yaml's
/// limit (10000 levels); the recursive steps here need that much.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match crate::stack::with_stack(256 << 20, f) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => panic!("cannot start the YAML decoding thread: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn j(text: &str) -> Value {
        yaml_to_json(text.as_bytes()).unwrap()
    }

    fn err(text: &str) -> String {
        yaml_to_json(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn strict_mode_reports_keys_given_twice() {
        assert_eq!(
            duplicate_keys_error(b"a: 1\nb: 2\na:\n  x: 3\n").as_deref(),
            Some("yaml: unmarshal errors:\n  line 4: key \"a\" already set in map")
        );
        assert_eq!(duplicate_keys_error(b"a: 1\nb: 2\n"), None);
    }

    #[test]
    fn yaml_1_1_scalars() {
        assert_eq!(
            j("a: yes\nb: off\nc: y\nd: ~\ne: 017\nf: 0x1F\ng: 1_000\nh: 08\ni: 1.0\nj: 1e400\nk: '1'\nl: -0b11\n"),
            json!({"a": true, "b": false, "c": true, "d": null, "e": 15, "f": 31, "g": 1000,
                   "h": 8, "i": 1, "j": "1e400", "k": "1", "l": -3})
        );
        assert_eq!(
            j("o: 9223372036854775808\np: 18446744073709551616\nq: 2001-12-14\nr: .5\n"),
            json!({"o": 9223372036854775808u64, "p": 18446744073709551616.0f64, "q": "2001-12-14", "r": 0.5})
        );
    }

    #[test]
    fn keys_become_sorted_strings() {
        let v = j("n: 1\n1: a\ntrue: b\n1.5: c\nb: 2\n");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["1", "1.5", "b", "false", "true"]);
    }

    #[test]
    fn anchors_aliases_and_merges() {
        assert_eq!(
            j("a: &x [1]\nb: *x\nc:\n  <<: {d: 1, e: 2}\n  e: 3\n"),
            json!({"a": [1], "b": [1], "c": {"d": 1, "e": 3}})
        );
        assert_eq!(
            err("a: &x 1\nb: *y\n"),
            "yaml: unknown anchor 'y' referenced"
        );
        assert_eq!(
            err("a: {<<: 5}\n"),
            "yaml: map merge requires map or sequence of maps as the value"
        );
    }

    #[test]
    fn first_document_only_and_empty_streams() {
        assert_eq!(j("a: 1\n---\nb: 2\n"), json!({"a": 1}));
        assert_eq!(j(""), Value::Null);
        assert_eq!(j("# just a comment\n"), Value::Null);
    }

    #[test]
    fn errors_in_kubectl_words() {
        assert_eq!(err("a: .inf\n"), "json: unsupported value: +Inf");
        assert_eq!(err("a: .nan\n"), "json: unsupported value: NaN");
        assert_eq!(
            err("a: !!int x\n"),
            "yaml: cannot decode !!str `x` as a !!int"
        );
        assert_eq!(
            err("!!binary a: b\n"),
            "yaml: !!binary value contains invalid base64 data"
        );
        assert_eq!(
            err("[a]: b\n"),
            "yaml: invalid map key: []interface {}{\"a\"}"
        );
        assert_eq!(
            err("~: c\n"),
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"c\""
        );
        assert_eq!(
            err("key: [\n"),
            "yaml: line 1: did not find expected node content"
        );
    }

    #[test]
    fn go_yaml_flow_scalar_rules() {
        // `x:` before a flow indicator is a scalar; `?` ends one and fails.
        assert_eq!(j("a: [b:, c]\n"), json!({"a": ["b:", "c"]}));
        assert_eq!(j("a: {b: it's:}\n"), json!({"a": {"b": "it's:"}}));
        assert_eq!(
            err("a: [x,\n  b?c]\n"),
            "yaml: line 1: did not find expected ',' or ']'"
        );
        assert_eq!(err("{a: b?c}\n"), "yaml: did not find expected ',' or '}'");
        assert_eq!(
            err("a: 1\nb: \"x\\\\\\/y\"\n"),
            "yaml: line 2: found unknown escape character"
        );
        assert_eq!(j("a: \"x\\\\/y\"\n"), json!({"a": "x\\/y"}));
    }

    #[test]
    fn go_yaml_tags_take_commas_and_brackets() {
        // go-yaml reads the tag `!017,`, libyaml 0.2.5 stops at the comma.
        assert_eq!(j("a: [!017, 1_000]\n"), json!({"a": ["1_000"]}));
        assert_eq!(j("a: !foo,bar x\n"), json!({"a": "x"}));
        assert_eq!(
            err("a: !foo{ x\n"),
            "yaml: did not find expected whitespace or line break"
        );
    }

    #[test]
    fn depth_limits() {
        let deep = format!("a: {}{}\n", "[".repeat(10_001), "]".repeat(10_001));
        assert_eq!(
            on_deep_stack(|| err(&deep)),
            "yaml: exceeded max depth of 10000"
        );
        let block: String = (0..10_001)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert_eq!(
            on_deep_stack(|| err(&block)),
            "yaml: line 10001: exceeded max depth of 10000"
        );
    }
}

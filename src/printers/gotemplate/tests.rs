use serde_json::json;

use super::*;

fn run(template: &str, data: &Value) -> String {
    let t = GoTemplate::parse(template).unwrap();
    let mut out = Vec::new();
    match t.execute(data, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap(),
        Err(e) => format!("{}ERR {e}", String::from_utf8_lossy(&out)),
    }
}

#[test]
fn fields_ranges_and_printing() {
    let data = json!({"kind": "Pod", "metadata": {"name": "web", "labels": {"b": "2", "a": "1"}},
                      "spec": {"replicas": 3, "ratio": 1.5, "list": ["x", "y"], "n": null}});
    assert_eq!(
        run(
            "{{.metadata.name}} {{.spec.replicas}} {{.spec.ratio}}",
            &data
        ),
        "web 3 1.5"
    );
    assert_eq!(
        run("{{.metadata.labels}} {{.spec.list}}", &data),
        "map[a:1 b:2] [x y]"
    );
    assert_eq!(
        run(
            "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}",
            &data
        ),
        "a=1;b=2;"
    );
    assert_eq!(
        run("{{.nope}} {{.spec.n}} {{.nope.deeper}}", &data),
        "<no value> <no value> <no value>"
    );
    assert_eq!(
        run("{{printf \"%v|%s\" .nope .spec.n}}", &data),
        "<nil>|%!s(<nil>)"
    );
    assert_eq!(
        run("{{- range .spec.list }}\n  {{ . -}}\n{{ end }}", &data),
        "\n  x\n  y"
    );
    assert_eq!(
        run(
            "{{if eq .spec.replicas 3}}three{{else if gt .spec.replicas 3}}more{{else}}less{{end}}",
            &data
        ),
        "three"
    );
    assert_eq!(
        run(
            "{{len .spec.list}} {{index .spec.list 1}} {{index .metadata.labels \"a\"}}",
            &data
        ),
        "2 y 1"
    );
    assert_eq!(
        run(
            "{{define \"t\"}}<{{.}}>{{end}}{{template \"t\" .kind}}{{block \"b\" .}}B{{end}}",
            &data
        ),
        "<Pod>B"
    );
    assert_eq!(
        run("{{with $x := .metadata}}{{$x.name}}{{end}}", &data),
        "web"
    );
    assert_eq!(
        run(
            "{{range $i, $e := .spec.list}}{{if $i}},{{end}}{{$e}}{{end}}",
            &data
        ),
        "x,y"
    );
    assert_eq!(
        run(
            "{{range .spec.list}}{{if eq . \"x\"}}{{continue}}{{end}}{{.}}{{end}}",
            &data
        ),
        "y"
    );
    assert_eq!(run("{{range 3}}{{.}}{{end}}", &data), "012");
    assert_eq!(
        run(
            "{{exists . \"metadata\" \"name\"}} {{exists . \"spec\" \"n\"}}",
            &data
        ),
        "true false"
    );
    assert_eq!(run("{{\"aGk=\" | base64decode}}", &data), "hi");
    assert_eq!(
        run(
            "{{slice .metadata.name 1 2}} {{html \"<a>\"}} {{js \"'\"}} {{urlquery \"a b\"}}",
            &data
        ),
        "e &lt;a&gt; \\' a+b"
    );
}

#[test]
fn execution_errors_in_go_words() {
    let data = json!({"spec": {"replicas": 1}, "s": "x"});
    assert_eq!(
        run("{{.spec.replicas.x}}", &data),
        "ERR template: output:1:7: executing \"output\" at <.spec.replicas.x>: can't evaluate field x in type interface {}"
    );
    assert_eq!(
        run("{{len .nope}}", &data),
        "ERR template: output:1:2: executing \"output\" at <len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value"
    );
    assert_eq!(
        run("a{{lt .nope 1}}", &data),
        "aERR template: output:1:3: executing \"output\" at <lt .nope 1>: error calling lt: invalid type for comparison"
    );
    assert_eq!(
        run("{{range .s}}{{end}}", &data),
        "ERR template: output:1:8: executing \"output\" at <.s>: range can't iterate over x"
    );
    let strict = GoTemplate::parse("{{.nope}}")
        .unwrap()
        .allow_missing_keys(false);
    let mut out = Vec::new();
    assert_eq!(
        strict.execute(&data, &mut out).unwrap_err().to_string(),
        "template: output:1:2: executing \"output\" at <.nope>: map has no entry for key \"nope\""
    );
}

#[test]
fn deep_recursion_stops_at_gos_limit() {
    let out = run(
        "{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}",
        &json!({}),
    );
    assert_eq!(
        out,
        "ERR template: output:1:25: executing \"a\" at <{{template \"a\"}}>: exceeded maximum template depth (100000)"
    );
}

#[test]
fn slices_reach_into_go_capacity() {
    use super::value::json_array_cap;
    let caps: Vec<usize> = [0, 1, 2, 3, 5, 9, 33, 65, 72, 143, 300]
        .iter()
        .map(|n| json_array_cap(*n))
        .collect();
    assert_eq!(caps, [0, 1, 2, 4, 8, 16, 71, 71, 143, 143, 303]);
    let data = json!({"l": ["a", "b", "c"]});
    assert_eq!(
        run("{{slice .l 1 4}} {{len (slice .l 0 4)}}", &data),
        "[b c <nil>] 4"
    );
    assert_eq!(
        run("{{slice .l 0 5}}", &data),
        "ERR template: output:1:2: executing \"output\" at <slice .l 0 5>: error calling slice: index out of range: 5"
    );
}

//! Unit tests over small objects; the differential tests against kubectl
//! live in tests/jsonpath.rs.

use super::*;
use serde_json::json;

fn run(template: &str, data: &Value) -> Result<String, String> {
    let t = Template::parse(template)
        .map_err(|e| e.to_string())?
        .allow_missing_keys(true);
    let mut out = Vec::new();
    t.execute(data, &mut out).map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn fields_texts_and_spaces_between_results() {
    let d = json!({"a": {"b": "x"}, "l": [1, "two", {"k": [true, null]}]});
    assert_eq!(run("v={.a.b}!", &d).unwrap(), "v=x!");
    assert_eq!(run("{.l[*]}", &d).unwrap(), "1 two {\"k\":[true,null]}");
    assert_eq!(run("{.l[2].k[1]}", &d).unwrap(), "null");
    assert_eq!(run("{.nope}{.a.nope.x}", &d).unwrap(), "");
}

#[test]
fn ranges_nest_and_an_unclosed_range_runs_its_body_again() {
    let d = json!({"items": [{"n": "a", "p": [1, 2]}, {"n": "b", "p": []}]});
    assert_eq!(
        run("{range .items[*]}{.n}:{range .p[*]}{@},{end};{end}", &d).unwrap(),
        "a:1,2,;b:;"
    );
    assert_eq!(run("{range .items[*]}{.n}|", &d).unwrap(), "a|b||");
}

#[test]
fn range_state_carries_over_to_the_next_object() {
    let t = Template::parse("{range .x[*]}{@}{end}|{.y}")
        .unwrap()
        .allow_missing_keys(true);
    let mut out = Vec::new();
    t.execute(&json!({"x": [1], "y": "a"}), &mut out).unwrap();
    assert_eq!(out, b"1|a");
    // client-go left the template sliced after the range: `{@}{end}|{.y}`.
    let err = t
        .execute(&json!({"x": [1], "y": "b"}), &mut out)
        .unwrap_err();
    assert_eq!(err.to_string(), "not in range, nothing to end");
    t.reset();
    let mut out = Vec::new();
    t.execute(&json!({"x": [2], "y": "c"}), &mut out).unwrap();
    assert_eq!(out, b"2|c");
}

#[test]
fn filters_compare_go_kinds() {
    let d = json!({"l": [{"n": 1, "s": "a"}, {"n": 2.5, "s": "b"}, {"s": "c", "t": true}]});
    assert_eq!(run("{.l[?(@.s > \"a\")].s}", &d).unwrap(), "b c");
    assert_eq!(run("{.l[?(@.t == true)].s}", &d).unwrap(), "c");
    assert_eq!(run("{.l[?(@.t)].s}", &d).unwrap(), "c");
    assert_eq!(
        run("{.l[0:1][?(@.n == 1)].s}", &d).unwrap_err(),
        "map[n:1 s:a] is not array or slice and cannot be filtered"
    );
    let ints = json!({"i": [1, 2, 3], "f": [1.5, 2.5]});
    assert_eq!(run("{.i[?(@ >= 2)]}", &ints).unwrap(), "2 3");
    assert_eq!(run("{.f[?(@ < 2.0)]}", &ints).unwrap(), "1.5");
    assert_eq!(
        run("{.l[?(@.n == 1)].s}", &d).unwrap_err(),
        "incompatible types for comparison"
    );
    assert_eq!(
        run("{.l[?(@.n >= 2.5)].s}", &d).unwrap_err(),
        "incompatible types for comparison"
    );
    assert_eq!(
        run("{.l[?(@.t < true)].s}", &d).unwrap_err(),
        "invalid type for comparison"
    );
    // A failing step inside an existence filter still counts as found.
    assert_eq!(run("{.l[?(@.s[5])].s}", &d).unwrap(), "a b c");
}

#[test]
fn slices_and_bounds() {
    let d = json!({"l": [0, 1, 2, 3, 4]});
    assert_eq!(run("{.l[-2:]}", &d).unwrap(), "3 4");
    assert_eq!(run("{.l[1:4:2]}", &d).unwrap(), "1 3");
    assert_eq!(run("{.l[:2]}", &d).unwrap(), "0 1");
    assert_eq!(run("{.l[2:2]}", &d).unwrap(), "");
    assert_eq!(
        run("{.l[5]}", &d).unwrap_err(),
        "array index out of bounds: index 5, length 5"
    );
    assert_eq!(
        run("{.l[1:9]}", &d).unwrap_err(),
        "array index out of bounds: index 8, length 5"
    );
    assert_eq!(
        run("{.l[3:1]}", &d).unwrap_err(),
        "starting index 3 is greater than ending index 1"
    );
    assert_eq!(run("{.l.x[0]}", &d).unwrap(), "");
    assert_eq!(
        run("{.l[0][0]}", &d).unwrap_err(),
        "int64 is not array or slice"
    );
}

#[test]
fn wildcards_recursion_and_unions() {
    let d = json!({"a": {"name": "x", "b": [{"name": "y"}]}, "s": "hi"});
    assert_eq!(run("{.s.*}", &d).unwrap(), "104 105");
    assert_eq!(run("{..name}", &d).unwrap(), "x y");
    assert_eq!(run("{.a['name','b']}", &d).unwrap(), "x [{\"name\":\"y\"}]");
    assert_eq!(run("{.a.b[0,0].name}", &d).unwrap(), "y y");
}

#[test]
fn json_output_wraps_each_group() {
    let t = Template::parse("{.a}{.l[*]}x")
        .unwrap()
        .allow_missing_keys(true)
        .json_output(true);
    let mut out = Vec::new();
    t.execute(&json!({"l": [{"b": 1, "a": "<"}]}), &mut out)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[]\n[\n    {\n        \"a\": \"\\u003c\",\n        \"b\": 1\n    }\n]\n[\n    \"x\"\n]\n"
    );
}

#[test]
fn missing_keys_fail_unless_allowed() {
    let t = Template::parse("{.a.b}").unwrap();
    let err = t.execute(&json!({"a": {}}), &mut Vec::new()).unwrap_err();
    assert_eq!(err.to_string(), "b is not found");
}

#[test]
fn typed_numbers_print_like_go_floats() {
    let d = typed_numbers(&json!({"n": 1000000, "m": 3, "f": 0.5}));
    assert_eq!(
        run("{.n} {.m} {.f} {@}", &d).unwrap(),
        "1e+06 3 0.5 {\"f\":0.5,\"m\":3,\"n\":1000000}"
    );
}

#[test]
fn printer_error_dumps_the_object() {
    let t = Template::parse("{.l[3]}").unwrap();
    let err = print_object(&t, &json!({"l": ["a"], "m": {"k": 1.5}}), &mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error executing jsonpath \"{.l[3]}\": Error executing template: array index out of bounds: index 3, length 1. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.l[3]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"l\":[]interface {}{\"a\"}, \"m\":map[string]interface {}{\"k\":1.5}}\n\n\n"
    );
}

#[test]
fn relaxed_expressions() {
    for (input, want) in [
        ("", ""),
        ("metadata.name", "{.metadata.name}"),
        (".metadata.name", "{.metadata.name}"),
        ("{metadata.name}", "{.metadata.name}"),
        ("{.metadata.name}", "{.metadata.name}"),
        ("{.}", "{..}"),
        (".", "{..}"),
    ] {
        assert_eq!(relaxed_expression(input).unwrap(), want, "{input}");
    }
    for bad in ["{.a", "{}", "{.a}{.b}", "a}"] {
        assert!(relaxed_expression(bad).is_err(), "{bad}");
    }
}

#[test]
fn templates_over_items_one_by_one() {
    let shape = |text: &str| Template::parse(text).unwrap().item_template().is_some();
    for text in [
        "{.items[*].metadata.name}",
        "names: {.items[*].metadata.name}{\"\\n\"}",
        "{.items[*]}",
        "{range .items[*]}{.metadata.name}{\"\\n\"}{end}",
        "[{range .items[*]}{range .spec.containers[*]}{.name}{end}{end}]",
    ] {
        assert!(shape(text), "{text} goes item by item");
    }
    for text in [
        "{.items[0].metadata.name}",
        "{.items[1:].metadata.name}",
        "{.items[?(@.a==1)].b}",
        "{.kind} {.items[*].metadata.name}",
        "{.items[*].a}{.items[*].b}",
        "{range .items[*]}{.a}{end}{.kind}",
        "{..name}",
        "{.items[*]['a','b']}",
    ] {
        assert!(!shape(text), "{text} needs the whole list");
    }
    let t = Template::parse("{.items[*].a}").unwrap().json_output(true);
    assert!(t.item_template().is_none());
}

#[test]
fn items_one_by_one_print_as_the_whole_list() {
    let items = [
        json!({"a": "x"}),
        json!({"b": 1}),
        json!({"a": ""}),
        json!({"a": ["p", "q"], "c": [1, 2]}),
    ];
    for text in [
        "<{.items[*].a}>",
        "{range .items[*]}[{.a}]{end}!",
        "{.items[*].c[*]}",
    ] {
        let t = Template::parse(text).unwrap().allow_missing_keys(true);
        let mut whole = Vec::new();
        t.execute(&json!({ "items": items.clone() }), &mut whole)
            .unwrap();
        let mut one_by_one = Vec::new();
        let mut it = t.item_template().unwrap();
        it.leading(&mut one_by_one).unwrap();
        for item in &items {
            it.item(item.clone(), &mut one_by_one).unwrap();
        }
        it.trailing(&mut one_by_one).unwrap();
        assert_eq!(one_by_one, whole, "{text}");
    }
}

use super::*;
use crate::client::decode::unstructured;

/// What decoding the whole body at once makes of it: the typed items, or
/// the error.
fn whole(body: &[u8]) -> Result<Vec<Value>, DecodeError> {
    let value = unstructured(body)?;
    let Value::Object(mut map) = value else {
        return Ok(Vec::new());
    };
    let list_type = ListType::of(&map);
    Ok(match map.remove("items") {
        Some(Value::Array(items)) => items.into_iter().map(|i| list_type.apply(i)).collect(),
        _ => Vec::new(),
    })
}

/// The items handed out, and how the answer ended.
type Streamed = (Vec<Value>, Result<Map<String, Value>, DecodeError>);

/// Feeds `pieces` in turn, taking items as they come.
fn streamed<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> Streamed {
    let mut d = ListDecoder::new();
    let mut items = Vec::new();
    for piece in pieces {
        d.feed(piece);
        while let Some(item) = d.next_item() {
            items.push(item);
        }
    }
    let end = d.finish();
    while let Some(item) = d.next_item() {
        items.push(item);
    }
    (items, end)
}

/// Every way of cutting `body` in two, and byte by byte, gives what the
/// whole-body decoder gives; after an error, the items handed out are the
/// same however the body was cut.
fn check(body: &str) {
    let body = body.as_bytes();
    let expected = whole(body);
    let (first_items, _) = streamed(std::iter::once(body));
    let mut cuts: Vec<Streamed> = Vec::new();
    for at in 0..=body.len() {
        cuts.push(streamed([&body[..at], &body[at..]].into_iter()));
    }
    cuts.push(streamed(body.chunks(1)));
    for (i, (items, end)) in cuts.into_iter().enumerate() {
        let what = format!("{} cut at {i}", String::from_utf8_lossy(body));
        match &expected {
            Ok(all) => {
                assert!(end.is_ok(), "{what}: {end:?}");
                assert_eq!(&items, all, "{what}");
            }
            Err(e) => {
                assert_eq!(end.as_ref().err(), Some(e), "{what}");
                assert_eq!(items, first_items, "{what}");
            }
        }
    }
}

#[test]
fn lists_decode_the_same_however_they_arrive() {
    check(
        r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"a","labels":{"x":"}]\"["}}},{"kind":"Other","metadata":{"name":"b"},"n":[1,2.5e3,-0,true,false,null]}]}"#,
    );
    check(r#" { "kind" : "ConfigMapList" , "apiVersion" : "v1" , "items" : [ ] } "#);
    check(
        r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":"\u00e9\"\\"}],"metadata":{"continue":"x"}}"#,
    );
    // The type after the items: they wait for it.
    check(r#"{"items":[{"a":1},{"b":2}],"apiVersion":"apps/v1","kind":"DeploymentList"}"#);
    check(r#"{"items":[{"a":1}]}"#);
}

#[test]
fn answers_that_are_no_list_decode_whole() {
    check(r#"{"kind":"Pod","metadata":{"name":"a"}}"#);
    check(r#"{"kind":"PodList","items":null}"#);
    check(r#"{"metadata":{}}"#);
    check("null");
    check("[1]");
    check("");
    check("  ");
    check("<html>");
    check(r#"{"kind":"PodList","items":"x"}"#);
    check(r#"{"kind":"PodList","items":{"a":1}}"#);
    check(r#"{"kind":"PodList","items":"x","b":tru}"#);
}

#[test]
fn wrong_items_and_syntax_errors_in_go_words() {
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},5,{"b":2}]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},"s",[1],null,true]}"#);
    // A syntax error after a wrong item wins.
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},5,{"b":2]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},{"b":2}]"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1} {"b":2}]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},tr,{}]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},01]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":[1}]}]}"#);
    check(
        r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":"x
y"}]}"#,
    );
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1}]} x"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1}],}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1" "items":[]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1}],"metadata":{"x":1"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},{"b":"\q"}]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},{"b":-}]}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},{"b":1}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items":[{"a":1},{"b":1"#);
    check(r#"{"kind":"PodList","apiVersion":"v1",1:2}"#);
    check(r#"{"kind":"PodList","apiVersion":"v1","items"#);
}

#[test]
fn invalid_utf8_is_read_as_go_reads_it() {
    let mut body = br#"{"kind":"PodList","apiVersion":"v1","items":[{"a":""#.to_vec();
    body.push(0xff);
    body.extend_from_slice(br#""}]}"#);
    let (items, end) = streamed(body.chunks(3));
    assert!(end.is_ok());
    assert_eq!(items, whole(&body).unwrap());
}

#[test]
fn the_list_head_carries_the_continue_token() {
    let (_, end) = streamed(std::iter::once(
        &br#"{"kind":"PodList","apiVersion":"v1","metadata":{"continue":"tok"},"items":[{}]}"#[..],
    ));
    let head = end.unwrap();
    assert_eq!(head["metadata"]["continue"], "tok");
    assert!(head.get("items").is_none());
}

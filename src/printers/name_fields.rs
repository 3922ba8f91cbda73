//! What `-o name` reads of an object (`kind`, `apiVersion`,
//! `metadata.name`), decoded without the rest: a watch prints thousands of
//! names without building each object whole. Anything the projection
//! cannot stand for exactly (a list inside, a field of an odd shape, a
//! key given twice) is refused, and the caller decodes the whole object.

use std::fmt;

use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The fields of one object the name printer reads. Only a JSON object
/// decodes into it (serde's derive would take an array too).
#[derive(Debug)]
pub struct NameFields {
    /// Each None when missing; present `null`s are kept (a list gives its
    /// type only to items without one).
    kind: Option<Value>,
    api_version: Option<Value>,
    /// None when missing or `null`.
    metadata: Option<NameMeta>,
}

#[derive(Debug)]
struct NameMeta {
    name: Option<Value>,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum Key {
    #[serde(rename = "kind")]
    Kind,
    #[serde(rename = "apiVersion")]
    ApiVersion,
    #[serde(rename = "metadata")]
    Metadata,
    #[serde(rename = "name")]
    Name,
    #[serde(other)]
    Other,
}

/// Sets a field once; a key given twice is refused.
fn once<T, E: Error>(slot: &mut Option<T>, value: T, key: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(key));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Deserialize<'de> for NameFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = NameFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameFields, A::Error> {
                let (mut kind, mut api_version, mut metadata) = (None, None, None);
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Kind => once(&mut kind, map.next_value::<Value>()?, "kind")?,
                        Key::ApiVersion => {
                            once(&mut api_version, map.next_value::<Value>()?, "apiVersion")?
                        }
                        Key::Metadata => once(
                            &mut metadata,
                            map.next_value::<Option<NameMeta>>()?,
                            "metadata",
                        )?,
                        Key::Name | Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(NameFields {
                    kind,
                    api_version,
                    metadata: metadata.flatten(),
                })
            }
        }
        d.deserialize_map(Fields)
    }
}

impl<'de> Deserialize<'de> for NameMeta {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Meta;
        impl<'de> Visitor<'de> for Meta {
            type Value = NameMeta;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameMeta, A::Error> {
                let mut name = None;
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Name => once(&mut name, map.next_value::<Value>()?, "name")?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(NameMeta { name })
            }
        }
        d.deserialize_map(Meta)
    }
}

impl NameFields {
    /// The object as the name printer sees it; None for a list, whose
    /// items it would print.
    pub fn into_object(self) -> Option<Value> {
        let kind = self.kind.as_ref().and_then(Value::as_str);
        if kind.is_some_and(|k| k.ends_with("List")) {
            return None;
        }
        let mut object = Map::new();
        if let Some(kind) = self.kind {
            object.insert("kind".into(), kind);
        }
        if let Some(api_version) = self.api_version {
            object.insert("apiVersion".into(), api_version);
        }
        if let Some(meta) = self.metadata {
            let mut m = Map::new();
            if let Some(name) = meta.name {
                m.insert("name".into(), name);
            }
            object.insert("metadata".into(), Value::Object(m));
        }
        Some(Value::Object(object))
    }
}

/// One object (JSON) as the name printer sees it; None: decode it whole.
pub fn object(json: &[u8]) -> Option<Value> {
    serde_json::from_slice::<NameFields>(json)
        .ok()?
        .into_object()
}

/// A list as far as the name printer reads it: its type and its items.
#[derive(Deserialize)]
struct NameList {
    #[serde(default, deserialize_with = "present")]
    kind: Option<Value>,
    #[serde(default, rename = "apiVersion", deserialize_with = "present")]
    api_version: Option<Value>,
    #[serde(default)]
    items: Option<Vec<NameFields>>,
}

/// A field that is there, `null` included (a missing one stays None).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The items of a list (JSON) as the name printer sees them, typed as
/// the list implies (as [`crate::resource::infos::list_items`] types
/// them); None: decode the list whole.
pub fn list_items(json: &[u8]) -> Option<Vec<Value>> {
    // The derive would take an array for the list.
    if json.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let list: NameList = serde_json::from_slice(json).ok()?;
    let mut head = Map::new();
    if let Some(kind) = list.kind {
        head.insert("kind".into(), kind);
    }
    if let Some(api_version) = list.api_version {
        head.insert("apiVersion".into(), api_version);
    }
    let items = list
        .items
        .unwrap_or_default()
        .into_iter()
        .map(NameFields::into_object)
        .collect::<Option<Vec<Value>>>()?;
    head.insert("items".into(), Value::Array(items));
    Some(crate::resource::infos::list_items(Value::Object(head)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printers::{OutputFormat, Printer};

    /// The names printed from the whole JSON and from the projection.
    fn names(json: &str) -> (String, String) {
        let print = |v: &Value| {
            let mut out = Vec::new();
            Printer::new(OutputFormat::Name).print(v, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let whole: Value = serde_json::from_str(json).unwrap();
        (print(&whole), print(&object(json.as_bytes()).unwrap()))
    }

    #[test]
    fn names_print_as_from_the_whole_object() {
        for json in [
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"containers":[]}}"#,
            r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web"}}"#,
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{}}"#,
            r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":""}}"#,
            r#"{"kind":null,"apiVersion":7,"metadata":null}"#,
            r#"{"spec":{}}"#,
        ] {
            let (whole, lean) = names(json);
            assert_eq!(whole, lean, "{json}");
        }
    }

    #[test]
    fn what_the_projection_cannot_stand_for_is_refused() {
        // A list prints its items; a name in an odd place or a key given
        // twice is left to the whole decoding.
        assert!(object(br#"{"kind":"PodList","items":[]}"#).is_none());
        assert!(object(br#"{"kind":"Pod","metadata":"x"}"#).is_none());
        assert!(object(br#"{"kind":"Pod","kind":"Node","metadata":{}}"#).is_none());
        assert!(object(b"[1]").is_none());
        assert!(object(br#"{"kind":"Pod","metadata":["x"]}"#).is_none());
        assert!(object(br#"{"kind":"Pod","metadata":{"name":"a","name":"b"}}"#).is_none());
        assert!(list_items(br#"["PodList","v1",[]]"#).is_none());
        assert!(list_items(br#"{"kind":"PodList","items":[["Pod"]]}"#).is_none());
    }

    #[test]
    fn list_items_are_typed_by_their_list() {
        let page = br#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5"},
            "items":[{"metadata":{"name":"a","uid":"1"},"spec":{}},{"kind":null,"metadata":{"name":"b"}}]}"#;
        let lean = list_items(page).unwrap();
        let whole = crate::resource::infos::list_items(serde_json::from_slice(page).unwrap());
        assert_eq!(lean.len(), 2);
        for (l, w) in lean.iter().zip(&whole) {
            assert_eq!(l["kind"], w["kind"]);
            assert_eq!(l["apiVersion"], w["apiVersion"]);
            assert_eq!(l["metadata"]["name"], w["metadata"]["name"]);
        }
        assert_eq!(lean[0]["kind"], "Pod");
        assert!(lean[1]["kind"].is_null());
    }
}

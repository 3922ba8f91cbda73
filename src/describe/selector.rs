//! Label and field selectors: printed as apimachinery prints them, and
//! matched on the client when one list serves several objects.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{arr, at, s, string_map};

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// A selector: None matches nothing (a missing `LabelSelector`), an empty
/// list matches everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(pub Option<Vec<Requirement>>);

impl Selector {
    /// `metav1.LabelSelectorAsSelector`; an unknown operator is an error in
    /// kubectl's words.
    pub fn from_label_selector(sel: &Value) -> Result<Selector, String> {
        if sel.is_null() {
            return Ok(Selector(None));
        }
        let mut reqs = Vec::new();
        for (k, v) in string_map(sel, &["matchLabels"]) {
            reqs.push(Requirement {
                key: k,
                op: Op::Equals,
                values: vec![v],
            });
        }
        for expr in arr(sel, &["matchExpressions"]) {
            let op = match s(expr, &["operator"]) {
                "In" => Op::In,
                "NotIn" => Op::NotIn,
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            };
            let values = arr(expr, &["values"])
                .iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect();
            reqs.push(Requirement {
                key: s(expr, &["key"]).to_string(),
                op,
                values,
            });
        }
        // A stable sort by key (Go's insertion sort for short lists).
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector(Some(reqs)))
    }

    /// A selector from a map (`labels.SelectorFromSet`).
    pub fn from_map(map: &BTreeMap<String, String>) -> Selector {
        Selector(Some(
            map.iter()
                .map(|(k, v)| Requirement {
                    key: k.clone(),
                    op: Op::Equals,
                    values: vec![v.clone()],
                })
                .collect(),
        ))
    }

    /// Parses the selectors this module prints (`a=b,c in (d,e),!f`).
    pub fn parse(text: &str) -> Selector {
        let mut reqs = Vec::new();
        for term in split_terms(text) {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            let req = if let Some(key) = term.strip_prefix('!') {
                Requirement {
                    key: key.trim().to_string(),
                    op: Op::DoesNotExist,
                    values: vec![],
                }
            } else if let Some((k, rest)) = term.split_once(" notin ") {
                set_requirement(k, rest, Op::NotIn)
            } else if let Some((k, rest)) = term.split_once(" in ") {
                set_requirement(k, rest, Op::In)
            } else if let Some((k, v)) = term.split_once("!=") {
                Requirement {
                    key: k.trim().to_string(),
                    op: Op::NotEquals,
                    values: vec![v.trim().to_string()],
                }
            } else if let Some((k, v)) = term.split_once('=') {
                Requirement {
                    key: k.trim().to_string(),
                    op: Op::Equals,
                    values: vec![v.trim_start_matches('=').trim().to_string()],
                }
            } else {
                Requirement {
                    key: term.to_string(),
                    op: Op::Exists,
                    values: vec![],
                }
            };
            reqs.push(req);
        }
        Selector(Some(reqs))
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let Some(reqs) = &self.0 else {
            return false;
        };
        reqs.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.op {
                Op::Equals | Op::In => value.is_some_and(|v| r.values.contains(v)),
                Op::NotEquals | Op::NotIn => value.is_none_or(|v| !r.values.contains(v)),
                Op::Exists => value.is_some(),
                Op::DoesNotExist => value.is_none(),
            }
        })
    }

    /// `Selector.String()`.
    pub fn to_text(&self) -> String {
        let Some(reqs) = &self.0 else {
            return String::new();
        };
        reqs.iter()
            .map(|r| {
                let mut values = r.values.clone();
                values.sort();
                let joined = values.join(",");
                match r.op {
                    Op::Equals => format!("{}={}", r.key, joined),
                    Op::NotEquals => format!("{}!={}", r.key, joined),
                    Op::In => format!("{} in ({})", r.key, joined),
                    Op::NotIn => format!("{} notin ({})", r.key, joined),
                    Op::Exists => r.key.clone(),
                    Op::DoesNotExist => format!("!{}", r.key),
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn set_requirement(key: &str, rest: &str, op: Op) -> Requirement {
    let inner = rest.trim().trim_start_matches('(').trim_end_matches(')');
    Requirement {
        key: key.trim().to_string(),
        op,
        values: inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    }
}

/// Splits on commas outside parentheses.
fn split_terms(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `metav1.FormatLabelSelector`: `<none>` for an empty selector, `<error>`
/// for an invalid one.
pub fn format_label_selector(sel: &Value) -> String {
    match Selector::from_label_selector(sel) {
        Ok(s) => {
            let text = s.to_text();
            if text.is_empty() {
                "<none>".to_string()
            } else {
                text
            }
        }
        Err(_) => "<error>".to_string(),
    }
}

/// `labels.Set.String()`: sorted `k=v` pairs.
pub fn set_string(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `labels.FormatLabels`: `<none>` for an empty map.
pub fn format_labels(map: &BTreeMap<String, String>) -> String {
    let text = set_string(map);
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

/// Field selector terms (`a.b=c`, `a.b!=c`) matched against an object.
pub fn field_selector_matches(selector: &str, obj: &Value) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let (path, value, negate) = match term.split_once("!=") {
            Some((p, v)) => (p, v, true),
            None => match term.split_once('=') {
                Some((p, v)) => (p, v.trim_start_matches('='), false),
                None => return true,
            },
        };
        let keys: Vec<&str> = path.split('.').collect();
        let actual = match at(obj, &keys) {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        (actual == value) != negate
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_like_apimachinery() {
        let sel = json!({
            "matchLabels": {"app": "web", "tier": "x"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "zone", "operator": "DoesNotExist"},
                {"key": "b", "operator": "Exists"}
            ]
        });
        let s = Selector::from_label_selector(&sel).unwrap();
        assert_eq!(s.to_text(), "app=web,b,env in (dev,prod),tier=x,!zone");
        assert_eq!(Selector::parse(&s.to_text()), s_sorted(&s));
        assert_eq!(format_label_selector(&json!({})), "<none>");
        assert_eq!(
            format_label_selector(&json!({"matchExpressions": [{"key": "a", "operator": "Bad"}]})),
            "<error>"
        );
    }

    fn s_sorted(s: &Selector) -> Selector {
        let mut c = s.clone();
        if let Some(r) = c.0.as_mut() {
            for x in r.iter_mut() {
                x.values.sort();
            }
        }
        c
    }

    #[test]
    fn matching() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        assert!(Selector::parse("app=web").matches(&labels));
        assert!(!Selector::parse("app=web,tier").matches(&labels));
        assert!(Selector::parse("app in (a,web),!tier").matches(&labels));
        assert!(Selector::parse("").matches(&labels));
        assert!(!Selector(None).matches(&labels));
        let ev = json!({"involvedObject": {"name": "a", "namespace": ""}, "status": {"phase": "Running"}});
        assert!(field_selector_matches(
            "involvedObject.name=a,involvedObject.namespace=",
            &ev
        ));
        assert!(field_selector_matches("status.phase!=Succeeded", &ev));
        assert!(!field_selector_matches("involvedObject.name=b", &ev));
    }
}

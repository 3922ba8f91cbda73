//! The other objects a description needs (events, pods of a controller,
//! ReplicaSets of a Deployment, …) as list or get requests, and how many
//! objects' requests for one collection become a single list filtered here.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::json::string_map;
use super::pod_summary::{PodPage, PodSummary};
use crate::resource::selector::{field_selector_matches, field_terms_match, Selector};

/// What the items of a list are decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    /// Whole objects.
    Objects,
    /// Pods as [`PodSummary`]: the fields describers of other objects read.
    PodSummaries,
}

impl ItemKind {
    /// The encodings to ask for: protobuf for pods, which the server
    /// encodes several times faster than JSON (kubectl asks so too).
    pub fn accept(self) -> &'static str {
        match self {
            ItemKind::Objects => crate::client::ACCEPT_JSON,
            ItemKind::PodSummaries => crate::client::ACCEPT_PROTOBUF,
        }
    }
}

/// A request for related objects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Query {
    /// A collection, filtered by the server.
    List {
        path: String,
        label_selector: String,
        field_selector: String,
        items: ItemKind,
    },
    /// One object.
    Get { path: String },
}

impl Query {
    pub fn list(
        path: impl Into<String>,
        label_selector: impl Into<String>,
        field_selector: impl Into<String>,
    ) -> Query {
        Query::List {
            path: path.into(),
            label_selector: label_selector.into(),
            field_selector: field_selector.into(),
            items: ItemKind::Objects,
        }
    }

    /// A list of pods read as summaries.
    pub fn pod_summaries(
        path: impl Into<String>,
        label_selector: impl Into<String>,
        field_selector: impl Into<String>,
    ) -> Query {
        Query::List {
            path: path.into(),
            label_selector: label_selector.into(),
            field_selector: field_selector.into(),
            items: ItemKind::PodSummaries,
        }
    }

    pub fn get(path: impl Into<String>) -> Query {
        Query::Get { path: path.into() }
    }
}

/// Why a request failed, in the forms describers print.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Go's `err.Error()`: the server's message.
    pub message: String,
    /// The Status reason (`NotFound`, `Forbidden`, …), empty when none.
    pub reason: String,
    /// kubectl's rendering of the error (`Error from server (…): …`).
    pub kubectl: String,
}

impl Failure {
    pub fn is_not_found(&self) -> bool {
        self.reason == "NotFound"
    }

    pub fn is_forbidden(&self) -> bool {
        self.reason == "Forbidden"
    }
}

#[derive(Debug, Clone)]
pub enum Answer {
    Items(Vec<Value>),
    Pods(Vec<PodSummary>),
    Object(Value),
    Failed(Failure),
}

impl Answer {
    /// An empty list of the kind a query asks for.
    pub fn empty(kind: ItemKind) -> Answer {
        match kind {
            ItemKind::Objects => Answer::Items(Vec::new()),
            ItemKind::PodSummaries => Answer::Pods(Vec::new()),
        }
    }

    /// Adds the items of one list page (a body as the server sent it),
    /// decoding only what the kind needs.
    pub fn add_page(&mut self, body: &[u8]) -> Result<(), String> {
        match self {
            Answer::Items(items) => {
                let mut list: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
                if let Some(Value::Array(page)) = list.get_mut("items").map(Value::take) {
                    items.extend(page);
                }
            }
            Answer::Pods(pods) => {
                let page = PodPage::decode(body)?;
                pods.extend(page.items);
            }
            Answer::Object(_) | Answer::Failed(_) => {}
        }
        Ok(())
    }
}

/// Answers to the queries of every object being described.
#[derive(Debug, Default)]
pub struct Related {
    answers: HashMap<Query, Answer>,
}

impl Related {
    pub fn insert(&mut self, query: Query, answer: Answer) {
        self.answers.insert(query, answer);
    }

    /// The items a list query returned (none when it was never asked).
    pub fn items(&self, query: &Query) -> Result<&[Value], &Failure> {
        match self.answers.get(query) {
            Some(Answer::Items(items)) => Ok(items),
            Some(Answer::Failed(f)) => Err(f),
            _ => Ok(&[]),
        }
    }

    /// The pods a [`Query::pod_summaries`] query returned.
    pub fn pods(&self, query: &Query) -> Result<&[PodSummary], &Failure> {
        match self.answers.get(query) {
            Some(Answer::Pods(pods)) => Ok(pods),
            Some(Answer::Failed(f)) => Err(f),
            _ => Ok(&[]),
        }
    }

    /// The object a get query returned.
    pub fn object(&self, query: &Query) -> Result<Option<&Value>, &Failure> {
        match self.answers.get(query) {
            Some(Answer::Object(v)) => Ok(Some(v)),
            Some(Answer::Failed(f)) => Err(f),
            _ => Ok(None),
        }
    }
}

/// One request to make, and the queries its answer serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub request: Query,
    pub serves: Vec<Query>,
}

/// Plans the requests for a set of queries: one request per collection.
/// Lists of one collection with different selectors become one list with
/// the field-selector terms and the label selector they share, filtered
/// on the client for each query.
pub fn plan(queries: &[Query]) -> Vec<Fetch> {
    let mut by_path: BTreeMap<(&str, ItemKind), Vec<&Query>> = BTreeMap::new();
    let mut order: Vec<(&str, ItemKind)> = Vec::new();
    let mut fetches = Vec::new();
    for q in queries {
        match q {
            Query::Get { .. } => {
                if !fetches.iter().any(|f: &Fetch| f.request == *q) {
                    fetches.push(Fetch {
                        request: q.clone(),
                        serves: vec![q.clone()],
                    });
                }
            }
            Query::List { path, items, .. } => {
                let key = (path.as_str(), *items);
                let entry = by_path.entry(key).or_default();
                if entry.is_empty() {
                    order.push(key);
                }
                if !entry.contains(&q) {
                    entry.push(q);
                }
            }
        }
    }
    for key in order {
        let (path, kind) = key;
        let group = &by_path[&key];
        if group.len() == 1 {
            fetches.push(Fetch {
                request: group[0].clone(),
                serves: vec![group[0].clone()],
            });
            continue;
        }
        let labels: Vec<&str> = group.iter().map(|q| label_of(q)).collect();
        let label_selector = if labels.iter().all(|l| *l == labels[0]) {
            labels[0].to_string()
        } else {
            String::new()
        };
        let term_lists: Vec<Vec<&str>> = group
            .iter()
            .map(|q| field_of(q).split(',').filter(|t| !t.is_empty()).collect())
            .collect();
        let common: Vec<&str> = term_lists[0]
            .iter()
            .copied()
            .filter(|t| term_lists.iter().all(|l| l.contains(t)))
            .collect();
        fetches.push(Fetch {
            request: Query::List {
                path: path.to_string(),
                label_selector,
                field_selector: common.join(","),
                items: kind,
            },
            serves: group.iter().map(|q| (*q).clone()).collect(),
        });
    }
    fetches
}

fn label_of(q: &Query) -> &str {
    match q {
        Query::List { label_selector, .. } => label_selector,
        Query::Get { .. } => "",
    }
}

fn field_of(q: &Query) -> &str {
    match q {
        Query::List { field_selector, .. } => field_selector,
        Query::Get { .. } => "",
    }
}

/// Stores the answer to `fetch` for each query it serves, filtering a
/// shared list down to what each query asked for. The whole answer comes
/// back unless it was stored as it is (under the one query it answers).
pub fn record(related: &mut Related, fetch: &Fetch, answer: Answer) -> Option<Answer> {
    // The usual case, one query asked as it is: the answer is its own.
    if let [only] = fetch.serves.as_slice() {
        if *only == fetch.request {
            related.insert(only.clone(), answer);
            return None;
        }
    }
    for q in &fetch.serves {
        let a = match (&answer, q) {
            (
                Answer::Items(items),
                Query::List {
                    label_selector,
                    field_selector,
                    ..
                },
            ) if *q != fetch.request => {
                let selector = Selector::parse(label_selector).unwrap_or_default();
                Answer::Items(
                    items
                        .iter()
                        .filter(|item| {
                            let labels: BTreeMap<String, String> =
                                string_map(item, &["metadata", "labels"]);
                            selector.matches(&labels)
                                && field_selector_matches(field_selector, item)
                        })
                        .cloned()
                        .collect(),
                )
            }
            (
                Answer::Pods(pods),
                Query::List {
                    label_selector,
                    field_selector,
                    ..
                },
            ) if *q != fetch.request => {
                let selector = Selector::parse(label_selector).unwrap_or_default();
                Answer::Pods(
                    pods.iter()
                        .filter(|pod| {
                            selector.matches(&pod.metadata.labels)
                                && field_terms_match(field_selector, |path| pod.field(path))
                        })
                        .cloned()
                        .collect(),
                )
            }
            (other, _) => other.clone(),
        };
        related.insert(q.clone(), a);
    }
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_list_per_collection() {
        let a = Query::list(
            "/api/v1/namespaces/x/events",
            "",
            "involvedObject.name=a,involvedObject.namespace=x",
        );
        let b = Query::list(
            "/api/v1/namespaces/x/events",
            "",
            "involvedObject.name=b,involvedObject.namespace=x",
        );
        let g = Query::get("/api/v1/namespaces/x/services/s");
        let fetches = plan(&[a.clone(), b.clone(), a.clone(), g.clone(), g.clone()]);
        assert_eq!(fetches.len(), 2);
        assert_eq!(fetches[0].request, g);
        assert_eq!(
            fetches[1].request,
            Query::list(
                "/api/v1/namespaces/x/events",
                "",
                "involvedObject.namespace=x"
            )
        );
        let mut related = Related::default();
        let items = vec![
            json!({"metadata": {"name": "e1"}, "involvedObject": {"name": "a", "namespace": "x"}}),
            json!({"metadata": {"name": "e2"}, "involvedObject": {"name": "b", "namespace": "x"}}),
        ];
        record(&mut related, &fetches[1], Answer::Items(items));
        assert_eq!(related.items(&a).unwrap().len(), 1);
        assert_eq!(related.items(&b).unwrap()[0]["metadata"]["name"], "e2");
    }

    #[test]
    fn pod_summaries_of_several_nodes_share_one_list_filtered_here() {
        let on = |node: &str| {
            Query::pod_summaries(
                "/api/v1/pods",
                "",
                format!("spec.nodeName={node},status.phase!=Failed"),
            )
        };
        let (a, b) = (on("a"), on("b"));
        let whole = Query::list("/api/v1/pods", "", "spec.nodeName=a");
        let fetches = plan(&[a.clone(), b.clone(), whole.clone()]);
        // Whole objects are never mixed with summaries.
        assert_eq!(fetches.len(), 2);
        assert_eq!(
            fetches[0].request,
            Query::pod_summaries("/api/v1/pods", "", "status.phase!=Failed")
        );
        assert_eq!(fetches[1].request, whole);
        let pod = |name: &str, node: &str, phase: &str| {
            crate::describe::pod_summary::PodSummary::from_value(&json!({
                "metadata": {"name": name}, "spec": {"nodeName": node}, "status": {"phase": phase}}))
        };
        let mut related = Related::default();
        record(
            &mut related,
            &fetches[0],
            Answer::Pods(vec![
                pod("p1", "a", "Running"),
                pod("p2", "b", "Running"),
                pod("p3", "a", "Pending"),
            ]),
        );
        let names = |q: &Query| -> Vec<String> {
            related
                .pods(q)
                .unwrap()
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect()
        };
        assert_eq!(names(&a), ["p1", "p3"]);
        assert_eq!(names(&b), ["p2"]);
        assert!(related.items(&a).unwrap().is_empty());
    }

    #[test]
    fn single_queries_go_to_the_server_unchanged() {
        let a = Query::list("/api/v1/namespaces/x/pods", "app=web", "");
        let fetches = plan(std::slice::from_ref(&a));
        assert_eq!(
            fetches,
            vec![Fetch {
                request: a.clone(),
                serves: vec![a]
            }]
        );
    }
}

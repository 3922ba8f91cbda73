//! Resource types: discovery (cached like kubectl's) and resolving what the
//! user typed to a resource on the server.

pub mod builder;
pub mod cache_writer;
pub mod deleter;
pub mod discovery;
pub mod fetch;
pub mod infos;
pub mod manifest;
pub mod mapper;
pub mod metadata;
pub mod pods;
pub mod podspec;
pub mod schema;
pub mod select;
pub mod selector;
pub mod wait;
pub mod watch;
pub mod window;
pub mod write;

pub use discovery::{ApiResource, Discovery};
pub use mapper::{Mapping, NoResourceType};

#[cfg(test)]
pub(crate) mod test_support {
    use super::discovery::{ApiGroup, ApiResource, Discovery};
    use super::Mapping;

    /// A mapping of `kind` in `group` (version v1), nothing else filled in.
    pub fn mapping(group: &str, kind: &str, namespaced: bool) -> Mapping {
        Mapping {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            namespaced,
            resource: String::new(),
            singular: String::new(),
            verbs: Vec::new(),
            short_names: Vec::new(),
            categories: Vec::new(),
        }
    }

    fn res(name: &str, singular: &str, kind: &str, short: &[&str], cats: &[&str]) -> ApiResource {
        ApiResource {
            name: name.into(),
            singular_name: singular.into(),
            namespaced: true,
            kind: kind.into(),
            verbs: vec!["get".into(), "list".into()],
            short_names: short.iter().map(|s| s.to_string()).collect(),
            categories: cats.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    pub fn discovery() -> Discovery {
        let group = |name: &str, versions: &[&str]| ApiGroup {
            name: name.into(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
            preferred_version: versions[0].into(),
        };
        Discovery {
            groups: vec![
                group("", &["v1"]),
                group("apps", &["v1"]),
                group("events.k8s.io", &["v1"]),
                group("autoscaling", &["v2", "v1"]),
            ],
            resources: vec![
                (
                    ("".into(), "v1".into()),
                    vec![
                        res("events", "event", "Event", &["ev"], &[]),
                        res("pods", "pod", "Pod", &["po"], &["all"]),
                        res("pods/log", "pod", "Pod", &[], &[]),
                        res("services", "service", "Service", &["svc"], &["all"]),
                    ],
                ),
                (
                    ("apps".into(), "v1".into()),
                    vec![res(
                        "deployments",
                        "deployment",
                        "Deployment",
                        &["deploy"],
                        &["all"],
                    )],
                ),
                (
                    ("events.k8s.io".into(), "v1".into()),
                    vec![res("events", "event", "Event", &["ev"], &[])],
                ),
                (
                    ("autoscaling".into(), "v2".into()),
                    vec![res(
                        "horizontalpodautoscalers",
                        "horizontalpodautoscaler",
                        "HorizontalPodAutoscaler",
                        &["hpa"],
                        &["all"],
                    )],
                ),
                (
                    ("autoscaling".into(), "v1".into()),
                    vec![res(
                        "horizontalpodautoscalers",
                        "horizontalpodautoscaler",
                        "HorizontalPodAutoscaler",
                        &["hpa"],
                        &["all"],
                    )],
                ),
            ],
            fresh: false,
        }
    }
}

//! A pod as the describers of other objects read it: a node's table of
//! pods and their requests, a controller's pod counts, a claim's users.
//! Pages of pods are decoded straight into these (serde skips every other
//! field), so thousands of pods never sit in memory as whole JSON trees.

use std::collections::BTreeMap;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::resources::ResourceList;
use crate::client::protobuf::{self as wire, fields, map_entry, WireError};
use crate::quantity::Quantity;

/// A resource list as a pod carries it: a few entries in a vector (a
/// `BTreeMap` node would be a kilobyte each, thousands of pods over).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quantities(Vec<(String, Quantity)>);

impl Quantities {
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Quantity)> {
        self.0.iter().map(|(k, q)| (k, q))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_list(&self) -> ResourceList {
        self.iter().map(|(k, q)| (k.clone(), q.clone())).collect()
    }
}

impl Extend<(String, Quantity)> for Quantities {
    fn extend<I: IntoIterator<Item = (String, Quantity)>>(&mut self, entries: I) {
        for (key, q) in entries {
            // A repeated key: the last one counts, as in Go.
            match self.0.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = q,
                None => self.0.push((key, q)),
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PodSummary {
    #[serde(deserialize_with = "nullable")]
    pub metadata: Metadata,
    #[serde(deserialize_with = "nullable")]
    pub spec: Spec,
    #[serde(deserialize_with = "nullable")]
    pub status: Status,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Metadata {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub namespace: String,
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub creation_timestamp: String,
    #[serde(deserialize_with = "string_map")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub owner_references: Vec<OwnerReference>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OwnerReference {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub controller: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    #[serde(deserialize_with = "nullable")]
    pub node_name: String,
    #[serde(deserialize_with = "nullable")]
    pub containers: Vec<Container>,
    #[serde(deserialize_with = "nullable")]
    pub init_containers: Vec<Container>,
    /// Pod-level resources.
    #[serde(deserialize_with = "nullable")]
    pub resources: Requirements,
    #[serde(deserialize_with = "resource_list")]
    pub overhead: Quantities,
    #[serde(deserialize_with = "nullable")]
    pub volumes: Vec<Volume>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub restart_policy: String,
    #[serde(deserialize_with = "nullable")]
    pub resources: Requirements,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Requirements {
    #[serde(deserialize_with = "resource_list")]
    pub requests: Quantities,
    #[serde(deserialize_with = "resource_list")]
    pub limits: Quantities,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Volume {
    /// The claim of a `persistentVolumeClaim` volume (None for other kinds).
    #[serde(deserialize_with = "optional")]
    pub persistent_volume_claim: Option<ClaimSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClaimSource {
    #[serde(deserialize_with = "nullable")]
    pub claim_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    #[serde(deserialize_with = "nullable")]
    pub phase: String,
    #[serde(deserialize_with = "nullable")]
    pub conditions: Vec<Condition>,
    #[serde(deserialize_with = "nullable")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "nullable")]
    pub init_container_statuses: Vec<ContainerStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Condition {
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub type_: String,
    #[serde(deserialize_with = "nullable")]
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// Set (even when empty) or not: Go's nil map.
    #[serde(deserialize_with = "optional_resource_list")]
    pub allocated_resources: Option<Quantities>,
    #[serde(deserialize_with = "optional")]
    pub resources: Option<StatusResources>,
}

/// Requirements as the kubelet reports them, each list set or not.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StatusResources {
    #[serde(deserialize_with = "optional_resource_list")]
    pub requests: Option<Quantities>,
    #[serde(deserialize_with = "optional_resource_list")]
    pub limits: Option<Quantities>,
}

impl PodSummary {
    /// The summary of a pod already decoded whole.
    pub fn from_value(pod: &serde_json::Value) -> PodSummary {
        PodSummary::deserialize(pod).unwrap_or_default()
    }

    /// The UID of the owner that is the pod's controller.
    pub fn controller_uid(&self) -> Option<&str> {
        self.metadata
            .owner_references
            .iter()
            .find(|r| r.controller)
            .map(|r| r.uid.as_str())
    }

    /// A field as a field selector reads it (`""` when missing). Only the
    /// fields describers select pods by are known.
    pub fn field(&self, path: &str) -> &str {
        match path {
            "metadata.name" => &self.metadata.name,
            "metadata.namespace" => &self.metadata.namespace,
            "spec.nodeName" => &self.spec.node_name,
            "status.phase" => &self.status.phase,
            _ => "",
        }
    }
}

impl PodSummary {
    /// The summary of a pod in the server's protobuf encoding (`v1.Pod`).
    pub fn from_protobuf(pod: &[u8]) -> Result<PodSummary, WireError> {
        let mut out = PodSummary::default();
        for field in fields(pod) {
            match field? {
                (1, m) => out.metadata = proto_metadata(bytes(m)?)?,
                (2, s) => out.spec = proto_spec(bytes(s)?)?,
                (3, s) => out.status = proto_status(bytes(s)?)?,
                _ => {}
            }
        }
        Ok(out)
    }
}

fn bytes(v: wire::Value<'_>) -> Result<&[u8], WireError> {
    v.bytes().ok_or(WireError("expected a message"))
}

fn proto_metadata(m: &[u8]) -> Result<Metadata, WireError> {
    let mut out = Metadata::default();
    for field in fields(m) {
        match field? {
            (1, v) => out.name = v.string(),
            (3, v) => out.namespace = v.string(),
            (5, v) => out.uid = v.string(),
            (8, v) => out.creation_timestamp = proto_time(bytes(v)?)?,
            (11, v) => {
                let (key, value) = map_entry(bytes(v)?)?;
                out.labels
                    .insert(key, value.map(|v| v.string()).unwrap_or_default());
            }
            (13, v) => {
                let mut owner = OwnerReference::default();
                for field in fields(bytes(v)?) {
                    match field? {
                        (4, v) => owner.uid = v.string(),
                        (6, v) => owner.controller = v.varint() != 0,
                        _ => {}
                    }
                }
                out.owner_references.push(owner);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A `metav1.Time` as the JSON encoding writes it; Go's zero time (which
/// JSON leaves out) as nothing.
fn proto_time(t: &[u8]) -> Result<String, WireError> {
    let mut seconds: i64 = 0;
    for field in fields(t) {
        if let (1, v) = field? {
            seconds = v.varint() as i64;
        }
    }
    const GO_ZERO_TIME: i64 = -62_135_596_800;
    if seconds == GO_ZERO_TIME {
        return Ok(String::new());
    }
    Ok(chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default())
}

fn proto_quantities(entry: &[u8], into: &mut Quantities) -> Result<(), WireError> {
    let (key, value) = map_entry(entry)?;
    let mut text = String::new();
    if let Some(v) = value {
        for field in fields(bytes(v)?) {
            if let (1, s) = field? {
                text = s.string();
            }
        }
    }
    if let Ok(q) = Quantity::parse_field(&text) {
        into.extend([(key, q)]);
    }
    Ok(())
}

fn proto_requirements(r: &[u8]) -> Result<StatusResources, WireError> {
    let mut out = StatusResources::default();
    for field in fields(r) {
        match field? {
            (1, v) => proto_quantities(bytes(v)?, out.limits.get_or_insert_with(Default::default))?,
            (2, v) => {
                proto_quantities(bytes(v)?, out.requests.get_or_insert_with(Default::default))?
            }
            _ => {}
        }
    }
    Ok(out)
}

fn proto_container(c: &[u8]) -> Result<Container, WireError> {
    let mut out = Container::default();
    for field in fields(c) {
        match field? {
            (1, v) => out.name = v.string(),
            (8, v) => {
                let r = proto_requirements(bytes(v)?)?;
                out.resources = Requirements {
                    requests: r.requests.unwrap_or_default(),
                    limits: r.limits.unwrap_or_default(),
                };
            }
            (24, v) => out.restart_policy = v.string(),
            _ => {}
        }
    }
    Ok(out)
}

fn proto_spec(s: &[u8]) -> Result<Spec, WireError> {
    let mut out = Spec::default();
    for field in fields(s) {
        match field? {
            (1, v) => {
                let mut volume = Volume::default();
                for field in fields(bytes(v)?) {
                    if let (2, source) = field? {
                        for field in fields(bytes(source)?) {
                            if let (10, claim) = field? {
                                let mut c = ClaimSource::default();
                                for field in fields(bytes(claim)?) {
                                    if let (1, name) = field? {
                                        c.claim_name = name.string();
                                    }
                                }
                                volume.persistent_volume_claim = Some(c);
                            }
                        }
                    }
                }
                out.volumes.push(volume);
            }
            (2, v) => out.containers.push(proto_container(bytes(v)?)?),
            (10, v) => out.node_name = v.string(),
            (20, v) => out.init_containers.push(proto_container(bytes(v)?)?),
            (32, v) => proto_quantities(bytes(v)?, &mut out.overhead)?,
            (40, v) => {
                let r = proto_requirements(bytes(v)?)?;
                out.resources = Requirements {
                    requests: r.requests.unwrap_or_default(),
                    limits: r.limits.unwrap_or_default(),
                };
            }
            _ => {}
        }
    }
    Ok(out)
}

fn proto_container_status(s: &[u8]) -> Result<ContainerStatus, WireError> {
    let mut out = ContainerStatus::default();
    for field in fields(s) {
        match field? {
            (1, v) => out.name = v.string(),
            (10, v) => proto_quantities(
                bytes(v)?,
                out.allocated_resources.get_or_insert_with(Default::default),
            )?,
            (11, v) => out.resources = Some(proto_requirements(bytes(v)?)?),
            _ => {}
        }
    }
    Ok(out)
}

fn proto_status(s: &[u8]) -> Result<Status, WireError> {
    let mut out = Status::default();
    for field in fields(s) {
        match field? {
            (1, v) => out.phase = v.string(),
            (2, v) => {
                let mut c = Condition::default();
                for field in fields(bytes(v)?) {
                    match field? {
                        (1, t) => c.type_ = t.string(),
                        (5, r) => c.reason = r.string(),
                        _ => {}
                    }
                }
                out.conditions.push(c);
            }
            (8, v) => out
                .container_statuses
                .push(proto_container_status(bytes(v)?)?),
            (10, v) => out
                .init_container_statuses
                .push(proto_container_status(bytes(v)?)?),
            _ => {}
        }
    }
    Ok(out)
}

/// A list page of pods: only the items are read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodPage {
    #[serde(deserialize_with = "nullable")]
    pub items: Vec<PodSummary>,
}

impl PodPage {
    /// A page as the server sent it, in protobuf or JSON.
    pub fn decode(body: &[u8]) -> Result<PodPage, String> {
        if wire::is_protobuf(body) {
            let items = wire::list_items(body)
                .and_then(|items| items.into_iter().map(PodSummary::from_protobuf).collect())
                .map_err(|e| e.to_string())?;
            return Ok(PodPage { items });
        }
        serde_json::from_slice(body).map_err(|e| e.to_string())
    }
}

/// Go decodes `null` as the zero value.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A pointer field: set or not.
fn optional<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// A `map[string]string`; values that are not strings are skipped.
fn string_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(
        Option::<Lenient<String, BTreeMap<String, String>>>::deserialize(d)?
            .map(|m| m.0)
            .unwrap_or_default(),
    )
}

/// A resource list; values that are not quantities are skipped.
fn resource_list<'de, D>(d: D) -> Result<Quantities, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(optional_resource_list(d)?.unwrap_or_default())
}

fn optional_resource_list<'de, D>(d: D) -> Result<Option<Quantities>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Lenient<Quantity, Quantities>>::deserialize(d)?.map(|m| m.0))
}

/// A map whose string values are converted one by one, those that are not
/// strings or do not convert left out.
struct Lenient<T, C>(C, std::marker::PhantomData<T>);

trait FromText: Sized {
    fn from_text(text: String) -> Option<Self>;
}

impl FromText for String {
    fn from_text(text: String) -> Option<String> {
        Some(text)
    }
}

impl FromText for Quantity {
    fn from_text(text: String) -> Option<Quantity> {
        Quantity::parse_field(&text).ok()
    }
}

impl<'de, T: FromText, C: Default + Extend<(String, T)>> Deserialize<'de> for Lenient<T, C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<T, C>(std::marker::PhantomData<(T, C)>);
        impl<'de, T: FromText, C: Default + Extend<(String, T)>> Visitor<'de> for MapVisitor<T, C> {
            type Value = Lenient<T, C>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = C::default();
                while let Some(key) = map.next_key::<String>()? {
                    if let Some(value) = map.next_value::<TextOrOther>()?.0.and_then(T::from_text) {
                        out.extend([(key, value)]);
                    }
                }
                Ok(Lenient(out, std::marker::PhantomData))
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// A string, or None for any other value (skipped unread).
struct TextOrOther(Option<String>);

impl<'de> Deserialize<'de> for TextOrOther {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = TextOrOther;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<TextOrOther, E> {
                Ok(TextOrOther(Some(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<TextOrOther, E> {
                Ok(TextOrOther(Some(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_unit<E>(self) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_none<E>(self) -> Result<TextOrOther, E> {
                Ok(TextOrOther(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<TextOrOther, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TextOrOther(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextOrOther, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextOrOther(None))
            }
        }
        d.deserialize_any(AnyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::resources::{pod_limits, pod_requests};
    use serde_json::json;

    /// Pods recorded from the cluster (tests/fixtures/describe/node-pods.yaml
    /// on a stand-in node), once in each encoding.
    const RECORDED_JSON: &[u8] =
        include_bytes!("../../tests/fixtures/describe/recorded/node-pods.json");
    const RECORDED_PROTOBUF: &[u8] =
        include_bytes!("../../tests/fixtures/describe/recorded/node-pods.pb");

    fn by_name<'a>(page: &'a PodPage, name: &str) -> &'a PodSummary {
        page.items
            .iter()
            .find(|p| p.metadata.name == name)
            .unwrap_or_else(|| panic!("no pod {name}"))
    }

    #[test]
    fn both_encodings_give_the_same_summaries() {
        let json = PodPage::decode(RECORDED_JSON).unwrap();
        let protobuf = PodPage::decode(RECORDED_PROTOBUF).unwrap();
        assert_eq!(json.items.len(), 6);
        assert_eq!(json.items, protobuf.items);
        let web = json
            .items
            .iter()
            .find(|p| p.metadata.name.starts_with("web-"))
            .unwrap();
        assert_eq!(
            web.metadata.labels.get("app").map(String::as_str),
            Some("web")
        );
        assert!(web.controller_uid().is_some_and(|u| !u.is_empty()));
        assert_eq!(web.status.phase, "Running");
        assert!(web.metadata.creation_timestamp.ends_with('Z'));
    }

    #[test]
    fn recorded_requests_and_limits_as_kubectl_adds_them() {
        let page = PodPage::decode(RECORDED_PROTOBUF).unwrap();
        // kubectl's describe node rows for these pods: CPU and memory
        // requests, then limits.
        for (name, cpu, mem, cpu_limit, mem_limit) in [
            ("best-effort", "0", "0", "0", "0"),
            ("init-and-sidecar", "1", "116Mi", "2", "232Mi"),
            ("pod-level", "300m", "300Mi", "1", "1Gi"),
        ] {
            let pod = by_name(&page, name);
            let (req, lim) = (pod_requests(pod, true), pod_limits(pod, true));
            let text = |list: &ResourceList, k: &str| {
                list.get(k).cloned().unwrap_or_default().to_canonical()
            };
            assert_eq!(
                [
                    text(&req, "cpu"),
                    text(&req, "memory"),
                    text(&lim, "cpu"),
                    text(&lim, "memory")
                ],
                [cpu, mem, cpu_limit, mem_limit],
                "{name}"
            );
        }
        let web = page
            .items
            .iter()
            .find(|p| p.metadata.name.starts_with("web-"))
            .unwrap();
        let req = pod_requests(web, false);
        assert_eq!(req["memory"].to_canonical(), "1067108864");
        assert_eq!(req["ephemeral-storage"].to_canonical(), "1Gi");
    }

    #[test]
    fn truncated_protobuf_is_an_error() {
        let cut = &RECORDED_PROTOBUF[..RECORDED_PROTOBUF.len() / 2];
        assert!(PodPage::decode(cut).is_err());
        assert!(PodPage::decode(b"{\"items\": 3}").is_err());
    }

    #[test]
    fn missing_null_and_odd_values_are_zero() {
        let pod = PodSummary::from_value(&json!({
            "metadata": {"name": "p", "labels": {"a": "1", "n": 2}, "ownerReferences": null},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1", "memory": 5, "x": "bad"}}}],
                     "overhead": null},
            "status": {"containerStatuses": [{"name": "c", "allocatedResources": {}}]}
        }));
        assert_eq!(pod.metadata.name, "p");
        assert_eq!(pod.metadata.labels.len(), 1);
        let requests = &pod.spec.containers[0].resources.requests;
        assert_eq!(requests.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["cpu"]);
        assert!(pod.status.container_statuses[0]
            .allocated_resources
            .as_ref()
            .is_some_and(|r| r.is_empty()));
        assert!(pod.status.container_statuses[0].resources.is_none());
        assert_eq!(pod.controller_uid(), None);
    }
}

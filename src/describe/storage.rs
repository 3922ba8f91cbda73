//! PersistentVolumes, PersistentVolumeClaims, StorageClasses, CSINodes and
//! VolumeAttributesClasses.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events;
use super::format::{
    access_modes, annotations_multiline, bool_ptr, go_slice_at, labels_multiline, pods_multiline,
    rfc1123z_at, timestamp_since,
};
use super::json::{arr, at, has, name, namespace, opt_b, opt_i, opt_s, s, string_map, strings};
use super::pod_summary::PodSummary;
use super::related::{Query, Related};
use super::volumes::pv_source;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4};
use super::{events_section, DescribeError};
use crate::quantity::canonical;
use crate::resource::mapper::path_escape;
use crate::resource::selector::format_labels;

const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// `GetPersistentVolumeClaimClass`.
pub fn pvc_class(pvc: &Value) -> String {
    let ann = string_map(pvc, &["metadata", "annotations"]);
    if let Some(c) = ann.get(BETA_CLASS_ANNOTATION) {
        return c.clone();
    }
    opt_s(pvc, &["spec", "storageClassName"])
        .unwrap_or("")
        .to_string()
}

fn pv_class(pv: &Value) -> String {
    let ann = string_map(pv, &["metadata", "annotations"]);
    if let Some(c) = ann.get(BETA_CLASS_ANNOTATION) {
        return c.clone();
    }
    s(pv, &["spec", "storageClassName"]).to_string()
}

/// A quantity as `Quantity.String()` prints it (`0` when missing).
fn quantity_at(v: &Value, path: &[&str]) -> String {
    match opt_s(v, path) {
        Some(q) => canonical(q),
        None => "0".to_string(),
    }
}

fn pods_query(ns: &str) -> Query {
    Query::pod_summaries(
        format!("/api/v1/namespaces/{}/pods", path_escape(ns)),
        "",
        "",
    )
}

pub fn pvc_queries(pvc: &Value, show_events: bool) -> Vec<Query> {
    let mut q = vec![pods_query(namespace(pvc))];
    if show_events {
        q.push(events::query_for(pvc, "PersistentVolumeClaim"));
    }
    q
}

/// `getPodsForPVC`: pods with a volume of the claim, then pods owning it.
fn pods_for_pvc<'a>(pvc: &Value, pods: &'a [PodSummary]) -> Vec<&'a str> {
    let claim = name(pvc);
    let mut out: Vec<&PodSummary> = Vec::new();
    for pod in pods {
        for v in &pod.spec.volumes {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == claim)
            {
                out.push(pod);
            }
        }
    }
    for owner in arr(pvc, &["metadata", "ownerReferences"]) {
        if s(owner, &["kind"]) != "Pod" {
            continue;
        }
        let Some(pod) = pods.iter().find(|p| p.metadata.uid == s(owner, &["uid"])) else {
            continue;
        };
        if out.iter().any(|p| p.metadata.uid == pod.metadata.uid) {
            continue;
        }
        out.push(pod);
    }
    out.into_iter().map(|p| p.metadata.name.as_str()).collect()
}

pub fn describe_pvc(
    pvc: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let all = related
        .pods(&pods_query(namespace(pvc)))
        .map_err(|f| DescribeError::Request(f.clone()))?;
    let pods = pods_for_pvc(pvc, all);
    let mut w = PrefixWriter::new();
    print_pvc_full(&mut w, pvc, now);
    pods_multiline(&mut w, "Used By", &pods);
    let conditions = arr(pvc, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(c, &["type"]),
                    s(c, &["status"]),
                    rfc1123z_at(c, &["lastProbeTime"]),
                    rfc1123z_at(c, &["lastTransitionTime"]),
                    s(c, &["reason"]),
                    s(c, &["message"])
                ),
            );
        }
    }
    events_section(
        &mut w,
        pvc,
        "PersistentVolumeClaim",
        related,
        show_events,
        now,
    );
    Ok(w.finish())
}

fn print_pvc_full(w: &mut PrefixWriter, pvc: &Value, now: DateTime<Utc>) {
    print_pvc(w, pvc, Some(now));
}

/// `printPersistentVolumeClaim`: a full claim (with the time its status
/// is shown at), or a claim template (None) without name, status and
/// finalizers.
pub fn print_pvc(w: &mut PrefixWriter, pvc: &Value, full: Option<DateTime<Utc>>) {
    if full.is_some() {
        w.write(LEVEL_0, &format!("Name:\t{}\n", name(pvc)));
        w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(pvc)));
    }
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
    if let Some(now) = full {
        if has(pvc, &["metadata", "deletionTimestamp"]) {
            w.write(
                LEVEL_0,
                &format!(
                    "Status:\tTerminating (lasts {})\n",
                    timestamp_since(s(pvc, &["metadata", "deletionTimestamp"]), now)
                ),
            );
        } else {
            w.write(
                LEVEL_0,
                &format!("Status:\t{}\n", s(pvc, &["status", "phase"])),
            );
        }
    }
    let volume = s(pvc, &["spec", "volumeName"]);
    w.write(LEVEL_0, &format!("Volume:\t{volume}\n"));
    labels_multiline(w, "Labels", &string_map(pvc, &["metadata", "labels"]));
    annotations_multiline(
        w,
        "Annotations",
        &string_map(pvc, &["metadata", "annotations"]),
    );
    if full.is_some() {
        w.write(
            LEVEL_0,
            &format!(
                "Finalizers:\t{}\n",
                go_slice_at(pvc, &["metadata", "finalizers"])
            ),
        );
    }
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity_at(pvc, &["status", "capacity", "storage"]),
            access_modes(arr(pvc, &["status", "accessModes"])),
        )
    };
    w.write(LEVEL_0, &format!("Capacity:\t{capacity}\n"));
    w.write(LEVEL_0, &format!("Access Modes:\t{modes}\n"));
    if let Some(mode) = opt_s(pvc, &["spec", "volumeMode"]) {
        w.write(LEVEL_0, &format!("VolumeMode:\t{mode}\n"));
    }
    let ds = at(pvc, &["spec", "dataSource"]);
    if !ds.is_null() {
        w.write(LEVEL_0, "DataSource:\n");
        if let Some(g) = opt_s(ds, &["apiGroup"]) {
            w.write(LEVEL_1, &format!("APIGroup:\t{g}\n"));
        }
        w.write(LEVEL_1, &format!("Kind:\t{}\n", s(ds, &["kind"])));
        w.write(LEVEL_1, &format!("Name:\t{}\n", s(ds, &["name"])));
    }
}

pub fn describe_pv(pv: &Value, related: &Related, show_events: bool, now: DateTime<Utc>) -> String {
    let spec = at(pv, &["spec"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(pv)));
    labels_multiline(&mut w, "Labels", &string_map(pv, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(pv, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice_at(pv, &["metadata", "finalizers"])
        ),
    );
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", pv_class(pv)));
    if has(pv, &["metadata", "deletionTimestamp"]) {
        w.write(
            LEVEL_0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                timestamp_since(s(pv, &["metadata", "deletionTimestamp"]), now)
            ),
        );
    } else {
        w.write(
            LEVEL_0,
            &format!("Status:\t{}\n", s(pv, &["status", "phase"])),
        );
    }
    let claim = at(spec, &["claimRef"]);
    if claim.is_null() {
        w.write(LEVEL_0, "Claim:\t\n");
    } else {
        w.write(
            LEVEL_0,
            &format!(
                "Claim:\t{}/{}\n",
                s(claim, &["namespace"]),
                s(claim, &["name"])
            ),
        );
    }
    w.write(
        LEVEL_0,
        &format!(
            "Reclaim Policy:\t{}\n",
            s(spec, &["persistentVolumeReclaimPolicy"])
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(arr(spec, &["accessModes"]))
        ),
    );
    if let Some(mode) = opt_s(spec, &["volumeMode"]) {
        w.write(LEVEL_0, &format!("VolumeMode:\t{mode}\n"));
    }
    w.write(
        LEVEL_0,
        &format!(
            "Capacity:\t{}\n",
            quantity_at(spec, &["capacity", "storage"])
        ),
    );
    node_affinity(&mut w, at(spec, &["nodeAffinity"]));
    w.write(
        LEVEL_0,
        &format!("Message:\t{}\n", s(pv, &["status", "message"])),
    );
    w.write(LEVEL_0, "Source:\n");
    pv_source(spec, &mut w);
    events_section(&mut w, pv, "PersistentVolume", related, show_events, now);
    w.finish()
}

/// `printVolumeNodeAffinity`.
fn node_affinity(w: &mut PrefixWriter, affinity: &Value) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let required = at(affinity, &["required"]);
    if required.is_null() {
        w.line("<none>");
        return;
    }
    w.line("");
    w.write(LEVEL_1, "Required Terms:\t");
    let terms = arr(required, &["nodeSelectorTerms"]);
    if terms.is_empty() {
        w.line("<none>");
        return;
    }
    w.line("");
    for (n, term) in terms.iter().enumerate() {
        let exprs: Vec<String> = arr(term, &["matchExpressions"])
            .iter()
            .map(|r| {
                let mut text = format!("{} {}", s(r, &["key"]), s(r, &["operator"]).to_lowercase());
                let values = strings(r, &["values"]);
                if !values.is_empty() {
                    text = format!("{text} [{}]", values.join(", "));
                }
                text
            })
            .collect();
        selector_terms(w, LEVEL_2, &format!("Term {n}"), &exprs);
    }
}

/// `print…TermsMultilineWithIndent`: `Title:\texpr` then `\texpr` lines.
fn selector_terms(w: &mut PrefixWriter, level: usize, title: &str, exprs: &[String]) {
    w.write(level, &format!("{title}:\t"));
    if exprs.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, e) in exprs.iter().enumerate() {
        if n != 0 {
            w.write(level, "\t");
        }
        w.write(LEVEL_0, &format!("{e}\n"));
    }
}

pub fn describe_storage_class(
    sc: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let ann = string_map(sc, &["metadata", "annotations"]);
    let default = ann
        .get("storageclass.kubernetes.io/is-default-class")
        .map(String::as_str)
        == Some("true")
        || ann
            .get("storageclass.beta.kubernetes.io/is-default-class")
            .map(String::as_str)
            == Some("true");
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(sc)));
    w.write(
        LEVEL_0,
        &format!("IsDefaultClass:\t{}\n", if default { "Yes" } else { "No" }),
    );
    w.write(LEVEL_0, &format!("Annotations:\t{}\n", format_labels(&ann)));
    w.write(
        LEVEL_0,
        &format!("Provisioner:\t{}\n", s(sc, &["provisioner"])),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Parameters:\t{}\n",
            format_labels(&string_map(sc, &["parameters"]))
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "AllowVolumeExpansion:\t{}\n",
            bool_ptr(opt_b(sc, &["allowVolumeExpansion"]))
        ),
    );
    let options = strings(sc, &["mountOptions"]);
    if options.is_empty() {
        w.write(LEVEL_0, "MountOptions:\t<none>\n");
    } else {
        w.write(LEVEL_0, "MountOptions:\n");
        for o in options {
            w.write(LEVEL_1, &format!("{o}\n"));
        }
    }
    if let Some(p) = opt_s(sc, &["reclaimPolicy"]) {
        w.write(LEVEL_0, &format!("ReclaimPolicy:\t{p}\n"));
    }
    if let Some(m) = opt_s(sc, &["volumeBindingMode"]) {
        w.write(LEVEL_0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    if has(sc, &["allowedTopologies"]) {
        w.write(LEVEL_0, "AllowedTopologies:\t");
        let terms = arr(sc, &["allowedTopologies"]);
        if terms.is_empty() {
            w.line("<none>");
        } else {
            w.line("");
            for (n, term) in terms.iter().enumerate() {
                let exprs: Vec<String> = arr(term, &["matchLabelExpressions"])
                    .iter()
                    .map(|r| {
                        let mut text = format!("{} in", s(r, &["key"]));
                        let values = strings(r, &["values"]);
                        if !values.is_empty() {
                            text = format!("{text} [{}]", values.join(", "));
                        }
                        text
                    })
                    .collect();
                selector_terms(&mut w, LEVEL_1, &format!("Term {n}"), &exprs);
            }
        }
    }
    events_section(&mut w, sc, "StorageClass", related, show_events, now);
    w.finish()
}

pub fn describe_csi_node(
    csi: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(csi)));
    labels_multiline(&mut w, "Labels", &string_map(csi, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(csi, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(csi, &["metadata", "creationTimestamp"])
        ),
    );
    w.write(LEVEL_0, "Spec:\n");
    if has(csi, &["spec", "drivers"]) {
        w.write(LEVEL_1, "Drivers:\n");
        for d in arr(csi, &["spec", "drivers"]) {
            w.write(LEVEL_2, &format!("{}:\n", s(d, &["name"])));
            w.write(LEVEL_3, &format!("Node ID:\t{}\n", s(d, &["nodeID"])));
            if let Some(count) = opt_i(d, &["allocatable", "count"]) {
                w.write(LEVEL_3, "Allocatables:\n");
                w.write(LEVEL_4, &format!("Count:\t{count}\n"));
            }
            if has(d, &["topologyKeys"]) {
                w.write(
                    LEVEL_3,
                    &format!("Topology Keys:\t{}\n", go_slice_at(d, &["topologyKeys"])),
                );
            }
        }
    }
    events_section(&mut w, csi, "CSINode", related, show_events, now);
    w.finish()
}

pub fn describe_vac(
    vac: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(vac)));
    w.write(
        LEVEL_0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(&string_map(vac, &["metadata", "annotations"]))
        ),
    );
    w.write(
        LEVEL_0,
        &format!("DriverName:\t{}\n", s(vac, &["driverName"])),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Parameters:\t{}\n",
            format_labels(&string_map(vac, &["parameters"]))
        ),
    );
    events_section(
        &mut w,
        vac,
        "VolumeAttributesClass",
        related,
        show_events,
        now,
    );
    w.finish()
}

//! NetworkPolicies, ServiceCIDRs and IPAddresses.

use super::format::conditions_table;
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

use super::events_section;
use super::format::{annotations_multiline, labels_multiline, parse_time};
use super::json::{arr, at, has, name, namespace, opt_i, s, string_map, strings};
use super::related::Related;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2};
use crate::resource::selector::format_label_selector;

fn conditions(obj: &Value, w: &mut PrefixWriter) {
    let conditions = arr(obj, &["status", "conditions"]);
    if conditions.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Status:\n");
    w.write(LEVEL_0, "Conditions:\n");
    conditions_table(w, conditions);
}

pub fn describe_service_cidr(
    obj: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(obj)));
    labels_multiline(&mut w, "Labels", &string_map(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(obj, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!("CIDRs:\t{}\n", strings(obj, &["spec", "cidrs"]).join(", ")),
    );
    conditions(obj, &mut w);
    events_section(&mut w, obj, "ServiceCIDR", related, show_events, now);
    w.finish()
}

pub fn describe_ip_address(
    obj: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(obj)));
    labels_multiline(&mut w, "Labels", &string_map(obj, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(obj, &["metadata", "annotations"]),
    );
    let p = at(obj, &["spec", "parentRef"]);
    if !p.is_null() {
        w.write(LEVEL_0, "Parent Reference:\n");
        for (title, field) in [
            ("Group", "group"),
            ("Resource", "resource"),
            ("Namespace", "namespace"),
            ("Name", "name"),
        ] {
            w.write(LEVEL_1, &format!("{title}:\t{}\n", s(p, &[field])));
        }
    }
    events_section(&mut w, obj, "IPAddress", related, show_events, now);
    w.finish()
}

/// Go's `Time.String()`: `2006-01-02 15:04:05 -0700 MST`.
fn go_time_string(text: &str) -> String {
    match parse_time(text) {
        Some(t) => {
            let local = t.with_timezone(&Local);
            let zone = if local.offset().local_minus_utc() == 0 {
                "UTC".to_string()
            } else {
                local.format("%z").to_string()
            };
            format!("{} {zone}", local.format("%Y-%m-%d %H:%M:%S %z"))
        }
        None => "0001-01-01 00:00:00 +0000 UTC".to_string(),
    }
}

pub fn describe_network_policy(np: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(np)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(np)));
    w.write(
        LEVEL_0,
        &format!(
            "Created on:\t{}\n",
            go_time_string(s(np, &["metadata", "creationTimestamp"]))
        ),
    );
    labels_multiline(&mut w, "Labels", &string_map(np, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(np, &["metadata", "annotations"]),
    );
    let spec = at(np, &["spec"]);
    w.write(LEVEL_0, "Spec:\n");
    w.write(LEVEL_1, "PodSelector: ");
    let ps = at(spec, &["podSelector"]);
    if string_map(ps, &["matchLabels"]).is_empty() && arr(ps, &["matchExpressions"]).is_empty() {
        w.write(
            LEVEL_2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.write(LEVEL_2, &format!("{}\n", format_label_selector(ps)));
    }
    let types = strings(spec, &["policyTypes"]);
    let ingress = types.iter().any(|t| t == "Ingress");
    let egress = types.iter().any(|t| t == "Egress");
    if ingress {
        w.write(LEVEL_1, "Allowing ingress traffic:\n");
        rules(arr(spec, &["ingress"]), "    ", &mut w, true);
    } else {
        w.write(LEVEL_1, "Not affecting ingress traffic\n");
    }
    if egress {
        w.write(LEVEL_1, "Allowing egress traffic:\n");
        rules(arr(spec, &["egress"]), "    ", &mut w, false);
    } else {
        w.write(LEVEL_1, "Not affecting egress traffic\n");
    }
    let shown = if has(spec, &["policyTypes"]) {
        types.join(", ")
    } else {
        String::new()
    };
    w.write(
        LEVEL_1,
        &format!(
            "Policy Types: {}\n",
            if shown.is_empty() { "<none>" } else { &shown }
        ),
    );
    w.finish()
}

fn rules(list: &[Value], indent: &str, w: &mut PrefixWriter, ingress: bool) {
    if list.is_empty() {
        let text = if ingress {
            "<none> (Selected pods are isolated for ingress connectivity)"
        } else {
            "<none> (Selected pods are isolated for egress connectivity)"
        };
        w.write(LEVEL_0, &format!("{indent}{text}\n"));
        return;
    }
    for (n, rule) in list.iter().enumerate() {
        let ports = arr(rule, &["ports"]);
        if ports.is_empty() {
            w.write(
                LEVEL_0,
                &format!("{indent}To Port: <any> (traffic allowed to all ports)\n"),
            );
        } else {
            for p in ports {
                let proto = match s(p, &["protocol"]) {
                    "" => "TCP",
                    other => other,
                };
                let port = match at(p, &["port"]) {
                    Value::Null => "<nil>".to_string(),
                    other => super::json::int_or_string(other),
                };
                match opt_i(p, &["endPort"]) {
                    None => w.write(LEVEL_0, &format!("{indent}To Port: {port}/{proto}\n")),
                    Some(end) => w.write(
                        LEVEL_0,
                        &format!("{indent}To Port Range: {port}-{end}/{proto}\n"),
                    ),
                }
            }
        }
        let (peers_field, title, none) = if ingress {
            (
                "from",
                "From:",
                "From: <any> (traffic not restricted by source)",
            )
        } else {
            (
                "to",
                "To:",
                "To: <any> (traffic not restricted by destination)",
            )
        };
        let peers = arr(rule, &[peers_field]);
        if peers.is_empty() {
            w.write(LEVEL_0, &format!("{indent}{none}\n"));
        } else {
            for peer in peers {
                w.write(LEVEL_0, &format!("{indent}{title}\n"));
                let pod = at(peer, &["podSelector"]);
                let ns = at(peer, &["namespaceSelector"]);
                if !pod.is_null() && !ns.is_null() {
                    w.write(
                        LEVEL_1,
                        &format!("{indent}NamespaceSelector: {}\n", format_label_selector(ns)),
                    );
                    w.write(
                        LEVEL_1,
                        &format!("{indent}PodSelector: {}\n", format_label_selector(pod)),
                    );
                } else if !pod.is_null() {
                    w.write(
                        LEVEL_1,
                        &format!("{indent}PodSelector: {}\n", format_label_selector(pod)),
                    );
                } else if !ns.is_null() {
                    w.write(
                        LEVEL_1,
                        &format!("{indent}NamespaceSelector: {}\n", format_label_selector(ns)),
                    );
                } else if has(peer, &["ipBlock"]) {
                    w.write(LEVEL_1, &format!("{indent}IPBlock:\n"));
                    w.write(
                        LEVEL_2,
                        &format!("{indent}CIDR: {}\n", s(peer, &["ipBlock", "cidr"])),
                    );
                    w.write(
                        LEVEL_2,
                        &format!(
                            "{indent}Except: {}\n",
                            strings(peer, &["ipBlock", "except"]).join(", ")
                        ),
                    );
                }
            }
        }
        if n != list.len() - 1 {
            w.write(LEVEL_0, &format!("{indent}----------\n"));
        }
    }
}

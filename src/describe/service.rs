//! Services, Endpoints and EndpointSlices.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events;
use super::events_section;
use super::format::{annotations_multiline, labels_multiline};
use super::json::{arr, at, has, i, name, namespace, opt_b, opt_i, opt_s, s, string_map, strings};
use super::related::{Query, Related};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::resource::mapper::path_escape;
use crate::resource::selector::format_labels;

/// EndpointSlices of a service (`kubernetes.io/service-name=<name>`).
pub fn slices_query(ns: &str, service: &str) -> Query {
    Query::list(
        format!(
            "/apis/discovery.k8s.io/v1/namespaces/{}/endpointslices",
            path_escape(ns)
        ),
        format!("kubernetes.io/service-name={service}"),
        "",
    )
}

pub fn service_queries(svc: &Value, show_events: bool) -> Vec<Query> {
    let mut q = vec![slices_query(namespace(svc), name(svc))];
    if show_events {
        q.push(events::query_for(svc, "Service"));
    }
    q
}

fn ingress_string(ingress: &[Value]) -> String {
    ingress
        .iter()
        .map(|x| {
            let ip = s(x, &["ip"]);
            if !ip.is_empty() {
                match opt_s(x, &["ipMode"]) {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                }
            } else {
                s(x, &["hostname"]).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_service(
    svc: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let slices = related
        .items(&slices_query(namespace(svc), name(svc)))
        .unwrap_or(&[]);
    let spec = at(svc, &["spec"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(svc)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(svc)));
    labels_multiline(&mut w, "Labels", &string_map(svc, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(svc, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(spec, &["selector"]))
        ),
    );
    w.write(LEVEL_0, &format!("Type:\t{}\n", s(spec, &["type"])));
    if let Some(p) = opt_s(spec, &["ipFamilyPolicy"]) {
        w.write(LEVEL_0, &format!("IP Family Policy:\t{p}\n"));
    }
    let families = strings(spec, &["ipFamilies"]);
    if families.is_empty() {
        w.write(LEVEL_0, "IP Families:\t<none>\n");
    } else {
        w.write(LEVEL_0, &format!("IP Families:\t{}\n", families.join(",")));
    }
    w.write(LEVEL_0, &format!("IP:\t{}\n", s(spec, &["clusterIP"])));
    let ips = strings(spec, &["clusterIPs"]);
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, &format!("IPs:\t{}\n", ips.join(",")));
    }
    let external = strings(spec, &["externalIPs"]);
    if !external.is_empty() {
        w.write(LEVEL_0, &format!("External IPs:\t{}\n", external.join(",")));
    }
    let lb_ip = s(spec, &["loadBalancerIP"]);
    if !lb_ip.is_empty() {
        w.write(LEVEL_0, &format!("Desired LoadBalancer IP:\t{lb_ip}\n"));
    }
    let ext_name = s(spec, &["externalName"]);
    if !ext_name.is_empty() {
        w.write(LEVEL_0, &format!("External Name:\t{ext_name}\n"));
    }
    let lb = arr(svc, &["status", "loadBalancer", "ingress"]);
    if !lb.is_empty() {
        w.write(
            LEVEL_0,
            &format!("LoadBalancer Ingress:\t{}\n", ingress_string(lb)),
        );
    }
    for p in arr(spec, &["ports"]) {
        let pname = s(p, &["name"]);
        let shown = if pname.is_empty() { "<unset>" } else { pname };
        let proto = s(p, &["protocol"]);
        w.write(
            LEVEL_0,
            &format!("Port:\t{shown}\t{}/{proto}\n", i(p, &["port"])),
        );
        match at(p, &["targetPort"]) {
            Value::String(t) => w.write(LEVEL_0, &format!("TargetPort:\t{t}/{proto}\n")),
            other => w.write(
                LEVEL_0,
                &format!("TargetPort:\t{}/{proto}\n", other.as_i64().unwrap_or(0)),
            ),
        }
        if let Some(ap) = opt_s(p, &["appProtocol"]) {
            w.write(LEVEL_0, &format!("AppProtocol:\t{ap}\n"));
        }
        let node_port = i(p, &["nodePort"]);
        if node_port != 0 {
            w.write(
                LEVEL_0,
                &format!("NodePort:\t{shown}\t{node_port}/{proto}\n"),
            );
        }
        w.write(
            LEVEL_0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(slices, Some(pname))
            ),
        );
    }
    w.write(
        LEVEL_0,
        &format!("Session Affinity:\t{}\n", s(spec, &["sessionAffinity"])),
    );
    let etp = s(spec, &["externalTrafficPolicy"]);
    if !etp.is_empty() {
        w.write(LEVEL_0, &format!("External Traffic Policy:\t{etp}\n"));
    }
    if let Some(itp) = opt_s(spec, &["internalTrafficPolicy"]) {
        w.write(LEVEL_0, &format!("Internal Traffic Policy:\t{itp}\n"));
    }
    let hc = i(spec, &["healthCheckNodePort"]);
    if hc != 0 {
        w.write(LEVEL_0, &format!("HealthCheck NodePort:\t{hc}\n"));
    }
    let ranges = strings(spec, &["loadBalancerSourceRanges"]);
    if !ranges.is_empty() {
        w.write(
            LEVEL_0,
            &format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")),
        );
    }
    if let Some(td) = opt_s(spec, &["trafficDistribution"]) {
        w.write(LEVEL_0, &format!("Traffic Distribution:\t{td}\n"));
    }
    events_section(&mut w, svc, "Service", related, show_events, now);
    w.finish()
}

/// `formatEndpointSlices`: ready `ip:port` addresses of the port named
/// `port` (all ports when None), at most three, then `+ N more...`.
pub fn format_endpoint_slices(slices: &[Value], port: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    let ready = |e: &Value| opt_b(e, &["conditions", "ready"]).unwrap_or(true);
    let first_address = |e: &Value| {
        arr(e, &["addresses"])
            .first()
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    for slice in slices {
        let ports = arr(slice, &["ports"]);
        let endpoints = arr(slice, &["endpoints"]);
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(first_address(e));
                }
                count += 1;
            }
        } else {
            for p in ports {
                let pname = s(p, &["name"]);
                if port.is_some_and(|want| want != pname) {
                    continue;
                }
                for e in endpoints {
                    if list.len() == MAX {
                        more = true;
                    }
                    let addr = first_address(e);
                    if !ready(e) {
                        continue;
                    }
                    if !more {
                        let number = i(p, &["port"]);
                        let host = if addr.contains(':') {
                            format!("[{addr}]")
                        } else {
                            addr
                        };
                        list.push(format!("{host}:{number}"));
                    }
                    count += 1;
                }
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count.saturating_sub(MAX))
    } else {
        joined
    }
}

pub fn describe_endpoints(
    ep: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ep)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(ep)));
    labels_multiline(&mut w, "Labels", &string_map(ep, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ep, &["metadata", "annotations"]),
    );
    w.write(LEVEL_0, "Subsets:\n");
    for subset in arr(ep, &["subsets"]) {
        let ips = |field: &str| {
            let joined = arr(subset, &[field])
                .iter()
                .map(|a| s(a, &["ip"]).to_string())
                .collect::<Vec<_>>()
                .join(",");
            if joined.is_empty() {
                "<none>".to_string()
            } else {
                joined
            }
        };
        w.write(LEVEL_1, &format!("Addresses:\t{}\n", ips("addresses")));
        w.write(
            LEVEL_1,
            &format!("NotReadyAddresses:\t{}\n", ips("notReadyAddresses")),
        );
        let ports = arr(subset, &["ports"]);
        if !ports.is_empty() {
            w.write(LEVEL_1, "Ports:\n");
            w.write(LEVEL_2, "Name\tPort\tProtocol\n");
            w.write(LEVEL_2, "----\t----\t--------\n");
            for p in ports {
                let pname = s(p, &["name"]);
                let pname = if pname.is_empty() { "<unset>" } else { pname };
                w.write(
                    LEVEL_2,
                    &format!("{pname}\t{}\t{}\n", i(p, &["port"]), s(p, &["protocol"])),
                );
            }
        }
        w.write(LEVEL_0, "\n");
    }
    events_section(&mut w, ep, "Endpoints", related, show_events, now);
    w.finish()
}

pub fn describe_endpointslice(
    eps: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(eps)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(eps)));
    labels_multiline(&mut w, "Labels", &string_map(eps, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(eps, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!("AddressType:\t{}\n", s(eps, &["addressType"])),
    );
    let ports = arr(eps, &["ports"]);
    if ports.is_empty() {
        w.write(LEVEL_0, "Ports: <unset>\n");
    } else {
        w.write(LEVEL_0, "Ports:\n");
        w.write(LEVEL_1, "Name\tPort\tProtocol\n");
        w.write(LEVEL_1, "----\t----\t--------\n");
        for p in ports {
            let pname = opt_s(p, &["name"])
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let number = opt_i(p, &["port"])
                .map(|n| n.to_string())
                .unwrap_or_else(|| "<unset>".to_string());
            w.write(
                LEVEL_1,
                &format!("{pname}\t{number}\t{}\n", s(p, &["protocol"])),
            );
        }
    }
    let endpoints = arr(eps, &["endpoints"]);
    if endpoints.is_empty() {
        w.write(LEVEL_0, "Endpoints: <none>\n");
    } else {
        w.write(LEVEL_0, "Endpoints:\n");
        for e in endpoints {
            let addresses = strings(e, &["addresses"]).join(", ");
            let addresses = if addresses.is_empty() {
                "<none>".to_string()
            } else {
                addresses
            };
            w.write(LEVEL_1, &format!("- Addresses:\t{addresses}\n"));
            w.write(LEVEL_2, "Conditions:\n");
            let ready = opt_b(e, &["conditions", "ready"])
                .map(|b| b.to_string())
                .unwrap_or_else(|| "<unset>".to_string());
            w.write(LEVEL_3, &format!("Ready:\t{ready}\n"));
            w.write(
                LEVEL_2,
                &format!(
                    "Hostname:\t{}\n",
                    opt_s(e, &["hostname"]).unwrap_or("<unset>")
                ),
            );
            if has(e, &["targetRef"]) {
                w.write(
                    LEVEL_2,
                    &format!(
                        "TargetRef:\t{}/{}\n",
                        s(e, &["targetRef", "kind"]),
                        s(e, &["targetRef", "name"])
                    ),
                );
            }
            w.write(
                LEVEL_2,
                &format!(
                    "NodeName:\t{}\n",
                    opt_s(e, &["nodeName"]).unwrap_or("<unset>")
                ),
            );
            w.write(
                LEVEL_2,
                &format!("Zone:\t{}\n", opt_s(e, &["zone"]).unwrap_or("<unset>")),
            );
        }
    }
    events_section(&mut w, eps, "EndpointSlice", related, show_events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_list_is_capped() {
        let slice = json!({"ports": [{"name": "", "port": 80}], "endpoints": [
            {"addresses": ["10.0.0.1"], "conditions": {"ready": true}},
            {"addresses": ["10.0.0.2"]},
            {"addresses": ["10.0.0.3"], "conditions": {"ready": false}},
            {"addresses": ["10.0.0.4"]},
            {"addresses": ["10.0.0.5"]}
        ]});
        assert_eq!(
            format_endpoint_slices(std::slice::from_ref(&slice), Some("")),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.4:80 + 1 more..."
        );
        assert_eq!(format_endpoint_slices(&[slice], Some("http")), "");
        assert_eq!(format_endpoint_slices(&[], None), "<none>");
    }
}

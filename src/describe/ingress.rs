//! Ingresses (each backend with its service's ready endpoints) and
//! IngressClasses.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events;
use super::events_section;
use super::format::{annotations_multiline, labels_multiline};
use super::json::{arr, at, has, i, name, namespace, opt_s, s, string_map};
use super::related::{Query, Related};
use super::service::{format_endpoint_slices, slices_query};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2};
use crate::resource::mapper::path_escape;

fn service_query(ns: &str, service: &str) -> Query {
    Query::get(format!(
        "/api/v1/namespaces/{}/services/{}",
        path_escape(ns),
        path_escape(service)
    ))
}

/// Every backend of the ingress: the default one, then each path's.
fn backends(ing: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let def = at(ing, &["spec", "defaultBackend"]);
    if !def.is_null() {
        out.push(def);
    }
    for rule in arr(ing, &["spec", "rules"]) {
        for path in arr(rule, &["http", "paths"]) {
            out.push(at(path, &["backend"]));
        }
    }
    out
}

pub fn queries(ing: &Value, show_events: bool) -> Vec<Query> {
    let ns = namespace(ing);
    let mut q = Vec::new();
    if show_events {
        q.push(events::query_for(ing, "Ingress"));
    }
    for b in backends(ing) {
        if has(b, &["service"]) {
            let svc = s(b, &["service", "name"]);
            q.push(slices_query(ns, svc));
            q.push(service_query(ns, svc));
        }
    }
    q
}

fn backend_text(ns: &str, backend: &Value, related: &Related) -> String {
    if has(backend, &["service"]) {
        let svc_ref = at(backend, &["service"]);
        let svc_name = s(svc_ref, &["name"]);
        let number = i(svc_ref, &["port", "number"]);
        let port_name = s(svc_ref, &["port", "name"]);
        let port = if number != 0 {
            number.to_string()
        } else {
            port_name.to_string()
        };
        let sb = format!("{svc_name}:{port}");
        let slices = match related.items(&slices_query(ns, svc_name)) {
            Ok(items) => items,
            Err(f) => return format!("{sb} (<error: {}>)", f.message),
        };
        let service = match related.object(&service_query(ns, svc_name)) {
            Ok(Some(svc)) => svc,
            Ok(None) => return format!("{sb} (<error: services {svc_name:?} not found>)"),
            Err(f) => return format!("{sb} (<error: {}>)", f.message),
        };
        let mut sp_name = "";
        for sp in arr(service, &["spec", "ports"]) {
            let by_number = number != 0 && number == i(sp, &["port"]);
            let by_name = !port_name.is_empty() && port_name == s(sp, &["name"]);
            if by_number || by_name {
                sp_name = s(sp, &["name"]);
            }
        }
        return format!("{sb} ({})", format_endpoint_slices(slices, Some(sp_name)));
    }
    if has(backend, &["resource"]) {
        let r = at(backend, &["resource"]);
        return format!(
            "APIGroup: {}, Kind: {}, Name: {}",
            opt_s(r, &["apiGroup"]).unwrap_or("<none>"),
            s(r, &["kind"]),
            s(r, &["name"])
        );
    }
    String::new()
}

/// `ingressLoadBalancerStatusStringerV1` (wide): distinct IPs or host
/// names, sorted.
fn address(ing: &Value) -> String {
    let mut set = BTreeSet::new();
    for x in arr(ing, &["status", "loadBalancer", "ingress"]) {
        let ip = s(x, &["ip"]);
        let host = s(x, &["hostname"]);
        if !ip.is_empty() {
            set.insert(ip.to_string());
        } else if !host.is_empty() {
            set.insert(host.to_string());
        }
    }
    set.into_iter().collect::<Vec<_>>().join(",")
}

pub fn describe(ing: &Value, related: &Related, show_events: bool, now: DateTime<Utc>) -> String {
    let ns = namespace(ing);
    let spec = at(ing, &["spec"]);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ing)));
    labels_multiline(&mut w, "Labels", &string_map(ing, &["metadata", "labels"]));
    w.write(LEVEL_0, &format!("Namespace:\t{ns}\n"));
    w.write(LEVEL_0, &format!("Address:\t{}\n", address(ing)));
    w.write(
        LEVEL_0,
        &format!(
            "Ingress Class:\t{}\n",
            opt_s(spec, &["ingressClassName"]).unwrap_or("<none>")
        ),
    );
    let def = at(spec, &["defaultBackend"]);
    let default_text = if def.is_null() {
        "<default>".to_string()
    } else {
        backend_text(ns, def, related)
    };
    w.write(LEVEL_0, &format!("Default backend:\t{default_text}\n"));
    let tls = arr(spec, &["tls"]);
    if !tls.is_empty() {
        w.write(LEVEL_0, "TLS:\n");
        for t in tls {
            let hosts: Vec<String> = arr(t, &["hosts"])
                .iter()
                .map(|h| h.as_str().unwrap_or("").to_string())
                .collect();
            let secret = s(t, &["secretName"]);
            if secret.is_empty() {
                w.write(LEVEL_1, &format!("SNI routes {}\n", hosts.join(",")));
            } else {
                w.write(
                    LEVEL_1,
                    &format!("{secret} terminates {}\n", hosts.join(",")),
                );
            }
        }
    }
    w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n");
    w.write(LEVEL_1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in arr(spec, &["rules"]) {
        if !has(rule, &["http"]) {
            continue;
        }
        count += 1;
        let host = s(rule, &["host"]);
        w.write(
            LEVEL_1,
            &format!("{}\t\n", if host.is_empty() { "*" } else { host }),
        );
        for path in arr(rule, &["http", "paths"]) {
            w.write(
                LEVEL_2,
                &format!(
                    "\t{} \t{}\n",
                    s(path, &["path"]),
                    backend_text(ns, at(path, &["backend"]), related)
                ),
            );
        }
    }
    if count == 0 {
        w.write(LEVEL_1, &format!("*\t*\t{default_text}\n"));
    }
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ing, &["metadata", "annotations"]),
    );
    events_section(&mut w, ing, "Ingress", related, show_events, now);
    w.finish()
}

pub fn describe_class(
    ic: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ic)));
    labels_multiline(&mut w, "Labels", &string_map(ic, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ic, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!("Controller:\t{}\n", s(ic, &["spec", "controller"])),
    );
    let p = at(ic, &["spec", "parameters"]);
    if !p.is_null() {
        w.write(LEVEL_0, "Parameters:\n");
        if let Some(g) = opt_s(p, &["apiGroup"]) {
            w.write(LEVEL_1, &format!("APIGroup:\t{g}\n"));
        }
        w.write(LEVEL_1, &format!("Kind:\t{}\n", s(p, &["kind"])));
        w.write(LEVEL_1, &format!("Name:\t{}\n", s(p, &["name"])));
    }
    events_section(&mut w, ic, "IngressClass", related, show_events, now);
    w.finish()
}

//! Pods, and the parts of them other describers reuse: containers, pod
//! templates, topology spread constraints.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::events::{self, EventRef};
use super::format::{
    annotations_multiline, bool_word, controller, labels_multiline, or_none, rfc1123z_at,
    timestamp_since, tolerations_multiline,
};
use super::json::{arr, at, has, i, name, namespace, opt_b, opt_i, s, string_map, uid};
use super::related::{Query, Related};
use super::resources::pod_qos;
use super::volumes::describe_volumes;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::flags::go_values::go_quote;
use crate::printers::gosort;
use crate::quantity::canonical;
use crate::resource::podspec::container_resource_value;
use crate::resource::selector::format_label_selector;

const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

fn events_query(pod: &Value) -> Query {
    let annotations = string_map(pod, &["metadata", "annotations"]);
    let uid = annotations
        .get(MIRROR_ANNOTATION)
        .map(String::as_str)
        .unwrap_or(uid(pod));
    events::query(&EventRef {
        namespace: namespace(pod),
        name: name(pod),
        kind: None,
        uid,
    })
}

pub fn queries(pod: &Value, show_events: bool) -> Vec<Query> {
    if show_events {
        vec![events_query(pod)]
    } else {
        vec![]
    }
}

pub fn describe(pod: &Value, related: &Related, show_events: bool, now: DateTime<Utc>) -> String {
    let mut w = PrefixWriter::new();
    let spec = at(pod, &["spec"]);
    let status = at(pod, &["status"]);
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(pod)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(pod)));
    if let Some(p) = opt_i(spec, &["priority"]) {
        w.write(LEVEL_0, &format!("Priority:\t{p}\n"));
    }
    let pc = s(spec, &["priorityClassName"]);
    if !pc.is_empty() {
        w.write(LEVEL_0, &format!("Priority Class Name:\t{pc}\n"));
    }
    let rc = s(spec, &["runtimeClassName"]);
    if !rc.is_empty() {
        w.write(LEVEL_0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    let sa = s(spec, &["serviceAccountName"]);
    if !sa.is_empty() {
        w.write(LEVEL_0, &format!("Service Account:\t{sa}\n"));
    }
    let node = s(spec, &["nodeName"]);
    if node.is_empty() {
        w.write(LEVEL_0, "Node:\t<none>\n");
    } else {
        w.write(
            LEVEL_0,
            &format!("Node:\t{node}/{}\n", s(status, &["hostIP"])),
        );
    }
    if has(status, &["startTime"]) {
        w.write(
            LEVEL_0,
            &format!("Start Time:\t{}\n", rfc1123z_at(status, &["startTime"])),
        );
    }
    labels_multiline(&mut w, "Labels", &string_map(pod, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(pod, &["metadata", "annotations"]),
    );
    let phase = s(status, &["phase"]);
    if has(pod, &["metadata", "deletionTimestamp"]) && phase != "Failed" && phase != "Succeeded" {
        w.write(
            LEVEL_0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                timestamp_since(s(pod, &["metadata", "deletionTimestamp"]), now)
            ),
        );
        w.write(
            LEVEL_0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                i(pod, &["metadata", "deletionGracePeriodSeconds"])
            ),
        );
    } else {
        w.write(LEVEL_0, &format!("Status:\t{phase}\n"));
    }
    let reason = s(status, &["reason"]);
    if !reason.is_empty() {
        w.write(LEVEL_0, &format!("Reason:\t{reason}\n"));
    }
    let message = s(status, &["message"]);
    if !message.is_empty() {
        w.write(LEVEL_0, &format!("Message:\t{message}\n"));
    }
    let seccomp = at(spec, &["securityContext", "seccompProfile"]);
    if !seccomp.is_null() {
        let t = s(seccomp, &["type"]);
        w.write(LEVEL_0, &format!("SeccompProfile:\t{t}\n"));
        if t == "Localhost" {
            w.write(
                LEVEL_0,
                &format!("LocalhostProfile:\t{}\n", s(seccomp, &["localhostProfile"])),
            );
        }
    }
    w.write(LEVEL_0, &format!("IP:\t{}\n", s(status, &["podIP"])));
    let ips = arr(status, &["podIPs"]);
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in ips {
            w.write(LEVEL_1, &format!("IP:\t{}\n", s(ip, &["ip"])));
        }
    }
    if let Some(c) = controller(pod) {
        w.write(LEVEL_0, &format!("Controlled By:\t{c}\n"));
    }
    let nominated = s(status, &["nominatedNodeName"]);
    if !nominated.is_empty() {
        w.write(LEVEL_0, &format!("NominatedNodeName:\t{nominated}\n"));
    }
    if has(spec, &["resources"]) {
        w.write(LEVEL_0, "Resources:\n");
        describe_resources(at(spec, &["resources"]), &mut w, LEVEL_1);
    }
    let resolver = EnvResolver::Pod(pod);
    let init = arr(spec, &["initContainers"]);
    if !init.is_empty() {
        describe_containers(
            "Init Containers",
            init,
            arr(status, &["initContainerStatuses"]),
            &resolver,
            &mut w,
            "",
        );
    }
    describe_containers(
        "Containers",
        arr(spec, &["containers"]),
        arr(status, &["containerStatuses"]),
        &resolver,
        &mut w,
        "",
    );
    let ephemeral = arr(spec, &["ephemeralContainers"]);
    if !ephemeral.is_empty() {
        describe_containers(
            "Ephemeral Containers",
            ephemeral,
            arr(status, &["ephemeralContainerStatuses"]),
            &resolver,
            &mut w,
            "",
        );
    }
    let gates = arr(spec, &["readinessGates"]);
    let conditions = arr(status, &["conditions"]);
    if !gates.is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let t = s(g, &["conditionType"]);
            let st = conditions
                .iter()
                .find(|c| s(c, &["type"]) == t)
                .map(|c| s(c, &["status"]).to_string())
                .unwrap_or_else(|| "<none>".to_string());
            w.write(LEVEL_1, &format!("{t} \t{st} \n"));
        }
    }
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!("{} \t{} \n", s(c, &["type"]), s(c, &["status"])),
            );
        }
    }
    describe_volumes(arr(spec, &["volumes"]), &mut w, "");
    w.write(LEVEL_0, &format!("QoS Class:\t{}\n", pod_qos(pod)));
    labels_multiline(
        &mut w,
        "Node-Selectors",
        &string_map(spec, &["nodeSelector"]),
    );
    tolerations_multiline(&mut w, "", "Tolerations", arr(spec, &["tolerations"]));
    topology_spread_constraints(arr(spec, &["topologySpreadConstraints"]), &mut w, "");
    if has(spec, &["schedulingGroup"]) {
        scheduling_group(at(spec, &["schedulingGroup"]), &mut w, "");
    }
    if show_events {
        events::describe(
            related.items(&events_query(pod)).unwrap_or(&[]),
            &mut w,
            now,
        );
    }
    w.finish()
}

fn scheduling_group(group: &Value, w: &mut PrefixWriter, space: &str) {
    w.write(LEVEL_0, &format!("{space}SchedulingGroup:\n"));
    w.write(
        LEVEL_1,
        &format!("PodGroupName:\t{}\n", s(group, &["podGroupName"])),
    );
}

/// `describeTopologySpreadConstraints`, sorted by topology key.
pub fn topology_spread_constraints(tscs: &[Value], w: &mut PrefixWriter, space: &str) {
    if tscs.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = tscs.iter().collect();
    gosort::sort_by(&mut sorted, |a, b| {
        s(a, &["topologyKey"]) < s(b, &["topologyKey"])
    });
    w.write(LEVEL_0, &format!("{space}Topology Spread Constraints:\t"));
    for (n, t) in sorted.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, space);
            w.write(LEVEL_0, "\t");
        }
        let mut text = format!(
            "{}:{} when max skew {} is exceeded",
            s(t, &["topologyKey"]),
            s(t, &["whenUnsatisfiable"]),
            i(t, &["maxSkew"])
        );
        if has(t, &["labelSelector"]) {
            text.push_str(&format!(
                " for selector {}",
                format_label_selector(at(t, &["labelSelector"]))
            ));
        }
        text.push('\n');
        w.write(LEVEL_0, &text);
    }
}

/// `DescribePodTemplate`.
pub fn describe_pod_template(template: &Value, w: &mut PrefixWriter) {
    w.write(LEVEL_0, "Pod Template:\n");
    if template.is_null() {
        w.write(LEVEL_1, "<unset>");
        return;
    }
    let spec = at(template, &["spec"]);
    labels_multiline(
        w,
        "  Labels",
        &string_map(template, &["metadata", "labels"]),
    );
    let annotations = string_map(template, &["metadata", "annotations"]);
    if !annotations.is_empty() {
        annotations_multiline(w, "  Annotations", &annotations);
    }
    let sa = s(spec, &["serviceAccountName"]);
    if !sa.is_empty() {
        w.write(LEVEL_1, &format!("Service Account:\t{sa}\n"));
    }
    let init = arr(spec, &["initContainers"]);
    if !init.is_empty() {
        describe_containers("Init Containers", init, &[], &EnvResolver::None, w, "  ");
    }
    describe_containers(
        "Containers",
        arr(spec, &["containers"]),
        &[],
        &EnvResolver::None,
        w,
        "  ",
    );
    describe_volumes(arr(spec, &["volumes"]), w, "  ");
    topology_spread_constraints(arr(spec, &["topologySpreadConstraints"]), w, "  ");
    let pc = s(spec, &["priorityClassName"]);
    if !pc.is_empty() {
        w.write(LEVEL_1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(w, "  Node-Selectors", &string_map(spec, &["nodeSelector"]));
    tolerations_multiline(w, "", "  Tolerations", arr(spec, &["tolerations"]));
    if has(spec, &["schedulingGroup"]) {
        scheduling_group(at(spec, &["schedulingGroup"]), w, "  ");
    }
}

/// How `fieldRef` environment values are resolved: from the pod itself, or
/// not at all in a template.
pub enum EnvResolver<'a> {
    Pod(&'a Value),
    None,
}

impl EnvResolver<'_> {
    fn resolve(&self, field_ref: &Value) -> String {
        let EnvResolver::Pod(pod) = self else {
            return String::new();
        };
        // kubectl's scheme knows no field conversions for pods, so only the
        // two generic fields resolve.
        match s(field_ref, &["fieldPath"]) {
            "metadata.name" => name(pod).to_string(),
            "metadata.namespace" => namespace(pod).to_string(),
            _ => String::new(),
        }
    }
}

/// `describeContainers`.
pub fn describe_containers(
    label: &str,
    containers: &[Value],
    statuses: &[Value],
    resolver: &EnvResolver,
    w: &mut PrefixWriter,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(LEVEL_0, &format!("{space}{label}:{none}\n"));
    for c in containers {
        let cname = s(c, &["name"]);
        // Go keeps the last status of a name.
        let status = statuses.iter().rev().find(|st| s(st, &["name"]) == cname);
        basic_info(c, status, space, w);
        command(c, w);
        if let Some(st) = status {
            container_state(st, w);
        }
        describe_resources(at(c, &["resources"]), w, LEVEL_2);
        probes(c, w);
        if !arr(c, &["envFrom"]).is_empty() {
            env_from(c, w);
        }
        env_vars(c, resolver, w);
        mounts(c, w);
    }
}

fn basic_info(c: &Value, status: Option<&Value>, space: &str, w: &mut PrefixWriter) {
    let indent = if space.is_empty() { "" } else { " " };
    w.write(LEVEL_1, &format!("{indent}{}:\n", s(c, &["name"])));
    if let Some(st) = status {
        w.write(
            LEVEL_2,
            &format!("Container ID:\t{}\n", s(st, &["containerID"])),
        );
    }
    w.write(LEVEL_2, &format!("Image:\t{}\n", s(c, &["image"])));
    if let Some(st) = status {
        w.write(LEVEL_2, &format!("Image ID:\t{}\n", s(st, &["imageID"])));
    }
    let ports = arr(c, &["ports"]);
    let port_text = port_list(ports, "containerPort");
    if port_text.contains(',') {
        w.write(LEVEL_2, &format!("Ports:\t{port_text}\n"));
    } else {
        w.write(LEVEL_2, &format!("Port:\t{}\n", or_none(&port_text)));
    }
    let host_text = port_list(ports, "hostPort");
    if host_text.contains(',') {
        w.write(LEVEL_2, &format!("Host Ports:\t{host_text}\n"));
    } else {
        w.write(LEVEL_2, &format!("Host Port:\t{}\n", or_none(&host_text)));
    }
    let seccomp = at(c, &["securityContext", "seccompProfile"]);
    if !seccomp.is_null() {
        let t = s(seccomp, &["type"]);
        w.write(LEVEL_2, &format!("SeccompProfile:\t{t}\n"));
        if t == "Localhost" {
            w.write(
                LEVEL_3,
                &format!("LocalhostProfile:\t{}\n", s(seccomp, &["localhostProfile"])),
            );
        }
    }
}

fn port_list(ports: &[Value], field: &str) -> String {
    ports
        .iter()
        .map(|p| {
            let mut text = format!("{}/{}", i(p, &[field]), s(p, &["protocol"]));
            let n = s(p, &["name"]);
            if !n.is_empty() {
                text = format!("{text} ({n})");
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn command(c: &Value, w: &mut PrefixWriter) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        let items = arr(c, &[field]);
        if items.is_empty() {
            continue;
        }
        w.write(LEVEL_2, &format!("{title}:\n"));
        for item in items {
            for line in item.as_str().unwrap_or("").split('\n') {
                w.write(LEVEL_3, &format!("{line}\n"));
            }
        }
    }
}

/// `describeResources`: limits then requests, names sorted.
pub fn describe_resources(resources: &Value, w: &mut PrefixWriter, level: usize) {
    if resources.is_null() {
        return;
    }
    for (field, title) in [("limits", "Limits"), ("requests", "Requests")] {
        let list = string_map(resources, &[field]);
        if !list.is_empty() {
            w.write(level, &format!("{title}:\n"));
        }
        for (k, v) in &list {
            w.write(level + 1, &format!("{k}:\t{}\n", canonical(v)));
        }
    }
}

fn container_state(st: &Value, w: &mut PrefixWriter) {
    describe_status("State", at(st, &["state"]), w);
    if has(st, &["lastState", "terminated"]) {
        describe_status("Last State", at(st, &["lastState"]), w);
    }
    w.write(
        LEVEL_2,
        &format!(
            "Ready:\t{}\n",
            bool_word(opt_b(st, &["ready"]).unwrap_or(false))
        ),
    );
    w.write(
        LEVEL_2,
        &format!("Restart Count:\t{}\n", i(st, &["restartCount"])),
    );
}

fn describe_status(title: &str, state: &Value, w: &mut PrefixWriter) {
    if has(state, &["running"]) {
        w.write(LEVEL_2, &format!("{title}:\tRunning\n"));
        w.write(
            LEVEL_3,
            &format!(
                "Started:\t{}\n",
                rfc1123z_at(state, &["running", "startedAt"])
            ),
        );
    } else if has(state, &["waiting"]) {
        w.write(LEVEL_2, &format!("{title}:\tWaiting\n"));
        let reason = s(state, &["waiting", "reason"]);
        if !reason.is_empty() {
            w.write(LEVEL_3, &format!("Reason:\t{reason}\n"));
        }
    } else if has(state, &["terminated"]) {
        let t = at(state, &["terminated"]);
        w.write(LEVEL_2, &format!("{title}:\tTerminated\n"));
        let reason = s(t, &["reason"]);
        if !reason.is_empty() {
            w.write(LEVEL_3, &format!("Reason:\t{reason}\n"));
        }
        let message = s(t, &["message"]);
        if !message.is_empty() {
            w.write(LEVEL_3, &format!("Message:\t{message}\n"));
        }
        w.write(LEVEL_3, &format!("Exit Code:\t{}\n", i(t, &["exitCode"])));
        let signal = i(t, &["signal"]);
        if signal > 0 {
            w.write(LEVEL_3, &format!("Signal:\t{signal}\n"));
        }
        w.write(
            LEVEL_3,
            &format!("Started:\t{}\n", rfc1123z_at(t, &["startedAt"])),
        );
        w.write(
            LEVEL_3,
            &format!("Finished:\t{}\n", rfc1123z_at(t, &["finishedAt"])),
        );
    } else {
        w.write(LEVEL_2, &format!("{title}:\tWaiting\n"));
    }
}

fn probes(c: &Value, w: &mut PrefixWriter) {
    for (field, title) in [
        ("livenessProbe", "Liveness"),
        ("readinessProbe", "Readiness"),
        ("startupProbe", "Startup"),
    ] {
        if has(c, &[field]) {
            w.write(
                LEVEL_2,
                &format!("{title}:\t{}\n", describe_probe(at(c, &[field]))),
            );
        }
    }
}

/// `DescribeProbe`.
pub fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}",
        i(p, &["initialDelaySeconds"]),
        i(p, &["timeoutSeconds"]),
        i(p, &["periodSeconds"]),
        i(p, &["successThreshold"]),
        i(p, &["failureThreshold"])
    );
    if has(p, &["exec"]) {
        let cmd: Vec<String> = arr(p, &["exec", "command"])
            .iter()
            .map(|x| x.as_str().unwrap_or("").to_string())
            .collect();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if has(p, &["httpGet"]) {
        let h = at(p, &["httpGet"]);
        let port = super::json::int_or_string(at(h, &["port"]));
        let host = s(h, &["host"]);
        let hostport = if port.is_empty() {
            host.to_string()
        } else {
            join_host_port(host, &port)
        };
        let url = url_string(
            &s(h, &["scheme"]).to_lowercase(),
            &hostport,
            s(h, &["path"]),
        );
        return format!("http-get {url} {attrs}");
    }
    if has(p, &["tcpSocket"]) {
        let t = at(p, &["tcpSocket"]);
        return format!(
            "tcp-socket {}:{} {attrs}",
            s(t, &["host"]),
            super::json::int_or_string(at(t, &["port"]))
        );
    }
    if has(p, &["grpc"]) {
        let g = at(p, &["grpc"]);
        return format!(
            "grpc <pod>:{} {} {attrs}",
            i(g, &["port"]),
            s(g, &["service"])
        );
    }
    format!("unknown {attrs}")
}

/// Go's `net.JoinHostPort`.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Go's `url.URL{Scheme, Host, Path}.String()`.
fn url_string(scheme: &str, host: &str, path: &str) -> String {
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(scheme);
        out.push(':');
    }
    if !scheme.is_empty() || !host.is_empty() {
        if !host.is_empty() || !path.is_empty() {
            out.push_str("//");
        }
        out.push_str(&escape(host, true));
    }
    let escaped = if path == "*" {
        "*".to_string()
    } else {
        escape(path, false)
    };
    if !escaped.is_empty() && !escaped.starts_with('/') && !host.is_empty() {
        out.push('/');
    }
    if out.is_empty() {
        let segment = escaped.split('/').next().unwrap_or("");
        if segment.contains(':') {
            out.push_str("./");
        }
    }
    out.push_str(&escaped);
    out
}

/// Go's `url.escape` for paths and hosts.
fn escape(text: &str, host: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || if host {
                matches!(
                    b,
                    b'!' | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b':'
                        | b'['
                        | b']'
                        | b'<'
                        | b'>'
                        | b'"'
                )
            } else {
                matches!(
                    b,
                    b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'@'
                )
            };
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn env_from(c: &Value, w: &mut PrefixWriter) {
    w.write(LEVEL_2, "Environment Variables from:\n");
    for e in arr(c, &["envFrom"]) {
        let (from, r) = if has(e, &["configMapRef"]) {
            ("ConfigMap", at(e, &["configMapRef"]))
        } else if has(e, &["secretRef"]) {
            ("Secret", at(e, &["secretRef"]))
        } else {
            ("", &Value::Null)
        };
        let optional = opt_b(r, &["optional"]).unwrap_or(false);
        let prefix = s(e, &["prefix"]);
        let n = s(r, &["name"]);
        if prefix.is_empty() {
            w.write(LEVEL_3, &format!("{n}\t{from}\tOptional: {optional}\n"));
        } else {
            w.write(
                LEVEL_3,
                &format!("{n}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"),
            );
        }
    }
}

fn env_vars(c: &Value, resolver: &EnvResolver, w: &mut PrefixWriter) {
    let env = arr(c, &["env"]);
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, &format!("Environment:{none}\n"));
    for e in env {
        let ename = s(e, &["name"]);
        let from = at(e, &["valueFrom"]);
        if from.is_null() {
            for (n, line) in s(e, &["value"]).split('\n').enumerate() {
                if n == 0 {
                    w.write(LEVEL_3, &format!("{ename}:\t{line}\n"));
                } else {
                    w.write(LEVEL_3, &format!("\t{line}\n"));
                }
            }
            continue;
        }
        if has(from, &["fieldRef"]) {
            let f = at(from, &["fieldRef"]);
            w.write(
                LEVEL_3,
                &format!(
                    "{ename}:\t{} ({}:{})\n",
                    resolver.resolve(f),
                    s(f, &["apiVersion"]),
                    s(f, &["fieldPath"])
                ),
            );
        } else if has(from, &["resourceFieldRef"]) {
            let r = at(from, &["resourceFieldRef"]);
            let resource = s(r, &["resource"]);
            let mut value = container_resource_value(r, c).unwrap_or_default();
            if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                value = "node allocatable".to_string();
            }
            w.write(LEVEL_3, &format!("{ename}:\t{value} ({resource})\n"));
        } else if has(from, &["secretKeyRef"]) {
            let r = at(from, &["secretKeyRef"]);
            w.write(
                LEVEL_3,
                &format!(
                    "{ename}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    s(r, &["key"]),
                    s(r, &["name"]),
                    opt_b(r, &["optional"]).unwrap_or(false)
                ),
            );
        } else if has(from, &["configMapKeyRef"]) {
            let r = at(from, &["configMapKeyRef"]);
            w.write(
                LEVEL_3,
                &format!(
                    "{ename}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    s(r, &["key"]),
                    s(r, &["name"]),
                    opt_b(r, &["optional"]).unwrap_or(false)
                ),
            );
        }
    }
}

fn mounts(c: &Value, w: &mut PrefixWriter) {
    let mounts = arr(c, &["volumeMounts"]);
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, &format!("Mounts:{none}\n"));
    let mut sorted: Vec<&Value> = mounts.iter().collect();
    gosort::sort_by(&mut sorted, |a, b| {
        s(a, &["mountPath"]) < s(b, &["mountPath"])
    });
    for m in sorted {
        let mut flags = vec![if opt_b(m, &["readOnly"]).unwrap_or(false) {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        let sub = s(m, &["subPath"]);
        if !sub.is_empty() {
            flags.push(format!("path={}", go_quote(sub)));
        }
        w.write(
            LEVEL_3,
            &format!(
                "{} from {} ({})\n",
                s(m, &["mountPath"]),
                s(m, &["name"]),
                flags.join(",")
            ),
        );
    }
    let devices = arr(c, &["volumeDevices"]);
    if !devices.is_empty() {
        w.write(LEVEL_2, &format!("Devices:{none}\n"));
        let mut sorted: Vec<&Value> = devices.iter().collect();
        gosort::sort_by(&mut sorted, |a, b| {
            s(a, &["devicePath"]) < s(b, &["devicePath"])
        });
        for d in sorted {
            w.write(
                LEVEL_3,
                &format!("{} from {}\n", s(d, &["devicePath"]), s(d, &["name"])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn probes_like_kubectl() {
        let p = json!({"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                       "initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10,
                       "successThreshold": 1, "failureThreshold": 3});
        assert_eq!(
            describe_probe(&p),
            "http-get http://:8080/healthz delay=3s timeout=1s period=10s successThreshold=1 failureThreshold=3"
        );
        let p = json!({"exec": {"command": ["cat", "/tmp/x"]}});
        assert_eq!(
            describe_probe(&p),
            "exec [cat /tmp/x] delay=0s timeout=0s period=0s successThreshold=0 failureThreshold=0"
        );
        let p = json!({"tcpSocket": {"port": "http"}});
        assert!(describe_probe(&p).starts_with("tcp-socket :http "));
    }
}

//! Namespaces (with their quotas and limit ranges), ResourceQuotas and
//! LimitRanges.

use super::format::conditions_table;
use std::collections::BTreeSet;

use serde_json::Value;

use super::format::{annotations_multiline, labels_multiline};
use super::json::{arr, name, namespace, opt_s, s, string_map, strings};
use super::related::{Query, Related};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::DescribeError;
use crate::printers::gosort;
use crate::quantity::{canonical, Quantity};
use crate::resource::mapper::path_escape;

fn quotas_query(ns: &str) -> Query {
    Query::list(
        format!("/api/v1/namespaces/{}/resourcequotas", path_escape(ns)),
        "",
        "",
    )
}

fn limits_query(ns: &str) -> Query {
    Query::list(
        format!("/api/v1/namespaces/{}/limitranges", path_escape(ns)),
        "",
        "",
    )
}

pub fn namespace_queries(ns: &Value) -> Vec<Query> {
    vec![quotas_query(name(ns)), limits_query(name(ns))]
}

/// A list that may be missing on the server (None) or fail.
fn optional_list<'a>(
    related: &'a Related,
    q: &Query,
) -> Result<Option<&'a [Value]>, DescribeError> {
    match related.items(q) {
        Ok(items) => Ok(Some(items)),
        Err(f) if f.is_not_found() => Ok(None),
        Err(f) => Err(DescribeError::Request(f.clone())),
    }
}

pub fn describe_namespace(ns: &Value, related: &Related) -> Result<String, DescribeError> {
    let quotas = optional_list(related, &quotas_query(name(ns)))?;
    let limits = optional_list(related, &limits_query(name(ns)))?;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(ns)));
    labels_multiline(&mut w, "Labels", &string_map(ns, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(ns, &["metadata", "annotations"]),
    );
    w.write(
        LEVEL_0,
        &format!("Status:\t{}\n", s(ns, &["status", "phase"])),
    );
    let conditions = arr(ns, &["status", "conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        conditions_table(&mut w, conditions);
    }
    if let Some(quotas) = quotas {
        w.write(LEVEL_0, "\n");
        resource_quotas(quotas, &mut w);
    }
    if let Some(limits) = limits {
        w.write(LEVEL_0, "\n");
        if limits.is_empty() {
            w.write(LEVEL_0, "No LimitRange resource.\n");
        } else {
            w.write(
                LEVEL_0,
                "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
            );
            w.write(
                LEVEL_0,
                " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
            );
            for lr in limits {
                limit_range_spec(lr, " ", &mut w);
            }
        }
    }
    Ok(w.finish())
}

fn scope_help(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

/// `DescribeResourceQuotas`: every quota of a namespace, by name.
fn resource_quotas(quotas: &[Value], w: &mut PrefixWriter) {
    if quotas.is_empty() {
        w.write(LEVEL_0, "No resource quota.\n");
        return;
    }
    let mut sorted: Vec<&Value> = quotas.iter().collect();
    gosort::sort_by(&mut sorted, |a, b| name(a) < name(b));
    w.write(LEVEL_0, "Resource Quotas\n");
    for q in sorted {
        w.write(LEVEL_1, &format!("Name:\t{}\n", name(q)));
        let mut scopes = strings(q, &["spec", "scopes"]);
        if !scopes.is_empty() {
            scopes.sort();
            w.write(LEVEL_1, &format!("Scopes:\t{}\n", scopes.join(", ")));
            for scope in &scopes {
                let help = scope_help(scope);
                if !help.is_empty() {
                    w.write(LEVEL_1, &format!("* {help}\n"));
                }
            }
        }
        w.write(LEVEL_1, "Resource\tUsed\tHard\n");
        w.write(LEVEL_1, "--------\t---\t---\n");
        let hard = string_map(q, &["status", "hard"]);
        let used = string_map(q, &["status", "used"]);
        for (resource, h) in &hard {
            let u = used
                .get(resource)
                .map(|u| canonical(u))
                .unwrap_or_else(|| "0".to_string());
            w.write(LEVEL_1, &format!("{resource}\t{u}\t{}\n", canonical(h)));
        }
    }
}

/// `describeLimitRangeSpec`: one row per limit type and resource.
fn limit_range_spec(lr: &Value, prefix: &str, w: &mut PrefixWriter) {
    for item in arr(lr, &["spec", "limits"]) {
        let fields = [
            "max",
            "min",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ];
        let mut names: BTreeSet<String> = BTreeSet::new();
        for f in fields {
            names.extend(string_map(item, &[f]).into_keys());
        }
        for k in names {
            let value = |f: &str| {
                opt_s(item, &[f, &k])
                    .map(canonical)
                    .unwrap_or_else(|| "-".to_string())
            };
            w.write(
                LEVEL_0,
                &format!(
                    "{prefix}{}\t{k}\t{}\t{}\t{}\t{}\t{}\n",
                    s(item, &["type"]),
                    value("min"),
                    value("max"),
                    value("defaultRequest"),
                    value("default"),
                    value("maxLimitRequestRatio")
                ),
            );
        }
    }
}

pub fn describe_limit_range(lr: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(lr)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(lr)));
    w.write(
        LEVEL_0,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    w.write(
        LEVEL_0,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    limit_range_spec(lr, "", &mut w);
    w.finish()
}

pub fn describe_quota(q: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(q)));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", namespace(q)));
    let mut scopes = strings(q, &["spec", "scopes"]);
    if !scopes.is_empty() {
        scopes.sort();
        w.write(LEVEL_0, &format!("Scopes:\t{}\n", scopes.join(", ")));
        for scope in &scopes {
            let help = scope_help(scope);
            if !help.is_empty() {
                w.write(LEVEL_0, &format!(" * {help}\n"));
            }
        }
    }
    w.write(LEVEL_0, "Resource\tUsed\tHard\n");
    w.write(LEVEL_0, "--------\t----\t----\n");
    let hard = string_map(q, &["status", "hard"]);
    let used = string_map(q, &["status", "used"]);
    for (resource, h) in &hard {
        let hq = Quantity::parse_field(h).unwrap_or_default();
        let mut uq = used
            .get(resource)
            .and_then(|u| Quantity::parse_field(u).ok())
            .unwrap_or_default();
        if uq.format() != hq.format() {
            uq = Quantity::from_int(uq.value(), hq.format());
        }
        w.write(
            LEVEL_0,
            &format!("{resource}\t{}\t{}\n", uq.to_canonical(), hq.to_canonical()),
        );
    }
    w.finish()
}

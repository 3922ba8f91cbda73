//! HorizontalPodAutoscalers for `autoscale`: the autoscaling/v2 object
//! kubectl builds first, the autoscaling/v1 one it falls back to, and the
//! `--cpu`/`--memory` targets (`70%`, `500m`, or a bare number in
//! milli-CPUs or mebibytes).

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::typed;
use crate::printers::gofmt::format_float_v;
use crate::quantity::Quantity;

/// What a `--cpu` or `--memory` value asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `70%`: average utilization of the requests.
    Utilization(i32),
    /// `500m`, `200Mi`: an average value, as the quantity prints.
    AverageValue(String),
}

/// `parseResourceInput` for `cpu` or `memory`.
pub fn parse_target(input: &str, resource: &str) -> Result<Target> {
    let input = input.trim();
    if input.is_empty() {
        bail!("empty input");
    }
    if let Some(number) = input.strip_suffix('%') {
        return match number.parse::<i32>() {
            Ok(v) if v >= 0 && go_int_syntax(number) => Ok(Target::Utilization(v)),
            _ => bail!("invalid percentage value: {number}"),
        };
    }
    if let Some(value) = go_parse_float(input) {
        let unit = match resource {
            "cpu" => "m",
            "memory" => "Mi",
            other => bail!("unsupported resource type: {other}"),
        };
        let quantity = Quantity::parse(&format!("{}{unit}", format_float_v(value)))?;
        return Ok(Target::AverageValue(quantity.to_string()));
    }
    let quantity = Quantity::parse(input)
        .map_err(|_| anyhow!("invalid resource {resource} value: {input}"))?;
    Ok(Target::AverageValue(quantity.to_string()))
}

/// Go's `strconv.ParseInt(s, 10, 32)` syntax: an optional sign and digits.
fn go_int_syntax(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input (and inf/nan).
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "inf" | "infinity" | "nan");
    let decimal = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !special && !decimal {
        return None;
    }
    s.parse::<f64>().ok()
}

/// What the autoscaler scales, and within which bounds.
#[derive(Debug, Clone)]
pub struct HpaSpec<'a> {
    pub name: &'a str,
    /// Set only when the namespace was given explicitly.
    pub namespace: Option<&'a str>,
    pub target_api_version: &'a str,
    pub target_kind: &'a str,
    pub target_name: &'a str,
    /// Below 1: left to the server.
    pub min: i32,
    pub max: i32,
    /// `--cpu-percent` (deprecated; below 1 leaves it out).
    pub cpu_percent: i32,
    pub cpu: Option<Target>,
    pub memory: Option<Target>,
}

fn metadata(spec: &HpaSpec) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(spec.name));
    if let Some(ns) = spec.namespace.filter(|n| !n.is_empty()) {
        meta.insert("namespace".into(), json!(ns));
    }
    Value::Object(meta)
}

/// The spec fields both versions share, in their Go order.
fn target_and_bounds(spec: &HpaSpec) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert(
        "scaleTargetRef".into(),
        json!({"kind": spec.target_kind, "name": spec.target_name, "apiVersion": spec.target_api_version}),
    );
    if spec.min > 0 {
        body.insert("minReplicas".into(), json!(spec.min));
    }
    body.insert("maxReplicas".into(), json!(spec.max));
    body
}

fn resource_metric(resource: &str, target: &Target) -> Value {
    let target = match target {
        Target::Utilization(v) => json!({"type": "Utilization", "averageUtilization": v}),
        Target::AverageValue(q) => json!({"type": "AverageValue", "averageValue": q}),
    };
    json!({"type": "Resource", "resource": {"name": resource, "target": target}})
}

/// The autoscaling/v2 HorizontalPodAutoscaler, as Go encodes it.
pub fn hpa_v2(spec: &HpaSpec) -> Result<Value> {
    let mut metrics = Vec::new();
    if spec.cpu_percent > 0 {
        metrics.push(resource_metric(
            "cpu",
            &Target::Utilization(spec.cpu_percent),
        ));
    }
    if let Some(cpu) = &spec.cpu {
        metrics.push(resource_metric("cpu", cpu));
    }
    if let Some(memory) = &spec.memory {
        metrics.push(resource_metric("memory", memory));
    }
    let mut body = target_and_bounds(spec);
    if !metrics.is_empty() {
        body.insert("metrics".into(), Value::Array(metrics));
    }
    let hpa = json!({
        "kind": "HorizontalPodAutoscaler",
        "apiVersion": "autoscaling/v2",
        "metadata": metadata(spec),
        "spec": body,
    });
    typed::normalize("autoscalingv2.HorizontalPodAutoscaler", &hpa).map_err(anyhow::Error::msg)
}

/// The autoscaling/v1 HorizontalPodAutoscaler kubectl falls back to.
pub fn hpa_v1(spec: &HpaSpec) -> Result<Value> {
    let mut body = target_and_bounds(spec);
    if spec.cpu_percent >= 0 {
        body.insert(
            "targetCPUUtilizationPercentage".into(),
            json!(spec.cpu_percent),
        );
    }
    let hpa = json!({
        "kind": "HorizontalPodAutoscaler",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata(spec),
        "spec": body,
    });
    typed::normalize("autoscalingv1.HorizontalPodAutoscaler", &hpa).map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("70%", "cpu").unwrap(), Target::Utilization(70));
        assert_eq!(
            parse_target("500", "cpu").unwrap(),
            Target::AverageValue("500m".into())
        );
        assert_eq!(
            parse_target("200", "memory").unwrap(),
            Target::AverageValue("200Mi".into())
        );
        assert_eq!(
            parse_target("1Gi", "memory").unwrap(),
            Target::AverageValue("1Gi".into())
        );
        assert_eq!(
            parse_target("-5%", "cpu").unwrap_err().to_string(),
            "invalid percentage value: -5"
        );
        assert_eq!(
            parse_target("x", "cpu").unwrap_err().to_string(),
            "invalid resource cpu value: x"
        );
        assert_eq!(
            parse_target(" ", "cpu").unwrap_err().to_string(),
            "empty input"
        );
        assert!(parse_target("1e6", "cpu")
            .unwrap_err()
            .to_string()
            .starts_with("quantities must match"));
    }

    #[test]
    fn v2_in_go_field_order_with_zero_status() {
        let spec = HpaSpec {
            name: "web",
            namespace: Some("ns"),
            target_api_version: "apps/v1",
            target_kind: "Deployment",
            target_name: "web",
            min: 2,
            max: 5,
            cpu_percent: -1,
            cpu: Some(Target::Utilization(80)),
            memory: None,
        };
        let text = crate::printers::json::to_string_compact(&hpa_v2(&spec).unwrap());
        assert_eq!(
            text,
            r#"{"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling/v2","metadata":{"name":"web","namespace":"ns"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]},"status":{"desiredReplicas":0,"currentMetrics":null}}"#
        );
    }
}

//! `set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version]`
//!
//! Replaces the selector of a service. Keys and values of a selector must
//! begin with a letter or number and may contain letters, numbers,
//! hyphens, dots and underscores, up to 63 characters each.
//!
//! Examples:
//!   # Make the labels and selector match before creating a deployment and a service
//!   kuddle create service clusterip my-svc --clusterip="None" -o yaml --dry-run=client | kuddle set selector --local -f - 'environment=qa' -o yaml | kuddle create -f -
//!   kuddle create deployment my-dep --image=nginx -o yaml --dry-run=client | kuddle label --local -f - environment=qa -o yaml | kuddle create -f -

use anyhow::{anyhow, bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use super::{send_patch, two_way_patch, typed_object, SetCommonFlags};
use crate::context::Context;
use crate::flags::record::{self, RecordFlags};
use crate::flags::selector::{AllFlag, LocalFlag};
use crate::flags::{DryRun, RecursiveFilenameFlags};
use crate::resource::metadata::set_resource_version;
use crate::resource::select::{select_objects, ObjectQuery, LOCAL_RESOURCE_ERROR};
use crate::resource::selector::{Op, Selector};

#[derive(Args, Debug)]
pub struct SelectorArgs {
    /// TYPE NAME… or TYPE/NAME…, then the selector (`key=value,…`).
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    /// Change only if the object is still at this resource version.
    #[arg(
        long = "resource-version",
        value_name = "VERSION",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub resource_version: String,

    #[command(flatten)]
    pub all: AllFlag,

    #[command(flatten)]
    pub local: LocalFlag,

    #[command(flatten)]
    pub files: RecursiveFilenameFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

/// `metav1.ParseToLabelSelector`: equality requirements become match
/// labels (the last one for a key wins), the rest match expressions.
struct LabelSelector {
    match_labels: Map<String, Value>,
    /// (key, operator, values) as Go's `%v` shows them.
    expressions: Vec<(String, &'static str, Vec<String>)>,
}

fn parse_to_label_selector(text: &str) -> Result<LabelSelector> {
    let selector = Selector::parse(text)
        .map_err(|e| anyhow!("couldn't parse the selector string \"{text}\": {e}"))?;
    let mut out = LabelSelector {
        match_labels: Map::new(),
        expressions: Vec::new(),
    };
    for r in selector.requirements() {
        let op = match r.op {
            Op::Equals | Op::DoubleEquals => {
                let value = r.values.first().cloned().unwrap_or_default();
                out.match_labels.insert(r.key.clone(), Value::String(value));
                continue;
            }
            Op::In => "In",
            Op::NotIn => "NotIn",
            Op::Exists => "Exists",
            Op::DoesNotExist => "DoesNotExist",
            Op::GreaterThan | Op::LessThan => {
                bail!("{:?} isn't supported in label selectors", r.op.as_str())
            }
            Op::NotEquals => bail!("{:?} is not a valid label selector operator", r.op.as_str()),
        };
        out.expressions.push((r.key.clone(), op, r.values.clone()));
    }
    Ok(out)
}

/// Go's `%v` of match expressions: `[{key In [a b]}]`.
fn expressions_text(exprs: &[(String, &str, Vec<String>)]) -> String {
    let items: Vec<String> = exprs
        .iter()
        .map(|(k, op, values)| {
            let shown: Vec<&str> = values.iter().map(String::as_str).collect();
            format!("{{{k} {op} [{}]}}", shown.join(" "))
        })
        .collect();
    format!("[{}]", items.join(" "))
}

fn update_selector(obj: &mut Value, selector: &LabelSelector) -> Result<()> {
    let service = obj.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && obj.get("kind").and_then(Value::as_str) == Some("Service");
    if !service {
        bail!("setting a selector is only supported for Services");
    }
    if !selector.expressions.is_empty() {
        bail!(
            "match expression {} not supported on this object",
            expressions_text(&selector.expressions)
        );
    }
    if let Some(map) = obj.as_object_mut() {
        let spec = map
            .entry("spec")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(spec) = spec.as_object_mut() {
            spec.insert(
                "selector".into(),
                Value::Object(selector.match_labels.clone()),
            );
        }
    }
    Ok(())
}

pub async fn run(ctx: &mut Context, args: SelectorArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let mut resolved = args.common.resolve(ctx)?;
    resolved.change_cause = change_cause;
    let (selector, resources) = match args.args.split_last() {
        Some((last, rest)) => (Some(parse_to_label_selector(last)?), rest.to_vec()),
        None => (None, Vec::new()),
    };
    let local = args.local.local;
    // validate
    let Some(selector) = selector else {
        bail!("one selector is required");
    };
    // run
    if local && !resources.is_empty() {
        return Err(anyhow!(LOCAL_RESOURCE_ERROR));
    }
    let files = args.files.to_filename_flags(None);
    let query = ObjectQuery {
        args: &resources,
        files: &files,
        label_selector: None,
        field_selector: None,
        all: args.all.all,
        select_all: false,
        all_namespaces: false,
        local,
        typed: true,
        latest: true,
    };
    let selected = select_objects(ctx, &query).await?;
    let write = !(local || resolved.dry_run == DryRun::Client);
    let (items, mut errors) = selected.into_visit();
    for item in items {
        let outcome = match item {
            Ok(info) => {
                let result: Result<()> = async {
                    let mut before = typed_object(&info.object)?;
                    if !args.resource_version.is_empty() {
                        // The version must reach the patch even when current.
                        set_resource_version(&mut before, "");
                    }
                    let mut after = before.clone();
                    if !args.resource_version.is_empty() {
                        set_resource_version(&mut after, &args.resource_version);
                    }
                    update_selector(&mut after, &selector)?;
                    if let Some(cause) = &resolved.change_cause {
                        record::record(&mut after, cause);
                    }
                    let after = typed_object(&after)?;
                    if !write {
                        return resolved
                            .result
                            .print(&mut ctx.out, &after, "selector updated");
                    }
                    let patch = two_way_patch(&before, &after)?;
                    let client = ctx.connection().await?.client.clone();
                    let written = send_patch(&client, &info, &patch, &resolved).await?;
                    resolved
                        .result
                        .print(&mut ctx.out, &written, "selector updated")
                }
                .await;
                result
            }
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            errors.push(e);
        }
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_for_services_only() {
        let sel = parse_to_label_selector("a=b,a=c,x==y").unwrap();
        let mut svc =
            json!({"apiVersion": "v1", "kind": "Service", "spec": {"selector": {"old": "1"}}});
        update_selector(&mut svc, &sel).unwrap();
        assert_eq!(svc["spec"]["selector"], json!({"a": "c", "x": "y"}));
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        assert_eq!(
            update_selector(&mut cm, &sel).unwrap_err().to_string(),
            "setting a selector is only supported for Services"
        );
        let exprs = parse_to_label_selector("a,b=c,d in (f,e),z notin ()").unwrap();
        assert_eq!(
            update_selector(&mut svc, &exprs).unwrap_err().to_string(),
            "match expression [{a Exists []} {d In [e f]} {z NotIn []}] not supported on this object"
        );
        assert_eq!(
            parse_to_label_selector("a>1").err().unwrap().to_string(),
            "\"gt\" isn't supported in label selectors"
        );
        assert_eq!(
            parse_to_label_selector("a!=1").err().unwrap().to_string(),
            "\"!=\" is not a valid label selector operator"
        );
    }
}

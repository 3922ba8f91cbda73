//! `auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]`: a
//! SelfSubjectAccessReview; prints yes or no (with the server's reason),
//! exit code 1 for no.

use std::io::Write;

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args};
use http::Method;
use serde_json::{json, Map, Value};

use crate::context::{warning_line, warnings_in_color, Context};
use crate::error::{CliError, PROGRAM};
use crate::flags::go_values::go_bool;
use crate::rbac::policy::{self, PolicyRule};

const RESOURCE_VERBS: [&str; 16] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];
const NON_RESOURCE_VERBS: [&str; 8] = [
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];
/// Resources the authorizer knows that no API serves.
const NON_STANDARD_RESOURCES: [&str; 2] = ["users", "groups"];

#[derive(Args, Debug)]
#[command(
    after_help = "VERB is a verb as the authorizer sees it (get, list, create, …). TYPE may be
group-qualified (deployments.apps); a path starting with / asks about a
non-resource URL.

Examples:
  # May I create pods in any namespace?
  kuddle auth can-i create pods --all-namespaces

  # May I list deployments in my current namespace?
  kuddle auth can-i list deployments.apps

  # May I do everything in my current namespace?
  kuddle auth can-i '*' '*'

  # May I get the job named \"bar\" in namespace \"foo\"?
  kuddle auth can-i list jobs.batch/bar -n foo

  # May I read pod logs?
  kuddle auth can-i get pods --subresource=log

  # May I reach the URL /logs/?
  kuddle auth can-i get /logs/

  # Everything I may do in namespace foo
  kuddle auth can-i --list --namespace=foo"
)]
pub struct CanIArgs {
    /// VERB, then TYPE, TYPE/NAME or a non-resource URL.
    #[arg(value_name = "VERB")]
    pub args: Vec<String>,

    /// Ask about all namespaces instead of the current one.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Print nothing; the exit code answers.
    #[arg(short = 'q', long, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub quiet: bool,

    /// A subresource such as log (pods) or scale (deployments).
    #[arg(long, value_name = "SUBRESOURCE", default_value = "")]
    pub subresource: String,

    /// List everything you may do in the namespace instead.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub list: bool,

    /// With --list: leave out the header line.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub no_headers: bool,
}

/// What the review asks about.
#[derive(Debug, Default, PartialEq)]
struct Question {
    verb: String,
    group: String,
    resource: String,
    /// The resolved resource's version ("" when it did not resolve).
    version: String,
    name: String,
    non_resource_url: String,
}

pub async fn run(ctx: &mut Context, args: CanIArgs) -> Result<()> {
    // complete
    let color = warnings_in_color();
    if args.list {
        return list(ctx, &args, color).await;
    }
    let [verb, target] = args.args.as_slice() else {
        return Err(anyhow!(
            "you must specify two arguments: verb resource or verb resource/resourceName.\nSee '{PROGRAM} auth can-i -h' for help and examples."
        ));
    };
    let mut question = Question {
        verb: verb.clone(),
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    if target.starts_with('/') {
        question.non_resource_url = target.clone();
    } else {
        let (resource, name) = match target.split_once('/') {
            Some((r, n)) => (r, n),
            None => (target.as_str(), ""),
        };
        question.name = name.to_string();
        if resource == "*" {
            question.resource = "*".into();
        } else {
            match discovery.resolve(&resource.to_lowercase()) {
                Ok(m) => {
                    question.group = m.group;
                    question.resource = m.resource;
                    question.version = m.version;
                }
                Err(_) => {
                    let lower = resource.to_lowercase();
                    let (res, group) = match lower.split_once('.') {
                        Some((r, g)) => (r, g),
                        None => (lower.as_str(), ""),
                    };
                    if !NON_STANDARD_RESOURCES.contains(&lower.as_str()) {
                        let text = if group.is_empty() {
                            format!("the server doesn't have a resource type '{res}'\n")
                        } else {
                            format!("the server doesn't have a resource type '{res}' in group '{group}'\n")
                        };
                        ctx.err.write_all(warning_line(&text, color).as_bytes())?;
                    }
                    question.resource = resource.to_string();
                }
            }
        }
    }
    let conn = ctx.connection().await?;
    let namespace = if args.all_namespaces {
        String::new()
    } else {
        conn.namespace.clone()
    };

    // validate
    let mut warn = |text: String| ctx.err.write_all(warning_line(&text, color).as_bytes());
    if !question.non_resource_url.is_empty() {
        if !args.subresource.is_empty() {
            return Err(anyhow!("--subresource can not be used with NonResourceURL"));
        }
        if !NON_RESOURCE_VERBS.contains(&question.verb.as_str()) {
            warn(format!("verb '{}' is not a known verb\n", question.verb))?;
        }
    } else if !question.resource.is_empty() && !args.all_namespaces {
        // Only a resolved type is known to be cluster-scoped.
        let cluster_scoped = question.resource != "*"
            && !question.version.is_empty()
            && discovery
                .resources_for(&question.group, &question.version)
                .iter()
                .any(|r| r.name == question.resource && !r.namespaced);
        if cluster_scoped {
            if question.group.is_empty() {
                warn(format!(
                    "resource '{}' is not namespace scoped\n",
                    question.resource
                ))?;
            } else {
                warn(format!(
                    "resource '{}' is not namespace scoped in group '{}'\n",
                    question.resource, question.group
                ))?;
            }
        }
        if !RESOURCE_VERBS.contains(&question.verb.as_str()) {
            warn(format!("verb '{}' is not a known verb\n", question.verb))?;
        }
    }

    if args.no_headers {
        return Err(anyhow!(
            "--no-headers cannot be set without --list specified"
        ));
    }

    // run
    let review = review_request(&question, &namespace, &args.subresource);
    let answer = conn
        .client
        .json_request(
            Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            "application/json",
            &review,
        )
        .await?;
    let status = answer.get("status").cloned().unwrap_or(Value::Null);
    let allowed = status
        .get("allowed")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !args.quiet {
        ctx.out.write_all(verdict(&status).as_bytes())?;
    }
    if allowed {
        Ok(())
    } else {
        ctx.out.flush()?;
        Err(CliError::Exit(1).into())
    }
}

/// `--list`: the rules a SelfSubjectRulesReview returns for the namespace,
/// broken down, merged per resource and sorted as kubectl prints them.
async fn list(ctx: &mut Context, args: &CanIArgs, color: bool) -> Result<()> {
    if !args.args.is_empty() {
        return Err(anyhow!("list option must be specified with no arguments"));
    }
    let conn = ctx.connection().await?;
    if args.quiet || args.all_namespaces || !args.subresource.is_empty() {
        return Err(anyhow!(
            "list option can't be specified with neither quiet, all-namespaces nor subresource options"
        ));
    }
    let review = json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {"namespace": conn.namespace},
    });
    let answer = conn
        .client
        .json_request(
            Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            "application/json",
            &review,
        )
        .await?;
    let status = answer.get("status").cloned().unwrap_or(Value::Null);
    if status.get("incomplete").and_then(Value::as_bool) == Some(true) {
        let why = status
            .get("evaluationError")
            .and_then(Value::as_str)
            .unwrap_or("");
        let text = format!("the list may be incomplete: {why}");
        ctx.err.write_all(warning_line(&text, color).as_bytes())?;
    }
    // Resource rules first, then the non-resource ones, as kubectl
    // converts them.
    let mut rules = Vec::new();
    for key in ["resourceRules", "nonResourceRules"] {
        for rule in status
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            rules.push(PolicyRule::from_json(rule));
        }
    }
    let rules = policy::for_display(&rules);
    let mut w = crate::printers::tabwriter::TabWriter::for_tables(&mut ctx.out);
    if !args.no_headers {
        w.write_all(b"Resources\tNon-Resource URLs\tResource Names\tVerbs\n")?;
    }
    for rule in &rules {
        let [resources, urls, names, verbs] = rule.table_cells();
        writeln!(w, "{resources}\t{urls}\t{names}\t{verbs}")?;
    }
    w.flush()?;
    Ok(())
}

/// The SelfSubjectAccessReview, empty attributes left out.
fn review_request(q: &Question, namespace: &str, subresource: &str) -> Value {
    let spec = if q.non_resource_url.is_empty() {
        let mut attrs = Map::new();
        for (key, value) in [
            ("namespace", namespace),
            ("verb", q.verb.as_str()),
            ("group", q.group.as_str()),
            ("resource", q.resource.as_str()),
            ("subresource", subresource),
            ("name", q.name.as_str()),
        ] {
            if !value.is_empty() {
                attrs.insert(key.into(), json!(value));
            }
        }
        json!({"resourceAttributes": attrs})
    } else {
        json!({"nonResourceAttributes": {"path": q.non_resource_url, "verb": q.verb}})
    };
    json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": spec,
    })
}

/// `yes`, or `no` with the reason and evaluation error when the server
/// gives them.
fn verdict(status: &Value) -> String {
    if status
        .get("allowed")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return "yes\n".into();
    }
    let mut out = String::from("no");
    for key in ["reason", "evaluationError"] {
        if let Some(text) = status
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            out.push_str(&format!(" - {text}"));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(verdict(&json!({"allowed": true})), "yes\n");
        assert_eq!(verdict(&json!({"allowed": false})), "no\n");
        assert_eq!(
            verdict(&json!({"allowed": false, "reason": "r", "evaluationError": "e"})),
            "no - r - e\n"
        );
    }

    #[test]
    fn requests_leave_out_empty_attributes() {
        let q = Question {
            verb: "get".into(),
            resource: "pods".into(),
            ..Default::default()
        };
        assert_eq!(
            review_request(&q, "ns", "log")["spec"],
            json!({"resourceAttributes": {"namespace": "ns", "verb": "get", "resource": "pods", "subresource": "log"}})
        );
        let q = Question {
            verb: "get".into(),
            non_resource_url: "/logs".into(),
            ..Default::default()
        };
        assert_eq!(
            review_request(&q, "ns", "")["spec"],
            json!({"nonResourceAttributes": {"path": "/logs", "verb": "get"}})
        );
    }
}

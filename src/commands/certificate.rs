//! `certificate approve|deny (-f FILENAME | NAME…)`: add the Approved or
//! Denied condition to certificate signing requests through their
//! `/approval` subresource.

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args, Subcommand};
use serde_json::{json, Value};

use crate::client::{parse_json, ApiClient, ACCEPT_JSON};
use crate::command_group as group;
use crate::context::Context;
use crate::error::VisitErrors;
use crate::flags::go_values::{go_bool, go_quote};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::builder::{NamedTarget, Plan};
use crate::resource::fetch::get_object;
use crate::resource::infos::{fetch_infos, read_file_objects, FileReading, Info};
use crate::resource::write::{self, WriteOptions};
use crate::resource::Mapping;

/// Conflicting writes are retried this many times with the CSR re-read.
const CONFLICT_RETRIES: usize = 10;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CertificateArgs {
    #[command(subcommand)]
    pub command: Option<CertificateCommand>,

    /// kubectl shows the help whatever else is given.
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum CertificateCommand {
    /// Approve certificate signing requests: the signer may issue them.
    #[command(
        after_help = "Before approving, check what the certificate would allow: it may let its
holder act as the identity it names.

Examples:
  # Approve CSR 'csr-sqgzp'
  kuddle certificate approve csr-sqgzp"
    )]
    Approve(DecisionArgs),
    /// Deny certificate signing requests: the signer must not issue them.
    #[command(after_help = "Examples:
  # Deny CSR 'csr-sqgzp'
  kuddle certificate deny csr-sqgzp")]
    Deny(DecisionArgs),
}

#[derive(Args, Debug)]
pub struct DecisionArgs {
    /// The certificate signing requests (NAME or TYPE/NAME).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Write the condition again even if the request already has it.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub force: bool,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

/// What approve and deny each write, and the condition that rules it out.
struct Decision {
    condition: &'static str,
    opposite: &'static str,
    reason: &'static str,
    message: &'static str,
    operation: &'static str,
}

const APPROVE: Decision = Decision {
    condition: "Approved",
    opposite: "Denied",
    reason: "KubectlApprove",
    message: "This CSR was approved by kubectl certificate approve.",
    operation: "approved",
};

const DENY: Decision = Decision {
    condition: "Denied",
    opposite: "Approved",
    reason: "KubectlDeny",
    message: "This CSR was denied by kubectl certificate deny.",
    operation: "denied",
};

pub async fn run(ctx: &mut Context, args: CertificateArgs) -> Result<()> {
    let (decision, args) = match args.command {
        Some(CertificateCommand::Approve(a)) => (APPROVE, a),
        Some(CertificateCommand::Deny(a)) => (DENY, a),
        None => {
            // kubectl's `certificate` only shows its help, and succeeds.
            let help = group::help_of(&["certificate"])?;
            ctx.out.write_all(help.as_bytes())?;
            return Ok(());
        }
    };
    // complete
    let printer = args.print.printer(OBJECT_FORMATS)?;
    // validate
    let uses_files = !args.files.filenames.is_empty()
        || args
            .files
            .kustomize
            .as_deref()
            .is_some_and(|k| !k.is_empty());
    if args.names.is_empty() && !uses_files {
        bail!("one or more CSRs must be specified as <name> or -f <filename>");
    }
    // The builder refuses names beside paths before anything is read.
    if uses_files && !args.names.is_empty() {
        bail!("resource/name arguments cannot be provided when a path is specified");
    }

    // run
    let (infos, mut errors) = requests(ctx, &args, uses_files).await?;
    let conn = ctx.connection().await?;
    let discovery = ctx.discovery().await?;
    let csrs = discovery.resolve("certificatesigningrequests.certificates.k8s.io")?;
    let mut result = ResultPrinter::new(DryRun::None, printer, args.print.show_managed_fields);
    let mut found = 0;
    for info in infos {
        match decide(&conn.client, &csrs, &info, &decision, args.force).await {
            Ok(()) => {
                found += 1;
                result.print(&mut ctx.out, &info.object, decision.operation)?;
            }
            Err(e) => errors.push(e),
        }
    }
    if found == 0 && errors.is_empty() {
        ctx.out.write_all(b"No resources found\n")?;
    }
    errors.into_result()
}

/// The requests named by arguments or files, read from the server (files
/// name them; the server's copy is what is printed).
async fn requests(
    ctx: &mut Context,
    args: &DecisionArgs,
    uses_files: bool,
) -> Result<(Vec<Info>, VisitErrors)> {
    let conn = ctx.connection().await?;
    let mut errors = VisitErrors::default();
    let mut targets = Vec::new();
    if uses_files {
        let read = FileReading {
            typed: false,
            label_selector: None,
        };
        let objects = read_file_objects(ctx, &args.files, read).await?;
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        for item in objects.items {
            match item {
                Ok(info) => targets.push(NamedTarget {
                    mapping: info.mapping,
                    namespace: info.namespace,
                    name: info.name,
                }),
                Err(e) => errors.push(e),
            }
        }
    }
    let discovery = ctx.discovery().await?;
    for name in &args.names {
        let (mapping, name) = match name.split_once('/') {
            Some((resource, name)) => (discovery.resolve(resource)?, name),
            None => (
                discovery.resolve("certificatesigningrequests.certificates.k8s.io")?,
                name.as_str(),
            ),
        };
        if mapping.namespaced {
            bail!("namespace may not be empty when retrieving a resource by name");
        }
        targets.push(NamedTarget {
            mapping,
            namespace: None,
            name: name.to_string(),
        });
    }
    let plan = Plan::Named {
        items: targets,
        single_item_implied: false,
    };
    let mut infos = Vec::new();
    for fetched in fetch_infos(&conn.client, &plan).await {
        match fetched {
            Ok(info) => infos.push(info),
            Err(e) => errors.push(e),
        }
    }
    Ok((infos, errors))
}

/// Adds the decision's condition to one request unless it is there already
/// (or `force`); the opposite condition is an error.
async fn decide(
    client: &ApiClient,
    csrs: &Mapping,
    info: &Info,
    decision: &Decision,
    force: bool,
) -> Result<()> {
    if info.mapping.group != "certificates.k8s.io"
        || info.mapping.kind != "CertificateSigningRequest"
    {
        let kind = if info.mapping.group.is_empty() {
            info.mapping.kind.clone()
        } else {
            format!("{}.{}", info.mapping.kind, info.mapping.group)
        };
        bail!("can only handle CertificateSigningRequest.certificates.k8s.io objects, got {kind}");
    }
    for attempt in 0.. {
        let csr = match get_object(client, csrs, None, &info.name, ACCEPT_JSON).await {
            Ok(body) => parse_json(&body)?,
            Err(e) if e.is_not_found() => {
                bail!("could not find v1 version of {}: {e}", info.name)
            }
            Err(e) => return Err(e.into()),
        };
        // Forced, a request that has the condition is written back as is.
        let body = match with_condition(&csr, decision)? {
            Some(updated) => updated,
            None if force => csr,
            None => return Ok(()),
        };
        match write_approval(client, csrs, &info.name, &body).await {
            Err(e) if e.is_conflict() && attempt < CONFLICT_RETRIES => continue,
            other => return other.map_err(Into::into),
        }
    }
    Ok(())
}

async fn write_approval(
    client: &ApiClient,
    csrs: &Mapping,
    name: &str,
    csr: &Value,
) -> Result<(), crate::client::ApiError> {
    let options = WriteOptions {
        // The manager the server names after kubectl's user agent.
        field_manager: "kubectl".into(),
        field_validation: None,
        dry_run: false,
    };
    write::replace(client, csrs, None, name, Some("approval"), csr, &options)
        .await
        .map(|_| ())
}

/// The request with the decision's condition added; None when it already
/// has it, an error when it has the opposite one.
fn with_condition(csr: &Value, decision: &Decision) -> Result<Option<Value>> {
    let conditions = csr
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut present = false;
    for c in &conditions {
        let kind = c.get("type").and_then(Value::as_str).unwrap_or("");
        if kind == decision.opposite {
            let name = csr
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(anyhow!(
                "certificate signing request {} is already {kind}",
                go_quote(name)
            ));
        }
        present |= kind == decision.condition;
    }
    if present {
        return Ok(None);
    }
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut updated = csr.clone();
    let mut list = conditions;
    list.push(json!({
        "type": decision.condition,
        "status": "True",
        "reason": decision.reason,
        "message": decision.message,
        "lastUpdateTime": now,
    }));
    if let Some(obj) = updated.as_object_mut() {
        let status = obj.entry("status").or_insert_with(|| json!({}));
        if let Some(status) = status.as_object_mut() {
            status.insert("conditions".into(), Value::Array(list));
        }
    }
    Ok(Some(updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(conditions: Value) -> Value {
        json!({"metadata": {"name": "c"}, "status": {"conditions": conditions}})
    }

    #[test]
    fn conditions_added_once() {
        let fresh = with_condition(&json!({"metadata": {"name": "c"}}), &APPROVE)
            .unwrap()
            .unwrap();
        let added = &fresh["status"]["conditions"][0];
        assert_eq!(added["type"], "Approved");
        assert_eq!(added["reason"], "KubectlApprove");
        assert!(
            with_condition(&csr(json!([{"type": "Approved"}])), &APPROVE)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            with_condition(&csr(json!([{"type": "Approved"}])), &DENY)
                .unwrap_err()
                .to_string(),
            "certificate signing request \"c\" is already Approved"
        );
    }
}

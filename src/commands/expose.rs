//! `expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=ip] [--type=type]`
//!
//! Examples:
//!   # A service for the deployment nginx, port 80 to the containers' 8000
//!   kuddle expose deployment nginx --port=80 --target-port=8000
//!
//!   # A second service for a service, on another port
//!   kuddle expose service nginx --port=443 --target-port=8443 --name=nginx-https
//!
//!   # A UDP service for a replica set
//!   kuddle expose rs nginx --port=4100 --target-port=8000 --protocol=UDP
//!
//!   # Print the service without creating it
//!   kuddle expose pod valid-pod --port=444 --name=frontend --dry-run=client -o json

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::context::{Connection, Context};
use crate::error::VisitErrors;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::record::{record, RecordFlags};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::generate::expose::{ExposeFlags, ExposeState};
use crate::generate::introspect::can_be_exposed;
use crate::generate::overrides::{apply_overrides_as, OverrideType};
use crate::generate::save_config;
use crate::printers::result::ResultPrinter;
use crate::printers::{Printer, OBJECT_FORMATS};
use crate::resource::builder::{NamedTarget, Plan, Selection};
use crate::resource::fetch::get_object_or_namespace;
use crate::resource::infos::{arguments_with_paths, read_file_objects, FileReading};
use crate::resource::select::uses_files;
use crate::resource::write::{create_generated, WriteOptions};
use crate::resource::{Mapping, NoResourceType};

#[derive(Args, Debug)]
pub struct ExposeArgs {
    /// TYPE NAME…, or TYPE/NAME…: the objects to expose.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// The port the service serves on (default: the object's ports).
    #[arg(
        long,
        value_name = "PORT",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub port: String,

    /// The protocol of the service's ports: TCP (default), UDP or SCTP.
    #[arg(
        long,
        value_name = "PROTOCOL",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub protocol: String,

    /// The container port (number or name) traffic goes to (default: the port).
    #[arg(
        long = "target-port",
        value_name = "PORT",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub target_port: String,

    /// The service's name (default: the object's name).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub name: String,

    /// ClusterIP (default), NodePort, LoadBalancer or ExternalName.
    #[arg(
        long = "type",
        value_name = "TYPE",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub service_type: String,

    /// The IP a LoadBalancer service should get (cloud-provider specific).
    #[arg(
        long = "load-balancer-ip",
        value_name = "IP",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub load_balancer_ip: String,

    /// Equality-based label selector for the pods (default: the object's).
    #[arg(
        long,
        value_name = "SELECTOR",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub selector: String,

    /// Labels for the service, k=v,… (default: the object's labels).
    #[arg(
        short = 'l',
        long,
        value_name = "LABELS",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub labels: String,

    /// An external IP (not managed by Kubernetes) the service also accepts.
    #[arg(
        long = "external-ip",
        value_name = "IP",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub external_ip: String,

    /// Session affinity: None or ClientIP.
    #[arg(
        long = "session-affinity",
        value_name = "AFFINITY",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub session_affinity: String,

    /// The cluster IP to assign; "None" for a headless service.
    #[arg(
        long = "cluster-ip",
        value_name = "IP",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub cluster_ip: String,

    /// Inline JSON applied to the generated Service (see --override-type).
    #[arg(
        long,
        value_name = "JSON",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub overrides: String,

    #[command(flatten)]
    pub record: RecordFlags,

    /// How --overrides applies: json (RFC 6902 patch) or merge (RFC 7396).
    #[arg(
        long = "override-type",
        value_name = "TYPE",
        default_value = "merge",
        allow_hyphen_values = true
    )]
    pub override_type: String,

    /// Store the service's configuration in its last-applied annotation.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub save_config: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-expose",
        allow_hyphen_values = true
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: ExposeArgs) -> Result<()> {
    // complete
    let change_cause = args.record.change_cause(ctx)?;
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let printer = args.print.printer(OBJECT_FORMATS)?.map(Printer::typed);
    let mut result = ResultPrinter::new(dry_run, printer, args.print.show_managed_fields);
    let mut state = ExposeState::new(ExposeFlags {
        name: args.name.clone(),
        port: args.port.clone(),
        protocol: args.protocol.clone(),
        target_port: args.target_port.clone(),
        service_type: args.service_type.clone(),
        load_balancer_ip: args.load_balancer_ip.clone(),
        selector: args.selector.clone(),
        labels: args.labels.clone(),
        external_ip: args.external_ip.clone(),
        session_affinity: args.session_affinity.clone(),
        cluster_ip: args.cluster_ip.clone(),
    });
    // run: each object in turn; failures are reported together at the end.
    let mut errors = VisitErrors::default();
    if uses_files(&args.files) {
        arguments_with_paths(&args.args)?;
        let read = FileReading {
            typed: true,
            label_selector: None,
        };
        let objects = read_file_objects(ctx, &args.files, read).await?;
        for item in objects.items {
            let exposed = match item {
                Ok(info) => {
                    let target = Target {
                        mapping: &info.mapping,
                        name: &info.name,
                        object: &info.object,
                    };
                    expose_one(
                        ctx,
                        &args,
                        &mut result,
                        &mut state,
                        target,
                        change_cause.as_deref(),
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = exposed {
                errors.push(e);
            }
        }
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        return errors.into_result();
    }

    let conn = ctx.connection().await?;
    let selection = Selection {
        args: &args.args,
        namespace: conn.namespace.clone(),
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    let plan = match discovery.plan(&selection) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(&selection)?,
                None => return Err(e),
            }
        }
        other => other?,
    };
    let Plan::Named { items, .. } = plan else {
        bail!("expose needs objects named by TYPE NAME or TYPE/NAME");
    };
    for item in &items {
        let exposed = async {
            let object = get_target(&conn, item).await?;
            let target = Target {
                mapping: &item.mapping,
                name: &item.name,
                object: &object,
            };
            expose_one(
                ctx,
                &args,
                &mut result,
                &mut state,
                target,
                change_cause.as_deref(),
            )
            .await
        }
        .await;
        if let Err(e) = exposed {
            errors.push(e);
        }
    }
    errors.into_result()
}

/// The object being exposed.
struct Target<'a> {
    mapping: &'a Mapping,
    name: &'a str,
    object: &'a Value,
}

async fn get_target(conn: &Connection, target: &NamedTarget) -> Result<Value> {
    let body = get_object_or_namespace(
        &conn.client,
        &target.mapping,
        target.namespace.as_deref(),
        &target.name,
        crate::client::ACCEPT_JSON,
    )
    .await?;
    Ok(crate::client::parse_json(&body)?)
}

async fn expose_one(
    ctx: &mut Context,
    args: &ExposeArgs,
    result: &mut ResultPrinter,
    state: &mut ExposeState,
    target: Target<'_>,
    change_cause: Option<&str>,
) -> Result<()> {
    can_be_exposed(&target.mapping.group, &target.mapping.kind).map_err(anyhow::Error::msg)?;
    state.observe(target.name, target.object)?;
    let mut service = state.service()?;
    if !args.overrides.is_empty() {
        let override_type = OverrideType::parse(&args.override_type)?;
        service = apply_overrides_as(service, &args.overrides, override_type, "Service")?;
    }
    if let Some(cause) = change_cause {
        record(&mut service, cause);
    }
    if result.dry_run() == DryRun::Client {
        if let Some(ns) = ctx.enforced_namespace() {
            set_namespace(&mut service, &ns);
        }
        return result.print(&mut ctx.out, &service, "exposed");
    }
    save_config(&mut service, args.save_config);
    let write = WriteOptions {
        field_manager: args.field_manager.clone(),
        field_validation: None,
        dry_run: result.dry_run() == DryRun::Server,
    };
    let created = create_generated(ctx, &service, &write).await?;
    result.print(&mut ctx.out, &created, "exposed")
}

/// Puts `namespace` where ObjectMeta keeps it: after the name.
fn set_namespace(obj: &mut Value, ns: &str) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.shift_remove("namespace");
        let position = meta
            .keys()
            .position(|k| k != "name" && k != "generateName")
            .unwrap_or(meta.len());
        meta.shift_insert(position, "namespace".into(), Value::String(ns.to_string()));
    }
}

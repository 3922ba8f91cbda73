//! `autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu=CPU] [--memory=MEMORY]`
//!
//! Creates an autoscaler for a deployment, replica set, stateful set or
//! replication controller: an autoscaling/v2 HorizontalPodAutoscaler, or
//! an autoscaling/v1 one when the server refuses the first and the targets
//! allow it.
//!
//! Examples:
//!   # Between 2 and 10 pods, with the server's default policy
//!   kuddle autoscale deployment foo --min=2 --max=10
//!
//!   # Up to 5 pods, at 80% of the requested CPU
//!   kuddle autoscale rc foo --max=5 --cpu=80%
//!
//!   # Average 500m CPU and 200Mi memory per pod, or utilization targets
//!   kuddle autoscale deployment bar --min=3 --max=6 --cpu=500m --memory=200Mi
//!   kuddle autoscale deployment bar --min=2 --max=8 --cpu=60% --memory=70%

use std::io::Write;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::record::{self, RecordFlags};
use crate::flags::{DryRun, FilenameFlags, PrintFlags};
use crate::generate::hpa::{hpa_v1, hpa_v2, parse_target, HpaSpec, Target};
use crate::generate::save_config;
use crate::generate::typed::normalize_object;
use crate::printers::result::ResultPrinter;
use crate::printers::{Printer, OBJECT_FORMATS};
use crate::resource::infos::Info;
use crate::resource::select::{select_objects, ObjectQuery};
use crate::resource::write::{self, WriteOptions};

#[derive(Args, Debug)]
pub struct AutoscaleArgs {
    /// TYPE NAME… or TYPE/NAME….
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    /// The fewest pods the autoscaler may leave (the server's default when not given or negative).
    #[arg(long, value_name = "MINPODS", default_value = "-1", allow_hyphen_values = true,
          value_parser = crate::flags::go_values::go_int32)]
    pub min: i32,

    /// The most pods the autoscaler may start (required).
    #[arg(long, value_name = "MAXPODS", required = true, allow_hyphen_values = true,
          value_parser = crate::flags::go_values::go_int32)]
    pub max: i32,

    /// Deprecated: use --cpu with a percentage.
    #[arg(long = "cpu-percent", value_name = "PERCENT", hide = true, allow_hyphen_values = true,
          value_parser = crate::flags::go_values::go_int32)]
    pub cpu_percent: Option<i32>,

    /// CPU target: a percentage of the requests (`70%`) or an average value (`500m`; a bare number is milli-CPUs).
    #[arg(long, value_name = "CPU", default_value = "")]
    pub cpu: String,

    /// Memory target: a percentage of the requests (`60%`) or an average value (`1Gi`; a bare number is mebibytes).
    #[arg(long, value_name = "MEMORY", default_value = "")]
    pub memory: String,

    /// The autoscaler's name (default: the name of the object it scales).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub name: String,

    /// Store the autoscaler's configuration in its last-applied annotation.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub save_config: bool,

    /// Name of the manager that owns the fields this command sets.
    #[arg(
        long = "field-manager",
        value_name = "NAME",
        default_value = "kubectl-autoscale"
    )]
    pub field_manager: String,

    #[command(flatten)]
    pub files: FilenameFlags,

    #[command(flatten)]
    pub dry_run: DryRunFlags,

    #[command(flatten)]
    pub print: PrintFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

const CPU_PERCENT_DEPRECATED: &str = "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).";

pub async fn run(ctx: &mut Context, args: AutoscaleArgs) -> Result<()> {
    if args.cpu_percent.is_some() {
        writeln!(ctx.err, "{CPU_PERCENT_DEPRECATED}")?;
    }
    let change_cause = args.record.change_cause(ctx)?;
    let cpu_percent = args.cpu_percent.unwrap_or(-1);
    // complete
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    let (namespace, explicit) = ctx.namespace()?;
    // validate
    if args.max < 1 {
        bail!(
            "--max=MAXPODS is required and must be at least 1, max: {}",
            args.max
        );
    }
    if args.max < args.min {
        bail!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {}, min: {}",
            args.max,
            args.min
        );
    }
    if cpu_percent > 0 && !args.cpu.is_empty() {
        bail!("--cpu-percent and --cpu are mutually exclusive");
    }
    let cpu = match args.cpu.as_str() {
        "" => None,
        text => Some(parse_target(text, "cpu")?),
    };
    let memory = match args.memory.as_str() {
        "" => None,
        text => Some(parse_target(text, "memory")?),
    };
    // run
    let query = ObjectQuery {
        args: &args.args,
        files: &args.files,
        label_selector: None,
        field_selector: None,
        all: false,
        select_all: false,
        all_namespaces: false,
        local: false,
        typed: false,
        latest: false,
    };
    let selected = select_objects(ctx, &query).await?;
    let printer = args
        .print
        .printer(OBJECT_FORMATS)
        .map(|p| p.map(Printer::typed));
    let mut result = ResultPrinter::per_object(dry_run, printer, args.print.show_managed_fields);
    let mut count = 0;
    let (items, mut errors) = selected.into_visit();
    for item in items {
        let outcome = match item {
            Ok(info) => {
                let target = Autoscaler {
                    args: &args,
                    namespace: explicit.then_some(namespace.as_str()),
                    cpu_percent,
                    cpu: cpu.clone(),
                    memory: memory.clone(),
                    change_cause: change_cause.as_deref(),
                };
                target.create(ctx, &info, &mut result, dry_run).await
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => count += 1,
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return errors.into_result();
    }
    if count == 0 {
        bail!("no objects passed to autoscale");
    }
    Ok(())
}

struct Autoscaler<'a> {
    args: &'a AutoscaleArgs,
    namespace: Option<&'a str>,
    cpu_percent: i32,
    cpu: Option<Target>,
    memory: Option<Target>,
    change_cause: Option<&'a str>,
}

impl Autoscaler<'_> {
    fn spec<'b>(&'b self, info: &'b Info, api_version: &'b str) -> HpaSpec<'b> {
        HpaSpec {
            name: if self.args.name.is_empty() {
                &info.name
            } else {
                &self.args.name
            },
            namespace: self.namespace,
            target_api_version: api_version,
            target_kind: &info.mapping.kind,
            target_name: &info.name,
            min: self.args.min,
            max: self.args.max,
            cpu_percent: self.cpu_percent,
            cpu: self.cpu.clone(),
            memory: self.memory.clone(),
        }
    }

    /// One object's autoscaler: v2 first, v1 when v2 fails and the targets
    /// fit v1.
    async fn create(
        &self,
        ctx: &mut Context,
        info: &Info,
        result: &mut ResultPrinter,
        dry_run: DryRun,
    ) -> Result<()> {
        let m = &info.mapping;
        let discovery = ctx.discovery().await?;
        let scalable = discovery
            .resources_for(&m.group, &m.version)
            .iter()
            .any(|r| r.name == format!("{}/scale", m.resource));
        if !scalable {
            bail!(
                "cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
                m.kind,
                m.group,
                m.version,
                m.resource
            );
        }
        let api_version = m.api_version();
        let spec = self.spec(info, &api_version);
        let v2 = hpa_v2(&spec)?;
        if self.handle(ctx, v2, result, dry_run).await.is_ok() {
            return Ok(());
        }
        // kubectl's canCreateHPAV1 reads --cpu again, even when empty.
        let incompatible = "failed to create autoscaling/v2 HPA and the configuration is incompatible with autoscaling/v1";
        let cpu =
            parse_target(&self.args.cpu, "cpu").map_err(|e| anyhow!("{incompatible}: {e}"))?;
        let fits_v1 = self.args.memory.is_empty()
            && (self.cpu_percent >= 0 || matches!(cpu, Target::Utilization(_)));
        if !fits_v1 {
            // Go's %w of a nil error.
            bail!("{incompatible}: %!w(<nil>)");
        }
        self.handle(ctx, hpa_v1(&spec)?, result, dry_run).await
    }

    /// Prints (`--dry-run=client`) or creates one autoscaler.
    async fn handle(
        &self,
        ctx: &mut Context,
        mut hpa: serde_json::Value,
        result: &mut ResultPrinter,
        dry_run: DryRun,
    ) -> Result<()> {
        if let Some(cause) = self.change_cause {
            record::record(&mut hpa, cause);
        }
        if dry_run == DryRun::Client {
            return result.print(&mut ctx.out, &hpa, "created");
        }
        save_config(&mut hpa, self.args.save_config);
        let options = WriteOptions {
            field_manager: self.args.field_manager.clone(),
            field_validation: None,
            dry_run: dry_run == DryRun::Server,
        };
        let created = write::create_generated(ctx, &hpa, &options).await?;
        let created = normalize_object(&created).map_err(anyhow::Error::msg)?;
        result.print(&mut ctx.out, &created, "autoscaled")
    }
}

//! `cluster-info dump`: nodes, then for each namespace its events,
//! replication controllers, services, daemon sets, deployments, replica
//! sets, pods and every container's logs — to stdout, or as a tree of files
//! under `--output-directory` (folders 0700, files 0600).
//!
//! Examples:
//!   # Dump current cluster state to stdout
//!   kuddle cluster-info dump
//!
//!   # Dump a set of namespaces to /path/to/cluster-state
//!   kuddle cluster-info dump --namespaces default,kube-system --output-directory=/path/to/cluster-state
//!
//! kubectl reads these lists through its typed clients and prints Go
//! structs: fields in the server's order (the same structs wrote them),
//! list items without `kind`, and an empty list's `items` as `null`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::error::unstructured_response_error;
use crate::client::{ApiClient, ACCEPT_JSON};
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_duration};
use crate::flags::PrintFlags;
use crate::printers::result::strip_managed_fields;
use crate::printers::{OutputFormat, Printer, OBJECT_FORMATS};
use crate::resource::mapper::path_escape;
use crate::resource::{Discovery, Mapping};

#[derive(Args, Debug)]
pub struct DumpArgs {
    #[command(flatten)]
    pub print: PrintFlags,

    /// Where to write the files; empty or '-' writes everything to stdout.
    #[arg(long = "output-directory", value_name = "DIR", default_value = "")]
    pub output_directory: String,

    /// Namespaces to dump (comma-separated; default: the current one and kube-system).
    #[arg(long = "namespaces", value_name = "NAMESPACE", value_delimiter = ',', action = ArgAction::Append)]
    pub namespaces: Vec<String>,

    /// Dump every namespace (--namespaces is then ignored).
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// How long to wait for a pod to run before reading its logs (more than zero), e.g. 5s, 2m.
    #[arg(long = "pod-running-timeout", value_name = "DURATION", default_value = "20s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub pod_running_timeout: i64,
}

/// What each namespace contributes, in kubectl's order: file name, resource.
const NAMESPACED: [(&str, &str, &str); 7] = [
    ("events", "", "events"),
    ("replication-controllers", "", "replicationcontrollers"),
    ("services", "", "services"),
    ("daemonsets", "apps", "daemonsets"),
    ("deployments", "apps", "deployments"),
    ("replicasets", "apps", "replicasets"),
    ("pods", "", "pods"),
];

pub async fn run(ctx: &mut Context, args: DumpArgs) -> Result<()> {
    let mut print = args.print.clone();
    if print.output.is_none() && print.template.is_empty() {
        print.output = Some("json".to_string());
    }
    let output = print.output.clone().unwrap_or_default();
    // An explicitly empty -o asks kubectl's print flags for names.
    let printer = print
        .printer(OBJECT_FORMATS)?
        .unwrap_or_else(|| Printer::new(OutputFormat::Name));
    ctx.client_config()?;
    if args.pod_running_timeout <= 0 {
        bail!("--pod-running-timeout must be higher than zero");
    }
    let (current_namespace, _) = ctx.namespace()?;
    let conn = ctx.connection().await?;
    let discovery = ctx.discovery().await?;
    let extension = match output.as_str() {
        "json" => ".json",
        "yaml" => ".yaml",
        _ => ".txt",
    };
    let dir = match args.output_directory.as_str() {
        "" | "-" => None,
        d => Some(PathBuf::from(d)),
    };
    let mut dumper = Dumper {
        client: &conn.client,
        printer: printer.typed(),
        show_managed_fields: print.show_managed_fields,
        dir: dir.clone(),
        extension,
        out: &mut ctx.out,
    };

    let nodes = dumper
        .list(&mapping(&discovery, "", "nodes")?, None)
        .await?;
    dumper.print_list(nodes, "nodes")?;

    let namespaces: Vec<String> = if args.all_namespaces {
        let list = dumper
            .list(&mapping(&discovery, "", "namespaces")?, None)
            .await?;
        items(&list)
            .iter()
            .filter_map(|ns| ns.pointer("/metadata/name").and_then(Value::as_str))
            .map(str::to_string)
            .collect()
    } else if args.namespaces.is_empty() {
        vec!["kube-system".to_string(), current_namespace]
    } else {
        args.namespaces.clone()
    };
    for namespace in &namespaces {
        let mut pods = Value::Null;
        for (file, group, resource) in NAMESPACED {
            let list = dumper
                .list(&mapping(&discovery, group, resource)?, Some(namespace))
                .await?;
            let name = format!("{namespace}/{file}");
            if resource == "pods" {
                pods = list.clone();
            }
            dumper.print_list(list, &name)?;
        }
        for pod in items(&pods) {
            dumper.pod_logs(namespace, pod).await?;
        }
    }
    if let Some(dir) = dir {
        writeln!(ctx.out, "Cluster info dumped to {}", dir.display())?;
    }
    Ok(())
}

fn items(list: &Value) -> &[Value] {
    list.get("items")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The mapping of a built-in resource in the version the server prefers.
fn mapping(discovery: &Discovery, group: &str, resource: &str) -> Result<Mapping> {
    let arg = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    Ok(discovery.resolve(&arg)?)
}

struct Dumper<'a> {
    client: &'a ApiClient,
    printer: Printer,
    show_managed_fields: bool,
    dir: Option<PathBuf>,
    extension: &'static str,
    out: &'a mut Box<dyn Write>,
}

impl Dumper<'_> {
    async fn list(&self, mapping: &Mapping, namespace: Option<&str>) -> Result<Value> {
        Ok(self
            .client
            .get_json(&mapping.collection_path(namespace))
            .await?)
    }

    /// Prints one list where it belongs: stdout, or `<dir>/<name><ext>`.
    fn print_list(&mut self, mut list: Value, name: &str) -> Result<()> {
        if self.printer.format() == &OutputFormat::Name {
            bail!(
                "list types are not supported by name printing: *v1.{}",
                list.get("kind").and_then(Value::as_str).unwrap_or_default()
            );
        }
        // Typed lists come out of kubectl's protobuf decoding with a nil
        // slice when empty.
        if let Some(items) = list.get_mut("items") {
            if items.as_array().is_some_and(Vec::is_empty) {
                *items = Value::Null;
            }
        }
        if !self.show_managed_fields
            && matches!(
                self.printer.format(),
                OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Kyaml
            )
        {
            strip_managed_fields(&mut list);
        }
        match &self.dir {
            None => self.printer.print(&list, &mut **self.out),
            Some(dir) => {
                let mut file = create_file(&dir.join(format!("{name}{}", self.extension)))?;
                self.printer.print(&list, &mut file)?;
                Ok(())
            }
        }
    }

    /// Each container's logs between START and END lines; a failed request
    /// is reported in its place, as kubectl does.
    async fn pod_logs(&mut self, namespace: &str, pod: &Value) -> Result<()> {
        let name = pod
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let pod_namespace = pod
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let containers: Vec<&str> = ["/spec/initContainers", "/spec/containers"]
            .iter()
            .flat_map(|p| {
                pod.pointer(p)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .collect();
        let mut text: Vec<u8> = Vec::new();
        for container in containers {
            writeln!(
                text,
                "==== START logs for container {container} of pod {pod_namespace}/{name} ===="
            )?;
            let path = format!(
                "/api/v1/namespaces/{}/pods/{}/log?container={}",
                path_escape(pod_namespace),
                path_escape(name),
                crate::resource::fetch::query_escape(container)
            );
            match self.client.get_raw(&path, ACCEPT_JSON).await {
                Ok(r) if r.status.is_success() => text.extend_from_slice(&r.body),
                Ok(r) => {
                    let err = unstructured_response_error(
                        r.status.as_u16(),
                        "GET",
                        "pods",
                        name,
                        &r.body,
                        r.content_type.starts_with("text/"),
                    );
                    writeln!(text, "Request log error: {err}")?;
                }
                Err(e) => writeln!(text, "Request log error: {e}")?,
            }
            writeln!(
                text,
                "==== END logs for container {container} of pod {pod_namespace}/{name} ===="
            )?;
        }
        match &self.dir {
            None => self.out.write_all(&text)?,
            Some(dir) => {
                create_file(&dir.join(namespace).join(name).join("logs.txt"))?.write_all(&text)?
            }
        }
        Ok(())
    }
}

/// Creates (or truncates) a dump file readable by its owner only, making
/// its folders (0700) first; errors in Go's words.
fn create_file(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(parent) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| anyhow::anyhow!("mkdir {}: {}", parent.display(), errno_text(&e)))?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("open {}: {}", path.display(), errno_text(&e)))
}

/// The text Go gives an errno (`permission denied`, `not a directory`).
fn errno_text(err: &std::io::Error) -> String {
    let text = crate::printers::go_read_error("", err);
    text.strip_prefix("open : ")
        .or_else(|| text.strip_prefix("read : "))
        .unwrap_or(&text)
        .to_string()
}

//! `top pod` and `top node` tables, as kubectl's metricsutil prints them:
//! CPU in millicores (rounded up), memory in whole MiB, percentages of the
//! node's allocatable resources, Go's unstable sort for `--sort-by`, every
//! cell tab-terminated through the table tabwriter (so every line ends in
//! padding), and the `--sum` footer.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;

use super::gosort;
use super::tabwriter::TabWriter;
use crate::quantity::Quantity;

/// The resources a table shows: CPU, memory, and swap with --show-swap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    Cpu,
    Memory,
    Swap,
}

impl Measured {
    fn key(self) -> &'static str {
        match self {
            Measured::Cpu => "cpu",
            Measured::Memory => "memory",
            Measured::Swap => "swap",
        }
    }

    pub fn list(show_swap: bool) -> Vec<Measured> {
        let mut out = vec![Measured::Cpu, Measured::Memory];
        if show_swap {
            out.push(Measured::Swap);
        }
        out
    }
}

/// Usage per resource name (`cpu`, `memory`, `swap`).
pub type Usage = BTreeMap<String, Quantity>;

/// Reads a `usage` map of quantities (unparsable values count as zero).
pub fn usage_of(value: Option<&Value>) -> Usage {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let q = v
                        .as_str()
                        .and_then(|t| Quantity::parse(t).ok())
                        .unwrap_or_default();
                    (k.clone(), q)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct ContainerUsage {
    pub name: String,
    pub usage: Usage,
}

#[derive(Debug, Clone)]
pub struct PodUsage {
    pub namespace: String,
    pub name: String,
    pub containers: Vec<ContainerUsage>,
}

impl PodUsage {
    /// A PodMetrics object (`metrics.k8s.io`).
    pub fn from_metrics(item: &Value) -> PodUsage {
        let s = |p: &str| {
            item.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        PodUsage {
            namespace: s("/metadata/namespace"),
            name: s("/metadata/name"),
            containers: item
                .get("containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| ContainerUsage {
                    name: c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    usage: usage_of(c.get("usage")),
                })
                .collect(),
        }
    }

    /// The sum over its containers, of each measured resource.
    fn total(&self, measured: &[Measured]) -> Usage {
        let mut total = Usage::new();
        for m in measured {
            total.insert(m.key().to_string(), Quantity::default());
        }
        for c in &self.containers {
            add_usage(&mut total, &c.usage, measured);
        }
        total
    }
}

fn add_usage(total: &mut Usage, usage: &Usage, measured: &[Measured]) {
    for m in measured {
        let q = usage.get(m.key()).cloned().unwrap_or_default();
        total.entry(m.key().to_string()).or_default().add(&q);
    }
}

#[derive(Debug, Clone)]
pub struct NodeUsage {
    pub name: String,
    pub usage: Usage,
}

/// How a `top node` table shows each node.
#[derive(Debug, Clone, Default)]
pub struct NodeTable {
    pub nodes: Vec<NodeUsage>,
    /// Allocatable (or capacity) per node, from the Node objects, in their order.
    pub available: Vec<(String, Usage)>,
    /// Resources a node cannot report (swap without swap capacity).
    pub missing: BTreeMap<String, Vec<Measured>>,
}

/// Options of the pod table.
#[derive(Debug, Clone, Copy)]
pub struct PodTable<'a> {
    pub containers: bool,
    pub with_namespace: bool,
    pub no_headers: bool,
    pub sort_by: &'a str,
    pub sum: bool,
    pub show_swap: bool,
}

fn cell(w: &mut dyn Write, text: &str) -> io::Result<()> {
    write!(w, "{text}\t")
}

fn quantity(usage: &Usage, m: Measured) -> Quantity {
    usage.get(m.key()).cloned().unwrap_or_default()
}

/// One usage cell: `250m`, or whole MiB for memory and swap.
fn usage_text(m: Measured, q: &Quantity) -> String {
    match m {
        Measured::Cpu => format!("{}m", q.milli_value()),
        Measured::Memory | Measured::Swap => format!("{}Mi", q.value() / (1024 * 1024)),
    }
}

/// A line: the name, then each resource's usage (and percentage when the
/// available amount is known, or `<unknown>` twice when it is missing).
fn metrics_line(
    w: &mut dyn Write,
    name: &str,
    usage: &Usage,
    available: Option<&Usage>,
    missing: &[Measured],
    measured: &[Measured],
) -> io::Result<()> {
    cell(w, name)?;
    for m in measured {
        if missing.contains(m) {
            write!(w, "<unknown>\t<unknown>\t")?;
            continue;
        }
        let q = quantity(usage, *m);
        write!(w, "{}\t", usage_text(*m, &q))?;
        if let Some(avail) = available.and_then(|a| a.get(m.key())) {
            let fraction = if avail.is_zero() {
                0.0
            } else {
                q.milli_value() as f64 / avail.milli_value() as f64 * 100.0
            };
            write!(w, "{}%\t", fraction as i64)?;
        }
    }
    writeln!(w)
}

/// `top pod`.
pub fn print_pods(out: &mut dyn Write, mut pods: Vec<PodUsage>, opts: PodTable) -> io::Result<()> {
    if pods.is_empty() {
        return Ok(());
    }
    let measured = Measured::list(opts.show_swap);
    let mut w = TabWriter::for_tables(&mut *out);
    let mut columns = vec!["NAME", "CPU(cores)", "MEMORY(bytes)"];
    if opts.show_swap {
        columns.push("SWAP(bytes)");
    }
    let mut width = columns.len();
    if !opts.no_headers {
        if opts.with_namespace {
            cell(&mut w, "NAMESPACE")?;
            width += 1;
        }
        if opts.containers {
            cell(&mut w, "POD")?;
            width += 1;
        }
        for c in &columns {
            cell(&mut w, c)?;
        }
        writeln!(w)?;
    }
    let totals: Vec<Usage> = pods.iter().map(|p| p.total(&measured)).collect();
    let mut order: Vec<(PodUsage, Usage)> = pods.drain(..).zip(totals).collect();
    gosort::sort_by(&mut order, |(a, ta), (b, tb)| match opts.sort_by {
        "cpu" => {
            quantity(ta, Measured::Cpu).milli_value() > quantity(tb, Measured::Cpu).milli_value()
        }
        "memory" => quantity(ta, Measured::Memory).value() > quantity(tb, Measured::Memory).value(),
        _ => {
            if opts.with_namespace && a.namespace != b.namespace {
                return a.namespace < b.namespace;
            }
            a.name < b.name
        }
    });
    for (pod, total) in &mut order {
        if opts.containers {
            gosort::sort_by(&mut pod.containers, |a, b| match opts.sort_by {
                "cpu" => {
                    quantity(&a.usage, Measured::Cpu).milli_value()
                        > quantity(&b.usage, Measured::Cpu).milli_value()
                }
                "memory" => {
                    quantity(&a.usage, Measured::Memory).value()
                        > quantity(&b.usage, Measured::Memory).value()
                }
                _ => a.name < b.name,
            });
            for c in &pod.containers {
                if opts.with_namespace {
                    cell(&mut w, &pod.namespace)?;
                }
                cell(&mut w, &pod.name)?;
                metrics_line(&mut w, &c.name, &c.usage, None, &[], &measured)?;
            }
        } else {
            if opts.with_namespace {
                cell(&mut w, &pod.namespace)?;
            }
            metrics_line(&mut w, &pod.name, total, None, &[], &measured)?;
        }
    }
    if opts.sum {
        let mut sum = Usage::new();
        for (pod, _) in &order {
            for c in &pod.containers {
                add_usage(&mut sum, &c.usage, &measured);
            }
        }
        for _ in 0..width.saturating_sub(2) {
            cell(&mut w, "")?;
        }
        cell(&mut w, "________")?;
        cell(&mut w, "________")?;
        writeln!(w)?;
        for _ in 0..width.saturating_sub(3) {
            cell(&mut w, "")?;
        }
        metrics_line(&mut w, "", &sum, None, &[], &measured)?;
    }
    w.flush()
}

/// `top node`.
pub fn print_nodes(
    out: &mut dyn Write,
    table: NodeTable,
    no_headers: bool,
    sort_by: &str,
    show_swap: bool,
) -> io::Result<()> {
    let NodeTable {
        mut nodes,
        mut available,
        missing,
    } = table;
    if nodes.is_empty() {
        return Ok(());
    }
    let measured = Measured::list(show_swap);
    let mut w = TabWriter::for_tables(&mut *out);
    gosort::sort_by(&mut nodes, |a, b| match sort_by {
        "cpu" => {
            quantity(&a.usage, Measured::Cpu).milli_value()
                > quantity(&b.usage, Measured::Cpu).milli_value()
        }
        "memory" => {
            quantity(&a.usage, Measured::Memory).value()
                > quantity(&b.usage, Measured::Memory).value()
        }
        _ => a.name < b.name,
    });
    if !no_headers {
        let mut columns = vec!["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"];
        if show_swap {
            columns.extend(["SWAP(bytes)", "SWAP(%)"]);
        }
        for c in columns {
            cell(&mut w, c)?;
        }
        writeln!(w)?;
    }
    let no_missing = Vec::new();
    for node in &nodes {
        let avail = available
            .iter()
            .position(|(n, _)| *n == node.name)
            .map(|i| available.remove(i).1);
        let missing = missing.get(&node.name).unwrap_or(&no_missing);
        metrics_line(
            &mut w,
            &node.name,
            &node.usage,
            Some(avail.as_ref().unwrap_or(&Usage::new())),
            missing,
            &measured,
        )?;
    }
    // Nodes without metrics.
    for (name, _) in available {
        cell(&mut w, &name)?;
        for _ in &measured {
            cell(&mut w, "<unknown>")?;
            cell(&mut w, "<unknown>")?;
        }
        writeln!(w)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn pod_table_with_containers_and_sum() {
        let pods = vec![
            PodUsage::from_metrics(&json!({"metadata": {"name": "b", "namespace": "ns"},
                "containers": [{"name": "x", "usage": {"cpu": "1500000n", "memory": "3000Ki"}},
                               {"name": "a", "usage": {"cpu": "2m", "memory": "1Mi"}}]})),
            PodUsage::from_metrics(&json!({"metadata": {"name": "a", "namespace": "ns"},
                "containers": [{"name": "c", "usage": {"cpu": "0", "memory": "4096"}}]})),
        ];
        let mut out = Vec::new();
        let opts = PodTable {
            containers: true,
            with_namespace: false,
            no_headers: false,
            sort_by: "",
            sum: true,
            show_swap: false,
        };
        print_pods(&mut out, pods, opts).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "POD   NAME   CPU(cores)   MEMORY(bytes)   \n\
             a     c      0m           0Mi             \n\
             b     a      2m           1Mi             \n\
             b     x      2m           2Mi             \n\
             \x20            ________     ________        \n\
             \x20            4m           3Mi             \n"
        );
    }

    #[test]
    fn node_table_with_percentages_and_unknown_swap() {
        let mut available = Usage::new();
        available.insert("cpu".into(), q("1024"));
        available.insert("memory".into(), q("4Ti"));
        let mut usage = Usage::new();
        usage.insert("cpu".into(), q("1999m"));
        usage.insert("memory".into(), q("4463Mi"));
        let table = NodeTable {
            nodes: vec![NodeUsage {
                name: "n".into(),
                usage,
            }],
            available: vec![("n".into(), available)],
            missing: [("n".to_string(), vec![Measured::Swap])]
                .into_iter()
                .collect(),
        };
        let mut out = Vec::new();
        print_nodes(&mut out, table, true, "", true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "n     1999m   0%    4463Mi   0%    <unknown>   <unknown>   \n"
        );
    }
}

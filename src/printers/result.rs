//! What a verb prints for an object it created, changed or removed: the
//! object through the `-o` printer when one was chosen, else kubectl's
//! result line `kind.group/name <operation>` with the dry-run suffix.
//! Every writing verb prints its results through here.

use std::io::Write;

use anyhow::Result;
use serde_json::Value;

use super::{kind_dot_group, OutputFormat, Printer};
use crate::flags::DryRun;

pub struct ResultPrinter {
    dry_run: DryRun,
    printer: Option<Printer>,
    show_managed_fields: bool,
    /// Verbs that make a printer for each object (`label`, `autoscale`)
    /// never separate YAML documents, and meet a bad `-o` only when they
    /// print (after writing).
    printer_per_object: bool,
    printer_error: Option<String>,
}

impl ResultPrinter {
    /// `printer` is the one chosen from `-o` (None without `-o`);
    /// `show_managed_fields` is `--show-managed-fields`.
    pub fn new(dry_run: DryRun, printer: Option<Printer>, show_managed_fields: bool) -> Self {
        ResultPrinter {
            dry_run,
            printer,
            show_managed_fields,
            printer_per_object: false,
            printer_error: None,
        }
    }

    /// A printer made anew for each object, as kubectl's verbs that choose
    /// their result word per object make it: no `---` between YAML
    /// documents, and a bad `-o` fails each print rather than the command
    /// up front.
    pub fn per_object(
        dry_run: DryRun,
        printer: Result<Option<Printer>>,
        show_managed_fields: bool,
    ) -> Self {
        let (printer, printer_error) = match printer {
            Ok(p) => (p, None),
            Err(e) => (None, Some(format!("{e:#}"))),
        };
        ResultPrinter {
            dry_run,
            printer,
            show_managed_fields,
            printer_per_object: true,
            printer_error,
        }
    }

    pub fn dry_run(&self) -> DryRun {
        self.dry_run
    }

    /// The `-o` printer, when one was chosen.
    pub fn printer(&self) -> Option<&Printer> {
        self.printer.as_ref()
    }

    /// Prints `obj` through the printer, or as `kind.group/name operation`.
    /// Managed fields leave JSON and YAML unless `--show-managed-fields`.
    pub fn print(&mut self, out: &mut dyn Write, obj: &Value, operation: &str) -> Result<()> {
        if let Some(e) = &self.printer_error {
            anyhow::bail!("{e}");
        }
        match self.printer.as_mut() {
            Some(printer) => {
                if self.printer_per_object {
                    printer.restart();
                }
                let strips = matches!(printer.format(), OutputFormat::Json | OutputFormat::Yaml);
                if self.show_managed_fields || !strips || !has_managed_fields(obj) {
                    printer.print(obj, out)?;
                } else {
                    let mut obj = obj.clone();
                    strip_managed_fields(&mut obj);
                    printer.print(&obj, out)?;
                }
            }
            None => writeln!(
                out,
                "{} {operation}{}",
                qualified_name(obj),
                self.dry_run.suffix()
            )?,
        }
        Ok(())
    }
}

impl ResultPrinter {
    /// kubectl's line for an object a command deleted (there is no object
    /// left to print): `pod "web" deleted from ns namespace`, `force
    /// deleted` for a zero grace period, the dry-run suffix; `pod/web` with
    /// `-o name`. `kind_group` is `deployment.apps`; `namespace` is None
    /// for cluster-scoped objects.
    pub fn print_deleted(
        &self,
        out: &mut dyn Write,
        kind_group: &str,
        name: &str,
        namespace: Option<&str>,
        forced: bool,
    ) -> Result<()> {
        if self
            .printer
            .as_ref()
            .is_some_and(|p| matches!(p.format(), OutputFormat::Name))
        {
            writeln!(out, "{kind_group}/{name}")?;
            return Ok(());
        }
        let operation = if forced { "force deleted" } else { "deleted" };
        let place = match namespace {
            Some(ns) => format!(" from {ns} namespace"),
            None => String::new(),
        };
        writeln!(
            out,
            "{kind_group} \"{name}\" {operation}{place}{}",
            self.dry_run.suffix()
        )?;
        Ok(())
    }
}

/// `deployment.apps/web`: how kubectl names an object in result lines
/// (`<unknown>` for an object without a name).
pub fn qualified_name(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("<unknown>");
    format!("{}/{}", kind_dot_group(kind, api_version), name)
}

fn has_managed_fields(obj: &Value) -> bool {
    obj.pointer("/metadata/managedFields").is_some()
        || obj
            .get("items")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(has_managed_fields))
}

/// Removes `metadata.managedFields` from an object or a list's items.
pub fn strip_managed_fields(obj: &mut Value) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.shift_remove("managedFields");
    }
    if let Some(items) = obj.get_mut("items").and_then(Value::as_array_mut) {
        items.iter_mut().for_each(strip_managed_fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn printed(p: &mut ResultPrinter, obj: &Value, op: &str) -> String {
        let mut out = Vec::new();
        p.print(&mut out, obj, op).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn result_lines_carry_group_and_dry_run_suffix() {
        let obj =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
        let mut p = ResultPrinter::new(DryRun::None, None, false);
        assert_eq!(
            printed(&mut p, &obj, "created"),
            "deployment.apps/web created\n"
        );
        let mut p = ResultPrinter::new(DryRun::Server, None, false);
        assert_eq!(
            printed(&mut p, &obj, "deleted"),
            "deployment.apps/web deleted (server dry run)\n"
        );
        let nameless = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}});
        let mut p = ResultPrinter::new(DryRun::Client, None, false);
        assert_eq!(
            printed(&mut p, &nameless, "created"),
            "pod/<unknown> created (dry run)\n"
        );
    }

    #[test]
    fn deletion_lines() {
        let mut out = Vec::new();
        let p = ResultPrinter::new(DryRun::Server, None, false);
        p.print_deleted(&mut out, "deployment.apps", "web", Some("ns"), false)
            .unwrap();
        p.print_deleted(&mut out, "namespace", "ns", None, true)
            .unwrap();
        let named = ResultPrinter::new(DryRun::None, Some(Printer::new(OutputFormat::Name)), false);
        named
            .print_deleted(&mut out, "pod", "p", Some("ns"), false)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "deployment.apps \"web\" deleted from ns namespace (server dry run)\nnamespace \"ns\" force deleted (server dry run)\npod/p\n"
        );
    }

    #[test]
    fn managed_fields_only_with_the_flag() {
        let obj = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "managedFields": [{"manager": "m"}]}});
        let json_printer = || Some(Printer::new(OutputFormat::Json));
        let mut p = ResultPrinter::new(DryRun::None, json_printer(), false);
        assert!(!printed(&mut p, &obj, "x").contains("managedFields"));
        let mut p = ResultPrinter::new(DryRun::None, json_printer(), true);
        assert!(printed(&mut p, &obj, "x").contains("managedFields"));
    }
}

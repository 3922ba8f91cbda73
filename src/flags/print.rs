//! `-o/--output` and its companions, attached to every verb that prints
//! objects. The printer is chosen once, here.

use anyhow::Result;
use clap::Args;

use crate::printers::{OutputFormat, Printer, TemplateFlags};

#[derive(Args, Debug, Clone)]
pub struct PrintFlags {
    /// Output format: json, yaml, kyaml, name, go-template=…, go-template-file=…, template=…, templatefile=…, jsonpath=…, jsonpath-as-json=…, jsonpath-file=….
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

    /// Template (or template file for the -file formats) for -o go-template, go-template-file, jsonpath, jsonpath-as-json, jsonpath-file; with no -o, a go-template.
    #[arg(long = "template", value_name = "TEMPLATE", default_value = "")]
    pub template: String,

    /// Print nothing for a missing field or map key in a template instead of failing.
    #[arg(
        long = "allow-missing-template-keys",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        default_value = "true",
        value_parser = crate::flags::go_values::go_bool,
        action = clap::ArgAction::Set
    )]
    pub allow_missing_template_keys: bool,

    /// Keep metadata.managedFields when printing objects as JSON or YAML.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false",
          value_parser = crate::flags::go_values::go_bool, action = clap::ArgAction::Set)]
    pub show_managed_fields: bool,
}

impl Default for PrintFlags {
    fn default() -> Self {
        PrintFlags {
            output: None,
            template: String::new(),
            allow_missing_template_keys: true,
            show_managed_fields: false,
        }
    }
}

impl PrintFlags {
    /// The printer for `-o`, or `None` when no `-o` was given (the verb then
    /// prints its own result line). `allowed` are the formats this verb takes.
    /// A `--template` without `-o` asks for go-template, as in kubectl; an
    /// explicitly empty `-o` still means the result line.
    pub fn printer(&self, allowed: &[&str]) -> Result<Option<Printer>> {
        let output = match self.output.as_deref() {
            None if !self.template.is_empty() => "go-template",
            None | Some("") => return Ok(None),
            Some(value) => value,
        };
        let flags = TemplateFlags {
            template: &self.template,
            allow_missing_keys: self.allow_missing_template_keys,
        };
        Ok(Some(Printer::new(OutputFormat::parse_with_template(
            output, allowed, flags,
        )?)))
    }
}

//! `-o/--output` and its companions, attached to every verb that prints
//! objects. The printer is chosen once, here.

use anyhow::Result;
use clap::Args;

use crate::printers::{OutputFormat, Printer};

#[derive(Args, Debug, Clone, Default)]
pub struct PrintFlags {
    /// Output format: json, yaml, kyaml, name, jsonpath=…, jsonpath-as-json=…, jsonpath-file=….
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<String>,

    /// Keep metadata.managedFields when printing objects as JSON or YAML.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false",
          value_parser = crate::flags::go_values::go_bool, action = clap::ArgAction::Set)]
    pub show_managed_fields: bool,
}

impl PrintFlags {
    /// The printer for `-o`, or `None` when no `-o` was given (the verb then
    /// prints its own result line). `allowed` are the formats this verb takes.
    pub fn printer(&self, allowed: &[&str]) -> Result<Option<Printer>> {
        match self.output.as_deref() {
            None | Some("") => Ok(None),
            Some(value) => Ok(Some(Printer::new(OutputFormat::parse(value, allowed)?))),
        }
    }
}

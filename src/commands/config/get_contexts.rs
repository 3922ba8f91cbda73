//! `config get-contexts [NAME…]`: a table of contexts (`*` marks the
//! current one), or their names with `-o name`.
//!
//! Examples:
//!   # List every context of the kubeconfig
//!   kuddle config get-contexts
//!
//!   # Show one context
//!   kuddle config get-contexts my-context

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::printers::tabwriter::TabWriter;

#[derive(Args, Debug)]
pub struct GetContextsArgs {
    /// Contexts to show (all when none is given).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Leave out the header line.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub no_headers: bool,

    /// Output format: only `name` (names alone) is supported.
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "")]
    pub output: String,
}

pub fn run(ctx: &mut Context, args: GetContextsArgs) -> Result<()> {
    let name_only = match args.output.as_str() {
        "" => false,
        "name" => true,
        other => bail!(
            "--output {other} is not available in kubectl config get-contexts; resetting to default output format"
        ),
    };
    let show_headers = !args.no_headers && !name_only;
    let config = super::path_options(ctx).starting_config()?;

    let mut errors = Vec::new();
    let mut names: Vec<&String> = Vec::new();
    if args.names.is_empty() {
        names.extend(config.contexts.keys());
    } else {
        for name in &args.names {
            match config.contexts.get_key_value(name) {
                Some((key, _)) => names.push(key),
                None => errors.push(format!("context {name} not found")),
            }
        }
    }
    names.sort();

    let mut table = TabWriter::for_tables(Vec::new());
    if show_headers {
        let header = "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE";
        writeln!(table, "{}", crate::printers::style::header_row(header))?;
    }
    for name in names {
        if name_only {
            writeln!(table, "{name}")?;
            continue;
        }
        let c = &config.contexts[name];
        let mark = if *name == config.current_context {
            "*"
        } else {
            " "
        };
        writeln!(
            table,
            "{mark}\t{name}\t{}\t{}\t{}",
            c.cluster, c.auth_info, c.namespace
        )?;
    }
    ctx.out.write_all(&table.into_inner()?)?;
    match errors.len() {
        0 => Ok(()),
        1 => bail!("{}", errors.remove(0)),
        _ => Err(CliError::Many(errors).into()),
    }
}

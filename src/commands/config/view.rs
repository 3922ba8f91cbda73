//! `config view`: the merged kubeconfig (or one file), secrets hidden.
//!
//! Examples:
//!   # Show merged kubeconfig settings
//!   kuddle config view
//!
//!   # Show merged kubeconfig settings, certificate data and secrets included
//!   kuddle config view --raw
//!
//!   # Only what the current context uses, files inlined, as a portable file
//!   kuddle config view --minify --flatten

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_bool;
use crate::flags::PrintFlags;
use crate::kubeconfig::{encode, load, transform, Config, Environment, LoadError, LoadingRules};
use crate::printers::{OutputFormat, Printer, OBJECT_FORMATS};

#[derive(Args, Debug)]
pub struct ViewArgs {
    /// kubectl takes no arguments here and says so.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub print: PrintFlags,

    /// Merge the whole KUBECONFIG list (false needs --kubeconfig).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub merge: Option<bool>,

    /// Show certificate data, tokens and passwords instead of hiding them.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub raw: bool,

    /// Inline referenced certificate and key files, for a self-contained file.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub flatten: bool,

    /// Keep only what the current context (or --context) uses.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub minify: bool,
}

/// What `config view` was asked to do, once the flags are checked.
struct ViewOptions {
    printer: Printer,
    merge: bool,
    raw: bool,
    flatten: bool,
    minify: bool,
    context: String,
    explicit_file: Option<String>,
}

pub fn run(ctx: &mut Context, args: ViewArgs) -> Result<()> {
    let options = complete(ctx, args)?;
    validate(&options)?;
    let config = view(&options)?;
    let mut printer = options.printer;
    printer.print(&encode::to_v1_value(&config), &mut ctx.out)
}

fn complete(ctx: &Context, args: ViewArgs) -> Result<ViewOptions> {
    if !args.args.is_empty() {
        return Err(CliError::usage(
            format!("unexpected arguments: [{}]", args.args.join(" ")),
            ctx.cmd_path.clone(),
        ));
    }
    // No -o means YAML; an empty -o falls through to kubectl's name printer.
    let print = &args.print;
    let printer = match print.output.as_deref() {
        None if print.template.is_empty() => Printer::new(OutputFormat::Yaml),
        Some("") => Printer::new(OutputFormat::Name),
        _ => print
            .printer(OBJECT_FORMATS)?
            .unwrap_or_else(|| Printer::new(OutputFormat::Yaml)),
    };
    Ok(ViewOptions {
        // kubectl prints the typed v1 Config (numbers in JSONPath are floats).
        printer: printer.typed(),
        merge: args.merge.unwrap_or(true),
        raw: args.raw,
        flatten: args.flatten,
        minify: args.minify,
        context: ctx.global.context.clone().unwrap_or_default(),
        explicit_file: ctx.global.kubeconfig.clone().filter(|p| !p.is_empty()),
    })
}

fn validate(o: &ViewOptions) -> Result<()> {
    if !o.merge && o.explicit_file.is_none() {
        bail!("if merge==false a precise file must be specified");
    }
    Ok(())
}

/// The config to print: loaded, minified, then flattened or redacted.
fn view(o: &ViewOptions) -> Result<Config> {
    let mut config = load_config(o)?;
    if o.minify {
        if !o.context.is_empty() {
            config.current_context = o.context.clone();
        }
        transform::minify(&mut config).map_err(anyhow::Error::msg)?;
    }
    if o.flatten {
        transform::flatten(&mut config).map_err(anyhow::Error::msg)?;
    } else if !o.raw {
        transform::redact(&mut config);
    }
    Ok(config)
}

/// Paths stay as written (`config view` does not resolve them). A missing
/// --kubeconfig file is an empty config, unless --merge=false reads it
/// directly.
fn load_config(o: &ViewOptions) -> Result<Config> {
    if !o.merge {
        let path = o.explicit_file.clone().unwrap_or_default();
        return match load::load_file(&path) {
            Ok(c) => Ok(c),
            Err(load::FileError::Missing) => {
                bail!("open {path}: no such file or directory")
            }
            Err(load::FileError::Other(msg)) => Err(anyhow::Error::msg(msg)),
        };
    }
    let rules = LoadingRules::new(
        o.explicit_file.as_deref(),
        &Environment::from_process(),
        false,
    );
    match rules.load() {
        Ok(c) => Ok(c),
        Err(LoadError::ExplicitMissing(_)) => Ok(Config::default()),
        Err(e) => Err(e.into_cli_error()),
    }
}

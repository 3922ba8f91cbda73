//! `kuberc view`: the kuberc file in effect, as `v1beta1` (YAML unless
//! `-o` says otherwise). With no file, offers to write one with kubectl's
//! recommended defaults.
//!
//! Examples:
//!   # Show the kuberc as YAML
//!   kuddle kuberc view
//!
//!   # As JSON, from another file
//!   kuddle kuberc view --output json --kuberc /path/to/kuberc

use std::io::{BufRead as _, Write as _};

use anyhow::{bail, Result};
use clap::Args;

use crate::context::Context;
use crate::error::CliError;
use crate::flags::PrintFlags;
use crate::kuberc::{self, model::Preference};
use crate::printers::{OutputFormat, Printer, OBJECT_FORMATS};

#[derive(Args, Debug)]
pub struct ViewArgs {
    /// Ignored, as kubectl ignores them.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub fn run(ctx: &mut Context, args: ViewArgs) -> Result<()> {
    let mut printer = match args.print.output.as_deref() {
        None if args.print.template.is_empty() => Printer::new(OutputFormat::Yaml),
        _ => args
            .print
            .printer(OBJECT_FORMATS)?
            .unwrap_or_else(|| Printer::new(OutputFormat::Yaml)),
    };
    let (file, explicit) = super::kuberc_file(ctx)?;
    let preference = match kuberc::read(&file) {
        Ok(p) => p,
        Err(kuberc::ReadError::Missing) if explicit => {
            bail!("kuberc file not found at {file}")
        }
        Err(kuberc::ReadError::Missing) => return offer_default(ctx, &file),
        Err(kuberc::ReadError::Other(msg)) => bail!("error reading kuberc file: {msg}"),
    };
    let mut shown = preference;
    shown.aliases.get_or_insert_with(Vec::new);
    shown.defaults.get_or_insert_with(Vec::new);
    printer.print(&shown.to_v1beta1(), &mut ctx.out)
}

/// kubectl asks on stdout and reads one word; `y` writes its recommended
/// file. Any other word crashes kubectl (a nil pointer, exit code 2).
fn offer_default(ctx: &mut Context, file: &str) -> Result<()> {
    writeln!(ctx.out, "kuberc file not found at {file}")?;
    write!(
        ctx.out,
        "Would you like to generate a default kuberc file with recommended options? (y/N): "
    )?;
    ctx.out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let [word] = words.as_slice() else {
        // Go's Fscanln failed: nothing more.
        return Ok(());
    };
    if word.eq_ignore_ascii_case("y") {
        kuberc::save(&Preference::recommended(), file)?;
        writeln!(ctx.out, "Updated {file}")?;
        return Ok(());
    }
    write!(
        ctx.err,
        "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x38 pc=0x1d5069b]\n\ngoroutine 1 [running]:\n"
    )?;
    Err(CliError::Exit(2).into())
}

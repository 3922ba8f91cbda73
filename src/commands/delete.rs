//! `delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)])`
//!
//! Examples:
//!   # Delete the pod named in pod.json
//!   kuddle delete -f ./pod.json
//!
//!   # Delete pods and services named baz and foo
//!   kuddle delete pod,service baz foo
//!
//!   # Delete pods and services with the label name=myLabel
//!   kuddle delete pods,services -l name=myLabel
//!
//!   # Delete a pod at once, without waiting for it to shut down
//!   kuddle delete pod foo --now
//!
//!   # Delete every pod in the namespace, after a confirmation
//!   kuddle delete pods --all --interactive

use std::io::{Read, Write};

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::{print_warning, Context};
use crate::error::VisitErrors;
use crate::flags::deletion::DeletionFlags;
use crate::flags::dry_run::DryRunFlags;
use crate::flags::go_values::go_bool;
use crate::flags::FilenameFlags;
use crate::printers::result::ResultPrinter;
use crate::printers::{OutputFormat, Printer};
use crate::resource::builder::Selection;
use crate::resource::deleter::{Deletion, Streams};
use crate::resource::infos::{
    arguments_with_paths, plan_selection, read_file_objects, require_namespace, visit_plan,
    FileReading, Visited,
};
use crate::resource::write;

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// TYPE NAME…, TYPE/NAME…, or TYPE with -l or --all.
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub files: FilenameFlags,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(
        short = 'l',
        long = "selector",
        value_name = "SELECTOR",
        default_value = ""
    )]
    pub selector: String,

    /// Field selector (e.g. --field-selector metadata.name=web); the server
    /// supports only a few fields per type.
    #[arg(long = "field-selector", value_name = "SELECTOR", default_value = "")]
    pub field_selector: String,

    /// Delete every object of the given types in the namespace.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all: bool,

    /// Select objects in every namespace (-n is ignored).
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub all_namespaces: bool,

    #[command(flatten)]
    pub deletion: DeletionFlags,

    /// Ask the objects to shut down at once (the same as --grace-period=1).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub now: bool,

    /// Treat objects that do not exist as deleted (the default with --all,
    /// -l and --field-selector).
    #[arg(long = "ignore-not-found", value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub ignore_not_found: Option<bool>,

    /// Wait until the objects are gone, finalizers included.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub wait: bool,

    /// "name" prints kind/name for each object deleted.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        default_value = ""
    )]
    pub output: String,

    /// Send a DELETE to this raw URI path (with -f: that file as the body).
    #[arg(long = "raw", value_name = "URI", default_value = "")]
    pub raw: String,

    /// List what would be deleted and ask before deleting it.
    #[arg(short = 'i', long = "interactive", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub interactive: bool,

    #[command(flatten)]
    pub dry_run: DryRunFlags,
}

pub async fn run(ctx: &mut Context, args: DeleteArgs) -> Result<()> {
    // complete
    let propagation = args.deletion.propagation(&mut ctx.err)?;
    let (_, explicit_namespace) = ctx.namespace()?;
    let ignore_not_found = args
        .ignore_not_found
        .unwrap_or(args.all || !args.selector.is_empty() || !args.field_selector.is_empty());
    let mut grace_period = args.deletion.grace_period;
    if args.now {
        if grace_period != -1 {
            bail!("--now and --grace-period cannot be specified together");
        }
        grace_period = 1;
    }
    if grace_period == 0 && !args.deletion.force {
        // kubectl turns 0 into 1 unless --force asks for immediate deletion.
        grace_period = 1;
    }
    if args.deletion.force && grace_period < 0 {
        grace_period = 0;
    }
    let dry_run = args.dry_run.strategy(&mut ctx.err)?;
    if !args.raw.is_empty() {
        validate(&args, grace_period, &mut ctx.err)?;
        return raw_delete(ctx, &args).await;
    }
    let (visits, errors) = visit(ctx, &args).await?;
    validate(&args, grace_period, &mut ctx.err)?;

    // run
    let conn = ctx.connection().await?;
    let printer = match args.output.as_str() {
        "name" => Some(Printer::new(OutputFormat::Name)),
        _ => None,
    };
    let printer = ResultPrinter::new(dry_run, printer, false);
    let deletion = Deletion {
        grace_period,
        propagation,
        dry_run,
        ignore_not_found,
        wait: args.wait,
        timeout: args.deletion.timeout,
        warn_cluster_scope: explicit_namespace && !args.all_namespaces,
    };
    let visits = if args.interactive {
        match confirm(ctx, visits, errors.is_empty(), ignore_not_found)? {
            Some(v) => v,
            None => return Ok(()),
        }
    } else {
        visits
    };
    let streams = Streams {
        out: &mut ctx.out,
        err: &ctx.err,
    };
    deletion
        .run(&conn.client, visits, errors, &printer, streams)
        .await
}

/// kubectl's checks after it has resolved the arguments.
fn validate(args: &DeleteArgs, grace_period: i64, err: &mut dyn Write) -> Result<()> {
    if !args.output.is_empty() && args.output != "name" {
        bail!(
            "unexpected -o output mode: {}. We only support '-o name'",
            args.output
        );
    }
    if args.all && !args.selector.is_empty() {
        bail!("cannot set --all and --selector at the same time");
    }
    if args.all && !args.field_selector.is_empty() {
        bail!("cannot set --all and --field-selector at the same time");
    }
    if grace_period == 0 && args.deletion.force {
        print_warning(err, "Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    } else if grace_period > 0 && args.deletion.force {
        bail!("--force and --grace-period greater than 0 cannot be specified together");
    }
    if args.raw.is_empty() {
        return Ok(());
    }
    if args.interactive {
        bail!("--interactive can not be used with --raw");
    }
    let files = &args.files.filenames;
    if files.len() > 1 {
        bail!("--raw can only use a single local file or stdin");
    }
    if files
        .first()
        .is_some_and(|f| f.starts_with("http://") || f.starts_with("https://"))
    {
        bail!("--raw cannot read from a url");
    }
    if args.files.recursive {
        bail!("--raw and --recursive are mutually exclusive");
    }
    if !args.output.is_empty() {
        bail!("--raw and --output are mutually exclusive");
    }
    write::check_raw_uri(&args.raw)
}

/// The objects to delete, in kubectl's visiting order: named objects are
/// not read first; selections are listed; files are read.
async fn visit(ctx: &mut Context, args: &DeleteArgs) -> Result<(Vec<Visited>, VisitErrors)> {
    let mut errors = VisitErrors::default();
    if !args.files.filenames.is_empty() || args.files.kustomize.is_some() {
        arguments_with_paths(&args.args)?;
        let selector = if args.all {
            Some("")
        } else {
            Some(args.selector.as_str()).filter(|s| !s.trim().is_empty())
        };
        let read = FileReading {
            typed: false,
            label_selector: selector.map(str::trim),
        };
        let objects = read_file_objects(ctx, &args.files, read).await?;
        let visits = objects
            .items
            .into_iter()
            .map(|item| match item {
                Ok(info) => Visited::Object(info),
                Err(e) => Visited::Failed(e),
            })
            .collect();
        objects
            .reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        return Ok((visits, errors));
    }
    let conn = ctx.connection().await?;
    let selection = Selection {
        args: &args.args,
        label_selector: Some(args.selector.clone()),
        field_selector: Some(args.field_selector.clone()),
        select_all: args.all,
        namespace: conn.namespace.clone(),
        all_namespaces: args.all_namespaces,
        allow_empty_selector: false,
        single_resource_type: false,
    };
    let plan = plan_selection(ctx, &selection).await?;
    let mut visits = visit_plan(&conn.client, &plan, false).await;
    if conn.explicit_namespace && args.all_namespaces {
        visits = require_namespace(visits, "");
    }
    Ok((visits, errors))
}

/// `-i`: lists the objects and asks; None when the user said no (or there
/// was nothing to delete).
fn confirm(
    ctx: &mut Context,
    visits: Vec<Visited>,
    no_errors: bool,
    ignore_not_found: bool,
) -> Result<Option<Vec<Visited>>> {
    // Errors met while listing end the command before the question.
    let mut failures = VisitErrors::default();
    let mut objects = Vec::new();
    for v in visits {
        match v {
            Visited::Object(info) => objects.push(info),
            Visited::Failed(e) => {
                let not_found = e
                    .downcast_ref::<crate::client::ApiError>()
                    .is_some_and(|a| a.is_not_found());
                if !(ignore_not_found && not_found) {
                    failures.push(e);
                }
            }
        }
    }
    if !failures.is_empty() {
        return failures.into_result().map(|_| None);
    }
    if objects.is_empty() && no_errors {
        writeln!(ctx.out, "No resources found")?;
        return Ok(None);
    }
    writeln!(
        ctx.out,
        "You are about to delete the following {} resource(s):",
        objects.len()
    )?;
    for info in &objects {
        writeln!(ctx.out, "{}/{}", info.mapping.kind_dot_group(), info.name)?;
    }
    write!(ctx.out, "Do you want to continue? (y/N): ")?;
    ctx.out.flush()?;
    let answer = read_line(&mut std::io::stdin().lock());
    if !confirmed(&answer) {
        writeln!(ctx.out, "deletion is cancelled")?;
        return Ok(None);
    }
    Ok(Some(objects.into_iter().map(Visited::Object).collect()))
}

/// One line of input, read a byte at a time so nothing after it is taken.
fn read_line(input: &mut dyn Read) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) if line.is_empty() => return None,
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => line.push(byte[0]),
            Err(_) => return None,
        }
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

/// Go's `fmt.Fscanln` of one word, compared with "y" without regard to
/// case: anything but exactly one word on the line is a no.
fn confirmed(line: &Option<String>) -> bool {
    let Some(line) = line else {
        return false;
    };
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut words = line.split([' ', '\t', '\r']).filter(|w| !w.is_empty());
    match (words.next(), words.next()) {
        (Some(word), None) => word.eq_ignore_ascii_case("y"),
        _ => false,
    }
}

/// `--raw`: the server's answer to a DELETE of that URI, as it came.
async fn raw_delete(ctx: &mut Context, args: &DeleteArgs) -> Result<()> {
    let body = match args.files.filenames.first() {
        None => Vec::new(),
        Some(path) => write::raw_body(path)?,
    };
    let conn = ctx.connection().await?;
    let answer = write::raw(&conn.client, http::Method::DELETE, &args.raw, body).await?;
    ctx.out.write_all(&answer)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> bool {
        confirmed(&read_line(&mut text.as_bytes()))
    }

    #[test]
    fn confirmation_is_one_y_on_a_line() {
        assert!(answer("y\n"));
        assert!(answer("Y\nmore\n"));
        assert!(answer("  y \r\n"));
        assert!(!answer("yes\n"));
        assert!(!answer("y y\n"));
        assert!(!answer("\n"));
        assert!(!answer(""));
        assert!(answer("y"));
    }
}

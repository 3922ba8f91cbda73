//! `config set-context [NAME | --current]`: create a context or change the
//! fields given; the rest stay as they are.
//!
//! Examples:
//!   # Point the gce context at the cluster-admin user, nothing else changed
//!   kuddle config set-context gce --user=cluster-admin
//!
//!   # Change the namespace of the current context
//!   kuddle config set-context --current --namespace=dev

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::go_values::{go_bool, go_quote};
use crate::kubeconfig::model;
use crate::kubeconfig::modify::{modify_config, Touched};

/// `--cluster`, `--user` and `-n` share their ids with the global flags of
/// the same names, which they replace here (as kubectl's local flags shadow
/// the global ones).
#[derive(Args, Debug)]
pub struct SetContextArgs {
    /// The context to create or change.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Change the current context instead of a named one.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub current: bool,

    /// The cluster the context uses.
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,

    /// The user the context uses.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// The namespace of the context.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

pub fn run(ctx: &mut Context, args: SetContextArgs) -> Result<()> {
    if args.names.len() > 1 {
        let msg = format!("Unexpected args: {}", super::go_list(&args.names));
        return Err(super::help_error(ctx, "set-context", msg));
    }
    let given = args.names.first().cloned().unwrap_or_default();
    if given.is_empty() && !args.current {
        bail!("you must specify a non-empty context name or --current");
    }
    if !given.is_empty() && args.current {
        bail!("you cannot specify both a context name and --current");
    }
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let name = if args.current {
        if config.current_context.is_empty() {
            bail!("no current context is set");
        }
        config.current_context.clone()
    } else {
        given
    };
    let existed = config.contexts.contains_key(&name);
    let mut context = config.contexts.get(&name).cloned().unwrap_or_default();
    modify(&mut context, &args);
    config.contexts.insert(name.clone(), context);
    modify_config(&access, &config, true, &Touched::default())?;
    let verb = if existed { "modified" } else { "created" };
    writeln!(ctx.out, "Context {} {verb}.", go_quote(&name))?;
    Ok(())
}

fn modify(context: &mut model::Context, args: &SetContextArgs) {
    if let Some(cluster) = &args.cluster {
        context.cluster = cluster.clone();
    }
    if let Some(user) = &args.user {
        context.auth_info = user.clone();
    }
    if let Some(namespace) = &args.namespace {
        context.namespace = namespace.clone();
    }
}

//! `config`: read and change kubeconfig files. Reading merges the files of
//! the loading rules; writing puts each change in the file kubectl would
//! (see `kubeconfig::modify`).

pub mod current_context;
pub mod delete_cluster;
pub mod delete_context;
pub mod delete_user;
pub mod get_clusters;
pub mod get_contexts;
pub mod get_users;
pub mod rename_context;
pub mod set;
pub mod set_cluster;
pub mod set_context;
pub mod set_credentials;
pub mod unset;
pub mod use_context;
pub mod view;

use std::io::Write as _;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::command_group::{self as group, HelpTo};
use crate::context::Context;
use crate::kubeconfig::modify::PathOptions;

/// Work with kubeconfig files. Files load from --kubeconfig only, else from the
/// KUBECONFIG list (merged, first definition wins), else from ~/.kube/config.
/// A changed entry is written to the file that defines it; a new one to the
/// first existing file of the list (the last one when none exists).
#[derive(Args, Debug)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,

    /// kubectl answers stray words with "unknown command".
    #[arg(hide = true, value_name = "SUBCOMMAND")]
    pub unknown: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Show the current-context.
    CurrentContext(current_context::CurrentContextArgs),
    /// Delete a cluster from the kubeconfig.
    DeleteCluster(delete_cluster::DeleteClusterArgs),
    /// Delete a context from the kubeconfig.
    DeleteContext(delete_context::DeleteContextArgs),
    /// Delete a user from the kubeconfig.
    DeleteUser(delete_user::DeleteUserArgs),
    /// List the clusters of the kubeconfig.
    GetClusters(get_clusters::GetClustersArgs),
    /// List the contexts of the kubeconfig, or some of them.
    GetContexts(get_contexts::GetContextsArgs),
    /// List the users of the kubeconfig.
    GetUsers(get_users::GetUsersArgs),
    /// Give a context a new name.
    RenameContext(rename_context::RenameContextArgs),
    /// Set one value in a kubeconfig file, by property path.
    Set(set::SetArgs),
    /// Create or change a cluster entry.
    SetCluster(set_cluster::SetClusterArgs),
    /// Create or change a context entry.
    SetContext(set_context::SetContextArgs),
    /// Create or change a user entry.
    SetCredentials(set_credentials::SetCredentialsArgs),
    /// Remove one value from a kubeconfig file, by property path.
    Unset(unset::UnsetArgs),
    /// Make a context the current-context.
    #[command(visible_alias = "use")]
    UseContext(use_context::UseContextArgs),
    /// Display merged kubeconfig settings or a specified kubeconfig file.
    View(view::ViewArgs),
}

pub async fn run(ctx: &mut Context, args: ConfigArgs) -> Result<()> {
    let Some(command) = args.command else {
        return group::without_subcommand(ctx, &["config"], &args.unknown, HelpTo::Stderr);
    };
    match command {
        ConfigCommand::CurrentContext(a) => current_context::run(ctx, a),
        ConfigCommand::DeleteCluster(a) => delete_cluster::run(ctx, a),
        ConfigCommand::DeleteContext(a) => delete_context::run(ctx, a),
        ConfigCommand::DeleteUser(a) => delete_user::run(ctx, a),
        ConfigCommand::GetClusters(a) => get_clusters::run(ctx, a),
        ConfigCommand::GetContexts(a) => get_contexts::run(ctx, a),
        ConfigCommand::GetUsers(a) => get_users::run(ctx, a),
        ConfigCommand::RenameContext(a) => rename_context::run(ctx, a),
        ConfigCommand::Set(a) => set::run(ctx, a),
        ConfigCommand::SetCluster(a) => set_cluster::run(ctx, a),
        ConfigCommand::SetContext(a) => set_context::run(ctx, a),
        ConfigCommand::SetCredentials(a) => set_credentials::run(ctx, a),
        ConfigCommand::Unset(a) => unset::run(ctx, a),
        ConfigCommand::UseContext(a) => use_context::run(ctx, a),
        ConfigCommand::View(a) => view::run(ctx, a),
    }
}

/// The files this invocation reads and writes (`--kubeconfig`, `KUBECONFIG`,
/// `~/.kube/config`).
fn path_options(ctx: &Context) -> PathOptions {
    PathOptions::from_process(ctx.global.kubeconfig.as_deref())
}

/// The help of `config <sub>` (of `config` itself for no words).
fn render_help(sub: &[&str]) -> Result<String> {
    let mut path = vec!["config"];
    path.extend_from_slice(sub);
    group::help_of(&path)
}

/// kubectl's `helpErrorf`: the subcommand's help on stdout, then the error.
fn help_error(ctx: &mut Context, sub: &str, msg: String) -> anyhow::Error {
    match render_help(&[sub]) {
        Ok(help) => match ctx.out.write_all(help.as_bytes()) {
            Ok(()) => anyhow::Error::msg(msg),
            Err(e) => e.into(),
        },
        Err(e) => e,
    }
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_list(words: &[String]) -> String {
    format!("[{}]", words.join(" "))
}

//! `create rolebinding NAME --clusterrole=NAME|--role=NAME [--user=…] [--group=…] [--serviceaccount=ns:name]`
//! and `create clusterrolebinding NAME --clusterrole=NAME [--user=…] [--group=…] [--serviceaccount=ns:name]`
//!
//! Examples:
//!   # Grant the admin cluster role to two users and a group in one namespace
//!   kuddle create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1
//!
//!   # Grant the admin role to a service account
//!   kuddle create rolebinding admin-binding --role=admin --serviceaccount=monitoring:sa-dev
//!
//!   # Grant the cluster-admin cluster role everywhere
//!   kuddle create clusterrolebinding root --clusterrole=cluster-admin --user=user1 --group=group1

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args};

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::rolebinding::{cluster_role_binding, role_binding, Subjects};
use crate::generate::save_config;

/// Who a binding grants its role to.
#[derive(Args, Debug)]
pub struct SubjectFlags {
    /// The binding's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// A user to grant the role to; repeat for several. (As in kubectl,
    /// this hides the global --user: the shared id keeps clap from adding
    /// the global flag here.)
    #[arg(id = "user", allow_hyphen_values = true, long = "user", value_name = "USER", action = ArgAction::Append)]
    pub users: Vec<String>,

    /// A group to grant the role to; repeat for several.
    #[arg(allow_hyphen_values = true, long = "group", value_name = "GROUP", action = ArgAction::Append)]
    pub groups: Vec<String>,

    /// A service account (`namespace:name`) to grant the role to; repeat
    /// for several.
    #[arg(allow_hyphen_values = true, long = "serviceaccount", value_name = "NAMESPACE:NAME", action = ArgAction::Append)]
    pub service_accounts: Vec<String>,
}

impl SubjectFlags {
    fn subjects(&self) -> Subjects<'_> {
        Subjects {
            users: &self.users,
            groups: &self.groups,
            service_accounts: &self.service_accounts,
        }
    }
}

#[derive(Args, Debug)]
pub struct RoleBindingArgs {
    #[command(flatten)]
    pub subjects: SubjectFlags,

    /// The cluster role to grant (or use --role).
    #[arg(
        allow_hyphen_values = true,
        long = "clusterrole",
        value_name = "NAME",
        default_value = ""
    )]
    pub cluster_role: String,

    /// The role to grant (or use --clusterrole).
    #[arg(
        allow_hyphen_values = true,
        long = "role",
        value_name = "NAME",
        default_value = ""
    )]
    pub role: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

#[derive(Args, Debug)]
pub struct ClusterRoleBindingArgs {
    #[command(flatten)]
    pub subjects: SubjectFlags,

    /// The cluster role to grant.
    #[arg(
        allow_hyphen_values = true,
        long = "clusterrole",
        value_name = "NAME",
        required = true
    )]
    pub cluster_role: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

/// `--user` names subjects here, never the kubeconfig user. (clap hands
/// a `--user` given before the command's name to the subjects too, unless
/// the command has its own, where kubectl would keep both.)
fn forget_global_user(ctx: &mut Context) {
    ctx.global.user = None;
}

pub async fn run_role_binding(ctx: &mut Context, args: RoleBindingArgs) -> Result<()> {
    forget_global_user(ctx);
    let name = single_name(ctx, &args.subjects.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    require_name(&name)?;
    if args.cluster_role.is_empty() == args.role.is_empty() {
        anyhow::bail!("exactly one of clusterrole or role must be specified");
    }
    let namespace = ctx.enforced_namespace();
    let mut object = role_binding(
        &name,
        namespace.as_deref(),
        &args.role,
        &args.cluster_role,
        &args.subjects.subjects(),
    )
    .map_err(|e| anyhow!(e))?;
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create rolebinding: ").await
}

pub async fn run_cluster_role_binding(
    ctx: &mut Context,
    args: ClusterRoleBindingArgs,
) -> Result<()> {
    forget_global_user(ctx);
    let name = single_name(ctx, &args.subjects.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let mut object = cluster_role_binding(&name, &args.cluster_role, &args.subjects.subjects())
        .map_err(|e| anyhow!(e))?;
    save_config(&mut object, args.common.save_config);
    create_and_print(
        ctx,
        &mut resolved,
        object,
        "failed to create clusterrolebinding: ",
    )
    .await
}

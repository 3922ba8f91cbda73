//! `create priorityclass NAME [--value=N] [--global-default] [--description=TEXT]`
//!
//! Examples:
//!   # A priority class with value 1000
//!   kuddle create priorityclass high-priority --value=1000 --description="high priority"
//!
//!   # The cluster's default priority class
//!   kuddle create priorityclass default-priority --value=1000 --global-default=true
//!
//!   # A priority class that never preempts lower-priority pods
//!   kuddle create priorityclass high-priority --value=1000 --preemption-policy="Never"

use anyhow::Result;
use clap::{ArgAction, Args};

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_int32};
use crate::generate::priorityclass::PriorityClassSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct PriorityClassArgs {
    /// The priority class's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// The priority pods of this class get.
    #[arg(allow_hyphen_values = true, long = "value", value_name = "N", default_value = "0", value_parser = go_int32)]
    pub value: i32,

    /// Make this the priority of pods that name no class.
    #[arg(long = "global-default", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub global_default: bool,

    /// When this class should be used, in words.
    #[arg(
        allow_hyphen_values = true,
        long = "description",
        value_name = "TEXT",
        default_value = ""
    )]
    pub description: String,

    /// Whether pods of this class preempt lower-priority pods
    /// (PreemptLowerPriority or Never).
    #[arg(
        allow_hyphen_values = true,
        long = "preemption-policy",
        value_name = "POLICY",
        default_value = "PreemptLowerPriority"
    )]
    pub preemption_policy: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: PriorityClassArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let mut object = PriorityClassSpec {
        name: &name,
        value: args.value,
        global_default: args.global_default,
        description: &args.description,
        preemption_policy: &args.preemption_policy,
    }
    .build();
    save_config(&mut object, args.common.save_config);
    create_and_print(
        ctx,
        &mut resolved,
        object,
        "failed to create priorityclass: ",
    )
    .await
}

//! `create configmap NAME [--from-file=[key=]source] [--from-literal=key=value] [--from-env-file=path]`
//!
//! Examples:
//!   # A config map with one key per file in folder bar
//!   kuddle create configmap my-config --from-file=path/to/bar
//!
//!   # Keys chosen instead of the files' names
//!   kuddle create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt
//!
//!   # Literal values
//!   kuddle create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2
//!
//!   # KEY=value lines of an env file
//!   kuddle create configmap my-config --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args};

use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_string_slice, string_slice_items, StringSlice};
use crate::generate::configmap::ConfigMapSpec;
use crate::generate::save_config;

/// The data flags `create configmap` and `create secret generic` share.
#[derive(Args, Debug)]
pub struct DataSourceFlags {
    /// A file (its name is the key), `key=file`, or a folder (one key per
    /// regular file in it). Repeat or separate with commas.
    #[arg(allow_hyphen_values = true, long = "from-file", value_name = "[KEY=]SOURCE", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub from_file: Vec<StringSlice>,

    /// A key and its literal value, `key=value`; repeat for several.
    #[arg(allow_hyphen_values = true, long = "from-literal", value_name = "KEY=VALUE", action = ArgAction::Append)]
    pub from_literal: Vec<String>,

    /// A file of `KEY=value` lines; repeat or separate with commas.
    #[arg(allow_hyphen_values = true, long = "from-env-file", value_name = "PATH", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub from_env_file: Vec<StringSlice>,

    /// Add a hash of the contents to the name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub append_hash: bool,
}

#[derive(Args, Debug)]
pub struct ConfigMapArgs {
    /// The config map's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    #[command(flatten)]
    pub data: DataSourceFlags,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: ConfigMapArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let namespace = ctx.enforced_namespace();
    let from_file = string_slice_items(&args.data.from_file);
    let from_env_file = string_slice_items(&args.data.from_env_file);
    let spec = ConfigMapSpec {
        name: &name,
        namespace: namespace.as_deref(),
        from_file: &from_file,
        from_literal: &args.data.from_literal,
        from_env_file: &from_env_file,
        append_hash: args.data.append_hash,
    };
    require_name(&name)?;
    spec.validate().map_err(|e| anyhow!(e))?;
    let mut object = spec.build().map_err(|e| anyhow!(e))?;
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create configmap: ").await
}

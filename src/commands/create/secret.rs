//! `create secret generic|docker-registry|tls NAME`
//!
//! Examples:
//!   # A secret with one key per file in folder bar
//!   kuddle create secret generic my-secret --from-file=path/to/bar
//!
//!   # Keys chosen instead of the files' names, and a literal
//!   kuddle create secret generic my-secret --from-file=ssh-privatekey=path/to/id_rsa --from-literal=passphrase=topsecret
//!
//!   # Credentials for a container registry
//!   kuddle create secret docker-registry my-secret --docker-server=SERVER --docker-username=USER --docker-password=PASSWORD --docker-email=EMAIL
//!
//!   # A certificate and its key
//!   kuddle create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use clap::{ArgAction, Args, Subcommand};

use super::configmap::DataSourceFlags;
use super::{create_and_print, require_name, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::flags::go_values::{go_bool, go_string_slice, string_slice_items, StringSlice};
use crate::generate::save_config;
use crate::generate::secret::{
    fill_tls, DockerRegistry, GenericSources, Secret, DOCKER_CONFIG_JSON_KEY,
};

#[derive(Args, Debug)]
#[command(subcommand_required = true)]
pub struct SecretArgs {
    #[command(subcommand)]
    pub command: SecretCommand,
}

#[derive(Subcommand, Debug)]
pub enum SecretCommand {
    /// Create a secret for pulling images from a container registry.
    #[command(name = "docker-registry")]
    DockerRegistry(DockerRegistryArgs),
    /// Create a secret from files, folders, env files or literal values.
    Generic(GenericArgs),
    /// Create a secret holding a TLS certificate and its key.
    Tls(TlsArgs),
}

/// The NAME every secret type takes.
#[derive(Args, Debug)]
pub struct SecretNameArgs {
    /// The secret's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,
}

#[derive(Args, Debug)]
pub struct GenericArgs {
    #[command(flatten)]
    pub name: SecretNameArgs,

    #[command(flatten)]
    pub data: DataSourceFlags,

    /// The secret's type (Opaque when empty).
    #[arg(
        allow_hyphen_values = true,
        long = "type",
        value_name = "TYPE",
        default_value = ""
    )]
    pub secret_type: String,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

#[derive(Args, Debug)]
pub struct DockerRegistryArgs {
    #[command(flatten)]
    pub name: SecretNameArgs,

    /// The user name for the registry.
    #[arg(
        allow_hyphen_values = true,
        long = "docker-username",
        value_name = "USER",
        default_value = ""
    )]
    pub docker_username: String,

    /// The password for the registry.
    #[arg(
        allow_hyphen_values = true,
        long = "docker-password",
        value_name = "PASSWORD",
        default_value = ""
    )]
    pub docker_password: String,

    /// The e-mail address for the registry.
    #[arg(
        allow_hyphen_values = true,
        long = "docker-email",
        value_name = "EMAIL",
        default_value = ""
    )]
    pub docker_email: String,

    /// Where the registry is.
    #[arg(
        allow_hyphen_values = true,
        long = "docker-server",
        value_name = "SERVER",
        default_value = "https://index.docker.io/v1/"
    )]
    pub docker_server: String,

    /// A docker config file (the key defaults to .dockerconfigjson), or
    /// `key=file`; repeat or separate with commas.
    #[arg(allow_hyphen_values = true, long = "from-file", value_name = "[KEY=]SOURCE", value_parser = go_string_slice,
          action = ArgAction::Append)]
    pub from_file: Vec<StringSlice>,

    /// Add a hash of the contents to the name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub append_hash: bool,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

#[derive(Args, Debug)]
pub struct TlsArgs {
    #[command(flatten)]
    pub name: SecretNameArgs,

    /// The PEM-encoded certificate file.
    #[arg(
        allow_hyphen_values = true,
        long = "cert",
        value_name = "PATH",
        default_value = ""
    )]
    pub cert: String,

    /// The PEM-encoded private key file of that certificate.
    #[arg(
        allow_hyphen_values = true,
        long = "key",
        value_name = "PATH",
        default_value = ""
    )]
    pub key: String,

    /// Add a hash of the contents to the name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub append_hash: bool,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: SecretArgs) -> Result<()> {
    match args.command {
        SecretCommand::Generic(a) => generic(ctx, a).await,
        SecretCommand::DockerRegistry(a) => docker_registry(ctx, a).await,
        SecretCommand::Tls(a) => tls(ctx, a).await,
    }
}

/// kubectl's failed secret creations read `failed to create secret <err>`.
const WRAP: &str = "failed to create secret ";

async fn generic(ctx: &mut Context, args: GenericArgs) -> Result<()> {
    let name = single_name(ctx, &args.name.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let from_file = string_slice_items(&args.data.from_file);
    let from_env_file = string_slice_items(&args.data.from_env_file);
    let sources = GenericSources {
        from_file: &from_file,
        from_literal: &args.data.from_literal,
        from_env_file: &from_env_file,
    };
    require_name(&name)?;
    sources.validate().map_err(|e| anyhow!(e))?;
    let namespace = ctx.enforced_namespace();
    let mut secret = Secret {
        name: &name,
        namespace: namespace.as_deref(),
        secret_type: &args.secret_type,
        data: BTreeMap::new(),
    };
    sources.fill(&mut secret).map_err(|e| anyhow!(e))?;
    let mut object = secret.build(args.data.append_hash);
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, WRAP).await
}

async fn docker_registry(ctx: &mut Context, args: DockerRegistryArgs) -> Result<()> {
    let name = single_name(ctx, &args.name.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    let from_file: Vec<String> = string_slice_items(&args.from_file)
        .into_iter()
        .map(|source| {
            if source.contains('=') {
                source
            } else {
                format!("{DOCKER_CONFIG_JSON_KEY}={source}")
            }
        })
        .collect();
    let registry = DockerRegistry {
        from_file: &from_file,
        username: &args.docker_username,
        password: &args.docker_password,
        email: &args.docker_email,
        server: &args.docker_server,
    };
    require_name(&name)?;
    registry.validate().map_err(|e| anyhow!(e))?;
    let namespace = ctx.enforced_namespace();
    let mut secret = Secret {
        name: &name,
        namespace: namespace.as_deref(),
        secret_type: "kubernetes.io/dockerconfigjson",
        data: BTreeMap::new(),
    };
    registry.fill(&mut secret).map_err(|e| anyhow!(e))?;
    let mut object = secret.build(args.append_hash);
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, WRAP).await
}

async fn tls(ctx: &mut Context, args: TlsArgs) -> Result<()> {
    let name = single_name(ctx, &args.name.names)?;
    ctx.client_config()?;
    let mut resolved = args.common.resolve(ctx)?;
    if args.key.is_empty() || args.cert.is_empty() {
        anyhow::bail!("key and cert must be specified");
    }
    let namespace = ctx.enforced_namespace();
    let mut secret = Secret {
        name: &name,
        namespace: namespace.as_deref(),
        secret_type: "kubernetes.io/tls",
        data: BTreeMap::new(),
    };
    fill_tls(&mut secret, &args.cert, &args.key).map_err(|e| anyhow!(e))?;
    let mut object = secret.build(args.append_hash);
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, WRAP).await
}

//! `config set-credentials NAME`: create a user entry or change the fields
//! given; the rest stay as they are. A token and basic auth exclude each
//! other: setting one clears the other.
//!
//! Examples:
//!   # Change only the client key of cluster-admin
//!   kuddle config set-credentials cluster-admin --client-key=~/.kube/admin.key
//!
//!   # Basic auth for cluster-admin
//!   kuddle config set-credentials cluster-admin --username=admin --password=uXFGweU9l35qcif
//!
//!   # Embed the client certificate's data
//!   kuddle config set-credentials cluster-admin --client-certificate=~/.kube/admin.crt --embed-certs=true
//!
//!   # An auth provider with arguments; `key-` removes one
//!   kuddle config set-credentials cluster-admin --auth-provider=oidc --auth-provider-arg=client-id=foo --auth-provider-arg=client-secret-
//!
//!   # An exec credential plugin, its arguments and environment (`NAME-` removes a variable)
//!   kuddle config set-credentials cluster-admin --exec-command=/path/to/plugin --exec-api-version=client.authentication.k8s.io/v1
//!   kuddle config set-credentials cluster-admin --exec-arg=arg1 --exec-arg=arg2 --exec-env=key1=val1 --exec-env=old-

use std::collections::BTreeMap;
use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::flags::go_values::{
    go_bool, go_quote, go_string_slice, string_slice_items, StringSlice,
};
use crate::flags::pairs::parse_pairs;
use crate::kubeconfig::gopath;
use crate::kubeconfig::model::{AuthInfo, AuthProviderConfig, ExecConfig, ExecEnvVar};
use crate::kubeconfig::modify::{modify_config, Touched};

/// `--client-certificate`, `--client-key`, `--token`, `--username` and
/// `--password` share their ids with the global flags of the same names,
/// which they replace here (kubectl's local flags shadow the global ones).
#[derive(Args, Debug)]
pub struct SetCredentialsArgs {
    /// The user to create or change.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Path to the client certificate file.
    #[arg(long, value_name = "PATH")]
    pub client_certificate: Option<String>,

    /// Path to the client key file.
    #[arg(long, value_name = "PATH")]
    pub client_key: Option<String>,

    /// Bearer token.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,

    /// Basic auth user name.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,

    /// Basic auth password.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,

    /// Store the client certificate's and key's contents instead of their paths.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub embed_certs: Option<bool>,

    /// Auth provider name.
    #[arg(long, value_name = "NAME")]
    pub auth_provider: Option<String>,

    /// Auth provider argument as key=value (key- removes it); comma-separated or repeated.
    #[arg(long, value_name = "KEY=VALUE", value_parser = go_string_slice, action = ArgAction::Append)]
    pub auth_provider_arg: Vec<StringSlice>,

    /// Command of the exec credential plugin.
    #[arg(long, value_name = "COMMAND")]
    pub exec_command: Option<String>,

    /// API version of the exec credential plugin.
    #[arg(long, value_name = "VERSION")]
    pub exec_api_version: Option<String>,

    /// Arguments of the exec credential plugin (they replace the old ones); comma-separated or repeated.
    #[arg(long, value_name = "ARG", value_parser = go_string_slice, action = ArgAction::Append)]
    pub exec_arg: Vec<StringSlice>,

    /// Environment variable of the exec credential plugin as key=value (key- removes it); repeatable.
    #[arg(long, value_name = "KEY=VALUE", action = ArgAction::Append)]
    pub exec_env: Vec<String>,

    /// Interactive mode of the exec credential plugin: Never, IfAvailable or Always.
    #[arg(long, value_name = "MODE")]
    pub exec_interactive_mode: Option<String>,

    /// Whether the exec credential plugin is given the cluster's details.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub exec_provide_cluster_info: Option<bool>,
}

/// What the flags ask for, once the lists are parsed.
struct Options {
    name: String,
    provider_args: BTreeMap<String, String>,
    provider_args_to_remove: Vec<String>,
    exec_args: Option<Vec<String>>,
    /// `None` when no --exec-env was given.
    exec_env: Option<(BTreeMap<String, String>, Vec<String>)>,
}

pub fn run(ctx: &mut Context, args: SetCredentialsArgs) -> Result<()> {
    // kubectl shows the help before any error of this step.
    let options = match complete(&args) {
        Ok(o) => o,
        Err(e) => return Err(super::help_error(ctx, "set-credentials", e.to_string())),
    };
    validate(&options.name, &args)?;
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let mut user = config
        .auth_infos
        .get(&options.name)
        .cloned()
        .unwrap_or_default();
    modify(&mut user, &args, &options);
    config.auth_infos.insert(options.name.clone(), user);
    modify_config(&access, &config, true, &Touched::default())?;
    writeln!(ctx.out, "User {} set.", go_quote(&options.name))?;
    Ok(())
}

fn complete(args: &SetCredentialsArgs) -> Result<Options> {
    let [name] = args.names.as_slice() else {
        bail!("unexpected args: {}", super::go_list(&args.names));
    };
    let provider_items = string_slice_items(&args.auth_provider_arg);
    let (provider_args, provider_args_to_remove) = if provider_items.is_empty() {
        (BTreeMap::new(), Vec::new())
    } else {
        parse_pairs(&provider_items, "auth-provider-arg", true)?
    };
    let exec_items = string_slice_items(&args.exec_arg);
    let exec_env = if args.exec_env.is_empty() {
        None
    } else {
        Some(parse_pairs(&args.exec_env, "exec-env", true)?)
    };
    Ok(Options {
        name: name.clone(),
        provider_args,
        provider_args_to_remove,
        exec_args: (!exec_items.is_empty()).then_some(exec_items),
        exec_env,
    })
}

fn validate(name: &str, args: &SetCredentialsArgs) -> Result<()> {
    if name.is_empty() {
        bail!("you must specify a non-empty user name");
    }
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    let mut methods = Vec::new();
    if given(&args.token) {
        methods.push("--token");
    }
    if given(&args.username) || given(&args.password) {
        methods.push("--username/--password");
    }
    if methods.len() > 1 {
        bail!(
            "you cannot specify more than one authentication method at the same time: {}",
            methods.join(", ")
        );
    }
    if args.embed_certs == Some(true) {
        let cert = args.client_certificate.as_deref().unwrap_or("");
        let key = args.client_key.as_deref().unwrap_or("");
        if cert.is_empty() && key.is_empty() {
            bail!("you must specify a --client-certificate or --client-key to embed");
        }
        for (flag, path) in [("client-certificate", cert), ("client-key", key)] {
            if path.is_empty() {
                continue;
            }
            if let Err(e) = std::fs::metadata(path) {
                bail!(
                    "could not stat {flag} file {path}: {}",
                    gopath::path_error("stat", path, &e)
                );
            }
        }
    }
    if let Some(mode) = &args.exec_interactive_mode {
        if !matches!(mode.as_str(), "IfAvailable" | "Always" | "Never") {
            bail!("invalid interactive mode type, can be only IfAvailable, Never, Always");
        }
    }
    Ok(())
}

fn modify(u: &mut AuthInfo, args: &SetCredentialsArgs, o: &Options) {
    let embed = args.embed_certs == Some(true);
    if let Some(cert) = &args.client_certificate {
        set_file(
            &mut u.client_certificate,
            &mut u.client_certificate_data,
            cert,
            embed,
        );
    }
    if let Some(key) = &args.client_key {
        set_file(&mut u.client_key, &mut u.client_key_data, key, embed);
    }
    let mut set_token = false;
    let mut set_basic = false;
    if let Some(token) = &args.token {
        u.token = token.clone();
        set_token = !u.token.is_empty();
    }
    if let Some(username) = &args.username {
        u.username = username.clone();
        set_basic |= !u.username.is_empty();
    }
    if let Some(password) = &args.password {
        u.password = password.clone();
        set_basic |= !u.password.is_empty();
    }
    if let Some(provider) = &args.auth_provider {
        if u.auth_provider.as_ref().is_none_or(|p| &p.name != provider) {
            u.auth_provider = Some(AuthProviderConfig {
                name: provider.clone(),
                config: None,
            });
        }
    }
    if let Some(provider) = &mut u.auth_provider {
        let config = provider.config.get_or_insert_with(BTreeMap::new);
        for key in &o.provider_args_to_remove {
            config.remove(key);
        }
        for (key, value) in &o.provider_args {
            config.insert(key.clone(), value.clone());
        }
    }
    if let Some(command) = &args.exec_command {
        match &mut u.exec {
            None => {
                u.exec = Some(ExecConfig {
                    command: command.clone(),
                    ..ExecConfig::default()
                })
            }
            Some(exec) => {
                exec.command = command.clone();
                exec.args = None;
            }
        }
    }
    // The other exec flags only change an exec plugin that is there.
    if let Some(exec) = &mut u.exec {
        if let Some(version) = &args.exec_api_version {
            exec.api_version = version.clone();
        }
        if let Some(exec_args) = &o.exec_args {
            exec.args = Some(exec_args.clone());
        }
        if let Some(mode) = &args.exec_interactive_mode {
            exec.interactive_mode = mode.clone();
        }
        if let Some(provide) = args.exec_provide_cluster_info {
            exec.provide_cluster_info = provide;
        }
        if let Some((set, remove)) = &o.exec_env {
            let mut env: Vec<ExecEnvVar> = exec
                .env
                .take()
                .unwrap_or_default()
                .into_iter()
                .filter(|v| !remove.contains(&v.name))
                .collect();
            for (name, value) in set {
                match env.iter_mut().find(|v| &v.name == name) {
                    Some(v) => v.value = value.clone(),
                    None => env.push(ExecEnvVar {
                        name: name.clone(),
                        value: value.clone(),
                    }),
                }
            }
            exec.env = Some(env);
        }
    }
    // One authentication method: setting one clears the other.
    if set_token || set_basic {
        if !set_token {
            u.token.clear();
        }
        if !set_basic {
            u.username.clear();
            u.password.clear();
        }
    }
}

/// A certificate or key: its contents when embedding (a read error leaves
/// them empty, as in kubectl), else its absolute path.
fn set_file(path: &mut String, data: &mut Vec<u8>, given: &str, embed: bool) {
    if embed {
        *data = std::fs::read(given).unwrap_or_default();
        path.clear();
    } else {
        *path = gopath::abs(given);
        data.clear();
    }
}

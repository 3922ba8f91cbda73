//! `kuberc set --section defaults|aliases|credentialplugin`: add or replace
//! an entry of the kuberc file (written back as `v1beta1`).
//!
//! Examples:
//!   # Default output for `get`
//!   kuddle kuberc set --section defaults --command get --option output=wide
//!
//!   # Default output for a subcommand
//!   kuddle kuberc set --section defaults --command "set env" --option output=yaml
//!
//!   # `getn` lists nodes; `runx` runs nginx with an argument
//!   kuddle kuberc set --section aliases --name getn --command get --prependarg nodes --option output=wide
//!   kuddle kuberc set --section aliases --name runx --command run --option image=nginx --appendarg "--" --appendarg custom-arg1
//!
//!   # Replace existing defaults
//!   kuddle kuberc set --section defaults --command get --option output=json --overwrite
//!
//!   # Only allow one credential plugin
//!   kuddle kuberc set --section credentialplugin --policy Allowlist --allowlist-entry command=cloud-credential-helper

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_quote};
use crate::kuberc::{self, model::*};

#[derive(Args, Debug)]
pub struct SetArgs {
    /// Ignored, as kubectl ignores them.
    #[arg(hide = true, value_name = "ARGS")]
    pub args: Vec<String>,

    /// What to change: defaults, aliases or credentialplugin.
    #[arg(long, required = true, value_name = "SECTION")]
    pub section: String,

    /// The command to configure, e.g. `get` or `set env` (not for credentialplugin).
    #[arg(long, value_name = "COMMAND", default_value = "")]
    pub command: String,

    /// The alias's name (aliases only).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub name: String,

    /// Credential plugin policy: AllowAll, DenyAll or Allowlist.
    #[arg(long, value_name = "POLICY", default_value = "")]
    pub policy: String,

    /// A flag's value as flag=value; repeatable.
    #[arg(long, value_name = "FLAG=VALUE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub option: Vec<String>,

    /// An argument put right after the alias (aliases only); repeatable.
    #[arg(long, value_name = "ARG", action = ArgAction::Append, allow_hyphen_values = true)]
    pub prependarg: Vec<String>,

    /// An argument put at the end of the line (aliases only); repeatable.
    #[arg(long, value_name = "ARG", action = ArgAction::Append, allow_hyphen_values = true)]
    pub appendarg: Vec<String>,

    /// An allowlist entry as command=PATH (Allowlist policy only); repeatable, comma-separated.
    #[arg(long, value_name = "FIELD=VALUE", action = ArgAction::Append)]
    pub allowlist_entry: Vec<String>,

    /// Replace an entry that exists.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,
}

pub fn run(ctx: &mut Context, args: SetArgs) -> Result<()> {
    let (file, _) = super::kuberc_file(ctx)?;
    validate(&args)?;
    let mut preference = match kuberc::read(&file) {
        Ok(p) => p,
        Err(kuberc::ReadError::Missing) => Preference::default(),
        Err(kuberc::ReadError::Other(msg)) => bail!("error reading kuberc file: {msg}"),
    };
    let options = parse_options(&args.option)?;
    match args.section.as_str() {
        "defaults" => set_defaults(&mut preference, &args, options)?,
        "aliases" => set_alias(&mut preference, &args, options)?,
        _ => set_credential_plugin(&mut preference, &args)?,
    }
    kuberc::save(&preference, &file)?;
    writeln!(ctx.out, "Updated {file}")?;
    Ok(())
}

fn validate(a: &SetArgs) -> Result<()> {
    let section = a.section.as_str();
    if !matches!(section, "defaults" | "aliases" | "credentialplugin") {
        bail!(
            "--section must be \"defaults\", \"aliases\", or \"credentialplugin\", got: {section}"
        );
    }
    if section == "aliases" && a.name.is_empty() {
        bail!("--name is required when --section=aliases");
    }
    if section == "defaults" && !a.name.is_empty() {
        bail!("--name should not be specified when --section=defaults");
    }
    if section == "defaults" && (!a.prependarg.is_empty() || !a.appendarg.is_empty()) {
        bail!("--prependarg and --appendarg are only valid for --section=aliases");
    }
    if section != "credentialplugin" && a.command.is_empty() {
        bail!("--command is required when --section=aliases or --section=defaults");
    }
    if section == "credentialplugin" {
        match a.policy.as_str() {
            "" => bail!("--policy is required when --section=credentialplugin"),
            "AllowAll" | "DenyAll" if !a.allowlist_entry.is_empty() => bail!(
                "--allowlist-entry may only be used when --section=credentialplugin and --policy=Allowlist"
            ),
            "AllowAll" | "DenyAll" => {}
            "Allowlist" if a.allowlist_entry.is_empty() => bail!(
                "--allowlist-entry is required when --section=credentialplugin and --policy=Allowlist"
            ),
            "Allowlist" => {}
            other => bail!(
                " --policy must be  \"AllowAll\", \"DenyAll\", or \"Allowlist\", got: {other}"
            ),
        }
    }
    Ok(())
}

/// `flag=value` items; leading dashes of the flag are dropped.
fn parse_options(items: &[String]) -> Result<Option<Vec<OptionDefault>>> {
    let mut out = Vec::new();
    for item in items {
        let Some((name, value)) = item.split_once('=') else {
            bail!(
                "invalid option format {}, expected flag=value",
                go_quote(item)
            );
        };
        out.push(OptionDefault {
            name: name.trim_start_matches('-').to_string(),
            default: value.to_string(),
        });
    }
    Ok((!out.is_empty()).then_some(out))
}

fn set_defaults(
    p: &mut Preference,
    a: &SetArgs,
    options: Option<Vec<OptionDefault>>,
) -> Result<()> {
    let defaults = p.defaults.get_or_insert_with(Vec::new);
    if let Some(existing) = defaults.iter_mut().find(|d| d.command == a.command) {
        if !a.overwrite {
            bail!(
                "defaults for command {} already exist, use --overwrite to replace",
                go_quote(&a.command)
            );
        }
        // No --option keeps the old ones.
        if options.is_some() {
            existing.options = options;
        }
        return Ok(());
    }
    defaults.push(CommandDefaults {
        command: a.command.clone(),
        options,
    });
    Ok(())
}

fn set_alias(p: &mut Preference, a: &SetArgs, options: Option<Vec<OptionDefault>>) -> Result<()> {
    let given = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    let aliases = p.aliases.get_or_insert_with(Vec::new);
    if let Some(existing) = aliases.iter_mut().find(|x| x.name == a.name) {
        if !a.overwrite {
            bail!(
                "alias {} already exists, use --overwrite to replace",
                go_quote(&a.name)
            );
        }
        // Lists not given keep their old values.
        *existing = Alias {
            name: a.name.clone(),
            command: a.command.clone(),
            prepend_args: given(&a.prependarg).or(existing.prepend_args.take()),
            append_args: given(&a.appendarg).or(existing.append_args.take()),
            options: options.or(existing.options.take()),
        };
        return Ok(());
    }
    aliases.push(Alias {
        name: a.name.clone(),
        command: a.command.clone(),
        prepend_args: Some(a.prependarg.clone()),
        append_args: Some(a.appendarg.clone()),
        options,
    });
    Ok(())
}

fn set_credential_plugin(p: &mut Preference, a: &SetArgs) -> Result<()> {
    if a.policy == "Allowlist" {
        p.credential_plugin_allowlist = Some(allowlist_entries(&a.allowlist_entry)?);
    }
    p.credential_plugin_policy = a.policy.clone();
    Ok(())
}

/// `command=PATH` items (comma-separated too); every bad one is reported.
fn allowlist_entries(items: &[String]) -> Result<Vec<AllowlistEntry>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for pair in items.iter().flat_map(|i| i.split(',')) {
        let Some((field, value)) = pair.split_once('=') else {
            errors.push(format!(
                "improperly formatted allowlist entry: {}",
                go_quote(pair)
            ));
            continue;
        };
        match field {
            "name" => {
                errors.push(
                    "allowlist entry field \"name\" is deprecated, use \"command\" instead".into(),
                );
                continue;
            }
            "command" => {}
            other => {
                errors.push(format!(
                    "unrecognized allowlist entry field: {}",
                    go_quote(other)
                ));
                continue;
            }
        }
        if value.trim().is_empty() {
            errors.push(format!(
                "empty value in allowlist entry for field {}",
                go_quote(field)
            ));
            continue;
        }
        entries.push(AllowlistEntry {
            command: value.to_string(),
        });
    }
    match errors.len() {
        0 => Ok(entries),
        1 => bail!("{}", errors.remove(0)),
        _ => Err(CliError::Many(errors).into()),
    }
}

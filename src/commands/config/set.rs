//! `config set PROPERTY_NAME PROPERTY_VALUE`: set one value by its path in
//! the kubeconfig (`clusters.my-cluster.server`). Map keys may contain dots;
//! byte fields (`*-data`) take base64 unless `--set-raw-bytes`.
//!
//! Examples:
//!   # Set the server of the my-cluster cluster
//!   kuddle config set clusters.my-cluster.server https://1.2.3.4
//!
//!   # Set the certificate authority data of my-cluster
//!   kuddle config set clusters.my-cluster.certificate-authority-data $(echo "cert_data_here" | base64 -i -)
//!
//!   # Set the cluster of the my-context context
//!   kuddle config set contexts.my-context.cluster my-cluster
//!
//!   # Set client key data as given, without base64
//!   kuddle config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true

use std::io::Write as _;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};

use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::{go_bool, go_quote};
use crate::kubeconfig::modify::{modify_config, Touched};
use crate::kubeconfig::property::{self, Action, PropertyError, Steps};

#[derive(Args, Debug)]
pub struct SetArgs {
    /// The property's path, then its new value.
    #[arg(value_name = "PROPERTY_NAME PROPERTY_VALUE")]
    pub words: Vec<String>,

    /// Store a byte field's value as given instead of decoding base64.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub set_raw_bytes: Option<bool>,
}

pub fn run(ctx: &mut Context, args: SetArgs) -> Result<()> {
    let [name, value] = args.words.as_slice() else {
        let msg = format!("Unexpected args: {}", super::go_list(&args.words));
        return Err(super::help_error(ctx, "set", msg));
    };
    if value.is_empty() {
        bail!("you cannot use set to unset a property");
    }
    if name.is_empty() {
        bail!("you must specify a property");
    }
    let access = super::path_options(ctx);
    let mut config = access.starting_config()?;
    let action = Action::Set {
        value,
        raw_bytes: args.set_raw_bytes.unwrap_or(false),
    };
    let mut touched = Touched::default();
    Steps::parse(name)
        .and_then(|steps| property::apply(&mut config, &steps, action, &mut touched))
        .map_err(|e| property_error(ctx, e))?;
    modify_config(&access, &config, false, &touched)?;
    writeln!(ctx.out, "Property {} set.", go_quote(name))?;
    Ok(())
}

/// kubectl's error, or its crash: Go prints `panic: …` and the goroutine's
/// stack (not reproduced here) and exits with 2.
pub(super) fn property_error(ctx: &mut Context, e: PropertyError) -> anyhow::Error {
    match e {
        PropertyError::Message(msg) => anyhow::Error::msg(msg),
        PropertyError::Panic(msg) => {
            let _ = write!(ctx.err, "panic: {msg}\n\ngoroutine 1 [running]:\n");
            CliError::Exit(2).into()
        }
    }
}

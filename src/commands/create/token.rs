//! `create token SERVICE_ACCOUNT_NAME`: ask the server for a service
//! account token (a TokenRequest) and print it.
//!
//! Examples:
//!   # A token for the service account myapp in the current namespace
//!   kuddle create token myapp
//!
//!   # Valid for ten minutes, for another audience
//!   kuddle create token myapp --duration 10m --audience https://example.com
//!
//!   # Valid only as long as a secret exists
//!   kuddle create token myapp --bound-object-kind Secret --bound-object-name mysecret

use std::io::{IsTerminal, Write};

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args};
use http::Method;

use super::single_name;
use crate::context::Context;
use crate::flags::go_values::go_duration;
use crate::flags::{DryRun, PrintFlags};
use crate::generate::token::TokenSpec;
use crate::printers::result::ResultPrinter;
use crate::printers::OBJECT_FORMATS;
use crate::resource::mapper::path_escape;

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The service account's name (words after `--` are ignored).
    #[arg(value_name = "SERVICE_ACCOUNT_NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// Who the token is for; repeat for several (default: the API server).
    #[arg(allow_hyphen_values = true, long = "audience", value_name = "AUDIENCE", action = ArgAction::Append)]
    pub audiences: Vec<String>,

    /// How long the token should live (the server may choose otherwise);
    /// 0 lets the server decide.
    #[arg(allow_hyphen_values = true, long = "duration", value_name = "DURATION", default_value = "0s",
          value_parser = go_duration)]
    pub duration: i64,

    /// The kind of object the token is bound to: Node, Pod or Secret.
    #[arg(
        allow_hyphen_values = true,
        long = "bound-object-kind",
        value_name = "KIND",
        default_value = ""
    )]
    pub bound_object_kind: String,

    /// The name of that object; the token expires when it is deleted.
    #[arg(
        allow_hyphen_values = true,
        long = "bound-object-name",
        value_name = "NAME",
        default_value = ""
    )]
    pub bound_object_name: String,

    /// The UID of that object (default: the existing object's).
    #[arg(
        allow_hyphen_values = true,
        long = "bound-object-uid",
        value_name = "UID",
        default_value = ""
    )]
    pub bound_object_uid: String,

    #[command(flatten)]
    pub print: PrintFlags,
}

pub async fn run(ctx: &mut Context, args: TokenArgs) -> Result<()> {
    // complete
    let name = single_name(ctx, &args.names)?;
    let (namespace, _) = ctx.namespace()?;
    ctx.client_config()?;
    let printer = args.print.printer(OBJECT_FORMATS)?;
    // validate
    if name.is_empty() {
        bail!("service account name is required");
    }
    if namespace.is_empty() {
        bail!("--namespace is required");
    }
    let spec = TokenSpec {
        audiences: &args.audiences,
        duration_nanos: args.duration,
        bound_object_kind: &args.bound_object_kind,
        bound_object_name: &args.bound_object_name,
        bound_object_uid: &args.bound_object_uid,
    };
    spec.validate().map_err(|e| anyhow!(e))?;
    // run
    let conn = ctx.connection().await?;
    let path = format!(
        "/api/v1/namespaces/{}/serviceaccounts/{}/token",
        path_escape(&namespace),
        path_escape(&name)
    );
    let response = conn
        .client
        .json_request(Method::POST, &path, "application/json", &spec.request())
        .await
        .map_err(|e| anyhow!("failed to create token: {e}"))?;
    let token = response
        .pointer("/status/token")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if token.is_empty() {
        bail!("failed to create token: no token in server response");
    }
    match printer {
        Some(printer) => ResultPrinter::new(
            DryRun::None,
            Some(printer),
            args.print.show_managed_fields,
        )
        .print(&mut ctx.out, &response, "created")?,
        None if std::io::stdout().is_terminal() => writeln!(ctx.out, "{token}")?,
        None => write!(ctx.out, "{token}")?,
    }
    Ok(())
}

//! `create ingress NAME --rule=host/path=service:port[,tls[=secret]]`
//!
//! Examples:
//!   # foo.com/bar to svc1:8080, TLS with the secret my-cert
//!   kuddle create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"
//!
//!   # Prefix paths (a trailing *) on two hosts
//!   kuddle create ingress ingress1 --class=default \
//!     --rule="foo.com/path*=svc:8080" --rule="bar.com/admin*=svc2:http"
//!
//!   # A default backend and an annotation
//!   kuddle create ingress ingdefault --default-backend=defaultsvc:http \
//!     --annotation ingress.annotation1=foo --rule="foo.com/*=svc:8080,tls=secret1"

use anyhow::Result;
use clap::{ArgAction, Args};

use super::{create_and_print, single_name, CreateCommonFlags};
use crate::context::Context;
use crate::generate::ingress::IngressSpec;
use crate::generate::save_config;

#[derive(Args, Debug)]
pub struct IngressArgs {
    /// The ingress's name (words after `--` are ignored).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[arg(last = true, hide = true)]
    pub ignored: Vec<String>,

    /// The IngressClass to use.
    #[arg(
        allow_hyphen_values = true,
        long = "class",
        value_name = "CLASS",
        default_value = ""
    )]
    pub class: String,

    /// A rule `host/path=service:port[,tls[=secret]]`; a path ending in `*`
    /// matches by prefix. Repeat for several rules.
    #[arg(allow_hyphen_values = true, long = "rule", value_name = "RULE", action = ArgAction::Append)]
    pub rules: Vec<String>,

    /// The service (`name:port`) that receives traffic no rule matches.
    #[arg(
        allow_hyphen_values = true,
        long = "default-backend",
        value_name = "SVC:PORT",
        default_value = ""
    )]
    pub default_backend: String,

    /// An annotation `key=value` for the ingress; repeat for several.
    #[arg(allow_hyphen_values = true, long = "annotation", value_name = "KEY=VALUE", action = ArgAction::Append)]
    pub annotations: Vec<String>,

    #[command(flatten)]
    pub common: CreateCommonFlags,
}

pub async fn run(ctx: &mut Context, args: IngressArgs) -> Result<()> {
    let name = single_name(ctx, &args.names)?;
    let mut resolved = args.common.resolve(ctx)?;
    let spec = IngressSpec {
        name,
        namespace: ctx.enforced_namespace(),
        class: args.class,
        rules: args.rules,
        annotations: args.annotations,
        default_backend: args.default_backend,
    };
    spec.validate()?;
    let mut object = spec.build()?;
    save_config(&mut object, args.common.save_config);
    create_and_print(ctx, &mut resolved, object, "failed to create ingress: ").await
}

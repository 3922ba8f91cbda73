//! client-go's checks of the context, user and cluster a command uses
//! (`ConfirmUsable`), and kubectl's rendering of what they find.

use super::gourl;
use super::model::*;
use crate::error::CliError;
use crate::flags::go_values::go_quote;

/// One problem `ConfirmUsable` found.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Invalid {
    pub(super) msg: String,
    pub(super) context_not_found: bool,
}

impl Invalid {
    pub(super) fn new(msg: String) -> Invalid {
        Invalid {
            msg,
            context_not_found: false,
        }
    }
}

/// kubectl's rendering of a list of configuration problems: one plain
/// `error: …` line, except a missing context keeps the `Error in
/// configuration: ` prefix; several become a `* ` list under that prefix.
pub(super) fn invalid_to_error(errors: Vec<Invalid>) -> anyhow::Error {
    match errors.as_slice() {
        [one] if one.context_not_found => {
            CliError::Verbatim(format!("Error in configuration: {}", one.msg)).into()
        }
        [one] => anyhow::anyhow!("{}", one.msg),
        many => {
            let mut text = String::from("Error in configuration: ");
            for e in many {
                text.push_str("\n* ");
                text.push_str(&e.msg);
            }
            CliError::Verbatim(text).into()
        }
    }
}

pub(super) const EMPTY_CLUSTER: &str = "cluster has no server defined";

/// `may_be_empty`: the cluster was built by merging (so an all-default
/// cluster means nothing configured a server at all, which only happens
/// without kubectl's default server).
pub(super) fn validate_cluster(name: &str, c: &Cluster, may_be_empty: bool) -> Vec<Invalid> {
    let mut errors = Vec::new();
    if may_be_empty && *c == Cluster::default() {
        return vec![Invalid::new(EMPTY_CLUSTER.into())];
    }
    if c.server.is_empty() {
        if name.is_empty() {
            errors.push(Invalid::new("default cluster has no server defined".into()));
        } else {
            errors.push(Invalid::new(format!(
                "no server found for cluster {name:?}"
            )));
        }
    }
    if !c.proxy_url.is_empty() {
        if let Err(e) = gourl::parse_proxy_url(&c.proxy_url) {
            errors.push(Invalid::new(format!(
                "invalid 'proxy-url' {} for cluster {}: {e}",
                go_quote(&c.proxy_url),
                go_quote(name)
            )));
        }
    }
    if !c.certificate_authority.is_empty() && !c.certificate_authority_data.is_empty() {
        errors.push(Invalid::new(format!("certificate-authority-data and certificate-authority are both specified for {name}. certificate-authority-data will override.")));
    }
    if !c.certificate_authority.is_empty() {
        if let Err(e) = std::fs::File::open(&c.certificate_authority) {
            errors.push(Invalid::new(format!(
                "unable to read certificate-authority {} for {name} due to {}",
                c.certificate_authority,
                super::gopath::path_error("open", &c.certificate_authority, &e)
            )));
        }
    }
    errors
}

pub(super) fn validate_auth_info(name: &str, u: &AuthInfo) -> Vec<Invalid> {
    let mut errors = Vec::new();
    let mut methods = Vec::new();
    if !u.token.is_empty() {
        methods.push("token");
    }
    if !u.username.is_empty() || !u.password.is_empty() {
        methods.push("basicAuth");
    }
    if !u.client_certificate.is_empty() || !u.client_certificate_data.is_empty() {
        if !u.client_certificate.is_empty() && !u.client_certificate_data.is_empty() {
            errors.push(Invalid::new(format!("client-cert-data and client-cert are both specified for {name}. client-cert-data will override.")));
        }
        if !u.client_key.is_empty() && !u.client_key_data.is_empty() {
            errors.push(Invalid::new(format!("client-key-data and client-key are both specified for {name}; client-key-data will override")));
        }
        if u.client_key.is_empty() && u.client_key_data.is_empty() {
            errors.push(Invalid::new(format!("client-key-data or client-key must be specified for {name} to use the clientCert authentication method.")));
        }
        for (what, path) in [
            ("client-cert", &u.client_certificate),
            ("client-key", &u.client_key),
        ] {
            if path.is_empty() {
                continue;
            }
            if let Err(e) = std::fs::File::open(path) {
                errors.push(Invalid::new(format!(
                    "unable to read {what} {path} for {name} due to {}",
                    super::gopath::path_error("open", path, &e)
                )));
            }
        }
    }
    if let Some(exec) = &u.exec {
        if u.auth_provider.is_some() {
            errors.push(Invalid::new(format!(
                "authProvider cannot be provided in combination with an exec plugin for {name}"
            )));
        }
        if exec.command.is_empty() {
            errors.push(Invalid::new(format!(
                "command must be specified for {name} to use exec authentication plugin"
            )));
        }
        if exec.api_version.is_empty() {
            errors.push(Invalid::new(format!(
                "apiVersion must be specified for {name} to use exec authentication plugin"
            )));
        }
        for var in exec.env.iter().flatten() {
            if var.name.is_empty() {
                errors.push(Invalid::new(format!(
                    "env variable name must be specified for {name} to use exec authentication plugin"
                )));
            }
        }
        match exec.interactive_mode.as_str() {
            "" => errors.push(Invalid::new(format!(
                "interactiveMode must be specified for {name} to use exec authentication plugin"
            ))),
            "Never" | "IfAvailable" | "Always" => {}
            other => errors.push(Invalid::new(format!(
                "invalid interactiveMode for {name}: {}",
                go_quote(other)
            ))),
        }
    }
    if methods.len() > 1 {
        errors.push(Invalid::new(format!(
            "more than one authentication method found for {name}; found [{}], only one is allowed",
            methods.join(" ")
        )));
    }
    if (!u.impersonate_uid.is_empty()
        || !u.impersonate_groups.is_empty()
        || !u.impersonate_user_extra.is_empty())
        && u.impersonate.is_empty()
    {
        errors.push(Invalid::new(format!(
            "requesting uid, groups or user-extra for {name} without impersonating a user"
        )));
    }
    errors
}

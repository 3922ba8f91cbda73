//! `version [--client] [-o json|yaml]`: the client's and the server's version.
//!
//! Examples:
//!   # The client and server versions for the current context
//!   kuddle version
//!
//!   # Only the client, as JSON
//!   kuddle version --client -o json
//!
//! The server part is the server's `/version`, printed as kubectl prints it.
//! The client part is kuddle's own, in kubectl's field layout: `major`,
//! `minor` and `gitVersion` name the kubectl release kuddle is compatible
//! with, with kuddle's version as semver build metadata
//! (`v1.37.1+kuddle.0.1.0`), so scripts that compare versions, read
//! `.clientVersion.minor`, or check the client/server skew see kubectl
//! 1.37.1. kuddle has no kustomize, so there is no `Kustomize Version` line
//! and no `kustomizeVersion` key.

use std::io::Write;

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::{Map, Value};

use crate::context::Context;
use crate::flags::go_values::go_bool;
use crate::version_info::{client_info, server_info};

/// kubectl warns when client and server minor versions differ by more.
const SUPPORTED_MINOR_SKEW: u64 = 1;

#[derive(Args, Debug)]
pub struct VersionArgs {
    /// No arguments are accepted; listed here to report kubectl's error.
    #[arg(hide = true)]
    pub unexpected: Vec<String>,

    /// Show the client version only (no server needed).
    #[arg(long = "client", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub client: bool,

    /// Output format: yaml or json.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        default_value = ""
    )]
    pub output: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Text,
    Yaml,
    Json,
}

pub async fn run(ctx: &mut Context, args: VersionArgs) -> Result<()> {
    // kubectl reads the connection settings first (a broken kubeconfig
    // fails before anything is printed), and looks at the arguments only
    // when it will talk to a server.
    if !args.client {
        ctx.client_config()?;
        if !args.unexpected.is_empty() {
            bail!("extra arguments: [{}]", args.unexpected.join(" "));
        }
        // kubectl checks the versions when it builds its discovery client,
        // before printing anything.
        if ctx.global.match_server_version {
            ctx.connection().await?;
        }
    }
    let format = match args.output.as_str() {
        "" => Format::Text,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        _ => bail!("--output must be 'yaml' or 'json'"),
    };
    let client = client_info();
    let mut server_error: Option<anyhow::Error> = None;
    let mut server = None;
    if !args.client {
        // The client's version is printed even when the server cannot be asked.
        match ctx.connection().await {
            Ok(conn) => match conn.client.get_json("/version").await {
                Ok(body) => server = Some(server_info(&body)),
                Err(e) => server_error = Some(e.into()),
            },
            Err(e) => server_error = Some(e),
        }
    }
    print(&mut ctx.out, format, &client, server.as_ref())?;
    if let Some(server) = &server {
        if let Some(warning) = skew_warning(
            &text_of(&client, "gitVersion"),
            &text_of(server, "gitVersion"),
        )? {
            if ctx.global.warnings_as_errors {
                bail!(warning);
            }
            ctx.out.flush()?;
            writeln!(ctx.err, "Warning: {warning}")?;
        }
    }
    match server_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn text_of(info: &Map<String, Value>, key: &str) -> String {
    info.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn print(
    out: &mut dyn Write,
    format: Format,
    client: &Map<String, Value>,
    server: Option<&Map<String, Value>>,
) -> Result<()> {
    match format {
        Format::Text => {
            writeln!(out, "Client Version: {}", text_of(client, "gitVersion"))?;
            if let Some(server) = server {
                writeln!(out, "Server Version: {}", text_of(server, "gitVersion"))?;
            }
        }
        Format::Yaml | Format::Json => {
            let mut doc = Map::new();
            doc.insert("clientVersion".into(), Value::Object(client.clone()));
            if let Some(server) = server {
                doc.insert("serverVersion".into(), Value::Object(server.clone()));
            }
            let doc = Value::Object(doc);
            // kubectl prints the document with Println: YAML ends in a blank line.
            if format == Format::Json {
                write!(
                    out,
                    "{}",
                    crate::printers::json::to_string_indented(&doc, "  ")
                )?;
            } else {
                writeln!(out, "{}", crate::printers::yaml::to_string(&doc)?)?;
            }
        }
    }
    Ok(())
}

/// kubectl's warning when the minor versions are more than one apart (or
/// the major versions differ), or the error for a version it cannot parse.
fn skew_warning(client: &str, server: &str) -> Result<Option<String>> {
    let (client_major, client_minor) =
        parse_semantic(client).map_err(|e| anyhow::anyhow!("client version error: {e}"))?;
    let (server_major, server_minor) =
        parse_semantic(server).map_err(|e| anyhow::anyhow!("server version error: {e}"))?;
    if client_major != server_major || client_minor.abs_diff(server_minor) > SUPPORTED_MINOR_SKEW {
        return Ok(Some(format!(
            "version difference between client ({client_major}.{client_minor}) and server ({server_major}.{server_minor}) exceeds the supported minor version skew of +/-{SUPPORTED_MINOR_SKEW}"
        )));
    }
    Ok(None)
}

/// apimachinery's `ParseSemantic`, down to its error texts: `[v]X.Y.Z`
/// with an optional `-pre.release` and `+build.metadata`; returns the
/// major and minor numbers.
fn parse_semantic(text: &str) -> std::result::Result<(u64, u64), String> {
    let not_version = || format!("could not parse {} as version", go_quote(text));
    let trimmed = text.trim_start_matches(char::is_whitespace);
    let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
    let numbers_len = {
        // `[0-9]+(\.[0-9]+)*`
        let b = trimmed.as_bytes();
        let mut i = 0;
        let mut end = 0;
        loop {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                break;
            }
            end = i;
            if i < b.len() && b[i] == b'.' {
                i += 1;
            } else {
                break;
            }
        }
        end
    };
    if numbers_len == 0 {
        return Err(not_version());
    }
    let (numbers, extra) = trimmed.split_at(numbers_len);
    let components: Vec<&str> = numbers.split('.').collect();
    if components.len() != 3 {
        return Err(format!("illegal version string {}", go_quote(text)));
    }
    let mut values = Vec::with_capacity(3);
    for comp in &components {
        if comp.starts_with('0') && *comp != "0" {
            return Err(format!(
                "illegal zero-prefixed version component {} in {}",
                go_quote(comp),
                go_quote(text)
            ));
        }
        let n: u64 = comp.parse().map_err(|_| {
            format!(
                "illegal non-numeric version component {} in {}: strconv.ParseUint: parsing {}: value out of range",
                go_quote(comp),
                go_quote(text),
                go_quote(comp)
            )
        })?;
        values.push(n);
    }
    if !extra.is_empty() {
        let pre_release = parse_extra(extra).ok_or_else(|| {
            format!(
                "could not parse pre-release/metadata ({extra}) in version {}",
                go_quote(text)
            )
        })?;
        for comp in pre_release.split('.') {
            if comp.parse::<u64>().is_ok() && comp.starts_with('0') && comp != "0" {
                return Err(format!(
                    "illegal zero-prefixed version component {} in {}",
                    go_quote(comp),
                    go_quote(text)
                ));
            }
        }
    }
    Ok((values[0], values[1]))
}

/// `(-pre.release)?(+build.meta)?\s*`: the pre-release part, or None when
/// `extra` does not have that shape.
fn parse_extra(extra: &str) -> Option<&str> {
    fn identifiers_len(s: &str) -> usize {
        // `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*`
        let ok = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
        let b = s.as_bytes();
        let mut i = 0;
        let mut end = 0;
        loop {
            let start = i;
            while i < b.len() && ok(b[i]) {
                i += 1;
            }
            if i == start {
                break;
            }
            end = i;
            if i < b.len() && b[i] == b'.' {
                i += 1;
            } else {
                break;
            }
        }
        end
    }
    let mut rest = extra;
    let mut pre_release = "";
    if let Some(after) = rest.strip_prefix('-') {
        let n = identifiers_len(after);
        if n == 0 {
            return None;
        }
        pre_release = &after[..n];
        rest = &after[n..];
    }
    if let Some(after) = rest.strip_prefix('+') {
        let n = identifiers_len(after);
        if n == 0 {
            return None;
        }
        rest = &after[n..];
    }
    rest.trim_start_matches(char::is_whitespace)
        .is_empty()
        .then_some(pre_release)
}

fn go_quote(s: &str) -> String {
    crate::flags::go_values::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_version_keeps_kubectls_fields_and_parses_as_its_release() {
        let info = client_info();
        let keys: Vec<&str> = info.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "major",
                "minor",
                "gitVersion",
                "gitCommit",
                "gitTreeState",
                "buildDate",
                "goVersion",
                "compiler",
                "platform"
            ]
        );
        let git_version = text_of(&info, "gitVersion");
        assert!(git_version.starts_with("v1.37.1+kuddle."), "{git_version}");
        assert_eq!(parse_semantic(&git_version), Ok((1, 37)));
        assert!(text_of(&info, "goVersion").starts_with("rustc 1."));
    }

    #[test]
    fn semantic_versions_like_apimachinery() {
        assert_eq!(parse_semantic("v1.37.2"), Ok((1, 37)));
        assert_eq!(parse_semantic("1.30.4+k3s1"), Ok((1, 30)));
        assert_eq!(parse_semantic("v1.31.0-rc.1+abc"), Ok((1, 31)));
        assert_eq!(
            parse_semantic("v1.37"),
            Err("illegal version string \"v1.37\"".to_string())
        );
        assert_eq!(
            parse_semantic("vx"),
            Err("could not parse \"vx\" as version".to_string())
        );
        assert_eq!(
            parse_semantic("v1.02.3"),
            Err("illegal zero-prefixed version component \"02\" in \"v1.02.3\"".to_string())
        );
        assert_eq!(
            parse_semantic("v1.2.3_x"),
            Err("could not parse pre-release/metadata (_x) in version \"v1.2.3_x\"".to_string())
        );
        assert_eq!(
            parse_semantic("v1.2.3-01"),
            Err("illegal zero-prefixed version component \"01\" in \"v1.2.3-01\"".to_string())
        );
    }

    #[test]
    fn skew_beyond_one_minor_version_warns() {
        assert_eq!(skew_warning("v1.37.1", "v1.36.0").unwrap(), None);
        assert_eq!(skew_warning("v1.37.1", "v1.38.0").unwrap(), None);
        assert_eq!(
            skew_warning("v1.37.1+kuddle.0.1.0", "v1.35.9").unwrap().as_deref(),
            Some("version difference between client (1.37) and server (1.35) exceeds the supported minor version skew of +/-1")
        );
        assert!(skew_warning("v1.37.1", "v2.37.0").unwrap().is_some());
        assert_eq!(
            skew_warning("v1.37.1", "bogus").unwrap_err().to_string(),
            "server version error: could not parse \"bogus\" as version"
        );
    }

    #[test]
    fn server_fields_in_kubectls_order() {
        let body: Value = serde_json::from_str(
            r#"{"platform":"linux/amd64","gitVersion":"v1.30.0","major":"1","minor":"30","extra":"x"}"#,
        )
        .unwrap();
        let info = server_info(&body);
        let keys: Vec<&str> = info.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "major",
                "minor",
                "gitVersion",
                "gitCommit",
                "gitTreeState",
                "buildDate",
                "goVersion",
                "compiler",
                "platform"
            ]
        );
    }
}

//! What `config view` does to a loaded config before printing it:
//! `--minify` keeps one context, `--flatten` inlines referenced files, and
//! without `--raw` secrets are hidden.

use std::collections::BTreeMap;

use super::base64;
use super::gopath;
use super::model::Config;

/// Keeps only the current context and the cluster and user it names.
pub fn minify(config: &mut Config) -> Result<(), String> {
    if config.current_context.is_empty() {
        return Err("current-context must exist in order to minify".into());
    }
    let Some(context) = config.contexts.get(&config.current_context).cloned() else {
        return Err(format!("cannot locate context {}", config.current_context));
    };
    let mut clusters = BTreeMap::new();
    if !context.cluster.is_empty() {
        match config.clusters.remove(&context.cluster) {
            Some(c) => {
                clusters.insert(context.cluster.clone(), c);
            }
            None => return Err(format!("cannot locate cluster {}", context.cluster)),
        }
    }
    let mut users = BTreeMap::new();
    if !context.auth_info.is_empty() {
        match config.auth_infos.remove(&context.auth_info) {
            Some(u) => {
                users.insert(context.auth_info.clone(), u);
            }
            None => return Err(format!("cannot locate user {}", context.auth_info)),
        }
    }
    config.clusters = clusters;
    config.auth_infos = users;
    config.contexts = BTreeMap::from([(config.current_context.clone(), context)]);
    Ok(())
}

/// Hides certificate and key data (`DATA+OMITTED`), tokens and passwords
/// (`REDACTED`). Exec env, auth-provider config and usernames stay.
pub fn redact(config: &mut Config) {
    // kubectl stores bytes whose base64 form reads "DATA+OMITTED".
    let omitted = base64::decode_std(b"DATA+OMITTED").unwrap_or_default();
    for u in config.auth_infos.values_mut() {
        if !u.client_key_data.is_empty() {
            u.client_key_data = omitted.clone();
        }
        if !u.client_certificate_data.is_empty() {
            u.client_certificate_data = omitted.clone();
        }
        if !u.token.is_empty() {
            u.token = "REDACTED".into();
        }
        if !u.password.is_empty() {
            u.password = "REDACTED".into();
        }
    }
    for c in config.clusters.values_mut() {
        if !c.certificate_authority_data.is_empty() {
            c.certificate_authority_data = omitted.clone();
        }
    }
}

/// Replaces `client-certificate`, `client-key` and `certificate-authority`
/// paths by the files' contents, read relative to the folder of the file
/// that defined the entry. Token files stay references.
pub fn flatten(config: &mut Config) -> Result<(), String> {
    for u in config.auth_infos.values_mut() {
        let base = gopath::abs(&gopath::dir(&u.location_of_origin));
        inline(
            &mut u.client_certificate,
            &mut u.client_certificate_data,
            &base,
        )?;
        inline(&mut u.client_key, &mut u.client_key_data, &base)?;
    }
    for c in config.clusters.values_mut() {
        let base = gopath::abs(&gopath::dir(&c.location_of_origin));
        inline(
            &mut c.certificate_authority,
            &mut c.certificate_authority_data,
            &base,
        )?;
    }
    Ok(())
}

fn inline(path: &mut String, contents: &mut Vec<u8>, base: &str) -> Result<(), String> {
    if path.is_empty() {
        return Ok(());
    }
    if !contents.is_empty() {
        return Err("cannot have values for both path and contents".into());
    }
    let abs = if path.starts_with('/') {
        path.clone()
    } else {
        gopath::join(&[base, path])
    };
    *contents = std::fs::read(&abs).map_err(|e| {
        let op = if std::path::Path::new(&abs).is_dir() {
            "read"
        } else {
            "open"
        };
        gopath::path_error(op, &abs, &e)
    })?;
    path.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubeconfig::model::{AuthInfo, Cluster, Context};

    fn sample() -> Config {
        let mut c = Config::default();
        c.clusters.insert(
            "c1".into(),
            Cluster {
                certificate_authority_data: b"pem".to_vec(),
                ..Cluster::default()
            },
        );
        c.clusters.insert("c2".into(), Cluster::default());
        c.auth_infos.insert(
            "u1".into(),
            AuthInfo {
                token: "t".into(),
                password: "p".into(),
                username: "bob".into(),
                client_key_data: b"k".to_vec(),
                ..AuthInfo::default()
            },
        );
        c.contexts.insert(
            "x".into(),
            Context {
                cluster: "c1".into(),
                auth_info: "u1".into(),
                ..Context::default()
            },
        );
        c.contexts.insert("y".into(), Context::default());
        c
    }

    #[test]
    fn minify_keeps_the_current_context() {
        let mut c = sample();
        assert_eq!(
            minify(&mut c).unwrap_err(),
            "current-context must exist in order to minify"
        );
        c.current_context = "nope".into();
        assert_eq!(minify(&mut c).unwrap_err(), "cannot locate context nope");
        c.current_context = "x".into();
        minify(&mut c).unwrap();
        assert_eq!(c.clusters.keys().collect::<Vec<_>>(), ["c1"]);
        assert_eq!(c.contexts.len(), 1);
        let mut c = sample();
        c.current_context = "y".into();
        minify(&mut c).unwrap();
        assert!(c.clusters.is_empty() && c.auth_infos.is_empty());
    }

    #[test]
    fn redaction_hides_secrets_only() {
        let mut c = sample();
        redact(&mut c);
        let u = &c.auth_infos["u1"];
        assert_eq!(u.token, "REDACTED");
        assert_eq!(u.password, "REDACTED");
        assert_eq!(u.username, "bob");
        assert_eq!(base64::encode_std(&u.client_key_data), "DATA+OMITTED");
        assert_eq!(
            base64::encode_std(&c.clusters["c1"].certificate_authority_data),
            "DATA+OMITTED"
        );
    }

    #[test]
    fn flatten_refuses_path_and_data_together() {
        let mut c = sample();
        c.clusters.get_mut("c1").unwrap().certificate_authority = "ca".into();
        assert_eq!(
            flatten(&mut c).unwrap_err(),
            "cannot have values for both path and contents"
        );
    }
}

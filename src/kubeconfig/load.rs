//! Which kubeconfig files are read and how they merge (client-go's
//! `ClientConfigLoadingRules`):
//!
//! - `--kubeconfig PATH`: only that file; it must exist.
//! - else `KUBECONFIG`: a `:`-separated list, duplicates and empty entries
//!   dropped, missing files skipped.
//! - else `$HOME/.kube/config` (first copied from `~/.kube/.kubeconfig` if
//!   only that old name exists).
//!
//! For each cluster, user and context name the first file that defines it
//! wins the whole entry; `current-context` comes from the first file that
//! sets one.

use std::path::Path;

use super::decode::decode_config;
use super::gopath;
use super::model::Config;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadingRules {
    /// `--kubeconfig`, when given and not empty.
    pub explicit_path: Option<String>,
    /// The files to merge, first wins.
    pub precedence: Vec<String>,
    /// `(destination, source)`: copy source to destination first if only
    /// the source exists.
    pub migration: Option<(String, String)>,
    /// Make relative file references absolute against their file's folder
    /// (kubectl does this for commands that talk to a server, not for
    /// `config view`).
    pub resolve_paths: bool,
}

/// Why loading failed.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The `--kubeconfig` file does not exist: `stat PATH: no such file or
    /// directory`. `config view` shows an empty config instead.
    ExplicitMissing(String),
    /// One message per file that could not be read or parsed.
    Files(Vec<String>),
    /// The home file cannot be looked at (`stat …: not a directory`).
    Migrate(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::ExplicitMissing(msg) | LoadError::Migrate(msg) => write!(f, "{msg}"),
            LoadError::Files(msgs) if msgs.len() == 1 => write!(f, "{}", msgs[0]),
            LoadError::Files(msgs) => write!(f, "[{}]", msgs.join(", ")),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// kubectl's rendering: one failure is an `error: …` line, several are
    /// printed one per line without a prefix.
    pub fn into_cli_error(self) -> anyhow::Error {
        match self {
            LoadError::Files(msgs) if msgs.len() > 1 => {
                crate::error::CliError::Verbatim(msgs.join("\n")).into()
            }
            other => anyhow::anyhow!("{other}"),
        }
    }
}

/// Where the environment points: `KUBECONFIG` and `HOME`.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub kubeconfig: Option<String>,
    pub home: Option<String>,
}

impl Environment {
    pub fn from_process() -> Environment {
        Environment {
            kubeconfig: std::env::var("KUBECONFIG").ok(),
            home: std::env::var("HOME").ok(),
        }
    }

    /// `$HOME/.kube/config` (Go's `filepath.Join`, so an unset HOME gives
    /// the relative `.kube/config`).
    pub fn home_file(&self) -> String {
        gopath::join(&[self.home.as_deref().unwrap_or(""), ".kube", "config"])
    }

    fn old_home_file(&self) -> String {
        gopath::join(&[self.home.as_deref().unwrap_or(""), ".kube", ".kubeconfig"])
    }

    /// The `KUBECONFIG` list without duplicates (empty entries stay and are
    /// skipped when loading).
    pub fn kubeconfig_files(&self) -> Vec<String> {
        let Some(value) = self.kubeconfig.as_deref().filter(|v| !v.is_empty()) else {
            return Vec::new();
        };
        let mut seen = std::collections::HashSet::new();
        value
            .split(':')
            .filter(|p| seen.insert(p.to_string()))
            .map(str::to_string)
            .collect()
    }
}

impl LoadingRules {
    /// The rules kubectl uses: `--kubeconfig`, else `KUBECONFIG`, else the
    /// home file.
    pub fn new(explicit: Option<&str>, env: &Environment, resolve_paths: bool) -> LoadingRules {
        let files = env.kubeconfig_files();
        let precedence = if files.is_empty() {
            vec![env.home_file()]
        } else {
            files
        };
        LoadingRules {
            explicit_path: explicit.filter(|p| !p.is_empty()).map(str::to_string),
            precedence,
            migration: Some((env.home_file(), env.old_home_file())),
            resolve_paths,
        }
    }

    /// The files read, in order.
    pub fn files(&self) -> Vec<String> {
        match &self.explicit_path {
            Some(p) => vec![p.clone()],
            None => self.precedence.clone(),
        }
    }

    pub fn load(&self) -> Result<Config, LoadError> {
        self.migrate()?;
        if let Some(path) = &self.explicit_path {
            if let Err(e) = std::fs::metadata(path) {
                if e.kind() == std::io::ErrorKind::NotFound {
                    return Err(LoadError::ExplicitMissing(gopath::path_error(
                        "stat", path, &e,
                    )));
                }
            }
        }
        let mut errors = Vec::new();
        let mut configs = Vec::new();
        for file in self.files() {
            if file.is_empty() {
                continue;
            }
            match load_file(&file) {
                Ok(c) => configs.push(c),
                Err(FileError::Missing) => {}
                Err(FileError::Other(msg)) => {
                    errors.push(format!("error loading config file \"{file}\": {msg}"))
                }
            }
        }
        let mut merged = merge_all(configs);
        if self.resolve_paths {
            resolve_local_paths(&mut merged);
        }
        if errors.is_empty() {
            Ok(merged)
        } else {
            Err(LoadError::Files(errors))
        }
    }

    /// client-go's migration rule: copy the old home file to the new name
    /// when only the old one exists. Failures are ignored, as kubectl
    /// ignores missing or unreadable sources.
    fn migrate(&self) -> Result<(), LoadError> {
        let Some((dest, src)) = &self.migration else {
            return Ok(());
        };
        // Go's `Migrate`: a home file that cannot even be looked at (HOME
        // is a regular file: `stat …: not a directory`) is an error.
        let unusual = |e: &std::io::Error| {
            !matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            )
        };
        match std::fs::metadata(dest) {
            Ok(_) => return Ok(()),
            Err(e) if unusual(&e) => {
                return Err(LoadError::Migrate(gopath::path_error("stat", dest, &e)))
            }
            Err(_) => {}
        }
        let meta = match std::fs::metadata(src) {
            Ok(m) => m,
            Err(e) if unusual(&e) => {
                return Err(LoadError::Migrate(gopath::path_error("stat", src, &e)))
            }
            Err(_) => return Ok(()),
        };
        if meta.is_dir() {
            return Ok(());
        }
        if let Ok(data) = std::fs::read(src) {
            let _ = std::fs::write(dest, data);
        }
        Ok(())
    }
}

pub enum FileError {
    Missing,
    Other(String),
}

/// Reads and decodes one file, noting in every entry where it came from.
pub fn load_file(path: &str) -> Result<Config, FileError> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(FileError::Missing),
        Err(e) => {
            let op = if Path::new(path).is_dir() {
                "read"
            } else {
                "open"
            };
            return Err(FileError::Other(gopath::path_error(op, path, &e)));
        }
    };
    let mut config = decode_config(&data).map_err(FileError::Other)?;
    for c in config.clusters.values_mut() {
        c.location_of_origin = path.to_string();
    }
    for u in config.auth_infos.values_mut() {
        u.location_of_origin = path.to_string();
    }
    for c in config.contexts.values_mut() {
        c.location_of_origin = path.to_string();
    }
    Ok(config)
}

/// First file wins each named entry and each scalar; `colors` is on if any
/// file turns it on.
pub fn merge_all(configs: Vec<Config>) -> Config {
    let mut merged = Config::default();
    for c in configs {
        for (k, v) in c.clusters {
            merged.clusters.entry(k).or_insert(v);
        }
        for (k, v) in c.auth_infos {
            merged.auth_infos.entry(k).or_insert(v);
        }
        for (k, v) in c.contexts {
            merged.contexts.entry(k).or_insert(v);
        }
        for (k, v) in c.extensions {
            merged.extensions.entry(k).or_insert(v);
        }
        for (k, v) in c.preferences.extensions {
            merged.preferences.extensions.entry(k).or_insert(v);
        }
        if merged.current_context.is_empty() {
            merged.current_context = c.current_context;
        }
        merged.preferences.colors |= c.preferences.colors;
    }
    merged
}

/// Makes certificate, key, token file and exec command paths (the command
/// only when it contains a `/`) absolute against the folder of the file
/// that defined the entry.
pub fn resolve_local_paths(config: &mut Config) {
    for c in config.clusters.values_mut() {
        if c.location_of_origin.is_empty() {
            continue;
        }
        let base = gopath::abs(&gopath::dir(&c.location_of_origin));
        resolve(&mut c.certificate_authority, &base);
    }
    for u in config.auth_infos.values_mut() {
        if u.location_of_origin.is_empty() {
            continue;
        }
        let base = gopath::abs(&gopath::dir(&u.location_of_origin));
        resolve(&mut u.client_certificate, &base);
        resolve(&mut u.client_key, &base);
        resolve(&mut u.token_file, &base);
        if let Some(exec) = &mut u.exec {
            if exec.command.contains('/') {
                resolve(&mut exec.command, &base);
            }
        }
    }
}

fn resolve(path: &mut String, base: &str) {
    if !path.is_empty() && !path.starts_with('/') {
        *path = gopath::join(&[base, path]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubeconfig::model::{Cluster, Context};

    fn config(clusters: &[(&str, &str)], current: &str) -> Config {
        let mut c = Config::default();
        for (name, server) in clusters {
            c.clusters.insert(
                name.to_string(),
                Cluster {
                    server: server.to_string(),
                    ..Cluster::default()
                },
            );
        }
        c.contexts.insert(current.to_string(), Context::default());
        c.current_context = current.to_string();
        c
    }

    #[test]
    fn first_file_wins_whole_entries() {
        let merged = merge_all(vec![
            config(&[("shared", "https://one"), ("a", "https://a")], ""),
            config(&[("shared", "https://two"), ("b", "https://b")], "second"),
            config(&[], "third"),
        ]);
        assert_eq!(merged.clusters["shared"].server, "https://one");
        assert_eq!(merged.clusters.len(), 3);
        assert_eq!(merged.current_context, "second");
    }

    #[test]
    fn kubeconfig_list_drops_duplicates() {
        let env = Environment {
            kubeconfig: Some("a:b::a:c".into()),
            home: Some("/h".into()),
        };
        assert_eq!(env.kubeconfig_files(), ["a", "b", "", "c"]);
        let rules = LoadingRules::new(None, &env, false);
        assert_eq!(rules.files(), ["a", "b", "", "c"]);
        let rules = LoadingRules::new(Some("x"), &env, false);
        assert_eq!(rules.files(), ["x"]);
        let empty = Environment {
            kubeconfig: Some(String::new()),
            home: Some("/h".into()),
        };
        assert_eq!(
            LoadingRules::new(Some(""), &empty, false).files(),
            ["/h/.kube/config"]
        );
    }

    #[test]
    fn resolves_relative_references() {
        let mut c = Config::default();
        let mut u = crate::kubeconfig::model::AuthInfo {
            location_of_origin: "/cfg/dir/config".into(),
            client_certificate: "certs/../c.crt".into(),
            client_key: "/abs/key".into(),
            token_file: "tok".into(),
            ..Default::default()
        };
        u.exec = Some(crate::kubeconfig::model::ExecConfig {
            command: "plugin".into(),
            ..Default::default()
        });
        c.auth_infos.insert("u".into(), u.clone());
        u.exec = Some(crate::kubeconfig::model::ExecConfig {
            command: "./bin/plugin".into(),
            ..Default::default()
        });
        c.auth_infos.insert("v".into(), u);
        resolve_local_paths(&mut c);
        let u = &c.auth_infos["u"];
        assert_eq!(u.client_certificate, "/cfg/dir/c.crt");
        assert_eq!(u.client_key, "/abs/key");
        assert_eq!(u.token_file, "/cfg/dir/tok");
        assert_eq!(u.exec.as_ref().unwrap().command, "plugin");
        assert_eq!(
            c.auth_infos["v"].exec.as_ref().unwrap().command,
            "/cfg/dir/bin/plugin"
        );
    }

    #[test]
    fn several_file_errors_render_one_per_line() {
        let err = LoadError::Files(vec!["a".into(), "b".into()]);
        let mut buf = Vec::new();
        crate::error::render(&err.into_cli_error(), &mut buf);
        assert_eq!(String::from_utf8(buf).unwrap(), "a\nb\n");
    }
}

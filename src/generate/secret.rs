//! The Secrets `create secret generic|docker-registry|tls` build. Data
//! values are bytes, written base64-encoded.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Map, Value};

use super::object_meta;
use super::sources::{parse_literal_source, read_env_files, read_file_sources};
use super::validation::config_map_key_errors;
use crate::flags::go_values::go_quote;

/// The key a docker-registry secret keeps its configuration under.
pub const DOCKER_CONFIG_JSON_KEY: &str = ".dockerconfigjson";

/// A Secret's name, type and data, as the generators fill them.
pub struct Secret<'a> {
    pub name: &'a str,
    /// Set only when the user gave `-n`.
    pub namespace: Option<&'a str>,
    pub secret_type: &'a str,
    pub data: BTreeMap<String, Vec<u8>>,
}

impl Secret<'_> {
    /// Adds a key, refusing invalid names and duplicates.
    fn add(&mut self, key: &str, value: Vec<u8>) -> Result<(), String> {
        let errors = config_map_key_errors(key);
        if !errors.is_empty() {
            return Err(format!(
                "{} is not valid key name for a Secret {}",
                go_quote(key),
                errors.join(";")
            ));
        }
        if self.data.contains_key(key) {
            return Err(format!(
                "cannot add key {key}, another key by that name already exists"
            ));
        }
        self.data.insert(key.to_string(), value);
        Ok(())
    }

    /// Adds every `--from-file` source.
    fn add_file_sources(&mut self, sources: &[String]) -> Result<(), String> {
        read_file_sources(sources, &mut |key, content| self.add(key, content))
    }

    /// The Secret object; with `append_hash` its name ends in the hash of
    /// its contents.
    pub fn build(&self, append_hash: bool) -> Value {
        let data = Value::Object(
            self.data
                .iter()
                .map(|(k, v)| {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(v);
                    (k.clone(), Value::String(encoded))
                })
                .collect(),
        );
        let name = if append_hash {
            format!(
                "{}-{}",
                self.name,
                super::hash::secret_hash(self.name, self.secret_type, &data)
            )
        } else {
            self.name.to_string()
        };
        let mut obj = Map::new();
        obj.insert("kind".into(), "Secret".into());
        obj.insert("apiVersion".into(), "v1".into());
        obj.insert(
            "metadata".into(),
            object_meta(&name, self.namespace, &BTreeMap::new(), &BTreeMap::new()),
        );
        if !self.data.is_empty() {
            obj.insert("data".into(), data);
        }
        if !self.secret_type.is_empty() {
            obj.insert("type".into(), self.secret_type.into());
        }
        Value::Object(obj)
    }
}

/// `create secret generic`'s sources.
pub struct GenericSources<'a> {
    pub from_file: &'a [String],
    pub from_literal: &'a [String],
    pub from_env_file: &'a [String],
}

impl GenericSources<'_> {
    /// kubectl's `Validate`: env files stand alone.
    pub fn validate(&self) -> Result<(), String> {
        if !self.from_env_file.is_empty()
            && (!self.from_file.is_empty() || !self.from_literal.is_empty())
        {
            return Err("from-env-file cannot be combined with from-file or from-literal".into());
        }
        Ok(())
    }

    /// Literals first, then files, then env files.
    pub fn fill(&self, secret: &mut Secret) -> Result<(), String> {
        for source in self.from_literal {
            let (key, value) = parse_literal_source(source)?;
            secret.add(&key, value.into_bytes())?;
        }
        secret.add_file_sources(self.from_file)?;
        read_env_files(
            self.from_env_file,
            "env secret file cannot be a directory",
            &mut |key, value| secret.add(key, value.as_bytes().to_vec()),
        )
    }
}

/// `create secret docker-registry`'s inputs.
pub struct DockerRegistry<'a> {
    /// Already prefixed with `.dockerconfigjson=` where no key was given.
    pub from_file: &'a [String],
    pub username: &'a str,
    pub password: &'a str,
    pub email: &'a str,
    pub server: &'a str,
}

impl DockerRegistry<'_> {
    pub fn validate(&self) -> Result<(), String> {
        if self.from_file.is_empty()
            && (self.username.is_empty() || self.password.is_empty() || self.server.is_empty())
        {
            return Err("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
        }
        Ok(())
    }

    /// The files given, or a `.dockerconfigjson` made from the credentials.
    pub fn fill(&self, secret: &mut Secret) -> Result<(), String> {
        if !self.from_file.is_empty() {
            return secret.add_file_sources(self.from_file);
        }
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password));
        let mut entry = Map::new();
        for (key, value) in [
            ("username", self.username),
            ("password", self.password),
            ("email", self.email),
            ("auth", auth.as_str()),
        ] {
            if !value.is_empty() {
                entry.insert(key.into(), value.into());
            }
        }
        let mut auths = Map::new();
        auths.insert(self.server.to_string(), Value::Object(entry));
        let mut config = Map::new();
        config.insert("auths".into(), Value::Object(auths));
        let encoded = crate::printers::json::to_string_compact(&Value::Object(config));
        secret
            .data
            .insert(DOCKER_CONFIG_JSON_KEY.to_string(), encoded.into_bytes());
        Ok(())
    }
}

/// `create secret tls`: the certificate and key files, checked to be a
/// matching pair as Go's `tls.X509KeyPair` checks them.
pub fn fill_tls(secret: &mut Secret, cert_path: &str, key_path: &str) -> Result<(), String> {
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| {
            let cause = if e.raw_os_error() == Some(21) {
                format!("read {path}: is a directory")
            } else {
                format!("open {path}: {}", crate::printers::gofmt::errno_text(&e))
            };
            format!("Cannot read file {path}, {cause}")
        })
    };
    let cert = read(cert_path)?;
    let key = read(key_path)?;
    super::x509::check_key_pair(&cert, &key)?;
    secret.data.insert("tls.crt".into(), cert);
    secret.data.insert("tls.key".into(), key);
    Ok(())
}

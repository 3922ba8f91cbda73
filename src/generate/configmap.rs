//! The ConfigMap `create configmap` builds from literals, files, folders
//! and env files. Text that is valid UTF-8 goes to `data`, anything else to
//! `binaryData`.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Map, Value};

use super::object_meta;
use super::sources::{parse_literal_source, read_env_files, read_file_sources};
use super::validation::config_map_key_errors;
use crate::flags::go_values::go_quote;

pub struct ConfigMapSpec<'a> {
    pub name: &'a str,
    /// Set only when the user gave `-n`.
    pub namespace: Option<&'a str>,
    pub from_file: &'a [String],
    pub from_literal: &'a [String],
    pub from_env_file: &'a [String],
    pub append_hash: bool,
}

/// The data being collected, with kubectl's checks on each new key.
struct Collected<'a> {
    name: &'a str,
    data: BTreeMap<String, String>,
    binary: BTreeMap<String, Vec<u8>>,
}

impl Collected<'_> {
    fn check(&self, key: &str) -> Result<(), String> {
        let errors = config_map_key_errors(key);
        if !errors.is_empty() {
            return Err(format!(
                "{} is not a valid key name for a ConfigMap: {}",
                go_quote(key),
                errors.join(",")
            ));
        }
        if self.data.contains_key(key) {
            return Err(format!(
                "cannot add key {}, another key by that name already exists in Data for ConfigMap {}",
                go_quote(key),
                go_quote(self.name)
            ));
        }
        if self.binary.contains_key(key) {
            return Err(format!(
                "cannot add key {}, another key by that name already exists in BinaryData for ConfigMap {}",
                go_quote(key),
                go_quote(self.name)
            ));
        }
        Ok(())
    }

    fn add_text(&mut self, key: &str, value: &str) -> Result<(), String> {
        self.check(key)?;
        self.data.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn add_file(&mut self, key: &str, content: Vec<u8>) -> Result<(), String> {
        match String::from_utf8(content) {
            Ok(text) => self.add_text(key, &text),
            Err(e) => {
                self.check(key)?;
                self.binary.insert(key.to_string(), e.into_bytes());
                Ok(())
            }
        }
    }
}

impl ConfigMapSpec<'_> {
    /// kubectl's `Validate`: env files stand alone.
    pub fn validate(&self) -> Result<(), String> {
        if !self.from_env_file.is_empty()
            && (!self.from_file.is_empty() || !self.from_literal.is_empty())
        {
            return Err("from-env-file cannot be combined with from-file or from-literal".into());
        }
        Ok(())
    }

    /// Reads the sources (files first, then literals, then env files) and
    /// builds the ConfigMap.
    pub fn build(&self) -> Result<Value, String> {
        let mut collected = Collected {
            name: self.name,
            data: BTreeMap::new(),
            binary: BTreeMap::new(),
        };
        read_file_sources(self.from_file, &mut |key, content| {
            collected.add_file(key, content)
        })?;
        for source in self.from_literal {
            let (key, value) = parse_literal_source(source)?;
            collected.add_text(&key, &value)?;
        }
        read_env_files(
            self.from_env_file,
            "env config file cannot be a directory",
            &mut |key, value| collected.add_text(key, value),
        )?;
        let data = super::string_map(&collected.data);
        let binary = Value::Object(
            collected
                .binary
                .iter()
                .map(|(k, v)| {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(v);
                    (k.clone(), Value::String(encoded))
                })
                .collect(),
        );
        let name = if self.append_hash {
            format!(
                "{}-{}",
                self.name,
                super::hash::config_map_hash(self.name, &data, &binary)
            )
        } else {
            self.name.to_string()
        };
        let mut obj = Map::new();
        obj.insert("kind".into(), "ConfigMap".into());
        obj.insert("apiVersion".into(), "v1".into());
        obj.insert(
            "metadata".into(),
            object_meta(&name, self.namespace, &BTreeMap::new(), &BTreeMap::new()),
        );
        if !collected.data.is_empty() {
            obj.insert("data".into(), data);
        }
        if !collected.binary.is_empty() {
            obj.insert("binaryData".into(), binary);
        }
        Ok(Value::Object(obj))
    }
}

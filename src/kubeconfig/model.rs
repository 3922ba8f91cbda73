//! The kubeconfig as kubectl holds it after loading (client-go's internal
//! `clientcmd/api` types): named maps instead of lists, byte fields decoded,
//! and the file each entry came from.
//!
//! Maps are `BTreeMap`s: kubectl writes them back sorted by name. Fields
//! whose `null` and empty forms print differently (`args: null` versus
//! `args: []`) are `Option`s.

use std::collections::BTreeMap;

use serde_json::Value;

/// Extensions by name; `None` is an extension whose value was `null`.
pub type Extensions = BTreeMap<String, Option<Value>>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub preferences: Preferences,
    pub clusters: BTreeMap<String, Cluster>,
    /// The `users` section.
    pub auth_infos: BTreeMap<String, AuthInfo>,
    pub contexts: BTreeMap<String, Context>,
    pub current_context: String,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preferences {
    pub colors: bool,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cluster {
    /// The file this entry was read from, as its path was given.
    pub location_of_origin: String,
    pub server: String,
    pub tls_server_name: String,
    pub insecure_skip_tls_verify: bool,
    pub certificate_authority: String,
    pub certificate_authority_data: Vec<u8>,
    pub proxy_url: String,
    pub disable_compression: bool,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthInfo {
    pub location_of_origin: String,
    pub client_certificate: String,
    pub client_certificate_data: Vec<u8>,
    pub client_key: String,
    pub client_key_data: Vec<u8>,
    pub token: String,
    pub token_file: String,
    /// `as`: the user to impersonate.
    pub impersonate: String,
    pub impersonate_uid: String,
    pub impersonate_groups: Vec<String>,
    /// `as-user-extra`; `None` values were `null`.
    pub impersonate_user_extra: BTreeMap<String, Option<Vec<String>>>,
    pub username: String,
    pub password: String,
    pub auth_provider: Option<AuthProviderConfig>,
    pub exec: Option<ExecConfig>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub location_of_origin: String,
    pub cluster: String,
    /// The `user` field: the name of an entry in `users`.
    pub auth_info: String,
    pub namespace: String,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthProviderConfig {
    pub name: String,
    /// `None` prints as `config: null`.
    pub config: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecConfig {
    pub command: String,
    pub args: Option<Vec<String>>,
    pub env: Option<Vec<ExecEnvVar>>,
    pub api_version: String,
    pub install_hint: String,
    pub provide_cluster_info: bool,
    /// `Never`, `IfAvailable` or `Always` (other values load but fail
    /// validation when used).
    pub interactive_mode: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecEnvVar {
    pub name: String,
    pub value: String,
}

impl Config {
    /// client-go's `IsConfigEmpty`.
    pub fn is_empty(&self) -> bool {
        self.auth_infos.is_empty()
            && self.clusters.is_empty()
            && self.contexts.is_empty()
            && self.current_context.is_empty()
            && self.preferences.extensions.is_empty()
            && !self.preferences.colors
            && self.extensions.is_empty()
    }
}

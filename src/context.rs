//! What one invocation works with: the global flags, the output streams, the
//! command path for usage hints, and (lazily) the kubeconfig and client.

use std::io::Write;

use anyhow::Result;

use crate::flags::GlobalFlags;
use crate::kubeconfig::ResolvedConfig;
use crate::kubeconfig::{ClientConfig, Config, Environment, InCluster, LoadingRules, Overrides};

pub struct Context {
    pub global: GlobalFlags,
    /// Results go here (buffered; a broken pipe ends the program quietly).
    pub out: Box<dyn Write>,
    /// Warnings and errors go here.
    pub err: Box<dyn Write>,
    /// `kuddle create deployment`: the words usage errors point at.
    pub cmd_path: String,
    /// The merged kubeconfig, loaded on first use (paths resolved against
    /// their files, as for every command that talks to a server).
    kubeconfig: Option<Config>,
}

impl Context {
    pub fn new(
        global: GlobalFlags,
        out: Box<dyn Write>,
        err: Box<dyn Write>,
        cmd_path: String,
    ) -> Context {
        Context {
            global,
            out,
            err,
            cmd_path,
            kubeconfig: None,
        }
    }

    /// The merged kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else
    /// `~/.kube/config`), read once per invocation. A missing
    /// `--kubeconfig` file is an error here (`stat …: no such file or
    /// directory`), as for every kubectl command but `config`.
    pub fn kubeconfig(&mut self) -> Result<&Config> {
        if self.kubeconfig.is_none() {
            let rules = LoadingRules::new(
                self.global.kubeconfig.as_deref(),
                &Environment::from_process(),
                true,
            );
            let loaded = rules.load().map_err(|e| e.into_cli_error())?;
            self.kubeconfig = Some(loaded);
        }
        Ok(self.kubeconfig.get_or_insert_with(Config::default))
    }

    /// The kubeconfig with this invocation's flags on top.
    pub fn client_config_loader(&mut self) -> Result<ClientConfig> {
        let config = self.kubeconfig()?.clone();
        let master = std::env::var("KUBERNETES_MASTER").ok();
        let overrides = Overrides::from_flags(&self.global, master.as_deref());
        Ok(ClientConfig::new(
            config,
            overrides,
            InCluster::from_process(),
        ))
    }

    /// Server, credentials and namespace for requests, or kubectl's
    /// configuration error (`error: context "x" does not exist`, …). Verbs
    /// that build a client call this first, as kubectl's do.
    ///
    /// Like kubectl, a TLS server with no credentials at all makes it ask
    /// for a username and password (`Please enter Username: ` on stdout).
    pub fn client_config(&mut self) -> Result<ResolvedConfig> {
        let mut resolved = self.client_config_loader()?.client_config()?;
        if resolved.is_tls() && !resolved.can_identify_user() {
            self.prompt_for_basic_auth(&mut resolved)?;
        }
        Ok(resolved)
    }

    /// client-go's prompting auth loader: the username is the next word on
    /// stdin, the password is read only from a terminal.
    fn prompt_for_basic_auth(&mut self, resolved: &mut ResolvedConfig) -> Result<()> {
        use std::io::{IsTerminal, Read};
        write!(self.out, "Please enter Username: ")?;
        self.out.flush()?;
        let stdin = std::io::stdin();
        let mut word = Vec::new();
        for byte in stdin.lock().bytes() {
            let byte = byte?;
            if byte.is_ascii_whitespace() {
                if word.is_empty() {
                    continue;
                }
                break;
            }
            word.push(byte);
        }
        if word.is_empty() {
            anyhow::bail!("EOF");
        }
        write!(self.out, "Please enter Password: ")?;
        self.out.flush()?;
        if !stdin.is_terminal() {
            anyhow::bail!("error reading input for Password");
        }
        // Read as a line; kubectl turns echo off here.
        let mut password = String::new();
        stdin.read_line(&mut password)?;
        resolved.username = String::from_utf8_lossy(&word).into_owned();
        resolved.password = password.trim_end_matches(['\r', '\n']).to_string();
        Ok(())
    }

    /// The namespace and whether `-n` gave it; verbs that start from the
    /// namespace (get, describe, …) call this first, which decides the
    /// error for a broken config (`Error in configuration: …`).
    pub fn namespace(&mut self) -> Result<(String, bool)> {
        self.client_config_loader()?.namespace()
    }
}

/// A warning in klog's layout, which kubectl uses for some notices:
/// `W1127 06:43:04.189181    5414 helpers.go:728] message`.
pub fn klog_warning(err: &mut dyn Write, location: &str, message: &str) {
    let now = chrono::Local::now();
    let _ = writeln!(
        err,
        "W{} {:>7} {location}] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
}

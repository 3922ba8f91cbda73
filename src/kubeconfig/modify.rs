//! Writing kubeconfig changes back where kubectl writes them (client-go's
//! `PathOptions` and `ModifyConfig`).
//!
//! A `config` subcommand loads the merged config ([`PathOptions::starting_config`]),
//! changes it, and hands the result to [`modify_config`], which:
//!
//! - locks every file of the loading precedence (`<file>.lock`, created
//!   exclusively, removed at the end; a lock already there is the error
//!   `open <file>.lock: file exists`);
//! - loads the merged config again and compares;
//! - writes a changed `current-context` to the `--kubeconfig` file, else to
//!   the default file (the single `KUBECONFIG` file, else its first existing
//!   file, else its last one, else `~/.kube/config`); an emptied one is
//!   cleared in the first file that sets one;
//! - writes changed preferences to the first file whose preferences differ;
//! - writes each changed or new cluster, context and user to the file it
//!   came from (new ones to the default file), and removes deleted ones
//!   from theirs.
//!
//! Every write reads its file afresh, changes one thing and writes the whole
//! file back in kubectl's layout (mode 0600 for a new file, folders made as
//! needed), so a failed write leaves that file as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

use super::encode;
use super::gopath;
use super::load::{self, Environment, LoadError, LoadingRules};
use super::model::{AuthInfo, Cluster, Config};

/// Where a `config` subcommand reads and writes: `--kubeconfig`, else the
/// `KUBECONFIG` list, else `~/.kube/config`.
#[derive(Debug, Clone)]
pub struct PathOptions {
    explicit: Option<String>,
    env: Environment,
}

impl PathOptions {
    pub fn new(explicit: Option<&str>, env: Environment) -> PathOptions {
        PathOptions {
            explicit: explicit.filter(|p| !p.is_empty()).map(str::to_string),
            env,
        }
    }

    pub fn from_process(explicit: Option<&str>) -> PathOptions {
        PathOptions::new(explicit, Environment::from_process())
    }

    pub fn explicit_file(&self) -> Option<&str> {
        self.explicit.as_deref()
    }

    /// The files read, first wins.
    pub fn loading_precedence(&self) -> Vec<String> {
        if let Some(p) = &self.explicit {
            return vec![p.clone()];
        }
        let files = self.env.kubeconfig_files();
        if files.is_empty() {
            vec![self.env.home_file()]
        } else {
            files
        }
    }

    /// Where new entries go: the explicit file, the only `KUBECONFIG` file,
    /// its first existing file, or (none existing) its last one; else the
    /// home file.
    pub fn default_filename(&self) -> String {
        if let Some(p) = &self.explicit {
            return p.clone();
        }
        let files = self.env.kubeconfig_files();
        match files.len() {
            0 => self.env.home_file(),
            1 => files[0].clone(),
            _ => files
                .iter()
                .find(|f| std::fs::metadata(f).is_ok())
                .unwrap_or(&files[files.len() - 1])
                .clone(),
        }
    }

    /// The merged config with paths as written; a missing `--kubeconfig`
    /// file is an empty config.
    pub fn starting_config(&self) -> anyhow::Result<Config> {
        let rules = LoadingRules::new(self.explicit.as_deref(), &self.env, false);
        match rules.load() {
            Ok(c) => Ok(c),
            Err(LoadError::ExplicitMissing(_)) => Ok(Config::default()),
            Err(e) => Err(e.into_cli_error()),
        }
    }
}

/// Changes whose effect a field-by-field comparison cannot see: unsetting a
/// map-valued field replaces Go's empty map by nil (or nil by an empty one),
/// which client-go's `reflect.DeepEqual` counts as a change, so the entry's
/// file is written again.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    pub preferences: bool,
    pub clusters: BTreeSet<String>,
    pub auth_infos: BTreeSet<String>,
    pub contexts: BTreeSet<String>,
}

/// client-go's `ModifyConfig`: writes the difference between the merged
/// config and `new` to the files it belongs in. With `relativize`, file
/// references of the clusters and users written are made relative to their
/// file's folder when they lie under it.
pub fn modify_config(
    access: &PathOptions,
    new: &Config,
    relativize: bool,
    touched: &Touched,
) -> anyhow::Result<()> {
    let mut sources = access.loading_precedence();
    sources.sort();
    let mut locks = Locks::default();
    for file in &sources {
        locks.lock(file)?;
    }
    let start = access.starting_config()?;
    let touched_any = touched.preferences
        || !touched.clusters.is_empty()
        || !touched.auth_infos.is_empty()
        || !touched.contexts.is_empty();
    if start == *new && !touched_any {
        return Ok(());
    }
    if start.current_context != new.current_context {
        write_current_context(access, &new.current_context)?;
    }
    if start.preferences != new.preferences || touched.preferences {
        write_preferences(access, new, touched.preferences)?;
    }
    for (name, cluster) in &new.clusters {
        if start.clusters.get(name) != Some(cluster) || touched.clusters.contains(name) {
            let dest = destination(access, &cluster.location_of_origin);
            let mut file = config_from_file(&dest)?;
            let mut written = cluster.clone();
            written.location_of_origin = dest.clone();
            if relativize {
                relativize_cluster(&mut written);
            }
            file.clusters.insert(name.clone(), written);
            write_to_file(&file, &dest)?;
        }
    }
    // Contexts are gathered per file and written once each.
    let mut context_files: BTreeMap<String, Config> = BTreeMap::new();
    for (name, context) in &new.contexts {
        if start.contexts.get(name) != Some(context) || touched.contexts.contains(name) {
            let dest = destination(access, &context.location_of_origin);
            if !context_files.contains_key(&dest) {
                let file = config_from_file(&dest)?;
                context_files.insert(dest.clone(), file);
            }
            if let Some(file) = context_files.get_mut(&dest) {
                file.contexts.insert(name.clone(), context.clone());
            }
        }
    }
    for (dest, file) in &context_files {
        write_to_file(file, dest)?;
    }
    for (name, user) in &new.auth_infos {
        if start.auth_infos.get(name) != Some(user) || touched.auth_infos.contains(name) {
            let dest = destination(access, &user.location_of_origin);
            let mut file = config_from_file(&dest)?;
            let mut written = user.clone();
            written.location_of_origin = dest.clone();
            if relativize {
                relativize_auth_info(&mut written);
            }
            file.auth_infos.insert(name.clone(), written);
            write_to_file(&file, &dest)?;
        }
    }
    for (name, cluster) in &start.clusters {
        if !new.clusters.contains_key(name) {
            let dest = destination(access, &cluster.location_of_origin);
            let mut file = config_from_file(&dest)?;
            file.clusters.remove(name);
            write_to_file(&file, &dest)?;
        }
    }
    for (name, context) in &start.contexts {
        if !new.contexts.contains_key(name) {
            let dest = destination(access, &context.location_of_origin);
            let mut file = config_from_file(&dest)?;
            file.contexts.remove(name);
            write_to_file(&file, &dest)?;
        }
    }
    for (name, user) in &start.auth_infos {
        if !new.auth_infos.contains_key(name) {
            let dest = destination(access, &user.location_of_origin);
            let mut file = config_from_file(&dest)?;
            file.auth_infos.remove(name);
            write_to_file(&file, &dest)?;
        }
    }
    Ok(())
}

fn destination(access: &PathOptions, origin: &str) -> String {
    if origin.is_empty() {
        access.default_filename()
    } else {
        origin.to_string()
    }
}

fn write_current_context(access: &PathOptions, context: &str) -> anyhow::Result<()> {
    if let Some(file) = access.explicit_file() {
        let mut config = config_from_file(file)?;
        config.current_context = context.to_string();
        return write_to_file(&config, file);
    }
    if !context.is_empty() {
        let dest = access.default_filename();
        let mut config = config_from_file(&dest)?;
        config.current_context = context.to_string();
        return write_to_file(&config, &dest);
    }
    for file in access.loading_precedence() {
        if std::fs::metadata(&file).is_ok() {
            let mut config = config_from_file(&file)?;
            if !config.current_context.is_empty() {
                config.current_context.clear();
                return write_to_file(&config, &file);
            }
        }
    }
    anyhow::bail!("no config found to write context")
}

fn write_preferences(access: &PathOptions, new: &Config, touched: bool) -> anyhow::Result<()> {
    if let Some(file) = access.explicit_file() {
        let mut config = config_from_file(file)?;
        config.preferences = new.preferences.clone();
        return write_to_file(&config, file);
    }
    for file in access.loading_precedence() {
        let mut config = config_from_file(&file)?;
        if config.preferences != new.preferences || touched {
            config.preferences = new.preferences.clone();
            return write_to_file(&config, &file);
        }
    }
    anyhow::bail!("no config found to write preferences")
}

/// One file as it is on disk (empty when missing), entries marked with it.
fn config_from_file(path: &str) -> anyhow::Result<Config> {
    match load::load_file(path) {
        Ok(c) => Ok(c),
        Err(load::FileError::Missing) => Ok(Config::default()),
        Err(load::FileError::Other(msg)) => Err(anyhow::Error::msg(msg)),
    }
}

/// client-go's `WriteToFile`: the folder made if missing (0755), the file
/// truncated and written (0600 when new).
pub fn write_to_file(config: &Config, path: &str) -> anyhow::Result<()> {
    let content = encode::to_file_bytes(config)?;
    make_parent(path)?;
    let mut file = open_for_write(path, 0o600)?;
    file.write_all(&content)
        .map_err(|e| anyhow::Error::msg(gopath::path_error("write", path, &e)))?;
    Ok(())
}

/// Go's `os.MkdirAll(filepath.Dir(path), 0755)` when the folder is missing.
pub fn make_parent(path: &str) -> anyhow::Result<()> {
    let dir = gopath::dir(path);
    if let Err(e) = std::fs::metadata(&dir) {
        if e.kind() == std::io::ErrorKind::NotFound {
            mkdir_all(&dir, 0o755)?;
        }
    }
    Ok(())
}

/// Go's `os.MkdirAll`, with its error wording (`mkdir /x: permission denied`).
pub fn mkdir_all(dir: &str, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            anyhow::bail!("mkdir {dir}: not a directory")
        }
        Err(_) => {}
    }
    let parent = gopath::dir(dir);
    if parent != dir && parent != "." && parent != "/" {
        mkdir_all(&parent, mode)?;
    }
    match std::fs::DirBuilder::new().mode(mode).create(dir) {
        Ok(()) => Ok(()),
        // Made meanwhile by someone else: fine, as in Go.
        Err(_) if std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) => Ok(()),
        Err(e) => Err(anyhow::Error::msg(gopath::path_error("mkdir", dir, &e))),
    }
}

/// `os.OpenFile(path, O_WRONLY|O_CREATE|O_TRUNC, mode)`.
pub fn open_for_write(path: &str, mode: u32) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .map_err(|e| anyhow::Error::msg(gopath::path_error("open", path, &e)))
}

/// The lock files taken so far, removed when dropped.
#[derive(Default)]
struct Locks(Vec<String>);

impl Locks {
    fn lock(&mut self, file: &str) -> anyhow::Result<()> {
        make_parent(file)?;
        let name = format!("{file}.lock");
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o000)
            .open(&name)
            .map_err(|e| anyhow::Error::msg(gopath::path_error("open", &name, &e)))?;
        self.0.push(name);
        Ok(())
    }
}

impl Drop for Locks {
    fn drop(&mut self) {
        for name in self.0.iter().rev() {
            let _ = std::fs::remove_file(name);
        }
    }
}

fn relativize_cluster(c: &mut Cluster) {
    let base = gopath::abs(&gopath::dir(&c.location_of_origin));
    relativize(&mut c.certificate_authority, &base);
}

fn relativize_auth_info(u: &mut AuthInfo) {
    let base = gopath::abs(&gopath::dir(&u.location_of_origin));
    relativize(&mut u.client_certificate, &base);
    relativize(&mut u.client_key, &base);
    relativize(&mut u.token_file, &base);
    if let Some(exec) = &mut u.exec {
        if exec.command.contains('/') {
            relativize(&mut exec.command, &base);
        }
    }
}

/// client-go's `ResolvePaths` then `RelativizePathWithNoBacksteps`: a path
/// under `base` becomes relative to it; one outside stays absolute.
fn relativize(path: &mut String, base: &str) {
    if path.is_empty() {
        return;
    }
    let abs = if path.starts_with('/') {
        path.clone()
    } else {
        gopath::join(&[base, path])
    };
    let rel = gopath::rel(base, &abs).unwrap_or_else(|| abs.clone());
    *path = if rel.starts_with("../") { abs } else { rel };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(explicit: Option<&str>, kubeconfig: Option<&str>) -> PathOptions {
        PathOptions::new(
            explicit,
            Environment {
                kubeconfig: kubeconfig.map(str::to_string),
                home: Some("/h".into()),
            },
        )
    }

    #[test]
    fn default_file_follows_the_loading_rules() {
        assert_eq!(options(Some("/x"), Some("/a:/b")).default_filename(), "/x");
        assert_eq!(options(None, None).default_filename(), "/h/.kube/config");
        assert_eq!(options(None, Some("/a")).default_filename(), "/a");
        // Neither exists: the last one.
        assert_eq!(
            options(None, Some("/nonexistent/a:/nonexistent/b")).default_filename(),
            "/nonexistent/b"
        );
        assert_eq!(
            options(None, Some("/nonexistent/a:/:/nonexistent/b")).default_filename(),
            "/"
        );
        assert_eq!(
            options(None, Some("/a:/b:/a")).loading_precedence(),
            ["/a", "/b"]
        );
    }

    #[test]
    fn relative_references_under_the_file_folder() {
        let mut p = "/cfg/certs/ca.crt".to_string();
        relativize(&mut p, "/cfg");
        assert_eq!(p, "certs/ca.crt");
        let mut p = "certs/../ca.crt".to_string();
        relativize(&mut p, "/cfg");
        assert_eq!(p, "ca.crt");
        let mut p = "/etc/ca.crt".to_string();
        relativize(&mut p, "/cfg");
        assert_eq!(p, "/etc/ca.crt");
        let mut p = "../x".to_string();
        relativize(&mut p, "/cfg/a");
        assert_eq!(p, "/cfg/x");
        let mut p = "/cfg".to_string();
        relativize(&mut p, "/cfg");
        assert_eq!(p, ".");
    }
}

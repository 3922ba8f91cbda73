//! What the server serves, from aggregated discovery (`/api`, `/apis`), cached
//! on disk exactly where and how kubectl caches it, so both share one cache:
//! `<cache-dir>/discovery/<host_port>/servergroups.json` and
//! `<group>/<version>/serverresources.json`, valid for six hours.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cache_writer::CacheFiles;
use crate::client::{ApiClient, ApiError};

const TTL: Duration = Duration::from_secs(6 * 3600);

const ACCEPT_AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// One resource (or `resource/subresource`) in a group version, as
/// `metav1.APIResource`.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    pub name: String,
    #[serde(default)]
    pub singular_name: String,
    #[serde(default)]
    pub namespaced: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub verbs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub short_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiResourceList {
    kind: String,
    api_version: String,
    group_version: String,
    #[serde(default)]
    resources: Vec<ApiResource>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupVersionForDiscovery {
    group_version: String,
    version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiGroupJson {
    name: String,
    versions: Vec<GroupVersionForDiscovery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_version: Option<GroupVersionForDiscovery>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiGroupList {
    kind: String,
    api_version: String,
    groups: Vec<ApiGroupJson>,
}

/// A group with its versions, preferred first as the server lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiGroup {
    /// `""` for the core group.
    pub name: String,
    /// Versions in server order (the preferred one first).
    pub versions: Vec<String>,
    pub preferred_version: String,
}

/// Everything discovery says, in server order (core group first).
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub groups: Vec<ApiGroup>,
    /// `(group, version)` → resources, in the server's order.
    pub resources: Vec<((String, String), Vec<ApiResource>)>,
    /// True when this came from the server during this invocation.
    pub fresh: bool,
}

impl Discovery {
    pub fn resources_for(&self, group: &str, version: &str) -> &[ApiResource] {
        self.resources
            .iter()
            .find(|((g, v), _)| g == group && v == version)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }

    /// Reads the disk cache if it is complete and fresh, else asks the server
    /// and rewrites the cache.
    pub async fn load(
        client: &ApiClient,
        cache_dir: &Path,
        server: &str,
    ) -> Result<Discovery, ApiError> {
        let dir = cache_dir_for(cache_dir, server);
        if let Some(cached) = read_cache(&dir) {
            return Ok(cached);
        }
        Discovery::fetch(client, &dir).await
    }

    /// Asks the server and rewrites the cache (used after a cache miss).
    pub async fn fetch(client: &ApiClient, dir: &Path) -> Result<Discovery, ApiError> {
        // client-go's discovery client gives up after 32 s unless
        // --request-timeout says otherwise.
        let client = &client.with_default_timeout(crate::client::DISCOVERY_TIMEOUT);
        // client-go reads discovery failures from the status code alone.
        let get = |path: &'static str| async move {
            client
                .send(http::Method::GET, path, ACCEPT_AGGREGATED, None, Vec::new())
                .await
                .map_err(ApiError::generic_for_code)
        };
        // kubectl's memory cache logs a failed discovery request before the
        // command reports the error.
        let failed = |e: ApiError, path: &str| {
            let text = match &e {
                ApiError::Connection { detail, .. } => {
                    format!("Get \"{}\": {detail}", client.request_url(path))
                }
                other => other.to_string(),
            };
            client.log_error(
                "memcache.go:381",
                "Couldn't get current server API group list",
                &text,
            );
            e
        };
        // An answer that is not JSON (a web server that is no API server)
        // fails in Go's words.
        let decode = |body: &[u8], path: &str| {
            crate::client::decode::json(body).map_err(|e| failed(ApiError::Request(e.0), path))
        };
        let core = match get("/api").await {
            Ok(body) => Some(decode(&body, "/api")?),
            // Tolerated as client-go tolerates it: aggregated API servers
            // serve no core group.
            Err(ApiError::Status(s)) if s.code == 404 => None,
            Err(e) => return Err(failed(e, "/api")),
        };
        let apis = get("/apis").await.map_err(|e| failed(e, "/apis"))?;
        let apis = decode(&apis, "/apis")?;
        let mut discovery = Discovery {
            fresh: true,
            ..Default::default()
        };
        for list in core.iter().chain(std::iter::once(&apis)) {
            if list.get("kind").and_then(Value::as_str) != Some("APIGroupDiscoveryList") {
                return Err(ApiError::Unexpected(
                    "the server does not support aggregated discovery".into(),
                ));
            }
            discovery.add_aggregated(list);
        }
        // Best effort, as kubectl: a cache that cannot be written is
        // skipped. Hundreds of files with many CRDs: written after the
        // command, by a helper process where possible.
        let snapshot = discovery.clone();
        super::cache_writer::schedule(dir.to_path_buf(), move || cache_files(&snapshot));
        Ok(discovery)
    }

    pub fn cache_dir(cache_dir: &Path, server: &str) -> PathBuf {
        cache_dir_for(cache_dir, server)
    }

    /// Adds an `APIGroupDiscoveryList` (client-go's conversion: stale
    /// versions skipped, subresources become `resource/sub` entries).
    fn add_aggregated(&mut self, list: &Value) {
        let Some(items) = list.get("items").and_then(Value::as_array) else {
            return;
        };
        for item in items {
            let name = item
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut group = ApiGroup {
                name: name.clone(),
                versions: Vec::new(),
                preferred_version: String::new(),
            };
            for version in item
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if version.get("freshness").and_then(Value::as_str) == Some("Stale") {
                    continue;
                }
                let v = version
                    .get("version")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if group.preferred_version.is_empty() {
                    group.preferred_version = v.clone();
                }
                group.versions.push(v.clone());
                let mut resources = Vec::new();
                for r in version
                    .get("resources")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let parent = convert_resource(r);
                    let has_kind = !parent.kind.is_empty();
                    let subresources: Vec<ApiResource> = r
                        .get("subresources")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|s| convert_subresource(&parent, s))
                        .collect();
                    if has_kind {
                        resources.push(parent);
                    }
                    resources.extend(subresources);
                }
                self.resources.push(((name.clone(), v), resources));
            }
            self.groups.push(group);
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn convert_resource(r: &Value) -> ApiResource {
    let kind = r.get("responseKind");
    ApiResource {
        name: str_of(r, "resource").to_string(),
        singular_name: str_of(r, "singularResource").to_string(),
        namespaced: str_of(r, "scope") == "Namespaced",
        group: kind
            .map(|k| str_of(k, "group").to_string())
            .unwrap_or_default(),
        version: kind
            .map(|k| str_of(k, "version").to_string())
            .unwrap_or_default(),
        kind: kind
            .map(|k| str_of(k, "kind").to_string())
            .unwrap_or_default(),
        verbs: strings(r.get("verbs")),
        short_names: strings(r.get("shortNames")),
        categories: strings(r.get("categories")),
    }
}

fn convert_subresource(parent: &ApiResource, s: &Value) -> Option<ApiResource> {
    let kind = s.get("responseKind")?;
    if str_of(kind, "kind").is_empty() {
        return None;
    }
    Some(ApiResource {
        name: format!("{}/{}", parent.name, str_of(s, "subresource")),
        singular_name: parent.singular_name.clone(),
        namespaced: parent.namespaced,
        group: str_of(kind, "group").to_string(),
        version: str_of(kind, "version").to_string(),
        kind: str_of(kind, "kind").to_string(),
        verbs: strings(s.get("verbs")),
        short_names: Vec::new(),
        categories: Vec::new(),
    })
}

/// kubectl's folder name for a server: the URL without its scheme, with
/// every character outside `[\w/.()]` replaced by `_`.
pub fn cache_dir_for(cache_dir: &Path, server: &str) -> PathBuf {
    let schemeless = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let safe: String = schemeless
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join("discovery").join(safe)
}

fn fresh_file(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    if SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default()
        > TTL
    {
        return None;
    }
    std::fs::read(path).ok()
}

fn gv_string(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

fn read_cache(dir: &Path) -> Option<Discovery> {
    let groups: ApiGroupList =
        serde_json::from_slice(&fresh_file(&dir.join("servergroups.json"))?).ok()?;
    let mut discovery = Discovery::default();
    for g in groups.groups {
        let mut group = ApiGroup {
            name: g.name.clone(),
            versions: Vec::new(),
            preferred_version: g.preferred_version.map(|p| p.version).unwrap_or_default(),
        };
        for v in g.versions {
            let file = dir.join(&v.group_version).join("serverresources.json");
            let list: ApiResourceList = serde_json::from_slice(&fresh_file(&file)?).ok()?;
            group.versions.push(v.version.clone());
            discovery
                .resources
                .push(((g.name.clone(), v.version), list.resources));
        }
        if group.preferred_version.is_empty() {
            group.preferred_version = group.versions.first().cloned().unwrap_or_default();
        }
        discovery.groups.push(group);
    }
    Some(discovery)
}

/// The files of kubectl's cache for `discovery`, relative to the cache
/// folder, `servergroups.json` last.
fn cache_files(discovery: &Discovery) -> std::io::Result<CacheFiles> {
    let groups = ApiGroupList {
        kind: "APIGroupList".into(),
        api_version: "v1".into(),
        groups: discovery
            .groups
            .iter()
            .map(|g| ApiGroupJson {
                name: g.name.clone(),
                versions: g
                    .versions
                    .iter()
                    .map(|v| GroupVersionForDiscovery {
                        group_version: gv_string(&g.name, v),
                        version: v.clone(),
                    })
                    .collect(),
                preferred_version: Some(GroupVersionForDiscovery {
                    group_version: gv_string(&g.name, &g.preferred_version),
                    version: g.preferred_version.clone(),
                }),
            })
            .collect(),
    };
    let mut files: CacheFiles = discovery
        .resources
        .iter()
        .filter(|(_, resources)| !resources.is_empty())
        .map(|((group, version), resources)| {
            let gv = gv_string(group, version);
            let list = ApiResourceList {
                kind: "APIResourceList".into(),
                api_version: "v1".into(),
                group_version: gv.clone(),
                resources: resources.clone(),
            };
            Ok((
                Path::new(&gv).join("serverresources.json"),
                serde_json::to_vec(&list)?,
            ))
        })
        .collect::<std::io::Result<_>>()?;
    files.push((
        PathBuf::from("servergroups.json"),
        serde_json::to_vec(&groups)?,
    ));
    Ok(files)
}

/// Writes `files` under `dir`, the last one after all the others (a
/// reader checks it first, so it never sees a cache that is half there).
pub(super) fn write_files(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let Some((last, rest)) = files.split_last() else {
        return Ok(());
    };
    let files: Vec<(PathBuf, &[u8])> = rest
        .iter()
        .map(|(path, data)| (dir.join(path), data.as_slice()))
        .collect();
    // Hundreds of small files when many CRDs are installed: make each
    // folder once, then write the files from a few threads (creating
    // folders and files dominates, not the bytes).
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o750)
        .create(dir)?;
    let mut made: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for (path, _) in &files {
        let mut missing = Vec::new();
        let mut folder = path.parent();
        while let Some(f) = folder.filter(|f| *f != dir && !made.contains(f)) {
            missing.push(f);
            folder = f.parent();
        }
        for f in missing.into_iter().rev() {
            // kubectl makes its cache folders 0750.
            match std::fs::DirBuilder::new().mode(0o750).create(f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            made.insert(f);
        }
    }
    let chunk = files.len().div_ceil(4).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .try_for_each(|(path, data)| write_if_changed(path, data))
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("cache writer failed")))
        })
    })?;
    write_if_changed(&dir.join(&last.0), &last.1)
}

/// A file that already holds `data` only gets a new modification time (the
/// cache's age is read from it): reading a small file is much cheaper than
/// creating and renaming one, and refreshed discovery rarely changes.
fn write_if_changed(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == data) && touch(path).is_ok() {
        return Ok(());
    }
    write_atomic(path, data)
}

/// Sets a file's modification and access times to now.
fn touch(path: &Path) -> std::io::Result<()> {
    let now = std::time::SystemTime::now();
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)?
        .set_times(
            std::fs::FileTimes::new()
                .set_accessed(now)
                .set_modified(now),
        )
}

/// Writes a file whole or not at all (a temporary file renamed into place),
/// readable by the user and group only, as kubectl's cache files are. The
/// folder must exist.
fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt;
    let parent = path.parent().unwrap_or(Path::new("."));
    let tmp = parent.join(format!(
        ".{}.{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
        std::process::id()
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o660)
        .open(&tmp)?;
    file.write_all(data)?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_folder_names_like_kubectl() {
        assert_eq!(
            cache_dir_for(Path::new("/c"), "https://127.0.0.1:6443"),
            PathBuf::from("/c/discovery/127.0.0.1_6443")
        );
        assert_eq!(
            cache_dir_for(Path::new("/c"), "http://host-x.io:80/p"),
            PathBuf::from("/c/discovery/host_x.io_80/p")
        );
    }

    #[test]
    fn aggregated_documents_convert_and_round_trip_through_the_cache() {
        let doc: Value = serde_json::from_str(
            r#"{"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"apps"},"versions":[
              {"version":"v1","resources":[{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},
               "scope":"Namespaced","singularResource":"deployment","verbs":["get","list"],"shortNames":["deploy"],"categories":["all"],
               "subresources":[{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch"]}]}]},
              {"version":"v1beta1","freshness":"Stale","resources":[]}]}]}"#,
        )
        .unwrap();
        let mut d = Discovery::default();
        d.add_aggregated(&doc);
        assert_eq!(d.groups[0].versions, vec!["v1".to_string()]);
        let res = d.resources_for("apps", "v1");
        assert_eq!(res.len(), 2);
        assert_eq!(res[1].name, "deployments/scale");
        assert_eq!(res[1].kind, "Scale");
        let dir = std::env::temp_dir().join(format!("kuddle-disc-{}", std::process::id()));
        write_files(&dir, &cache_files(&d).unwrap()).unwrap();
        let back = read_cache(&dir).unwrap();
        assert_eq!(back.groups, d.groups);
        assert_eq!(back.resources_for("apps", "v1"), res);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

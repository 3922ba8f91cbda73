//! Applying one object as `kubectl apply` does.
//!
//! Client-side (the default): read the live object; create it with the
//! last-applied annotation when it is missing, else send the three-way patch
//! between last-applied, manifest and live object — a strategic merge patch
//! when the server's OpenAPI says the kind takes one, else a JSON merge
//! patch. Server-side: one apply patch, then kubectl's bookkeeping for
//! objects that were applied client-side before.

pub mod client_patch;
pub mod jsonmerge;
pub mod jsonpatch;
pub mod last_applied;
pub mod managed_fields;
pub mod merged;
pub mod openapi;
pub mod patchmeta;
pub mod prune;
pub mod resolve;
pub mod strategic;
pub mod window;

use std::io::Write;

use http::Method;
use serde_json::{Map, Value};

use crate::client::{ApiClient, ApiError, Status};
use crate::flags::go_values::go_quote;
use crate::flags::DryRun;
use crate::resource::Mapping;

/// apimachinery's `ErrConflict` for a three-way patch made without
/// `--overwrite`: the patch and the changes it would undo, as YAML with
/// sorted keys (`mergepatch.ToYAMLOrError`).
pub(crate) fn conflict_message(patch: Map<String, Value>, changed: Map<String, Value>) -> String {
    let yaml = |map: Map<String, Value>| {
        let mut value = Value::Object(map);
        crate::printers::sort_keys(&mut value);
        crate::printers::yaml::to_string(&value).unwrap_or_else(|e| e.to_string())
    };
    format!(
        "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
        yaml(patch),
        yaml(changed)
    )
}

pub const FIELD_MANAGER_CLIENT_SIDE: &str = "kubectl-client-side-apply";
pub const FIELD_MANAGER_SERVER_SIDE: &str = "kubectl";
const FIELD_MANAGER_LAST_APPLIED: &str = "kubectl-last-applied";
const MAX_PATCH_RETRY: usize = 5;

const CONFLICT_HELP: &str =
    "Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

/// How objects are applied (the command's flags, resolved).
#[derive(Debug, Clone)]
pub struct Settings {
    pub server_side: bool,
    pub force_conflicts: bool,
    pub field_manager: String,
    pub dry_run: DryRun,
    pub overwrite: bool,
    /// `Strict`, `Warn` or `Ignore` (the `fieldValidation` parameter).
    pub validation: &'static str,
    /// The program name used in the missing-annotation warning.
    pub program: String,
    /// `--force`: objects whose patch the server refuses are re-created.
    pub recreate: Option<Recreate>,
    /// `--subresource` (server-side apply only).
    pub subresource: Option<String>,
}

/// `apply --force`: an object whose patch the server refuses as a conflict
/// or as invalid (an immutable field changed) is deleted and created anew
/// from the manifest.
#[derive(Debug, Clone)]
pub struct Recreate {
    pub delete: crate::resource::write::DeleteOptions,
    /// How long the old object may take to go (zero: one look).
    pub timeout: std::time::Duration,
}

/// One object to apply, with its resolved type and location.
#[derive(Debug, Clone)]
pub struct Info {
    pub source: String,
    pub mapping: Mapping,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
    pub object: Map<String, Value>,
}

impl Info {
    fn namespace_opt(&self) -> Option<&str> {
        if self.mapping.namespaced {
            Some(self.namespace.as_str())
        } else {
            None
        }
    }

    pub fn object_path(&self) -> String {
        self.mapping.object_path(self.namespace_opt(), &self.name)
    }

    /// kubectl's `Info.String()`, quoted into some error messages.
    fn describe(&self) -> String {
        describe_info(&self.mapping, &self.name, &self.namespace)
    }
}

/// kubectl's `Info.String()`: `Resource: "/v1, Resource=configmaps",
/// GroupVersionKind: …` and the name and namespace on a second line.
pub fn describe_info(m: &Mapping, name: &str, namespace: &str) -> String {
    let gvr = format!("{}/{}, Resource={}", m.group, m.version, m.resource);
    let gvk = format!("{}/{}, Kind={}", m.group, m.version, m.kind);
    format!(
        "Resource: {}, GroupVersionKind: {}\nName: {}, Namespace: {}",
        go_quote(&gvr),
        go_quote(&gvk),
        go_quote(name),
        go_quote(namespace)
    )
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Created,
    Configured,
    Unchanged,
    ServerSideApplied,
}

impl Operation {
    pub fn word(self) -> &'static str {
        match self {
            Operation::Created => "created",
            Operation::Configured => "configured",
            Operation::Unchanged => "unchanged",
            Operation::ServerSideApplied => "serverside-applied",
        }
    }
}

/// A failure, kept as kubectl keeps it: an API status (whose message may
/// have gained a prefix naming the file) or plain text.
#[derive(Debug, Clone)]
pub enum Failure {
    Api(Box<Status>),
    Text(String),
    /// An error kubectl prints in other words than its text (connection
    /// errors): `text` inside aggregates, `message` on its own line.
    Worded {
        text: String,
        message: String,
    },
}

impl Failure {
    /// kubectl's `AddSourceToErr`: `error when <verb> "<source>": <message>`.
    fn with_source(verb: &str, source: &str, err: Failure) -> Failure {
        if source.is_empty() {
            return err;
        }
        match err {
            Failure::Api(mut s) => {
                s.message = format!("error when {verb} {}: {}", go_quote(source), s.message);
                Failure::Api(s)
            }
            Failure::Text(t) | Failure::Worded { text: t, .. } => {
                Failure::Text(format!("error when {verb} {}: {t}", go_quote(source)))
            }
        }
    }

    fn is_conflict(&self) -> bool {
        matches!(self, Failure::Api(s) if s.reason == "Conflict")
    }

    fn is_not_found(&self) -> bool {
        matches!(self, Failure::Api(s) if s.reason == "NotFound")
    }

    fn is_invalid(&self) -> bool {
        matches!(self, Failure::Api(s) if s.reason == "Invalid")
    }

    /// The error's own text (Go's `err.Error()`).
    pub fn error_string(&self) -> String {
        match self {
            Failure::Api(s) => s.message.clone(),
            Failure::Text(t) => t.clone(),
            Failure::Worded { text, .. } => text.clone(),
        }
    }

    /// kubectl's `StandardErrorMessage`, as used for each line of several.
    pub fn standard_message(&self) -> String {
        match self {
            Failure::Api(s) if s.reason == "Unauthorized" => {
                format!("error: You must be logged in to the server ({})", s.message)
            }
            Failure::Api(s) if !s.reason.is_empty() => {
                format!("Error from server ({}): {}", s.reason, s.message)
            }
            Failure::Api(s) => format!("Error from server: {}", s.message),
            Failure::Text(t) => t.clone(),
            Failure::Worded { message, .. } => message.clone(),
        }
    }

    /// How kubectl prints the error when it is the only one.
    pub fn single_message(&self) -> String {
        match self {
            Failure::Api(s) if s.reason == "Invalid" => {
                ApiError::Status(s.clone()).kubectl_message()
            }
            Failure::Api(_) | Failure::Worded { .. } => self.standard_message(),
            Failure::Text(t) if t.starts_with("error: ") => t.clone(),
            Failure::Text(t) => format!("error: {t}"),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        match e {
            ApiError::Status(s) => Failure::Api(s),
            ApiError::BodyRead(_) | ApiError::BodyStream(_) | ApiError::Request(_) => {
                Failure::Text(e.standard_message())
            }
            other => Failure::Text(other.kubectl_message()),
        }
    }
}

/// The result of applying one object.
pub struct Applied {
    pub operation: Operation,
    /// The object as the server returned it (or as computed locally).
    pub object: Map<String, Value>,
}

/// State shared across the objects of one invocation.
pub struct Applier {
    pub client: ApiClient,
    pub settings: Settings,
    /// Shared by the objects applied at the same time (see
    /// [`window::apply_all`]): each document is fetched and parsed once.
    pub openapi: std::sync::Arc<tokio::sync::Mutex<openapi::OpenApiV3>>,
    /// Namespaces seen to exist during this invocation: kubectl asks again
    /// for every missing object, but an existing namespace only decides
    /// which NotFound is reported, so the first answer serves the rest.
    /// Held while a namespace is looked up, so the objects written at the
    /// same time wait for that answer instead of asking too.
    pub known_namespaces: std::sync::Arc<tokio::sync::Mutex<std::collections::HashSet<String>>>,
    /// GETs sent ahead of their turn (see [`Applier::prefetch`]), by path.
    pub prefetched:
        std::collections::HashMap<String, tokio::task::JoinHandle<Result<Value, ApiError>>>,
}

/// How many objects ahead the current one are read early.
const PREFETCH_WINDOW: usize = 16;

/// Kinds whose creation can change what later objects find on the server
/// (their namespace appears, their type becomes known): nothing after one is
/// read before it has been applied.
pub(crate) fn is_barrier(info: &Info) -> bool {
    crate::resource::window::is_barrier(&info.mapping)
}

impl Applier {
    /// An applier for one object applied alongside others: the same
    /// settings and caches, its server warnings kept in `held`.
    pub fn fork(&self, held: &crate::client::Held) -> Applier {
        Applier {
            client: self.client.holding_warnings(held),
            settings: self.settings.clone(),
            openapi: self.openapi.clone(),
            known_namespaces: self.known_namespaces.clone(),
            prefetched: Default::default(),
        }
    }

    fn query(&self, field_manager: &str, force: Option<bool>) -> String {
        let mut params = Vec::new();
        if self.settings.dry_run == DryRun::Server {
            params.push("dryRun=All".to_string());
        }
        if let Some(f) = force {
            params.push(format!("force={f}"));
        }
        if !field_manager.is_empty() {
            params.push(format!(
                "fieldManager={}",
                crate::resource::fetch::query_escape(field_manager)
            ));
        }
        params.push(format!("fieldValidation={}", self.settings.validation));
        format!("?{}", params.join("&"))
    }

    /// Where server-side apply patches go: the object, or its
    /// `--subresource`.
    fn server_side_path(&self, info: &Info) -> String {
        match self.settings.subresource.as_deref() {
            Some(sub) => format!("{}/{sub}", info.object_path()),
            None => info.object_path(),
        }
    }

    /// Sends the GETs of the next objects ahead of time (for `diff`, which
    /// handles one object after another; `apply` overlaps whole objects
    /// instead, see [`window`]): reading an object that nothing before it in
    /// this run touches gives the same answer early as on its turn. Objects
    /// named twice, and anything past a namespace or type definition, wait.
    pub fn prefetch(&mut self, infos: &[Info], current: usize) {
        if self.settings.server_side || self.settings.dry_run == DryRun::Client {
            return;
        }
        let end = (current + 1 + PREFETCH_WINDOW).min(infos.len());
        for j in current..end {
            if j > current && is_barrier(&infos[j - 1]) {
                break;
            }
            let info = &infos[j];
            if info.name.is_empty() {
                continue;
            }
            let path = info.object_path();
            if self.prefetched.contains_key(&path)
                || infos[..j].iter().any(|i| i.object_path() == path)
            {
                continue;
            }
            let client = self.client.clone();
            let task_path = path.clone();
            let handle = tokio::spawn(async move { client.get_json(&task_path).await });
            self.prefetched.insert(path, handle);
        }
    }

    /// The object's first read in this run: the prefetched answer if any.
    async fn get_first(&mut self, info: &Info) -> Result<Map<String, Value>, Failure> {
        let path = info.object_path();
        match self.prefetched.remove(&path) {
            Some(handle) => match handle.await {
                Ok(answer) => object_or_failure(answer),
                Err(_) => self.get(info).await,
            },
            None => self.get(info).await,
        }
    }

    async fn get(&self, info: &Info) -> Result<Map<String, Value>, Failure> {
        object_or_failure(self.client.get_json(&info.object_path()).await)
    }
}

fn object_or_failure(answer: Result<Value, ApiError>) -> Result<Map<String, Value>, Failure> {
    match answer {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Failure::Text(
            "the server returned something that is not an object".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

impl Applier {
    /// kubectl's `Info.Get`: a missing object in a missing namespace reports
    /// the namespace.
    async fn get_live(&mut self, info: &Info) -> Result<Map<String, Value>, Failure> {
        match self.get_first(info).await {
            Err(e)
                if e.is_not_found()
                    && !info.namespace.is_empty()
                    && info.namespace != "default"
                    && info.mapping.namespaced =>
            {
                let mut known = self.known_namespaces.lock().await;
                if known.contains(&info.namespace) {
                    return Err(e);
                }
                let path = format!(
                    "/api/v1/namespaces/{}",
                    crate::resource::mapper::path_escape(&info.namespace)
                );
                match self.client.get_json(&path).await {
                    Err(e2) if e2.is_not_found() => Err(e2.into()),
                    Ok(_) => {
                        known.insert(info.namespace.clone());
                        Err(e)
                    }
                    Err(_) => Err(e),
                }
            }
            other => other,
        }
    }

    async fn send_json(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Map<String, Value>, Failure> {
        let bytes = self
            .client
            .send(
                method,
                path,
                crate::client::ACCEPT_JSON,
                Some(content_type),
                body,
            )
            .await?;
        match crate::client::parse_json(&bytes)? {
            Value::Object(m) => Ok(m),
            _ => Err(Failure::Text(
                "the server returned something that is not an object".into(),
            )),
        }
    }

    /// Applies one object; warnings go to `err`.
    pub async fn apply(
        &mut self,
        info: &mut Info,
        err: &mut dyn Write,
    ) -> Result<Applied, Failure> {
        if info.name.is_empty() {
            let generate = info
                .object
                .get("metadata")
                .and_then(|m| m.get("generateName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if !generate.is_empty() {
                return Err(Failure::Text(format!(
                    "from {generate}: cannot use generate name with apply"
                )));
            }
        }
        if self.settings.server_side {
            return self.server_side(info, err).await;
        }
        self.client_side(info, err).await
    }

    async fn client_side(
        &mut self,
        info: &mut Info,
        err: &mut dyn Write,
    ) -> Result<Applied, Failure> {
        let modified = last_applied::modified_configuration(&mut info.object);
        let fetched = if info.name.is_empty() {
            // client-go refuses before sending anything.
            Err(Failure::Text("resource name may not be empty".into()))
        } else {
            self.get_live(info).await
        };
        let live = match fetched {
            Ok(live) => live,
            Err(e) if e.is_not_found() => return self.create(info).await,
            Err(e) => {
                return Err(Failure::with_source(
                    &format!(
                        "retrieving current configuration of:\n{}\nfrom server for:",
                        info.describe()
                    ),
                    &info.source,
                    e,
                ))
            }
        };
        if last_applied::original(&live).is_none() {
            let _ = writeln!(
                err,
                "Warning: resource {}/{} is missing the {} annotation which is required by {p} apply. {p} apply should only be used on resources created declaratively by either {p} create --save-config or {p} apply. The missing annotation will be patched automatically.",
                info.mapping.resource,
                info.name,
                last_applied::ANNOTATION,
                p = self.settings.program
            );
        }
        let modified: Map<String, Value> = match serde_json::from_str(&modified) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let (patch, object) = match self.patch(info, &modified, live, err).await {
            Ok(done) => done,
            Err((patch_text, e)) => {
                let patch_text = patch_text.unwrap_or_default();
                return Err(Failure::with_source(
                    &format!(
                        "applying patch:\n{patch_text}\nto:\n{}\nfor:",
                        info.describe()
                    ),
                    &info.source,
                    e,
                ));
            }
        };
        warn_if_deleting(&object, err);
        let operation = if patch.is_empty() {
            Operation::Unchanged
        } else {
            Operation::Configured
        };
        Ok(Applied { operation, object })
    }

    async fn create(&self, info: &mut Info) -> Result<Applied, Failure> {
        last_applied::create_annotation(&mut info.object);
        last_applied::prune_nulls(&mut info.object);
        if self.settings.dry_run == DryRun::Client {
            return Ok(Applied {
                operation: Operation::Created,
                object: info.object.clone(),
            });
        }
        let mut body = info.object.clone();
        if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("resourceVersion");
        }
        let path = format!(
            "{}{}",
            info.mapping.collection_path(info.namespace_opt()),
            self.query(&self.settings.field_manager, None)
        );
        let bytes = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
        match self
            .send_json(Method::POST, &path, "application/json", bytes)
            .await
        {
            Ok(object) => Ok(Applied {
                operation: Operation::Created,
                object,
            }),
            Err(e) => Err(Failure::with_source("creating", &info.source, e)),
        }
    }

    /// Computes and sends the patch, retrying on conflicts as kubectl does.
    /// Returns the patch and the resulting object; on failure, the patch
    /// last computed (if any) with the error.
    async fn patch(
        &mut self,
        info: &Info,
        modified: &Map<String, Value>,
        mut live: Map<String, Value>,
        err: &mut dyn Write,
    ) -> Result<(Map<String, Value>, Map<String, Value>), (Option<String>, Failure)> {
        let mut attempt = 0;
        loop {
            let (patch, kind) = match self.compute_patch(info, modified, &live, err).await {
                Ok(computed) => computed,
                // kubectl names the source of a patch it could not make,
                // unless it was to be applied locally.
                Err(e) if self.settings.dry_run != DryRun::Client => {
                    return Err((None, Failure::with_source("patching", &info.source, e)))
                }
                Err(e) => return Err((None, e)),
            };
            if patch.is_empty() {
                return Ok((patch, live));
            }
            if self.settings.dry_run == DryRun::Client {
                let object = self
                    .apply_locally(info, live, &patch, kind)
                    .await
                    .map_err(|e| (Some(patch_text(&patch)), e))?;
                return Ok((patch, object));
            }
            let path = format!(
                "{}{}",
                info.object_path(),
                self.query(&self.settings.field_manager, None)
            );
            let body = serde_json::to_vec(&Value::Object(patch.clone())).unwrap_or_default();
            match self
                .send_json(Method::PATCH, &path, kind.content_type(), body)
                .await
            {
                Ok(object) => return Ok((patch, object)),
                Err(e) if e.is_conflict() && attempt < MAX_PATCH_RETRY => {
                    attempt += 1;
                    if attempt > 1 {
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                    live = self
                        .get(info)
                        .await
                        .map_err(|e| (Some(patch_text(&patch)), e))?;
                }
                Err(e)
                    if self.settings.recreate.is_some() && (e.is_conflict() || e.is_invalid()) =>
                {
                    return match self.delete_and_create(info, modified, live).await {
                        Ok(object) => Ok((modified.clone(), object)),
                        Err(e) => Err((Some(last_applied::encode(modified)), e)),
                    };
                }
                Err(e) => {
                    return Err((
                        Some(patch_text(&patch)),
                        Failure::with_source("patching", &info.source, e),
                    ))
                }
            }
        }
    }

    /// `--force`: deletes the object, waits for it to be gone, and creates
    /// it from the manifest; when that fails, the old object is put back.
    async fn delete_and_create(
        &self,
        info: &Info,
        modified: &Map<String, Value>,
        original: Map<String, Value>,
    ) -> Result<Map<String, Value>, Failure> {
        let Some(recreate) = &self.settings.recreate else {
            return Err(Failure::Text("nothing to re-create".into()));
        };
        crate::resource::write::delete(
            &self.client,
            &info.mapping,
            info.namespace_opt(),
            &info.name,
            &recreate.delete.body(),
        )
        .await?;
        let start = tokio::time::Instant::now();
        let step = std::time::Duration::from_secs(1);
        loop {
            match self.client.get_json(&info.object_path()).await {
                Err(e) if e.is_not_found() => break,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if start.elapsed() + step > recreate.timeout {
                return Err(Failure::Text("context deadline exceeded".into()));
            }
            tokio::time::sleep(step).await;
        }
        let create = |object: &Map<String, Value>| {
            let mut body = object.clone();
            if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.shift_remove("resourceVersion");
            }
            let path = format!(
                "{}{}",
                info.mapping.collection_path(info.namespace_opt()),
                self.query(&self.settings.field_manager, None)
            );
            let bytes = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
            async move {
                self.send_json(Method::POST, &path, "application/json", bytes)
                    .await
            }
        };
        match create(modified).await {
            Ok(object) => Ok(object),
            Err(e) => match create(&original).await {
                Ok(_) => Err(e),
                Err(again) => Err(Failure::Text(format!(
                    "An error occurred force-replacing the existing object with the newly provided one:\n\n{}.\n\nAdditionally, an error occurred attempting to restore the original object:\n\n{}",
                    e.error_string(),
                    again.error_string()
                ))),
            },
        }
    }

    async fn compute_patch(
        &mut self,
        info: &Info,
        modified: &Map<String, Value>,
        live: &Map<String, Value>,
        err: &mut dyn Write,
    ) -> Result<(Map<String, Value>, PatchKind), Failure> {
        let original: Map<String, Value> = match last_applied::original(live) {
            Some(text) => match serde_json::from_str(&text) {
                Ok(Value::Object(m)) => m,
                Ok(_) => Map::new(),
                Err(_) => return Err(Failure::Text("invalid JSON document".into())),
            },
            None => Map::new(),
        };
        let m = &info.mapping;
        let doc = self
            .openapi
            .lock()
            .await
            .group_version(&self.client, &m.group, &m.version)
            .await
            .map_err(Failure::from)?;
        if let Some(doc) = doc {
            if openapi::supports_strategic_merge(&doc, &m.group, &m.version, &m.kind) {
                if let Some(schema) = openapi::kind_schema(&doc, &m.group, &m.version, &m.kind) {
                    match strategic::create_three_way_merge_patch(
                        &original,
                        modified,
                        live,
                        &schema,
                        self.settings.overwrite,
                    ) {
                        Ok(patch) => return Ok((patch, PatchKind::Strategic)),
                        Err(e) => {
                            let _ = writeln!(
                                err,
                                "warning: error calculating patch from openapi v3 spec: {e}"
                            );
                            // kubectl then tries the OpenAPI v2 schema, which
                            // serves strategic merge for the kinds it compiles
                            // in, and fails the same way.
                            if crate::resource::infos::compiled_in(&m.group) {
                                let _ = writeln!(
                                    err,
                                    "warning: error calculating patch from openapi spec: {e}"
                                );
                            }
                            return Err(Failure::Text(format!(
                                "creating patch with:\noriginal:\n{}\nmodified:\n{}\ncurrent:\n{}\nfor: {e}",
                                last_applied::original(live).unwrap_or_default(),
                                last_applied::encode(modified),
                                last_applied::encode(live)
                            )));
                        }
                    }
                }
            }
        }
        match jsonmerge::create_three_way_json_merge_patch(&original, modified, live) {
            Ok(patch) => Ok((patch, PatchKind::Merge)),
            Err(e) => Err(Failure::Text(format!(
                "creating patch with:\noriginal:\n{}\nmodified:\n{}\ncurrent:\n{}\nfor: {e}",
                last_applied::original(live).unwrap_or_default(),
                last_applied::encode(modified),
                last_applied::encode(live)
            ))),
        }
    }

    /// `--dry-run=client`: the patch applied on this side.
    async fn apply_locally(
        &mut self,
        info: &Info,
        live: Map<String, Value>,
        patch: &Map<String, Value>,
        kind: PatchKind,
    ) -> Result<Map<String, Value>, Failure> {
        match kind {
            PatchKind::Merge => {
                match jsonmerge::merge_patch(Value::Object(live), &Value::Object(patch.clone())) {
                    Value::Object(m) => Ok(m),
                    _ => Ok(Map::new()),
                }
            }
            PatchKind::Strategic => {
                let m = &info.mapping;
                let doc = self
                    .openapi
                    .lock()
                    .await
                    .group_version(&self.client, &m.group, &m.version)
                    .await
                    .map_err(Failure::from)?
                    .ok_or_else(|| Failure::Text("no OpenAPI document".into()))?;
                let schema = openapi::kind_schema(&doc, &m.group, &m.version, &m.kind)
                    .ok_or_else(|| Failure::Text("no OpenAPI schema".into()))?;
                strategic::strategic_merge_patch(live, patch.clone(), &schema)
                    .map_err(|e| Failure::Text(format!("applying patch locally: {e}")))
            }
        }
    }

    async fn server_side(
        &mut self,
        info: &mut Info,
        err: &mut dyn Write,
    ) -> Result<Applied, Failure> {
        let body = last_applied::encode(&info.object).into_bytes();
        let path = format!(
            "{}{}",
            self.server_side_path(info),
            self.query(
                &self.settings.field_manager,
                Some(self.settings.force_conflicts)
            )
        );
        let mut object = match self
            .send_json(
                Method::PATCH,
                &path,
                "application/apply-patch+yaml",
                body.clone(),
            )
            .await
        {
            Ok(o) => o,
            Err(Failure::Api(s)) if s.code == 415 => {
                return Err(Failure::Text(format!(
                    "Server-side apply not available on the server: ({})",
                    s.message
                )))
            }
            Err(Failure::Api(s)) if s.reason == "Conflict" => {
                return Err(Failure::Text(format!("{}\n{CONFLICT_HELP}", s.message)))
            }
            Err(e) => return Err(e),
        };
        match self.save_last_applied(info, &object).await {
            Err(e) => {
                let _ = writeln!(err, "Warning: failed to migrate kubectl.kubernetes.io/last-applied-configuration for Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: {}", e.error_string());
            }
            Ok(saved) => {
                if let Some(saved) = saved {
                    object = saved;
                }
                match self.migrate(info, &mut object).await {
                    Err(e) => {
                        let _ = writeln!(err, "Warning: server rejected managed fields migration to Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: {}", e.error_string());
                    }
                    Ok(true) => match self
                        .send_json(Method::PATCH, &path, "application/apply-patch+yaml", body)
                        .await
                    {
                        Ok(o) => object = o,
                        Err(e) => {
                            let _ = writeln!(err, "Warning: failed to re-apply configuration after performing Server-Side Apply migration. This is non-fatal and will be retried next time you apply. Error: {}", e.error_string());
                        }
                    },
                    Ok(false) => {}
                }
            }
        }
        warn_if_deleting(&object, err);
        Ok(Applied {
            operation: Operation::ServerSideApplied,
            object,
        })
    }

    /// Makes `kubectl-last-applied` an apply owner of the last-applied
    /// annotation of an object applied client-side before.
    async fn save_last_applied(
        &self,
        info: &Info,
        object: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        if self.settings.field_manager != FIELD_MANAGER_SERVER_SIDE {
            return Ok(None);
        }
        let Some(annotation) = last_applied::original(object) else {
            return Ok(None);
        };
        if !managed_fields::annotation_owners(object, "Apply").is_empty() {
            return Ok(None);
        }
        let mut meta = Map::new();
        let mut annots = Map::new();
        annots.insert(last_applied::ANNOTATION.into(), Value::String(annotation));
        meta.insert("annotations".into(), Value::Object(annots));
        let name = object
            .get("metadata")
            .and_then(|m| m.get("name"))
            .cloned()
            .unwrap_or(Value::String(info.name.clone()));
        meta.insert("name".into(), name);
        if let Some(ns) = object
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
        {
            meta.insert("namespace".into(), Value::String(ns.to_string()));
        }
        let mut just = Map::new();
        just.insert(
            "apiVersion".into(),
            Value::String(info.mapping.api_version()),
        );
        just.insert("kind".into(), Value::String(info.mapping.kind.clone()));
        just.insert("metadata".into(), Value::Object(meta));
        let path = format!(
            "{}{}",
            self.server_side_path(info),
            self.query(FIELD_MANAGER_LAST_APPLIED, None)
        );
        let body = last_applied::encode(&just).into_bytes();
        self.send_json(Method::PATCH, &path, "application/apply-patch+yaml", body)
            .await
            .map(Some)
    }

    /// Hands the fields of client-side apply managers over to the apply
    /// manager (client-go's csaupgrade); true when a patch was sent.
    async fn migrate(&self, info: &Info, object: &mut Map<String, Value>) -> Result<bool, Failure> {
        let managers = managed_fields::annotation_owners(object, "Update");
        let path = format!(
            "{}{}",
            self.server_side_path(info),
            self.query(&self.settings.field_manager, None)
        );
        let mut last = None;
        for _ in 0..MAX_PATCH_RETRY {
            let Some(patch) =
                managed_fields::upgrade_patch(object, &managers, &self.settings.field_manager)
            else {
                return Ok(false);
            };
            let body = serde_json::to_vec(&patch).unwrap_or_default();
            match self
                .send_json(Method::PATCH, &path, "application/json-patch+json", body)
                .await
            {
                Ok(o) => {
                    *object = o;
                    return Ok(true);
                }
                Err(e) if e.is_conflict() => {
                    last = Some(e);
                    *object = self.get(info).await?;
                }
                Err(e) => return Err(e),
            }
        }
        match last {
            Some(e) => Err(e),
            None => Ok(false),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchKind {
    Strategic,
    Merge,
}

impl PatchKind {
    fn content_type(self) -> &'static str {
        match self {
            PatchKind::Strategic => "application/strategic-merge-patch+json",
            PatchKind::Merge => "application/merge-patch+json",
        }
    }
}

/// A patch as kubectl quotes it in errors (Go's JSON: keys sorted).
fn patch_text(patch: &Map<String, Value>) -> String {
    let mut v = Value::Object(patch.clone());
    crate::printers::sort_keys(&mut v);
    crate::printers::json::to_string_compact(&v)
}

pub fn warn_if_deleting(object: &Map<String, Value>, err: &mut dyn Write) {
    let meta = object.get("metadata");
    if meta
        .and_then(|m| m.get("deletionTimestamp"))
        .is_some_and(|t| !t.is_null())
    {
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let _ = writeln!(
            err,
            "Warning: Detected changes to resource {name} which is currently being deleted."
        );
    }
}

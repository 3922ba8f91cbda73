//! What an apply would make of an object, asked of the server with a dry
//! run (`kubectl diff`'s "merged" version): an apply patch with
//! `--server-side`; else a creation when there is no live object, or the
//! three-way patch against the live one, sent with its resource version so
//! that a concurrent change shows up as a conflict.

use http::Method;
use serde_json::{Map, Value};

use super::{last_applied, Applier, Failure, Info};

impl Applier {
    /// The dry-run query diff sends: no field validation, as kubectl's
    /// helper sets none.
    fn dry_run_query(&self, force: Option<bool>) -> String {
        let mut params = vec!["dryRun=All".to_string()];
        if let Some(f) = force {
            params.push(format!("force={f}"));
        }
        if !self.settings.field_manager.is_empty() {
            params.push(format!(
                "fieldManager={}",
                crate::resource::fetch::query_escape(&self.settings.field_manager)
            ));
        }
        format!("?{}", params.join("&"))
    }

    /// The live object, or `None` when the server has none; `first`: the
    /// object's first read, which may have been sent ahead (see
    /// [`Applier::prefetch`]).
    pub async fn live(
        &mut self,
        info: &Info,
        first: bool,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        if info.name.is_empty() {
            // client-go refuses before sending anything.
            return Err(Failure::Text("resource name may not be empty".into()));
        }
        let answer = match first {
            true => self.get_first(info).await,
            false => self.get(info).await,
        };
        match answer {
            Ok(live) => Ok(Some(live)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The object as the server would leave it after applying `info`
    /// (dry run). `lock`: send the live object's resource version with the
    /// patch (kubectl drops it on its last attempt).
    pub async fn merged(
        &mut self,
        info: &Info,
        live: Option<&Map<String, Value>>,
        lock: bool,
        err: &mut dyn std::io::Write,
    ) -> Result<Map<String, Value>, Failure> {
        if self.settings.server_side {
            let path = format!(
                "{}{}",
                info.object_path(),
                self.dry_run_query(Some(self.settings.force_conflicts))
            );
            let body = last_applied::encode(&info.object).into_bytes();
            return self
                .send_json(Method::PATCH, &path, "application/apply-patch+yaml", body)
                .await;
        }
        let Some(live) = live else {
            let path = format!(
                "{}{}",
                info.mapping.collection_path(info.namespace_opt()),
                self.dry_run_query(None)
            );
            let body = serde_json::to_vec(&Value::Object(info.object.clone())).unwrap_or_default();
            return self
                .send_json(Method::POST, &path, "application/json", body)
                .await;
        };
        // kubectl's `GetModifiedConfiguration(obj, annotate=false)`: the
        // manifest without the annotation (and with an annotations map).
        let mut modified = info.object.clone();
        let mut annots: Map<String, Value> = modified
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .filter(|(_, v)| v.is_string())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        annots.shift_remove(last_applied::ANNOTATION);
        if let Some(meta) = modified.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("annotations".into(), Value::Object(annots));
        }
        let (mut patch, kind) = self.compute_patch(info, &modified, live, err).await?;
        if patch.is_empty() {
            return Ok(live.clone());
        }
        if lock {
            let version = live
                .get("metadata")
                .and_then(|m| m.get("resourceVersion"))
                .cloned()
                .unwrap_or(Value::String(String::new()));
            let meta = patch
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(meta) = meta.as_object_mut() {
                meta.insert("resourceVersion".into(), version);
            }
        }
        let path = format!("{}{}", info.object_path(), self.dry_run_query(None));
        let body = serde_json::to_vec(&Value::Object(patch.clone())).unwrap_or_default();
        match self
            .send_json(Method::PATCH, &path, kind.content_type(), body)
            .await
        {
            Ok(object) => Ok(object),
            Err(e) if e.is_conflict() => Err(e),
            // kubectl's patcher names the file (diff adds nothing more,
            // where apply wraps it again with the patch).
            Err(e) => Err(Failure::with_source("patching", &info.source, e)),
        }
    }
}

impl Failure {
    /// A write refused because the object changed meanwhile.
    pub fn conflict(&self) -> bool {
        self.is_conflict()
    }
}

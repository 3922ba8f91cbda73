//! Changing an object's labels or annotations, what `label` and
//! `annotate` share: the new and removed keys, the overwrite check, the
//! JSON merge patch computed from the object before and after (carrying
//! `metadata.resourceVersion` as a precondition when one was given), and
//! `--list`.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

use super::infos::Info;
use super::select::{select_objects, ObjectQuery};
use super::window::{write_all, Turn};
use super::write::{self, PatchType, WriteOptions};
use crate::client::ApiClient;
use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::flags::record::{record, CHANGE_CAUSE};
use crate::flags::DryRun;
use crate::printers::result::ResultPrinter;
use crate::printers::{json, sort_keys};

/// Which map of `metadata` a verb changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataMap {
    Labels,
    Annotations,
}

impl MetadataMap {
    fn key(self) -> &'static str {
        match self {
            MetadataMap::Labels => "labels",
            MetadataMap::Annotations => "annotations",
        }
    }
}

/// What to change, and how.
#[derive(Debug, Clone)]
pub struct MetadataEdit {
    pub map: MetadataMap,
    pub new: BTreeMap<String, String>,
    pub remove: Vec<String>,
    pub overwrite: bool,
    /// `--resource-version`: sent with the patch, so the server refuses
    /// the change when the object moved on.
    pub resource_version: String,
    /// `--list`: print the keys instead of changing the server.
    pub list: bool,
    pub local: bool,
    pub field_manager: String,
    /// `--record`: the command line, recorded on objects written to the
    /// server.
    pub change_cause: Option<String>,
}

/// The keys an edit added (or changed) and removed.
#[derive(Debug, Default, PartialEq)]
struct Changes {
    added: usize,
    removed: usize,
}

fn metadata_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    let map = obj.as_object_mut()?;
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut()
}

fn string_map(obj: &Value, key: &str) -> BTreeMap<String, String> {
    obj.pointer(&format!("/metadata/{key}"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect()
}

/// Sets `metadata.resourceVersion` (removes it for an empty version).
pub fn set_resource_version(obj: &mut Value, version: &str) {
    if let Some(meta) = metadata_mut(obj) {
        if version.is_empty() {
            meta.shift_remove("resourceVersion");
        } else {
            meta.insert("resourceVersion".into(), Value::String(version.into()));
        }
    }
}

impl MetadataEdit {
    /// The `--overwrite` check: keys that would change are refused.
    fn check_overwrites(&self, current: &BTreeMap<String, String>) -> Result<()> {
        let conflicts: Vec<String> = self
            .new
            .iter()
            .filter(|(k, _)| self.map == MetadataMap::Labels || k.as_str() != CHANGE_CAUSE)
            .filter_map(|(k, v)| match current.get(k) {
                Some(old) if old != v => Some((k, old)),
                _ => None,
            })
            .map(|(k, old)| match self.map {
                MetadataMap::Labels => {
                    format!("'{k}' already has a value ({old}), and --overwrite is false")
                }
                MetadataMap::Annotations => format!("'{k}' already has a value ({old})"),
            })
            .collect();
        match (self.map, conflicts.len()) {
            (_, 0) => Ok(()),
            (MetadataMap::Labels, 1) => bail!("{}", conflicts[0]),
            (MetadataMap::Labels, _) => bail!("[{}]", conflicts.join(", ")),
            (MetadataMap::Annotations, _) => bail!(
                "--overwrite is false but found the following declared annotation(s): {}",
                conflicts.join("; ")
            ),
        }
    }

    /// Changes the object in place (kubectl's `labelFunc` and
    /// `updateAnnotations`); the map is left present, empty or not.
    fn apply(&self, obj: &mut Value) -> Result<Changes> {
        let mut current = string_map(obj, self.map.key());
        if !self.overwrite {
            self.check_overwrites(&current)?;
        }
        let mut changes = Changes::default();
        for (k, v) in &self.new {
            if current.get(k) != Some(v) {
                changes.added += 1;
            }
            current.insert(k.clone(), v.clone());
        }
        for k in &self.remove {
            if current.remove(k).is_some() {
                changes.removed += 1;
            }
        }
        if let Some(meta) = metadata_mut(obj) {
            let map: Map<String, Value> = current
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            meta.insert(self.map.key().into(), Value::Object(map));
        }
        if !self.resource_version.is_empty() {
            set_resource_version(obj, &self.resource_version);
        }
        Ok(changes)
    }
}

/// `label`'s result word for what changed.
fn label_operation(c: &Changes) -> &'static str {
    match (c.added > 0, c.removed > 0) {
        (true, true) => "modified",
        (true, false) => "labeled",
        (false, true) => "unlabeled",
        (false, false) => "not labeled",
    }
}

/// The merge patch from `before` to `after`, keys sorted as Go writes a
/// map.
fn merge_patch_bytes(before: &Value, after: &Value) -> Vec<u8> {
    let empty = Map::new();
    let diff = crate::apply::jsonmerge::merge_diff(
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let mut patch = Value::Object(diff);
    sort_keys(&mut patch);
    json::to_string_compact(&patch).into_bytes()
}

/// Changes every object `query` names, printing each result, and returns
/// the errors met along the way as kubectl reports them at the end.
///
/// kubectl patches one object after another; here the patches overlap
/// (see [`write_all`]) while lines, warnings and errors keep its order.
pub async fn run(
    ctx: &mut Context,
    query: &ObjectQuery<'_>,
    edit: &MetadataEdit,
    result: &mut ResultPrinter,
) -> Result<()> {
    let selected = select_objects(ctx, query).await?;
    if !selected.single_item_implied && !edit.resource_version.is_empty() {
        bail!("--resource-version may only be used with a single resource");
    }
    let single = selected.single_item_implied;
    let (items, mut errors) = selected.into_visit();
    let offline = result.dry_run() == DryRun::Client || edit.local || edit.list;
    if offline {
        for item in items {
            if let Err(e) = item.and_then(|info| show_offline(ctx, info, edit, result, single)) {
                errors.push(e);
            }
        }
        return errors.into_result();
    }
    let edits: Vec<Result<Edited>> = items
        .into_iter()
        .map(|item| item.map(|info| edit_online(info, edit)))
        .collect();
    let client = if edits.is_empty() {
        None
    } else {
        Some(ctx.connection().await?.client.clone())
    };
    let options = WriteOptions {
        field_manager: edit.field_manager.clone(),
        field_validation: None,
        dry_run: result.dry_run() == DryRun::Server,
    };
    let mut err = ctx.err.clone();
    let out = &mut ctx.out;
    let done = |outcome: Result<Written>| -> Result<()> {
        let outcome = outcome.and_then(|written| {
            for line in &written.notes {
                writeln!(out, "{line}")?;
            }
            let mut shown = written.shown?;
            sort_keys(&mut shown);
            result.print(out, &shown, written.operation)?;
            // Lines show up as objects are changed, between any warnings.
            out.flush()?;
            Ok(())
        });
        if let Err(e) = outcome {
            errors.push(e);
        }
        Ok(())
    };
    if let Some(client) = client {
        let turn = |item: &Result<Edited>| match item {
            Ok(Edited {
                info,
                patch: Ok(Some(_)),
                ..
            }) => Turn::write(&info.mapping, info.namespace.as_deref(), &info.name),
            _ => Turn::local(),
        };
        let labels = edit.map == MetadataMap::Labels;
        write_all(
            &client,
            edits,
            turn,
            |item, held| {
                let client = client.holding_warnings(held);
                let options = options.clone();
                async move { send(&client, item?, labels, &options).await }
            },
            &mut err,
            done,
        )
        .await?;
    }
    errors.into_result()
}

/// An object changed on the client, its patch yet to be sent.
struct Edited {
    info: Info,
    /// What kubectl prints before patching ("label \"x\" not found.").
    notes: Vec<String>,
    /// The merge patch to send (none when label changes nothing), or why
    /// the change was refused.
    patch: Result<Option<Vec<u8>>>,
    operation: &'static str,
}

/// The outcome of one object, for printing in its turn.
struct Written {
    notes: Vec<String>,
    shown: Result<Value>,
    operation: &'static str,
}

/// Makes the change on the object as read, as kubectl does before it
/// patches.
fn edit_online(mut info: Info, edit: &MetadataEdit) -> Edited {
    let labels = edit.map == MetadataMap::Labels;
    let mut notes = Vec::new();
    if labels {
        if !edit.resource_version.is_empty() {
            // The version must reach the patch even when it is the current
            // one.
            set_resource_version(&mut info.object, "");
        }
        let current = string_map(&info.object, "labels");
        for key in &edit.remove {
            if !current.contains_key(key) {
                notes.push(format!("label {} not found.", go_quote(key)));
            }
        }
    } else if !edit.resource_version.is_empty() {
        set_resource_version(&mut info.object, "");
    }
    let before = info.object.clone();
    if let Some(cause) = &edit.change_cause {
        record(&mut info.object, cause);
    }
    let mut operation = "annotated";
    let patch = edit.apply(&mut info.object).map(|changes| {
        if labels {
            operation = label_operation(&changes);
        }
        // label writes only what changed; annotate always sends its patch.
        let send = !labels || changes.added > 0 || changes.removed > 0;
        send.then(|| merge_patch_bytes(&before, &info.object))
    });
    Edited {
        info,
        notes,
        patch,
        operation,
    }
}

/// Sends an object's patch; label shows the object as it changed it,
/// annotate the server's answer.
async fn send(
    client: &ApiClient,
    edited: Edited,
    labels: bool,
    options: &WriteOptions,
) -> Result<Written> {
    let Edited {
        info,
        notes,
        patch,
        operation,
    } = edited;
    let shown = match patch {
        Err(e) => Err(e),
        Ok(None) => Ok(info.object),
        Ok(Some(body)) => write::patch(
            client,
            &info.mapping,
            info.namespace.as_deref(),
            &info.name,
            None,
            PatchType::Merge,
            body,
            options,
        )
        .await
        .map(|written| if labels { info.object } else { written })
        .map_err(Into::into),
    };
    Ok(Written {
        notes,
        shown,
        operation,
    })
}

/// A client-side dry run, `--local` or `--list`: the change is shown,
/// nothing is sent.
fn show_offline(
    ctx: &mut Context,
    mut info: Info,
    edit: &MetadataEdit,
    result: &mut ResultPrinter,
    single: bool,
) -> Result<()> {
    let labels = edit.map == MetadataMap::Labels;
    if labels && !edit.resource_version.is_empty() {
        set_resource_version(&mut info.object, "");
    }
    let changes = edit.apply(&mut info.object)?;
    let operation = if labels {
        label_operation(&changes)
    } else {
        "annotated"
    };
    if edit.list {
        return list(ctx, &info.object, edit.map, single);
    }
    sort_keys(&mut info.object);
    result.print(&mut ctx.out, &info.object, operation)
}

/// `--list`: the keys as `k=v` lines, under a heading per object when
/// several were asked for.
fn list(ctx: &mut Context, obj: &Value, map: MetadataMap, single: bool) -> Result<()> {
    let mut indent = "";
    if !single {
        indent = " ";
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        writeln!(ctx.out, "Listing {} for {kind}.{group}/{name}:", map.key())?;
    }
    for (k, v) in string_map(obj, map.key()) {
        writeln!(ctx.out, "{indent}{k}={v}")?;
    }
    Ok(())
}

/// `label`'s `KEY=VALUE` / `KEY-` arguments: one `=` only, and values
/// checked as label values (keys are left to the server).
pub fn parse_label_pairs(spec: &[String]) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let mut new = BTreeMap::new();
    let mut remove = Vec::new();
    for arg in spec {
        if arg.contains('=') {
            let parts: Vec<&str> = arg.split('=').collect();
            if parts.len() != 2 {
                bail!("invalid label spec: {arg}");
            }
            let errs = crate::generate::validation::label_value_errors(parts[1]);
            if !errs.is_empty() {
                bail!("invalid label value: {}: {}", go_quote(arg), errs.join(";"));
            }
            new.insert(parts[0].to_string(), parts[1].to_string());
        } else if let Some(key) = arg.strip_suffix('-') {
            remove.push(key.to_string());
        } else {
            bail!("unknown label spec: {arg}");
        }
    }
    if remove.iter().any(|k| new.contains_key(k)) {
        return Err(anyhow!(
            "can not both modify and remove a label in the same command"
        ));
    }
    Ok((new, remove))
}

/// `annotate`'s check that no key is both set and removed.
pub fn check_annotation_pairs(new: &BTreeMap<String, String>, remove: &[String]) -> Result<()> {
    let both: Vec<&str> = remove
        .iter()
        .filter(|k| new.contains_key(*k))
        .map(String::as_str)
        .collect();
    if both.is_empty() {
        return Ok(());
    }
    bail!(
        "can not both modify and remove the following annotation(s) in the same command: {}",
        both.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn edit(map: MetadataMap, new: &[(&str, &str)], remove: &[&str]) -> MetadataEdit {
        MetadataEdit {
            map,
            new: new
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            remove: remove.iter().map(|s| s.to_string()).collect(),
            overwrite: false,
            resource_version: String::new(),
            list: false,
            local: false,
            field_manager: String::new(),
            change_cause: None,
        }
    }

    #[test]
    fn label_results_and_overwrites() {
        let mut obj = json!({"metadata": {"labels": {"a": "1"}}});
        let e = edit(MetadataMap::Labels, &[("b", "2")], &["a"]);
        let c = e.apply(&mut obj).unwrap();
        assert_eq!(label_operation(&c), "modified");
        assert_eq!(obj, json!({"metadata": {"labels": {"b": "2"}}}));
        let e = edit(MetadataMap::Labels, &[("b", "3")], &[]);
        assert_eq!(
            e.apply(&mut obj).unwrap_err().to_string(),
            "'b' already has a value (2), and --overwrite is false"
        );
        let e = edit(MetadataMap::Labels, &[("b", "2")], &["x"]);
        assert_eq!(label_operation(&e.apply(&mut obj).unwrap()), "not labeled");
    }

    #[test]
    fn annotation_overwrites_spare_the_change_cause() {
        let mut obj = json!({"metadata": {"annotations": {"a": "1", CHANGE_CAUSE: "x"}}});
        let e = edit(
            MetadataMap::Annotations,
            &[("a", "2"), (CHANGE_CAUSE, "y")],
            &[],
        );
        assert_eq!(
            e.apply(&mut obj).unwrap_err().to_string(),
            "--overwrite is false but found the following declared annotation(s): 'a' already has a value (1)"
        );
    }

    #[test]
    fn patches_carry_the_resource_version() {
        let before = json!({"metadata": {"name": "x", "labels": {"a": "1"}}});
        let mut after = before.clone();
        let mut e = edit(MetadataMap::Labels, &[("b", "2")], &["a"]);
        e.resource_version = "7".into();
        e.apply(&mut after).unwrap();
        assert_eq!(
            String::from_utf8(merge_patch_bytes(&before, &after)).unwrap(),
            r#"{"metadata":{"labels":{"a":null,"b":"2"},"resourceVersion":"7"}}"#
        );
    }

    #[test]
    fn label_arguments() {
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            parse_label_pairs(&words("a=b=c")).unwrap_err().to_string(),
            "invalid label spec: a=b=c"
        );
        assert!(parse_label_pairs(&words("a=-b"))
            .unwrap_err()
            .to_string()
            .starts_with("invalid label value: \"a=-b\": a valid label must"));
        assert_eq!(
            parse_label_pairs(&words("a=b a-")).unwrap_err().to_string(),
            "can not both modify and remove a label in the same command"
        );
        assert_eq!(
            check_annotation_pairs(
                &[("x".to_string(), "1".to_string())].into_iter().collect(),
                &["x".to_string()]
            )
            .unwrap_err()
            .to_string(),
            "can not both modify and remove the following annotation(s) in the same command: x"
        );
    }
}

//! The edit loop kubectl runs for `edit`, `create --edit` and `apply
//! edit-last-applied`: write the objects to a temporary file (YAML with a
//! comment header, or JSON), open the user's editor, read the file back,
//! and send what changed. An unchanged file cancels; a file that does not
//! parse or that the server rejects as invalid is opened again with the
//! reasons at the top; other failures keep the file and say where it is.

pub mod file;
pub mod launch;
pub mod patch;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use serde_json::{json, Value};

use crate::apply::last_applied;
use crate::apply::openapi::OpenApiV3;
use crate::client::ApiError;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_quote;
use crate::flags::validate::FieldValidation;
use crate::flags::{DryRun, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{OutputFormat, Printer, OBJECT_FORMATS};
use crate::resource::infos::{map_entries, require_namespace, Info};
use crate::resource::write::{self, PatchType, WriteOptions};
use file::{HeaderKind, Reason};
use launch::Editor;

/// What the edit is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditMode {
    /// `edit`: patch the objects on the server.
    Normal,
    /// `create --edit`: create each object after editing it.
    BeforeCreate,
    /// `apply edit-last-applied`: rewrite the last-applied annotations.
    LastApplied,
}

/// The formats the file can be written in (`-o`).
const EDIT_FORMATS: &[&str] = &["json", "kyaml", "yaml"];

/// Everything an edit session needs besides the objects.
pub struct Options<'a> {
    pub mode: EditMode,
    /// `-o`: the file's format and how results print.
    pub print: &'a PrintFlags,
    pub output_patch: bool,
    pub windows_line_endings: bool,
    /// `--save-config`.
    pub save_config: bool,
    pub field_manager: String,
    pub validation: FieldValidation,
    pub subresource: Option<String>,
    /// The namespace in effect (edited objects must stay in it).
    pub namespace: String,
}

/// The file's format: YAML (with the comment header), JSON or KYAML.
struct FileFormat {
    printer: Printer,
    extension: &'static str,
    header: bool,
}

impl Options<'_> {
    fn file_format(&self) -> Result<FileFormat> {
        let format = match self.print.output.as_deref() {
            None | Some("") => OutputFormat::Yaml,
            Some(other) => OutputFormat::parse(other, EDIT_FORMATS)?,
        };
        let json = format == OutputFormat::Json;
        Ok(FileFormat {
            printer: Printer::new(format),
            extension: if json { ".json" } else { ".yaml" },
            header: !json,
        })
    }

    fn header_kind(&self) -> HeaderKind {
        match self.mode {
            EditMode::LastApplied => HeaderKind::LastApplied,
            _ => HeaderKind::Object,
        }
    }

    /// Prints an object's result line (or the object with `-o`): kubectl
    /// makes a new printer each time.
    fn print_result(&self, out: &mut dyn Write, obj: &Value, operation: &str) -> Result<()> {
        let printer = self.print.printer(OBJECT_FORMATS)?;
        let mut obj = obj.clone();
        crate::printers::sort_keys(&mut obj);
        ResultPrinter::new(DryRun::None, printer, self.print.show_managed_fields)
            .print(out, &obj, operation)
    }

    fn write_options(&self) -> WriteOptions {
        WriteOptions {
            field_manager: self.field_manager.clone(),
            field_validation: Some(self.validation),
            dry_run: false,
        }
    }
}

/// The outcome of sending one round of edits.
#[derive(Default)]
struct Results {
    reasons: Vec<Reason>,
    retryable: usize,
    not_found: usize,
    /// Objects the server found invalid: the file is opened again.
    invalid: usize,
    file: Option<PathBuf>,
}

impl Results {
    /// Records a failed write and returns the line kubectl prints for it.
    fn add_error(&mut self, err: &anyhow::Error, mapping_resource: &str, name: &str) -> String {
        let name_q = go_quote(name);
        let status = err.downcast_ref::<ApiError>().and_then(ApiError::status);
        match status {
            Some(s) if s.reason == "Invalid" => {
                self.invalid += 1;
                let other = s
                    .details
                    .as_ref()
                    .map(|d| {
                        d.causes
                            .iter()
                            .map(|c| format!("{}: {}", c.field, c.message))
                            .collect()
                    })
                    .unwrap_or_default();
                self.reasons.push(Reason {
                    head: format!("{mapping_resource} {name_q} was not valid"),
                    other,
                });
                format!("error: {mapping_resource} {name_q} is invalid")
            }
            Some(s) if s.reason == "NotFound" => {
                self.not_found += 1;
                format!("error: {mapping_resource} {name_q} could not be found on the server")
            }
            _ => {
                self.retryable += 1;
                format!("error: {mapping_resource} {name_q} could not be patched: {err}")
            }
        }
    }
}

/// kubectl's `preservedFile`: says where the user's changes are kept.
fn preserved(err: anyhow::Error, path: Option<&Path>, stderr: &mut dyn Write) -> anyhow::Error {
    if let Some(path) = path.filter(|p| p.exists()) {
        let _ = writeln!(
            stderr,
            "A copy of your changes has been stored to {}",
            go_quote(&path.display().to_string())
        );
    }
    err
}

/// Client-side checks of the edited text (kubectl's validator): the type
/// fields of the document, and of each item of a list. The server checks
/// everything else itself (its field validation), lists aside: for those
/// kubectl also checks the items against the OpenAPI schema, which kuddle
/// leaves to the server. With `warn`, lists are not checked (kubectl says so).
fn validate(data: &[u8], warn: bool, stderr: &mut dyn Write) -> Result<(), String> {
    let obj: Value = if file::looks_like_json(data) {
        serde_json::from_slice(data).map_err(|e| e.to_string())?
    } else {
        crate::kubeconfig::yaml::yaml_to_json(data)?
    };
    let (api_version, kind) = object_kind(&obj).map_err(|errors| go_aggregate(&errors))?;
    if api_version != "v1" || kind != "List" {
        return Ok(());
    }
    if warn {
        crate::context::klog_warning(
            stderr,
            "schema.go:145",
            "cannot perform warn validation if server-side field validation is unsupported, skipping validation",
        );
        return Ok(());
    }
    let Some(items) = obj.get("items").and_then(Value::as_array) else {
        return Err("invalid object to validate".into());
    };
    let errors: Vec<String> = items
        .iter()
        .filter_map(|item| object_kind(item).err())
        .flatten()
        .collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(go_aggregate(&errors)),
    }
}

/// kubectl's `getObjectKind`: the document's apiVersion and kind, or why
/// they are unusable.
fn object_kind(obj: &Value) -> Result<(String, String), Vec<String>> {
    let Some(fields) = obj.as_object() else {
        return Err(vec!["invalid object to validate".into()]);
    };
    let mut errors: Vec<String> = Vec::new();
    let mut api_version = String::new();
    match fields.get("apiVersion") {
        None | Some(Value::Null) => errors.push("apiVersion not set".into()),
        Some(Value::String(v)) if v.matches('/').count() > 1 => {
            errors.push(format!("unexpected GroupVersion string: {v}"))
        }
        Some(Value::String(v)) => api_version = v.clone(),
        Some(_) => errors.push("apiVersion isn't string type".into()),
    }
    let mut kind = String::new();
    match fields.get("kind") {
        None | Some(Value::Null) => errors.push("kind not set".into()),
        Some(Value::String(k)) => kind = k.clone(),
        Some(_) => errors.push("kind isn't string type".into()),
    }
    if errors.is_empty() {
        Ok((api_version, kind))
    } else {
        Err(errors)
    }
}

/// Go's aggregate error text: one message as it is, several in brackets
/// (each once).
fn go_aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&String> = Vec::new();
    for e in errors {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        many => format!(
            "[{}]",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The message of the invalid-object error the validator's failure becomes.
fn validation_cause(err: &str) -> String {
    format!("Invalid value: \"The edited file failed validation\": {err}")
}

/// `resource.group` as edit names a resource in its messages.
fn resource_string(info: &Info) -> String {
    info.mapping.group_resource()
}

fn uid(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Runs one edit session over `infos` (all at once for `edit` and
/// `edit-last-applied`; `create --edit` calls it once per object).
pub async fn edit(ctx: &mut Context, opts: &Options<'_>, mut infos: Vec<Info>) -> Result<()> {
    let editor = Editor::from_env();
    let prefix = format!("{}-edit-", crate::error::PROGRAM);
    let mut openapi = OpenApiV3::default();
    let mut results = Results::default();
    let mut original: Vec<u8> = Vec::new();
    let mut edited: Vec<u8> = Vec::new();
    let mut contains_error = false;
    let mut managed_fields: Vec<(String, Value)> = Vec::new();
    loop {
        let format = opts
            .file_format()
            .map_err(|e| preserved(e, results.file.as_deref(), &mut ctx.err))?;
        let mut buf: Vec<u8> = Vec::new();
        if format.header {
            buf.extend(file::header(opts.header_kind(), &results.reasons).into_bytes());
        }
        if opts.windows_line_endings {
            buf = file::crlf(&buf);
        }
        if !contains_error {
            managed_fields = infos
                .iter_mut()
                .map(|info| {
                    let fields = info
                        .object
                        .get_mut("metadata")
                        .and_then(Value::as_object_mut)
                        .and_then(|m| m.shift_remove("managedFields"))
                        .unwrap_or(Value::Null);
                    (uid(&info.object).to_string(), fields)
                })
                .collect();
            let mut document = match infos.as_slice() {
                [one] => one.object.clone(),
                many => json!({
                    "kind": "List",
                    "apiVersion": "v1",
                    "metadata": {},
                    "items": many.iter().map(|i| i.object.clone()).collect::<Vec<_>>(),
                }),
            };
            crate::printers::sort_keys(&mut document);
            let mut text = Vec::new();
            let mut printer = format.printer;
            printer
                .print(&document, &mut text)
                .map_err(|e| preserved(e, results.file.as_deref(), &mut ctx.err))?;
            if opts.windows_line_endings {
                text = file::crlf(&text);
            }
            buf.extend(text);
            original = buf.clone();
        } else {
            buf.extend(file::manual_strip(&edited));
        }

        // The editor shares the terminal's output.
        ctx.out.flush()?;
        let previous_edit = std::mem::take(&mut edited);
        let (read, path) = launch::launch_temp_file(&editor, &prefix, format.extension, &buf);
        edited = match read {
            Ok(bytes) => bytes,
            Err(e) => {
                return Err(preserved(e, results.file.as_deref(), &mut ctx.err));
            }
        };
        let path = path.unwrap_or_default();
        if contains_error && file::strip_comments(&previous_edit) == file::strip_comments(&edited) {
            return Err(preserved(
                anyhow!("Edit cancelled, no valid changes were saved."),
                Some(&path),
                &mut ctx.err,
            ));
        }
        if let Some(old) = results.file.take() {
            let _ = std::fs::remove_file(old);
        }

        if opts.validation != FieldValidation::Ignore {
            let warn = opts.validation == FieldValidation::Warn;
            if let Err(e) = validate(&file::strip_comments(&edited), warn, &mut ctx.err) {
                results = Results {
                    file: Some(path.clone()),
                    ..Default::default()
                };
                contains_error = true;
                let first = &infos[0];
                results.reasons.push(Reason {
                    head: format!(
                        "{} {} was not valid",
                        resource_string(first),
                        go_quote(&first.name)
                    ),
                    other: vec![format!("<nil>: {}", validation_cause(&e))],
                });
                writeln!(
                    ctx.err,
                    "error: {} {} is invalid",
                    resource_string(first),
                    go_quote(&first.name)
                )?;
                continue;
            }
        }

        if file::strip_comments(&original) == file::strip_comments(&edited) {
            let _ = std::fs::remove_file(&path);
            writeln!(ctx.err, "Edit cancelled, no changes made.")?;
            return Ok(());
        }
        if !file::has_lines(&edited) {
            let _ = std::fs::remove_file(&path);
            writeln!(ctx.err, "Edit cancelled, saved file was empty.")?;
            return Ok(());
        }
        results = Results {
            file: Some(path.clone()),
            ..Default::default()
        };

        // Read the edited file as kubectl's builder reads a stream.
        let entries = crate::resource::manifest::read_bytes("edited-file", &edited);
        let mapped = map_entries(ctx, entries, false).await?;
        if !mapped.reading.is_empty() {
            contains_error = true;
            let texts: Vec<String> = {
                let mut seen: Vec<String> = Vec::new();
                for e in &mapped.reading {
                    let t = e.to_string();
                    if !seen.contains(&t) {
                        seen.push(t);
                    }
                }
                seen
            };
            let text = match texts.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            results.reasons.push(Reason {
                head: format!("The edited file had a syntax error: {text}"),
                other: vec![],
            });
            continue;
        }
        contains_error = false;

        // Managed fields go back on both sides before comparing.
        let restore = |obj: &mut Value| {
            let fields = managed_fields
                .iter()
                .find(|(u, _)| u == uid(obj))
                .map(|(_, f)| f.clone())
                .unwrap_or(Value::Null);
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                if fields.is_null() {
                    meta.shift_remove("managedFields");
                } else {
                    meta.insert("managedFields".into(), fields);
                }
            }
        };
        let mut updated: Vec<Info> = Vec::new();
        for (m, mapping) in mapped.objects {
            let mut obj = Value::Object(m.object.clone());
            restore(&mut obj);
            let m = crate::resource::manifest::Manifest {
                object: obj.as_object().cloned().unwrap_or_default(),
                ..m
            };
            match require_namespace(m, mapping, &opts.namespace) {
                Ok(info) => updated.push(info),
                Err(e) => return Err(preserved(e, Some(&path), &mut ctx.err)),
            }
        }
        for info in infos.iter_mut() {
            restore(&mut info.object);
        }
        if opts.save_config {
            for info in updated.iter_mut() {
                if let Some(map) = info.object.as_object_mut() {
                    last_applied::create_annotation(map);
                }
            }
        }

        let sent = match opts.mode {
            EditMode::Normal => {
                send_patches(ctx, opts, &mut openapi, &infos, updated, &mut results).await
            }
            EditMode::LastApplied => send_annotations(ctx, opts, &infos, updated).await,
            EditMode::BeforeCreate => send_creates(ctx, opts, updated).await,
        };
        if let Err(e) = sent {
            return Err(preserved(e, results.file.as_deref(), &mut ctx.err));
        }

        if results.retryable > 0 {
            writeln!(
                ctx.err,
                "You can run `{} replace -f {}` to try this update again.",
                crate::error::PROGRAM,
                path.display()
            )?;
            return Err(CliError::Exit(1).into());
        }
        if results.not_found > 0 {
            writeln!(
                ctx.err,
                "The edits you made on deleted resources have been saved to {}",
                go_quote(&path.display().to_string())
            )?;
            return Err(CliError::Exit(1).into());
        }
        if results.invalid == 0 {
            let _ = std::fs::remove_file(&path);
            return Ok(());
        }
        if !results.reasons.is_empty() {
            contains_error = true;
        }
    }
}

/// `edit`: one patch per changed object, against the object it was read
/// as (matched by uid).
async fn send_patches(
    ctx: &mut Context,
    opts: &Options<'_>,
    openapi: &mut OpenApiV3,
    originals: &[Info],
    updated: Vec<Info>,
    results: &mut Results,
) -> Result<()> {
    let conn = ctx.connection().await?;
    for info in updated {
        let Some(original) = originals
            .iter()
            .find(|o| uid(&o.object) == uid(&info.object))
        else {
            anyhow::bail!(
                "no original object found for {}",
                patch::go_syntax(&info.object)
            );
        };
        let before = original.object.as_object().cloned().unwrap_or_default();
        let after = info.object.as_object().cloned().unwrap_or_default();
        if file::canonical_json(&original.object) == file::canonical_json(&info.object) {
            opts.print_result(&mut ctx.out, &info.object, "skipped")?;
            continue;
        }
        let (patch_type, body) =
            patch::two_way_patch(&conn.client, openapi, &info.mapping, &before, &after).await?;
        let text = file::canonical_json(&Value::Object(body));
        if opts.output_patch {
            writeln!(ctx.out, "Patch: {text}")?;
        }
        let sent = write::patch(
            &conn.client,
            &info.mapping,
            info.namespace.as_deref(),
            &info.name,
            opts.subresource.as_deref(),
            patch_type,
            text.into_bytes(),
            &opts.write_options(),
        )
        .await;
        match sent {
            Ok(patched) => opts.print_result(&mut ctx.out, &patched, "edited")?,
            Err(e) => {
                let e = anyhow::Error::from(e);
                let line = results.add_error(&e, &resource_string(&info), &info.name);
                writeln!(ctx.err, "{line}")?;
            }
        }
    }
    Ok(())
}

/// `apply edit-last-applied`: each changed object becomes its own
/// last-applied annotation. Objects are matched by uid, as kubectl does
/// (annotations rarely hold one, so all match the first).
async fn send_annotations(
    ctx: &mut Context,
    opts: &Options<'_>,
    originals: &[Info],
    updated: Vec<Info>,
) -> Result<()> {
    let conn = ctx.connection().await?;
    for info in updated {
        let Some(original) = originals
            .iter()
            .find(|o| uid(&o.object) == uid(&info.object))
        else {
            anyhow::bail!(
                "no original object found for {}",
                patch::go_syntax(&info.object)
            );
        };
        if file::canonical_json(&original.object) == file::canonical_json(&info.object) {
            opts.print_result(&mut ctx.out, &info.object, "skipped")?;
            continue;
        }
        let obj = info.object.as_object().cloned().unwrap_or_default();
        let body = file::canonical_json(&Value::Object(patch::last_applied_patch(&obj)));
        write::patch(
            &conn.client,
            &info.mapping,
            Some(&opts.namespace)
                .filter(|_| info.mapping.namespaced)
                .map(String::as_str),
            &info.name,
            opts.subresource.as_deref(),
            PatchType::Merge,
            body.into_bytes(),
            &opts.write_options(),
        )
        .await?;
        opts.print_result(&mut ctx.out, &info.object, "edited")?;
    }
    Ok(())
}

/// `create --edit`: create what the file now holds.
async fn send_creates(ctx: &mut Context, opts: &Options<'_>, updated: Vec<Info>) -> Result<()> {
    let conn = ctx.connection().await?;
    for info in updated {
        let created = write::create(
            &conn.client,
            &info.mapping,
            info.namespace.as_deref(),
            &info.object,
            &opts.write_options(),
        )
        .await?;
        opts.print_result(&mut ctx.out, &created, "created")?;
    }
    Ok(())
}

/// kubectl's message when no object has a last-applied annotation.
pub const NO_LAST_APPLIED: &str = "no last-applied-configuration annotation found on resources, to create the annotation, use command `kubectl apply set-last-applied --create-annotation`";

/// The objects `apply edit-last-applied` edits: each object's last-applied
/// annotation, read as an object of its own.
pub async fn last_applied_infos(ctx: &mut Context, infos: &[Info]) -> Result<Vec<Info>> {
    let mut out = Vec::new();
    for info in infos {
        let Some(text) = info.object.as_object().and_then(last_applied::original) else {
            continue;
        };
        let entries = crate::resource::manifest::read_bytes("edited-file", text.as_bytes());
        let mapped = map_entries(ctx, entries, false).await?;
        if let Some(e) = mapped.reading.into_iter().next() {
            return Err(e);
        }
        if let Some((m, mapping)) = mapped.objects.into_iter().next() {
            let namespace = m
                .object
                .get("metadata")
                .and_then(|meta| meta.get("namespace"))
                .and_then(Value::as_str)
                .map(str::to_string);
            out.push(Info::from_object(
                mapping,
                Value::Object(m.object),
                namespace,
            ));
        }
    }
    if out.is_empty() {
        anyhow::bail!(NO_LAST_APPLIED);
    }
    Ok(out)
}

/// What `create -f … --edit` was given.
pub struct CreateEdit<'a> {
    pub files: &'a crate::flags::FilenameFlags,
    /// `-o`: the file's format and how results print.
    pub print: &'a PrintFlags,
    /// `--validate`.
    pub validation: FieldValidation,
    /// `--save-config`.
    pub save_config: bool,
}

/// `create -f … --edit`: each object of the files is edited on its own,
/// then created (with the field manager `kubectl-create`, whatever
/// `--field-manager`, `--dry-run` and `--windows-line-endings` say, as in
/// kubectl). Errors are gathered and the other objects still edited.
pub async fn create_with_edit(ctx: &mut Context, c: CreateEdit<'_>) -> Result<()> {
    let (namespace, _) = ctx.namespace()?;
    if c.files.filenames.is_empty() && c.files.kustomize.as_deref().is_none_or(str::is_empty) {
        anyhow::bail!(crate::resource::builder::MISSING_RESOURCE);
    }
    let objects = crate::resource::infos::read_file_objects(
        ctx,
        c.files,
        crate::resource::infos::FileReading::default(),
    )
    .await?;
    let opts = Options {
        mode: EditMode::BeforeCreate,
        print: c.print,
        output_patch: false,
        windows_line_endings: false,
        save_config: c.save_config,
        field_manager: "kubectl-create".into(),
        validation: c.validation,
        subresource: None,
        namespace,
    };
    let mut errors = crate::error::VisitErrors::default();
    for item in objects.items {
        match item {
            Ok(info) => {
                if let Err(e) = edit(ctx, &opts, vec![info]).await {
                    errors.push(e);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    objects
        .reading
        .into_iter()
        .for_each(|e| errors.push_reading(e));
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_in_kubectl_words() {
        let v = |data: &[u8]| validate(data, false, &mut std::io::sink());
        assert_eq!(v(b"null").unwrap_err(), "invalid object to validate");
        assert_eq!(
            v(b"{\"metadata\": {}}").unwrap_err(),
            "[apiVersion not set, kind not set]"
        );
        assert_eq!(
            v(b"{\"apiVersion\": 1, \"kind\": \"X\"}").unwrap_err(),
            "apiVersion isn't string type"
        );
        assert_eq!(
            v(b"a: [\n").unwrap_err(),
            "yaml: line 1: did not find expected node content"
        );
        assert_eq!(
            v(b"{\"apiVersion\": \"v1\", \"kind\": \"List\"}").unwrap_err(),
            "invalid object to validate"
        );
        assert_eq!(
            v(b"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"kind\": \"A\"}, {}]}")
                .unwrap_err(),
            "[apiVersion not set, kind not set]"
        );
        let mut warned = Vec::new();
        assert!(validate(
            b"{\"apiVersion\": \"v1\", \"kind\": \"List\"}",
            true,
            &mut warned
        )
        .is_ok());
        assert!(String::from_utf8(warned)
            .unwrap()
            .contains("skipping validation"));
    }
}

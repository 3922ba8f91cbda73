//! The edit loop kubectl runs for `edit`, `create --edit` and `apply
//! edit-last-applied`: write the objects to a temporary file (YAML with a
//! comment header, or JSON), open the user's editor, read the file back,
//! and send what changed. An unchanged file cancels; a file that does not
//! parse or that the server rejects as invalid is opened again with the
//! reasons at the top; other failures keep the file and say where it is.

pub mod file;
pub mod launch;
pub mod patch;
mod send;
mod validate;

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Result};
use serde_json::{json, Value};

use crate::apply::last_applied;
use crate::apply::openapi::OpenApiV3;
use crate::context::Context;
use crate::error::CliError;
use crate::flags::go_values::go_quote;
use crate::flags::validate::FieldValidation;
use crate::flags::{DryRun, PrintFlags};
use crate::printers::result::ResultPrinter;
use crate::printers::{OutputFormat, Printer, OBJECT_FORMATS};
use crate::resource::infos::{map_entries, place_required, Info};
use crate::resource::write::WriteOptions;
use file::{HeaderKind, Reason};
use launch::Editor;
use send::{resource_string, send_annotations, send_creates, send_patches, uid, Results};
use validate::{validate, validation_cause};

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
    /// `--record`: the command line, recorded on each object sent.
    pub change_cause: Option<String>,
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
            match place_required(m, mapping, &opts.namespace) {
                Ok(info) => updated.push(info),
                Err(e) => return Err(preserved(e, Some(&path), &mut ctx.err)),
            }
        }
        for info in infos.iter_mut() {
            restore(&mut info.object);
        }
        for info in updated.iter_mut() {
            if let Some(map) = info.object.as_object_mut() {
                if opts.save_config {
                    last_applied::create_annotation(map);
                }
                if let Some(cause) = &opts.change_cause {
                    crate::flags::record::record_in(map, cause);
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
    /// `--record`'s change cause.
    pub change_cause: Option<String>,
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
        change_cause: c.change_cause,
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

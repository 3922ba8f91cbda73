//! Sending one round of edits: patches for `edit`, last-applied
//! annotations for `apply edit-last-applied`, creations for `create
//! --edit`; failed writes recorded as kubectl sorts them (invalid: open
//! the file again; not found; anything else: try `replace -f` later).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use serde_json::Value;

use super::file::{self, Reason};
use super::{patch, Options};
use crate::apply::openapi::OpenApiV3;
use crate::client::ApiError;
use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::resource::infos::Info;
use crate::resource::write::{self, PatchType};

/// The outcome of sending one round of edits.
#[derive(Default)]
pub(super) struct Results {
    pub reasons: Vec<Reason>,
    pub retryable: usize,
    pub not_found: usize,
    /// Objects the server found invalid: the file is opened again.
    pub invalid: usize,
    pub file: Option<PathBuf>,
}

impl Results {
    /// Records a failed write and returns the line kubectl prints for it.
    pub fn add_error(&mut self, err: &anyhow::Error, mapping_resource: &str, name: &str) -> String {
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

/// `resource.group` as edit names a resource in its messages.
pub(super) fn resource_string(info: &Info) -> String {
    info.mapping.group_resource()
}

pub(super) fn uid(obj: &Value) -> &str {
    obj.pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `edit`: one patch per changed object, against the object it was read
/// as (matched by uid).
pub(super) async fn send_patches(
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
pub(super) async fn send_annotations(
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
pub(super) async fn send_creates(
    ctx: &mut Context,
    opts: &Options<'_>,
    updated: Vec<Info>,
) -> Result<()> {
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

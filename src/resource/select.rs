//! The objects a verb that changes objects works on, named the ways
//! kubectl's resource builder takes them: `TYPE NAME…`, `TYPE/NAME…`, a
//! type with `-l`/`--field-selector`/`--all`, `-A`, or `-f` files — read
//! from the server, or only from the files with `--local`.

use anyhow::{anyhow, bail, Result};
use serde_json::Value;

use super::builder::Selection;
use super::fetch::get_object_or_namespace;
use super::infos::{
    arguments_with_paths, compiled_in, fetch_infos, read_file_objects, read_file_objects_unchecked,
    read_local_objects, single_source, FileReading, Info,
};
use super::selector::Selector;
use super::NoResourceType;
use crate::client::{parse_json, ACCEPT_JSON};
use crate::context::Context;
use crate::flags::go_values::go_quote;
use crate::flags::FilenameFlags;

/// What names the objects (kubectl's builder parameters).
#[derive(Debug, Clone, Copy)]
pub struct ObjectQuery<'a> {
    pub args: &'a [String],
    pub files: &'a FilenameFlags,
    pub label_selector: Option<&'a str>,
    pub field_selector: Option<&'a str>,
    /// A lone type selects every object of it (`--all` for most verbs).
    pub all: bool,
    /// The builder's `SelectAllParam`: `--all` where it also means "every
    /// object" with no type-level check (view-last-applied).
    pub select_all: bool,
    pub all_namespaces: bool,
    /// `--local`: objects only from files, nothing asked of a server.
    pub local: bool,
    /// Decoded with kubectl's scheme (`set`): other kinds are errors.
    pub typed: bool,
    /// Objects named by files are read again from the server (`Latest()`).
    pub latest: bool,
}

/// The objects in the order kubectl visits them, each an object or the
/// error met getting it; then the errors met reading files.
#[derive(Debug, Default)]
pub struct Selected {
    pub items: Vec<Result<Info, anyhow::Error>>,
    pub reading: Vec<anyhow::Error>,
    /// One object was asked for (`IntoSingleItemImplied`).
    pub single_item_implied: bool,
}

impl Selected {
    /// Whether nothing went wrong getting the objects.
    pub fn is_ok(&self) -> bool {
        self.reading.is_empty() && self.items.iter().all(Result::is_ok)
    }

    /// The objects to visit, and the errors so far (those met reading
    /// files), for a verb that visits every object and reports failures
    /// at the end.
    pub fn into_visit(self) -> (Vec<Result<Info, anyhow::Error>>, crate::error::VisitErrors) {
        let mut errors = crate::error::VisitErrors::default();
        self.reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        (self.items, errors)
    }

    /// The errors, in kubectl's order, for a verb that stops when any
    /// object could not be read (`Infos()`).
    pub fn into_errors(self) -> crate::error::VisitErrors {
        let mut errors = crate::error::VisitErrors::default();
        for item in self.items {
            if let Err(e) = item {
                errors.push(e);
            }
        }
        self.reading
            .into_iter()
            .for_each(|e| errors.push_reading(e));
        errors
    }
}

/// Whether objects come from `-f` (or `-k`) rather than arguments.
pub fn uses_files(files: &FilenameFlags) -> bool {
    !files.filenames.is_empty() || files.kustomize.as_deref().is_some_and(|k| !k.is_empty())
}

/// kubectl's error for `--local` with TYPE NAME arguments.
pub const LOCAL_RESOURCE_ERROR: &str =
    "error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'";

/// Gets the objects a query names.
pub async fn select_objects(ctx: &mut Context, q: &ObjectQuery<'_>) -> Result<Selected> {
    let how = FileReading {
        typed: q.typed,
        label_selector: if q.local { None } else { q.label_selector },
    };
    if q.local {
        let objects = read_local_objects(q.files, how).await?;
        return Ok(Selected {
            single_item_implied: single_source(q.files),
            items: objects.items,
            reading: objects.reading,
        });
    }
    if uses_files(q.files) {
        arguments_with_paths(q.args)?;
        return from_files(ctx, q, how).await;
    }
    let conn = ctx.connection().await?;
    let selection = Selection {
        args: q.args,
        label_selector: q.label_selector.map(str::to_string),
        field_selector: q.field_selector.map(str::to_string),
        allow_empty_selector: q.all,
        select_all: q.select_all,
        namespace: conn.namespace.clone(),
        all_namespaces: q.all_namespaces,
        ..Default::default()
    };
    let discovery = ctx.discovery().await?;
    let plan = match discovery.plan(&selection) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(&selection)?,
                None => return Err(e),
            }
        }
        other => other?,
    };
    let single_item_implied = matches!(
        plan,
        super::builder::Plan::Named {
            single_item_implied: true,
            ..
        }
    );
    let mut items = fetch_infos(&conn.client, &plan).await;
    if q.all_namespaces && conn.explicit_namespace {
        // kubectl's builder still requires the namespace `-n` named, which
        // `-A` has emptied: every namespaced object fails the check.
        items = items
            .into_iter()
            .map(|i| i.and_then(|info| require_namespace(info, "")))
            .collect();
    }
    if q.typed {
        items = items.into_iter().map(|i| i.and_then(typed_check)).collect();
    }
    Ok(Selected {
        items,
        reading: Vec::new(),
        single_item_implied,
    })
}

/// Objects named by files, placed in the namespace in effect and, with
/// `latest`, read again from the server (then filtered by `-l`).
async fn from_files(
    ctx: &mut Context,
    q: &ObjectQuery<'_>,
    how: FileReading<'_>,
) -> Result<Selected> {
    let single_item_implied = single_source(q.files);
    let read_how = FileReading {
        label_selector: if q.latest { None } else { how.label_selector },
        ..how
    };
    if !q.latest {
        let objects = read_file_objects(ctx, q.files, read_how).await?;
        return Ok(Selected {
            items: objects.items,
            reading: objects.reading,
            single_item_implied,
        });
    }
    let objects = read_file_objects_unchecked(ctx, q.files, read_how).await?;
    let selector =
        match q.label_selector.map(str::trim) {
            Some(text) => Some(Selector::parse(text).map_err(|e| {
                anyhow!("the provided selector {} is not valid: {e}", go_quote(text))
            })?),
            None => None,
        };
    let conn = ctx.connection().await?;
    let mut items = Vec::new();
    for item in objects.items {
        let info = match item {
            Ok(info) => info,
            Err(e) => {
                items.push(Err(e));
                continue;
            }
        };
        let fresh = if info.name.is_empty() {
            Ok(info)
        } else if info.mapping.namespaced && info.namespace.as_deref().unwrap_or("").is_empty() {
            Err(anyhow!(
                "no namespace set on resource {} {}",
                info.mapping.group_resource(),
                go_quote(&info.name)
            ))
        } else {
            get_object_or_namespace(
                &conn.client,
                &info.mapping,
                info.namespace.as_deref(),
                &info.name,
                ACCEPT_JSON,
            )
            .await
            .and_then(|body| parse_json(&body))
            .map(|object| Info { object, ..info })
            .map_err(anyhow::Error::from)
        };
        if let (Ok(info), Some(selector)) = (&fresh, &selector) {
            let labels = info
                .object
                .pointer("/metadata/labels")
                .and_then(Value::as_object);
            if !selector.matches_object_labels(labels) {
                continue;
            }
        }
        // The namespace `-n` named is checked after the read, as kubectl's
        // builder does: an object in a namespace that does not exist is
        // not found rather than elsewhere.
        let fresh = match fresh {
            Ok(info) if conn.explicit_namespace => require_namespace(info, &conn.namespace),
            other => other,
        };
        items.push(fresh);
    }
    Ok(Selected {
        items,
        reading: objects.reading,
        single_item_implied,
    })
}

/// A typed decoder refuses kinds kubectl's scheme does not compile in.
fn typed_check(info: Info) -> Result<Info> {
    if compiled_in(&info.mapping.group) {
        return Ok(info);
    }
    bail!(
        "no kind {} is registered for version {} in scheme \"pkg/scheme/scheme.go:28\"",
        go_quote(&info.mapping.kind),
        go_quote(&info.mapping.api_version())
    )
}

/// kubectl's `RequireNamespace` for an object read from the server.
fn require_namespace(info: Info, namespace: &str) -> Result<Info> {
    let current = info.namespace.clone().unwrap_or_default();
    if !info.mapping.namespaced || current.is_empty() || current == namespace {
        return Ok(info);
    }
    bail!(
        "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={current}' to perform this operation.",
        go_quote(&current),
        go_quote(namespace)
    )
}

/// What a read-mostly verb's arguments select (edit, rollout, the apply
/// subcommands): `TYPE NAME…`, `TYPE/NAME…`, `TYPE` with `-l` or `--all`,
/// or the objects of `-f`, read from the server.
#[derive(Debug, Clone, Copy)]
pub struct Selecting<'a> {
    pub args: &'a [String],
    pub files: &'a FilenameFlags,
    pub label_selector: Option<&'a str>,
    /// `--all`.
    pub select_all: bool,
    /// A lone `TYPE` selects every object of it.
    pub allow_empty_selector: bool,
    /// Read objects named by files again from the server (`Latest()`).
    pub latest: bool,
    /// Decode with kubectl's built-in scheme: kinds it does not compile in
    /// (custom resources) are refused.
    pub typed: bool,
}

/// [`select_objects`] for such a verb: the objects in order, and the
/// errors met (kubectl's `ContinueOnError`). Errors that stop the builder
/// itself (an unknown type, TYPE/NAME mixed with -f…) come back as `Err`.
pub async fn collect_infos(
    ctx: &mut Context,
    sel: Selecting<'_>,
) -> Result<(Vec<Info>, crate::error::VisitErrors)> {
    let query = ObjectQuery {
        args: sel.args,
        files: sel.files,
        label_selector: sel.label_selector,
        field_selector: None,
        all: sel.allow_empty_selector,
        select_all: sel.select_all,
        all_namespaces: false,
        local: false,
        typed: sel.typed,
        latest: sel.latest,
    };
    let selected = select_objects(ctx, &query).await?;
    let mut errors = crate::error::VisitErrors::default();
    let mut infos = Vec::new();
    for item in selected.items {
        match item {
            Ok(info) => infos.push(info),
            Err(e) => errors.push(e),
        }
    }
    selected
        .reading
        .into_iter()
        .for_each(|e| errors.push_reading(e));
    Ok((infos, errors))
}

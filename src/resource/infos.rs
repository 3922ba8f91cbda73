//! The objects a selection names, fetched the way kubectl's resource
//! builder visits them with `ContinueOnError`: named objects one GET each,
//! selections one list per type; failures are collected, not fatal.

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

use super::builder::{combined_type_error, Plan, Selection};
use super::discovery::Discovery;
use super::fetch::{enhance_list_error, get_object_or_namespace, ListQuery, Pager};
use super::manifest::{self, Entry, Manifest, ManifestOptions};
use super::mapper::Mapping;
use super::mapper::NoResourceType;
use super::selector::Selector;
use crate::client::{parse_json, ApiClient, ACCEPT_JSON};
use crate::context::Context;
use crate::error::{CliError, WordedError};
use crate::flags::go_values::go_quote;
use crate::flags::validate::FieldValidation;
use crate::flags::FilenameFlags;

/// One object and where it lives (kubectl's `resource.Info`).
#[derive(Debug, Clone)]
pub struct Info {
    pub mapping: Mapping,
    pub namespace: Option<String>,
    pub name: String,
    pub object: Value,
    /// The file (or URL, or `STDIN`) the object was read from; empty for
    /// objects read from the server.
    pub source: String,
}

impl Info {
    /// How kubectl names the object in messages (`Info.ObjectName`):
    /// `deployments/web`, or `deployment/web` for an object read locally
    /// (with Go's stray newline after a group).
    pub fn object_name(&self) -> String {
        if !self.mapping.resource.is_empty() {
            return format!("{}/{}", self.mapping.resource, self.name);
        }
        let kind = self.mapping.kind.to_lowercase();
        if self.mapping.group.is_empty() {
            format!("{kind}/{}", self.name)
        } else {
            format!("{kind}.{}/{}\n", self.mapping.group, self.name)
        }
    }

    /// An object read from a file or built locally.
    pub fn from_object(mapping: Mapping, object: Value, namespace: Option<String>) -> Info {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        Info {
            mapping,
            namespace,
            name,
            object,
            source: String::new(),
        }
    }
}

/// Fetches everything `plan` names: each object, or the error met getting
/// it, in the order kubectl visits them (a failed list after what it
/// listed).
pub async fn fetch_infos(client: &ApiClient, plan: &Plan) -> Vec<Result<Info>> {
    let mut out: Vec<Result<Info>> = Vec::new();
    match plan {
        Plan::Named { items, .. } => {
            for target in items {
                let fetched = get_object_or_namespace(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    &target.name,
                    ACCEPT_JSON,
                )
                .await
                .and_then(|body| parse_json(&body));
                out.push(match fetched {
                    Ok(object) => Ok(Info {
                        mapping: target.mapping.clone(),
                        namespace: target.namespace.clone(),
                        name: target.name.clone(),
                        object,
                        source: String::new(),
                    }),
                    Err(e) => Err(e.into()),
                });
            }
        }
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                let query = ListQuery {
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                    limit: 0,
                    include_object: None,
                };
                let mut pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_JSON,
                );
                loop {
                    match pager.next_page().await {
                        Ok(Some(body)) => match parse_json(&body) {
                            Ok(list) => {
                                for object in list_items(list) {
                                    let namespace = object
                                        .pointer("/metadata/namespace")
                                        .and_then(Value::as_str)
                                        .map(str::to_string);
                                    out.push(Ok(Info::from_object(
                                        target.mapping.clone(),
                                        object,
                                        namespace,
                                    )));
                                }
                            }
                            Err(e) => {
                                out.push(Err(e.into()));
                                break;
                            }
                        },
                        Ok(None) => break,
                        Err(e) => {
                            out.push(Err(enhance_list_error(
                                e,
                                &target.mapping.gvr_string(),
                                label_selector,
                                field_selector,
                            )
                            .into()));
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

/// One step of kubectl's visit with `ContinueOnError`: an object, or the
/// error met where it would have been.
#[derive(Debug)]
// Visits are moved a few times per object; boxing the common case buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum Visited {
    Object(Info),
    Failed(anyhow::Error),
}

/// What `plan` names, in kubectl's visiting order: each type's list, or
/// each named object. Without `require_object` (kubectl's
/// `RequireObject(false)`: delete), named objects are not read and their
/// `object` is null.
pub async fn visit_plan(client: &ApiClient, plan: &Plan, require_object: bool) -> Vec<Visited> {
    let mut out = Vec::new();
    match plan {
        Plan::Named { items, .. } if !require_object => {
            for target in items {
                out.push(Visited::Object(Info {
                    mapping: target.mapping.clone(),
                    namespace: target.namespace.clone(),
                    name: target.name.clone(),
                    object: Value::Null,
                    source: String::new(),
                }));
            }
        }
        Plan::Named {
            items,
            single_item_implied,
        } => {
            for target in items {
                let one = Plan::Named {
                    items: vec![target.clone()],
                    single_item_implied: *single_item_implied,
                };
                out.extend(
                    fetch_infos(client, &one)
                        .await
                        .into_iter()
                        .map(|item| match item {
                            Ok(info) => Visited::Object(info),
                            Err(e) => Visited::Failed(e),
                        }),
                );
            }
        }
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                let one = Plan::List {
                    targets: vec![target.clone()],
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                };
                out.extend(
                    fetch_infos(client, &one)
                        .await
                        .into_iter()
                        .map(|item| match item {
                            Ok(info) => Visited::Object(info),
                            Err(e) => Visited::Failed(e),
                        }),
                );
            }
        }
    }
    out
}

/// kubectl's `RequireNamespace` step, which `-n` turns on: an object in
/// another namespace than `namespace` is an error. With `-A` as well the
/// namespace is empty, so every namespaced object fails (as in kubectl).
pub fn require_namespace(visits: Vec<Visited>, namespace: &str) -> Vec<Visited> {
    visits
        .into_iter()
        .map(|v| match v {
            Visited::Object(info) if info.mapping.namespaced => {
                let current = info.namespace.clone().unwrap_or_default();
                if current.is_empty() || current == namespace {
                    Visited::Object(info)
                } else {
                    Visited::Failed(anyhow!(
                        "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={current}' to perform this operation.",
                        go_quote(&current),
                        go_quote(namespace)
                    ))
                }
            }
            other => other,
        })
        .collect()
}

/// Plans a selection against the cached discovery, asking the server
/// again once when a type is unknown (kubectl refreshes its cache then).
pub async fn plan_selection(ctx: &mut Context, selection: &Selection<'_>) -> Result<Plan> {
    let discovery = ctx.discovery().await?;
    match discovery.plan(selection) {
        Err(e) if e.downcast_ref::<NoResourceType>().is_some() => {
            match ctx.refresh_discovery().await? {
                Some(fresh) => fresh.plan(selection),
                None => Err(e),
            }
        }
        other => other,
    }
}

/// Objects read from `-f`: each a ready object or its namespace error, in
/// file order, and the errors met reading the files.
#[derive(Debug, Default)]
pub struct FileObjects {
    pub items: Vec<Result<Info, anyhow::Error>>,
    pub reading: Vec<anyhow::Error>,
    /// The file (or `STDIN`, or URL) each item came from, in step with
    /// `items`.
    pub sources: Vec<String>,
}

/// How a verb reads `-f` (kubectl's builder settings).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileReading<'a> {
    /// Decode with kubectl's built-in scheme (`expose`): kinds it does not
    /// compile in cannot be read.
    pub typed: bool,
    /// `-l`: keep only objects whose labels match.
    pub label_selector: Option<&'a str>,
}

/// The builder's complaint when `-f` comes with TYPE/NAME arguments.
pub fn arguments_with_paths(args: &[String]) -> Result<()> {
    if args.is_empty() {
        return Ok(());
    }
    let slashes = args.iter().filter(|a| a.contains('/')).count();
    if slashes > 0 && slashes != args.len() {
        return Err(combined_type_error());
    }
    if slashes > 0 {
        bail!("resource/name arguments cannot be provided when a path is specified");
    }
    bail!("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
}

/// Reads the objects `-f` names, maps each to a resource and puts it in
/// the namespace in effect, as kubectl's builder does.
pub async fn read_file_objects(
    ctx: &mut Context,
    files: &FilenameFlags,
    how: FileReading<'_>,
) -> Result<FileObjects> {
    read_checked_file_objects(ctx, files, how, None).await
}

/// [`read_file_objects`] without the check that an object's own namespace
/// is the one `-n` named: a builder that reads objects again from the
/// server (`Latest()`) makes that check only after the read.
pub async fn read_file_objects_unchecked(
    ctx: &mut Context,
    files: &FilenameFlags,
    how: FileReading<'_>,
) -> Result<FileObjects> {
    read_placed_objects(ctx, files, how, None, false).await
}

/// [`read_file_objects`] with kubectl's validator (`--validate`) checking
/// each document before it is decoded; None checks nothing.
pub async fn read_checked_file_objects(
    ctx: &mut Context,
    files: &FilenameFlags,
    how: FileReading<'_>,
    validation: Option<FieldValidation>,
) -> Result<FileObjects> {
    read_placed_objects(ctx, files, how, validation, true).await
}

async fn read_placed_objects(
    ctx: &mut Context,
    files: &FilenameFlags,
    how: FileReading<'_>,
    validation: Option<FieldValidation>,
    check_namespace: bool,
) -> Result<FileObjects> {
    let selector = match how.label_selector {
        Some(text) => {
            let text = text.trim();
            Some(Selector::parse(text).map_err(|e| {
                anyhow!("the provided selector {} is not valid: {e}", go_quote(text))
            })?)
        }
        None => None,
    };
    let entries = read_manifests(files, validation.map(|d| (&mut *ctx, d))).await?;
    let conn = ctx.connection().await?;
    let mapped = map_entries(ctx, entries, how.typed).await?;
    let mut out = FileObjects {
        items: Vec::new(),
        reading: mapped.reading,
        sources: Vec::new(),
    };
    for (m, mapping) in mapped.objects {
        if let Some(selector) = &selector {
            let labels = m
                .object
                .get("metadata")
                .and_then(|meta| meta.get("labels"))
                .and_then(Value::as_object);
            if !selector.matches_object_labels(labels) {
                continue;
            }
        }
        out.sources.push(m.source.clone());
        out.items.push(place_in_namespace(
            m,
            mapping,
            &conn.namespace,
            check_namespace && conn.explicit_namespace,
        ));
    }
    Ok(out)
}

/// Decoded documents with the resource each maps to, and the errors met
/// reading and mapping them, in order.
#[derive(Debug, Default)]
pub struct MappedEntries {
    pub objects: Vec<(Manifest, Mapping)>,
    pub reading: Vec<anyhow::Error>,
}

/// Maps each decoded document to a resource (discovery is asked again
/// once when a kind is unknown); `typed` refuses kinds kubectl's scheme
/// does not compile in.
pub async fn map_entries(
    ctx: &mut Context,
    entries: Vec<Entry>,
    typed: bool,
) -> Result<MappedEntries> {
    let mut discovery = ctx.discovery().await?;
    let mut refreshed = false;
    let mut out = MappedEntries::default();
    for entry in entries {
        let m = match entry {
            Entry::Error(e) => {
                out.reading.push(anyhow!(e));
                continue;
            }
            Entry::Unreachable { text, message } => {
                out.reading.push(WordedError { text, message }.into());
                continue;
            }
            Entry::Object(m) => m,
        };
        if let Some(e) = m.from_list.then(|| type_info_error(&m)).flatten() {
            out.reading.push(anyhow!(e));
            continue;
        }
        let mut mapping = mapping_for(&discovery, &m.object);
        if mapping.is_none() && !refreshed {
            refreshed = true;
            if let Some(fresh) = ctx.refresh_discovery().await? {
                discovery = fresh;
                mapping = mapping_for(&discovery, &m.object);
            }
        }
        match mapping {
            Some(mapping) if !typed || compiled_in(&mapping.group) => {
                out.objects.push((m, mapping));
            }
            _ if typed => out.reading.push(anyhow!(scheme_error(&m))),
            _ => out.reading.push(anyhow!(mapping_error(&m))),
        }
    }
    Ok(out)
}

/// Every document `-f` names (URLs downloaded first, standard input read
/// once), in kubectl's order; with `validation`, each document is checked as
/// kubectl's validator checks it before it is decoded.
pub async fn read_manifests(
    files: &FilenameFlags,
    validation: Option<(&mut Context, FieldValidation)>,
) -> Result<Vec<Entry>> {
    let mut downloads = std::collections::HashMap::new();
    for url in manifest::urls(&files.filenames) {
        let body = crate::client::download::download(&url).await;
        downloads.insert(url, body);
    }
    // Standard input is read once, here: validation may read twice.
    let mut stdin_data = Vec::new();
    if files.filenames.iter().any(|f| f == "-") {
        use std::io::Read;
        std::io::stdin().lock().read_to_end(&mut stdin_data)?;
    }
    let opts = ManifestOptions {
        filenames: &files.filenames,
        recursive: files.recursive,
        kustomize: files.kustomize.as_deref(),
        validate: false,
        schema: None,
        downloads: Some(&downloads),
    };
    let entries = match validation {
        Some((ctx, directive)) => validated_entries(ctx, opts, directive, &stdin_data).await?,
        None => manifest::read(&opts, &mut &stdin_data[..]),
    };
    match entries {
        Ok(e) => Ok(e),
        Err(mut errors) if errors.0.len() == 1 => Err(anyhow!(errors.0.remove(0))),
        Err(errors) => Err(CliError::Many(errors.0).into()),
    }
}

/// Whether `-f` names exactly one file or URL, not standard input
/// (kubectl then treats what it holds as one object asked for by name).
pub fn single_source(files: &FilenameFlags) -> bool {
    if files.filenames.iter().any(|f| f == "-") {
        return false;
    }
    let opts = ManifestOptions {
        filenames: &files.filenames,
        recursive: files.recursive,
        kustomize: files.kustomize.as_deref(),
        validate: false,
        schema: None,
        downloads: None,
    };
    manifest::source_count(&opts) == 1
}

/// Reads the objects `-f` names without a server (`--local`): nothing is
/// mapped to a resource or put in a namespace. With `how.typed`, kinds
/// outside kubectl's scheme are errors.
pub async fn read_local_objects(
    files: &FilenameFlags,
    how: FileReading<'_>,
) -> Result<FileObjects> {
    let entries = read_manifests(files, None).await?;
    let mut out = FileObjects::default();
    for entry in entries {
        let m = match entry {
            Entry::Error(e) => {
                out.reading.push(anyhow!(e));
                continue;
            }
            Entry::Unreachable { text, message } => {
                out.reading.push(WordedError { text, message }.into());
                continue;
            }
            Entry::Object(m) => m,
        };
        let (api_version, kind) = type_meta(&m);
        let mapping = Mapping::local(api_version, kind);
        if how.typed && !compiled_in(&mapping.group) {
            out.reading.push(anyhow!(scheme_error(&m)));
            continue;
        }
        let namespace = m
            .object
            .get("metadata")
            .and_then(|meta| meta.get("namespace"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let source = m.source.clone();
        out.items.push(Ok(Info {
            source,
            ..Info::from_object(mapping, Value::Object(m.object), namespace)
        }));
    }
    Ok(out)
}

/// Reads the documents checked as kubectl's validator checks them: each
/// document's `apiVersion` and `kind`; and for documents the server cannot
/// check itself (a `v1 List`, a kind that cannot be patched), with `strict`
/// the OpenAPI v2 models, with `warn` only klog's warning that nothing is
/// checked. The documents are read once to find their kinds, and again when
/// models are needed.
async fn validated_entries(
    ctx: &mut Context,
    mut opts: ManifestOptions<'_>,
    directive: FieldValidation,
    stdin: &[u8],
) -> Result<Result<Vec<Entry>, manifest::BuilderErrors>> {
    if directive == FieldValidation::Ignore {
        return Ok(manifest::read(&opts, &mut &stdin[..]));
    }
    opts.validate = true;
    let kinds = std::cell::RefCell::new(Vec::new());
    let record = |doc: &Value| {
        let field = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        kinds
            .borrow_mut()
            .push((field("apiVersion"), field("kind")));
        Ok(())
    };
    opts.schema = Some(manifest::SchemaCheck(&record));
    let first = manifest::read(&opts, &mut &stdin[..]);
    let kinds = kinds.take();
    if first.is_err() || kinds.is_empty() {
        return Ok(first);
    }
    let mut discovery = ctx.discovery().await?;
    if kinds
        .iter()
        .any(|(v, k)| checked_by(&discovery, v, k) == Checker::Unknown)
    {
        if let Some(fresh) = ctx.refresh_discovery().await? {
            discovery = fresh;
        }
    }
    let unchecked: Vec<Checker> = kinds
        .iter()
        .map(|(v, k)| checked_by(&discovery, v, k))
        .filter(|c| *c != Checker::Server)
        .collect();
    if directive == FieldValidation::Warn {
        for _ in &unchecked {
            crate::context::klog_warning(
                &mut ctx.err,
                "schema.go:145",
                "cannot perform warn validation if server-side field validation is unsupported, skipping validation",
            );
        }
        return Ok(first);
    }
    if !unchecked.contains(&Checker::Models) {
        return Ok(first);
    }
    let conn = ctx.connection().await?;
    let document = conn.client.get_json("/openapi/v2").await?;
    let models = super::schema::OpenApiModels::from_document(document);
    let check = |doc: &Value| {
        let field = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
        if checked_by(&discovery, field("apiVersion"), field("kind")) == Checker::Server {
            return Ok(());
        }
        match models.validate(doc) {
            errors if errors.is_empty() => Ok(()),
            errors => Err(manifest::aggregate_text(errors)),
        }
    };
    opts.schema = Some(manifest::SchemaCheck(&check));
    Ok(manifest::read(&opts, &mut &stdin[..]))
}

/// Who checks a kind's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checker {
    /// The server (`fieldValidation`): the kind can be patched.
    Server,
    /// kubectl, against the OpenAPI models: a `v1 List`, or a kind the
    /// server serves without PATCH.
    Models,
    /// A kind the server does not serve: kubectl finds no model either.
    Unknown,
}

fn checked_by(discovery: &Discovery, api_version: &str, kind: &str) -> Checker {
    if (api_version, kind) == ("v1", "List") {
        return Checker::Models;
    }
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    match discovery.kind_in_version(group, version, kind) {
        Some(m) if m.supports("patch") => Checker::Server,
        Some(_) => Checker::Models,
        None => Checker::Unknown,
    }
}

/// kubectl's `RequireNamespace`: an object without a namespace gets
/// `namespace`, one with another namespace is an error.
pub fn place_required(m: Manifest, mapping: Mapping, namespace: &str) -> Result<Info> {
    place_in_namespace(m, mapping, namespace, true)
}

/// The resource for an object's `apiVersion` and `kind`.
fn mapping_for(discovery: &Discovery, obj: &Map<String, Value>) -> Option<Mapping> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let mapping = discovery.resolve_kind(api_version, kind)?;
    let version = api_version.rsplit('/').next().unwrap_or("");
    // No version at all: any version of the kind will do.
    (version.is_empty() || mapping.version == version).then_some(mapping)
}

/// The typer's complaint about a list item without a kind or a version
/// (items with neither take the list's).
fn type_info_error(m: &Manifest) -> Option<String> {
    let (api_version, kind) = type_meta(m);
    let missing = if kind.is_empty() {
        "Object 'Kind' is missing in 'object has no kind field '"
    } else if api_version.rsplit('/').next().unwrap_or("").is_empty() {
        "Object 'apiVersion' is missing in 'object has no apiVersion field'"
    } else {
        return None;
    };
    Some(format!(
        "unable to get type info from the object \"*unstructured.Unstructured\": {missing}"
    ))
}

/// Groups whose kinds kubectl's scheme knows (custom resources it does not).
pub fn compiled_in(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

fn type_meta(m: &Manifest) -> (&str, &str) {
    let api_version = m
        .object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = m.object.get("kind").and_then(Value::as_str).unwrap_or("");
    (api_version, kind)
}

/// A typed decoder's error for a kind outside kubectl's scheme.
fn scheme_error(m: &Manifest) -> String {
    let (api_version, kind) = type_meta(m);
    format!(
        "unable to decode {}: no kind {} is registered for version {} in scheme \"pkg/scheme/scheme.go:28\"",
        go_quote(&m.source),
        go_quote(kind),
        go_quote(api_version)
    )
}

/// kubectl's message for an object whose kind the server does not serve.
pub fn mapping_error(m: &Manifest) -> String {
    let (api_version, kind) = type_meta(m);
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    // Without a version (`apps/`, or no apiVersion at all) the group is named.
    let no_match = match version {
        "" => format!(
            "no matches for kind {} in group {}",
            go_quote(kind),
            go_quote(group)
        ),
        _ => format!(
            "no matches for kind {} in version {}",
            go_quote(kind),
            go_quote(api_version)
        ),
    };
    if m.from_list {
        return format!("unable to recognize {no_match}");
    }
    let field = |k: &str| {
        m.object
            .get("metadata")
            .and_then(|meta| meta.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    format!(
        "resource mapping not found for name: {} namespace: {} from {}: {no_match}\nensure CRDs are installed first",
        go_quote(&field("name")),
        go_quote(&field("namespace")),
        go_quote(&m.source)
    )
}

/// The default namespace for objects without one, none for cluster-scoped
/// kinds, and an error when an object's differs from an explicit `-n`.
fn place_in_namespace(
    m: Manifest,
    mapping: Mapping,
    namespace: &str,
    enforce: bool,
) -> Result<Info, anyhow::Error> {
    let source = m.source;
    let mut object = m.object;
    let current = object
        .get("metadata")
        .and_then(|meta| meta.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let ns = if !mapping.namespaced {
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.shift_remove("namespace");
        }
        None
    } else if current.is_empty() {
        let meta = object
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("namespace".into(), Value::String(namespace.to_string()));
        }
        Some(namespace.to_string())
    } else if enforce && current != namespace {
        bail!(
            "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={current}' to perform this operation.",
            go_quote(&current),
            go_quote(namespace)
        );
    } else {
        Some(current)
    };
    let mut info = Info::from_object(mapping, Value::Object(object), ns);
    info.source = source;
    Ok(info)
}

/// The object an Info names, as the server has it now.
pub async fn refetch(client: &ApiClient, info: &Info) -> Result<Info, crate::client::ApiError> {
    let body = super::fetch::get_object_or_namespace(
        client,
        &info.mapping,
        info.namespace.as_deref(),
        &info.name,
        ACCEPT_JSON,
    )
    .await?;
    Ok(Info {
        mapping: info.mapping.clone(),
        namespace: info.namespace.clone(),
        name: info.name.clone(),
        object: parse_json(&body)?,
        source: info.source.clone(),
    })
}

/// The items of a list response, each given the `apiVersion` and `kind`
/// the list implies (list items arrive without them).
pub fn list_items(list: Value) -> Vec<Value> {
    let Value::Object(mut list) = list else {
        return Vec::new();
    };
    let list_type = crate::client::list_decode::ListType::of(&list);
    let Some(Value::Array(items)) = list.remove("items") else {
        return Vec::new();
    };
    items.into_iter().map(|i| list_type.apply(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_get_their_type() {
        let items = list_items(json!({
            "kind": "DeploymentList", "apiVersion": "apps/v1",
            "items": [{"metadata": {"name": "a"}}]
        }));
        assert_eq!(
            items,
            vec![json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}})]
        );
    }
}

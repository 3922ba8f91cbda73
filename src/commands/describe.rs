//! `describe`: show details of a resource or group of resources.
//!
//! Examples:
//!   # Describe a node
//!   kuddle describe nodes kuddle-node
//!
//!   # Describe a pod
//!   kuddle describe pods/nginx
//!
//!   # Describe all pods
//!   kuddle describe pods
//!
//!   # Describe pods by label name=myLabel
//!   kuddle describe pods -l name=myLabel
//!
//!   # Describe every pod whose name starts with "frontend"
//!   kuddle describe pods frontend

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::Result;
use clap::{ArgAction, Args};
use serde_json::Value;

use crate::client::{ApiClient, ApiError, ACCEPT_JSON};
use crate::context::{Connection, Context};
use crate::describe::related;
use crate::describe::{
    Answer, DescribeError, Describer, Failure, ItemKind, Query, Related, Settings,
};
use crate::error::{CliError, PROGRAM};
use crate::flags::go_values::{go_bool, go_int64};
use crate::flags::FilenameFlags;
use crate::resource::builder::NamedTarget;
use crate::resource::builder::{Plan, Selection};
use crate::resource::fetch::{
    enhance_list_error, get_object, get_object_or_namespace, ListError, ListQuery, Pager,
};
use crate::resource::infos::{arguments_with_paths, read_file_objects, FileReading};
use crate::resource::{Mapping, NoResourceType};

#[derive(Args, Debug, Clone)]
pub struct DescribeArgs {
    /// TYPE [NAME_PREFIX…], TYPE/NAME…, or TYPE -l selector
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Describe the objects in every namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_namespaces: bool,

    /// Show events about the objects (default: true for one object, false
    /// for several or a name prefix).
    #[arg(long = "show-events", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = go_bool, action = ArgAction::Set)]
    pub show_events: Option<bool>,

    /// Fetch lists in pages of this many objects (0: all at once).
    #[arg(long = "chunk-size", value_name = "N", default_value = "500", value_parser = go_int64)]
    pub chunk_size: i64,

    #[command(flatten)]
    pub files: FilenameFlags,
}

/// One object to describe, with the type it was found as.
struct Info {
    mapping: Mapping,
    object: Value,
}

/// A failure of the resource builder (fetching what the arguments name).
struct BuilderError {
    error: ApiError,
    /// Listing failed (kubectl prints a client-side refusal bare then).
    listing: bool,
}

pub async fn run(ctx: &mut Context, args: DescribeArgs) -> Result<()> {
    let from_files = !args.files.filenames.is_empty() || args.files.kustomize.is_some();
    if args.args.is_empty() && !from_files {
        anyhow::bail!(
            "You must specify the type of resource to describe. Use \"{PROGRAM} api-resources\" for a complete list of supported resources."
        );
    }
    let conn = ctx.connection().await?;
    let namespace = conn.namespace.clone();
    let selection = Selection {
        args: &args.args,
        label_selector: args.selector.clone(),
        field_selector: None,
        select_all: false,
        namespace: namespace.clone(),
        all_namespaces: args.all_namespaces,
        allow_empty_selector: true,
        single_resource_type: false,
    };
    let mut file_errors: Vec<anyhow::Error> = Vec::new();
    let plan = if from_files {
        let (plan, reading) = plan_from_files(ctx, &args).await?;
        file_errors = reading;
        plan
    } else {
        plan(ctx, &selection).await?
    };
    let mut describing = Describing::new(&conn.client, args.chunk_size, Layout::Separated);
    describing.events = Events::Undecided {
        explicit: args.show_events,
    };
    let errors = describe_plan(&conn.client, plan, args.chunk_size, &mut describing, ctx).await?;
    if errors.len() == 1
        && errors[0].error.is_not_found()
        && args.args.len() == 2
        && describing.printed == 0
    {
        let original = errors.into_iter().next().map(|e| e.error);
        // Several objects or a failure: no events unless asked for.
        let show_events = args.show_events.unwrap_or(false);
        return describe_matching(ctx, &conn, &args, show_events, original).await;
    }
    describing.finish(!errors.is_empty(), &mut *ctx.out).await?;
    if describing.found == 0
        && errors.is_empty()
        && describing.errors.is_empty()
        && file_errors.is_empty()
    {
        if args.all_namespaces {
            writeln!(ctx.err, "No resources found")?;
        } else {
            writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
        }
    }
    let result = report(errors, describing.errors);
    if file_errors.is_empty() {
        return result;
    }
    // Files that could not be read are reported with the other failures.
    let mut lines: Vec<String> = file_errors
        .iter()
        .map(crate::error::message_for_error)
        .collect();
    if let Err(e) = result {
        lines.push(crate::error::message_for_error(&e));
    }
    // kubectl's aggregate: bare lines, even for one.
    Err(crate::error::CliError::Many(lines).into())
}

/// `-f`: the objects the manifests name, described from the server.
async fn plan_from_files(
    ctx: &mut Context,
    args: &DescribeArgs,
) -> Result<(Plan, Vec<anyhow::Error>)> {
    arguments_with_paths(&args.args)?;
    let read = FileReading {
        typed: false,
        label_selector: args.selector.as_deref(),
    };
    let objects = read_file_objects(ctx, &args.files, read).await?;
    let mut errors = objects.reading;
    let mut items = Vec::new();
    for item in objects.items {
        match item {
            Ok(info) => items.push(NamedTarget {
                mapping: info.mapping,
                namespace: info.namespace,
                name: info.name,
            }),
            Err(e) => errors.push(e),
        }
    }
    Ok((
        Plan::Named {
            items,
            single_item_implied: false,
        },
        errors,
    ))
}

/// The builder's plan, refreshing discovery once for an unknown type.
async fn plan(ctx: &mut Context, selection: &Selection<'_>) -> Result<Plan> {
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

/// Fetches what the arguments name and hands each object to `describing`
/// as it arrives (lists item by item, so no page is held whole),
/// continuing past failures, which are returned.
async fn describe_plan(
    client: &ApiClient,
    plan: Plan,
    chunk_size: i64,
    describing: &mut Describing<'_>,
    ctx: &mut Context,
) -> Result<Vec<BuilderError>> {
    let mut errors = Vec::new();
    match plan {
        Plan::List {
            targets,
            label_selector,
            field_selector,
        } => {
            for target in targets {
                let query = ListQuery {
                    label_selector: label_selector.clone(),
                    field_selector: field_selector.clone(),
                    limit: chunk_size,
                    include_object: None,
                };
                let pager = Pager::new(
                    client,
                    &target.mapping,
                    target.namespace.as_deref(),
                    query,
                    ACCEPT_JSON,
                );
                let mut items = pager.into_items();
                loop {
                    match items.next().await {
                        Ok(Some(object)) => {
                            let info = Info {
                                mapping: target.mapping.clone(),
                                object,
                            };
                            describing.push(info, &mut *ctx.out).await?;
                        }
                        Ok(None) => break,
                        Err(ListError::Api(error)) => {
                            let error = enhance_list_error(
                                error,
                                &target.mapping.gvr_string(),
                                &label_selector,
                                &field_selector,
                            );
                            errors.push(BuilderError {
                                error,
                                listing: true,
                            });
                            break;
                        }
                        Err(ListError::Decode(e)) => return Err(e.into()),
                    }
                }
            }
        }
        Plan::Named { items, .. } => {
            // The objects are fetched at once and reported in order.
            let mut tasks = tokio::task::JoinSet::new();
            for (n, target) in items.iter().enumerate() {
                let (client, target) = (client.clone(), target.clone());
                tasks.spawn(async move {
                    let ns = target.namespace.as_deref();
                    (
                        n,
                        get_object_or_namespace(
                            &client,
                            &target.mapping,
                            ns,
                            &target.name,
                            ACCEPT_JSON,
                        )
                        .await,
                    )
                });
            }
            let mut results: Vec<Option<Result<bytes::Bytes, ApiError>>> = Vec::new();
            results.resize_with(items.len(), || None);
            while let Some(done) = tasks.join_next().await {
                if let Ok((n, result)) = done {
                    results[n] = Some(result);
                }
            }
            let mut infos = Vec::new();
            for (target, result) in items.into_iter().zip(results) {
                match result {
                    Some(Ok(body)) => infos.push(Info {
                        mapping: target.mapping,
                        object: serde_json::from_slice(&body)?,
                    }),
                    Some(Err(error)) => errors.push(BuilderError {
                        error,
                        listing: false,
                    }),
                    None => anyhow::bail!("the request for {} was cancelled", target.name),
                }
            }
            for info in infos {
                describing.push(info, &mut *ctx.out).await?;
            }
        }
    }
    Ok(errors)
}

/// How descriptions are put one after another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// A blank line between two descriptions; the first describer error
    /// of each kind is kept and the rest go on.
    Separated,
    /// Each description followed by a newline; the first describer error
    /// ends the run.
    Lines,
}

/// Whether descriptions show events.
#[derive(Debug, Clone, Copy)]
enum Events {
    /// kubectl's default: shown for one object found without failures,
    /// unless the flag says otherwise.
    Undecided {
        explicit: Option<bool>,
    },
    Decided(bool),
}

/// How many objects are described together: their related objects are
/// fetched at once (one request per collection), then they are printed
/// and dropped.
const BATCH: usize = 100;

/// Descriptions written as the objects arrive, in batches, so a few
/// thousand objects are never held at once.
struct Describing<'a> {
    client: &'a ApiClient,
    chunk_size: i64,
    layout: Layout,
    events: Events,
    /// Only objects whose name starts with this are described.
    name_prefix: Option<String>,
    pending: Vec<Info>,
    /// Answers to requests made for earlier batches: a batch asking the
    /// same again (the events of a namespace, say) is answered from here.
    answered: HashMap<Query, Answer>,
    /// Objects handed in.
    found: usize,
    /// Descriptions written.
    printed: usize,
    /// Describer errors, each message once.
    errors: Vec<DescribeError>,
    seen: HashSet<String>,
}

impl<'a> Describing<'a> {
    fn new(client: &'a ApiClient, chunk_size: i64, layout: Layout) -> Describing<'a> {
        Describing {
            client,
            chunk_size,
            layout,
            events: Events::Decided(false),
            name_prefix: None,
            pending: Vec::new(),
            answered: HashMap::new(),
            found: 0,
            printed: 0,
            errors: Vec::new(),
            seen: HashSet::new(),
        }
    }

    async fn push(&mut self, info: Info, out: &mut dyn Write) -> Result<()> {
        if let Some(prefix) = &self.name_prefix {
            let name = info.object["metadata"]["name"].as_str().unwrap_or("");
            if !name.starts_with(prefix.as_str()) {
                return Ok(());
            }
        }
        self.found += 1;
        self.pending.push(info);
        if let Events::Undecided { explicit } = self.events {
            if self.pending.len() < 2 {
                return Ok(());
            }
            // Several objects: no events unless asked for.
            self.events = Events::Decided(explicit.unwrap_or(false));
        }
        if self.pending.len() >= BATCH {
            self.flush(out).await?;
        }
        Ok(())
    }

    /// Describes what is left; `failed` says whether fetching the objects
    /// failed anywhere (no events then, unless asked for).
    async fn finish(&mut self, failed: bool, out: &mut dyn Write) -> Result<()> {
        if let Events::Undecided { explicit } = self.events {
            let alone = self.pending.len() <= 1 && !failed;
            self.events = Events::Decided(explicit.unwrap_or(alone));
        }
        self.flush(out).await
    }

    async fn flush(&mut self, out: &mut dyn Write) -> Result<()> {
        let show_events = match self.events {
            Events::Decided(show) => show,
            Events::Undecided { .. } => return Ok(()),
        };
        if self.pending.is_empty() {
            return Ok(());
        }
        let settings = Settings {
            show_events,
            now: chrono::Utc::now(),
        };
        let batch = std::mem::take(&mut self.pending);
        let batch = typed_versions(self.client, batch).await;
        let related = fetch_related(
            self.client,
            &batch,
            &settings,
            self.chunk_size,
            &mut self.answered,
        )
        .await;
        for info in &batch {
            let describer = Describer::for_kind(&info.mapping.group, &info.mapping.kind);
            match describer.describe(&info.object, &related, &settings) {
                Ok(text) => {
                    match self.layout {
                        Layout::Separated if self.printed > 0 => write!(out, "\n\n{text}")?,
                        Layout::Separated => out.write_all(text.as_bytes())?,
                        Layout::Lines => writeln!(out, "{text}")?,
                    }
                    self.printed += 1;
                }
                Err(e) if self.layout == Layout::Lines => return Err(describe_error(e)),
                Err(e) => {
                    if self.seen.insert(e.plain()) {
                        self.errors.push(e);
                    }
                }
            }
        }
        Ok(())
    }
}

/// kubectl's typed describers read their kind in one API version; an
/// object found in another version is read again in that one.
async fn typed_versions(client: &ApiClient, infos: Vec<Info>) -> Vec<Info> {
    let mut out = Vec::with_capacity(infos.len());
    for mut info in infos {
        let describer = Describer::for_kind(&info.mapping.group, &info.mapping.kind);
        if let Some(version) = describer.version() {
            if version != info.mapping.api_version() {
                let mut mapping = info.mapping.clone();
                mapping.version = version.rsplit('/').next().unwrap_or(version).to_string();
                let ns = info.object["metadata"]["namespace"]
                    .as_str()
                    .map(str::to_string);
                let name = info.object["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                if let Ok(body) =
                    get_object(client, &mapping, ns.as_deref(), &name, ACCEPT_JSON).await
                {
                    if let Ok(object) = serde_json::from_slice(&body) {
                        info.object = object;
                    }
                }
            }
        }
        out.push(info);
    }
    out
}

/// Everything the descriptions need besides the objects, one request per
/// collection, made concurrently; requests in `answered` are not made
/// again, and lists shared by several objects are left there for later
/// batches.
async fn fetch_related(
    client: &ApiClient,
    infos: &[Info],
    settings: &Settings,
    chunk_size: i64,
    answered: &mut HashMap<Query, Answer>,
) -> Related {
    let mut queries: Vec<Query> = Vec::new();
    for info in infos {
        let describer = Describer::for_kind(&info.mapping.group, &info.mapping.kind);
        queries.extend(describer.queries(&info.object, settings));
    }
    let fetches = related::plan(&queries);
    let mut tasks = tokio::task::JoinSet::new();
    for (n, fetch) in fetches.iter().enumerate() {
        if answered.contains_key(&fetch.request) {
            continue;
        }
        let client = client.clone();
        let request = fetch.request.clone();
        tasks.spawn(async move { (n, answer(&client, &request, chunk_size).await) });
    }
    let mut answers: Vec<Option<Answer>> = vec![None; fetches.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((n, a)) = done {
            answers[n] = Some(a);
        }
    }
    let mut related = Related::default();
    for (fetch, answer) in fetches.iter().zip(answers) {
        let answer = answer
            .or_else(|| answered.remove(&fetch.request))
            .unwrap_or_else(|| {
                Answer::Failed(Failure {
                    message: "request was cancelled".into(),
                    reason: String::new(),
                    kubectl: "error: request was cancelled".into(),
                })
            });
        // A list shared by several queries is kept for later batches
        // (one object's own answer is not asked for again).
        if let Some(whole) = related::record(&mut related, fetch, answer) {
            answered.insert(fetch.request.clone(), whole);
        }
    }
    related
}

fn failure(e: &ApiError) -> Failure {
    Failure {
        message: e.to_string(),
        reason: e.status().map(|s| s.reason.clone()).unwrap_or_default(),
        kubectl: e.kubectl_message(),
    }
}

async fn answer(client: &ApiClient, query: &Query, chunk_size: i64) -> Answer {
    match query {
        Query::Get { path } => match client.get_json(path).await {
            Ok(v) => Answer::Object(v),
            Err(e) => Answer::Failed(failure(&e)),
        },
        Query::List {
            path,
            label_selector,
            field_selector,
            items,
        } => {
            let q = ListQuery {
                label_selector: label_selector.clone(),
                field_selector: field_selector.clone(),
                limit: chunk_size,
                include_object: None,
            };
            let accept = items.accept();
            let answer = list_answer(client, path, &q, *items, accept).await;
            if matches!(answer, Answer::Failed(_)) && accept != ACCEPT_JSON {
                // A failure comes as a protobuf Status then: asked again in
                // JSON, it comes in the words kubectl prints.
                return list_answer(client, path, &q, *items, ACCEPT_JSON).await;
            }
            answer
        }
    }
}

/// A list, page by page, each page decoded into what the describer reads
/// and dropped.
async fn list_answer(
    client: &ApiClient,
    path: &str,
    query: &ListQuery,
    items: ItemKind,
    accept: &'static str,
) -> Answer {
    let mut pager = Pager::for_path(client, path.to_string(), query.clone(), accept);
    let mut answer = Answer::empty(items);
    loop {
        match pager.next_page().await {
            Ok(Some(body)) => {
                if let Err(e) = answer.add_page(&body) {
                    return Answer::Failed(failure(&ApiError::Unexpected(e)));
                }
            }
            Ok(None) => return answer,
            Err(e) => {
                // kubectl words list failures of these collections.
                let subject = path.rsplit('/').next().unwrap_or("");
                let e = if [
                    "pods",
                    "events",
                    "replicasets",
                    "resourcequotas",
                    "limitranges",
                ]
                .contains(&subject)
                {
                    crate::resource::fetch::enhance_list_error(
                        e,
                        subject,
                        &query.label_selector,
                        &query.field_selector,
                    )
                } else {
                    e
                };
                return Answer::Failed(failure(&e));
            }
        }
    }
}

/// `describe TYPE PREFIX` when no object is named PREFIX: every object of
/// the type in the namespace whose name starts with it.
async fn describe_matching(
    ctx: &mut Context,
    conn: &Connection,
    args: &DescribeArgs,
    show_events: bool,
    original: Option<ApiError>,
) -> Result<()> {
    let (resource, prefix) = (&args.args[0], &args.args[1]);
    let words = vec![resource.clone()];
    let selection = Selection {
        args: &words,
        label_selector: None,
        field_selector: None,
        select_all: false,
        namespace: conn.namespace.clone(),
        all_namespaces: false,
        allow_empty_selector: true,
        single_resource_type: true,
    };
    let plan = plan(ctx, &selection).await?;
    let mut describing = Describing::new(&conn.client, args.chunk_size, Layout::Lines);
    describing.events = Events::Decided(show_events);
    describing.name_prefix = Some(prefix.clone());
    let errors = describe_plan(&conn.client, plan, args.chunk_size, &mut describing, ctx).await?;
    if let Some(e) = errors.into_iter().next() {
        return Err(e.error.into());
    }
    describing.finish(false, &mut *ctx.out).await?;
    match original {
        Some(e) if describing.found == 0 => Err(e.into()),
        _ => Ok(()),
    }
}

fn describe_error(e: DescribeError) -> anyhow::Error {
    match e {
        DescribeError::Request(f) => CliError::Verbatim(f.kubectl).into(),
        DescribeError::Message(m) => anyhow::anyhow!(m),
    }
}

/// kubectl's aggregate of what failed: the builder's errors (as one
/// aggregate when there are several), then each describer error.
fn report(builder: Vec<BuilderError>, describers: Vec<DescribeError>) -> Result<()> {
    enum Item {
        Api(ApiError, bool),
        Builder(Vec<ApiError>),
        Describe(DescribeError),
    }
    let mut items: Vec<Item> = Vec::new();
    match builder.len() {
        0 => {}
        1 => items.extend(builder.into_iter().map(|b| Item::Api(b.error, b.listing))),
        _ => items.push(Item::Builder(
            builder.into_iter().map(|b| b.error).collect(),
        )),
    }
    items.extend(describers.into_iter().map(Item::Describe));
    if items.len() == 1 {
        return match items.remove(0) {
            Item::Api(e, true) => Err(crate::error::aggregate_member(e)),
            Item::Api(e, false) => Err(e.into()),
            Item::Builder(list) => {
                Err(CliError::Many(list.iter().map(ApiError::kubectl_message).collect()).into())
            }
            Item::Describe(e) => Err(describe_error(e)),
        };
    }
    if items.is_empty() {
        return Ok(());
    }
    let lines = items
        .iter()
        .map(|item| match item {
            Item::Api(e, _) => e.kubectl_message(),
            Item::Builder(list) => {
                let mut seen: Vec<String> = Vec::new();
                for e in list {
                    let m = e.to_string();
                    if !seen.contains(&m) {
                        seen.push(m);
                    }
                }
                if seen.len() == 1 {
                    seen.remove(0)
                } else {
                    format!("[{}]", seen.join(", "))
                }
            }
            Item::Describe(e) => e.kubectl_message(),
        })
        .collect();
    Err(CliError::Many(lines).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_describer_errors_are_listed() {
        let err = report(
            vec![],
            vec![
                DescribeError::Message("a".into()),
                DescribeError::Message("b".into()),
            ],
        )
        .unwrap_err();
        let mut buf = Vec::new();
        crate::error::render(&err, &mut buf);
        assert_eq!(String::from_utf8(buf).unwrap(), "a\nb\n");
    }
}

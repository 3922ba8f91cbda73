//! `logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]`
//!
//! Examples:
//!   # Print the logs of the only container of pod nginx
//!   kuddle logs nginx
//!
//!   # Every container of the pods labelled app=nginx, each line prefixed with its source
//!   kuddle logs -l app=nginx --all-containers --prefix
//!
//!   # The previous run of container ruby in pod web-1
//!   kuddle logs -p -c ruby web-1
//!
//!   # Follow the first pod of deployment web, from the last 20 lines on
//!   kuddle logs -f --tail=20 deployment/web
//!
//!   # What pod nginx wrote in the last hour, with timestamps
//!   kuddle logs --since=1h --timestamps nginx

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use clap::{ArgAction, Args};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::client::{ApiClient, ApiError};
use crate::context::{Context, SharedWriter};
use crate::error::CliError;
use crate::flags::go_time::parse_rfc3339;
use crate::flags::go_values::{go_bool, go_duration, go_int32, go_int64};
use crate::resource::builder::Selection;
use crate::resource::fetch::query_escape;
use crate::resource::infos::fetch_infos;
use crate::resource::pods::{self, ContainerList};
use crate::resource::NoResourceType;

const USAGE: &str = "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]";

/// `--tail` when a selector is given and no tail was asked for.
const SELECTOR_TAIL: i64 = 10;

/// How often a followed log is asked for again after an error.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Args, Debug)]
pub struct LogsArgs {
    /// POD or TYPE/NAME, optionally followed by the container.
    #[arg(value_name = "POD")]
    pub args: Vec<String>,

    /// Every pod of the object, not only the first (implies --prefix).
    #[arg(long = "all-pods", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_pods: bool,

    /// Every container of the pods.
    #[arg(long = "all-containers", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub all_containers: bool,

    /// Keep streaming new output.
    #[arg(short = 'f', long = "follow", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub follow: bool,

    /// Start each line with the time it was written.
    #[arg(long = "timestamps", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub timestamps: bool,

    /// At most this many bytes of log (0: no limit).
    #[arg(long = "limit-bytes", value_name = "N", default_value = "0", allow_hyphen_values = true,
          value_parser = go_int64)]
    pub limit_bytes: i64,

    /// The previous run of the container, if it was restarted.
    #[arg(short = 'p', long = "previous", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub previous: bool,

    /// Only the last N lines (-1: all; 10 with a selector).
    #[arg(long = "tail", value_name = "N", allow_hyphen_values = true, value_parser = go_int64)]
    pub tail: Option<i64>,

    /// Report a log that cannot be read and carry on with the others.
    #[arg(long = "ignore-errors", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub ignore_errors: bool,

    /// Only lines written after this RFC 3339 time.
    #[arg(long = "since-time", value_name = "TIME", default_value = "")]
    pub since_time: String,

    /// Only lines younger than this duration (5s, 2m, 3h).
    #[arg(long = "since", value_name = "DURATION", default_value = "0s", allow_hyphen_values = true,
          value_parser = go_duration)]
    pub since: i64,

    /// The container whose log to print.
    #[arg(short = 'c', long = "container", value_name = "NAME")]
    pub container: Option<String>,

    /// Do not check the kubelet's serving certificate.
    #[arg(long = "insecure-skip-tls-verify-backend", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value = "false", value_parser = go_bool,
          action = ArgAction::Set)]
    pub insecure_skip_tls_verify_backend: bool,

    /// How long to wait for a pod to appear (and, following, for its log to become readable).
    #[arg(long = "pod-running-timeout", value_name = "DURATION", default_value = "20s",
          allow_hyphen_values = true, value_parser = go_duration)]
    pub pod_running_timeout: i64,

    /// Label selector (e.g. -l key1=value1,key2=value2).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// How many logs may be followed at once with a selector.
    #[arg(long = "max-log-requests", value_name = "N", default_value = "5", allow_hyphen_values = true,
          value_parser = go_int32)]
    pub max_log_requests: i32,

    /// Start each line with its source: [pod/NAME/CONTAINER].
    #[arg(long = "prefix", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub prefix: bool,
}

/// The query of one log request (kubectl's PodLogOptions minus the container).
#[derive(Debug, Clone, Default, PartialEq)]
struct LogQuery {
    follow: bool,
    previous: bool,
    timestamps: bool,
    insecure_skip_tls_verify_backend: bool,
    since_time: Option<String>,
    since_seconds: Option<i64>,
    limit_bytes: Option<i64>,
    tail_lines: Option<i64>,
}

impl LogQuery {
    /// The request path for one container, with parameters in Go's order (sorted).
    fn path(&self, namespace: &str, pod: &str, container: &str) -> String {
        let mut params: Vec<String> = Vec::new();
        if !container.is_empty() {
            params.push(format!("container={}", query_escape(container)));
        }
        if self.follow {
            params.push("follow=true".into());
        }
        if self.insecure_skip_tls_verify_backend {
            params.push("insecureSkipTLSVerifyBackend=true".into());
        }
        if let Some(n) = self.limit_bytes {
            params.push(format!("limitBytes={n}"));
        }
        if self.previous {
            params.push("previous=true".into());
        }
        if let Some(n) = self.since_seconds {
            params.push(format!("sinceSeconds={n}"));
        }
        if let Some(t) = &self.since_time {
            params.push(format!("sinceTime={}", query_escape(t)));
        }
        if let Some(n) = self.tail_lines {
            params.push(format!("tailLines={n}"));
        }
        if self.timestamps {
            params.push("timestamps=true".into());
        }
        let base = format!(
            "/api/v1/namespaces/{}/pods/{}/log",
            crate::resource::mapper::path_escape(namespace),
            crate::resource::mapper::path_escape(pod)
        );
        if params.is_empty() {
            base
        } else {
            format!("{base}?{}", params.join("&"))
        }
    }
}

/// One log to read: a container of a pod.
#[derive(Debug, Clone)]
struct LogRequest {
    path: String,
    /// `[pod/NAME/CONTAINER] ` when lines are prefixed.
    prefix: Option<Vec<u8>>,
}

/// What `complete` and `validate` settle.
struct LogsOptions {
    query: LogQuery,
    container: String,
    all_containers: bool,
    all_pods: bool,
    prefix: bool,
    follow: bool,
    ignore_errors: bool,
    max_log_requests: i32,
    pod_timeout: Duration,
    namespace: String,
}

/// What the command line names: a pod, pods by selector, or another object.
enum Target {
    Pods(Vec<Value>),
    Object(Value),
}

pub async fn run(ctx: &mut Context, args: LogsArgs) -> Result<()> {
    // complete
    let usage_error = || {
        CliError::usage(
            format!(
                "expected '{USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command"
            ),
            ctx.cmd_path.clone(),
        )
    };
    let selector = args.selector.clone().unwrap_or_default();
    let mut container = args.container.clone().unwrap_or_default();
    let resource_arg = match args.args.len() {
        0 if selector.is_empty() => return Err(usage_error()),
        0 => None,
        1 if !selector.is_empty() => {
            return Err(CliError::usage(
                "only a selector (-l) or a POD name is allowed",
                ctx.cmd_path.clone(),
            ))
        }
        1 => Some(args.args[0].clone()),
        2 => {
            container = args.args[1].clone();
            Some(args.args[0].clone())
        }
        _ => return Err(usage_error()),
    };
    let (namespace, _) = ctx.namespace()?;
    if args.pod_running_timeout == 0 {
        bail!("--pod-running-timeout must be higher than zero");
    }
    let since_time = if args.since_time.is_empty() {
        None
    } else {
        let t = parse_rfc3339(&args.since_time).map_err(|e| anyhow!(e))?;
        Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    let tail_lines = match args.tail {
        None if !selector.is_empty() => Some(SELECTOR_TAIL),
        Some(n) if n != -1 => Some(n),
        _ => None,
    };
    let query = LogQuery {
        follow: args.follow,
        previous: args.previous,
        timestamps: args.timestamps,
        insecure_skip_tls_verify_backend: args.insecure_skip_tls_verify_backend,
        since_time,
        since_seconds: (args.since != 0).then(|| round_to_seconds(args.since)),
        limit_bytes: (args.limit_bytes != 0).then_some(args.limit_bytes),
        tail_lines,
    };
    let target = fetch_target(ctx, resource_arg.as_deref(), &selector, &namespace).await?;

    // validate
    if query.since_time.is_some() && args.since != 0 {
        bail!("at most one of `sinceTime` or `sinceSeconds` may be specified");
    }
    if args.all_containers && !container.is_empty() {
        bail!("--all-containers=true should not be specified with container name {container}");
    }
    if args.container.is_some() && args.args.len() == 2 {
        bail!("only one of -c or an inline [CONTAINER] arg is allowed");
    }
    if args.limit_bytes < 0 {
        bail!("--limit-bytes must be greater than 0");
    }
    if query.since_seconds.is_some_and(|s| s < 0) {
        bail!("--since must be greater than 0");
    }
    if query.tail_lines.is_some_and(|n| n < -1) {
        bail!("--tail must be greater than or equal to -1");
    }

    // run
    let opts = LogsOptions {
        query,
        container,
        all_containers: args.all_containers,
        all_pods: args.all_pods,
        prefix: args.prefix || args.all_pods,
        follow: args.follow,
        ignore_errors: args.ignore_errors,
        max_log_requests: args.max_log_requests,
        pod_timeout: Duration::from_nanos(args.pod_running_timeout.unsigned_abs()),
        namespace,
    };
    let conn = ctx.connection().await?;
    let work = async {
        let requests = requests_for(ctx, &conn.client, target, &opts).await?;
        if opts.follow
            && requests.len() > 1
            && requests.len() > opts.max_log_requests.max(0) as usize
        {
            bail!(
                "you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit",
                requests.len(),
                opts.max_log_requests
            );
        }
        if opts.follow && requests.len() > 1 {
            consume_parallel(ctx, &conn.client, requests, &opts).await
        } else {
            consume_sequential(ctx, &conn.client, requests, &opts).await
        }
    };
    // As kubectl: an interrupt stops reading and exits 1.
    crate::interrupt::or_exit_on_interrupt(work).await
}

/// Go's `Duration.Round(time.Second)` in whole seconds (halves away from zero).
fn round_to_seconds(nanos: i64) -> i64 {
    let second = 1_000_000_000i64;
    let rem = nanos % second;
    let whole = nanos / second;
    if rem.abs() * 2 >= second {
        whole + rem.signum()
    } else {
        whole
    }
}

/// The pod, pods or object the command line names, read as kubectl's
/// builder reads them (`pods` when no type is given).
async fn fetch_target(
    ctx: &mut Context,
    resource_arg: Option<&str>,
    selector: &str,
    namespace: &str,
) -> Result<Target> {
    let words: Vec<String> = match resource_arg {
        // kubectl's ResourceNames("pods", arg): a name is a pods/NAME tuple.
        Some(arg) if arg.contains('/') => vec![arg.to_string()],
        Some(arg) => vec![format!("pods/{arg}")],
        None => vec!["pods".to_string()],
    };
    let conn = ctx.connection().await?;
    let selection = Selection {
        args: &words,
        label_selector: (!selector.is_empty()).then(|| selector.to_string()),
        namespace: namespace.to_string(),
        single_resource_type: true,
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
    let (mut infos, mut errors) = (Vec::new(), Vec::new());
    for item in fetch_infos(&conn.client, &plan).await {
        match item {
            Ok(info) => infos.push(info),
            Err(e) => errors.push(e),
        }
    }
    if let Some(err) = errors.into_iter().next() {
        if let Some(api) = err.downcast_ref::<ApiError>() {
            if api.is_not_found() {
                bail!("error from server (NotFound): {api} in namespace {namespace:?}");
            }
        }
        return Err(err);
    }
    if !selector.is_empty() {
        if infos.is_empty() {
            writeln!(ctx.err, "No resources found in {namespace} namespace.")?;
        }
        return Ok(Target::Pods(infos.into_iter().map(|i| i.object).collect()));
    }
    let info = infos
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("expected a resource"))?;
    if info.mapping.group.is_empty() && info.mapping.kind == "Pod" {
        return Ok(Target::Pods(vec![info.object]));
    }
    Ok(Target::Object(info.object))
}

/// kubectl's `LogsForObject`: the logs to read for what was named.
async fn requests_for(
    ctx: &mut Context,
    client: &ApiClient,
    target: Target,
    opts: &LogsOptions,
) -> Result<Vec<LogRequest>> {
    let pods = match target {
        Target::Pods(pods) => pods,
        Target::Object(object) => {
            let (namespace, selector) = pods::selector_for_object(&object).map_err(|e| {
                anyhow!(
                    "cannot get the logs from {}: {e}",
                    pods::go_type_name(&object)
                )
            })?;
            let mut found = pods::pods_for_selector(
                client,
                &namespace,
                &selector,
                opts.pod_timeout,
                pods::by_logging,
            )
            .await?;
            if found.len() > 1 && !opts.all_pods {
                let (name, _) = pods::pod_name(&found[0]);
                writeln!(ctx.err, "Found {} pods, using pod/{name}", found.len())?;
                found.truncate(1);
            }
            found
        }
    };
    let mut requests = Vec::new();
    for pod in &pods {
        requests.extend(pod_requests(ctx, pod, opts)?);
    }
    Ok(requests)
}

/// The logs of one pod: the named (or default) container, or all of them.
fn pod_requests(ctx: &mut Context, pod: &Value, opts: &LogsOptions) -> Result<Vec<LogRequest>> {
    let (name, namespace) = pods::pod_name(pod);
    let request = |container: &str, field_path: &str| LogRequest {
        path: opts.query.path(namespace, name, container),
        prefix: (opts.prefix && !field_path.is_empty())
            .then(|| format!("[pod/{name}/{container}] ").into_bytes()),
    };
    if opts.all_containers {
        let mut out = Vec::new();
        for list in [
            ContainerList::Init,
            ContainerList::Regular,
            ContainerList::Ephemeral,
        ] {
            for container in pods::container_names(pod, list) {
                let (_, field_path) = pods::find_container(pod, &container)
                    .ok_or_else(|| anyhow!("container {container} is not valid for pod {name}"))?;
                out.push(request(&container, &field_path));
            }
        }
        return Ok(out);
    }
    let mut container = opts.container.clone();
    if container.is_empty() {
        if let Some(default) = pods::annotated_default_container(pod) {
            if pods::find_container(pod, default).is_none() {
                writeln!(
                    ctx.err,
                    "Default container name {default:?} not found in pod {name}"
                )?;
            } else {
                container = default.to_string();
            }
        }
    }
    if container.is_empty() {
        container = pods::container_names(pod, ContainerList::Regular)
            .into_iter()
            .next()
            .unwrap_or_default();
        if pods::has_several_containers(pod) && !opts.all_pods {
            writeln!(
                ctx.err,
                "Defaulted container {container:?} out of: {}",
                pods::all_container_names(pod)
            )?;
        }
    }
    let Some((_, field_path)) = pods::find_container(pod, &container) else {
        bail!(
            "container {container} is not valid for pod {name} out of: {}",
            pods::all_container_names(pod)
        );
    };
    Ok(vec![request(&container, &field_path)])
}

/// Where the pieces of a log go.
trait Sink {
    /// A piece of output: a raw chunk, or a whole line when lines must stay whole.
    async fn piece(&mut self, data: &[u8]) -> Result<()>;
    /// The pieces of one chunk from the server have been given.
    async fn chunk_done(&mut self) -> Result<()>;
    /// kubectl's "internal error output" (with --ignore-errors): stdout, or the shared pipe.
    async fn error_line(&mut self, line: String) -> Result<()>;
}

/// Straight to standard output, flushed after every chunk so that
/// followed logs show as they come.
struct StdoutSink<'a> {
    out: &'a mut dyn Write,
}

impl Sink for StdoutSink<'_> {
    async fn piece(&mut self, data: &[u8]) -> Result<()> {
        self.out.write_all(data)?;
        Ok(())
    }
    async fn chunk_done(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
    async fn error_line(&mut self, line: String) -> Result<()> {
        self.out.write_all(line.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }
}

/// Whole lines of one of several followed logs, handed to the writer as a
/// batch per chunk so that lines of different logs never mix.
struct ChannelSink {
    batch: Vec<u8>,
    tx: mpsc::Sender<Result<Vec<u8>>>,
}

impl Sink for ChannelSink {
    async fn piece(&mut self, data: &[u8]) -> Result<()> {
        self.batch.extend_from_slice(data);
        Ok(())
    }
    async fn chunk_done(&mut self) -> Result<()> {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            // A closed channel: the writer has stopped, and reported why.
            let _ = self.tx.send(Ok(batch)).await;
        }
        Ok(())
    }
    async fn error_line(&mut self, line: String) -> Result<()> {
        self.batch.extend_from_slice(line.as_bytes());
        self.chunk_done().await
    }
}

/// Why reading a log stopped: the server, or writing the output.
enum ConsumeError {
    Api(ApiError),
    Write(anyhow::Error),
}

impl From<ApiError> for ConsumeError {
    fn from(e: ApiError) -> Self {
        ConsumeError::Api(e)
    }
}

/// Reads one log to its end, handing it to `sink` (line by line when
/// `lines` or prefixed, each line with the request's prefix).
async fn consume<S: Sink>(
    client: &ApiClient,
    request: &LogRequest,
    sink: &mut S,
    lines: bool,
) -> Result<(), ConsumeError> {
    let mut stream = client
        .get_stream(&request.path, "application/json, */*")
        .await?;
    let whole_lines = lines || request.prefix.is_some();
    let mut pending: Vec<u8> = Vec::new();
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk: Bytes = chunk?;
        if !whole_lines {
            sink.piece(&chunk).await.map_err(ConsumeError::Write)?;
        } else {
            let mut rest: &[u8] = &chunk;
            while let Some(end) = rest.iter().position(|b| *b == b'\n') {
                joined.clear();
                joined.extend_from_slice(request.prefix.as_deref().unwrap_or_default());
                joined.append(&mut pending);
                joined.extend_from_slice(&rest[..=end]);
                sink.piece(&joined).await.map_err(ConsumeError::Write)?;
                rest = &rest[end + 1..];
            }
            pending.extend_from_slice(rest);
        }
        sink.chunk_done().await.map_err(ConsumeError::Write)?;
    }
    if !pending.is_empty() {
        joined.clear();
        joined.extend_from_slice(request.prefix.as_deref().unwrap_or_default());
        joined.append(&mut pending);
        sink.piece(&joined).await.map_err(ConsumeError::Write)?;
        sink.chunk_done().await.map_err(ConsumeError::Write)?;
    }
    Ok(())
}

/// kubectl's `consumeWithRetry`: a log read once; when following, read
/// again every second while the server answers with an error (each
/// printed), until --pod-running-timeout. With --ignore-errors an error is
/// reported on the output and the log skipped.
async fn consume_with_retry<S: Sink>(
    client: &ApiClient,
    request: &LogRequest,
    sink: &mut S,
    lines: bool,
    opts: &LogsOptions,
    stderr: &mut SharedWriter,
) -> Result<()> {
    let started = Instant::now();
    loop {
        let err = match consume(client, request, sink, lines).await {
            Ok(()) => return Ok(()),
            Err(ConsumeError::Write(e)) => return Err(e),
            Err(ConsumeError::Api(e)) => e,
        };
        if opts.ignore_errors {
            sink.error_line(format!("error: {err}\n")).await?;
            return Ok(());
        }
        if !opts.follow {
            return Err(err.into());
        }
        writeln!(stderr, "{err}")?;
        if !matches!(err, ApiError::Status(_)) {
            return Err(err.into());
        }
        // Polled every second until the timeout, as wait.PollUntilContextTimeout does.
        if started.elapsed() + RETRY_INTERVAL > opts.pod_timeout + Duration::from_millis(50) {
            bail!("context deadline exceeded");
        }
        tokio::time::sleep(RETRY_INTERVAL).await;
    }
}

/// The logs one after another.
async fn consume_sequential(
    ctx: &mut Context,
    client: &ApiClient,
    requests: Vec<LogRequest>,
    opts: &LogsOptions,
) -> Result<()> {
    let mut stderr = ctx.err.clone();
    let mut sink = StdoutSink { out: &mut ctx.out };
    for request in &requests {
        consume_with_retry(client, request, &mut sink, false, opts, &mut stderr).await?;
    }
    Ok(())
}

/// Several followed logs at once, their lines interleaved as they come.
async fn consume_parallel(
    ctx: &mut Context,
    client: &ApiClient,
    requests: Vec<LogRequest>,
    opts: &LogsOptions,
) -> Result<()> {
    let (tx, mut rx) = mpsc::channel::<Result<Vec<u8>>>(64);
    let mut readers = tokio::task::JoinSet::new();
    for request in requests {
        let client = client.clone();
        let tx = tx.clone();
        let mut stderr = ctx.err.clone();
        let opts = LogsOptions {
            query: opts.query.clone(),
            container: String::new(),
            namespace: opts.namespace.clone(),
            ..*opts
        };
        readers.spawn(async move {
            let mut sink = ChannelSink {
                batch: Vec::new(),
                tx: tx.clone(),
            };
            if let Err(e) =
                consume_with_retry(&client, &request, &mut sink, true, &opts, &mut stderr).await
            {
                let _ = tx.send(Err(e)).await;
            }
        });
    }
    drop(tx);
    while let Some(item) = rx.recv().await {
        let batch = item?;
        ctx.out.write_all(&batch)?;
        ctx.out.flush()?;
    }
    while readers.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_in_go_order() {
        let q = LogQuery {
            follow: true,
            previous: true,
            timestamps: true,
            since_time: Some("2020-01-01T00:00:00Z".into()),
            limit_bytes: Some(10),
            tail_lines: Some(-1),
            ..Default::default()
        };
        assert_eq!(
            q.path("ns", "web", "c"),
            "/api/v1/namespaces/ns/pods/web/log?container=c&follow=true&limitBytes=10&previous=true&sinceTime=2020-01-01T00%3A00%3A00Z&tailLines=-1&timestamps=true"
        );
        assert_eq!(
            LogQuery::default().path("ns", "web", ""),
            "/api/v1/namespaces/ns/pods/web/log"
        );
    }

    #[test]
    fn durations_round_to_seconds_like_go() {
        assert_eq!(round_to_seconds(1_500_000_000), 2);
        assert_eq!(round_to_seconds(1_499_999_999), 1);
        assert_eq!(round_to_seconds(-1_500_000_000), -2);
        assert_eq!(round_to_seconds(400_000_000), 0);
    }
}

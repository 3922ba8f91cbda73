//! The command tree, argument parsing with kubectl's error wording, and the
//! one dispatch from a parsed command line to a verb.

use std::ffi::OsString;
use std::io::{self, Write};

use anyhow::Result;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands;
use crate::context::{Context, SharedWriter};
use crate::error::{self, CliError, PROGRAM};
use crate::flags::GlobalFlags;

/// kuddle controls Kubernetes clusters the way kubectl does: same commands,
/// same flags, same output.
#[derive(Parser, Debug)]
#[command(
    name = "kuddle",
    version,
    disable_version_flag = true,
    args_override_self = true,
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_help = "Use \"kuddle <command> --help\" for more information about a given command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,

    #[command(subcommand)]
    pub command: Commands,
}

#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Create a resource from a file or from stdin, or from flags.
    Create(commands::create::CreateArgs),
    /// Expose a replication controller, service, deployment or pod as a new service.
    Expose(commands::expose::ExposeArgs),
    /// Run an image in a new pod.
    Run(commands::run::RunArgs),
    /// Display one or many resources.
    Get(commands::get::GetArgs),
    /// Set a new size for a deployment, replica set, replication controller or stateful set.
    Scale(commands::scale::ScaleArgs),
    /// Show details of a specific resource or group of resources.
    Describe(commands::describe::DescribeArgs),
    /// Print the logs for a container in a pod.
    Logs(commands::logs::LogsArgs),
    /// Attach to a running container.
    Attach(commands::attach::AttachArgs),
    /// Create debugging sessions for troubleshooting workloads and nodes.
    Debug(commands::debug::DebugArgs),
    /// Execute a command in a container.
    Exec(commands::exec::ExecArgs),
    /// Forward one or more local ports to a pod.
    PortForward(commands::port_forward::PortForwardArgs),
    /// Run a proxy to the API server.
    Proxy(commands::proxy::ProxyArgs),
    /// Copy files and directories to and from containers.
    Cp(commands::cp::CpArgs),
    /// Display resource (CPU/memory) usage of pods and nodes.
    Top(commands::top::TopArgs),
    /// Apply a configuration to resources from files or stdin.
    Apply(commands::apply::ApplyArgs),
    /// Update the labels on a resource.
    Label(commands::label::LabelArgs),
    /// Update the annotations on a resource.
    Annotate(commands::annotate::AnnotateArgs),
    /// Set specific features on objects.
    Set(commands::set::SetArgs),
    /// Auto-scale a deployment, replica set, stateful set, or replication controller.
    Autoscale(commands::autoscale::AutoscaleArgs),
    /// Delete resources by file names, stdin, resources and names, or by resources and label selector.
    Delete(commands::delete::DeleteArgs),
    /// Wait for a specific condition on one or many resources.
    Wait(commands::wait::WaitArgs),
    /// Update fields of a resource.
    Patch(commands::patch::PatchArgs),
    /// Replace a resource by file name or stdin.
    Replace(commands::replace::ReplaceArgs),
    /// Diff the live version against a would-be applied version.
    Diff(commands::diff::DiffArgs),
    /// Edit a resource on the server.
    Edit(commands::edit::EditArgs),
    /// Manage the rollout of a resource.
    Rollout(commands::rollout::RolloutArgs),
    /// Print the shell code that completes kuddle command lines (bash, zsh, fish or powershell).
    Completion(commands::completion::CompletionArgs),
    /// Read and change kubeconfig files (view, use-context, set-cluster, …).
    Config(commands::config::ConfigArgs),
    /// Show or change the kuberc file: aliases and default flags for commands.
    Kuberc(commands::kuberc::KubercArgs),
    /// Work with plugins: kubectl-* executables on PATH.
    Plugin(commands::plugin::PluginArgs),
    /// Print the resource types the server supports.
    ApiResources(commands::api_resources::ApiResourcesArgs),
    /// Print the supported API versions on the server, in the form of "group/version".
    ApiVersions(commands::api_versions::ApiVersionsArgs),
    /// Display cluster information.
    ClusterInfo(commands::cluster_info::ClusterInfoArgs),
    /// Get documentation for a resource.
    Explain(commands::explain::ExplainArgs),
    /// List events.
    Events(commands::events::EventsArgs),
    /// Print the client and server version information.
    Version(commands::version::VersionArgs),
    /// Inspect your identity and permissions.
    Auth(commands::auth::AuthArgs),
    /// Approve or deny certificate signing requests.
    Certificate(commands::certificate::CertificateArgs),
    /// Mark nodes unschedulable.
    Cordon(commands::cordon::CordonArgs),
    /// Mark nodes schedulable.
    Uncordon(commands::uncordon::UncordonArgs),
    /// Cordon nodes and evict their pods, for maintenance.
    Drain(commands::drain::DrainArgs),
    /// Add, change or remove taints of nodes.
    Taint(commands::taint::TaintArgs),
    /// Print the flags every command accepts.
    Options(commands::options::OptionsArgs),
    /// Commands for features in alpha (kubectl 1.37 has none).
    Alpha(commands::alpha::AlphaArgs),
    /// Help about any command.
    #[command(hide = true)]
    Help(commands::help::HelpArgs),
}

/// Runs kuddle with `args` (program name first) on the process's own
/// streams and returns the exit code.
pub fn main_with_args(args: Vec<OsString>) -> i32 {
    let stdout = io::stdout();
    let out = io::BufWriter::with_capacity(64 * 1024, stdout);
    let err = io::stderr();
    let terminals = crate::printers::style::terminal_choices();
    run_with_terminals(args, Box::new(out), Box::new(err), terminals)
}

/// Runs kuddle with the given streams; everything a verb prints goes to them.
/// Neither is a terminal (colour only with `--color=always`).
pub fn run_with_streams(
    args: Vec<OsString>,
    out: Box<dyn Write>,
    err: Box<dyn Write + Send>,
) -> i32 {
    let never = anstream::ColorChoice::Never;
    run_with_terminals(args, out, err, (never, never))
}

/// Runs kuddle with the given streams; `terminals` says whether stdout and
/// stderr would be coloured on `--color=auto` (anstream's decision).
pub fn run_with_terminals(
    args: Vec<OsString>,
    mut out: Box<dyn Write>,
    mut err: Box<dyn Write + Send>,
    terminals: (anstream::ColorChoice, anstream::ColorChoice),
) -> i32 {
    // The command tree is built once and serves kuberc, plugin lookup,
    // completion and parsing alike: building it is most of a quick
    // command's time.
    let mut command = Cli::command();
    if !crate::kuberc::enabled() {
        command = crate::kuberc::remove_from(command);
    }
    // kuberc rewrites the line first (aliases), plugins and completion see
    // the result, and its default flags go in only for a built-in command.
    let prepared = match crate::kuberc::prepare(&command, args, &mut *err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let alias_path = prepared.alias_path.clone();
    let original_command = prepared.original_command.clone();
    let plugin_policy = prepared.plugin_policy.clone();
    if let Some(code) = pre_dispatch(&command, &prepared.args, &mut *out, &mut *err) {
        return code;
    }
    let args = crate::argv::normalize_flag_names(crate::argv::lossy_utf8(prepared.with_defaults()));
    let args = crate::argv::rename_shadowing_flags(&command_path(&command, &args), args);
    // clap builds only the subcommands a command line reaches; the whole tree
    // is built (for kubectl's error wording) only when parsing fails.
    let reached = command_path(&command, &args)
        .get(1)
        .and_then(|verb| reached_only(&command, verb));
    let parsed = match reached {
        Some(root) => hyphen_values_like_pflag(root)
            .try_get_matches_from_mut(&args)
            .ok(),
        None => None,
    };
    let parsed = match parsed {
        Some(m) => Ok(m),
        // Whatever the short tree refuses, the whole tree refuses the same
        // way, and only the whole tree words the error as kubectl does.
        None => {
            command = hyphen_values_like_pflag(command);
            command.try_get_matches_from_mut(&args)
        }
    };
    let matches = match parsed {
        Ok(m) => m,
        Err(e) => {
            command.build();
            let colour = parse_error_colour(&args, terminals.1);
            return handle_parse_error(e, &command, &args, alias_path.as_deref(), out, err, colour);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            command.build();
            let colour = parse_error_colour(&args, terminals.1);
            return handle_parse_error(e, &command, &args, alias_path.as_deref(), out, err, colour);
        }
    };
    // The tree is not needed any more, and freeing its thousands of pieces
    // would take longer than many a whole command; the process ends soon.
    std::mem::forget(command);
    let mut path = vec![PROGRAM.to_string()];
    let mut level = &matches;
    while let Some((name, sub)) = level.subcommand() {
        path.push(name.to_string());
        level = sub;
    }
    // An alias runs under its own name.
    let cmd_path = alias_path.unwrap_or_else(|| path.join(" "));
    // Colour is decided once, here: printers mark their output with spans
    // only when stdout is coloured, and the renderer turns them into codes.
    let colour = Colour::decide(&cli, terminals);
    let _markup = crate::printers::style::enable_markup(colour.stdout);
    if colour.stdout {
        out = Box::new(crate::printers::style::Renderer::new(out));
    }
    let mut ctx = Context::new(cli.global.clone(), out, SharedWriter::new(err), cmd_path);
    ctx.credential_plugin_policy = plugin_policy;
    ctx.warning_colour = colour.warnings;
    if let Some(original) = original_command.filter(|_| ctx.global.verbosity >= 1) {
        let line = crate::flags::go_values::go_quote(&format!("{PROGRAM} {original}"));
        let _ = crate::context::klog_info(
            &mut ctx.err,
            "cmd.go:371",
            &format!("original command: {line}"),
        );
    }
    let mut result = run_command(&mut ctx, cli.command);
    // kubectl checks this after a command succeeded.
    if result.is_ok() && ctx.global.warnings_as_errors {
        result = match ctx.warning_count() {
            0 => Ok(()),
            1 => Err(anyhow::anyhow!("1 warning received")),
            n => Err(anyhow::anyhow!("{n} warnings received")),
        };
    }
    let flushed = ctx.out.flush();
    // The output is out; the discovery cache is handed to its writer.
    crate::resource::cache_writer::finish();
    let code = match result {
        Ok(()) => 0,
        Err(e) if is_broken_pipe(&e) => {
            BROKEN_PIPE.store(true, std::sync::atomic::Ordering::Relaxed);
            0
        }
        Err(e) => render_error(&e, &mut ctx.err, colour.stderr),
    };
    match flushed {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            BROKEN_PIPE.store(true, std::sync::atomic::Ordering::Relaxed);
            code
        }
        Err(e) if code == 0 => {
            let _ = writeln!(ctx.err, "error: {e}");
            1
        }
        _ => code,
    }
}

/// kubectl's words for `e` on stderr, the `error:` coloured on a coloured
/// terminal.
fn render_error(e: &anyhow::Error, stderr: &mut dyn Write, colour: bool) -> i32 {
    if !colour {
        return error::render(e, stderr);
    }
    let mut text = Vec::new();
    let code = error::render(e, &mut text);
    let text = String::from_utf8_lossy(&text);
    let _ = stderr.write_all(crate::printers::style::colour_stderr(&text).as_bytes());
    code
}

/// Whether a command line that failed to parse gets a coloured error: its
/// last `--color[=WHEN]` word, else KUDDLE_COLOR, else auto.
fn parse_error_colour(args: &[OsString], stderr_terminal: anstream::ColorChoice) -> bool {
    use crate::printers::style::ColorWhen;
    let flag = args
        .iter()
        .filter_map(|a| a.to_str())
        .take_while(|a| *a != "--")
        .filter_map(|a| match a {
            "--color" => Some("always"),
            _ => a.strip_prefix("--color="),
        })
        .last()
        .map(|v| <ColorWhen as clap::ValueEnum>::from_str(v, true).unwrap_or_default());
    let env = std::env::var("KUDDLE_COLOR").ok();
    ColorWhen::resolve(flag, env.as_deref()).colours(stderr_terminal)
}

/// Which of this invocation's streams are coloured.
struct Colour {
    stdout: bool,
    stderr: bool,
    /// Server warnings follow kubectl's rule unless `always`/`never` said.
    warnings: Option<bool>,
}

impl Colour {
    /// `--color`, else `KUDDLE_COLOR`, else auto (a terminal without
    /// NO_COLOR). Completion scripts are never coloured.
    fn decide(cli: &Cli, terminals: (anstream::ColorChoice, anstream::ColorChoice)) -> Colour {
        use crate::printers::style::ColorWhen;
        if matches!(cli.command, Commands::Completion(_)) {
            return Colour {
                stdout: false,
                stderr: false,
                warnings: None,
            };
        }
        let env = std::env::var("KUDDLE_COLOR").ok();
        let when = ColorWhen::resolve(cli.global.color, env.as_deref());
        Colour {
            stdout: when.colours(terminals.0),
            stderr: when.colours(terminals.1),
            warnings: match when {
                ColorWhen::Auto => None,
                ColorWhen::Always => Some(true),
                ColorWhen::Never => Some(false),
            },
        }
    }
}

/// Set when writing the output failed on a closed pipe: a Go program dies
/// of SIGPIPE then (status 141 in a shell), and so does `main`.
static BROKEN_PIPE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this run's output met a closed pipe.
pub fn output_pipe_closed() -> bool {
    BROKEN_PIPE.load(std::sync::atomic::Ordering::Relaxed)
}

/// The root with only the subcommand `verb`: clap copies the global flags
/// into every subcommand of a level it builds, which for the root's dozens
/// of verbs is most of a quick command's parse. The root's own settings and
/// flags are the whole tree's.
fn reached_only(full: &clap::Command, verb: &str) -> Option<clap::Command> {
    let sub = full.find_subcommand(verb)?.clone();
    let mut root = clap::Command::new(full.get_name().to_string())
        .args(full.get_arguments().cloned())
        .groups(full.get_groups().cloned())
        .subcommand(sub)
        .disable_version_flag(full.is_disable_version_flag_set())
        .disable_help_flag(full.is_disable_help_flag_set())
        .disable_help_subcommand(full.is_disable_help_subcommand_set())
        .args_override_self(full.is_args_override_self())
        .arg_required_else_help(full.is_arg_required_else_help_set())
        .subcommand_required(full.is_subcommand_required_set())
        .allow_external_subcommands(full.is_allow_external_subcommands_set())
        .allow_negative_numbers(full.is_allow_negative_numbers_set())
        .subcommand_precedence_over_arg(full.is_subcommand_precedence_over_arg_set())
        .subcommand_negates_reqs(full.is_subcommand_negates_reqs_set())
        .args_conflicts_with_subcommands(full.is_args_conflicts_with_subcommands_set())
        .propagate_version(full.is_propagate_version_set());
    if let Some(version) = full.get_version() {
        root = root.version(version.to_string());
    }
    Some(root)
}

/// pflag takes the word after a flag that needs a value as its value, even
/// when it starts with `-` (`-n -a`, `--request-timeout -1`); so does kuddle.
fn hyphen_values_like_pflag(command: clap::Command) -> clap::Command {
    let command = command.mut_args(|a| {
        let named = a.get_long().is_some() || a.get_short().is_some();
        if named && a.get_action().takes_values() {
            a.allow_hyphen_values(true)
        } else {
            a
        }
    });
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    names.into_iter().fold(command, |command, name| {
        command.mut_subcommand(name, hyphen_values_like_pflag)
    })
}

/// Before clap: completion requests and plugins, decided with cobra's
/// command lookup as kubectl does. `Some(exit code)` when handled.
fn pre_dispatch(
    command: &clap::Command,
    args: &[OsString],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<i32> {
    if args.len() < 2 {
        return None;
    }
    // A built-in verb first (other than `create`, which plugins may extend)
    // is never a plugin or completion request: skip building the lookup tree.
    if let Some(first) = args[1].to_str() {
        if let Some(sub) = command
            .find_subcommand(first)
            .filter(|_| !first.starts_with('-'))
        {
            let second = args.get(2).and_then(|a| a.to_str());
            let create_builtin =
                second.is_some_and(|w| !w.starts_with('-') && sub.find_subcommand(w).is_some());
            if first != "create" || create_builtin {
                return None;
            }
        }
    }
    let tree = crate::cmdtree::Node::from_clap(command);
    let cluster = crate::completion::cluster::ClusterSource;
    if let Some(code) = crate::completion::handle_request(&tree, args, out, err, &cluster) {
        let _ = out.flush();
        return Some(code);
    }
    match crate::plugin::dispatch(&crate::plugin::PathHandler, &tree, args, err) {
        crate::plugin::Dispatch::Builtin => None,
        crate::plugin::Dispatch::Exit(code) => Some(code),
    }
}

fn run_command(ctx: &mut Context, command: Commands) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match command {
            Commands::Create(args) => commands::create::run(ctx, args).await,
            Commands::Get(args) => commands::get::run(ctx, args).await,
            Commands::Run(args) => commands::run::run(ctx, args).await,
            Commands::Completion(args) => commands::completion::run(ctx, args),
            Commands::Plugin(args) => commands::plugin::run(ctx, args),
            Commands::ApiResources(args) => commands::api_resources::run(ctx, args).await,
            Commands::Help(args) => commands::help::run(ctx, args),
            Commands::Options(args) => commands::options::run(ctx, args),
            Commands::Alpha(args) => commands::alpha::run(ctx, args),
            Commands::Scale(args) => commands::scale::run(ctx, args).await,
            Commands::Expose(args) => commands::expose::run(ctx, args).await,
            Commands::Apply(args) => commands::apply::run(ctx, args).await,
            Commands::Label(args) => commands::label::run(ctx, args).await,
            Commands::Annotate(args) => commands::annotate::run(ctx, args).await,
            Commands::Set(args) => commands::set::run(ctx, args).await,
            Commands::Autoscale(args) => commands::autoscale::run(ctx, args).await,
            Commands::Delete(args) => commands::delete::run(ctx, args).await,
            Commands::Wait(args) => commands::wait::run(ctx, args).await,
            Commands::Patch(args) => commands::patch::run(ctx, args).await,
            Commands::Replace(args) => commands::replace::run(ctx, args).await,
            Commands::Diff(args) => commands::diff::run(ctx, args).await,
            Commands::Rollout(args) => commands::rollout::run(ctx, args).await,
            Commands::Edit(args) => commands::edit::run(ctx, args).await,
            Commands::Describe(args) => commands::describe::run(ctx, args).await,
            Commands::Logs(args) => commands::logs::run(ctx, args).await,
            Commands::Attach(args) => commands::attach::run(ctx, args).await,
            Commands::Debug(args) => commands::debug::run(ctx, args).await,
            Commands::Cp(args) => commands::cp::run(ctx, args).await,
            Commands::Exec(args) => commands::exec::run(ctx, args).await,
            Commands::PortForward(args) => commands::port_forward::run(ctx, args).await,
            Commands::Top(args) => commands::top::run(ctx, args).await,
            Commands::Proxy(args) => commands::proxy::run(ctx, args).await,
            Commands::Config(args) => commands::config::run(ctx, args).await,
            Commands::Kuberc(args) => commands::kuberc::run(ctx, args),
            Commands::Version(args) => commands::version::run(ctx, args).await,
            Commands::ApiVersions(args) => commands::api_versions::run(ctx, args).await,
            Commands::ClusterInfo(args) => commands::cluster_info::run(ctx, args).await,
            Commands::Events(args) => commands::events::run(ctx, args).await,
            Commands::Explain(args) => commands::explain::run(ctx, args).await,
            Commands::Auth(args) => commands::auth::run(ctx, args).await,
            Commands::Certificate(args) => commands::certificate::run(ctx, args).await,
            Commands::Cordon(args) => commands::cordon::run(ctx, args).await,
            Commands::Uncordon(args) => commands::uncordon::run(ctx, args).await,
            Commands::Drain(args) => commands::drain::run(ctx, args).await,
            Commands::Taint(args) => commands::taint::run(ctx, args).await,
        }
    })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Help goes to stdout with exit 0; everything else becomes cobra's words.
fn handle_parse_error(
    e: clap::Error,
    command: &clap::Command,
    args: &[OsString],
    alias_path: Option<&str>,
    mut out: Box<dyn Write>,
    mut err: Box<dyn Write + Send>,
    colour_stderr: bool,
) -> i32 {
    match e.kind() {
        // A group below a verb run bare (`create secret`): cobra's default
        // run prints its help to stderr and fails.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            if command_path(command, args).len() > 2 =>
        {
            let _ = write!(err, "{}", e.render());
            1
        }
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if e.kind() != ErrorKind::DisplayVersion && command_path(command, args).len() == 1 {
                // The root help also lists plugins.
                let _ = write!(out, "{}", commands::help::root_help());
            } else {
                let _ = write!(out, "{}", e.render());
            }
            let _ = out.flush();
            0
        }
        // Flags but no command: kubectl's root command runs its help.
        ErrorKind::MissingSubcommand if command_path(command, args).len() == 1 => {
            let _ = write!(out, "{}", commands::help::root_help());
            let _ = out.flush();
            0
        }
        _ => {
            let mut failure = flag_error(&e, command, args);
            // Usage hints name an alias that ran, not the aliased command.
            if let Some(alias) = alias_path {
                if let Some(CliError::Flag { cmd_path, .. } | CliError::Usage { cmd_path, .. }) =
                    failure.downcast_mut::<CliError>()
                {
                    *cmd_path = alias.to_string();
                }
            }
            commands::diff::flag_failure(failure, &mut err)
                .unwrap_or_else(|failure| render_error(&failure, &mut err, colour_stderr))
        }
    }
}

/// Rebuilds cobra/pflag's message for a clap parse error.
pub fn flag_error(e: &clap::Error, root: &clap::Command, args: &[OsString]) -> anyhow::Error {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let path = command_path(root, args);
    let cmd_path = path.join(" ");
    let leaf = find_subcommand(root, &path[1..]);
    let invalid_arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let flag = |msg: String| -> anyhow::Error {
        CliError::Flag {
            msg,
            cmd_path: cmd_path.clone(),
        }
        .into()
    };
    match e.kind() {
        ErrorKind::UnknownArgument => {
            if let Some(long) = invalid_arg.strip_prefix("--") {
                let name = long.split(['=', ' ']).next().unwrap_or(long);
                flag(format!("unknown flag: --{name}"))
            } else if let Some(short) = invalid_arg.strip_prefix('-') {
                let letter = short.chars().next().unwrap_or('-');
                let token = words
                    .iter()
                    .skip(1)
                    .find(|w| !w.starts_with("--") && w.starts_with('-') && w[1..].contains(letter))
                    .cloned()
                    .unwrap_or_else(|| invalid_arg.clone());
                flag(format!("unknown shorthand flag: '{letter}' in {token}"))
            } else {
                // A stray positional word where the command takes none.
                CliError::Usage {
                    msg: format!("unknown command {:?} for {:?}", invalid_arg, cmd_path),
                    cmd_path: cmd_path.clone(),
                }
                .into()
            }
        }
        ErrorKind::InvalidSubcommand => {
            let name = match e.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => invalid_arg,
            };
            if path.len() > 2 {
                // A group below a verb (`create secret foo bar`): cobra's
                // default run names every word given to it.
                let start = words.iter().position(|w| *w == name).unwrap_or(words.len());
                let given: Vec<&str> = words[start..]
                    .iter()
                    .map(String::as_str)
                    .filter(|w| !w.starts_with('-'))
                    .collect();
                return CliError::usage(format!("unknown command {:?}", given.join(" ")), cmd_path);
            }
            anyhow::anyhow!("unknown command {:?} for {:?}", name, PROGRAM)
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::NoEquals => {
            let value = match e.get(ContextKind::InvalidValue) {
                Some(ContextValue::String(s)) => Some(s.clone()),
                _ => None,
            };
            let arg = leaf.and_then(|c| find_arg(c, &invalid_arg));
            match value {
                Some(v) if !(v.is_empty() && e.kind() == ErrorKind::InvalidValue) => {
                    let reason = std::error::Error::source(e)
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| format!("invalid value {v:?}"));
                    flag(format!(
                        "invalid argument {} for {} flag: {reason}",
                        crate::flags::go_values::go_quote(&v),
                        crate::flags::go_values::go_quote(
                            &arg.map(flag_display).unwrap_or(invalid_arg.clone())
                        )
                    ))
                }
                _ => {
                    // Missing value: cobra names the flag as the user typed it.
                    let typed_short = arg
                        .and_then(|a| a.get_short())
                        .filter(|s| words.iter().skip(1).any(|w| w == &format!("-{s}")));
                    match (typed_short, arg.and_then(|a| a.get_long())) {
                        (Some(s), _) => flag(format!("flag needs an argument: '{s}' in -{s}")),
                        (None, Some(l)) => flag(format!("flag needs an argument: --{l}")),
                        _ => flag(format!("flag needs an argument: {invalid_arg}")),
                    }
                }
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let mut names: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v
                    .iter()
                    .map(|s| {
                        s.trim_start_matches('-')
                            .split([' ', '=', '['])
                            .next()
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect(),
                _ => vec![],
            };
            names.sort();
            let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            anyhow::anyhow!("required flag(s) {} not set", quoted.join(", "))
        }
        _ => {
            let text = e.render().to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            flag(first)
        }
    }
}

/// `-r, --replicas` or `--image`: how pflag names a flag in errors.
pub fn flag_display(arg: &clap::Arg) -> String {
    match (arg.get_short(), arg.get_long()) {
        (Some(s), Some(l)) => format!("-{s}, --{l}"),
        (None, Some(l)) => format!("--{l}"),
        (Some(s), None) => format!("-{s}"),
        (None, None) => arg.get_id().to_string(),
    }
}

/// Finds the argument clap named in an error (`--replicas <REPLICAS>`, `-r`).
fn find_arg<'a>(cmd: &'a clap::Command, described: &str) -> Option<&'a clap::Arg> {
    let head = described.split([' ', '=', '[', '<']).next().unwrap_or("");
    if let Some(long) = head.strip_prefix("--") {
        cmd.get_arguments().find(|a| a.get_long() == Some(long))
    } else if let Some(short) = head.strip_prefix('-') {
        let c = short.chars().next()?;
        cmd.get_arguments().find(|a| a.get_short() == Some(c))
    } else {
        None
    }
}

/// The words naming the subcommand a command line runs: `kuddle create deployment`.
pub fn command_path(root: &clap::Command, args: &[OsString]) -> Vec<String> {
    let mut path = vec![PROGRAM.to_string()];
    let mut current = root;
    let mut iter = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(word) = iter.next() {
        if word == "--" {
            break;
        }
        if let Some(flag) = word.strip_prefix('-') {
            if !word.contains('=') && takes_value(current, flag) {
                iter.next();
            }
            continue;
        }
        // Other words are positional arguments; later words may still be flags.
        if let Some(sub) = current.find_subcommand(&word) {
            path.push(sub.get_name().to_string());
            current = sub;
        }
    }
    path
}

fn find_subcommand<'a>(root: &'a clap::Command, names: &[String]) -> Option<&'a clap::Command> {
    let mut current = root;
    for name in names {
        current = current.find_subcommand(name)?;
    }
    Some(current)
}

/// Whether `-x`/`--name` (without `=`) consumes the next word as its value.
fn takes_value(cmd: &clap::Command, flag: &str) -> bool {
    let arg = if let Some(long) = flag.strip_prefix('-') {
        cmd.get_arguments().find(|a| a.get_long() == Some(long))
    } else {
        // `-nfoo` carries its value; only a lone `-n` takes the next word.
        let mut chars = flag.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => cmd.get_arguments().find(|a| a.get_short() == Some(c)),
            _ => None,
        }
    };
    arg.is_some_and(|a| {
        a.get_action().takes_values() && a.get_num_args().is_some_and(|n| n.min_values() > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_short_tree_parses_as_the_whole_tree() {
        let lines: &[&[&str]] = &[
            &[
                "create",
                "deployment",
                "web",
                "--image=nginx",
                "--dry-run=client",
                "-o",
                "yaml",
            ],
            &[
                "-n",
                "x",
                "get",
                "pods",
                "-o",
                "wide",
                "--request-timeout",
                "-1",
            ],
            &["get", "pods", "-A", "-w", "--output-watch-events", "-v=8"],
            &["config", "view", "--raw", "--kubeconfig", "/tmp/k"],
            &[
                "rollout",
                "status",
                "deploy/web",
                "--timeout=5s",
                "--context",
                "c",
            ],
            &["exec", "-it", "pod", "-c", "c", "--", "sh", "-c", "echo -n"],
            &[
                "--namespace=y",
                "delete",
                "pods",
                "-l",
                "a=b",
                "--grace-period",
                "0",
                "--force",
            ],
            &["create", "secret", "generic", "s", "--from-literal=a=-b"],
        ];
        for line in lines {
            let args = os(&[&["kuddle"], *line].concat());
            let mut full = hyphen_values_like_pflag(Cli::command());
            let verb = command_path(&full, &args)[1].clone();
            let mut short = hyphen_values_like_pflag(reached_only(&Cli::command(), &verb).unwrap());
            let a = format!("{:?}", short.try_get_matches_from_mut(&args).unwrap());
            let b = format!("{:?}", full.try_get_matches_from_mut(&args).unwrap());
            // Only the root's list of valid subcommands may differ.
            let without_root_list = |text: &str| {
                let start = text.find("valid_subcommands: [").unwrap();
                let end = start + text[start..].find(']').unwrap();
                format!("{}{}", &text[..start], &text[end..])
            };
            assert_eq!(without_root_list(&a), without_root_list(&b), "{line:?}");
        }
        // A subcommand the short tree lacks is refused there (and the whole
        // tree then words the error).
        let full = hyphen_values_like_pflag(Cli::command());
        let mut short = reached_only(&full, "get").unwrap();
        assert!(short
            .try_get_matches_from_mut(os(&["kuddle", "describe", "pods"]))
            .is_err());
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn command_path_skips_flag_values() {
        let mut root = Cli::command();
        root.build();
        assert_eq!(
            command_path(
                &root,
                &os(&["kuddle", "-n", "create", "create", "deployment", "x"])
            ),
            ["kuddle", "create", "deployment"]
        );
        assert_eq!(
            command_path(&root, &os(&["kuddle", "--namespace=x", "create"])),
            ["kuddle", "create"]
        );
    }
}

//! What completes a flag's value or a command's arguments: the table of
//! kubectl's registrations (which flag or command gets which completion),
//! and the pluggable source for cluster-backed completions.

use super::directive::{FILTER_FILE_EXT, NO_FILE_COMP};

/// A completion registered for a flag value or a command's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completer {
    /// Fixed choices with NoFileComp; `filtered`: only those starting with
    /// what was typed (some kubectl functions filter, others leave it to the
    /// shell).
    Fixed {
        choices: &'static [&'static str],
        filtered: bool,
    },
    /// File names with these extensions (cobra's FilterFileExt).
    FileExt(&'static [&'static str]),
    /// Names from the kubeconfig.
    Contexts,
    Clusters,
    Users,
    /// Needs the cluster; the key tells a [`DynamicSource`] what to list.
    Dynamic(DynamicKind),
}

/// Cluster-backed completions kubectl offers (kubectl's completion helpers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicKind {
    /// Namespaces (`-n`).
    Namespace,
    /// A resource type, then names of that type (`get`, `describe`, …).
    ResourceTypeAndName,
    /// Only these types, then their names (`scale`, `rollout …`).
    SpecifiedResourceTypeAndName(&'static [&'static str]),
    /// Names of one resource type (`drain NODE`, `top pod`).
    ResourceName(&'static str),
    /// Pods (`exec`, `attach`).
    PodName,
    /// A pod, then one of its containers (`logs`).
    PodAndContainer,
    /// Containers of the pod named on the line (`-c`).
    Container,
}

/// Positional-argument completion: cobra's `ValidArgs` (a static list for
/// the first argument only) or a `ValidArgsFunction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgsCompleter {
    ValidArgs(&'static [&'static str]),
    Function(Completer),
    /// cobra's `help` command: the subcommands of the command named so far.
    HelpTopics,
}

/// `kubectl get -o` choices (get's print flags).
pub const GET_OUTPUT_FORMATS: &[&str] = &[
    "json",
    "yaml",
    "kyaml",
    "name",
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "wide",
];

pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

/// The completion registered for flag `--long` of the command `path`
/// (`["create", "deployment"]`), as kubectl registers them. Commands kuddle
/// does not have yet are listed too: the entries apply once they exist.
pub fn flag_completer(path: &[&str], long: &str) -> Option<Completer> {
    use Completer::*;
    let first = path.first().copied().unwrap_or("");
    match long {
        // Global flags (registered on the root).
        "namespace" => Some(Dynamic(DynamicKind::Namespace)),
        "context" => Some(Contexts),
        "cluster" => Some(Clusters),
        "user" => Some(Users),
        // Every `-f/--filename` from kubectl's shared filename flags.
        "filename" => Some(FileExt(&["json", "yaml", "yml"])),
        "output" if path == ["get"] => Some(Fixed {
            choices: GET_OUTPUT_FORMATS,
            filtered: true,
        }),
        "subresource" if matches!(first, "get" | "patch" | "edit" | "replace" | "apply") => {
            Some(Fixed {
                choices: &["status", "scale", "resize"],
                filtered: false,
            })
        }
        "container" if path == ["exec"] => Some(Dynamic(DynamicKind::Container)),
        "clusterrole" if path == ["create", "clusterrolebinding"] => {
            Some(Dynamic(DynamicKind::ResourceName("clusterrole")))
        }
        _ => None,
    }
}

/// The argument completion of the command `path`.
pub fn args_completer(path: &[&str]) -> Option<ArgsCompleter> {
    use ArgsCompleter::*;
    use Completer::*;
    use DynamicKind::*;
    const SCALABLE: &[&str] = &[
        "deployment",
        "replicaset",
        "replicationcontroller",
        "statefulset",
    ];
    const ROLLOUTABLE: &[&str] = &["deployment", "daemonset", "statefulset"];
    Some(match path {
        ["completion"] => ValidArgs(SHELLS),
        ["help"] => HelpTopics,
        ["get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "debug"]
        | ["apply", "view-last-applied" | "edit-last-applied"] => {
            Function(Dynamic(ResourceTypeAndName))
        }
        ["scale"] => Function(Dynamic(SpecifiedResourceTypeAndName(SCALABLE))),
        ["rollout", "pause" | "resume"] => {
            Function(Dynamic(SpecifiedResourceTypeAndName(&["deployment"])))
        }
        ["rollout", _] => Function(Dynamic(SpecifiedResourceTypeAndName(ROLLOUTABLE))),
        ["exec" | "attach"] => Function(Dynamic(PodName)),
        ["logs"] => Function(Dynamic(PodAndContainer)),
        ["drain" | "cordon" | "uncordon"] | ["top", "node"] => {
            Function(Dynamic(ResourceName("node")))
        }
        ["top", "pod"] => Function(Dynamic(ResourceName("pod"))),
        ["config", "use-context" | "delete-context" | "rename-context" | "set-context"] => {
            Function(Contexts)
        }
        ["config", "delete-cluster"] => Function(Clusters),
        ["config", "delete-user"] => Function(Users),
        _ => return None,
    })
}

/// What a completion function is given (cobra's `cmd, args, toComplete`).
#[derive(Debug, Clone)]
pub struct Request {
    /// Command words below the root: `["get"]`.
    pub path: Vec<String>,
    /// Positional arguments already typed.
    pub args: Vec<String>,
    /// The word being completed.
    pub to_complete: String,
    /// Flags already on the line (long name, value): `--kubeconfig`,
    /// `--context`, `-n` and the like, for sources that need them.
    pub flags: Vec<(String, String)>,
}

impl Request {
    pub fn flag(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(name, _)| name == long)
            .map(|(_, v)| v.as_str())
    }
}

/// Completions that need a cluster. The client plugs in here.
pub trait DynamicSource {
    /// Choices and directive for `kind`, given the command line so far.
    fn complete(&self, kind: DynamicKind, request: &Request) -> (Vec<String>, i64);
}

/// No cluster to ask: kubectl's answer when the server cannot be reached is
/// no choices and no file completion.
pub struct Offline;

impl DynamicSource for Offline {
    fn complete(&self, _kind: DynamicKind, _request: &Request) -> (Vec<String>, i64) {
        (Vec::new(), NO_FILE_COMP)
    }
}

/// Runs a completer that does not need the cluster, or hands a dynamic one
/// to `dynamic`.
pub fn run(
    completer: Completer,
    request: &Request,
    dynamic: &dyn DynamicSource,
) -> (Vec<String>, i64) {
    let prefixed = |names: Vec<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| n.starts_with(&request.to_complete))
            .collect()
    };
    match completer {
        Completer::Fixed { choices, filtered } => (
            choices
                .iter()
                .filter(|c| !filtered || c.starts_with(&request.to_complete))
                .map(|c| c.to_string())
                .collect(),
            NO_FILE_COMP,
        ),
        Completer::FileExt(exts) => (
            exts.iter().map(|e| e.to_string()).collect(),
            FILTER_FILE_EXT,
        ),
        Completer::Contexts => (
            prefixed(super::kubeconfig_names::names(request).contexts),
            NO_FILE_COMP,
        ),
        Completer::Clusters => (
            prefixed(super::kubeconfig_names::names(request).clusters),
            NO_FILE_COMP,
        ),
        Completer::Users => (
            prefixed(super::kubeconfig_names::names(request).users),
            NO_FILE_COMP,
        ),
        Completer::Dynamic(kind) => dynamic.complete(kind, request),
    }
}

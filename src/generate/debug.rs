//! The pods `debug` makes, as pure functions over JSON: the debugging
//! container, the node debugging pod, the modified copy of a pod, and the
//! profiles (`general`, `baseline`, `restricted`, `netadmin`, `sysadmin`,
//! `legacy`) that adjust them as kubectl's do.

use serde_json::{json, Map, Value};

use crate::apply::patchmeta::StructLookup;
use crate::apply::strategic::{strategic_merge_patch, PatchMetaLookup};

/// A `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Legacy,
    General,
    Baseline,
    Restricted,
    Netadmin,
    Sysadmin,
}

impl Profile {
    pub fn parse(name: &str) -> Result<Profile, String> {
        Ok(match name {
            "legacy" => Profile::Legacy,
            "general" => Profile::General,
            "baseline" => Profile::Baseline,
            "restricted" => Profile::Restricted,
            "netadmin" => Profile::Netadmin,
            "sysadmin" => Profile::Sysadmin,
            other => return Err(format!("unknown profile: {other}")),
        })
    }
}

/// What is being debugged, which decides what a profile changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A container added to the running pod.
    Ephemeral,
    /// A modified copy of the pod (`--copy-to`).
    Copy,
    /// A new pod on a node.
    Node,
}

/// The `--keep-*` flags: what a copy keeps of the original pod.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    pub labels: bool,
    pub annotations: bool,
    pub liveness: bool,
    pub readiness: bool,
    pub startup: bool,
    pub init_containers: bool,
}

/// What the user asked of the debugging container.
#[derive(Debug, Clone, Default)]
pub struct ContainerRequest {
    pub image: String,
    /// `--env`, in the order the container gets them.
    pub env: Vec<(String, String)>,
    /// `--image-pull-policy`; empty leaves it to the server.
    pub pull_policy: String,
    pub stdin: bool,
    pub tty: bool,
    /// The words after `--`.
    pub args: Vec<String>,
    /// `--arguments-only`: the words are the container's args, not its command.
    pub args_only: bool,
}

impl ContainerRequest {
    fn env_json(&self) -> Value {
        Value::Array(
            self.env
                .iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect(),
        )
    }

    /// A new container named `name`, with what a Go `corev1.Container`
    /// literal would marshal (an empty `resources`, empty fields left out).
    pub fn container(&self, name: &str) -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("name".into(), json!(name));
        c.insert("image".into(), json!(self.image));
        if !self.args.is_empty() {
            let key = if self.args_only { "args" } else { "command" };
            c.insert(key.into(), json!(self.args));
        }
        if !self.env.is_empty() {
            c.insert("env".into(), self.env_json());
        }
        c.insert("resources".into(), json!({}));
        c.insert("terminationMessagePolicy".into(), json!("File"));
        if !self.pull_policy.is_empty() {
            c.insert("imagePullPolicy".into(), json!(self.pull_policy));
        }
        if self.stdin {
            c.insert("stdin".into(), json!(true));
        }
        if self.tty {
            c.insert("tty".into(), json!(true));
        }
        c
    }
}

/// Every container name of the pod: init, regular and ephemeral.
pub fn container_names(pod: &Value) -> Vec<String> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|list| {
            pod.pointer(&format!("/spec/{list}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// The ephemeral container added to `pod` (a copy of it is returned):
/// the request, `--target`, the profile and the custom profile applied.
pub fn with_ephemeral_container(
    pod: &Value,
    name: &str,
    request: &ContainerRequest,
    target: &str,
    profile: Profile,
    custom: Option<&Map<String, Value>>,
) -> Result<Value, String> {
    let mut debug = pod.clone();
    let mut container = request.container(name);
    if !target.is_empty() {
        container.insert("targetContainerName".into(), json!(target));
    }
    push_to_list(&mut debug, "ephemeralContainers", Value::Object(container));
    apply_profile(profile, Keep::default(), &mut debug, name, Style::Ephemeral);
    if let Some(custom) = custom {
        apply_custom(&mut debug, "ephemeralContainers", name, custom).map_err(|e| {
            if e.is_empty() {
                format!(
                    "unable to find the {name} ephemeral container in the pod {}",
                    pod_name(pod)
                )
            } else {
                e
            }
        })?;
    }
    Ok(debug)
}

/// The pod `debug node/NAME` creates: named `pod_name`, on the node, in
/// its host namespaces as the profile says.
pub fn node_debug_pod(
    node: &str,
    pod_name: &str,
    container: &str,
    request: &ContainerRequest,
    profile: Profile,
    custom: Option<&Map<String, Value>>,
) -> Result<Value, String> {
    let mut pod = json!({
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": pod_name,
            "labels": {"app.kubernetes.io/managed-by": "kubectl-debug"},
        },
        "spec": {
            "containers": [Value::Object(request.container(container))],
            "restartPolicy": "Never",
            "nodeName": node,
            "tolerations": [{"operator": "Exists"}],
        },
    });
    apply_profile(profile, Keep::default(), &mut pod, container, Style::Node);
    if let Some(custom) = custom {
        apply_custom(&mut pod, "containers", container, custom).map_err(|e| {
            if e.is_empty() {
                format!("unable to find the {container} container in the pod {pod_name}")
            } else {
                e
            }
        })?;
    }
    Ok(pod)
}

/// What `--copy-to` changes.
#[derive(Debug, Clone, Default)]
pub struct CopyRequest {
    pub name: String,
    /// `--container`: an existing container to change, or the new one's name.
    pub container: String,
    /// `--set-image` (`*` for every container).
    pub set_images: Vec<(String, String)>,
    /// `--share-processes`, when given.
    pub share_processes: Option<bool>,
    pub same_node: bool,
    pub keep: Keep,
}

/// The copy of `pod`, and the name of the container it debugs (empty when
/// only images were changed). `new_name` names a new debug container
/// (called only when one is added and `--container` names none).
pub fn pod_copy(
    pod: &Value,
    copy: &CopyRequest,
    request: &ContainerRequest,
    profile: Profile,
    custom: Option<&Map<String, Value>>,
    new_name: &mut dyn FnMut(&Value) -> String,
) -> Result<(Value, String), String> {
    let meta = pod.get("metadata").cloned().unwrap_or_default();
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(copy.name));
    if let Some(ns) = meta.get("namespace") {
        metadata.insert("namespace".into(), ns.clone());
    }
    for key in ["labels", "annotations"] {
        if let Some(v) = meta.get(key).filter(|v| !v.is_null()) {
            metadata.insert(key.into(), v.clone());
        }
    }
    let mut spec = pod.get("spec").cloned().unwrap_or_else(|| json!({}));
    if let Some(spec) = spec.as_object_mut() {
        spec.remove("ephemeralContainers");
        if let Some(share) = copy.share_processes {
            spec.insert("shareProcessNamespace".into(), json!(share));
        }
        if !copy.same_node {
            spec.remove("nodeName");
        }
    }
    let mut copied = json!({"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec});

    let all_images = copy
        .set_images
        .iter()
        .rev()
        .find(|(k, _)| k == "*")
        .map(|(_, v)| v.clone());
    if let Some(containers) = copied
        .pointer_mut("/spec/containers")
        .and_then(Value::as_array_mut)
    {
        for c in containers.iter_mut() {
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            let image = copy
                .set_images
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| all_images.clone())
                .unwrap_or_default();
            if !image.is_empty() {
                c["image"] = json!(image);
            }
        }
    }

    let mut name = copy.container.clone();
    let existing = container_names(&copied).contains(&name);
    if !existing {
        if request.image.is_empty() {
            if !copy.set_images.is_empty() {
                return Ok((copied, String::new()));
            }
            return Err("you must specify image when creating new container".into());
        }
        if name.is_empty() {
            name = new_name(&copied);
        }
        let mut fresh = Map::new();
        fresh.insert("name".into(), json!(name));
        fresh.insert("resources".into(), json!({}));
        fresh.insert("terminationMessagePolicy".into(), json!("File"));
        push_to_list(&mut copied, "containers", Value::Object(fresh));
    }
    if let Some(c) = find_container_mut(&mut copied, &name, &ALL_LISTS) {
        if !request.args.is_empty() {
            if request.args_only {
                c.insert("args".into(), json!(request.args));
            } else {
                c.insert("command".into(), json!(request.args));
                c.remove("args");
            }
        }
        if !request.env.is_empty() {
            c.insert("env".into(), request.env_json());
        }
        if !request.image.is_empty() {
            c.insert("image".into(), json!(request.image));
        }
        if !request.pull_policy.is_empty() {
            c.insert("imagePullPolicy".into(), json!(request.pull_policy));
        }
        set_flag(c, "stdin", request.stdin);
        set_flag(c, "tty", request.tty);
    }
    apply_profile(profile, copy.keep, &mut copied, &name, Style::Copy);
    if let Some(custom) = custom {
        apply_custom(&mut copied, "containers", &name, custom).map_err(|e| {
            if e.is_empty() {
                format!(
                    "unable to find the {name} container in the pod {}",
                    copy.name
                )
            } else {
                e
            }
        })?;
    }
    Ok((copied, name))
}

/// The warning kubectl gives when the pod runs as a non-root user but the
/// profile grants the debugging container privileges or capabilities.
pub fn non_root_warning(pod: &Value, container: Option<&Value>) -> bool {
    let Some(container) = container else {
        return false;
    };
    let pod_user = pod
        .pointer("/spec/securityContext/runAsUser")
        .and_then(Value::as_i64);
    if pod_user.unwrap_or(0) == 0 {
        return false;
    }
    let Some(sc) = container.get("securityContext").filter(|v| v.is_object()) else {
        return false;
    };
    if sc.get("runAsUser").and_then(Value::as_i64) == Some(0) {
        return false;
    }
    let privileged = sc.get("privileged").and_then(Value::as_bool) == Some(true);
    let adds = sc
        .pointer("/capabilities/add")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    privileged || adds
}

/// Reads a `--custom` file: JSON, else YAML, into a partial container.
/// Fields a container does not have are dropped, and a field of the wrong
/// JSON type is an error, as Go's decoder has it (checked one level deep).
pub fn parse_custom(text: &str) -> Result<Map<String, Value>, String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => crate::kubeconfig::yaml::yaml_to_json(text.as_bytes())
            .map_err(|e| format!("error converting YAML to JSON: {e}"))?,
    };
    let decoding = |e: String| format!("error unmarshaling JSON: while decoding JSON: json: {e}");
    let map = match value {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            return Err(decoding(format!(
                "cannot unmarshal {} into Go value of type v1.Container",
                go_json_type(&other)
            )))
        }
    };
    let mut out = Map::new();
    for (key, value) in map {
        let Some((_, go_type)) = CONTAINER_FIELDS.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let fits = match *go_type {
            _ if value.is_null() => true,
            t if t.starts_with("[]") => value.is_array(),
            "bool" => value.is_boolean(),
            "string"
            | "v1.ContainerRestartPolicy"
            | "v1.TerminationMessagePolicy"
            | "v1.PullPolicy" => value.is_string(),
            _ => value.is_object(),
        };
        if !fits {
            return Err(decoding(format!(
                "cannot unmarshal {} into Go struct field Container.{key} of type {go_type}",
                go_json_type(&value)
            )));
        }
        out.insert(key, value);
    }
    Ok(out)
}

/// The JSON names of `corev1.Container`'s fields and their Go types.
const CONTAINER_FIELDS: &[(&str, &str)] = &[
    ("name", "string"),
    ("image", "string"),
    ("command", "[]string"),
    ("args", "[]string"),
    ("workingDir", "string"),
    ("ports", "[]v1.ContainerPort"),
    ("envFrom", "[]v1.EnvFromSource"),
    ("env", "[]v1.EnvVar"),
    ("resources", "v1.ResourceRequirements"),
    ("resizePolicy", "[]v1.ContainerResizePolicy"),
    ("restartPolicy", "v1.ContainerRestartPolicy"),
    ("restartPolicyRules", "[]v1.ContainerRestartRule"),
    ("volumeMounts", "[]v1.VolumeMount"),
    ("volumeDevices", "[]v1.VolumeDevice"),
    ("livenessProbe", "v1.Probe"),
    ("readinessProbe", "v1.Probe"),
    ("startupProbe", "v1.Probe"),
    ("lifecycle", "v1.Lifecycle"),
    ("terminationMessagePath", "string"),
    ("terminationMessagePolicy", "v1.TerminationMessagePolicy"),
    ("imagePullPolicy", "v1.PullPolicy"),
    ("securityContext", "v1.SecurityContext"),
    ("stdin", "bool"),
    ("stdinOnce", "bool"),
    ("tty", "bool"),
];

/// Whether a custom profile sets what it may not change.
pub fn custom_sets_forbidden(custom: &Map<String, Value>) -> bool {
    let set = |k: &str| match custom.get(k) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    set("name") || set("command") || set("image") || set("lifecycle") || set("volumeDevices")
}

fn go_json_type(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

fn container_lookup() -> Option<StructLookup> {
    let pod = StructLookup::for_kind("v1", "Pod")?;
    let (spec, _) = pod.for_struct("spec").ok()?;
    let (container, _) = spec.for_slice("containers").ok()?;
    Some(container)
}

/// The custom profile merged into container `name` of `list` as a
/// strategic merge patch. An empty error: the container is not there.
fn apply_custom(
    pod: &mut Value,
    list: &str,
    name: &str,
    custom: &Map<String, Value>,
) -> Result<(), String> {
    let mut patch = custom.clone();
    patch.insert("name".into(), json!(name));
    let Some(container) = find_container_mut(pod, name, &[list]) else {
        return Err(String::new());
    };
    let lookup = container_lookup().ok_or("no schema for v1.Container")?;
    let merged = strategic_merge_patch(container.clone(), patch, &lookup)
        .map_err(|e| format!("error creating three way patch to add debug container: {e}"))?;
    *container = merged;
    Ok(())
}

fn pod_name(pod: &Value) -> &str {
    pod.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn set_flag(c: &mut Map<String, Value>, key: &str, on: bool) {
    if on {
        c.insert(key.into(), json!(true));
    } else {
        c.remove(key);
    }
}

fn push_to_list(pod: &mut Value, list: &str, item: Value) {
    let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let entry = spec.entry(list).or_insert_with(|| json!([]));
    if !entry.is_array() {
        *entry = json!([]);
    }
    if let Some(items) = entry.as_array_mut() {
        items.push(item);
    }
}

const ALL_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// The first container called `name` in `lists`, in that order (kubectl's
/// `VisitContainers`: init, regular, then ephemeral containers).
fn find_container_mut<'a>(
    pod: &'a mut Value,
    name: &str,
    lists: &[&str],
) -> Option<&'a mut Map<String, Value>> {
    let spec = pod.get_mut("spec")?.as_object_mut()?;
    let list = lists.iter().copied().find(|list| {
        spec.get(*list)
            .and_then(Value::as_array)
            .is_some_and(|items| {
                items
                    .iter()
                    .any(|c| c.get("name").and_then(Value::as_str) == Some(name))
            })
    })?;
    spec.get_mut(list)?
        .as_array_mut()?
        .iter_mut()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))?
        .as_object_mut()
}

fn security_context(c: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let sc = c.entry("securityContext").or_insert_with(|| json!({}));
    if !sc.is_object() {
        *sc = json!({});
    }
    sc.as_object_mut().expect("an object")
}

fn capabilities(c: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let caps = security_context(c)
        .entry("capabilities")
        .or_insert_with(|| json!({}));
    if !caps.is_object() {
        *caps = json!({});
    }
    caps.as_object_mut().expect("an object")
}

fn add_capability(c: &mut Map<String, Value>, cap: &str) {
    let add = capabilities(c).entry("add").or_insert_with(|| json!([]));
    if !add.is_array() {
        *add = json!([]);
    }
    if let Some(list) = add.as_array_mut() {
        list.push(json!(cap));
    }
}

/// Changes container `name` (any list) with `f`, when it exists.
fn with_container(pod: &mut Value, name: &str, f: impl FnOnce(&mut Map<String, Value>)) {
    if let Some(c) = find_container_mut(pod, name, &ALL_LISTS) {
        f(c);
    }
}

fn mount_root_partition(pod: &mut Value, name: &str) {
    push_to_list(
        pod,
        "volumes",
        json!({"name": "host-root", "hostPath": {"path": "/"}}),
    );
    if let Some(c) = find_container_mut(pod, name, &["containers"]) {
        let mounts = c.entry("volumeMounts").or_insert_with(|| json!([]));
        if let Some(list) = mounts.as_array_mut() {
            list.push(json!({"name": "host-root", "mountPath": "/host"}));
        }
    }
}

fn use_host_namespaces(pod: &mut Value) {
    if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            spec.insert(key.into(), json!(true));
        }
    }
}

fn share_process_namespace(pod: &mut Value) {
    if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
        if spec.get("shareProcessNamespace").is_none_or(Value::is_null) {
            spec.insert("shareProcessNamespace".into(), json!(true));
        }
    }
}

fn remove_for_copy(pod: &mut Value, keep: Keep) {
    if let Some(meta) = pod.get_mut("metadata").and_then(Value::as_object_mut) {
        if !keep.labels {
            meta.remove("labels");
        }
        if !keep.annotations {
            meta.remove("annotations");
        }
    }
    if let Some(containers) = pod
        .pointer_mut("/spec/containers")
        .and_then(Value::as_array_mut)
    {
        for c in containers.iter_mut().filter_map(Value::as_object_mut) {
            for (kept, probe) in [
                (keep.liveness, "livenessProbe"),
                (keep.readiness, "readinessProbe"),
                (keep.startup, "startupProbe"),
            ] {
                if !kept {
                    c.remove(probe);
                }
            }
        }
    }
    if !keep.init_containers {
        if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("initContainers");
        }
    }
}

/// What `profile` changes in `pod` for debugging container `name`.
pub fn apply_profile(profile: Profile, keep: Keep, pod: &mut Value, name: &str, style: Style) {
    let clear_security_context = |pod: &mut Value| {
        with_container(pod, name, |c| {
            c.remove("securityContext");
        })
    };
    match profile {
        Profile::Legacy => match style {
            Style::Node => {
                mount_root_partition(pod, name);
                use_host_namespaces(pod);
            }
            Style::Copy => {
                // Legacy drops the labels whatever --keep-labels says.
                if let Some(meta) = pod.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.remove("labels");
                }
            }
            Style::Ephemeral => {}
        },
        Profile::General => match style {
            Style::Node => {
                mount_root_partition(pod, name);
                clear_security_context(pod);
                use_host_namespaces(pod);
            }
            Style::Copy => {
                remove_for_copy(pod, keep);
                with_container(pod, name, |c| add_capability(c, "SYS_PTRACE"));
                share_process_namespace(pod);
            }
            Style::Ephemeral => with_container(pod, name, |c| add_capability(c, "SYS_PTRACE")),
        },
        Profile::Baseline | Profile::Restricted => {
            clear_security_context(pod);
            if profile == Profile::Restricted {
                with_container(pod, name, |c| {
                    security_context(c).insert("runAsNonRoot".into(), json!(true));
                    let caps = capabilities(c);
                    caps.insert("drop".into(), json!(["ALL"]));
                    caps.remove("add");
                    let sc = security_context(c);
                    sc.insert("allowPrivilegeEscalation".into(), json!(false));
                    sc.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
                });
            }
            if style == Style::Copy {
                remove_for_copy(pod, keep);
                share_process_namespace(pod);
            }
        }
        Profile::Netadmin => {
            with_container(pod, name, |c| {
                add_capability(c, "NET_ADMIN");
                add_capability(c, "NET_RAW");
            });
            match style {
                Style::Node => use_host_namespaces(pod),
                Style::Copy => {
                    remove_for_copy(pod, keep);
                    share_process_namespace(pod);
                }
                Style::Ephemeral => {}
            }
        }
        Profile::Sysadmin => {
            with_container(pod, name, |c| {
                security_context(c).insert("privileged".into(), json!(true));
            });
            match style {
                Style::Node => {
                    use_host_namespaces(pod);
                    mount_root_partition(pod, name);
                }
                Style::Copy => {
                    remove_for_copy(pod, keep);
                    share_process_namespace(pod);
                }
                Style::Ephemeral => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ContainerRequest {
        ContainerRequest {
            image: "busybox".into(),
            args: vec!["sh".into()],
            ..Default::default()
        }
    }

    #[test]
    fn general_ephemeral_container_may_trace() {
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}});
        let out = with_ephemeral_container(&pod, "dbg", &request(), "app", Profile::General, None)
            .unwrap();
        assert_eq!(
            out["spec"]["ephemeralContainers"][0],
            json!({"name": "dbg", "image": "busybox", "command": ["sh"], "resources": {},
                   "terminationMessagePolicy": "File", "targetContainerName": "app",
                   "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}})
        );
    }

    #[test]
    fn node_pod_per_profile() {
        let pod = node_debug_pod(
            "n",
            "node-debugger-n-x",
            "debugger",
            &request(),
            Profile::General,
            None,
        )
        .unwrap();
        assert_eq!(pod["spec"]["hostPID"], json!(true));
        assert_eq!(
            pod["spec"]["volumes"],
            json!([{"name": "host-root", "hostPath": {"path": "/"}}])
        );
        assert_eq!(
            pod["spec"]["containers"][0]["volumeMounts"],
            json!([{"name": "host-root", "mountPath": "/host"}])
        );
        let pod =
            node_debug_pod("n", "x", "debugger", &request(), Profile::Restricted, None).unwrap();
        assert!(pod["spec"].get("hostPID").is_none());
        assert_eq!(
            pod["spec"]["containers"][0]["securityContext"],
            json!({"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]},
                   "allowPrivilegeEscalation": false, "seccompProfile": {"type": "RuntimeDefault"}})
        );
    }

    #[test]
    fn copy_drops_labels_probes_and_changes_images() {
        let pod = json!({
            "metadata": {"name": "p", "namespace": "ns", "labels": {"a": "b"}},
            "spec": {"nodeName": "n", "containers": [
                {"name": "app", "image": "old", "livenessProbe": {"exec": {}}}]}
        });
        let copy = CopyRequest {
            name: "c".into(),
            set_images: vec![("*".into(), "new".into())],
            keep: Keep {
                init_containers: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut named = |_: &Value| "debugger-x".to_string();
        let (out, name) =
            pod_copy(&pod, &copy, &request(), Profile::General, None, &mut named).unwrap();
        assert_eq!(name, "debugger-x");
        assert!(out["metadata"].get("labels").is_none());
        assert!(out["spec"].get("nodeName").is_none());
        assert_eq!(out["spec"]["shareProcessNamespace"], json!(true));
        assert_eq!(
            out["spec"]["containers"][0],
            json!({"name": "app", "image": "new"})
        );
        assert_eq!(out["spec"]["containers"][1]["command"], json!(["sh"]));
        // Only images: nothing else changes, the labels stay.
        let (out, name) = pod_copy(
            &pod,
            &copy,
            &ContainerRequest::default(),
            Profile::General,
            None,
            &mut named,
        )
        .unwrap();
        assert_eq!(name, "");
        assert_eq!(out["metadata"]["labels"], json!({"a": "b"}));
    }

    #[test]
    fn custom_profile_merges_into_the_container() {
        let custom = parse_custom("env:\n- name: X\n  value: z\nbogus: 1\n").unwrap();
        assert!(!custom.contains_key("bogus"));
        assert!(!custom_sets_forbidden(&custom));
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}});
        let out =
            with_ephemeral_container(&pod, "d", &request(), "", Profile::Legacy, Some(&custom))
                .unwrap();
        assert_eq!(
            out["spec"]["ephemeralContainers"][0]["env"],
            json!([{"name": "X", "value": "z"}])
        );
        assert!(custom_sets_forbidden(
            &parse_custom("{\"image\": \"x\"}").unwrap()
        ));
    }
}

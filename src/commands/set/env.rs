//! `set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N`
//!
//! Adds, changes or removes environment variables of the containers in pod
//! templates (all containers, or those `-c` matches with `*` wildcards),
//! or lists them. `--env -` (or a lone `-`) reads `KEY=VALUE` lines from
//! standard input. Works on pods, replication controllers, deployments,
//! daemon sets, stateful sets, cron jobs and replica sets.
//!
//! Examples:
//!   # Give deployment registry a new variable
//!   kuddle set env deployment/registry STORAGE_DIR=/local
//!
//!   # List the variables of deployment sample-build, or of every pod
//!   kuddle set env deployment/sample-build --list
//!   kuddle set env pods --all --list
//!
//!   # Print the changed deployment without changing the server
//!   kuddle set env deployment/sample-build STORAGE_DIR=/data -o yaml --dry-run=client
//!
//!   # Set ENV=prod in every container of every replication controller
//!   kuddle set env rc --all ENV=prod
//!
//!   # Import a secret, a config map with a prefix, or some keys of it
//!   kuddle set env --from=secret/mysecret deployment/myapp
//!   kuddle set env --from=configmap/myconfigmap --prefix=MYSQL_ deployment/myapp
//!   kuddle set env --keys=my-example-key --from=configmap/myconfigmap deployment/myapp
//!
//!   # Remove ENV from container c1 of every deployment
//!   kuddle set env deployments --all --containers="c1" ENV-
//!
//!   # Set part of the local shell environment
//!   env | grep RAILS_ | kuddle set env -e - deployment/registry

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};

use anyhow::{bail, Result};
use clap::{ArgAction, Args};
use serde_json::{json, Map, Value};

use super::{
    check_local, patch_each, typed_infos, typed_object, ContainersFlag, SetCommonFlags,
    SetObjectFlags, Step,
};
use crate::client::parse_json;
use crate::context::{warning_line, warnings_in_color, Context};
use crate::flags::go_values::{go_bool, go_quote};
use crate::generate::validation::env_var_name_errors;
use crate::resource::infos::Info;
use crate::resource::podspec::{
    container_mut, container_resource_value, pod_spec_mut, select_containers, update_env,
};

#[derive(Args, Debug)]
pub struct EnvArgs {
    /// TYPE NAME… or TYPE/NAME…, then KEY=VALUE to set and KEY- to remove.
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,

    #[command(flatten)]
    pub containers: ContainersFlag,

    /// A KEY=VALUE variable to set (repeatable); `-` reads them from standard input.
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE", action = ArgAction::Append,
          allow_hyphen_values = true)]
    pub env: Vec<String>,

    /// A config map or secret (configmap/NAME, secret/NAME) whose keys become variables.
    #[arg(long, value_name = "RESOURCE", default_value = "")]
    pub from: String,

    /// Prefix for the names of the variables set.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,

    /// Only these keys of --from (comma-separated).
    #[arg(long, value_name = "KEYS", value_delimiter = ',', action = ArgAction::Append)]
    pub keys: Vec<String>,

    /// Print the variables (with the changes) instead of writing them.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub list: bool,

    /// With --list, show the values config maps, secrets and fields hold.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = go_bool, action = ArgAction::Set)]
    pub resolve: bool,

    /// Allow changing variables that are already set (on by default).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "true", value_parser = go_bool, action = ArgAction::Set)]
    pub overwrite: bool,

    #[command(flatten)]
    pub objects: SetObjectFlags,

    #[command(flatten)]
    pub common: SetCommonFlags,
}

/// A word that changes the environment: `KEY=VALUE` (a key of at least one
/// character) or `KEY-`.
fn is_env_argument(word: &str) -> bool {
    word.get(1..).is_some_and(|rest| rest.contains('=')) || word.ends_with('-')
}

/// The changes: variables to set (in order) and names to remove.
struct EnvChanges {
    env: Vec<Value>,
    remove: Vec<String>,
}

/// `ParseEnv`: `KEY=VALUE` (names checked), `KEY-`, and `-` for
/// `KEY=VALUE` lines on standard input (`#` starts a comment).
fn parse_env(specs: &[String], stdin: &mut dyn BufRead) -> Result<EnvChanges> {
    let mut env = Vec::new();
    let mut remove = Vec::new();
    let mut set_here: Vec<String> = Vec::new();
    for spec in specs {
        if spec == "-" {
            for line in stdin.lines() {
                let line = line?;
                let line = line.split('#').next().unwrap_or("");
                if let Some((k, v)) = line.split_once('=') {
                    env.push(json!({"name": k, "value": v}));
                }
            }
        } else if let Some((k, v)) = spec.split_once('=') {
            let errs = env_var_name_errors(k);
            if !errs.is_empty() {
                bail!(
                    "{} is not a valid key name: {}",
                    go_quote(k),
                    errs.join(";")
                );
            }
            set_here.push(k.to_string());
            env.push(json!({"name": k, "value": v}));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            bail!("unknown environment variable: {spec}");
        }
    }
    if remove.iter().any(|r| set_here.contains(r)) {
        bail!("can not both modify and remove the same environment variable in the same command");
    }
    Ok(EnvChanges { env, remove })
}

/// A key of a config map or secret as a variable name: upper case, other
/// characters than letters, digits and `_` made `_`.
fn key_to_env_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// `GetEnvVarRefString`: where a variable's value comes from.
fn ref_string(from: &Value) -> String {
    if let Some(r) = from.get("configMapKeyRef") {
        return format!("configmap {}, key {}", text(r, "/name"), text(r, "/key"));
    }
    if let Some(r) = from.get("secretKeyRef") {
        return format!("secret {}, key {}", text(r, "/name"), text(r, "/key"));
    }
    if let Some(r) = from.get("fieldRef") {
        return format!("field path {}", text(r, "/fieldPath"));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        let container = text(r, "/containerName");
        let prefix = if container.is_empty() {
            String::new()
        } else {
            format!("{container}/")
        };
        return format!("resource field {prefix}{}", text(r, "/resource"));
    }
    "invalid valueFrom".into()
}

/// `formatMap`: sorted `key="value"` lines.
fn format_map(map: Option<&Map<String, Value>>) -> String {
    let sorted: BTreeMap<&String, &str> = map
        .into_iter()
        .flatten()
        .map(|(k, v)| (k, v.as_str().unwrap_or("")))
        .collect();
    sorted
        .iter()
        .map(|(k, v)| format!("{k}={}", go_quote(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `extractFieldPathAsString` on the object that holds the template.
fn field_path_value(obj: &Value, path: &str) -> Result<String, String> {
    let meta = |k: &str| obj.pointer(&format!("/metadata/{k}"));
    if let Some(inner) = path.strip_suffix("']") {
        if let Some((base, key)) = inner.split_once("['") {
            if !base.is_empty() {
                let map = match base {
                    "metadata.annotations" => "annotations",
                    "metadata.labels" => "labels",
                    _ => {
                        return Err(format!(
                            "fieldPath {} does not support subscript",
                            go_quote(path)
                        ))
                    }
                };
                let checked = if map == "annotations" {
                    key.to_lowercase()
                } else {
                    key.to_string()
                };
                let errs = crate::generate::validation::qualified_name_errors(&checked);
                if !errs.is_empty() {
                    return Err(format!(
                        "invalid key subscript in {path}: {}",
                        errs.join(";")
                    ));
                }
                return Ok(meta(map)
                    .and_then(|m| m.get(key))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string());
            }
        }
    }
    let plain = |k: &str| meta(k).and_then(Value::as_str).unwrap_or("").to_string();
    match path {
        "metadata.annotations" => Ok(format_map(meta("annotations").and_then(Value::as_object))),
        "metadata.labels" => Ok(format_map(meta("labels").and_then(Value::as_object))),
        "metadata.name" => Ok(plain("name")),
        "metadata.namespace" => Ok(plain("namespace")),
        "metadata.uid" => Ok(plain("uid")),
        _ => Err(format!("unsupported fieldPath: {path}")),
    }
}

/// Config maps and secrets read for `--resolve`, once each.
struct RefStore {
    namespace: String,
    objects: HashMap<String, Value>,
}

impl RefStore {
    async fn data(
        &mut self,
        ctx: &mut Context,
        resource: &str,
        name: &str,
    ) -> Result<Value, String> {
        let key = format!("{resource}/{name}");
        if !self.objects.contains_key(&key) {
            let fetched = async {
                let conn = ctx.connection().await.map_err(|e| format!("{e:#}"))?;
                let path = format!(
                    "/api/v1/namespaces/{}/{resource}/{}",
                    crate::resource::mapper::path_escape(&self.namespace),
                    crate::resource::mapper::path_escape(name)
                );
                let body = conn
                    .client
                    .send(
                        http::Method::GET,
                        &path,
                        crate::client::ACCEPT_JSON,
                        None,
                        Vec::new(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                parse_json(&body).map_err(|e| e.to_string())
            }
            .await;
            // A failed read is tried again for the next reference, as Go's
            // store keeps only what it found.
            self.objects.insert(key.clone(), fetched?);
        }
        Ok(self.objects[&key].clone())
    }

    /// `GetEnvVarRefValue`.
    async fn resolve(
        &mut self,
        ctx: &mut Context,
        from: &Value,
        obj: &Value,
        container: &Value,
    ) -> Result<String, String> {
        if let Some(r) = from.get("secretKeyRef") {
            let (name, key) = (text(r, "/name"), text(r, "/key"));
            let secret = self.data(ctx, "secrets", name).await?;
            return match secret.pointer(&format!(
                "/data/{}",
                key.replace('~', "~0").replace('/', "~1")
            )) {
                Some(Value::String(b64)) => {
                    let bytes =
                        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)
                            .unwrap_or_default();
                    Ok(String::from_utf8_lossy(&bytes).into_owned())
                }
                _ => Err(format!("key {key} not found in secret {name}")),
            };
        }
        if let Some(r) = from.get("configMapKeyRef") {
            let (name, key) = (text(r, "/name"), text(r, "/key"));
            let cm = self.data(ctx, "configmaps", name).await?;
            return match cm.get("data").and_then(|d| d.get(key)) {
                Some(v) => Ok(v.as_str().unwrap_or("").to_string()),
                None => Err(format!("key {key} not found in config map {name}")),
            };
        }
        if let Some(r) = from.get("fieldRef") {
            return field_path_value(obj, text(r, "/fieldPath"));
        }
        if let Some(r) = from.get("resourceFieldRef") {
            return container_resource_value(r, container);
        }
        Err("invalid valueFrom".into())
    }
}

/// `KEY=VALUE` pairs from `--from`: every key of the config map's `data` or
/// the secret's `data` (sorted), as references to it.
fn env_from_objects(
    ctx: &mut Context,
    infos: Vec<Info>,
    keys: &[String],
    color: bool,
) -> Result<Vec<Value>> {
    let mut env = Vec::new();
    for info in infos {
        let obj = &info.object;
        let (reference, data) = match (obj.get("apiVersion"), obj.get("kind")) {
            (Some(v), Some(k)) if v == "v1" && k == "Secret" => ("secretKeyRef", "data"),
            (Some(v), Some(k)) if v == "v1" && k == "ConfigMap" => ("configMapKeyRef", "data"),
            _ => bail!("unsupported resource specified in --from"),
        };
        let name = text(obj, "/metadata/name");
        let mut found: Vec<&String> = obj
            .get(data)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        found.sort();
        for key in found {
            if !keys.is_empty() && !keys.contains(key) {
                continue;
            }
            let env_name = key_to_env_name(key);
            if &env_name != key {
                let line = warning_line(&format!("key {key} transferred to {env_name}"), color);
                ctx.err.write_all(line.as_bytes())?;
            }
            env.push(json!({
                "name": env_name,
                "valueFrom": {reference: {"name": name, "key": key}},
            }));
        }
    }
    Ok(env)
}

pub async fn run(ctx: &mut Context, args: EnvArgs) -> Result<()> {
    // complete
    args.objects.check_all_and_selector()?;
    let split = args.args.iter().position(|a| is_env_argument(a));
    let (resources, env_args) = args.args.split_at(split.unwrap_or(args.args.len()));
    if env_args.iter().any(|a| !is_env_argument(a)) {
        bail!(
            "all resources must be specified before environment changes: {}",
            args.args.join(" ")
        );
    }
    let mut resolved = args.common.resolve(ctx)?;
    let namespace = ctx.namespace()?.0;
    // validate
    let local = args.objects.local.local;
    check_local(local, resolved.dry_run)?;
    if args.objects.files.filenames.is_empty() && resources.is_empty() {
        bail!("one or more resources must be specified as <resource> <name> or <resource>/<name>");
    }
    if args.list && args.common.has_output() {
        bail!("--list and --output may not be specified together");
    }
    if !args.keys.is_empty() && args.from.is_empty() {
        bail!("when specifying --keys, a configmap or secret must be provided with --from");
    }
    // run
    let specs: Vec<String> = args.env.iter().chain(env_args).cloned().collect();
    let mut changes = {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        parse_env(&specs, &mut lock)?
    };
    if specs.iter().any(|s| s == "-") && args.objects.files.filenames.iter().any(|f| f == "-") {
        bail!("standard input cannot be used for multiple arguments");
    }
    let color = warnings_in_color();
    if !args.from.is_empty() {
        let from = [args.from.clone()];
        let infos = typed_infos(ctx, &args.objects.query(&from)).await?;
        let keys: Vec<String> = args
            .keys
            .iter()
            .filter(|k| !k.is_empty())
            .cloned()
            .collect();
        changes
            .env
            .extend(env_from_objects(ctx, infos, &keys, color)?);
    }
    if !args.prefix.is_empty() {
        for e in &mut changes.env {
            let name = format!("{}{}", args.prefix, text(e, "/name"));
            e["name"] = Value::String(name);
        }
    }
    let infos = typed_infos(ctx, &args.objects.query(resources)).await?;
    let edit = EnvEdit {
        containers: &args.containers.containers,
        changes: &changes,
        overwrite: args.overwrite,
        color,
    };
    if args.list {
        let mut store = RefStore {
            namespace,
            objects: HashMap::new(),
        };
        for info in infos {
            // kubectl reports nothing but the listing (and resolution
            // errors on stderr) when listing.
            let _ = list_one(ctx, &info, &edit, args.resolve.then_some(&mut store)).await;
        }
        return Ok(());
    }
    let nothing_given = changes.env.is_empty() && env_args.is_empty();
    let step = Step {
        operation: "env updated",
        failure: "failed to patch env update to pod template: ",
        skip_unchanged: true,
        fail_after_write: nothing_given
            .then_some("at least one environment variable must be provided"),
    };
    // Warnings go out as each object is changed, before any result.
    let mut err = ctx.err.clone();
    patch_each(ctx, infos, &mut resolved, local, &step, |obj, _| {
        let mut warnings = Vec::new();
        let changed = edit.apply(obj, &mut warnings);
        for w in &warnings {
            err.write_all(warning_line(w, edit.color).as_bytes())?;
        }
        changed.map(|_| true)
    })
    .await
}

/// What `set env` does to each selected container.
struct EnvEdit<'a> {
    containers: &'a str,
    changes: &'a EnvChanges,
    overwrite: bool,
    color: bool,
}

impl EnvEdit<'_> {
    /// Changes the object's containers; a warning when none matches.
    fn apply(
        &self,
        obj: &mut Value,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(&'static str, usize)>> {
        let kind = text(obj, "/kind").to_string();
        let name = text(obj, "/metadata/name").to_string();
        let spec = pod_spec_mut(obj).map_err(anyhow::Error::msg)?;
        // Regular containers first, then init containers.
        let chosen = select_containers(spec, self.containers);
        if chosen.is_empty() {
            warnings.push(format!(
                "{kind}/{name} does not have any containers matching {}",
                go_quote(self.containers)
            ));
            return Ok(chosen);
        }
        for &index in &chosen {
            let Some(container) = container_mut(spec, index) else {
                continue;
            };
            let existing: Vec<Value> = container
                .get("env")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !self.overwrite {
                for e in &self.changes.env {
                    let current = existing
                        .iter()
                        .find(|x| text(x, "/name") == text(e, "/name"));
                    if let Some(current) = current {
                        if text(current, "/value") != text(e, "/value") {
                            bail!(
                                "'{}' already has a value ({}), and --overwrite is false",
                                text(current, "/name"),
                                text(current, "/value")
                            );
                        }
                    }
                }
            }
            let updated = update_env(&existing, &self.changes.env, &self.changes.remove);
            container.insert("env".into(), Value::Array(updated));
        }
        Ok(chosen)
    }
}

/// `--list`: each selected container's variables after the change.
async fn list_one(
    ctx: &mut Context,
    info: &Info,
    edit: &EnvEdit<'_>,
    mut store: Option<&mut RefStore>,
) -> Result<()> {
    let mut obj = typed_object(&info.object)?;
    let mut warnings = Vec::new();
    let chosen = edit.apply(&mut obj, &mut warnings);
    for w in &warnings {
        ctx.err.write_all(warning_line(w, edit.color).as_bytes())?;
    }
    let chosen = chosen?;
    let kind = text(&obj, "/kind").to_string();
    let name = text(&obj, "/metadata/name").to_string();
    let template_owner = obj.clone();
    let spec = pod_spec_mut(&mut obj).map_err(anyhow::Error::msg)?;
    for index in chosen {
        let Some(container) = container_mut(spec, index) else {
            continue;
        };
        let container = Value::Object(container.clone());
        writeln!(
            ctx.out,
            "# {kind} {name}, container {}",
            text(&container, "/name")
        )?;
        let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in container
            .get("env")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ename = text(e, "/name");
            let Some(from) = e.get("valueFrom") else {
                writeln!(ctx.out, "{ename}={}", text(e, "/value"))?;
                continue;
            };
            let resolved = match store.as_deref_mut() {
                None => None,
                Some(store) => Some(store.resolve(ctx, from, &template_owner, &container).await),
            };
            match resolved {
                Some(Ok(value)) => writeln!(ctx.out, "{ename}={value}")?,
                other => {
                    writeln!(ctx.out, "# {ename} from {}", ref_string(from))?;
                    if let Some(Err(e)) = other {
                        failures.entry(e).or_default().push(ename.to_string());
                    }
                }
            }
        }
        let mut lines: Vec<String> = failures
            .into_iter()
            .map(|(err, mut vars)| {
                vars.sort();
                format!("error retrieving reference for {}: {err}", vars.join(", "))
            })
            .collect();
        lines.sort();
        for line in lines {
            writeln!(ctx.err, "{line}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn environment_arguments() {
        assert!(is_env_argument("A=1"));
        assert!(is_env_argument("A-"));
        assert!(is_env_argument("-"));
        assert!(!is_env_argument("=x"));
        assert!(!is_env_argument("deploy/web"));
        let mut stdin = std::io::Cursor::new("X=1 # comment\n# only\nY=a=b\nnothing\n");
        let c = parse_env(&words("A=1 - B-"), &mut stdin).unwrap();
        assert_eq!(
            c.env,
            vec![
                json!({"name": "A", "value": "1"}),
                json!({"name": "X", "value": "1 "}),
                json!({"name": "Y", "value": "a=b"})
            ]
        );
        assert_eq!(c.remove, ["B"]);
        let mut empty = std::io::Cursor::new("");
        assert_eq!(
            parse_env(&words("A=1 A-"), &mut empty)
                .err()
                .unwrap()
                .to_string(),
            "can not both modify and remove the same environment variable in the same command"
        );
        assert!(parse_env(&words("1A=x"), &mut empty)
            .err()
            .unwrap()
            .to_string()
            .starts_with("\"1A\" is not a valid key name: a valid environment variable name"));
    }

    #[test]
    fn references() {
        assert_eq!(key_to_env_name("my-key.x"), "MY_KEY_X");
        assert_eq!(
            ref_string(&json!({"secretKeyRef": {"name": "s", "key": "k"}})),
            "secret s, key k"
        );
        assert_eq!(
            ref_string(
                &json!({"resourceFieldRef": {"containerName": "c", "resource": "limits.cpu"}})
            ),
            "resource field c/limits.cpu"
        );
        let obj = json!({"metadata": {"name": "web", "labels": {"b": "2", "a": "1"}}});
        assert_eq!(
            field_path_value(&obj, "metadata.labels").unwrap(),
            "a=\"1\"\nb=\"2\""
        );
        assert_eq!(field_path_value(&obj, "metadata.labels['a']").unwrap(), "1");
        assert_eq!(
            field_path_value(&obj, "spec.x").unwrap_err(),
            "unsupported fieldPath: spec.x"
        );
    }
}

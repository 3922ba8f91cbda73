//! `config set` and `config unset` property paths (`clusters.prod.server`),
//! walked the way kubectl walks them: by the JSON names of client-go's
//! internal `clientcmd/api` types (so `users.u.act-as`, not `as`), with map
//! keys that may contain dots (a key runs until a word that names a field of
//! the map's values), and kubectl's errors, Go `%v` dumps and all.
//!
//! Some paths crash kubectl (a Go panic, exit code 2): a step into an
//! extension map, or setting the `exec` or `auth-provider` pointer itself.
//! They come back as [`PropertyError::Panic`] with the panic's first line.

use std::collections::BTreeMap;

use serde_json::Value;

use super::base64;
use super::model::{AuthInfo, Cluster, Config, Context, Extensions, Preferences};
use super::modify::Touched;

/// The types a path walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Config,
    Preferences,
    Cluster,
    AuthInfo,
    Context,
    Str,
    Bool,
    Bytes,
    /// `[]string` (`act-as-groups`).
    Strings,
    /// `map[string][]string` (`act-as-user-extra`).
    StringsMap,
    /// `map[string]runtime.Object` (`extensions`).
    ObjectMap,
    ClusterMap,
    AuthInfoMap,
    ContextMap,
    /// `*ExecConfig`, `*AuthProviderConfig`.
    ExecPtr,
    AuthProviderPtr,
}

impl Ty {
    /// The fields of a struct type by JSON name (`-` is the location of
    /// origin, which has no JSON name).
    fn fields(self) -> Option<&'static [(&'static str, Ty)]> {
        use Ty::*;
        Some(match self {
            Config => &[
                ("kind", Str),
                ("apiVersion", Str),
                ("preferences", Preferences),
                ("clusters", ClusterMap),
                ("users", AuthInfoMap),
                ("contexts", ContextMap),
                ("current-context", Str),
                ("extensions", ObjectMap),
            ],
            Preferences => &[("colors", Bool), ("extensions", ObjectMap)],
            Cluster => &[
                ("-", Str),
                ("server", Str),
                ("tls-server-name", Str),
                ("insecure-skip-tls-verify", Bool),
                ("certificate-authority", Str),
                ("certificate-authority-data", Bytes),
                ("proxy-url", Str),
                ("disable-compression", Bool),
                ("extensions", ObjectMap),
            ],
            AuthInfo => &[
                ("-", Str),
                ("client-certificate", Str),
                ("client-certificate-data", Bytes),
                ("client-key", Str),
                ("client-key-data", Bytes),
                ("token", Str),
                ("tokenFile", Str),
                ("act-as", Str),
                ("act-as-uid", Str),
                ("act-as-groups", Strings),
                ("act-as-user-extra", StringsMap),
                ("username", Str),
                ("password", Str),
                ("auth-provider", AuthProviderPtr),
                ("exec", ExecPtr),
                ("extensions", ObjectMap),
            ],
            Context => &[
                ("-", Str),
                ("cluster", Str),
                ("user", Str),
                ("namespace", Str),
                ("extensions", ObjectMap),
            ],
            _ => return None,
        })
    }

    fn field(self, name: &str) -> Option<Ty> {
        self.fields()?
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// Go's name of the type, as `reflect.Type` prints it.
    fn go_name(self) -> &'static str {
        match self {
            Ty::Config => "api.Config",
            Ty::Preferences => "api.Preferences",
            Ty::Cluster => "api.Cluster",
            Ty::AuthInfo => "api.AuthInfo",
            Ty::Context => "api.Context",
            _ => "",
        }
    }
}

/// Why a path could not be set or unset.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyError {
    /// kubectl's error message.
    Message(String),
    /// kubectl crashes with this panic message (exit code 2).
    Panic(String),
}

impl From<String> for PropertyError {
    fn from(s: String) -> PropertyError {
        PropertyError::Message(s)
    }
}

/// A parsed path: each step's name and the type it leads to.
#[derive(Debug, Clone)]
pub struct Steps(Vec<(String, Ty)>);

/// A made-up address for Go's pointer dumps (tests mask them).
const FAKE_POINTER: u64 = 0xc000100000;

impl Steps {
    /// kubectl's `newNavigationSteps`.
    pub fn parse(path: &str) -> Result<Steps, PropertyError> {
        let parts: Vec<&str> = path.split('.').collect();
        let mut steps: Vec<(String, Ty)> = Vec::new();
        let mut ty = Ty::Config;
        let mut i = 0;
        while i < parts.len() {
            match ty {
                Ty::ClusterMap
                | Ty::AuthInfoMap
                | Ty::ContextMap
                | Ty::StringsMap
                | Ty::ObjectMap => {
                    let value = match ty {
                        Ty::ClusterMap => Ty::Cluster,
                        Ty::AuthInfoMap => Ty::AuthInfo,
                        Ty::ContextMap => Ty::Context,
                        Ty::StringsMap => {
                            return Err("string is not of type struct".to_string().into())
                        }
                        _ => {
                            return Err(PropertyError::Panic(
                                "reflect: Elem of invalid type runtime.Object".into(),
                            ))
                        }
                    };
                    let name = name_step(&parts[i..], value);
                    i += name.split('.').count();
                    steps.push((name, value));
                    ty = value;
                }
                Ty::Config | Ty::Preferences | Ty::Cluster | Ty::AuthInfo | Ty::Context => {
                    let part = parts[i];
                    let Some(field) = ty.field(part) else {
                        return Err(format!(
                            "unable to parse {path} after {} at {}",
                            go_steps(&steps),
                            ty.go_name()
                        )
                        .into());
                    };
                    steps.push((part.to_string(), field));
                    i += 1;
                    ty = field;
                }
                _ => {
                    return Err(
                        format!("unable to parse one or more field values of {path}").into(),
                    )
                }
            }
        }
        Ok(Steps(steps))
    }
}

/// A map key runs until the first later part that names a field of the
/// map's values, or to the end.
fn name_step(parts: &[&str], value: Ty) -> String {
    let known = parts[1..]
        .iter()
        .position(|p| value.field(p).is_some())
        .map(|i| i + 1)
        .unwrap_or(parts.len());
    parts[..known].join(".")
}

/// Go's `%v` of the steps so far: `[{preferences 0xc000100000}]`.
fn go_steps(steps: &[(String, Ty)]) -> String {
    let items: Vec<String> = steps
        .iter()
        .map(|(name, _)| format!("{{{name} {FAKE_POINTER:#x}}}"))
        .collect();
    format!("[{}]", items.join(" "))
}

/// What to do at the end of the path.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Set to this text (base64 for byte fields unless `raw_bytes`).
    Set {
        value: &'a str,
        raw_bytes: bool,
    },
    Unset,
}

impl Action<'_> {
    fn is_unset(&self) -> bool {
        matches!(self, Action::Unset)
    }
}

/// kubectl's `modifyConfig`: applies `action` at the end of `steps`.
/// Entries whose map fields an unset replaced are noted in `touched`.
pub fn apply(
    config: &mut Config,
    steps: &Steps,
    action: Action,
    touched: &mut Touched,
) -> Result<(), PropertyError> {
    let steps = &steps.0;
    let Some((field, _)) = steps.first() else {
        return Err(locate_error("").into());
    };
    let rest = &steps[1..];
    let last = rest.is_empty();
    match field.as_str() {
        // Not written back by kubectl: setting them changes nothing.
        "kind" | "apiVersion" | "extensions" if last && action.is_unset() => Ok(()),
        "kind" | "apiVersion" => Ok(()),
        "extensions" => Err(map_error(&go_object_map(&config.extensions)).into()),
        "current-context" => {
            config.current_context = match action {
                Action::Set { value, .. } => value.to_string(),
                Action::Unset => String::new(),
            };
            Ok(())
        }
        "preferences" => {
            if last && action.is_unset() {
                config.preferences = Preferences::default();
                return Ok(());
            }
            apply_preferences(&mut config.preferences, rest, action, touched)
        }
        "clusters" | "users" | "contexts" if last && action.is_unset() => {
            match field.as_str() {
                "clusters" => config.clusters.clear(),
                "users" => config.auth_infos.clear(),
                _ => config.contexts.clear(),
            }
            Ok(())
        }
        "clusters" => apply_map(&mut config.clusters, rest, action, |c, steps, a, t| {
            apply_cluster(c, steps, a, t)
        })
        .map(|name| mark(&mut touched.clusters, name)),
        "users" => apply_map(&mut config.auth_infos, rest, action, |u, steps, a, t| {
            apply_auth_info(u, steps, a, t)
        })
        .map(|name| mark(&mut touched.auth_infos, name)),
        "contexts" => apply_map(&mut config.contexts, rest, action, |c, steps, a, t| {
            apply_context(c, steps, a, t)
        })
        .map(|name| mark(&mut touched.contexts, name)),
        _ => Err(locate_error(field).into()),
    }
}

fn mark(set: &mut std::collections::BTreeSet<String>, name: Option<String>) {
    if let Some(name) = name {
        set.insert(name);
    }
}

/// The start of `unable to locate path …`, for a step that names no field
/// of a struct (in practice only the empty step after `preferences`).
fn locate_error(step: &str) -> String {
    format!(
        "unable to locate path config.navigationStep{{stepValue:{}, stepType:reflect.Type(nil)}} under",
        go_quote(step)
    )
}

fn map_error(dump: &str) -> String {
    format!("can't set a map to a value: {dump}")
}

/// A named map (clusters, users, contexts): `rest` starts with the key.
/// Returns the key when the entry's map fields were replaced by an unset.
fn apply_map<T: Default>(
    map: &mut BTreeMap<String, T>,
    rest: &[(String, Ty)],
    action: Action,
    entry: impl FnOnce(&mut T, &[(String, Ty)], Action, &mut bool) -> Result<(), PropertyError>,
) -> Result<Option<String>, PropertyError> {
    let Some((key, _)) = rest.first() else {
        return Err(map_error(&go_pointer_map(map)).into());
    };
    let rest = &rest[1..];
    if rest.is_empty() {
        if action.is_unset() {
            map.remove(key);
            return Ok(None);
        }
        return Err(map_error(&go_pointer_map(map)).into());
    }
    if !map.contains_key(key) {
        if action.is_unset() {
            return Err(format!("current map key `{key}` is invalid").into());
        }
        map.insert(key.clone(), T::default());
    }
    let mut touched = false;
    if let Some(value) = map.get_mut(key) {
        entry(value, rest, action, &mut touched)?;
    }
    Ok(touched.then(|| key.clone()))
}

/// Go's `%v` of a map of entries: their pointers.
fn go_pointer_map<T>(map: &BTreeMap<String, T>) -> String {
    let items: Vec<String> = map
        .keys()
        .enumerate()
        .map(|(i, k)| format!("{k}:{:#x}", FAKE_POINTER + 0x100 * i as u64))
        .collect();
    format!("map[{}]", items.join(" "))
}

/// The field `rest` starts with (parsing made sure it is one).
fn first_field(rest: &[(String, Ty)]) -> &str {
    rest.first().map(|(name, _)| name.as_str()).unwrap_or("")
}

fn apply_preferences(
    p: &mut Preferences,
    rest: &[(String, Ty)],
    action: Action,
    touched: &mut Touched,
) -> Result<(), PropertyError> {
    let Some((name, _)) = rest.first() else {
        return Err(format!(
            "{} {{{} {}}}",
            locate_error(""),
            p.colors,
            go_object_map(&p.extensions)
        )
        .into());
    };
    match (name.as_str(), action) {
        ("colors", Action::Unset) => p.colors = false,
        ("colors", Action::Set { value, .. }) => p.colors = to_bool(value)?,
        ("extensions", Action::Unset) => {
            // Go's nil map becomes an empty one (or the other way round).
            if p.extensions.is_empty() {
                touched.preferences = true;
            }
            p.extensions.clear();
        }
        ("extensions", Action::Set { .. }) => {
            return Err(map_error(&go_object_map(&p.extensions)).into())
        }
        _ => return Err(locate_error(name).into()),
    }
    Ok(())
}

fn apply_cluster(
    c: &mut Cluster,
    rest: &[(String, Ty)],
    action: Action,
    touched: &mut bool,
) -> Result<(), PropertyError> {
    match first_field(rest) {
        "-" => set_str(&mut c.location_of_origin, action),
        "server" => set_str(&mut c.server, action),
        "tls-server-name" => set_str(&mut c.tls_server_name, action),
        "insecure-skip-tls-verify" => set_bool(&mut c.insecure_skip_tls_verify, action),
        "certificate-authority" => set_str(&mut c.certificate_authority, action),
        "certificate-authority-data" => set_bytes(&mut c.certificate_authority_data, action),
        "proxy-url" => set_str(&mut c.proxy_url, action),
        "disable-compression" => set_bool(&mut c.disable_compression, action),
        "extensions" => set_extensions(&mut c.extensions, action, touched),
        other => Err(locate_error(other).into()),
    }
}

fn apply_auth_info(
    u: &mut AuthInfo,
    rest: &[(String, Ty)],
    action: Action,
    touched: &mut bool,
) -> Result<(), PropertyError> {
    match first_field(rest) {
        "-" => set_str(&mut u.location_of_origin, action),
        "client-certificate" => set_str(&mut u.client_certificate, action),
        "client-certificate-data" => set_bytes(&mut u.client_certificate_data, action),
        "client-key" => set_str(&mut u.client_key, action),
        "client-key-data" => set_bytes(&mut u.client_key_data, action),
        "token" => set_str(&mut u.token, action),
        "tokenFile" => set_str(&mut u.token_file, action),
        "act-as" => set_str(&mut u.impersonate, action),
        "act-as-uid" => set_str(&mut u.impersonate_uid, action),
        "act-as-groups" => match action {
            Action::Unset => {
                u.impersonate_groups.clear();
                Ok(())
            }
            Action::Set { .. } => Err("unrecognized slice type. string".to_string().into()),
        },
        "act-as-user-extra" => match action {
            Action::Unset => {
                *touched = true;
                u.impersonate_user_extra.clear();
                Ok(())
            }
            Action::Set { .. } => {
                Err(map_error(&go_strings_map(&u.impersonate_user_extra)).into())
            }
        },
        "username" => set_str(&mut u.username, action),
        "password" => set_str(&mut u.password, action),
        "auth-provider" => match action {
            Action::Unset => {
                u.auth_provider = None;
                Ok(())
            }
            Action::Set { .. } => Err(PropertyError::Panic(format!(
                "unrecognized type: {}",
                match &u.auth_provider {
                    None => "<nil>".to_string(),
                    Some(p) => format!(
                        "api.AuthProviderConfig{{Name: {}, Config: map[string]string{{{}}}}}",
                        go_quote(&p.name),
                        if p.config.is_some() {
                            "--- REDACTED ---"
                        } else {
                            "<nil>"
                        }
                    ),
                }
            ))),
        },
        "exec" => match action {
            Action::Unset => {
                u.exec = None;
                Ok(())
            }
            Action::Set { .. } => Err(PropertyError::Panic(format!(
                "unrecognized type: {}",
                match &u.exec {
                    None => "<nil>".to_string(),
                    Some(e) => format!(
                        "api.ExecConfig{{Command: {}, Args: {}, Env: {}, APIVersion: {}, ProvideClusterInfo: {}, Config: runtime.Object(nil), StdinUnavailable: false}}",
                        go_quote(&e.command),
                        if e.args.as_ref().is_some_and(|a| !a.is_empty()) {
                            "[]string{\"--- REDACTED ---\"}"
                        } else {
                            "[]string(nil)"
                        },
                        if e.env.as_ref().is_some_and(|a| !a.is_empty()) {
                            "[]ExecEnvVar{--- REDACTED ---}"
                        } else {
                            "[]ExecEnvVar(nil)"
                        },
                        go_quote(&e.api_version),
                        e.provide_cluster_info
                    ),
                }
            ))),
        },
        "extensions" => set_extensions(&mut u.extensions, action, touched),
        other => Err(locate_error(other).into()),
    }
}

fn apply_context(
    c: &mut Context,
    rest: &[(String, Ty)],
    action: Action,
    touched: &mut bool,
) -> Result<(), PropertyError> {
    match first_field(rest) {
        "-" => set_str(&mut c.location_of_origin, action),
        "cluster" => set_str(&mut c.cluster, action),
        "user" => set_str(&mut c.auth_info, action),
        "namespace" => set_str(&mut c.namespace, action),
        "extensions" => set_extensions(&mut c.extensions, action, touched),
        other => Err(locate_error(other).into()),
    }
}

fn set_str(field: &mut String, action: Action) -> Result<(), PropertyError> {
    *field = match action {
        Action::Set { value, .. } => value.to_string(),
        Action::Unset => String::new(),
    };
    Ok(())
}

fn set_bool(field: &mut bool, action: Action) -> Result<(), PropertyError> {
    *field = match action {
        Action::Set { value, .. } => to_bool(value)?,
        Action::Unset => false,
    };
    Ok(())
}

/// kubectl's `toBool`: empty is false, else Go's `strconv.ParseBool`.
fn to_bool(value: &str) -> Result<bool, PropertyError> {
    if value.is_empty() {
        return Ok(false);
    }
    crate::flags::go_values::go_bool(value).map_err(PropertyError::Message)
}

fn set_bytes(field: &mut Vec<u8>, action: Action) -> Result<(), PropertyError> {
    *field = match action {
        Action::Unset => Vec::new(),
        Action::Set {
            value,
            raw_bytes: true,
        } => value.as_bytes().to_vec(),
        Action::Set { value, .. } => base64::decode_std(value.as_bytes()).map_err(|at| {
            format!("error decoding input value: illegal base64 data at input byte {at}")
        })?,
    };
    Ok(())
}

/// Unsetting an entry's extensions replaces Go's empty map by nil: a change
/// for client-go even when there were none.
fn set_extensions(
    field: &mut Extensions,
    action: Action,
    touched: &mut bool,
) -> Result<(), PropertyError> {
    match action {
        Action::Unset => {
            *touched = true;
            field.clear();
            Ok(())
        }
        Action::Set { .. } => Err(map_error(&go_object_map(field)).into()),
    }
}

fn go_quote(s: &str) -> String {
    crate::printers::gofmt::quote(s)
}

/// Go's `%v` of `map[string][]string`.
fn go_strings_map(map: &BTreeMap<String, Option<Vec<String>>>) -> String {
    let items: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}:[{}]", v.as_deref().unwrap_or_default().join(" ")))
        .collect();
    format!("map[{}]", items.join(" "))
}

/// Go's `%v` of an extension map: each value a `*runtime.Unknown` holding
/// the extension's JSON, or `<nil>`.
fn go_object_map(map: &Extensions) -> String {
    let items: Vec<String> = map
        .iter()
        .map(|(k, v)| match v {
            None | Some(Value::Null) => format!("{k}:<nil>"),
            Some(v) => {
                let raw = crate::printers::json::to_string_compact(v);
                let bytes: Vec<String> = raw.bytes().map(|b| b.to_string()).collect();
                format!(
                    "{k}:&Unknown{{TypeMeta:TypeMeta{{APIVersion:,Kind:,}},Raw:*[{}],ContentEncoding:,ContentType:application/json,}}",
                    bytes.join(" ")
                )
            }
        })
        .collect();
    format!("map[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(path: &str) -> PropertyError {
        Steps::parse(path).unwrap_err()
    }

    fn msg(s: &str) -> PropertyError {
        PropertyError::Message(s.to_string())
    }

    #[test]
    fn map_keys_may_hold_dots() {
        let steps = Steps::parse("clusters.10.0.0.1.server").unwrap();
        let names: Vec<&str> = steps.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["clusters", "10.0.0.1", "server"]);
        // `as` is not a field name (the internal type says `act-as`).
        let steps = Steps::parse("users.admin.as").unwrap();
        assert_eq!(steps.0[1].0, "admin.as");
    }

    #[test]
    fn parse_errors_in_kubectl_words() {
        assert_eq!(
            parse_err("x"),
            msg("unable to parse x after [] at api.Config")
        );
        assert_eq!(
            parse_err("preferences.foo"),
            msg("unable to parse preferences.foo after [{preferences 0xc000100000}] at api.Preferences")
        );
        assert_eq!(
            parse_err("users.a.exec.command"),
            msg("unable to parse one or more field values of users.a.exec.command")
        );
        assert_eq!(
            parse_err("users.a.act-as-user-extra.k"),
            msg("string is not of type struct")
        );
        assert!(matches!(parse_err("extensions.x"), PropertyError::Panic(_)));
    }

    fn run(config: &mut Config, path: &str, action: Action) -> Result<Touched, PropertyError> {
        let mut touched = Touched::default();
        apply(config, &Steps::parse(path)?, action, &mut touched)?;
        Ok(touched)
    }

    fn set(value: &str) -> Action<'_> {
        Action::Set {
            value,
            raw_bytes: false,
        }
    }

    #[test]
    fn set_and_unset_fields() {
        let mut c = Config::default();
        run(&mut c, "clusters.a.b.server", set("https://x")).unwrap();
        assert_eq!(c.clusters["a.b"].server, "https://x");
        run(
            &mut c,
            "clusters.a.b.certificate-authority-data",
            set("dmFs"),
        )
        .unwrap();
        assert_eq!(c.clusters["a.b"].certificate_authority_data, b"val");
        assert_eq!(
            run(&mut c, "clusters.a.b.insecure-skip-tls-verify", set("x")).unwrap_err(),
            msg("strconv.ParseBool: parsing \"x\": invalid syntax")
        );
        assert_eq!(
            run(&mut c, "clusters.a.b", set("x")).unwrap_err(),
            msg("can't set a map to a value: map[a.b:0xc000100000]")
        );
        let touched = run(&mut c, "clusters.a.b.extensions", Action::Unset).unwrap();
        assert!(touched.clusters.contains("a.b"));
        assert_eq!(
            run(&mut c, "users.nope.token", Action::Unset).unwrap_err(),
            msg("current map key `nope` is invalid")
        );
        run(&mut c, "clusters.a.b", Action::Unset).unwrap();
        assert!(c.clusters.is_empty());
        assert_eq!(
            run(&mut c, "users.u.exec", set("x")).unwrap_err(),
            PropertyError::Panic("unrecognized type: <nil>".into())
        );
        assert_eq!(
            run(&mut c, "users.u.client-key-data", set("@@")).unwrap_err(),
            msg("error decoding input value: illegal base64 data at input byte 0")
        );
    }
}

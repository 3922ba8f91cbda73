//! kuddle's version and the server's in kubectl's `version.Info` layout:
//! shared by `version` and the `--match-server-version` check.

use serde_json::{Map, Value};

use crate::flags::go_values::go_quote;

/// The kubectl release whose behaviour kuddle reproduces.
pub const KUBECTL_MAJOR: &str = "1";
pub const KUBECTL_MINOR: &str = "37";
pub const KUBECTL_VERSION: &str = "v1.37.1";

/// kuddle's version in kubectl's `version.Info` layout.
///
/// Release builds may stamp `KUDDLE_GIT_COMMIT`, `KUDDLE_GIT_TREE_STATE`
/// and `SOURCE_DATE_EPOCH` into the binary; without them the fields hold
/// what an unstamped Kubernetes build prints (empty commit and tree state,
/// the Unix epoch).
pub fn client_info() -> Map<String, Value> {
    let build_date = option_env!("SOURCE_DATE_EPOCH")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let fields = [
        ("major", KUBECTL_MAJOR.to_string()),
        ("minor", KUBECTL_MINOR.to_string()),
        (
            "gitVersion",
            format!("{KUBECTL_VERSION}+kuddle.{}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "gitCommit",
            option_env!("KUDDLE_GIT_COMMIT").unwrap_or("").to_string(),
        ),
        (
            "gitTreeState",
            option_env!("KUDDLE_GIT_TREE_STATE")
                .unwrap_or("")
                .to_string(),
        ),
        ("buildDate", build_date),
        (
            "goVersion",
            format!("rustc {}", env!("KUDDLE_RUSTC_VERSION")),
        ),
        ("compiler", "rustc".to_string()),
        (
            "platform",
            format!("{}/{}", std::env::consts::OS, crate::client::go_arch()),
        ),
    ];
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect()
}

/// The server's `/version` as kubectl's `version.Info` holds it: its fields
/// in struct order, the four emulation fields only when set.
pub fn server_info(body: &Value) -> Map<String, Value> {
    const FIELDS: [(&str, bool); 13] = [
        ("major", false),
        ("minor", false),
        ("emulationMajor", true),
        ("emulationMinor", true),
        ("minCompatibilityMajor", true),
        ("minCompatibilityMinor", true),
        ("gitVersion", false),
        ("gitCommit", false),
        ("gitTreeState", false),
        ("buildDate", false),
        ("goVersion", false),
        ("compiler", false),
        ("platform", false),
    ];
    let mut info = Map::new();
    for (key, omit_empty) in FIELDS {
        let value = body.get(key).and_then(Value::as_str).unwrap_or_default();
        if omit_empty && value.is_empty() {
            continue;
        }
        info.insert(key.to_string(), Value::String(value.to_string()));
    }
    info
}

/// Go's `%#v` of a `version.Info` (every field, in struct order), as
/// kubectl's `--match-server-version` error shows both versions.
pub fn go_syntax(info: &Map<String, Value>) -> String {
    const FIELDS: [(&str, &str); 13] = [
        ("Major", "major"),
        ("Minor", "minor"),
        ("EmulationMajor", "emulationMajor"),
        ("EmulationMinor", "emulationMinor"),
        ("MinCompatibilityMajor", "minCompatibilityMajor"),
        ("MinCompatibilityMinor", "minCompatibilityMinor"),
        ("GitVersion", "gitVersion"),
        ("GitCommit", "gitCommit"),
        ("GitTreeState", "gitTreeState"),
        ("BuildDate", "buildDate"),
        ("GoVersion", "goVersion"),
        ("Compiler", "compiler"),
        ("Platform", "platform"),
    ];
    let fields: Vec<String> = FIELDS
        .iter()
        .map(|(go, json)| {
            let value = info.get(*json).and_then(Value::as_str).unwrap_or("");
            format!("{go}:{}", go_quote(value))
        })
        .collect();
    format!("version.Info{{{}}}", fields.join(", "))
}

/// kubectl's `--match-server-version` refusal, or None when the server's
/// `/version` is the client's to the field.
pub fn mismatch(server_body: &Value) -> Option<String> {
    // Every field counts, as in kubectl's DeepEqual: compare Go's rendering.
    let server = go_syntax(&server_info(server_body));
    let client = go_syntax(&client_info());
    (server != client)
        .then(|| format!("server version (&{server}) differs from client version ({client})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_version_in_gos_syntax_differs_from_kuddles() {
        let body = serde_json::json!({"major": "1", "minor": "37", "gitVersion": "v1.37.2",
            "gitTreeState": "clean", "compiler": "gc", "platform": "linux/amd64"});
        let text = mismatch(&body).unwrap();
        assert!(text.starts_with("server version (&version.Info{Major:\"1\", Minor:\"37\", EmulationMajor:\"\", EmulationMinor:\"\", MinCompatibilityMajor:\"\", MinCompatibilityMinor:\"\", GitVersion:\"v1.37.2\", GitCommit:\"\", GitTreeState:\"clean\", BuildDate:\"\", GoVersion:\"\", Compiler:\"gc\", Platform:\"linux/amd64\"}) differs from client version (version.Info{Major:\"1\", Minor:\"37\","), "{text}");
        let ours = Value::Object(client_info());
        assert_eq!(mismatch(&ours), None);
    }
}

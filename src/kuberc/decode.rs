//! Reading a kuberc file as kubectl's `decodePreference` does: YAML
//! documents in turn, the first that decodes as a `Preference` of
//! `kubectl.config.k8s.io/v1beta1` or `v1alpha1` wins. A document that
//! only decodes leniently (unknown fields, keys given twice) still wins,
//! with its strict error kept for a warning.

use serde_json::Value;

use super::model::*;
use crate::kubeconfig::yaml;

/// What one file held.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// `None` for a file with no documents at all.
    pub preference: Option<Preference>,
    /// `strict decoding error: unknown field "x"`, when lenient decoding
    /// was needed.
    pub strict_error: Option<String>,
    /// Which document (from 1) and version were used, for `-v=5`.
    pub entry: Option<(usize, String)>,
}

/// Why a file gave no preferences.
#[derive(Debug)]
pub enum DecodeError {
    /// Reading failed (`open …: no such file or directory`).
    Io(std::io::Error, String),
    /// `invalid Yaml document separator: …`, or no document decoded.
    Invalid(String),
}

impl DecodeError {
    pub fn is_not_exist(&self) -> bool {
        matches!(self, DecodeError::Io(e, _) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Io(_, msg) | DecodeError::Invalid(msg) => f.write_str(msg),
        }
    }
}

pub fn decode_file(path: &str) -> Result<Decoded, DecodeError> {
    let data = std::fs::read(path).map_err(|e| {
        // A missing file costs one failed open and nothing more.
        let op = if e.kind() != std::io::ErrorKind::NotFound && std::path::Path::new(path).is_dir()
        {
            "read"
        } else {
            "open"
        };
        let msg = crate::kubeconfig::gopath::path_error(op, path, &e);
        DecodeError::Io(e, msg)
    })?;
    decode(&data, path)
}

pub fn decode(data: &[u8], path: &str) -> Result<Decoded, DecodeError> {
    let text = String::from_utf8_lossy(data);
    let docs = match crate::resource::manifest::split_documents(&text) {
        Ok(docs) => docs,
        // Only documents before the bad separator were read; none is used.
        Err((_, msg)) => return Err(DecodeError::Invalid(msg)),
    };
    let mut attempted = 0;
    for doc in docs {
        if doc.trim().is_empty() {
            continue;
        }
        attempted += 1;
        if let Some((preference, strict_error, version)) = decode_document(doc.as_bytes()) {
            return Ok(Decoded {
                preference: Some(preference),
                strict_error,
                entry: Some((attempted, version)),
            });
        }
    }
    if attempted > 0 {
        return Err(DecodeError::Invalid(format!(
            "no valid preferences found in {path}, use --v=5 to see details"
        )));
    }
    Ok(Decoded {
        preference: None,
        strict_error: None,
        entry: None,
    })
}

/// One document: the preference, the strict error if only lenient decoding
/// worked, and the group/version. `None` when it is not a usable
/// Preference.
fn decode_document(doc: &[u8]) -> Option<(Preference, Option<String>, String)> {
    let json = yaml::yaml_to_json(doc).ok()?;
    let (api_version, kind) = crate::kubeconfig::decode::interpret(&json).ok()?;
    let version = api_version.strip_prefix(GROUP)?.strip_prefix('/')?;
    if kind != "Preference" || !matches!(version, "v1beta1" | "v1alpha1") {
        return None;
    }
    let Value::Object(map) = &json else {
        return None;
    };
    let mut d = Strict::default();
    let preference = if version == "v1beta1" {
        d.v1beta1(map)?
    } else {
        d.v1alpha1(map)?
    };
    let mut problems: Vec<String> = yaml::duplicate_keys_error(doc).into_iter().collect();
    problems.extend(d.unknown.iter().map(|f| format!("unknown field {f:?}")));
    let strict_error =
        (!problems.is_empty()).then(|| format!("strict decoding error: {}", problems.join(", ")));
    Some((preference, strict_error, api_version))
}

/// Go's case-sensitive JSON decoding into the typed structs: a wrong type
/// fails the document (`None`), unknown fields are noted by path.
#[derive(Default)]
struct Strict {
    unknown: Vec<String>,
}

type Object = serde_json::Map<String, Value>;

impl Strict {
    fn v1beta1(&mut self, map: &Object) -> Option<Preference> {
        let mut p = Preference::default();
        for (key, value) in map {
            match key.as_str() {
                "apiVersion" | "kind" => string(value).map(|_| ())?,
                "defaults" => {
                    p.defaults = self.list(value, key, |s, v, at| s.defaults(v, at, "options"))?
                }
                "aliases" => {
                    p.aliases = self.list(value, key, |s, v, at| s.alias(v, at, "options"))?
                }
                "credentialPluginPolicy" => p.credential_plugin_policy = string(value)?,
                "credentialPluginAllowlist" => {
                    p.credential_plugin_allowlist =
                        self.list(value, key, |s, v, at| s.allowlist_entry(v, at))?
                }
                _ => self.unknown.push(key.clone()),
            }
        }
        Some(p)
    }

    fn v1alpha1(&mut self, map: &Object) -> Option<Preference> {
        let mut p = Preference::default();
        for (key, value) in map {
            match key.as_str() {
                "apiVersion" | "kind" => string(value).map(|_| ())?,
                "overrides" => {
                    p.defaults = self.list(value, key, |s, v, at| s.defaults(v, at, "flags"))?
                }
                "aliases" => {
                    p.aliases = self.list(value, key, |s, v, at| s.alias(v, at, "flags"))?
                }
                _ => self.unknown.push(key.clone()),
            }
        }
        Some(p)
    }

    /// A JSON list of structs; `null` is nil.
    fn list<T>(
        &mut self,
        value: &Value,
        path: &str,
        item: impl Fn(&mut Strict, &Value, &str) -> Option<T>,
    ) -> Option<Option<Vec<T>>> {
        match value {
            Value::Null => Some(None),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    out.push(item(self, v, &format!("{path}[{i}]"))?);
                }
                Some(Some(out))
            }
            _ => None,
        }
    }

    /// The fields of one struct: `f` handles the known ones and says
    /// whether it knew the key.
    fn fields(
        &mut self,
        value: &Value,
        path: &str,
        mut f: impl FnMut(&mut Strict, &str, &Value, &str) -> Option<bool>,
    ) -> Option<()> {
        match value {
            Value::Null => Some(()),
            Value::Object(map) => {
                for (key, v) in map {
                    let at = format!("{path}.{key}");
                    if !f(self, key, v, &at)? {
                        self.unknown.push(at);
                    }
                }
                Some(())
            }
            _ => None,
        }
    }

    fn defaults(&mut self, value: &Value, path: &str, options: &str) -> Option<CommandDefaults> {
        let mut d = CommandDefaults::default();
        self.fields(value, path, |s, key, v, at| {
            match key {
                "command" => d.command = string(v)?,
                k if k == options => d.options = s.list(v, at, |s, v, at| s.option(v, at))?,
                _ => return Some(false),
            }
            Some(true)
        })?;
        Some(d)
    }

    fn alias(&mut self, value: &Value, path: &str, options: &str) -> Option<Alias> {
        let mut a = Alias::default();
        self.fields(value, path, |s, key, v, at| {
            match key {
                "name" => a.name = string(v)?,
                "command" => a.command = string(v)?,
                "prependArgs" => a.prepend_args = strings(v)?,
                "appendArgs" => a.append_args = strings(v)?,
                k if k == options => a.options = s.list(v, at, |s, v, at| s.option(v, at))?,
                _ => return Some(false),
            }
            Some(true)
        })?;
        Some(a)
    }

    fn option(&mut self, value: &Value, path: &str) -> Option<OptionDefault> {
        let mut o = OptionDefault::default();
        self.fields(value, path, |_, key, v, _| {
            match key {
                "name" => o.name = string(v)?,
                "default" => o.default = string(v)?,
                _ => return Some(false),
            }
            Some(true)
        })?;
        Some(o)
    }

    /// `command`, or the deprecated `name`; both with different values is
    /// a conversion error.
    fn allowlist_entry(&mut self, value: &Value, path: &str) -> Option<AllowlistEntry> {
        let (mut name, mut command) = (String::new(), String::new());
        self.fields(value, path, |_, key, v, _| {
            match key {
                "name" => name = string(v)?,
                "command" => command = string(v)?,
                _ => return Some(false),
            }
            Some(true)
        })?;
        if !name.is_empty() && !command.is_empty() && name != command {
            return None;
        }
        let command = if command.is_empty() { name } else { command };
        Some(AllowlistEntry { command })
    }
}

/// A Go string field: `null` leaves it empty, anything but a string fails.
fn string(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn strings(value: &Value) -> Option<Option<Vec<String>>> {
    match value {
        Value::Null => Some(None),
        Value::Array(items) => items
            .iter()
            .map(string)
            .collect::<Option<Vec<_>>>()
            .map(Some),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Result<Decoded, DecodeError> {
        decode(text.as_bytes(), "/k")
    }

    #[test]
    fn both_versions_and_strictness() {
        let d = dec("apiVersion: kubectl.config.k8s.io/v1alpha1\nkind: Preference\noverrides:\n- command: get\n  flags:\n  - name: output\n    default: wide\n").unwrap();
        let p = d.preference.unwrap();
        assert_eq!(
            p.defaults.unwrap()[0].options.as_ref().unwrap()[0].default,
            "wide"
        );
        assert_eq!(d.strict_error, None);
        let d = dec("apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\nfoo: 1\naliases:\n- name: x\n  bar: 2\n").unwrap();
        assert_eq!(
            d.strict_error.as_deref(),
            Some("strict decoding error: unknown field \"aliases[0].bar\", unknown field \"foo\"")
        );
        assert_eq!(d.preference.unwrap().aliases.unwrap()[0].name, "x");
    }

    #[test]
    fn unusable_documents_are_skipped() {
        let d = dec("---\napiVersion: v1\nkind: Foo\n---\napiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\n").unwrap();
        assert_eq!(d.entry, Some((2, V1BETA1.to_string())));
        for bad in [
            "kind: Preference\n",
            "apiVersion: kubectl.config.k8s.io/v2\nkind: Preference\n",
            "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\naliases: 3\n",
            "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\ncredentialPluginAllowlist:\n- name: a\n  command: b\n",
            "# only a comment\n",
        ] {
            assert_eq!(
                dec(bad).unwrap_err().to_string(),
                "no valid preferences found in /k, use --v=5 to see details",
                "{bad}"
            );
        }
        assert_eq!(dec("").unwrap().preference, None);
        assert_eq!(
            dec("a: 1\n--- x\n").unwrap_err().to_string(),
            "invalid Yaml document separator: x"
        );
    }
}

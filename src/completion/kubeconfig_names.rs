//! The context, cluster and user names of the kubeconfig a command line
//! would use, for completing `--context`, `--cluster` and `--user`.
//!
//! A deliberately small reader (names only): `--kubeconfig` on the line
//! wins, else the `KUBECONFIG` list (missing files skipped), else
//! `~/.kube/config`. Any unreadable or malformed file gives no names, as
//! kubectl's completion does when the config cannot be loaded.

use std::path::PathBuf;

use super::sources::Request;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub contexts: Vec<String>,
    pub clusters: Vec<String>,
    pub users: Vec<String>,
}

pub fn names(request: &Request) -> Names {
    load(request).unwrap_or_default()
}

fn load(request: &Request) -> Option<Names> {
    let files: Vec<PathBuf> = match request.flag("kubeconfig").filter(|p| !p.is_empty()) {
        Some(path) => vec![PathBuf::from(path)],
        None => match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            Some(list) => std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty() && p.exists())
                .collect(),
            None => dirs::home_dir()
                .map(|h| h.join(".kube").join("config"))
                .filter(|p| p.exists())
                .into_iter()
                .collect(),
        },
    };
    let mut names = Names::default();
    for file in files {
        let text = std::fs::read_to_string(&file).ok()?;
        let doc: serde_yaml::Value = if text.trim().is_empty() {
            serde_yaml::Value::Null
        } else {
            serde_yaml::from_str(&text).ok()?
        };
        collect(&doc, "contexts", &mut names.contexts);
        collect(&doc, "clusters", &mut names.clusters);
        collect(&doc, "users", &mut names.users);
    }
    for list in [&mut names.contexts, &mut names.clusters, &mut names.users] {
        list.sort();
        list.dedup();
    }
    Some(names)
}

fn collect(doc: &serde_yaml::Value, key: &str, into: &mut Vec<String>) {
    let Some(entries) = doc.get(key).and_then(|v| v.as_sequence()) else {
        return;
    };
    for entry in entries {
        if let Some(name) = entry.get("name").and_then(yaml_scalar) {
            into.push(name);
        }
    }
}

fn yaml_scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_an_explicit_kubeconfig() {
        let dir = std::env::temp_dir().join(format!("kuddle-kcnames-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config");
        std::fs::write(
            &file,
            "contexts:\n- name: b\n- name: a\nclusters:\n- name: c1\nusers:\n- name: u1\n",
        )
        .unwrap();
        let request = Request {
            path: vec![],
            args: vec![],
            to_complete: String::new(),
            flags: vec![("kubeconfig".into(), file.display().to_string())],
        };
        let n = names(&request);
        assert_eq!(n.contexts, ["a", "b"]);
        assert_eq!(n.clusters, ["c1"]);
        assert_eq!(n.users, ["u1"]);
        std::fs::write(&file, "contexts: [").unwrap();
        assert_eq!(names(&request), Names::default());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The context, cluster and user names of the kubeconfig a command line
//! would use, for completing `--context`, `--cluster` and `--user`.
//!
//! `--kubeconfig` on the line wins, else the `KUBECONFIG` list, else
//! `~/.kube/config`, merged as for any command. A config that cannot be
//! loaded gives no names, as kubectl's completion does.

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

/// The merged kubeconfig, loaded with kubectl's rules (the kubeconfig
/// module); names come back sorted.
fn load(request: &Request) -> Option<Names> {
    let env = crate::kubeconfig::load::Environment::from_process();
    let explicit = request.flag("kubeconfig").filter(|p| !p.is_empty());
    let config = crate::kubeconfig::load::LoadingRules::new(explicit, &env, false)
        .load()
        .ok()?;
    Some(Names {
        contexts: config.contexts.keys().cloned().collect(),
        clusters: config.clusters.keys().cloned().collect(),
        users: config.auth_infos.keys().cloned().collect(),
    })
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

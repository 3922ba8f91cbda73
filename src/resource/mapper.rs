//! From what the user typed (`po`, `deployments.apps`, `Deployment`,
//! `deploy.v1.apps`, `all`) to a resource on the server, following kubectl's
//! RESTMapper: short names first (unless the word is itself a resource
//! name), then plural or singular names, then kinds; groups in discovery
//! order, preferred versions before the others.

use super::discovery::{ApiResource, Discovery};

/// A resolved resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub group: String,
    pub version: String,
    /// Plural resource name (`deployments`).
    pub resource: String,
    pub kind: String,
    pub singular: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
}

impl Mapping {
    fn from(group: &str, version: &str, r: &ApiResource) -> Mapping {
        Mapping {
            group: group.to_string(),
            version: version.to_string(),
            resource: r.name.clone(),
            kind: r.kind.clone(),
            singular: if r.singular_name.is_empty() {
                r.kind.to_lowercase()
            } else {
                r.singular_name.clone()
            },
            namespaced: r.namespaced,
            verbs: r.verbs.clone(),
            short_names: r.short_names.clone(),
            categories: r.categories.clone(),
        }
    }

    /// What stands for the type of an object read without a server
    /// (`--local`): group, version and kind from the object, no resource.
    pub fn local(api_version: &str, kind: &str) -> Mapping {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        Mapping::builtin(group, version, "", kind, false)
    }

    /// A built-in type as kubectl's typed clients reach it, without asking
    /// discovery (`auth reconcile` talks to RBAC and namespaces that way, so
    /// an unreachable server fails per object, not up front).
    pub fn builtin(
        group: &str,
        version: &str,
        resource: &str,
        kind: &str,
        namespaced: bool,
    ) -> Mapping {
        Mapping {
            group: group.to_string(),
            version: version.to_string(),
            resource: resource.to_string(),
            kind: kind.to_string(),
            singular: kind.to_lowercase(),
            namespaced,
            verbs: Vec::new(),
            short_names: Vec::new(),
            categories: Vec::new(),
        }
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `apps/v1, Resource=deployments`: Go's `GroupVersionResource.String()`.
    pub fn gvr_string(&self) -> String {
        format!(
            "{}/{}, Resource={}",
            self.group, self.version, self.resource
        )
    }

    /// `deployments.apps` or `pods` (how kubectl names the resource in messages).
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// `deployment.apps` or `pod` (the prefix of `-o name` and result lines).
    pub fn kind_dot_group(&self) -> String {
        let kind = self.kind.to_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }

    /// `/api/v1/namespaces/ns/pods` or `/apis/apps/v1/deployments` (ns = None
    /// for all namespaces or cluster-scoped resources).
    pub fn collection_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => {
                format!("{base}/namespaces/{}/{}", path_escape(ns), self.resource)
            }
            _ => format!("{base}/{}", self.resource),
        }
    }

    pub fn object_path(&self, namespace: Option<&str>, name: &str) -> String {
        format!("{}/{}", self.collection_path(namespace), path_escape(name))
    }

    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// Escapes a path segment (names are usually safe already).
pub fn path_escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `the server doesn't have a resource type "foo"`
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the server doesn't have a resource type {:?}", .0)]
pub struct NoResourceType(pub String);

/// No resource matches a partial group/resource (kubectl prints this
/// without `error: `).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct NoResourceMatch {
    pub group: String,
    pub resource: String,
}

impl std::fmt::Display for NoResourceMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.group.is_empty() {
            write!(
                f,
                "the server doesn't have a resource type {:?}",
                self.resource
            )
        } else {
            write!(
                f,
                "the server doesn't have a resource type {:?} in group {:?}",
                self.resource, self.group
            )
        }
    }
}

impl Discovery {
    /// The RESTMapper's `ResourceFor` behind kubectl's shortcut expander:
    /// a resource (plural, singular or short name, any case but for short
    /// names) in a group (empty for any), to the preferred mapping.
    pub fn resource_for(&self, group: &str, resource: &str) -> Result<Mapping, NoResourceMatch> {
        let wanted = (!group.is_empty()).then_some(group);
        let (expanded, expanded_group) = self.expand_short_name(resource, wanted);
        self.find_resource(&expanded.to_lowercase(), expanded_group.as_deref(), None)
            .ok_or_else(|| NoResourceMatch {
                group: expanded_group.unwrap_or_default(),
                resource: expanded,
            })
    }

    /// Group versions in RESTMapper priority: every group's preferred version
    /// in discovery order, then the other versions.
    fn priority(&self) -> Vec<(&str, &str)> {
        let mut order: Vec<(&str, &str)> = self
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.preferred_version.as_str()))
            .collect();
        for g in &self.groups {
            for v in &g.versions {
                if *v != g.preferred_version {
                    order.push((g.name.as_str(), v.as_str()));
                }
            }
        }
        order
    }

    fn top_level(&self, group: &str, version: &str) -> impl Iterator<Item = &ApiResource> {
        self.resources_for(group, version)
            .iter()
            .filter(|r| !r.name.contains('/'))
    }

    /// Resolves a resource type argument as kubectl does.
    pub fn resolve(&self, arg: &str) -> Result<Mapping, NoResourceType> {
        // resource.version.group
        if let Some((resource, rest)) = arg.split_once('.') {
            if let Some((version, group)) = rest.split_once('.') {
                if let Some(m) =
                    self.find_resource(&resource.to_lowercase(), Some(group), Some(version))
                {
                    return Ok(m);
                }
            }
        }
        let (resource, group) = match arg.split_once('.') {
            Some((r, g)) => (r, Some(g)),
            None => (arg, None),
        };
        let resource = resource.to_lowercase();
        let (resource, group) = self.expand_short_name(&resource, group);
        if let Some(m) = self.find_resource(&resource, group.as_deref(), None) {
            return Ok(m);
        }
        // Kind.version.group, then Kind.group
        if let Some((kind, rest)) = arg.split_once('.') {
            if let Some((version, group)) = rest.split_once('.') {
                if let Some(m) = self.find_kind(kind, Some(group), Some(version)) {
                    return Ok(m);
                }
            }
        }
        let (kind, kind_group) = match arg.split_once('.') {
            Some((k, g)) => (k, Some(g)),
            None => (arg, None),
        };
        if let Some(m) = self.find_kind(kind, kind_group, None) {
            return Ok(m);
        }
        Err(NoResourceType(
            arg.split_once('.')
                .map(|(r, _)| r)
                .unwrap_or(arg)
                .to_string(),
        ))
    }

    /// Every group version serving `resource` (a plural, singular or short
    /// name, any case), in RESTMapper priority order: kubectl's
    /// `ResourcesFor` on a bare resource name.
    pub fn mappings_for(&self, resource: &str) -> Result<Vec<Mapping>, NoResourceType> {
        let lower = resource.to_lowercase();
        let (name, group) = self.expand_short_name(&lower, None);
        let mut out = Vec::new();
        for (g, v) in self.priority() {
            if group.as_deref().is_some_and(|want| want != g) {
                continue;
            }
            for r in self.top_level(g, v) {
                let singular = if r.singular_name.is_empty() {
                    r.kind.to_lowercase()
                } else {
                    r.singular_name.clone()
                };
                if r.name == name || singular == name {
                    out.push(Mapping::from(g, v, r));
                }
            }
        }
        if out.is_empty() {
            return Err(NoResourceType(lower));
        }
        Ok(out)
    }

    /// The mapping for an object's `apiVersion` and `kind` (manifests).
    pub fn resolve_kind(&self, api_version: &str, kind: &str) -> Option<Mapping> {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        self.find_kind(kind, Some(group), Some(version))
            .or_else(|| self.find_kind(kind, Some(group), None))
    }

    /// The top-level resource of `kind` in exactly this group version.
    pub fn kind_in_version(&self, group: &str, version: &str, kind: &str) -> Option<Mapping> {
        self.find_kind(kind, Some(group), Some(version))
    }

    /// Resources in a category (`all`), deduplicated, in discovery order.
    pub fn expand_category(&self, category: &str) -> Vec<Mapping> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for ((group, version), resources) in &self.resources {
            for r in resources {
                if r.name.contains('/') || !r.categories.iter().any(|c| c == category) {
                    continue;
                }
                if seen.insert((group.clone(), r.name.clone())) {
                    // The preferred version serves the resource if it has it.
                    let m = self
                        .find_resource(&r.name, Some(group), None)
                        .unwrap_or_else(|| Mapping::from(group, version, r));
                    out.push(m);
                }
            }
        }
        out
    }

    /// All top-level resources of every group's preferred version.
    pub fn preferred_resources(&self) -> Vec<Mapping> {
        let mut out = Vec::new();
        for g in &self.groups {
            for r in self.top_level(&g.name, &g.preferred_version) {
                out.push(Mapping::from(&g.name, &g.preferred_version, r));
            }
        }
        out
    }

    /// Short names expand unless the word is already a resource's plural or
    /// singular name; a partial group (`autoscal`) matches a group prefix.
    fn expand_short_name(&self, resource: &str, group: Option<&str>) -> (String, Option<String>) {
        let group_ok = |g: &str| group.is_none_or(|want| want == g);
        for ((g, _), resources) in &self.resources {
            if !group_ok(g) {
                continue;
            }
            if resources
                .iter()
                .any(|r| r.name == resource || r.singular_name == resource)
            {
                return (resource.to_string(), group.map(str::to_string));
            }
        }
        for (g, v) in self.priority() {
            if !group_ok(g) {
                continue;
            }
            for r in self.top_level(g, v) {
                if r.short_names.iter().any(|s| s == resource) {
                    self.warn_other_short_name_matches(resource, group, g, &r.name);
                    return (r.name.clone(), Some(g.to_string()));
                }
            }
        }
        if let Some(prefix) = group {
            for (g, v) in self.priority() {
                if !g.starts_with(prefix) {
                    continue;
                }
                for r in self.top_level(g, v) {
                    if r.short_names.iter().any(|s| s == resource) {
                        return (r.name.clone(), Some(g.to_string()));
                    }
                }
            }
        }
        (resource.to_string(), group.map(str::to_string))
    }

    /// kubectl's shortcut expander warns, once per resource, about every
    /// other resource the short name also names (`ev`: core events, and
    /// events.events.k8s.io).
    fn warn_other_short_name_matches(
        &self,
        short: &str,
        group: Option<&str>,
        chosen_group: &str,
        chosen: &str,
    ) {
        static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        for ((g, _), resources) in &self.resources {
            if group.is_some_and(|want| want != g) {
                continue;
            }
            for r in resources.iter().filter(|r| !r.name.contains('/')) {
                if (g.as_str(), r.name.as_str()) == (chosen_group, chosen)
                    || !r.short_names.iter().any(|s| s == short)
                {
                    continue;
                }
                let other = match g.as_str() {
                    "" => r.name.clone(),
                    g => format!("{}.{g}", r.name),
                };
                let Ok(mut warned) = WARNED.lock() else {
                    return;
                };
                if !warned.contains(&other) {
                    crate::context::print_warning(
                        &mut std::io::stderr(),
                        &format!(
                            "short name {short:?} could also match lower priority resource {other}"
                        ),
                    );
                    warned.push(other);
                }
            }
        }
    }

    fn find_resource(
        &self,
        resource: &str,
        group: Option<&str>,
        version: Option<&str>,
    ) -> Option<Mapping> {
        for (g, v) in self.priority() {
            if group.is_some_and(|want| want != g) || version.is_some_and(|want| want != v) {
                continue;
            }
            for r in self.top_level(g, v) {
                let singular = if r.singular_name.is_empty() {
                    r.kind.to_lowercase()
                } else {
                    r.singular_name.clone()
                };
                if r.name == resource || singular == resource {
                    return Some(Mapping::from(g, v, r));
                }
            }
        }
        None
    }

    fn find_kind(&self, kind: &str, group: Option<&str>, version: Option<&str>) -> Option<Mapping> {
        for (g, v) in self.priority() {
            if group.is_some_and(|want| want != g) || version.is_some_and(|want| want != v) {
                continue;
            }
            if let Some(r) = self.top_level(g, v).find(|r| r.kind == kind) {
                return Some(Mapping::from(g, v, r));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::discovery;
    use super::*;

    fn gvr(m: Mapping) -> String {
        format!("{}/{}/{}", m.group, m.version, m.resource)
    }

    #[test]
    fn names_short_names_and_kinds() {
        let d = discovery();
        for (arg, want) in [
            ("po", "/v1/pods"),
            ("pod", "/v1/pods"),
            ("Pods", "/v1/pods"),
            ("Pod", "/v1/pods"),
            ("deploy", "apps/v1/deployments"),
            ("deployments.apps", "apps/v1/deployments"),
            ("deploy.apps", "apps/v1/deployments"),
            ("deployments.v1.apps", "apps/v1/deployments"),
            ("Deployment.apps", "apps/v1/deployments"),
            ("events", "/v1/events"),
            ("events.events.k8s.io", "events.k8s.io/v1/events"),
            ("hpa", "autoscaling/v2/horizontalpodautoscalers"),
            ("hpa.autoscal", "autoscaling/v2/horizontalpodautoscalers"),
            (
                "horizontalpodautoscalers.v1.autoscaling",
                "autoscaling/v1/horizontalpodautoscalers",
            ),
        ] {
            assert_eq!(
                gvr(d.resolve(arg).unwrap_or_else(|e| panic!("{arg}: {e}"))),
                want,
                "{arg}"
            );
        }
    }

    #[test]
    fn every_version_of_a_resource_in_priority_order() {
        let d = discovery();
        let gvrs: Vec<String> = d
            .mappings_for("HPA")
            .unwrap()
            .into_iter()
            .map(gvr)
            .collect();
        assert_eq!(
            gvrs,
            [
                "autoscaling/v2/horizontalpodautoscalers",
                "autoscaling/v1/horizontalpodautoscalers"
            ]
        );
        let gvrs: Vec<String> = d
            .mappings_for("event")
            .unwrap()
            .into_iter()
            .map(gvr)
            .collect();
        assert_eq!(gvrs, ["/v1/events", "events.k8s.io/v1/events"]);
        assert_eq!(
            d.mappings_for("Nope").unwrap_err().to_string(),
            "the server doesn't have a resource type \"nope\""
        );
    }

    #[test]
    fn unknown_types_name_the_resource_part() {
        let d = discovery();
        assert_eq!(
            d.resolve("foo.bar").unwrap_err().to_string(),
            "the server doesn't have a resource type \"foo\""
        );
        assert!(d.resolve("pods/log").is_err());
    }

    #[test]
    fn resource_for_expands_short_names_case_sensitively() {
        let d = discovery();
        assert_eq!(gvr(d.resource_for("", "po").unwrap()), "/v1/pods");
        assert_eq!(gvr(d.resource_for("", "Pods").unwrap()), "/v1/pods");
        assert_eq!(
            gvr(d.resource_for("apps", "deploy").unwrap()),
            "apps/v1/deployments"
        );
        assert_eq!(
            d.resource_for("", "PO").unwrap_err().to_string(),
            "the server doesn't have a resource type \"PO\""
        );
        assert_eq!(
            d.resource_for("extensions", "pods")
                .unwrap_err()
                .to_string(),
            "the server doesn't have a resource type \"pods\" in group \"extensions\""
        );
    }

    #[test]
    fn categories_expand_once_per_group_resource() {
        let names: Vec<String> = discovery()
            .expand_category("all")
            .into_iter()
            .map(gvr)
            .collect();
        assert_eq!(
            names,
            [
                "/v1/pods",
                "/v1/services",
                "apps/v1/deployments",
                "autoscaling/v2/horizontalpodautoscalers"
            ]
        );
    }

    #[test]
    fn paths() {
        let m = discovery().resolve("deploy").unwrap();
        assert_eq!(
            m.object_path(Some("ns"), "web"),
            "/apis/apps/v1/namespaces/ns/deployments/web"
        );
        assert_eq!(m.collection_path(None), "/apis/apps/v1/deployments");
        assert_eq!(m.kind_dot_group(), "deployment.apps");
    }
}

//! Turning `TYPE[,TYPE…] [NAME…]`, `TYPE/NAME…`, selectors and namespace
//! flags into the requests a verb makes, with the errors kubectl's resource
//! builder gives for each invalid combination.

use anyhow::{anyhow, bail, Result};

use super::discovery::Discovery;
use super::mapper::Mapping;

/// kubectl's error when neither arguments nor files name anything.
pub const MISSING_RESOURCE: &str = "You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'";

#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    pub args: &'a [String],
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// `--all`: select everything of the given types.
    pub select_all: bool,
    /// Namespace in effect (flag or context, else `default`).
    pub namespace: String,
    pub all_namespaces: bool,
    /// When true (`get TYPE`), a lone type lists everything.
    pub allow_empty_selector: bool,
    /// Verbs such as watch accept one resource type only.
    pub single_resource_type: bool,
}

/// What to fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// List each type (in order), filtered by selectors.
    List {
        targets: Vec<ListTarget>,
        label_selector: String,
        field_selector: String,
    },
    /// Fetch named objects, in order.
    Named {
        items: Vec<NamedTarget>,
        /// One object was asked for: print it bare, errors are fatal.
        single_item_implied: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListTarget {
    pub mapping: Mapping,
    /// None: all namespaces, or a cluster-scoped type.
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedTarget {
    pub mapping: Mapping,
    pub namespace: Option<String>,
    pub name: String,
}

/// `a,b,a` → `[a, b]`, keeping the first of duplicates.
pub fn split_resource_argument(arg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in arg.split(',') {
        if !out.iter().any(|s| s == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// The error kubectl gives for `TYPE` mixed with `TYPE/NAME` arguments.
pub fn combined_type_error() -> anyhow::Error {
    let cmd = crate::error::PROGRAM;
    anyhow!("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. '{cmd} get resource/<resource_name>' instead of '{cmd} get resource resource/<resource_name>'")
}

impl Discovery {
    /// Expands `all` and other categories inside a comma list.
    pub fn replace_aliases(&self, input: &str) -> String {
        input
            .split(',')
            .map(|arg| {
                let expanded = self.expand_category(arg);
                if expanded.is_empty() {
                    arg.to_string()
                } else {
                    expanded
                        .iter()
                        .map(|m| {
                            if m.group.is_empty() {
                                m.resource.clone()
                            } else {
                                format!("{}.{}", m.resource, m.group)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Plans the requests for a selection, as kubectl's builder does.
    pub fn plan(&self, sel: &Selection) -> Result<Plan> {
        // Empty selectors select nothing in particular (kubectl trims them
        // and ignores what is left empty).
        let label_selector = sel
            .label_selector
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let field_selector = sel
            .field_selector
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if sel.select_all && (label_selector.is_some() || field_selector.is_some()) {
            bail!("setting 'all' parameter but found a non empty selector. ");
        }
        let mut args: Vec<String> = sel.args.to_vec();
        // `TYPE1,TYPE2 NAME…` becomes TYPE/NAME pairs.
        if args.len() >= 2 {
            let types = split_resource_argument(&args[0]);
            if types.len() > 1 {
                let names = args[1..].to_vec();
                args = types
                    .iter()
                    .flat_map(|t| names.iter().map(move |n| format!("{t}/{n}")))
                    .collect();
            }
        }
        let slashes = args.iter().filter(|a| a.contains('/')).count();
        let namespace = if sel.all_namespaces {
            String::new()
        } else {
            sel.namespace.clone()
        };
        let mut label_selector = label_selector;
        if slashes > 0 {
            if slashes != args.len() {
                return Err(combined_type_error());
            }
            let mut tuples = Vec::new();
            for arg in &args {
                let parts: Vec<&str> = arg.split('/').collect();
                if parts.len() != 2 {
                    bail!("arguments in resource/name form may not have more than one slash");
                }
                let (resource, name) = (parts[0], parts[1]);
                if resource.is_empty()
                    || name.is_empty()
                    || split_resource_argument(resource).len() != 1
                {
                    bail!("arguments in resource/name form must have a single resource and name");
                }
                tuples.push((resource.to_string(), name.to_string()));
            }
            if sel.select_all || label_selector.is_some() || field_selector.is_some() {
                bail!("selectors and the all flag cannot be used when passing resource/name arguments");
            }
            let mut mappings: Vec<(String, Mapping)> = Vec::new();
            for (resource, _) in &tuples {
                if mappings.iter().any(|(r, _)| r == resource) {
                    continue;
                }
                mappings.push((resource.clone(), self.resolve(resource)?));
            }
            if sel.single_resource_type {
                let mut distinct: Vec<&Mapping> = Vec::new();
                for (_, m) in &mappings {
                    if !distinct.iter().any(|d| {
                        d.group == m.group && d.resource == m.resource && d.version == m.version
                    }) {
                        distinct.push(m);
                    }
                }
                if distinct.len() > 1 {
                    bail!("you may only specify a single resource type");
                }
            }
            let mut items = Vec::new();
            for (resource, name) in tuples {
                let mapping = mappings
                    .iter()
                    .find(|(r, _)| *r == resource)
                    .map(|(_, m)| m.clone())
                    .ok_or_else(|| anyhow!("resource {resource:?} is not recognized"))?;
                let ns = named_namespace(&mapping, &namespace, sel.all_namespaces)?;
                items.push(NamedTarget {
                    mapping,
                    namespace: ns,
                    name,
                });
            }
            let single = items.len() == 1;
            return Ok(Plan::Named {
                items,
                single_item_implied: single,
            });
        }

        let mut types: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        if let Some(first) = args.first() {
            types = split_resource_argument(&self.replace_aliases(first));
            names = args[1..].to_vec();
            if args.len() == 1 && label_selector.is_none() && sel.allow_empty_selector {
                label_selector = Some(String::new());
            }
        }
        if sel.select_all {
            label_selector = Some(String::new());
        }
        if label_selector.is_some() || field_selector.is_some() {
            if !names.is_empty() {
                bail!("name cannot be provided when a selector is specified");
            }
            if types.is_empty() {
                bail!("at least one resource must be specified to use a selector");
            }
            let mappings = self.resource_mappings(&types, sel.single_resource_type)?;
            let targets = mappings
                .into_iter()
                .map(|mapping| {
                    let namespace = if mapping.namespaced && !namespace.is_empty() {
                        Some(namespace.clone())
                    } else {
                        None
                    };
                    ListTarget { mapping, namespace }
                })
                .collect();
            return Ok(Plan::List {
                targets,
                label_selector: label_selector.unwrap_or_default(),
                field_selector: field_selector.unwrap_or_default(),
            });
        }
        if !names.is_empty() {
            if types.len() > 1 {
                bail!("you must specify only one resource");
            }
            let mapping = self
                .resource_mappings(&types, sel.single_resource_type)?
                .remove(0);
            let ns = named_namespace(&mapping, &namespace, sel.all_namespaces)?;
            let single = names.len() == 1;
            return Ok(Plan::Named {
                items: names
                    .into_iter()
                    .map(|name| NamedTarget {
                        mapping: mapping.clone(),
                        namespace: ns.clone(),
                        name,
                    })
                    .collect(),
                single_item_implied: single,
            });
        }
        if !types.is_empty() {
            self.resource_mappings(&types, false)?;
            bail!("resource(s) were provided, but no name was specified");
        }
        bail!(MISSING_RESOURCE)
    }

    fn resource_mappings(&self, types: &[String], single: bool) -> Result<Vec<Mapping>> {
        if types.len() > 1 && single {
            bail!("you may only specify a single resource type");
        }
        let mut out: Vec<Mapping> = Vec::new();
        for t in types {
            let m = self.resolve(t)?;
            if !out
                .iter()
                .any(|o| o.group == m.group && o.version == m.version && o.kind == m.kind)
            {
                out.push(m);
            }
        }
        Ok(out)
    }
}

fn named_namespace(
    mapping: &Mapping,
    namespace: &str,
    all_namespaces: bool,
) -> Result<Option<String>> {
    if !mapping.namespaced {
        return Ok(None);
    }
    if namespace.is_empty() {
        if all_namespaces {
            bail!("a resource cannot be retrieved by name across all namespaces");
        }
        bail!("namespace may not be empty when retrieving a resource by name");
    }
    Ok(Some(namespace.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::discovery;
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    fn plan(words: &[&str], f: impl FnOnce(&mut Selection)) -> Result<Plan> {
        let a = args(words);
        let mut sel = Selection {
            args: &a,
            namespace: "default".into(),
            allow_empty_selector: true,
            ..Default::default()
        };
        f(&mut sel);
        discovery().plan(&sel)
    }

    fn err(words: &[&str], f: impl FnOnce(&mut Selection)) -> String {
        plan(words, f).unwrap_err().to_string()
    }

    #[test]
    fn lone_type_lists_and_names_fetch() {
        match plan(&["po,svc"], |_| {}).unwrap() {
            Plan::List {
                targets,
                label_selector,
                ..
            } => {
                assert_eq!(targets.len(), 2);
                assert_eq!(targets[0].namespace.as_deref(), Some("default"));
                assert_eq!(label_selector, "");
            }
            other => panic!("{other:?}"),
        }
        match plan(&["po", "a", "b"], |_| {}).unwrap() {
            Plan::Named {
                items,
                single_item_implied,
            } => {
                assert_eq!(items.len(), 2);
                assert!(!single_item_implied);
            }
            other => panic!("{other:?}"),
        }
        match plan(&["po,svc", "a"], |_| {}).unwrap() {
            Plan::Named { items, .. } => {
                assert_eq!(items[1].mapping.resource, "services");
                assert_eq!(items[1].name, "a");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn all_expands_to_its_category() {
        match plan(&["all"], |_| {}).unwrap() {
            Plan::List { targets, .. } => assert_eq!(targets.len(), 4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kubectl_errors() {
        assert!(
            err(&["po", "po/a"], |_| {}).starts_with("there is no need to specify a resource type")
        );
        assert_eq!(
            err(&["po/a/b"], |_| {}),
            "arguments in resource/name form may not have more than one slash"
        );
        assert_eq!(
            err(&["po/"], |_| {}),
            "arguments in resource/name form must have a single resource and name"
        );
        assert_eq!(
            err(&["po", "a"], |s| s.label_selector = Some("x=y".into())),
            "name cannot be provided when a selector is specified"
        );
        assert_eq!(
            err(&["po", "a"], |s| s.all_namespaces = true),
            "a resource cannot be retrieved by name across all namespaces"
        );
        assert_eq!(
            err(&["nope"], |_| {}),
            "the server doesn't have a resource type \"nope\""
        );
        assert_eq!(err(&[], |_| {}), MISSING_RESOURCE);
        assert_eq!(
            err(&["po"], |s| {
                s.select_all = true;
                s.field_selector = Some("a=b".into())
            }),
            "setting 'all' parameter but found a non empty selector. "
        );
        assert!(plan(&["po", "a"], |s| s.label_selector = Some(" ".into())).is_ok());
        assert_eq!(
            err(&["po,svc"], |s| s.single_resource_type = true),
            "you may only specify a single resource type"
        );
    }
}

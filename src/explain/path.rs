//! What `explain TYPE.FIELD.FIELD…` names: the resource (through the
//! RESTMapper, as kubectl resolves it) and the field path, split the way
//! kubectl splits them — as a JSONPath whose first field is the resource.

use crate::printers::jsonpath::parser::{parse, Node};
use crate::resource::{Discovery, Mapping, NoResourceType};

/// Why an argument names nothing explain can show.
#[derive(Debug, Clone, PartialEq)]
pub enum PathError {
    /// A message kubectl prints after `error: `.
    Invalid(String),
    /// The mapper's own error, printed as it is.
    NoResource(NoResourceType),
}

impl From<NoResourceType> for PathError {
    fn from(e: NoResourceType) -> Self {
        PathError::NoResource(e)
    }
}

/// The nodes of `{.TEXT}` (a trailing `.` dropped), which must be one action.
fn json_path_nodes(text: &str) -> Result<Vec<Node>, PathError> {
    let text = text.strip_suffix('.').unwrap_or(text);
    let root = parse(&format!("{{.{text}}}")).map_err(|e| PathError::Invalid(e.0))?;
    match root.as_slice() {
        [Node::List(nodes)] => Ok(nodes.clone()),
        _ => Err(PathError::Invalid("must pass in 1 jsonpath string".into())),
    }
}

fn field_names(nodes: &[Node], message: &str) -> Result<Vec<String>, PathError> {
    nodes
        .iter()
        .map(|n| match n {
            Node::Field(name) => Ok(name.clone()),
            _ => Err(PathError::Invalid(message.to_string())),
        })
        .collect()
}

/// The resource word: the first node, which must be a field.
fn resource_word(nodes: &[Node]) -> Result<&str, PathError> {
    match nodes.first() {
        Some(Node::Field(name)) => Ok(name),
        _ => Err(PathError::Invalid(
            "invalid jsonpath syntax, first node must be field node".into(),
        )),
    }
}

/// Without `--api-version`: the first version (in priority order) of the
/// first group whose `resource.group` starts the argument, so
/// `deployments.apps.spec` is apps' `spec`; otherwise the first version
/// found, with every later word a field (`deployment.apps` asks for a field
/// named `apps`).
pub fn with_matching_prefix(
    arg: &str,
    discovery: &Discovery,
) -> Result<(Mapping, Vec<String>), PathError> {
    let nodes = json_path_nodes(arg)?;
    let resource = resource_word(&nodes)?;
    let candidates = discovery.mappings_for(resource)?;
    const FIELDS_ONLY: &str = "invalid jsonpath syntax, first node must be field node";
    for m in &candidates {
        let Some(suffix) = arg.strip_prefix(m.group_resource().as_str()) else {
            continue;
        };
        let mut fields = Vec::new();
        if !suffix.is_empty() {
            let nodes = json_path_nodes(suffix)?;
            if !nodes.is_empty() {
                fields = field_names(&nodes[1..], FIELDS_ONLY)?;
            }
        }
        return Ok((m.clone(), fields));
    }
    let first = candidates[0].clone();
    let fields = field_names(&json_path_nodes(arg)?[1..], FIELDS_ONLY)?;
    Ok((first, fields))
}

/// With `--api-version`: the resource as the mapper resolves the first
/// word, every later word a field.
pub fn plain(arg: &str, discovery: &Discovery) -> Result<(Mapping, Vec<String>), PathError> {
    let nodes = json_path_nodes(arg)?;
    let resource = resource_word(&nodes)?;
    let mapping = discovery.mappings_for(resource)?.remove(0);
    let fields = field_names(
        &nodes[1..],
        "invalid jsonpath syntax, all nodes must be field nodes",
    )?;
    Ok((mapping, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_support::discovery;

    fn split(arg: &str) -> Result<(String, Vec<String>), PathError> {
        with_matching_prefix(arg, &discovery())
            .map(|(m, f)| (format!("{}/{}/{}", m.group, m.version, m.resource), f))
    }

    #[test]
    fn resources_and_fields_as_kubectl_splits_them() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            split("pods.spec.containers").unwrap(),
            ("/v1/pods".into(), s(&["spec", "containers"]))
        );
        assert_eq!(split("po").unwrap(), ("/v1/pods".into(), s(&[])));
        assert_eq!(
            split("deployments.apps.spec").unwrap(),
            ("apps/v1/deployments".into(), s(&["spec"]))
        );
        assert_eq!(
            split("deployment.apps").unwrap(),
            ("apps/v1/deployments".into(), s(&["apps"]))
        );
        assert_eq!(
            split("events.events.k8s.io").unwrap(),
            ("/v1/events".into(), s(&["events", "k8s", "io"]))
        );
        assert_eq!(
            split("pods..spec").unwrap(),
            ("/v1/pods".into(), s(&["spec"]))
        );
        assert_eq!(
            split("pods.spec.").unwrap(),
            ("/v1/pods".into(), s(&["spec"]))
        );
        assert_eq!(
            split("pods[0]").unwrap_err(),
            PathError::Invalid("invalid jsonpath syntax, first node must be field node".into())
        );
        assert_eq!(
            split("nope.spec").unwrap_err(),
            PathError::NoResource(NoResourceType("nope".into()))
        );
    }

    #[test]
    fn with_api_version_every_later_word_is_a_field() {
        let (m, fields) = plain("deployments.apps", &discovery()).unwrap();
        assert_eq!(m.resource, "deployments");
        assert_eq!(fields, vec!["apps".to_string()]);
        assert_eq!(
            plain("pods.spec[0]", &discovery()).unwrap_err(),
            PathError::Invalid("invalid jsonpath syntax, all nodes must be field nodes".into())
        );
    }
}

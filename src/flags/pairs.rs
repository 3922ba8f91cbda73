//! `KEY=VALUE` and `KEY-` arguments: after the objects they change
//! (`label`, `annotate`, `set image`; kubectl's `GetResourcesAndPairs`) and
//! in flag lists (`--exec-env`, `--auth-provider-arg`; `ParsePairs`).

use std::collections::BTreeMap;

use anyhow::{bail, Result};

/// Whether a word changes something rather than naming an object.
fn is_pair(word: &str) -> bool {
    (word.contains('=') && !word.starts_with('=')) || (word.ends_with('-') && word != "-")
}

/// Splits the arguments into objects and the changes after them; a word
/// naming an object after a change is an error (`pair_type`: `label`).
pub fn resources_and_pairs(args: &[String], pair_type: &str) -> Result<(Vec<String>, Vec<String>)> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for word in args {
        match (pairs.is_empty(), is_pair(word)) {
            (_, true) => pairs.push(word.clone()),
            (true, false) => resources.push(word.clone()),
            (false, false) => {
                bail!("all resources must be specified before {pair_type} changes: {word}")
            }
        }
    }
    Ok((resources, pairs))
}

/// New values (the last one given for a key wins) and keys to remove.
pub type Pairs = (BTreeMap<String, String>, Vec<String>);

/// `KEY=VALUE` (the value may hold `=`) and, with `support_remove`,
/// `KEY-`; every other word is listed in one error.
pub fn parse_pairs(pair_args: &[String], pair_type: &str, support_remove: bool) -> Result<Pairs> {
    let mut new = BTreeMap::new();
    let mut remove = Vec::new();
    let mut invalid: Vec<&str> = Vec::new();
    for arg in pair_args {
        if arg.contains('=') && !arg.starts_with('=') {
            if let Some((k, v)) = arg.split_once('=') {
                new.insert(k.to_string(), v.to_string());
            }
        } else if support_remove && arg.ends_with('-') && arg != "-" {
            remove.push(arg[..arg.len() - 1].to_string());
        } else {
            invalid.push(arg);
        }
    }
    if !invalid.is_empty() {
        bail!("invalid {pair_type} format: {}", invalid.join(", "));
    }
    Ok((new, remove))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn objects_come_before_changes() {
        let (r, p) = resources_and_pairs(&words("pods foo a=b c-"), "label").unwrap();
        assert_eq!(r, words("pods foo"));
        assert_eq!(p, words("a=b c-"));
        assert_eq!(
            resources_and_pairs(&words("pods a=b foo"), "label")
                .unwrap_err()
                .to_string(),
            "all resources must be specified before label changes: foo"
        );
        let (r, _) = resources_and_pairs(&words("=x a=b"), "label").unwrap();
        assert_eq!(r, words("=x"));
    }

    #[test]
    fn pairs_and_removals() {
        let (new, remove) = parse_pairs(&words("a=b=c d- a=x"), "annotation", true).unwrap();
        assert_eq!(new.get("a").map(String::as_str), Some("x"));
        assert_eq!(remove, ["d"]);
        assert_eq!(
            parse_pairs(&words("a- b =c"), "image", false)
                .unwrap_err()
                .to_string(),
            "invalid image format: a-, b, =c"
        );
    }

    #[test]
    fn config_flags_pairs_without_removal() {
        let items: Vec<String> = ["b-", "=v", "-", ""]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(
            parse_pairs(&items, "exec-env", false)
                .unwrap_err()
                .to_string(),
            "invalid exec-env format: b-, =v, -, "
        );
    }
}

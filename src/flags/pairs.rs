//! kubectl's `KEY=VALUE` lists (`cmdutil.ParsePairs`): `--annotations`,
//! `--auth-provider-arg`, `--exec-env`, where `KEY-` may ask for removal.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

/// The pairs given, and (when `support_remove`) the keys written `KEY-`.
/// Every malformed item is reported at once: `invalid exec-env format: a, =b`.
pub fn parse_pairs(
    items: &[String],
    what: &str,
    support_remove: bool,
) -> Result<(BTreeMap<String, String>, Vec<String>)> {
    let mut pairs = BTreeMap::new();
    let mut removals = Vec::new();
    let mut invalid = Vec::new();
    for item in items {
        match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                pairs.insert(k.to_string(), v.to_string());
            }
            Some(_) => invalid.push(item.as_str()),
            None if support_remove && item.len() > 1 && item.ends_with('-') => {
                removals.push(item[..item.len() - 1].to_string());
            }
            None => invalid.push(item.as_str()),
        }
    }
    if !invalid.is_empty() {
        bail!("invalid {what} format: {}", invalid.join(", "));
    }
    Ok((pairs, removals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn pairs_and_removals() {
        let (pairs, removals) = parse_pairs(&items(&["a=1", "b-", "c=x=y"]), "x", true).unwrap();
        assert_eq!(pairs["a"], "1");
        assert_eq!(pairs["c"], "x=y");
        assert_eq!(removals, ["b"]);
        assert_eq!(
            parse_pairs(&items(&["b-", "=v", "-", ""]), "exec-env", false)
                .unwrap_err()
                .to_string(),
            "invalid exec-env format: b-, =v, -, "
        );
    }
}

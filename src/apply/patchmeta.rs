//! Patch metadata of the kinds compiled into kubectl, for strategic merge
//! patches applied without a server (`patch --local`, `patch
//! --dry-run=client`): kubectl reads it from its Go structs' tags; kuddle
//! from `patchmeta.txt`, which `scripts/patchmetagen` writes from the same
//! structs.
//!
//! The table lists each kind's root struct (`K group/version Kind id`) and,
//! per struct (`@id`), the fields that can hold objects or lists, with Go's
//! type shape (`*T`, `[]T`, `map[K]V`, `@id` or a basic kind), the patch
//! strategy and the merge key.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::strategic::{PatchMeta, PatchMetaLookup};

static TABLE: &str = include_str!("patchmeta.txt");

struct Field {
    json: &'static str,
    shape: &'static str,
    strategy: &'static str,
    key: &'static str,
}

struct Table {
    kinds: HashMap<(&'static str, &'static str), &'static str>,
    structs: HashMap<&'static str, Vec<Field>>,
}

fn table() -> &'static Table {
    static TABLE_CELL: OnceLock<Table> = OnceLock::new();
    TABLE_CELL.get_or_init(|| {
        let mut kinds = HashMap::new();
        let mut structs: HashMap<&'static str, Vec<Field>> = HashMap::new();
        let mut current = "";
        for line in TABLE.lines() {
            if let Some(rest) = line.strip_prefix("K\t") {
                let mut cols = rest.split('\t');
                if let (Some(gv), Some(kind), Some(id)) = (cols.next(), cols.next(), cols.next()) {
                    kinds.insert((gv, kind), id);
                }
            } else if let Some(id) = line.strip_prefix('@') {
                current = id;
                structs.entry(id).or_default();
            } else if !line.is_empty() {
                let mut cols = line.split('\t');
                let field = Field {
                    json: cols.next().unwrap_or_default(),
                    shape: cols.next().unwrap_or_default(),
                    strategy: cols.next().unwrap_or_default(),
                    key: cols.next().unwrap_or_default(),
                };
                structs.entry(current).or_default().push(field);
            }
        }
        Table { kinds, structs }
    })
}

/// A position in a compiled-in type: a Go type shape.
#[derive(Debug, Clone, Copy)]
pub struct StructLookup {
    shape: &'static str,
}

impl StructLookup {
    /// The root of a kind kubectl compiles in (`apiVersion` as in objects:
    /// `v1`, `apps/v1`); None for other kinds (custom resources).
    pub fn for_kind(api_version: &str, kind: &str) -> Option<StructLookup> {
        let table = table();
        let id = table.kinds.get(&(api_version, kind))?;
        // The struct's header line `@id` in the table is its shape.
        let (header, _) = table.structs.get_key_value(id)?;
        let offset = (header.as_ptr() as usize).checked_sub(TABLE.as_ptr() as usize)?;
        let shape = TABLE.get(offset.checked_sub(1)?..offset + header.len())?;
        Some(StructLookup { shape })
    }

    /// Go's `reflect.Kind` name of the shape.
    fn kind(&self) -> &'static str {
        kind_of(self.shape)
    }

    fn deref(&self) -> StructLookup {
        StructLookup {
            shape: self.shape.strip_prefix('*').unwrap_or(self.shape),
        }
    }
}

fn kind_of(shape: &str) -> &'static str {
    if shape.starts_with('*') {
        "ptr"
    } else if shape.starts_with("[]") {
        "slice"
    } else if shape.starts_with("map[") {
        "map"
    } else if shape.starts_with('@') {
        "struct"
    } else {
        match shape {
            "string" => "string",
            "bool" => "bool",
            "int" => "int",
            "int32" => "int32",
            "int64" => "int64",
            "float64" => "float64",
            "interface" => "interface",
            _ => "invalid",
        }
    }
}

impl PatchMetaLookup for StructLookup {
    fn for_struct(&self, key: &str) -> Result<(Self, PatchMeta), String> {
        let t = self.deref();
        let Some(id) = t.shape.strip_prefix('@') else {
            return Err(format!(
                "merging an object in json but data type is not struct, instead is: {}",
                t.kind()
            ));
        };
        let fields = table().structs.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let found = fields
            .iter()
            .find(|f| f.json == key)
            .or_else(|| fields.iter().find(|f| f.json.eq_ignore_ascii_case(key)));
        let Some(field) = found else {
            let name = id.rsplit('.').next().unwrap_or(id);
            return Err(format!(
                "unable to find api field in struct {name} for the json field {}",
                crate::flags::go_values::go_quote(key)
            ));
        };
        let strategies = if field.strategy.is_empty() {
            Vec::new()
        } else {
            field.strategy.split(',').map(str::to_string).collect()
        };
        Ok((
            StructLookup { shape: field.shape },
            PatchMeta {
                strategies,
                merge_key: field.key.to_string(),
            },
        ))
    }

    fn for_slice(&self, key: &str) -> Result<(Self, PatchMeta), String> {
        let (field, meta) = self.for_struct(key)?;
        let element = if let Some(elem) = field.shape.strip_prefix("[]") {
            if elem.starts_with("[]") {
                return Err("unexpected slice of slice".into());
            }
            elem
        } else if let Some(target) = field.shape.strip_prefix('*') {
            target.strip_prefix("[]").unwrap_or(target)
        } else {
            return Err(format!(
                "expected slice or array type, but got: {}",
                self.kind()
            ));
        };
        Ok((StructLookup { shape: element }, meta))
    }

    fn name(&self) -> String {
        self.kind().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_containers_merge_by_name() {
        let root = StructLookup::for_kind("apps/v1", "Deployment").unwrap();
        let (spec, _) = root.for_struct("spec").unwrap();
        let (template, _) = spec.for_struct("template").unwrap();
        let (pod, _) = template.for_struct("spec").unwrap();
        let (container, meta) = pod.for_slice("containers").unwrap();
        assert_eq!(meta.merge_key, "name");
        assert_eq!(meta.strategies, vec!["merge".to_string()]);
        let (_, env) = container.for_slice("env").unwrap();
        assert_eq!(env.merge_key, "name");
        let (_, volumes) = pod.for_slice("volumes").unwrap();
        assert_eq!(volumes.strategies, vec!["merge", "retainKeys"]);
        assert_eq!(
            pod.for_struct("nope").unwrap_err(),
            "unable to find api field in struct PodSpec for the json field \"nope\""
        );
        assert_eq!(
            pod.for_struct("nodeSelector")
                .unwrap()
                .0
                .for_struct("x")
                .unwrap_err(),
            "merging an object in json but data type is not struct, instead is: map"
        );
        assert!(StructLookup::for_kind("example.com/v1", "Widget").is_none());
        assert!(StructLookup::for_kind("v1", "ConfigMap").is_some());
    }
}

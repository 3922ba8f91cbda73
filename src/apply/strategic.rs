//! Strategic merge patches as apimachinery computes and applies them: the
//! three-way patch `kubectl apply` sends (deletions from last-applied to the
//! manifest, plus changes from the live object to the manifest), and the
//! merge of such a patch into an object (for `--dry-run=client`).
//!
//! Lists are merged by the patch merge key and strategy the schema gives for
//! each field ([`PatchMetaLookup`]); `$patch`, `$setElementOrder/…`,
//! `$deleteFromPrimitiveList/…` and `$retainKeys` directives follow the
//! strategic merge patch design. Orderings follow Go's: merge-key values are
//! compared as their `%v` strings.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::printers::gofmt::sprint;

const DIRECTIVE: &str = "$patch";
const DELETE: &str = "delete";
const REPLACE: &str = "replace";
const MERGE: &str = "merge";
const RETAIN_KEYS_STRATEGY: &str = "retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

pub type JsonMap = Map<String, Value>;

/// What the schema says about one field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatchMeta {
    pub strategies: Vec<String>,
    pub merge_key: String,
}

/// Where patch metadata comes from (the server's OpenAPI, or a test table).
pub trait PatchMetaLookup: Sized {
    /// The schema of field `key` of this object, and its patch metadata.
    fn for_struct(&self, key: &str) -> Result<(Self, PatchMeta), String>;
    /// The schema of the items of list field `key`, and the list's metadata.
    fn for_slice(&self, key: &str) -> Result<(Self, PatchMeta), String>;
    /// A name for error messages.
    fn name(&self) -> String;
}

#[derive(Debug, Clone, Copy, Default)]
struct DiffOptions {
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    build_retain_keys_directive: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct MergeOptions {
    merge_parallel_list: bool,
    ignore_unmatched_nulls: bool,
}

/// Go's dynamic type of a decoded JSON value, for "types changed" checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoType {
    Nil,
    Bool,
    Int,
    Float,
    String,
    Map,
    Slice,
}

fn go_type(v: &Value) -> GoType {
    match v {
        Value::Null => GoType::Nil,
        Value::Bool(_) => GoType::Bool,
        Value::Number(n) if n.is_i64() => GoType::Int,
        Value::Number(_) => GoType::Float,
        Value::String(_) => GoType::String,
        Value::Object(_) => GoType::Map,
        Value::Array(_) => GoType::Slice,
    }
}

fn go_type_name(v: &Value) -> &'static str {
    match go_type(v) {
        GoType::Nil => "%!s(<nil>)",
        GoType::Bool => "bool",
        GoType::Int => "int64",
        GoType::Float => "float64",
        GoType::String => "string",
        GoType::Map => "map[string]interface {}",
        GoType::Slice => "[]interface {}",
    }
}

fn bad_arg_type(expected: &str, actual: &Value) -> String {
    format!(
        "expected a {expected}, but received a {}",
        go_type_name(actual)
    )
}

fn no_merge_key(m: &JsonMap, key: &str) -> String {
    format!(
        "map: {} does not contain declared merge key: {key}",
        sprint(&Value::Object(m.clone()))
    )
}

/// Go's `==` on two interface values holding decoded JSON scalars.
fn go_eq(a: &Value, b: &Value) -> bool {
    go_type(a) == go_type(b) && a == b
}

/// The three-way strategic merge patch from `original` (last applied),
/// `modified` (the manifest) and `current` (the live object).
pub fn create_three_way_merge_patch<L: PatchMetaLookup>(
    original: &JsonMap,
    modified: &JsonMap,
    current: &JsonMap,
    schema: &L,
    overwrite: bool,
) -> Result<JsonMap, String> {
    let delta = diff_maps(
        current,
        modified,
        schema,
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..Default::default()
        },
    )?;
    let deletions = diff_maps(
        original,
        modified,
        schema,
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..Default::default()
        },
    )?;
    let patch = merge_map(deletions, delta, schema, MergeOptions::default())?;
    if !overwrite {
        let changed = diff_maps(original, current, schema, DiffOptions::default())?;
        if maps_have_conflicts(&patch, &changed, schema)? {
            return Err(super::conflict_message(patch, changed));
        }
    }
    Ok(patch)
}

/// The two-way strategic merge patch that turns `original` into
/// `modified` (`CreateTwoWayMergePatch`, what `kubectl set` sends).
pub fn create_two_way_merge_patch<L: PatchMetaLookup>(
    original: &JsonMap,
    modified: &JsonMap,
    schema: &L,
) -> Result<JsonMap, String> {
    diff_maps(
        original,
        modified,
        schema,
        DiffOptions {
            set_element_order: true,
            ..Default::default()
        },
    )
}

/// Applies a strategic merge patch to `original` (as the server does).
pub fn strategic_merge_patch<L: PatchMetaLookup>(
    original: JsonMap,
    patch: JsonMap,
    schema: &L,
) -> Result<JsonMap, String> {
    merge_map(
        original,
        patch,
        schema,
        MergeOptions {
            merge_parallel_list: true,
            ignore_unmatched_nulls: true,
        },
    )
}

fn diff_maps<L: PatchMetaLookup>(
    original: &JsonMap,
    modified: &JsonMap,
    schema: &L,
    opts: DiffOptions,
) -> Result<JsonMap, String> {
    let mut patch = JsonMap::new();
    let mut retain_keys: Vec<Value> = Vec::new();
    for (key, modified_value) in modified {
        if opts.build_retain_keys_directive && !modified_value.is_null() {
            retain_keys.push(Value::String(key.clone()));
        }
        let Some(original_value) = original.get(key) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            let (Some(o), Some(m)) = (original_value.as_str(), modified_value.as_str()) else {
                return Err(format!("invalid value for special key: {DIRECTIVE}"));
            };
            if o != m {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        if go_type(original_value) != go_type(modified_value) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        match (original_value, modified_value) {
            (Value::Object(o), Value::Object(m)) => {
                handle_map_diff(key, o, m, &mut patch, schema, opts)?
            }
            (Value::Array(o), Value::Array(m)) => {
                handle_slice_diff(key, o, m, &mut patch, schema, opts)?
            }
            _ => replace_if_not_equal(key, original_value, modified_value, &mut patch, opts),
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    if !retain_keys.is_empty()
        && (!patch.is_empty() || has_additional_new_field(original, modified))
    {
        sort_scalars(&mut retain_keys);
        patch.insert(RETAIN_KEYS.to_string(), Value::Array(retain_keys));
    }
    Ok(patch)
}

fn handle_map_diff<L: PatchMetaLookup>(
    key: &str,
    original: &JsonMap,
    modified: &JsonMap,
    patch: &mut JsonMap,
    schema: &L,
    mut opts: DiffOptions,
) -> Result<(), String> {
    let (subschema, meta) = match schema.for_struct(key) {
        Ok(found) => found,
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    let (retain_keys, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
    opts.build_retain_keys_directive = retain_keys;
    if strategy == REPLACE {
        if !opts.ignore_changes_and_additions {
            patch.insert(key.to_string(), Value::Object(modified.clone()));
        }
        return Ok(());
    }
    let value = diff_maps(original, modified, &subschema, opts)?;
    if !value.is_empty() {
        patch.insert(key.to_string(), Value::Object(value));
    }
    Ok(())
}

fn handle_slice_diff<L: PatchMetaLookup>(
    key: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut JsonMap,
    schema: &L,
    mut opts: DiffOptions,
) -> Result<(), String> {
    let (subschema, meta) = match schema.for_slice(key) {
        Ok(found) => found,
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    let (retain_keys, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
    if strategy == MERGE {
        opts.build_retain_keys_directive = retain_keys;
        let (add, delete, order) =
            diff_lists(original, modified, &subschema, &meta.merge_key, opts)?;
        if !add.is_empty() {
            patch.insert(key.to_string(), Value::Array(add));
        }
        if !delete.is_empty() {
            patch.insert(
                format!("{DELETE_FROM_PRIMITIVE_LIST}/{key}"),
                Value::Array(delete),
            );
        }
        if !order.is_empty() {
            patch.insert(format!("{SET_ELEMENT_ORDER}/{key}"), Value::Array(order));
        }
        return Ok(());
    }
    let (o, m) = (
        Value::Array(original.to_vec()),
        Value::Array(modified.to_vec()),
    );
    replace_if_not_equal(key, &o, &m, patch, opts);
    Ok(())
}

fn replace_if_not_equal(
    key: &str,
    original: &Value,
    modified: &Value,
    patch: &mut JsonMap,
    opts: DiffOptions,
) {
    if opts.ignore_changes_and_additions || original == modified {
        return;
    }
    patch.insert(key.to_string(), modified.clone());
}

fn has_additional_new_field(original: &JsonMap, modified: &JsonMap) -> bool {
    original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k))
}

/// `(retainKeys?, other strategy)` from a field's strategies.
fn extract_retain_keys_strategy(strategies: &[String]) -> Result<(bool, String), String> {
    match strategies {
        [] => Ok((false, String::new())),
        [one] if one == RETAIN_KEYS_STRATEGY => Ok((true, String::new())),
        [one] => Ok((false, one.clone())),
        [a, b] if a == RETAIN_KEYS_STRATEGY => Ok((true, b.clone())),
        [a, b] if b == RETAIN_KEYS_STRATEGY => Ok((true, a.clone())),
        _ => Err(format!(
            "unexpected patch strategy: [{}]",
            strategies.join(" ")
        )),
    }
}

/// Element kind of one or more lists (all elements must share it).
fn slice_element_type(slices: &[&[Value]]) -> Result<GoType, String> {
    let mut prev: Option<GoType> = None;
    for s in slices {
        for v in s.iter() {
            let t = go_type(v);
            match prev {
                None => {
                    if t == GoType::Slice {
                        return Err("lists of lists are not supported".into());
                    }
                    prev = Some(t);
                }
                Some(p) if p != t => {
                    let shown: Vec<String> = slices
                        .iter()
                        .map(|s| sprint(&Value::Array(s.to_vec())))
                        .collect();
                    return Err(format!(
                        "list element types are not identical: [{}]",
                        shown.join(" ")
                    ));
                }
                _ => {}
            }
        }
    }
    prev.ok_or_else(|| "no elements in any of the given slices".to_string())
}

type ListDiff = (Vec<Value>, Vec<Value>, Vec<Value>);

fn diff_lists<L: PatchMetaLookup>(
    original: &[Value],
    modified: &[Value],
    schema: &L,
    merge_key: &str,
    opts: DiffOptions,
) -> Result<ListDiff, String> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((vec![], vec![], vec![]));
        }
        return Ok((modified.to_vec(), vec![], vec![]));
    }
    let kind = slice_element_type(&[original, modified])?;
    match kind {
        GoType::Map => {
            let (patch, deletions) =
                diff_lists_of_maps(original, modified, schema, merge_key, opts)?;
            let mut patch = normalize_slice_order(patch, modified, merge_key, kind)?;
            let order_same = is_order_same(original, modified, merge_key)?;
            patch.extend(deletions);
            let mut order = Vec::new();
            if opts.set_element_order
                && ((!opts.ignore_changes_and_additions && (!patch.is_empty() || !order_same))
                    || (!opts.ignore_deletions && !patch.is_empty()))
            {
                for v in modified {
                    let mut entry = JsonMap::new();
                    let key_value = v.get(merge_key).cloned().unwrap_or(Value::Null);
                    entry.insert(merge_key.to_string(), key_value);
                    order.push(Value::Object(entry));
                }
            }
            Ok((patch, vec![], order))
        }
        GoType::Slice => Err("lists of lists are not supported".into()),
        _ => {
            let (add, deletions) = diff_lists_of_scalars(original, modified, opts);
            let add = normalize_slice_order(add, modified, merge_key, kind)?;
            let mut order = Vec::new();
            if opts.set_element_order
                && ((!opts.ignore_deletions && !deletions.is_empty())
                    || (!opts.ignore_changes_and_additions && original != modified))
            {
                order = modified.to_vec();
            }
            Ok((add, deletions, order))
        }
    }
}

fn is_order_same(original: &[Value], modified: &[Value], merge_key: &str) -> Result<bool, String> {
    if original.len() != modified.len() {
        return Ok(false);
    }
    for (o, m) in original.iter().zip(modified) {
        if !merge_key_value_equal(o, m, merge_key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn merge_key_value_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool, String> {
    if merge_key.is_empty() {
        return Ok(go_eq(left, right));
    }
    let l = left
        .as_object()
        .ok_or_else(|| bad_arg_type("map[string]interface {}", left))?;
    let r = right
        .as_object()
        .ok_or_else(|| bad_arg_type("map[string]interface {}", right))?;
    let lk = l.get(merge_key).ok_or_else(|| no_merge_key(l, merge_key))?;
    let rk = r.get(merge_key).ok_or_else(|| no_merge_key(r, merge_key))?;
    Ok(go_eq(lk, rk))
}

/// Scalars sorted by their `%v` strings.
fn sort_scalars(list: &mut [Value]) {
    list.sort_by_cached_key(sprint);
}

/// apimachinery's in-place de-duplication (it moves the last element into
/// a duplicate's place, which shows in the resulting order).
fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    if s.is_empty() {
        return s;
    }
    let mut length = s.len() - 1;
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if go_eq(&s[i], &s[j]) {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    opts: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let mut o = original.to_vec();
    let mut m = modified.to_vec();
    sort_scalars(&mut o);
    sort_scalars(&mut m);
    let (mut oi, mut mi) = (0, 0);
    let mut add = Vec::new();
    let mut deletions = Vec::new();
    loop {
        let o_in = oi < o.len();
        let m_in = mi < m.len();
        if !o_in && !m_in {
            break;
        }
        let os = if o_in { sprint(&o[oi]) } else { String::new() };
        let ms = if m_in { sprint(&m[mi]) } else { String::new() };
        if o_in && m_in && os == ms {
            oi += 1;
            mi += 1;
        } else if !o_in || (m_in && os > ms) {
            if !opts.ignore_changes_and_additions {
                add.push(m[mi].clone());
            }
            mi += 1;
        } else {
            if !opts.ignore_deletions {
                deletions.push(o[oi].clone());
            }
            oi += 1;
        }
    }
    (add, deduplicate_scalars(deletions))
}

/// Maps sorted by the `%v` string of their merge key (unsorted elements
/// that are not maps are an error).
fn sort_maps_by_merge_key(list: &[Value], merge_key: &str) -> Result<Vec<Value>, String> {
    let mut out: Vec<Value> = Vec::with_capacity(list.len());
    for v in list {
        if !v.is_object() {
            return Err(bad_arg_type("map[string]interface {}", v));
        }
        out.push(v.clone());
    }
    out.sort_by_cached_key(|v| sprint(v.get(merge_key).unwrap_or(&Value::Null)));
    Ok(out)
}

fn diff_lists_of_maps<L: PatchMetaLookup>(
    original: &[Value],
    modified: &[Value],
    schema: &L,
    merge_key: &str,
    opts: DiffOptions,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let original_sorted = sort_maps_by_merge_key(original, merge_key)?;
    let modified_sorted = sort_maps_by_merge_key(modified, merge_key)?;
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    let (mut oi, mut mi) = (0, 0);
    loop {
        let o_in = oi < original_sorted.len();
        let m_in = mi < modified_sorted.len();
        if !o_in && !m_in {
            break;
        }
        let mut o_elem = None;
        let mut m_elem = None;
        let (mut os, mut ms) = (String::new(), String::new());
        if o_in {
            let (m, v) = map_and_merge_key(&original_sorted[oi], merge_key)?;
            os = sprint(v);
            o_elem = Some((m, v));
        }
        if m_in {
            let (m, v) = map_and_merge_key(&modified_sorted[mi], merge_key)?;
            ms = sprint(v);
            m_elem = Some((m, v));
        }
        match (o_elem, m_elem) {
            (Some((o, _)), Some((m, mv))) if os == ms => {
                let mut value = diff_maps(o, m, schema, opts)?;
                if !value.is_empty() {
                    value.insert(merge_key.to_string(), mv.clone());
                    patch.push(Value::Object(value));
                }
                oi += 1;
                mi += 1;
            }
            (None, Some((m, _))) => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(m.clone()));
                }
                mi += 1;
            }
            (Some(_), Some((m, _))) if os > ms => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(m.clone()));
                }
                mi += 1;
            }
            (Some((_, ov)), _) => {
                if !opts.ignore_deletions {
                    let mut d = JsonMap::new();
                    d.insert(merge_key.to_string(), ov.clone());
                    d.insert(DIRECTIVE.to_string(), Value::String(DELETE.into()));
                    deletions.push(Value::Object(d));
                }
                oi += 1;
            }
            (None, None) => break,
        }
    }
    Ok((patch, deletions))
}

fn map_and_merge_key<'a>(
    v: &'a Value,
    merge_key: &str,
) -> Result<(&'a JsonMap, &'a Value), String> {
    let m = v
        .as_object()
        .ok_or_else(|| bad_arg_type("map[string]interface {}", v))?;
    let k = m.get(merge_key).ok_or_else(|| no_merge_key(m, merge_key))?;
    Ok((m, k))
}

/// Position of `item` in `list` (by merge key for maps).
fn index_of(list: &[Value], item: &Value, merge_key: &str, kind: GoType) -> Option<usize> {
    let key_of = |v: &Value| -> Value {
        if kind == GoType::Map {
            v.as_object()
                .and_then(|m| m.get(merge_key).cloned())
                .unwrap_or(Value::Null)
        } else {
            v.clone()
        }
    };
    let want = key_of(item);
    list.iter().position(|v| go_eq(&key_of(v), &want))
}

fn validate_merge_key_in_lists(merge_key: &str, lists: &[&[Value]]) -> Result<(), String> {
    for list in lists {
        for item in list.iter() {
            let m = item
                .as_object()
                .ok_or_else(|| bad_arg_type("map[string]interface {}", item))?;
            if !m.contains_key(merge_key) {
                return Err(no_merge_key(m, merge_key));
            }
        }
    }
    Ok(())
}

fn is_delete_directive(v: &Value) -> bool {
    v.get(DIRECTIVE).and_then(Value::as_str) == Some(DELETE)
}

/// Sorts `to_sort` by the positions its items have in `order`; items with
/// `$patch: delete` go last.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: GoType,
) -> Result<Vec<Value>, String> {
    let mut to_sort = to_sort;
    let mut to_delete = Vec::new();
    if kind == GoType::Map {
        validate_merge_key_in_lists(merge_key, &[&to_sort, order])?;
        let (keep, delete): (Vec<Value>, Vec<Value>) =
            to_sort.into_iter().partition(|v| !is_delete_directive(v));
        to_sort = keep;
        to_delete = delete;
    }
    let positions: Vec<Option<usize>> = to_sort
        .iter()
        .map(|v| index_of(order, v, merge_key, kind))
        .collect();
    let mut indexed: Vec<(usize, Value)> = to_sort.into_iter().enumerate().collect();
    // Go's less(i, j) is "both known and i before j", else true; a stable
    // insertion sort with that relation reproduces sort.SliceStable.
    insertion_sort_by(&mut indexed, |a, b| {
        match (positions[a.0], positions[b.0]) {
            (Some(x), Some(y)) => x < y,
            _ => true,
        }
    });
    let mut out: Vec<Value> = indexed.into_iter().map(|(_, v)| v).collect();
    out.extend(to_delete);
    Ok(out)
}

/// Go's sort.SliceStable (insertion sort over blocks, then merges) reduces to
/// an insertion sort for the short lists patches hold; for longer ones the
/// relation is a consistent order whenever positions are all known.
fn insertion_sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    if items.len() <= 20 {
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
    } else {
        items.sort_by(|a, b| {
            if less(a, b) && !less(b, a) {
                Ordering::Less
            } else if less(b, a) && !less(a, b) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
    }
}

fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: GoType,
) -> Result<Vec<Value>, String> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        merge_key,
        kind,
    ))
}

fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: &str,
    kind: GoType,
) -> Vec<Value> {
    let size = left.len() + right.len();
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(size);
    for _ in 0..size {
        if i >= left.len() && j < right.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() && i < left.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let li = index_of(server_order, &left[i], merge_key, kind);
            let ri = index_of(server_order, &right[j], merge_key, kind);
            match (li, ri) {
                (Some(a), Some(b)) if a < b => {
                    out.push(left[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(right[j].clone());
                    j += 1;
                }
            }
        }
    }
    out
}

fn merge_map<L: PatchMetaLookup>(
    original: JsonMap,
    mut patch: JsonMap,
    schema: &L,
    opts: MergeOptions,
) -> Result<JsonMap, String> {
    if let Some(directive) = patch.get(DIRECTIVE).cloned() {
        return match directive.as_str() {
            Some(REPLACE) => {
                patch.shift_remove(DIRECTIVE);
                Ok(patch)
            }
            Some(DELETE) => Ok(JsonMap::new()),
            _ => Err(format!(
                "unknown patch type: {} in map: {}",
                sprint(&directive),
                sprint(&Value::Object(patch.clone()))
            )),
        };
    }
    let mut original = original;
    apply_retain_keys_directive(&mut original, &mut patch, opts)?;
    merge_patch_into_original(&mut original, &mut patch, schema, opts)?;

    let keys: Vec<String> = patch.keys().cloned().collect();
    for k in keys {
        let Some(patch_v) = patch.get(&k).cloned() else {
            continue;
        };
        let mut key = k.clone();
        let mut is_delete_list = false;
        if k.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            if !opts.merge_parallel_list {
                original.insert(k.clone(), patch_v);
                continue;
            }
            key = extract_key(&k, DELETE_FROM_PRIMITIVE_LIST)?;
            is_delete_list = true;
        }
        if patch_v.is_null() {
            original.shift_remove(&key);
            if opts.ignore_unmatched_nulls {
                continue;
            }
        }
        let Some(original_v) = original.get(&key).cloned() else {
            if !is_delete_list {
                let mut v = patch_v;
                if opts.ignore_unmatched_nulls {
                    discard_null_values(&mut v);
                }
                match remove_directives(v) {
                    Some(v) => {
                        original.insert(key, v);
                    }
                    None => {
                        original.shift_remove(&key);
                    }
                }
            }
            continue;
        };
        if go_type(&original_v) != go_type(&patch_v) {
            if !is_delete_list {
                let mut v = patch_v;
                if opts.ignore_unmatched_nulls {
                    discard_null_values(&mut v);
                }
                match remove_directives(v) {
                    Some(v) => {
                        original.insert(key, v);
                    }
                    None => {
                        original.shift_remove(&key);
                    }
                }
            }
            continue;
        }
        match (original_v, patch_v) {
            (Value::Object(o), Value::Object(p)) => {
                let (subschema, meta) = schema.for_struct(&key)?;
                let (_, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
                let merged = if strategy != REPLACE {
                    merge_map(o, p, &subschema, opts)?
                } else {
                    p
                };
                original.insert(key, Value::Object(merged));
            }
            (Value::Array(o), Value::Array(p)) => {
                let (subschema, meta) = schema.for_slice(&key)?;
                let (_, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
                let merged = if strategy == MERGE || is_delete_list {
                    merge_slice(o, p, &subschema, &meta.merge_key, opts, is_delete_list)?
                } else {
                    p
                };
                original.insert(key, Value::Array(merged));
            }
            (_, p) => match remove_directives(p) {
                Some(v) => {
                    original.insert(key, v);
                }
                None => {
                    original.shift_remove(&key);
                }
            },
        }
    }
    Ok(original)
}

fn extract_key(s: &str, prefix: &str) -> Result<String, String> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ => Err(match prefix {
            DELETE_FROM_PRIMITIVE_LIST => "invalid patch format of primitive list".into(),
            SET_ELEMENT_ORDER => "invalid patch format of setElementOrder list".into(),
            _ => format!("fail to find unknown prefix {prefix:?} in {s}\n"),
        }),
    }
}

fn discard_null_values(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            for v in m.values_mut() {
                discard_null_values(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(discard_null_values),
        _ => {}
    }
}

/// Strips directive maps; `None` when the value itself is a directive.
fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE) {
                return None;
            }
            let mut out = JsonMap::new();
            for (k, v) in m {
                if let Some(v) = remove_directives(v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}

fn apply_retain_keys_directive(
    original: &mut JsonMap,
    patch: &mut JsonMap,
    opts: MergeOptions,
) -> Result<(), String> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS) else {
        return Ok(());
    };
    if !opts.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if existing != &retain => {
                return Err(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                    sprint(existing),
                    sprint(&retain)
                ))
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.to_string(), retain);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = retain else {
        return Err("invalid patch format of retainKeys".into());
    };
    let keep: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !keep.contains(&k.as_str()) {
            return Err("invalid patch format of retainKeys".into());
        }
    }
    original.retain(|k, _| keep.contains(&k.as_str()));
    Ok(())
}

fn merge_patch_into_original<L: PatchMetaLookup>(
    original: &mut JsonMap,
    patch: &mut JsonMap,
    schema: &L,
    opts: MergeOptions,
) -> Result<(), String> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order_v) = patch.shift_remove(&key) else {
            continue;
        };
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if existing != &order_v => {
                    return Err("invalid patch format of setElementOrder list".into())
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_v.clone());
                }
            }
        }
        let Value::Array(order) = order_v else {
            return Err(bad_arg_type("[]interface {}", &order_v));
        };
        let original_key = extract_key(&key, SET_ELEMENT_ORDER)?;
        let original_list = match original.get(&original_key) {
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
            None => None,
        };
        let patch_list = match patch.get(&original_key) {
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
            None => None,
        };
        let (subschema, meta) = schema.for_slice(&original_key)?;
        let (_, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
        validate_patch_with_set_order_list(
            patch_list.as_deref().unwrap_or(&[]),
            &order,
            &meta.merge_key,
        )?;
        let merged = match (&original_list, &patch_list) {
            (Some(o), None) => o.clone(),
            (None, Some(p)) => match remove_directives(Value::Array(p.clone())) {
                Some(Value::Array(v)) => v,
                _ => continue,
            },
            (Some(o), Some(p)) => {
                if strategy == MERGE {
                    merge_slice(
                        o.clone(),
                        p.clone(),
                        &subschema,
                        &meta.merge_key,
                        opts,
                        false,
                    )?
                } else {
                    p.clone()
                }
            }
            (None, None) => continue,
        };
        let (patch_items, server_only) = if meta.merge_key.is_empty() {
            partition_primitives(&merged, &order)
        } else {
            partition_maps(&merged, &order, &meta.merge_key)?
        };
        let kind = slice_element_type(&[
            original_list.as_deref().unwrap_or(&[]),
            patch_list.as_deref().unwrap_or(&[]),
        ])?;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            original_list.as_deref().unwrap_or(&[]),
            &meta.merge_key,
            kind,
        )?;
        original.insert(original_key.clone(), Value::Array(both));
        patch.shift_remove(&original_key);
    }
    Ok(())
}

fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    order: &[Value],
    merge_key: &str,
) -> Result<(), String> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<&Value> = if merge_key.is_empty() {
        patch_list.iter().collect()
    } else {
        for v in patch_list {
            if !v.is_object() {
                return Err(bad_arg_type("map[string]interface {}", v));
            }
        }
        patch_list
            .iter()
            .filter(|v| !is_delete_directive(v))
            .collect()
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if non_delete[pi].get(DIRECTIVE).is_some() {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(non_delete[pi], &order[si], merge_key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            sprint(&Value::Array(patch_list.to_vec())),
            sprint(&Value::Array(order.to_vec()))
        ));
    }
    Ok(())
}

fn partition_primitives(list: &[Value], by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    list.iter()
        .cloned()
        .partition(|v| by.iter().any(|b| go_eq(b, v)))
}

fn partition_maps(
    list: &[Value],
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut patch = Vec::new();
    let mut server_only = Vec::new();
    for v in list {
        let (_, key) = map_and_merge_key(v, merge_key)?;
        if find_map_by_key(by, merge_key, key)?.is_some() {
            patch.push(v.clone());
        } else {
            server_only.push(v.clone());
        }
    }
    Ok((patch, server_only))
}

fn find_map_by_key(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>, String> {
    for (i, v) in list.iter().enumerate() {
        let m = v
            .as_object()
            .ok_or_else(|| format!("value for key {i} is not a map"))?;
        if m.get(key).is_some_and(|x| go_eq(x, value)) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn merge_slice<L: PatchMetaLookup>(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: &L,
    merge_key: &str,
    opts: MergeOptions,
    is_delete_list: bool,
) -> Result<Vec<Value>, String> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = slice_element_type(&[&original, &patch])?;
    let original_order = original.clone();
    let (merged, patch, original_for_order) = if kind != GoType::Map {
        if opts.merge_parallel_list && is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.iter().any(|d| go_eq(d, v)))
                .collect());
        }
        let mut both = original;
        both.extend(patch.iter().cloned());
        (deduplicate_scalars(both), patch, original_order)
    } else {
        if merge_key.is_empty() {
            return Err(format!(
                "cannot merge lists without merge key for {}",
                schema.name()
            ));
        }
        let (original, patch) = merge_slice_with_special_elements(original, patch, merge_key)?;
        let order = original.clone();
        let merged =
            merge_slice_without_special_elements(original, &patch, merge_key, schema, opts)?;
        (merged, patch, order)
    };
    let (patch_items, server_only) = if merge_key.is_empty() {
        partition_primitives(&merged, &patch)
    } else {
        partition_maps(&merged, &patch, merge_key)?
    };
    normalize_element_order(
        patch_items,
        server_only,
        &patch,
        &original_for_order,
        merge_key,
        kind,
    )
}

fn merge_slice_with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut without = Vec::new();
    let mut replace = false;
    for v in patch {
        let Some(m) = v.as_object() else {
            return Err(bad_arg_type("map[string]interface {}", &v));
        };
        match m.get(DIRECTIVE) {
            None => without.push(v),
            Some(d) => match d.as_str() {
                Some(DELETE) => {
                    let Some(key) = m.get(merge_key) else {
                        return Err(no_merge_key(m, merge_key));
                    };
                    while let Some(i) = find_map_by_key(&original, merge_key, key)? {
                        original.remove(i);
                    }
                }
                Some(REPLACE) => replace = true,
                Some(MERGE) => {
                    return Err("merging lists cannot yet be specified in the patch".into())
                }
                _ => {
                    return Err(format!(
                        "unknown patch type: {} in map: {}",
                        sprint(d),
                        sprint(&v)
                    ))
                }
            },
        }
    }
    if replace {
        return Ok((without, Vec::new()));
    }
    Ok((original, without))
}

fn merge_slice_without_special_elements<L: PatchMetaLookup>(
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
    schema: &L,
    opts: MergeOptions,
) -> Result<Vec<Value>, String> {
    for v in patch {
        let (m, key) = map_and_merge_key(v, merge_key)?;
        match find_map_by_key(&original, merge_key, key)? {
            Some(i) => {
                let existing = match std::mem::take(&mut original[i]) {
                    Value::Object(o) => o,
                    _ => JsonMap::new(),
                };
                original[i] = Value::Object(merge_map(existing, m.clone(), schema, opts)?);
            }
            None => original.push(v.clone()),
        }
    }
    Ok(original)
}

fn maps_have_conflicts<L: PatchMetaLookup>(
    left: &JsonMap,
    right: &JsonMap,
    schema: &L,
) -> Result<bool, String> {
    for (key, lv) in left {
        if key == DIRECTIVE || key == RETAIN_KEYS {
            continue;
        }
        let Some(rv) = right.get(key) else { continue };
        let (conflict, _) = match lv {
            Value::Array(_) => {
                let (sub, meta) = schema.for_slice(key)?;
                let (_, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
                (
                    field_conflicts(lv, rv, Some(&sub), &strategy, &meta.merge_key)?,
                    (),
                )
            }
            Value::Object(_) => {
                let (sub, meta) = schema.for_struct(key)?;
                let (_, strategy) = extract_retain_keys_strategy(&meta.strategies)?;
                (
                    field_conflicts(lv, rv, Some(&sub), &strategy, &meta.merge_key)?,
                    (),
                )
            }
            _ => (field_conflicts::<L>(lv, rv, None, "", "")?, ()),
        };
        if conflict {
            return Ok(true);
        }
    }
    Ok(false)
}

fn field_conflicts<L: PatchMetaLookup>(
    left: &Value,
    right: &Value,
    schema: Option<&L>,
    strategy: &str,
    merge_key: &str,
) -> Result<bool, String> {
    match left {
        Value::Object(l) => {
            let Value::Object(r) = right else {
                return Ok(true);
            };
            let (lm, rm) = (l.get(DIRECTIVE), r.get(DIRECTIVE));
            if (lm.is_some() || rm.is_some()) && lm != rm {
                return Ok(true);
            }
            if strategy == REPLACE {
                return Ok(false);
            }
            match schema {
                Some(s) => maps_have_conflicts(l, r, s),
                None => Ok(l != r),
            }
        }
        Value::Array(l) => {
            let Value::Array(r) = right else {
                return Ok(true);
            };
            let kind = slice_element_type(&[l, r])?;
            if strategy == MERGE {
                if kind != GoType::Map {
                    return Ok(false);
                }
                let key_map = |list: &[Value]| -> Result<JsonMap, String> {
                    let mut out = JsonMap::new();
                    for v in list {
                        let (_, k) = map_and_merge_key(v, merge_key)?;
                        out.insert(sprint(k), v.clone());
                    }
                    Ok(out)
                };
                let (lm, rm) = (key_map(l)?, key_map(r)?);
                for (k, lv) in &lm {
                    if let Some(rv) = rm.get(k) {
                        if field_conflicts(lv, rv, schema, "", "")? {
                            return Ok(true);
                        }
                    }
                }
                return Ok(false);
            }
            if l.len() != r.len() {
                return Ok(true);
            }
            let (mut l, mut r) = (l.clone(), r.clone());
            if kind != GoType::Map {
                l = deduplicate_scalars(l);
                sort_scalars(&mut l);
                r = deduplicate_scalars(r);
                sort_scalars(&mut r);
            }
            for (a, b) in l.iter().zip(r.iter()) {
                if field_conflicts(a, b, schema, "", "")? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Ok(left != right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A schema table: field path → (merge key, strategy).
    #[derive(Clone)]
    struct Table(
        &'static [(&'static str, &'static str, &'static str)],
        String,
    );

    impl PatchMetaLookup for Table {
        fn for_struct(&self, key: &str) -> Result<(Self, PatchMeta), String> {
            self.for_slice(key)
        }
        fn for_slice(&self, key: &str) -> Result<(Self, PatchMeta), String> {
            let path = format!("{}/{key}", self.1);
            let meta = self
                .0
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, k, s)| PatchMeta {
                    merge_key: k.to_string(),
                    strategies: if s.is_empty() {
                        vec![]
                    } else {
                        s.split(',').map(str::to_string).collect()
                    },
                })
                .unwrap_or_default();
            Ok((Table(self.0, path), meta))
        }
        fn name(&self) -> String {
            "Struct".into()
        }
    }

    const POD: &[(&str, &str, &str)] = &[
        ("/spec/containers", "name", "merge"),
        ("/spec/containers/env", "name", "merge"),
        ("/spec/containers/ports", "containerPort", "merge"),
        ("/metadata/finalizers", "", "merge"),
        ("/spec/volumes", "name", "merge,retainKeys"),
    ];

    fn obj(v: Value) -> JsonMap {
        v.as_object().unwrap().clone()
    }

    fn three_way(o: Value, m: Value, c: Value) -> Value {
        Value::Object(
            create_three_way_merge_patch(
                &obj(o),
                &obj(m),
                &obj(c),
                &Table(POD, String::new()),
                true,
            )
            .unwrap(),
        )
    }

    #[test]
    fn unchanged_gives_an_empty_patch() {
        let m = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}});
        let c = json!({"spec": {"containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}]}});
        assert_eq!(three_way(m.clone(), m, c), json!({}));
    }

    #[test]
    fn changed_image_is_patched_by_merge_key() {
        let o = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}});
        let m = json!({"spec": {"containers": [{"name": "a", "image": "y"}]}});
        let c = json!({"spec": {"containers": [{"name": "a", "image": "x", "tty": false}]}});
        assert_eq!(
            three_way(o, m, c),
            json!({"spec": {"$setElementOrder/containers": [{"name": "a"}], "containers": [{"name": "a", "image": "y"}]}})
        );
    }

    #[test]
    fn removed_items_and_fields_are_deleted() {
        let o = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let m =
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"containers": [{"name": "a"}]}});
        let c = o.clone();
        assert_eq!(
            three_way(o, m, c),
            json!({"metadata": {"labels": {"b": null}}, "spec": {"$setElementOrder/containers": [{"name": "a"}], "containers": [{"$patch": "delete", "name": "b"}]}})
        );
    }

    #[test]
    fn primitive_merge_lists_use_a_parallel_deletion_list() {
        let o = json!({"metadata": {"finalizers": ["a", "b"]}});
        let m = json!({"metadata": {"finalizers": ["a", "c"]}});
        assert_eq!(
            three_way(o.clone(), m, o),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "$setElementOrder/finalizers": ["a", "c"], "finalizers": ["c"]}})
        );
    }

    #[test]
    fn retain_keys_lists_the_kept_fields() {
        let o = json!({"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}});
        let m = json!({"spec": {"volumes": [{"name": "v", "hostPath": {"path": "/x"}}]}});
        let p = three_way(o.clone(), m, o);
        assert_eq!(
            p,
            json!({"spec": {"$setElementOrder/volumes": [{"name": "v"}], "volumes": [{"$retainKeys": ["hostPath", "name"], "emptyDir": null, "hostPath": {"path": "/x"}, "name": "v"}]}})
        );
    }

    #[test]
    fn merging_applies_order_deletions_and_retain_keys() {
        let schema = Table(POD, String::new());
        let live = obj(
            json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}, {"name": "s"}],
            "volumes": [{"name": "v", "emptyDir": {}}]}}),
        );
        let patch = obj(
            json!({"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
            "containers": [{"name": "c", "image": "z"}, {"$patch": "delete", "name": "b"}],
            "volumes": [{"$retainKeys": ["hostPath", "name"], "emptyDir": null, "hostPath": {"path": "/x"}, "name": "v"}]}}),
        );
        let merged = strategic_merge_patch(live, patch, &schema).unwrap();
        assert_eq!(
            Value::Object(merged),
            json!({"spec": {"containers": [{"name": "c", "image": "z"}, {"name": "a", "image": "x"}, {"name": "s"}],
                "volumes": [{"name": "v", "hostPath": {"path": "/x"}}]}})
        );
    }

    #[test]
    fn scalar_deduplication_moves_the_last_element() {
        let v = deduplicate_scalars(vec![json!("a"), json!("b"), json!("a"), json!("c")]);
        assert_eq!(v, vec![json!("a"), json!("b"), json!("c")]);
    }
}

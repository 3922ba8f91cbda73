//! Go's `sort.Sort` (Go 1.19 and later: pattern-defeating quicksort), step
//! for step.
//!
//! kubectl sorts `--sort-by` results with `sort.Sort`, which is not stable:
//! elements with equal keys end up wherever the algorithm leaves them, and
//! kubectl's comparison is not even a consistent order (an object without the
//! field is "less" than anything, including another object without it). To
//! print the same order we must make the same `less` and `swap` calls in the
//! same sequence, so this is a faithful port of the algorithm's control flow
//! (insertion sort for short ranges, median-of-three / Tukey ninther pivots,
//! the sortedness hints, partial insertion sort, equal-element partitioning,
//! pattern breaking with its length-seeded xorshift, heap sort fallback),
//! quirks included, rather than a sort with the same guarantees.

/// What `sort.Sort` needs of a collection (Go's `sort.Interface`).
pub trait Sortable {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether element `i` must sort before element `j`.
    fn less(&mut self, i: usize, j: usize) -> bool;
    fn swap(&mut self, i: usize, j: usize);
}

/// Sorts `data` exactly as Go's `sort.Sort` would.
pub fn sort(data: &mut dyn Sortable) {
    let n = data.len();
    if n <= 1 {
        return;
    }
    // bits.Len: the number of bits needed to write n.
    let limit = (usize::BITS - n.leading_zeros()) as usize;
    pdqsort(data, 0, n, limit);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

const MAX_INSERTION: usize = 12;

fn insertion_sort(data: &mut dyn Sortable, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && data.less(j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Restores the heap property of `data[lo..hi]`, offset by `first`.
fn sift_down(data: &mut dyn Sortable, lo: usize, hi: usize, first: usize) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && data.less(first + child, first + child + 1) {
            child += 1;
        }
        if !data.less(first + root, first + child) {
            return;
        }
        data.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort(data: &mut dyn Sortable, a: usize, b: usize) {
    let first = a;
    let hi = b - a;
    for i in (0..=(hi - 1) / 2).rev() {
        sift_down(data, i, hi, first);
    }
    for i in (0..hi).rev() {
        data.swap(first, first + i);
        sift_down(data, 0, i, first);
    }
}

/// Sorts `data[a..b]`; `limit` is how many badly unbalanced partitions are
/// allowed before falling back to heap sort.
fn pdqsort(data: &mut dyn Sortable, mut a: usize, mut b: usize, mut limit: usize) {
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(data, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(data, a, b);
            return;
        }
        if !was_balanced {
            break_patterns(data, a, b);
            limit -= 1;
        }

        let (mut pivot, mut hint) = choose_pivot(data, a, b);
        if hint == Hint::Decreasing {
            reverse_range(data, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced
            && was_partitioned
            && hint == Hint::Increasing
            && partial_insertion_sort(data, a, b)
        {
            return;
        }
        // Go compares with the element before the range (an absolute test
        // of `a > 0`, whatever range the caller started with).
        if a > 0 && !data.less(a - 1, pivot) {
            a = partition_equal(data, a, b, pivot);
            continue;
        }

        let (mid, already_partitioned) = partition(data, a, b, pivot);
        was_partitioned = already_partitioned;
        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(data, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(data, mid + 1, b, limit);
            b = mid;
        }
    }
}

/// One quicksort partition around `data[pivot]`: smaller elements before the
/// returned index, the rest after it. Also says whether nothing moved.
fn partition(data: &mut dyn Sortable, a: usize, b: usize, pivot: usize) -> (usize, bool) {
    data.swap(a, pivot);
    // i and j are inclusive bounds of what is left; j may step below a + 1,
    // so it is kept signed.
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    while i <= j && data.less(i as usize, a) {
        i += 1;
    }
    while i <= j && !data.less(j as usize, a) {
        j -= 1;
    }
    if i > j {
        data.swap(j as usize, a);
        return (j as usize, true);
    }
    data.swap(i as usize, j as usize);
    i += 1;
    j -= 1;
    loop {
        while i <= j && data.less(i as usize, a) {
            i += 1;
        }
        while i <= j && !data.less(j as usize, a) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    data.swap(j as usize, a);
    (j as usize, false)
}

/// Partitions `data[a..b]` (which holds nothing smaller than the pivot) into
/// elements equal to the pivot followed by greater ones.
fn partition_equal(data: &mut dyn Sortable, a: usize, b: usize, pivot: usize) -> usize {
    data.swap(a, pivot);
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    loop {
        while i <= j && !data.less(a, i as usize) {
            i += 1;
        }
        while i <= j && data.less(a, j as usize) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    i as usize
}

/// Fixes up a nearly sorted range with a few shifts; true when it ends up
/// sorted.
fn partial_insertion_sort(data: &mut dyn Sortable, a: usize, b: usize) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !data.less(i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        data.swap(i, i - 1);
        // Shift the smaller one to the left. Go stops at index 1, not at a.
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !data.less(j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
                j -= 1;
            }
        }
        // Shift the greater one to the right.
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !data.less(j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
                j += 1;
            }
        }
    }
    false
}

/// Swaps three elements around the middle with pseudo-random partners.
fn break_patterns(data: &mut dyn Sortable, a: usize, b: usize) {
    let length = b - a;

    if length < 8 {
        return;
    }
    let mut random = length as u64;
    let modulus = next_power_of_two(length);
    let start = a + (length / 4) * 2 - 1;
    for idx in start..=start + 2 {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut other = (random as usize) & (modulus - 1);
        if other >= length {
            other -= length;
        }
        data.swap(idx, a + other);
    }
}

/// `1 << bits.Len(length)`.
fn next_power_of_two(length: usize) -> usize {
    1usize << (usize::BITS - length.leading_zeros())
}

/// A pivot for `data[a..b]` and what sampling it said about the order.
fn choose_pivot(data: &mut dyn Sortable, a: usize, b: usize) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median_adjacent(data, i, &mut swaps);
            j = median_adjacent(data, j, &mut swaps);
            k = median_adjacent(data, k, &mut swaps);
        }
        j = median(data, i, j, k, &mut swaps);
    }
    let hint = match swaps {
        0 => Hint::Increasing,
        MAX_SWAPS => Hint::Decreasing,
        _ => Hint::Unknown,
    };
    (j, hint)
}

fn order2(data: &mut dyn Sortable, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
    if data.less(b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median(data: &mut dyn Sortable, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
    let (a, b) = order2(data, a, b, swaps);
    let (b, _c) = order2(data, b, c, swaps);
    let (_a, b) = order2(data, a, b, swaps);
    b
}

fn median_adjacent(data: &mut dyn Sortable, a: usize, swaps: &mut usize) -> usize {
    median(data, a - 1, a, a + 1, swaps)
}

fn reverse_range(data: &mut dyn Sortable, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, original index) pairs compared by key; with `missing`, a
    /// negative key is kubectl's absent value (less than anything, and
    /// nothing is less than it... unless it comes first).
    struct Pairs {
        keys: Vec<i64>,
        idx: Vec<usize>,
        rule: Rule,
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Rule {
        /// By key.
        Keys,
        /// By key, a negative key being kubectl's missing value.
        Missing,
        /// An arbitrary inconsistent relation between elements (by their
        /// original index), which drives pdqsort into bad pivots, pattern
        /// breaking and heap sort.
        Chaos,
    }

    impl Sortable for Pairs {
        fn len(&self) -> usize {
            self.keys.len()
        }
        fn less(&mut self, i: usize, j: usize) -> bool {
            if self.rule == Rule::Chaos {
                return (self.idx[i] * 7919 + self.idx[j] * 104729) % 11 < 4;
            }
            if self.rule == Rule::Missing {
                if self.keys[i] < 0 {
                    return true;
                }
                if self.keys[j] < 0 {
                    return false;
                }
            }
            self.keys[i] < self.keys[j]
        }
        fn swap(&mut self, i: usize, j: usize) {
            self.keys.swap(i, j);
            self.idx.swap(i, j);
        }
    }

    fn numbers(line: &str, prefix: &str) -> Vec<i64> {
        let rest = line
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("expected {prefix:?} in {line:?}"));
        rest.split_whitespace()
            .map(|w| w.parse().expect("a number"))
            .collect()
    }

    /// Replays a file of `keys:` / `order:` line pairs recorded from Go.
    fn replay(text: &str, rule: Rule) -> usize {
        let lines: Vec<&str> = text.lines().collect();
        assert!(!lines.is_empty() && lines.len() % 2 == 0);
        for pair in lines.chunks(2) {
            let keys = numbers(pair[0], "keys:");
            let want: Vec<usize> = numbers(pair[1], "order:")
                .into_iter()
                .map(|i| i as usize)
                .collect();
            let mut p = Pairs {
                idx: (0..keys.len()).collect(),
                keys: keys.clone(),
                rule,
            };
            sort(&mut p);
            assert_eq!(p.idx, want, "keys {keys:?}");
        }
        lines.len() / 2
    }

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/gosort")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn ties_land_where_go_leaves_them() {
        assert!(replay(&fixture("ties.txt"), Rule::Keys) > 100);
    }

    #[test]
    fn large_inputs_match_go() {
        assert!(replay(&fixture("large.txt"), Rule::Keys) >= 4);
    }

    #[test]
    fn inconsistent_missing_rule_matches_go() {
        assert!(replay(&fixture("missing.txt"), Rule::Missing) > 100);
    }

    #[test]
    fn sorts_what_it_is_given() {
        let mut p = Pairs {
            keys: vec![5, 3, 9, 1, 7, 3, 0, 2, 8, 6, 4, 11, 10, 12, 13],
            idx: (0..15).collect(),
            rule: Rule::Keys,
        };
        sort(&mut p);
        let mut want = p.keys.clone();
        want.sort();
        assert_eq!(p.keys, want);
    }

    #[test]
    fn bad_pivots_and_heap_sort_match_go() {
        assert!(replay(&fixture("chaos.txt"), Rule::Chaos) > 100);
    }

    /// Set KUDDLE_GOSORT_VECTORS=path[:missing|:chaos] to replay a bigger
    /// file from the generator described in tests/fixtures/gosort/README.md.
    #[test]
    fn extra_vectors_from_environment() {
        if let Ok(spec) = std::env::var("KUDDLE_GOSORT_VECTORS") {
            let (path, rule) = if let Some(p) = spec.strip_suffix(":missing") {
                (p.to_string(), Rule::Missing)
            } else if let Some(p) = spec.strip_suffix(":chaos") {
                (p.to_string(), Rule::Chaos)
            } else {
                (spec, Rule::Keys)
            };
            let text = std::fs::read_to_string(&path).expect("vector file");
            assert!(replay(&text, rule) > 0);
        }
    }
}

//! The YAML and KYAML printers against kubectl 1.37.1, offline.
//!
//! kubectl prints any object it can read when asked to relabel it locally:
//! `kubectl label --local -f objs.json foo=bar --overwrite -o yaml` reads
//! the objects (unstructured, as from a server), leaves them unchanged
//! (they already carry `foo: bar`) and prints each one. Each test builds
//! odd values in Rust, writes them to a file, and compares kubectl's output
//! with `kuddle::printers::yaml` / `kyaml` of the same values. (kubectl
//! makes a new printer per object here, so YAML documents come without
//! `---` between them; KYAML documents bring their own.)

mod common;
use common::*;

use kuddle::printers::{kyaml, sort_keys, yaml};
use serde_json::{json, Map, Value};

/// An object kubectl will accept and print unchanged, with `spec` as given.
fn thing(n: usize, spec: Value) -> Value {
    json!({
        "apiVersion": "example.com/v1",
        "kind": "Thing",
        "metadata": {"name": format!("x{n}"), "labels": {"foo": "bar"}},
        "spec": spec,
    })
}

/// kubectl's printout of `objects` in `format` (yaml or kyaml).
fn kubectl_prints(objects: &[Value], format: &str) -> Output {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let dir = common::scratch_root().join(format!(
        "kuddle-yaml-printer-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("objects.json");
    std::fs::write(&file, ascii_json(&list)).expect("write objects");
    let out = Invocation::new(&[
        "label",
        "--local",
        "-f",
        &file.display().to_string(),
        "foo=bar",
        "--overwrite",
        "-o",
        format,
    ])
    .env("KUBECONFIG", "/dev/null")
    .kubectl();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// JSON with every non-ASCII character escaped: kubectl reads files with a
/// YAML parser, which would take a raw U+2028 or U+0085 for a line break.
fn ascii_json(value: &Value) -> String {
    let text = serde_json::to_string(value).expect("json");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// kuddle's printout of the same objects, as kubectl sees them: with keys
/// in byte order (Go's JSON of an unstructured object; it decides the line
/// numbers in error messages and kyaml's key order). Objects that cannot be
/// printed are skipped and their errors reported at the end, as `kubectl
/// label` does (several errors one per line, without `error: `).
fn kuddle_prints(objects: &[Value], format: &str) -> Output {
    let mut stdout = String::new();
    let mut errors = Vec::new();
    for obj in objects {
        let mut sorted = obj.clone();
        sort_keys(&mut sorted);
        let result = match format {
            "yaml" => yaml::to_string(&sorted).map_err(|e| e.to_string()),
            _ => kyaml::to_string(&sorted).map_err(|e| e.to_string()),
        };
        match result {
            Ok(text) => stdout.push_str(&text),
            Err(e) => errors.push(e),
        }
    }
    let stderr = match errors.as_slice() {
        [] => String::new(),
        [one] => format!("error: {one}\n"),
        many => many.iter().map(|e| format!("{e}\n")).collect(),
    };
    Output {
        stdout,
        stderr,
        code: if errors.is_empty() { 0 } else { 1 },
    }
}

fn assert_both_formats(what: &str, objects: &[Value]) {
    for format in ["yaml", "kyaml"] {
        let expected = kubectl_prints(objects, format);
        let actual = kuddle_prints(objects, format);
        let context = format!("{what} (-o {format})");
        assert_same_text("stdout", &expected.stdout, &actual.stdout, &context);
        assert_same_text("stderr", &expected.stderr, &actual.stderr, &context);
        assert_eq!(expected.code, actual.code, "exit code for {context}");
    }
}

/// Puts every string where the printers treat it differently: a map value
/// at several depths, a list item, a map key, a value inside a list of maps.
fn strings_everywhere(strings: &[String]) -> Vec<Value> {
    strings
        .iter()
        .enumerate()
        .map(|(n, s)| {
            // kubectl cannot read back keys over 1024 characters (YAML's
            // limit for implicit keys).
            let mut keyed = Map::new();
            if s.len() < 1000 {
                keyed.insert(s.clone(), json!(n));
                keyed.insert(format!("k{s}"), json!(s));
            }
            thing(
                n,
                json!({
                    "value": s,
                    "list": [s, [s], {"item": s}],
                    "deep": {"deeper": {"deepest": s}},
                    "keyed": keyed,
                }),
            )
        })
        .collect()
}

fn check_strings(what: &str, strings: &[&str]) {
    let strings: Vec<String> = strings.iter().map(|s| s.to_string()).collect();
    assert_both_formats(what, &strings_everywhere(&strings));
}

/// `word` in every case variant: all lower, all upper, capitalised, and
/// each letter upper-cased on its own.
fn case_variants(word: &str) -> Vec<String> {
    let mut out = vec![
        word.to_lowercase(),
        word.to_uppercase(),
        word[..1].to_uppercase() + &word[1..],
    ];
    for i in 0..word.len() {
        let mut v = word.to_lowercase().into_bytes();
        v[i] = v[i].to_ascii_uppercase();
        out.push(String::from_utf8(v).expect("ascii"));
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn yaml11_words_in_every_case() {
    let mut strings = Vec::new();
    for word in [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", "+.inf", "-.inf",
        ".nan", "<<", "=", "nan", "inf", "t", "f", "1", "0",
    ] {
        strings.extend(case_variants(word));
    }
    let refs: Vec<&str> = strings.iter().map(String::as_str).collect();
    check_strings("YAML 1.1 words", &refs);
}

#[test]
fn numbers_and_dates_as_strings() {
    check_strings(
        "number-like strings",
        &[
            "0",
            "00",
            "012",
            "09",
            "0o17",
            "0O17",
            "0x1F",
            "0X1f",
            "0x",
            "0xG",
            "0b101",
            "0b102",
            "0b+101",
            "-0b101",
            "0b",
            "+1",
            "-1",
            "+-1",
            "1_000",
            "_1000",
            "1000_",
            "1__0",
            "1,000",
            "1.5",
            "1.",
            ".5",
            "._5",
            ".5_5",
            "-.5",
            "+.5",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "1e",
            "e3",
            "1_e3",
            "1e3_",
            "1e400",
            "-1e400",
            "1e-400",
            "0x1p3",
            "0x1.8p1",
            "Infinity",
            "-infinity",
            "NaN",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "1:20",
            "1:60",
            "-1:20:30",
            "190:20:30.15",
            "0:30",
            "1:2:3:4",
            "12:30:00",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14T21:59:43.10Z",
            "2001-12-14 21:59:43.10",
            "2001-12-14  21:59:43",
            "2001-12-14 21:59:43 ",
            "2001-12-14 21:59:43.10 -5",
            "2001-1-1",
            "2001-02-29",
            "2000-02-29",
            "2001-13-01",
            "2001-1-1T24:00:00Z",
            "2001-1-1T1:2:3+24:60",
            "2001-1-1T1:2:3+24:61",
            "2001-1-1T1:2:3,5Z",
            "20011-1-1",
            "1.2.3",
            "v1",
            "1a",
            "a1",
            "-",
            "+",
            ".",
            "..",
            "...",
            "---",
            "--",
            "- ",
            "-a",
            "--a",
            "1-2",
            "0.0.0.0/0",
            "127.0.0.1:8080",
        ],
    );
}

#[test]
fn indicators_and_punctuation() {
    check_strings(
        "indicators",
        &[
            "a: b",
            "a:b",
            "a:",
            ":a",
            ": a",
            "a :b",
            "a#b",
            "a #b",
            "#a",
            "a#",
            "a # b",
            "? a",
            "?a",
            "a?",
            "[a]",
            "a[b]",
            "{a}",
            "a{b}",
            "a,b",
            ",a",
            "&a",
            "*a",
            "!a",
            "|a",
            ">a",
            "'a'",
            "\"a\"",
            "a'b",
            "a\"b",
            "%a",
            "@a",
            "`a`",
            "a`b",
            "a!b",
            "a|b",
            "a>b",
            "a&b",
            "a*b",
            "a%b",
            "a@b",
            "<a>",
            "=",
            "==",
            "a\\b",
            "\\",
            "\\n",
            "it's",
            "''",
            "\"\"",
            "a\"",
            "'",
            "\"",
            "a - b",
            "a -b",
            "- a",
            "-- a",
            "--- a",
            "...a",
            "…",
            "a...",
            "http://example.com/a?b=c#d",
            "${VAR}",
            "$(cmd)",
            "C:\\path\\to",
            "a/b",
            "/",
        ],
    );
}

#[test]
fn whitespace_and_control_characters() {
    check_strings(
        "whitespace",
        &[
            "",
            " ",
            "  ",
            " a",
            "a ",
            " a ",
            "a  b",
            "a\tb",
            "\ta",
            "a\t",
            "\t",
            "a\rb",
            "a\r\nb",
            "\r",
            "a\u{0}b",
            "\u{1}",
            "\u{7}",
            "\u{8}",
            "\u{b}",
            "\u{c}",
            "\u{1b}[0m",
            "\u{1f}",
            "\u{85}",
            "a\u{85}b",
            " \u{85} a \u{85}\u{85} b\u{85}",
            "\u{a0}",
            "a\u{a0}b",
            "\u{ad}",
            "\u{200b}",
            "\u{2028}",
            "a\u{2028}b",
            "a\u{2029}b",
            "\u{202e}abc",
            "\u{feff}",
            "\u{feff}abc",
            "a\u{feff}b",
            "\u{fffd}",
            "\u{e000}",
            "\u{f8ff}",
            "\u{3000}",
            "a\u{3000}b",
            "a\u{85}---",
            "a\u{85}--- b",
            "a\u{85}... b",
            "a\u{85} --- b",
            "a\u{85}\u{85}---\u{85}",
        ],
    );
}

/// Characters kubectl's YAML reader refuses: kubectl prints an error.
#[test]
fn unprintable_strings() {
    for s in [
        "\u{7f}",
        "a\u{80}",
        "\u{9f}b",
        "\u{fffe}",
        "\u{ffff}",
        "ok\u{85}\u{84}",
    ] {
        assert_both_formats(&format!("{s:?} as value"), &[thing(0, json!({ "v": s }))]);
        assert_both_formats(&format!("{s:?} as key"), &[thing(0, json!({ s: 1 }))]);
    }
    // Map keys must be one line of at most 1024 characters of JSON text.
    for key in [
        "k".repeat(1022),
        "k".repeat(1023),
        "<".repeat(170),
        "<".repeat(171),
        "é".repeat(1023),
        "\t".repeat(511),
        "\t".repeat(512),
        "a\u{85}b".to_string(),
        "\u{85}".to_string(),
    ] {
        assert_both_formats(
            "long or multi-line key",
            &[thing(0, json!({ key.clone(): 1 }))],
        );
        let nested = json!({"a": "x\u{85}y", "b": {"c": [{ key: 1 }]}});
        assert_both_formats("long or multi-line key after a NEL", &[thing(0, nested)]);
    }
    let marker = json!({"a": "\u{85}", "b": "x\u{85}--- y"});
    assert_both_formats("document marker after a NEL", &[thing(0, marker)]);
    // An error in one object; the others still print.
    let objects = [
        thing(0, json!("fine")),
        thing(1, json!({"v": "bad\u{7f}"})),
        thing(2, json!({"v": "fine \u{85}too"})),
    ];
    assert_both_formats("one bad object among good ones", &objects);
}

#[test]
fn unicode_text() {
    check_strings(
        "unicode",
        &[
            "é",
            "e\u{301}",
            "\u{301}",
            "中文",
            "日本語のテキスト",
            "한국어",
            "Ελληνικά",
            "кириллица",
            "עברית",
            "العربية",
            "हिन्दी",
            "😀",
            "a😀b",
            "👍🏽",
            "👨‍👩‍👧",
            "🇺🇸",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "𠜎",
            "Ⅻ",
            "²",
            "٣",
            "١٢٣",
            "½",
            "™",
            "€100",
            "ß",
            "ﬁ",
            "İ",
            "ǅ",
            "\u{1f600} smile",
            "emoji: 😀",
            "tab\t中文",
        ],
    );
}

#[test]
fn multi_line_strings() {
    check_strings(
        "multi-line",
        &[
            "a\nb",
            "a\nb\n",
            "a\nb\n\n",
            "a\nb\n\n\n",
            "\n",
            "\n\n",
            "\na",
            "\na\n",
            " \n",
            "\n ",
            "a\n ",
            "a \nb",
            "a\n b",
            " a\nb",
            "  a\n  b\n",
            "\ta\nb",
            "a\n\tb",
            "a\tb\nc",
            "a\r\nb\r\n",
            "a\n\nb",
            "a\n \nb",
            "a\u{85}\nb",
            "a\u{2028}\nb",
            "a\n\u{2028}",
            "😀\n",
            "中文\n第二行",
            "#!/bin/sh\necho hi\n",
            "key: value\nk2: v2\n",
            "- a\n- b\n",
            "---\na\n",
            "a\n---\nb",
            "a\n...\n",
            "\"quoted\"\n'single'\n",
            "trailing space \nnext",
            "x\n\n\n\ny",
            "\u{feff}a\nb",
        ],
    );
}

#[test]
fn long_strings_fold_at_80_columns() {
    let mut strings = Vec::new();
    let word_runs = ["a", "ab", "word", "longerword", "x".repeat(30).as_str()].map(String::from);
    for word in &word_runs {
        for count in [10, 17, 20, 27, 40, 81] {
            strings.push(vec![word.as_str(); count].join(" "));
        }
    }
    strings.push("x".repeat(300));
    strings.push(format!("{} {}", "x".repeat(100), "y".repeat(100)));
    strings.push(format!("{}  {}", "a".repeat(79), "b".repeat(10)));
    strings.push(format!("{}   b c", "a ".repeat(40)));
    strings.push(format!("{} b", "a".repeat(81)));
    strings.push(format!("{} ", "a ".repeat(50)));
    strings.push(format!(" {}", "a ".repeat(50).trim_end()));
    strings.push(format!(
        "{}: {}",
        "a ".repeat(30),
        "b ".repeat(30).trim_end()
    ));
    strings.push(format!(
        "{}\t{}",
        "a ".repeat(45),
        "b ".repeat(30).trim_end()
    ));
    strings.push(format!(
        "{}😀 {}",
        "a ".repeat(45),
        "b ".repeat(30).trim_end()
    ));
    strings.push(format!("'{}'", "it's ".repeat(30).trim_end()));
    strings.push(format!(
        "{}\n{}",
        "a ".repeat(60),
        "b ".repeat(60).trim_end()
    ));
    strings.push("é ".repeat(60).trim_end().to_string());
    strings.push("中文 ".repeat(40).trim_end().to_string());
    let refs: Vec<&str> = strings.iter().map(String::as_str).collect();
    check_strings("long strings", &refs);
}

#[test]
fn keys_sort_naturally() {
    let keys = [
        "a", "A", "b", "B", "_x", "_", "-", ".", "1", "01", "001", "10", "2", "a1", "a01", "a001",
        "a10", "a9", "a09", "ab1", "a.b", "a-b", "a_b", "a/b", "ab", "abc", "aB", "Ab", "z", "Z",
        "é", "e", "ê", "中", "x10y2", "x10y10", "x9y10", "0", "00", "a0", "a00", "10a", "9a", "😀",
        "٣", "a٣", "a3", "~", "zz", "zzz", "a b", "a  b", "A1", "A01", "v1beta1", "v1beta2", "v2",
        "version", "Version", "ab10c", "ab9c", "ab10", "x-1", "x-01", "x.1", "x.10", "x.9",
    ];
    let mut map = Map::new();
    for (i, k) in keys.iter().enumerate() {
        map.insert(k.to_string(), json!(i));
    }
    let objects = vec![
        thing(0, Value::Object(map.clone())),
        thing(1, json!([Value::Object(map)])),
    ];
    assert_both_formats("key order", &objects);
}

/// go-yaml's key order is not transitive for some key sets (`v1alpha1` <
/// `v2` < `v10` < `v1alpha1`); Go then sorts map keys that arrive in random
/// order, so kubectl's own output varies from run to run. Only the lines
/// printed can be compared.
#[test]
fn intransitive_key_sets_print_the_same_lines() {
    let mut map = Map::new();
    for (i, k) in [
        "v1alpha1", "v1beta1", "v2", "v10", "a10", "a1b", "a2", "0a", "1", "01",
    ]
    .iter()
    .enumerate()
    {
        map.insert(k.to_string(), json!(i));
    }
    let objects = [thing(0, Value::Object(map))];
    let sorted_lines = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines.sort();
        lines
    };
    assert_eq!(
        sorted_lines(&kubectl_prints(&objects, "yaml").stdout),
        sorted_lines(&kuddle_prints(&objects, "yaml").stdout)
    );
}

#[test]
fn long_and_multi_line_keys() {
    let long = "k".repeat(129);
    let exact = "k".repeat(128);
    let spaced = ["key"; 40].join(" ");
    let mut map = Map::new();
    for (i, k) in [
        long.as_str(),
        exact.as_str(),
        spaced.as_str(),
        "multi\nline",
        "trailing\n",
        "a\u{2028}b",
        "yes",
        "",
        " lead",
        "a: b",
        "tab\tkey",
        "😀",
    ]
    .iter()
    .enumerate()
    {
        map.insert(k.to_string(), json!(i));
    }
    map.insert(format!("{long}-map"), json!({"a": 1, "b": [1, 2]}));
    map.insert(format!("{long}-list"), json!([1, {"a": 2}]));
    map.insert(format!("{long}-str"), json!("multi\nline value"));
    map.insert(format!("{spaced} multi\nline"), json!({}));
    let objects = vec![
        thing(0, Value::Object(map.clone())),
        thing(1, json!([Value::Object(map.clone())])),
        thing(2, json!({"nested": {"deeper": Value::Object(map)}})),
    ];
    assert_both_formats("odd keys", &objects);
}

#[test]
fn numbers_booleans_nulls_and_collections() {
    let spec = json!({
        "ints": [0, 1, -1, 42, 9223372036854775807i64, -9223372036854775808i64],
        "big": [9223372036854775808u64, 18446744073709551615u64, 12345678901234567890u64],
        "floats": [
            0.5, -0.5, 1.0, -0.0, 1.5, 100000.5, 1234567.5, 0.0001, 0.00001, 1e-6, 1.5e-7,
            1e-7, 1e20, 1e21, 1.5e300, -2.5e-300, 5e-324, 1.7976931348623157e308,
            123456789.125, 0.1, 0.2, 0.30000000000000004, 3.25159, 2.5e6, 1e6, 999999.5
        ],
        "bools": [true, false],
        "null": null,
        "nulls": [null, {"a": null}],
        "empty": {"map": {}, "list": [], "string": "", "lists": [[], [[]], {}, [{}]]},
        "mixed": [1, "a", [1, "b"], {"k": [true]}, null, [], {}],
        "nested": [[[1, 2], [3]], [[{"a": [[]]}]]],
        "listOfMaps": [{"a": 1, "b": {"c": [1, 2]}}, {"d": []}],
    });
    assert_both_formats("numbers and collections", &[thing(0, spec)]);
}

fn random_strings_from(alphabet: &str, count: usize, seed: u64) -> Vec<String> {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let len = match rng.u8(..10) {
                0..=5 => rng.usize(0..8),
                6..=8 => rng.usize(8..40),
                _ => rng.usize(40..200),
            };
            (0..len)
                .map(|_| match rng.u8(..6) {
                    // Spaces and letters often, so words and folds appear.
                    0 => ' ',
                    1 => 'a',
                    _ => alphabet[rng.usize(..alphabet.len())],
                })
                .collect()
        })
        .collect()
}

/// Random strings from an alphabet of troublemakers, many at once.
#[test]
fn random_strings() {
    let troublemakers = concat!(
        "aaaaaeeeeexyzAZ01234567890_-.:#'\"\\ \n\t{}[],&*!|>%@`?~+=/<",
        "\r\u{0}\u{7}\u{1b}\u{a0}é中😀\u{2028}\u{feff}\u{301}\u{3000}"
    );
    let objects = strings_everywhere(&random_strings_from(troublemakers, 1800, 20260113));
    for chunk in objects.chunks(200) {
        assert_both_formats("random strings", chunk);
    }
    // With NELs, which kubectl's YAML reader folds (and refuses in keys).
    let with_nel = format!("{troublemakers}\u{85}\u{85}\u{85}---...");
    let objects = strings_everywhere(&random_strings_from(&with_nel, 300, 7));
    for chunk in objects.chunks(100) {
        assert_both_formats("random strings with NEL", chunk);
    }
}

#[test]
fn several_documents_are_separated() {
    let objects = [
        thing(0, json!({"a": "x"})),
        thing(1, json!({"b": [1]})),
        thing(2, json!("text\n")),
    ];
    let mut printer = kuddle::printers::Printer::new(kuddle::printers::OutputFormat::Yaml);
    let mut out = Vec::new();
    for obj in &objects {
        printer.print(obj, &mut out).expect("print");
    }
    let expected = objects
        .iter()
        .map(|o| yaml::to_string(o).expect("printable"))
        .collect::<Vec<_>>()
        .join("---\n");
    assert_eq!(String::from_utf8(out).expect("utf-8"), expected);

    // kubectl counts an object that fails to print: its separator stays.
    let mut printer = kuddle::printers::Printer::new(kuddle::printers::OutputFormat::Yaml);
    let mut out = Vec::new();
    let bad = thing(1, json!("bad\u{7f}"));
    printer.print(&objects[0], &mut out).expect("print");
    let err = printer
        .print(&bad, &mut out)
        .expect_err("DEL cannot be printed");
    assert_eq!(err.to_string(), "yaml: control characters are not allowed");
    printer.print(&objects[1], &mut out).expect("print");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.matches("\n---\n---\napiVersion").count(), 1, "{text}");

    let mut printer = kuddle::printers::Printer::new(kuddle::printers::OutputFormat::Kyaml);
    let mut out = Vec::new();
    for obj in &objects {
        printer.print(obj, &mut out).expect("print");
    }
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.matches("---\n").count(), 3);
    assert!(text.starts_with("---\n{\n"));
}

/// Typed objects keep Go's field order in kyaml; strings go through
/// kuddle's own `create deployment`.
#[test]
fn create_deployment_with_odd_names() {
    for (name, image) in [
        ("web", "nginx"),
        ("yes", "no"),
        ("a: b", "#image"),
        ("1e3", "0x1F"),
        ("名前", "😀"),
        ("-", "-"),
        ("x", "registry.example.com:5000/team/app:v1.2.3"),
    ] {
        for format in ["yaml", "kyaml"] {
            let name_arg = format!("--image={image}");
            assert_same(&Invocation::new(&[
                "create",
                "deployment",
                name,
                &name_arg,
                "--dry-run=client",
                "-o",
                format,
            ]));
        }
    }
}

/// More random strings, at more depths: `KUDDLE_YAML_FUZZ_ROUNDS=20 cargo
/// test --test yaml_printer -- --ignored` (each round a new seed).
#[test]
#[ignore]
fn fuzz_many_rounds() {
    let rounds: u64 = std::env::var("KUDDLE_YAML_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let alphabet = concat!(
        "aaaaaeeeeexyzAZ01234567890_-.:#'\"\\ \n\n\t{}[],&*!|>%@`?~+=/<yYnNoOtTfF",
        "\r\u{0}\u{7}\u{1b}\u{a0}é中😀\u{2028}\u{2029}\u{feff}\u{301}\u{3000}\u{85}"
    );
    for round in 0..rounds {
        let strings = random_strings_from(alphabet, 1000, 1000 + round);
        let objects: Vec<Value> = strings
            .iter()
            .enumerate()
            .map(|(n, s)| {
                thing(
                    n,
                    json!({"a": s, "b": [[s, {"c": {"d": [{"e": s}]}}]], "f": {"g": {"h": {"i": s}}}}),
                )
            })
            .collect();
        for chunk in objects.chunks(250) {
            assert_both_formats(&format!("fuzz round {round}"), chunk);
        }
    }
}

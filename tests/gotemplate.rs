//! `-o go-template` (and `template`, `go-template-file`, `templatefile`,
//! `--template`, `--allow-missing-template-keys`) against kubectl 1.37.1.
//!
//! The corpus in tests/fixtures/gotemplate/corpus.txt runs through the
//! command line where kuddle has the verb (`create deployment|service|
//! ingress`, `config view`), and at library level for the objects only
//! kubectl can make offline (secrets, config maps, jobs…): kubectl prints
//! the object with `-o json`, kuddle's printer runs the template on that,
//! and the result must equal kubectl's own `-o go-template` output.

mod common;
use common::*;

use kuddle::printers::{OutputFormat, Printer, TemplateFlags, OBJECT_FORMATS};
use serde_json::Value;

struct Entry {
    object: String,
    strict: bool,
    file: bool,
    source: String,
    template: String,
}

fn corpus() -> Vec<Entry> {
    let text = std::fs::read_to_string(fixture("gotemplate/corpus.txt")).expect("corpus");
    let mut entries: Vec<Entry> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let flush = |entries: &mut Vec<Entry>, body: &mut Vec<&str>| {
        if let Some(e) = entries.last_mut() {
            e.template = body.join("\n");
        }
        body.clear();
    };
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("=== ") {
            flush(&mut entries, &mut body);
            let (words, source) = header.split_once(" | ").expect("header has a source");
            let words: Vec<&str> = words.split_whitespace().collect();
            entries.push(Entry {
                object: words[0].to_string(),
                strict: words.contains(&"strict"),
                file: words.contains(&"file"),
                source: source.to_string(),
                template: String::new(),
            });
        } else if !entries.is_empty() {
            body.push(line);
        }
    }
    flush(&mut entries, &mut body);
    entries
}

fn kubeconfig() -> String {
    fixture("gotemplate/kubeconfig.yaml").display().to_string()
}

/// The command that makes each object, and whether kuddle has it.
fn object_command(object: &str) -> (Vec<String>, bool) {
    let words: Vec<&str> = match object {
        "deployment" => vec![
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--image=busybox:1.2",
            "--port=80",
            "-r",
            "3",
            "--dry-run=client",
        ],
        "service" => vec![
            "create",
            "service",
            "clusterip",
            "web",
            "--tcp=80:8080",
            "--tcp=443:8443",
            "--dry-run=client",
        ],
        "ingress" => vec![
            "create",
            "ingress",
            "web",
            "--rule=foo.com/bar*=svc1:8080,tls=my-cert",
            "--rule=bar.com/=svc2:http",
            "--annotation=a=b",
            "--class=nginx",
            "--dry-run=client",
        ],
        "config" => {
            let mut v = vec!["config", "view", "--raw", "--kubeconfig"];
            return (
                {
                    let mut w: Vec<String> = v.drain(..).map(str::to_string).collect();
                    w.push(kubeconfig());
                    w
                },
                true,
            );
        }
        "secret" => vec![
            "create",
            "secret",
            "generic",
            "creds",
            "--from-literal=username=admin",
            "--from-literal=password=s3cr<e>t&",
            "--dry-run=client",
        ],
        "configmap" => vec![
            "create",
            "configmap",
            "app",
            "--from-literal=app.properties=color=blue",
            "--from-literal=script=#!/bin/sh\necho \"hi\"\n",
            "--dry-run=client",
        ],
        "namespace" => vec!["create", "namespace", "dev", "--dry-run=client"],
        "job" => vec![
            "create",
            "job",
            "hello",
            "--image=busybox",
            "--dry-run=client",
            "--",
            "echo",
            "hi",
        ],
        "cronjob" => vec![
            "create",
            "cronjob",
            "tick",
            "--image=busybox",
            "--schedule=*/5 * * * *",
            "--dry-run=client",
            "--",
            "date",
        ],
        other => panic!("unknown corpus object {other}"),
    };
    let kuddle_has_it = matches!(object, "deployment" | "service" | "ingress");
    (
        words.into_iter().map(str::to_string).collect(),
        kuddle_has_it,
    )
}

/// Inserts the output flags before a `--` that ends the flags.
fn with_output(command: &[String], output: &[String]) -> Vec<String> {
    let mut all = command.to_vec();
    let at = all.iter().position(|w| w == "--").unwrap_or(all.len());
    for (i, w) in output.iter().enumerate() {
        all.insert(at + i, w.clone());
    }
    all
}

/// kuddle's printer on objects kubectl printed as JSON.
fn print_with_kuddle(objects: &[Value], output: &str, allow_missing: bool) -> Output {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let flags = TemplateFlags {
        template: "",
        allow_missing_keys: allow_missing,
    };
    let result =
        OutputFormat::parse_with_template(output, OBJECT_FORMATS, flags).and_then(|format| {
            let mut printer = Printer::new(format).typed();
            objects
                .iter()
                .try_for_each(|obj| printer.print(obj, &mut out))
        });
    let code = match result {
        Ok(()) => 0,
        Err(e) => kuddle::error::render(&e, &mut err),
    };
    Output {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        code,
    }
}

/// Runs one entry; `Some(report)` when kuddle differs from kubectl.
fn check(entry: &Entry, scratch: &std::path::Path, n: usize) -> Option<String> {
    let (command, kuddle_has_it) = object_command(&entry.object);
    let output = if entry.file {
        let path = scratch.join(format!("template-{n}.tmpl"));
        std::fs::write(&path, format!("{}\n", entry.template)).expect("template file");
        format!("go-template-file={}", path.display())
    } else {
        format!("go-template={}", entry.template)
    };
    let mut flags = vec!["-o".to_string(), output.clone()];
    if entry.strict {
        flags.push("--allow-missing-template-keys=false".into());
    }
    let inv = Invocation::new(&with_output(&command, &flags));
    let expected = inv.kubectl();
    let actual = if kuddle_has_it || entry.object == "config" {
        inv.kuddle()
    } else {
        let json = Invocation::new(&with_output(&command, &["-o".into(), "json".into()])).kubectl();
        assert_eq!(json.code, 0, "kubectl -o json failed: {}", json.stderr);
        let objects: Vec<Value> = serde_json::Deserializer::from_str(&json.stdout)
            .into_iter::<Value>()
            .map(|v| v.expect("JSON"))
            .collect();
        print_with_kuddle(&objects, &output, !entry.strict)
    };
    let same = expected.stdout == actual.stdout
        && normalize_stderr(&expected.stderr) == normalize_stderr(&actual.stderr)
        && expected.code == actual.code;
    (!same).then(|| {
        format!(
            "--- {} ({}): {:?}\n kubectl: {:?} {:?} exit {}\n kuddle:  {:?} {:?} exit {}\n",
            entry.object,
            entry.source,
            entry.template,
            expected.stdout,
            expected.stderr,
            expected.code,
            actual.stdout,
            actual.stderr,
            actual.code
        )
    })
}

#[test]
fn corpus_matches_kubectl() {
    let entries = corpus();
    assert!(
        entries.len() >= 100,
        "the corpus has {} templates",
        entries.len()
    );
    let scratch = common::scratch_root().join(format!("kuddle-gotemplate-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(entry) = entries.get(i) else { break };
                if let Some(report) = check(entry, &scratch, i) {
                    failures.lock().unwrap().push((i, report));
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    let text: String = failures.iter().map(|(_, r)| r.as_str()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} templates differ from kubectl:\n{text}",
        failures.len(),
        entries.len()
    );
}

fn deployment(extra: &[&str]) -> Invocation {
    let mut args = vec![
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--dry-run=client",
    ];
    args.extend_from_slice(extra);
    Invocation::new(&args)
}

#[test]
fn output_flag_forms() {
    let dir =
        common::scratch_root().join(format!("kuddle-gotemplate-forms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("name.tmpl");
    std::fs::write(&file, "{{.metadata.name}}\n").unwrap();
    let bad = dir.join("bad.tmpl");
    std::fs::write(&bad, "{{.metadata.name\n").unwrap();
    let file = file.display().to_string();
    let bad = bad.display().to_string();
    let missing = dir.join("missing.tmpl").display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["-o=go-template={{.kind}}".into()],
        vec!["-o=template={{.kind}}".into()],
        vec![
            "-o".into(),
            "go-template".into(),
            "--template={{.kind}}".into(),
        ],
        vec![
            "-o".into(),
            "template".into(),
            "--template".into(),
            "{{.kind}}".into(),
        ],
        vec!["--template={{.kind}}".into()],
        vec!["-o".into(), "jsonpath".into(), "--template={.kind}".into()],
        vec![format!("-o=go-template-file={file}")],
        vec![format!("-o=templatefile={file}")],
        vec![
            "-o".into(),
            "go-template-file".into(),
            format!("--template={file}"),
        ],
        vec![format!("-o=go-template-file={bad}")],
        vec![format!("-o=go-template-file={missing}")],
        vec![format!("-o=templatefile={}", dir.display())],
        vec!["-o=go-template=".into()],
        vec!["-o".into(), "go-template".into()],
        vec![
            "-o=go-template={{.kind}}".into(),
            "--template={{.apiVersion}}".into(),
        ],
        vec!["-o=go-templates={{.kind}}".into()],
        vec![
            "-o=go-template={{.nope}}".into(),
            "--allow-missing-template-keys=false".into(),
        ],
        vec![
            "-o=go-template={{.nope}}".into(),
            "--allow-missing-template-keys".into(),
        ],
        vec!["-o=yaml".into(), "--template={{.kind}}".into()],
        vec!["--output=".into(), "--template={{.kind}}".into()],
    ];
    for extra in &cases {
        let words: Vec<&str> = extra.iter().map(String::as_str).collect();
        assert_same(&deployment(&words));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn other_verbs_print_through_templates() {
    let config = kubeconfig();
    for line in [
        vec![
            "create",
            "service",
            "nodeport",
            "web",
            "--tcp=80:8080",
            "--dry-run=client",
            "-o",
            "go-template={{range .spec.ports}}{{.nodePort}}{{end}}",
        ],
        vec![
            "config",
            "view",
            "--kubeconfig",
            config.as_str(),
            "-o",
            "go-template={{range .users}}{{.name}}={{.user}};{{end}}",
        ],
        vec![
            "config",
            "view",
            "--minify",
            "--kubeconfig",
            config.as_str(),
            "--template={{index . \"current-context\"}}",
        ],
        vec![
            "config",
            "view",
            "--flatten",
            "--kubeconfig",
            config.as_str(),
            "-o",
            "go-template={{len .clusters}}",
        ],
    ] {
        assert_same(&Invocation::new(&line));
    }
}

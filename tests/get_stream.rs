//! `get` over lists printed as they arrive (`--chunk-size=0` in one
//! response, small pages with `--chunk-size=2`), compared with kubectl
//! 1.37.1: object formats, JSONPath and custom columns evaluated item by
//! item, templates that need the whole list, `--sort-by`, and answers
//! kubectl refuses.

mod common;
use common::cluster::{cluster_kubeconfig, namespace};
use common::faults::fault_proxy;
use common::*;

/// A namespace with five configmaps, two of them labelled `tier`, one
/// with an empty label value; deleted when dropped.
struct Fixture(String);

impl Fixture {
    fn new() -> Fixture {
        let ns = namespace("get-stream");
        for (name, data) in [("e", "5"), ("b", "2"), ("d", "4"), ("a", "1"), ("c", "3")] {
            kubectl(
                &ns,
                &[
                    "create",
                    "configmap",
                    name,
                    &format!("--from-literal=n={data}"),
                ],
            );
        }
        kubectl(&ns, &["label", "configmap", "b", "tier=web"]);
        kubectl(&ns, &["label", "configmap", "d", "tier="]);
        Fixture(ns)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        Invocation::new(&["delete", "namespace", &self.0, "--wait=false"])
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
    }
}

fn kubectl(ns: &str, words: &[&str]) {
    let mut args = vec!["-n", ns];
    args.extend_from_slice(words);
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "setup {words:?} failed: {}", out.stderr);
}

/// Runs `words` (in the fixture namespace) with both programs and asserts
/// the same stdout, stderr and exit code.
fn same_words(ns: &Fixture, words: &[&str]) -> Output {
    let mut args = vec!["-n", ns.0.as_str()];
    args.extend_from_slice(words);
    assert_same_with(
        &Invocation::new(&args).kubeconfig(cluster_kubeconfig()),
        &normalize_ages,
    )
}

const PAGINGS: [&str; 3] = ["--chunk-size=0", "--chunk-size=2", "--chunk-size=500"];

#[test]
fn object_formats_stream_the_same_bytes() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        for output in ["json", "yaml", "name", "kyaml"] {
            let out = same_words(&ns, &["get", "cm", paging, "-o", output]);
            assert_eq!(out.code, 0, "{paging} -o {output}: {}", out.stderr);
            assert!(
                out.stdout.contains("kube-root-ca.crt"),
                "{paging} -o {output}"
            );
        }
        same_words(&ns, &["get", "cm", paging]);
        same_words(
            &ns,
            &["get", "cm", paging, "-l", "nothing=here", "-o", "json"],
        );
    }
}

#[test]
fn jsonpath_over_items_matches_kubectl() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        for template in [
            "{.items[*].metadata.name}",
            "names: {.items[*].metadata.name}{\"\\n\"}",
            "{.items[*].metadata.labels.tier}",
            "{.items[*].metadata.labels}",
            "{.items[*]['metadata.name', 'data']}",
            "{.items[*].data.*}",
            "{range .items[*]}{.metadata.name}={.data.n}{\"\\n\"}{end}",
            "[{range .items[*]}{range .metadata.labels}<{@}>{end}{end}]",
            "{.items[*].nope}",
            // Need the whole list.
            "{.items[0].metadata.name}",
            "{.items[1:3].metadata.name}",
            "{.items[?(@.data.n==\"3\")].metadata.name}",
            "{.kind} {.items[*].metadata.name}",
            "{..n}",
        ] {
            let output = format!("jsonpath={template}");
            let out = same_words(&ns, &["get", "cm", paging, "-o", &output]);
            assert_eq!(out.code, 0, "{paging} {template}: {}", out.stderr);
        }
        let out = same_words(
            &ns,
            &[
                "get",
                "cm",
                paging,
                "-o",
                "jsonpath={.items[*].metadata.name}",
                "-l",
                "nothing=here",
            ],
        );
        assert_eq!(out.stdout, "");
        // Templates written item by item, over no item at all.
        for extra in [&[][..], &["--ignore-not-found"][..]] {
            let mut words = vec![
                "get",
                "cm",
                paging,
                "-l",
                "nothing=here",
                "-o",
                "jsonpath=x{range .items[*]}{.metadata.name}{\"\\n\"}{end}y",
            ];
            words.extend_from_slice(extra);
            same_words(&ns, &words);
        }
    }
}

#[test]
fn jsonpath_errors_match_kubectl() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        // Missing from some items only: no error over the whole list.
        let out = same_words(
            &ns,
            &[
                "get",
                "cm",
                paging,
                "--allow-missing-template-keys=false",
                "-o",
                "jsonpath={.items[*].metadata.labels.tier}",
            ],
        );
        assert_eq!(out.code, 0, "{paging}: {}", out.stderr);
        // Missing from every item: kubectl's error and object dump.
        let out = same_words(
            &ns,
            &[
                "get",
                "cm",
                paging,
                "--allow-missing-template-keys=false",
                "-o",
                "jsonpath={.items[*].metadata.nope}",
            ],
        );
        assert_eq!(out.code, 1, "{paging}");
        let out = same_words(
            &ns,
            &[
                "get",
                "cm",
                paging,
                "--allow-missing-template-keys=false",
                "-o",
                "jsonpath={range .items[*]}{.metadata.labels.tier}{\"\\n\"}{end}",
            ],
        );
        assert_eq!(out.code, 1, "{paging}");
        let out = same_words(
            &ns,
            &["get", "cm", paging, "-o", "jsonpath={.items[*].data.n[*]}"],
        );
        assert_eq!(out.code, 1, "{paging}");
    }
}

#[test]
fn custom_columns_over_items_match_kubectl() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        for spec in [
            "custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier,N:.data.n",
            "custom-columns=NAME:.metadata.name,ALL:.data.*",
            "custom-columns=BAD:.data.n[*]",
        ] {
            same_words(&ns, &["get", "cm", paging, "-o", spec]);
            same_words(&ns, &["get", "cm", paging, "-o", spec, "--no-headers"]);
        }
        for ignore in ["--ignore-not-found", "--ignore-not-found=false"] {
            same_words(
                &ns,
                &[
                    "get",
                    "cm",
                    paging,
                    "-l",
                    "nothing=here",
                    ignore,
                    "-o",
                    "custom-columns=NAME:.metadata.name",
                ],
            );
        }
    }
}

#[test]
fn sorted_lists_match_kubectl() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        for sort in [
            ".metadata.name",
            ".data.n",
            ".metadata.labels.tier",
            "{.metadata.uid}",
        ] {
            let sort = format!("--sort-by={sort}");
            for output in [
                &[][..],
                &["--show-labels"],
                &["-L", "tier", "--server-print=false"],
                &["-o", "json"],
                &["-o", "yaml"],
                &["-o", "name"],
                &["-o", "custom-columns=N:.metadata.name"],
            ] {
                let mut words = vec!["get", "cm", paging, &sort];
                words.extend_from_slice(output);
                same_words(&ns, &words);
            }
        }
    }
}

#[test]
fn sort_errors_match_kubectl() {
    let ns = Fixture::new();
    for paging in PAGINGS {
        for words in [
            &["get", "cm", paging, "--sort-by=.nope"][..],
            &["get", "cm", paging, "--sort-by=.nope", "-o", "json"],
            &["get", "cm", paging, "--sort-by={.metadata", "-o", "json"],
            &[
                "get",
                "cm",
                paging,
                "--sort-by=.metadata.labels",
                "-o",
                "json",
            ],
            &[
                "get",
                "cm",
                paging,
                "--sort-by=.nope",
                "-o",
                "json",
                "-l",
                "nothing=here",
            ],
            &["get", "cm,sa", paging, "--sort-by=.metadata.name"],
        ] {
            same_words(&ns, words);
        }
    }
}

/// Answers kubectl refuses, in one response as in pages.
#[test]
fn refused_answers_match_kubectl() {
    let proxy = fault_proxy();
    for shape in [
        "shape=items-string",
        "shape=null",
        "shape=garbage",
        "truncate=300",
        "cut-body=300",
    ] {
        for output in [
            "json",
            "jsonpath={.items[*].metadata.name}",
            "custom-columns=N:.metadata.name",
        ] {
            for paging in ["--chunk-size=0", "--chunk-size=2"] {
                let spec = format!("match=configmaps,{shape}");
                let args = ["get", "cm", "-n", "kube-system", paging, "-o", output];
                let theirs = Invocation::new(&args)
                    .kubeconfig(proxy.kubeconfig(&spec))
                    .kubectl();
                let ours = Invocation::new(&args)
                    .kubeconfig(proxy.kubeconfig(&spec))
                    .kuddle();
                let context = format!("{shape} {output} {paging}");
                assert_same_text("stdout", &theirs.stdout, &ours.stdout, &context);
                assert_same_text(
                    "stderr",
                    &normalize_stderr(&theirs.stderr),
                    &normalize_stderr(&ours.stderr),
                    &context,
                );
                assert_eq!(theirs.code, ours.code, "{context}");
                assert_ne!(ours.code, 0, "{context} must fail");
            }
        }
    }
}

//! `get -o go-template` on the real control plane: lists (printed item by
//! item as pages arrive when the template ranges over `.items`, with the
//! same bytes as kubectl's whole-list execution), single objects, several
//! types, failures in the middle of a list.

mod common;

use common::cluster::{cluster_kubeconfig, namespace};
use common::twin::Twin;
use common::*;

fn kubectl(ns: &str, words: &[&str]) {
    let mut args: Vec<&str> = vec!["-n", ns];
    args.extend_from_slice(words);
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "`{}` failed: {}", words.join(" "), out.stderr);
}

/// A namespace with three config maps (one with a label unique to this
/// run), a secret and a service.
fn populated(mark: &str) -> String {
    let ns = namespace("get-tmpl");
    kubectl(
        &ns,
        &[
            "create",
            "configmap",
            "a",
            "--from-literal=x=1",
            "--from-literal=app.conf=k=v",
        ],
    );
    kubectl(&ns, &["create", "configmap", "b", "--from-literal=y=2"]);
    kubectl(&ns, &["create", "configmap", "c"]);
    kubectl(
        &ns,
        &["label", "configmap", "a", "c", &format!("mark={mark}")],
    );
    kubectl(
        &ns,
        &[
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=password=s3cr<e>t&",
            "--from-literal=user=admin",
        ],
    );
    kubectl(
        &ns,
        &[
            "create",
            "service",
            "clusterip",
            "web",
            "--tcp=80:8080",
            "--tcp=443:8443",
        ],
    );
    ns
}

fn same_in(ns: &str, words: &[&str]) {
    let mut args: Vec<&str> = vec!["-n", ns];
    args.extend_from_slice(words);
    assert_same(&Invocation::new(&args).kubeconfig(cluster_kubeconfig()));
}

const LIST_TEMPLATES: &[&str] = &[
    "{{range .items}}{{.metadata.name}}:{{end}}",
    "NAMES\n{{range .items}}{{.metadata.name}}\t{{.data}}\n{{end}}END\n",
    "{{range $i, $item := .items}}{{$i}} {{$item.metadata.name}} {{len $item.data}}\n{{end}}",
    "{{range $item := .items}}{{$item.kind}}/{{$item.metadata.name}} {{end}}",
    "{{- range .items -}}\n  {{.metadata.name}}{{\"\\n\"}}\n{{- end -}}",
    "{{range .items}}{{if eq .metadata.name \"b\"}}{{break}}{{end}}{{.metadata.name}}{{end}}.",
    "{{range .items}}{{if eq .metadata.name \"a\"}}{{continue}}{{end}}{{.metadata.name}}{{end}}.",
    "{{range .items}}{{.metadata.name}}{{else}}no items{{end}}",
    "{{range .items}}{{.metadata.name}} {{index .data \"app.conf\"}};{{end}}",
    "{{range .items}}{{$.kind}} {{.metadata.name}};{{end}}",
    "{{.kind}} {{.apiVersion}} {{.metadata}} {{len .items}}",
    "{{range .items}}{{.metadata.name}}{{end}}{{range .items}}{{.kind}}{{end}}",
    "{{define \"n\"}}[{{.metadata.name}}]{{end}}{{range .items}}{{template \"n\" .}}{{end}}",
    // Fails on the second item, after the first one printed.
    "{{range .items}}{{.metadata.name}}={{.data.x.y}};{{end}}",
    "{{range .items}}{{.metadata.name}}{{len .data}}{{end}}",
];

#[test]
fn lists_match_kubectl() {
    let mark = format!("m{}", std::process::id());
    let ns = populated(&mark);
    let selector = format!("mark={mark}");
    for template in LIST_TEMPLATES {
        let output = format!("go-template={template}");
        for extra in [
            &[][..],
            &["--chunk-size=1"][..],
            &["-l", "nothing=here"][..],
            &["--allow-missing-template-keys=false"][..],
            &["--chunk-size=2", "--allow-missing-template-keys=false"][..],
        ] {
            let mut words = vec!["get", "cm", "-o", output.as_str()];
            words.extend_from_slice(extra);
            same_in(&ns, &words);
        }
        same_in(
            &ns,
            &["get", "cm,secret,svc", "-o", &output, "--chunk-size=1"],
        );
        same_in(&ns, &["get", "cm", "a", "b", "-o", &output]);
        same_in(&ns, &["get", "cm", "-A", "-l", &selector, "-o", &output]);
    }
}

#[test]
fn single_objects_and_errors_match_kubectl() {
    let mark = format!("n{}", std::process::id());
    let ns = populated(&mark);
    for words in [
        &["get", "secret", "s", "-o", "go-template={{.data.password | base64decode}}"][..],
        &["get", "secret", "s", "-o", "go-template={{range $k, $v := .data}}{{$k}}={{base64decode $v}}\n{{end}}"][..],
        &["get", "secret", "s", "-o", "go-template={{.data.nope | base64decode}}"][..],
        &["get", "svc", "web", "-o", "go-template={{range .spec.ports}}{{.port}}->{{.targetPort}} {{end}}{{.spec.clusterIP | len | printf \"%T\"}}"][..],
        &["get", "svc", "web", "-o", "go-template={{.metadata.managedFields}}"][..],
        &["get", "svc", "web", "--template={{.spec.type}}"][..],
        &["get", "cm", "a", "-o", "go-template={{.metadata.nope}}", "--allow-missing-template-keys=false"][..],
        &["get", "cm", "a", "-o", "go-template={{.data.x.y}}"][..],
        &["get", "cm", "a", "nope", "b", "-o", "go-template={{range .items}}{{.metadata.name}} {{end}}"][..],
        &["get", "cm", "nope", "-o", "go-template={{.metadata.name}}"][..],
        &["get", "cm", "nope", "--ignore-not-found", "-o", "go-template={{.metadata.name}}"][..],
        &["get", "cm", "-o", "go-template={{range .items}}{{.metadata.name}}{{end}}", "--sort-by=.metadata.name"][..],
        &["get", "cm", "-o", "go-template={{.nope"][..],
    ] {
        same_in(&ns, words);
    }
}

/// Verbs that write print their results through templates too (twin
/// namespaces: kubectl writes in one, kuddle in the other).
#[test]
fn writing_verbs_print_through_templates() {
    let twin = Twin::new("verbs-tmpl");
    let manifest =
        common::scratch_root().join(format!("kuddle-two-cms-{}.yaml", std::process::id()));
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x1\ndata:\n  a: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x2\n",
    )
    .unwrap();
    let manifest = manifest.display().to_string();
    let kind_name = "-o=go-template={{.kind}}/{{.metadata.name}} {{.spec.replicas}}{{\"\\n\"}}";
    for words in [
        &["create", "deployment", "web", "--image=nginx", kind_name][..],
        &["scale", "deploy", "web", "--replicas=3", kind_name][..],
        &[
            "expose",
            "deploy",
            "web",
            "--port=80",
            "-o=go-template={{.kind}} {{range .spec.ports}}{{.port}}/{{.targetPort}}{{end}}",
        ][..],
        &[
            "run",
            "pod1",
            "--image=nginx",
            "-o=go-template={{.kind}} {{.metadata.labels}} {{.spec.dnsPolicy}}",
        ][..],
        &[
            "apply",
            "-f",
            &manifest,
            "-o=go-template={{.kind}} {{range .items}}{{.metadata.name}} {{end}}",
        ][..],
        &[
            "apply",
            "-f",
            &manifest,
            "-o=go-template={{range .items}}{{.metadata.name}}{{.data.a.b}} {{end}}",
        ][..],
        &[
            "create",
            "deployment",
            "web2",
            "--image=nginx",
            "--dry-run=server",
            "-o=go-template={{.metadata.name}} {{.spec.strategy}}",
        ][..],
    ] {
        twin.same_words(words);
    }
    let _ = std::fs::remove_file(&manifest);
}

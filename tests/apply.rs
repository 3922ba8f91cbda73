//! `apply` against the real control plane, compared with kubectl 1.37.1:
//! kubectl applies in one namespace, kuddle in its twin; the output lines
//! and the objects left on the server must match (after normalising what
//! differs between any two objects: uids, resource versions, timestamps,
//! cluster IPs and the namespace names).

mod common;

use std::path::PathBuf;

use common::cluster::{cluster_kubeconfig, twin_namespaces};
use common::*;
use serde_json::Value;

/// The missing-annotation warning names the program, like kubectl's does.
const KUDDLE_WARNING_WORDS: &str = "required by kuddle apply. kuddle apply should only be used on resources created declaratively by either kuddle create --save-config or kuddle apply.";
const KUBECTL_WARNING_WORDS: &str = "required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply.";

fn fixtures() -> PathBuf {
    fixture("apply")
}

/// A pair of namespaces, one per program, and the commands to run in them.
struct Twins {
    a: String,
    b: String,
}

impl Twins {
    fn new(prefix: &str) -> Twins {
        let (a, b) = twin_namespaces(prefix);
        Twins { a, b }
    }

    fn inv(&self, ns: &str, args: &[&str]) -> Invocation {
        let mut words: Vec<String> = vec!["-n".into(), ns.into()];
        words.extend(args.iter().map(|s| s.to_string()));
        Invocation::new(&words)
            .kubeconfig(cluster_kubeconfig())
            .cwd(fixtures())
    }

    fn normalize(&self, text: &str) -> String {
        let text = text.replace(&self.a, "NS").replace(&self.b, "NS");
        volatile_fields(&text)
    }

    /// kubectl in the first namespace, kuddle in the second: same stdout,
    /// stderr and exit code.
    fn same(&self, args: &[&str]) -> Output {
        self.same_with_stdin(args, None)
    }

    fn same_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.same_each(args, args, stdin)
    }

    /// kubectl with `args_a` in the first namespace, kuddle with `args_b`
    /// in the second (arguments that name the namespaces).
    fn same_each(&self, args_a: &[&str], args_b: &[&str], stdin: Option<&str>) -> Output {
        let mut expected_inv = self.inv(&self.a, args_a);
        let mut actual_inv = self.inv(&self.b, args_b);
        if let Some(s) = stdin {
            expected_inv = expected_inv.stdin(s.as_bytes().to_vec());
            actual_inv = actual_inv.stdin(s.as_bytes().to_vec());
        }
        self.same_runs(&expected_inv, &actual_inv, &args_b.join(" "))
    }

    /// `expected` run with kubectl, then `actual` with kuddle: same
    /// stdout, stderr and exit code once the namespaces are normalised.
    fn same_runs(&self, expected: &Invocation, actual: &Invocation, words: &str) -> Output {
        let expected = expected.kubectl();
        let actual = actual.kuddle();
        let context = self.normalize(&format!("`{words}`"));
        assert_same_text(
            "stdout",
            &self.normalize(&expected.stdout),
            &self.normalize(&actual.stdout),
            &context,
        );
        assert_same_text(
            "stderr",
            &self.normalize(&normalize_stderr(&expected.stderr)),
            &self
                .normalize(&normalize_stderr(&actual.stderr))
                .replace(KUDDLE_WARNING_WORDS, KUBECTL_WARNING_WORDS),
            &context,
        );
        assert_eq!(
            expected.code, actual.code,
            "exit code differs for {context}"
        );
        actual
    }

    /// Runs a setup command with kubectl in both namespaces.
    fn setup(&self, args: &[&str]) {
        for ns in [&self.a, &self.b] {
            let out = self.inv(ns, args).kubectl();
            assert_eq!(out.code, 0, "setup {args:?} failed: {}", out.stderr);
        }
    }

    /// The objects of `kinds` in both namespaces, normalised, must be equal.
    fn objects_match(&self, kinds: &str) {
        self.objects_match_in(&self.a, &self.b, kinds);
    }

    /// The objects of `kinds` in namespaces `a` (kubectl's) and `b`
    /// (kuddle's), normalised, must be equal.
    fn objects_match_in(&self, a: &str, b: &str, kinds: &str) {
        let fetch = |ns: &str| -> String {
            let out = self.inv(ns, &["get", kinds, "-o", "json"]).kubectl();
            assert_eq!(out.code, 0, "get {kinds} failed: {}", out.stderr);
            let list: Value = serde_json::from_str(&out.stdout).expect("json");
            let items: Vec<Value> = list["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(normalize_object)
                .collect();
            self.normalize(&serde_json::to_string_pretty(&items).unwrap())
        };
        assert_same_text("objects", &fetch(a), &fetch(b), &format!("get {kinds}"));
    }
}

/// Drops what differs between two equally made objects.
fn normalize_object(mut obj: Value) -> Value {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in ["uid", "resourceVersion", "creationTimestamp", "namespace"] {
            meta.remove(key);
        }
        if let Some(Value::Array(fields)) = meta.get_mut("managedFields") {
            for f in fields {
                if let Some(f) = f.as_object_mut() {
                    f.remove("time");
                }
            }
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("deployment.kubernetes.io/revision");
        }
    }
    if let Some(o) = obj.as_object_mut() {
        o.remove("status");
    }
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
    }
    obj
}

/// Removes server-assigned values from every object in a printed value.
fn strip_server_values(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for key in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "clusterIP",
                "clusterIPs",
            ] {
                m.remove(key);
            }
            m.values_mut().for_each(strip_server_values);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_server_values),
        _ => {}
    }
}

/// Server-assigned values in printed objects.
fn volatile_fields(text: &str) -> String {
    let patterns = [
        (r#""uid": "[^"]*""#, r#""uid": "UID""#),
        (r#"uid: [0-9a-f-]{36}"#, "uid: UID"),
        (
            r#""resourceVersion": "[0-9]+""#,
            r#""resourceVersion": "RV""#,
        ),
        (r#"resourceVersion: "[0-9]+""#, r#"resourceVersion: "RV""#),
        // Compact JSON (the objects in a patch error).
        (r#""uid":"[^"]*""#, r#""uid":"UID""#),
        (r#""resourceVersion":"[0-9]+""#, r#""resourceVersion":"RV""#),
        (
            r#""(creationTimestamp|time)":"[0-9TZ:-]+""#,
            r#""$1":"TIME""#,
        ),
        (
            r#""(creationTimestamp|time|lastTransitionTime|lastUpdateTime)": "[0-9TZ:-]+""#,
            r#""$1": "TIME""#,
        ),
        (
            r#"(creationTimestamp|time|lastTransitionTime|lastUpdateTime): "[0-9TZ:-]+""#,
            r#"$1: "TIME""#,
        ),
        (r#""clusterIP": "[0-9.]+""#, r#""clusterIP": "IP""#),
        (r#""[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+""#, r#""IP""#),
        (r#"clusterIP: [0-9.]+"#, "clusterIP: IP"),
        (r#"- [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+"#, "- IP"),
    ];
    let mut out = text.to_string();
    for (re, with) in patterns {
        out = regex::Regex::new(re)
            .expect("regex")
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

#[test]
fn create_reapply_and_change() {
    let t = Twins::new("apply-life");
    let kinds = "deployments,services,configmaps";
    t.same(&["apply", "-f", "app/v1.yaml"]);
    t.objects_match(kinds);
    t.same(&["apply", "-f", "app/v1.yaml"]);
    t.same(&["apply", "-f", "app/v2.yaml"]);
    t.objects_match(kinds);
    t.same(&["apply", "-f", "app/v2.yaml"]);
    t.same(&["apply", "-f", "app/v3.yaml"]);
    t.objects_match(kinds);
    t.same(&["apply", "-f", "app/v1.yaml"]);
    t.objects_match(kinds);
}

/// `--overwrite=false` and a field changed on the server since the last
/// apply: kubectl's conflict (the patch and the changes as YAML, warned
/// about once per schema it tries), nothing written.
#[test]
fn changes_since_the_last_apply_kept_without_overwrite() {
    let t = Twins::new("apply-keep");
    t.setup(&["apply", "-f", "keep/v1.yaml"]);
    t.setup(&["patch", "cm", "kept", "-p", r#"{"data":{"a":"2"}}"#]);
    t.same(&["apply", "-f", "keep/v2.yaml", "--overwrite=false"]);
    t.same(&[
        "apply",
        "-f",
        "keep/v2.yaml",
        "--overwrite=false",
        "--dry-run=client",
    ]);
    // Undoing the server's change is a conflict too.
    t.same(&["apply", "-f", "keep/v1.yaml", "--overwrite=false"]);
    t.objects_match("configmaps");
}

#[test]
fn lists_json_streams_folders_and_stdin() {
    let t = Twins::new("apply-inputs");
    t.same(&["apply", "-f", "app/list.yaml"]);
    t.same(&["apply", "-f", "app/cm.json"]);
    t.same(&["apply", "-f", "tree"]);
    t.same(&["apply", "-R", "-f", "tree/"]);
    t.same(&["apply", "-f", "tree/*.yaml,app/list.yaml"]);
    t.same(&["apply", "-f", "tree/sub", "-f", "app/list.yaml"]);
    let stdin = std::fs::read_to_string(fixtures().join("app/v1.yaml")).unwrap();
    t.same_with_stdin(&["apply", "-f", "-"], Some(&stdin));
    t.same_with_stdin(&["apply", "-f", "-"], Some(&stdin));
    t.objects_match("configmaps,secrets,deployments,services");
}

#[test]
fn label_selectors_pick_objects() {
    let t = Twins::new("apply-selector");
    t.same(&[
        "apply",
        "-f",
        "app/v1.yaml",
        "-l",
        "app=web",
        "--dry-run=server",
    ]);
    t.same(&["apply", "-f", "app/v1.yaml", "-l", "app=none"]);
    t.same(&["apply", "-f", "app/v1.yaml", "--selector=app!=web"]);
    t.same(&[
        "apply",
        "-f",
        "app/v1.yaml",
        "-l",
        "app in (web)",
        "-o",
        "name",
    ]);
    t.objects_match("deployments,services,configmaps");
}

#[test]
fn yaml_1_1_and_field_validation() {
    let t = Twins::new("apply-yaml11");
    t.same(&["apply", "-f", "app/yaml11.yaml"]);
    t.same(&["apply", "-f", "app/yaml11.yaml", "--validate=warn"]);
    t.same(&["apply", "-f", "app/yaml11.yaml", "--validate=false"]);
    t.same(&["apply", "-f", "app/yaml11.yaml", "--validate=strict"]);
    t.objects_match("configmaps,deployments");
}

#[test]
fn statefulset_walkthrough() {
    let t = Twins::new("apply-walk");
    t.same(&["apply", "-f", "walkthrough/web.yaml"]);
    t.objects_match("services,statefulsets");
    t.same(&["apply", "-f", "walkthrough/web.yaml"]);
    t.same(&["apply", "-f", "walkthrough/web-v2.yaml"]);
    t.objects_match("services,statefulsets");
}

#[test]
fn objects_made_by_create_get_the_annotation() {
    let t = Twins::new("apply-create");
    t.setup(&[
        "create",
        "configmap",
        "settings",
        "--from-literal=color=red",
        "--from-literal=old=x",
    ]);
    t.setup(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.24",
        "--replicas=3",
    ]);
    t.same(&["apply", "-f", "app/v1.yaml"]);
    t.objects_match("deployments,configmaps,services");
    t.same(&["apply", "-f", "app/v2.yaml"]);
    t.objects_match("deployments,configmaps,services");
}

#[test]
fn custom_resources_take_json_merge_patches() {
    let t = Twins::new("apply-crd");
    let group = format!("{}.kuddle.test", t.b);
    let dir = common::scratch_root().join(format!("kuddle-apply-crd-{}", t.b));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["crd.yaml", "widget-v1.yaml", "widget-v2.yaml"] {
        let text = std::fs::read_to_string(fixtures().join("crd").join(name)).unwrap();
        std::fs::write(dir.join(name), text.replace("GROUP", &group)).unwrap();
    }
    let path = |n: &str| dir.join(n).display().to_string();
    // The CRD itself, applied once by each program (it is cluster-wide).
    let out = t.inv(&t.a, &["apply", "-f", &path("crd.yaml")]).kuddle();
    assert_eq!(
        out.stdout,
        format!("customresourcedefinition.apiextensions.k8s.io/widgets.{group} created\n")
    );
    let again = t.inv(&t.a, &["apply", "-f", &path("crd.yaml")]).kubectl();
    assert_eq!(
        again.stdout,
        format!("customresourcedefinition.apiextensions.k8s.io/widgets.{group} unchanged\n")
    );
    let wait = t
        .inv(
            &t.a,
            &[
                "wait",
                "--for=condition=Established",
                &format!("crd/widgets.{group}"),
            ],
        )
        .kubectl();
    assert_eq!(wait.code, 0, "{}", wait.stderr);
    let kinds = format!("widgets.{group}");
    t.same(&["apply", "-f", &path("widget-v1.yaml")]);
    t.objects_match(&kinds);
    t.same(&["apply", "-f", &path("widget-v1.yaml")]);
    t.same(&["apply", "-f", &path("widget-v2.yaml")]);
    t.objects_match(&kinds);
    t.same(&[
        "apply",
        "-f",
        &path("widget-v2.yaml"),
        "--dry-run=client",
        "-o",
        "json",
    ]);
    t.same(&["apply", "-f", &path("widget-v1.yaml"), "--server-side"]);
    t.objects_match(&kinds);
    let delete = t
        .inv(&t.a, &["delete", "crd", &format!("widgets.{group}")])
        .kubectl();
    assert_eq!(delete.code, 0, "{}", delete.stderr);
}

#[test]
fn server_side_apply_conflicts_and_forcing() {
    let t = Twins::new("apply-ssa");
    t.same(&["apply", "--server-side", "-f", "ssa/deploy.yaml"]);
    t.same(&["apply", "--server-side", "-f", "ssa/deploy.yaml"]);
    t.objects_match("deployments");
    // Client-side first, then server-side with a changed field: a conflict.
    t.same(&["apply", "-f", "ssa/cm-v1.yaml"]);
    t.same(&["apply", "--server-side", "-f", "ssa/cm-v2.yaml"]);
    t.same(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        "ssa/cm-v2.yaml",
    ]);
    t.objects_match("configmaps");
    t.same(&[
        "apply",
        "--server-side",
        "--force-conflicts",
        "-f",
        "ssa/cm-v2.yaml",
    ]);
    t.objects_match("configmaps");
    // Another manager wanting different values conflicts, then forces.
    t.same(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        "ssa/cm-v1.yaml",
    ]);
    t.same(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        "ssa/cm-v1.yaml",
    ]);
    t.objects_match("configmaps");
    t.same(&["apply", "-f", "ssa/cm-v2.yaml"]);
    t.objects_match("configmaps");
    t.same(&[
        "apply",
        "--server-side",
        "-f",
        "ssa/cm-v2.yaml",
        "-o",
        "name",
    ]);
    t.same(&[
        "apply",
        "--server-side",
        "--dry-run=server",
        "-f",
        "ssa/cm-v1.yaml",
        "--force-conflicts",
    ]);
    t.objects_match("configmaps");
    t.same(&[
        "apply",
        "--server-side",
        "--dry-run=client",
        "-f",
        "ssa/cm-v1.yaml",
    ]);
    t.same(&["apply", "--force-conflicts", "-f", "ssa/cm-v1.yaml"]);
}

#[test]
fn dry_runs_and_output_formats() {
    let t = Twins::new("apply-dry");
    t.same(&["apply", "-f", "app/v1.yaml", "--dry-run=client"]);
    t.same(&["apply", "-f", "app/v1.yaml", "--dry-run=server"]);
    t.objects_match("deployments,services,configmaps");
    t.same(&[
        "apply",
        "-f",
        "app/v1.yaml",
        "--dry-run=client",
        "-o",
        "json",
    ]);
    t.same(&[
        "apply",
        "-f",
        "app/list.yaml",
        "--dry-run=client",
        "-o",
        "name",
    ]);
    t.same(&["apply", "-f", "app/v1.yaml", "-o", "name"]);
    t.same(&["apply", "-f", "app/v2.yaml", "--dry-run=client"]);
    t.same(&["apply", "-f", "app/v2.yaml", "--dry-run=server"]);
    t.same(&[
        "apply",
        "-f",
        "app/v2.yaml",
        "--dry-run=client",
        "-o",
        "json",
    ]);
    t.same(&[
        "apply",
        "-f",
        "app/v2.yaml",
        "--dry-run=server",
        "-o",
        "json",
    ]);
    t.objects_match("deployments,services,configmaps");
    t.same(&["apply", "-f", "app/v2.yaml", "-o", "json"]);
    t.objects_match("deployments,services,configmaps");
    t.same(&["apply", "-f", "app/cm.json", "-o", "json"]);
    t.same(&["apply", "-f", "app/v1.yaml", "--dry-run"]);
    // An output format apply cannot print: every object is applied first,
    // then the printer's error, as kubectl builds it last.
    t.same(&["apply", "-f", "app/list.yaml", "-o", "wide"]);
    t.objects_match("deployments,services,configmaps");
}

#[test]
fn yaml_output_has_the_same_objects() {
    // Compared as YAML values: the byte-exact YAML printer lives elsewhere.
    let t = Twins::new("apply-yaml");
    for args in [
        &[
            "apply",
            "-f",
            "app/list.yaml",
            "--dry-run=client",
            "-o",
            "yaml",
        ][..],
        &["apply", "-f", "app/v1.yaml", "-o", "yaml"][..],
    ] {
        let expected = t.inv(&t.a, args).kubectl();
        let actual = t.inv(&t.b, args).kuddle();
        assert_eq!(expected.code, actual.code);
        let parse = |s: &str| -> Value {
            let mut v: Value = serde_yaml::from_str(&t.normalize(s)).expect("yaml");
            strip_server_values(&mut v);
            v
        };
        assert_eq!(parse(&expected.stdout), parse(&actual.stdout), "{args:?}");
    }
}

#[test]
fn errors_among_good_documents() {
    let t = Twins::new("apply-errors");
    t.same(&["apply", "-f", "errors/mixed.yaml"]);
    t.same(&["apply", "-f", "errors/mixed.yaml", "--validate=false"]);
    t.same(&["apply", "-f", "errors/broken.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "errors/broken.yaml",
        "-f",
        "errors/mixed.yaml",
    ]);
    t.same(&["apply", "-f", "errors/separator.yaml"]);
    t.same(&["apply", "-f", "errors/unknown-kind.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "errors/unknown-kind.yaml",
        "-f",
        "app/list.yaml",
    ]);
    t.same(&["apply", "-f", "errors/other-ns.yaml"]);
    t.same(&["apply", "-f", "errors/immutable-v1.yaml"]);
    t.same(&["apply", "-f", "errors/immutable-v2.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "errors/immutable-v2.yaml",
        "-f",
        "errors/mixed.yaml",
    ]);
    t.same(&["apply", "-f", "errors/noname.yaml"]);
    t.same(&["apply", "-f", "app/list.yaml", "-n", "no-such-namespace"]);
    t.same(&["apply", "-f", "errors/mixed.yaml", "-o", "json"]);
    t.objects_match("configmaps,deployments");
}

#[test]
fn usage_errors() {
    let t = Twins::new("apply-usage");
    t.same(&["apply"]);
    t.same(&["apply", "-f", "nope.yaml", "-f", "nope2.yaml"]);
    t.same(&["apply", "-f", "nope*.yaml"]);
    t.same_with_stdin(&["apply", "-f", "-", "-f", "-"], Some(""));
    t.same_with_stdin(&["apply", "-f", "-"], Some(""));
    t.same(&["apply", "-f", "app/v1.yaml", "--validate=maybe"]);
    t.same(&["apply", "-f", "app/v1.yaml", "--dry-run=maybe"]);
    t.same(&["apply", "-f", "app/v1.yaml", "extra"]);
    t.same(&[
        "apply",
        "-f",
        "app/v1.yaml",
        "-o",
        "bogus",
        "--dry-run=client",
    ]);
    t.same(&[
        "apply",
        "-f",
        "errors/other-ns.yaml",
        "-n",
        "some-other-namespace",
        "--dry-run=client",
    ]);
    t.same(&["apply", "-f", "tree/notes.txt"]);
}

/// Serves the fixtures over HTTP on a loopback port until the test ends.
fn serve_fixtures() -> String {
    common::serve_dir(fixtures())
}

#[test]
fn manifests_from_urls() {
    let t = Twins::new("apply-url");
    let base = serve_fixtures();
    t.same(&["apply", "-f", &format!("{base}/app/list.yaml")]);
    t.same(&[
        "apply",
        "-f",
        &format!("{base}/app/v1.yaml"),
        "-f",
        &format!("{base}/app/cm.json"),
    ]);
    t.same(&[
        "apply",
        "-f",
        &format!("{base}/nope.yaml"),
        "-f",
        &format!("{base}/errors/mixed.yaml"),
    ]);
    t.same(&["apply", "-f", "http://127.0.0.1:1/x.yaml"]);
    t.objects_match("configmaps,secrets,deployments,services");
}

#[test]
fn generated_manifests_with_nulls() {
    let t = Twins::new("apply-nulls");
    t.same(&["apply", "-f", "app/generated.yaml"]);
    t.objects_match("deployments,configmaps");
    t.same(&["apply", "-f", "app/generated.yaml"]);
    t.same(&["apply", "-f", "app/generated.yaml", "--server-side"]);
    t.objects_match("deployments,configmaps");
    t.same(&["apply", "-f", "app/generated.yaml"]);
    t.objects_match("deployments,configmaps");
}

#[test]
fn prune_with_a_selector_or_all() {
    let t = Twins::new("apply-prune");
    let label = "kuddle-prune-test=yes";
    t.setup(&["create", "configmap", "manual", "--from-literal=k=v"]);
    t.setup(&["apply", "-f", "prune/all.yaml"]);
    // Dry runs name what would go and leave it.
    t.same(&[
        "apply",
        "-f",
        "prune/one.yaml",
        "--prune",
        "-l",
        label,
        "--dry-run=client",
    ]);
    t.same(&[
        "apply",
        "-f",
        "prune/one.yaml",
        "--prune",
        "-l",
        label,
        "--dry-run=server",
    ]);
    t.objects_match("configmaps");
    // The labelled object the file no longer holds goes; the unlabelled
    // one and the one made without --save-config stay.
    t.same(&["apply", "-f", "prune/one.yaml", "--prune", "-l", label]);
    t.objects_match("configmaps");
    t.setup(&["apply", "-f", "prune/all.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "prune/one.yaml",
        "--prune",
        "-l",
        label,
        "-o",
        "name",
        "--grace-period=0",
        "--cascade=orphan",
    ]);
    t.objects_match("configmaps");
    // --all with an allowlist: every applied config map not in the file.
    t.setup(&["apply", "-f", "prune/all.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "prune/one.yaml",
        "--prune",
        "--all",
        "--prune-allowlist=core/v1/ConfigMap",
        "-o",
        "yaml",
    ]);
    t.objects_match("configmaps");
    let names = t.inv(&t.b, &["get", "configmaps", "-o", "name"]).kubectl();
    assert_eq!(
        names.stdout,
        "configmap/kept\nconfigmap/kube-root-ca.crt\nconfigmap/manual\n"
    );
    // More objects than kuddle deletes at once: lines stay in list order.
    t.setup(&["apply", "-f", "prune/many.yaml"]);
    let out = t.same(&["apply", "-f", "prune/one.yaml", "--prune", "-l", label]);
    assert_eq!(
        out.stdout.matches(" pruned\n").count(),
        24,
        "{}",
        out.stdout
    );
    t.objects_match("configmaps");
}

#[test]
fn prune_and_force_flag_errors() {
    let t = Twins::new("apply-prune-errors");
    for args in [
        "--prune",
        "--prune --all -l a=b",
        "--prune --all --force",
        "--force --server-side",
        "--force --dry-run=server",
        "--subresource=status",
        "--prune --all --server-side",
        "--prune --all --prune-allowlist=foo",
        "--prune --all --prune-allowlist=core/v1/Nope",
        "--prune --all --prune-allowlist=apps/v1/Nope",
        "--prune --prune-allowlist=foo",
        "--cascade=maybe",
        "--cascade=false --wait --timeout=1s",
        "--grace-period=x",
    ] {
        let mut words = vec!["apply", "-f", "prune/one.yaml"];
        words.extend(args.split(' '));
        t.same(&words);
    }
    t.same(&["apply", "--prune", "--all"]);
    t.objects_match("configmaps");
}

#[test]
fn force_recreates_what_cannot_be_patched() {
    let t = Twins::new("apply-force");
    t.setup(&["apply", "-f", "prune/immutable-v1.yaml"]);
    let uid = |ns: &str| {
        t.inv(
            ns,
            &[
                "get",
                "configmap",
                "frozen",
                "-o",
                "jsonpath={.metadata.uid}",
            ],
        )
        .kubectl()
        .stdout
    };
    let before = uid(&t.b);
    // Without --force the server refuses the change.
    t.same(&["apply", "-f", "prune/immutable-v2.yaml"]);
    t.same(&[
        "apply",
        "-f",
        "prune/immutable-v2.yaml",
        "--force",
        "--dry-run=client",
    ]);
    t.objects_match("configmaps");
    t.same(&["apply", "-f", "prune/immutable-v2.yaml", "--force"]);
    t.objects_match("configmaps");
    assert_ne!(before, uid(&t.b), "the object was not re-created");
    // A finalizer keeps the deleted object: with no --timeout it is not
    // gone at the one look, and the error says so as kubectl's does.
    t.setup(&[
        "patch",
        "configmap",
        "frozen",
        "-p",
        r#"{"metadata":{"finalizers":["kuddle.test/hold"]}}"#,
    ]);
    t.same(&[
        "apply",
        "-f",
        "prune/immutable-v1.yaml",
        "--force",
        "--grace-period=0",
    ]);
    t.setup(&[
        "patch",
        "configmap",
        "frozen",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
}

#[test]
fn server_side_apply_to_a_subresource() {
    let t = Twins::new("apply-subresource");
    t.setup(&["apply", "--server-side", "-f", "ssa/deploy.yaml"]);
    // The controller owns the status fields: taking them over needs force
    // (and the controller takes them back soon after).
    let out = t.same(&[
        "apply",
        "--server-side",
        "--subresource=status",
        "--force-conflicts",
        "--field-manager=status-writer",
        "-f",
        "ssa/deploy-status.yaml",
    ]);
    t.same(&[
        "apply",
        "--server-side",
        "--subresource=nope",
        "-f",
        "ssa/deploy-status.yaml",
    ]);
    assert_eq!(out.stdout, "deployment.apps/ssa-web serverside-applied\n");
}

#[test]
fn a_forbidden_prune_list_fails_after_the_apply() {
    let t = Twins::new("apply-prune-forbidden");
    let name = format!("{}-d", t.b);
    let _deployment = common::cluster::DefaultDeployment::create(&name);
    let dir = common::scratch_root().join(format!("kuddle-apply-prune-{}", t.b));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deploy.yaml");
    std::fs::write(
        &file,
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: nginx, image: nginx}}]}}\n"
        ),
    )
    .unwrap();
    // The limited user may read deployments but not list config maps.
    let words: Vec<String> = [
        "--context",
        "limited",
        "-n",
        "default",
        "apply",
        "-f",
        &file.display().to_string(),
        "--prune",
        "-l",
        &format!("app={name}"),
        "--prune-allowlist=core/v1/ConfigMap",
        "--dry-run=client",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let inv = Invocation::new(&words).kubeconfig(cluster_kubeconfig());
    let (expected, actual) = (inv.kubectl(), inv.kuddle());
    assert_eq!(expected.stdout, actual.stdout);
    assert_eq!(
        normalize_stderr(&expected.stderr),
        normalize_stderr(&actual.stderr).replace(KUDDLE_WARNING_WORDS, KUBECTL_WARNING_WORDS)
    );
    assert_eq!((expected.code, actual.code), (1, 1));
    assert!(actual.stderr.contains(
        "error: error pruning namespaced object /v1, Kind=ConfigMap: configmaps is forbidden"
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder of 56 objects for the namespace `ns`: config maps and
/// services (one refused by the server, two with unknown fields, one made
/// beforehand without apply), a namespace of its own with objects in it,
/// and a config map named twice. Every object names its namespace.
fn mixed_folder(ns: &str) -> PathBuf {
    let dir = common::scratch_root().join(ns);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let config_map = |name: &str, namespace: &str, value: &str, extra: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  labels:\n    batch: mixed\n{extra}data:\n  value: \"{value}\"\n---\n"
        )
    };
    let service = |name: &str, namespace: &str, port: u32, extra: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - port: {port}\n{extra}---\n"
        )
    };
    let mut first = String::new();
    for i in 0..20 {
        let extra = if i == 8 { "spare: 1\n" } else { "" };
        first += &config_map(&format!("cm-{i:02}"), ns, &format!("v{i}"), extra);
    }
    let mut second = String::new();
    for i in 0..12 {
        // Port 70000 is out of range: the server refuses this one.
        let port = if i == 6 { 70000 } else { 8000 + i };
        second += &service(&format!("svc-{i:02}"), ns, port, "");
    }
    let inner = format!("{ns}-inner");
    let mut third = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {inner}\n---\n");
    third += &format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n  namespace: {inner}\n---\n"
    );
    for i in 0..5 {
        third += &config_map(&format!("inner-{i}"), &inner, "in", "");
    }
    third += &service("inner-svc", &inner, 80, "");
    let mut fourth = String::new();
    for i in 20..30 {
        fourth += &config_map(&format!("cm-{i:02}"), ns, &format!("v{i}"), "");
    }
    for i in 12..17 {
        let extra = if i == 14 { "  extra: true\n" } else { "" };
        fourth += &service(&format!("svc-{i:02}"), ns, 8000 + i, extra);
    }
    // Named a second time, with another value.
    fourth += &config_map("cm-05", ns, "again", "");
    for (name, text) in [
        ("00-config.yaml", first),
        ("10-services.yaml", second),
        ("20-inner.yaml", third),
        ("30-more.yaml", fourth),
    ] {
        std::fs::write(dir.join(name), text).expect("write fixture");
    }
    dir
}

/// Namespaces and folders a test made, removed when it ends.
struct Leftovers {
    namespaces: Vec<String>,
    folders: Vec<PathBuf>,
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        let mut args = vec!["delete".to_string(), "namespace".to_string()];
        args.extend(self.namespaces.iter().cloned());
        args.push("--wait=false".into());
        Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        for dir in &self.folders {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn many_objects_overlap_but_report_in_order() {
    let t = Twins::new("apply-many");
    let (inner_a, inner_b) = (format!("{}-inner", t.a), format!("{}-inner", t.b));
    let (dir_a, dir_b) = (mixed_folder(&t.a), mixed_folder(&t.b));
    let _leftovers = Leftovers {
        namespaces: vec![t.a.clone(), t.b.clone(), inner_a.clone(), inner_b.clone()],
        folders: vec![dir_a.clone(), dir_b.clone()],
    };
    // Made without apply: applying it earns the missing-annotation warning.
    t.setup(&["create", "configmap", "cm-03", "--from-literal=k=v"]);
    let kinds = "configmaps,services,serviceaccounts";
    // No -n: the objects name their namespaces, two of them.
    let each = |extra: &[&str]| {
        let run = |dir: &PathBuf| {
            let mut words = vec!["apply", "-f", dir.to_str().unwrap()];
            words.extend(extra);
            Invocation::new(&words)
                .kubeconfig(cluster_kubeconfig())
                .cwd(fixtures())
        };
        t.same_runs(
            &run(&dir_a),
            &run(&dir_b),
            &format!("apply {}", extra.join(" ")),
        )
    };
    // New objects: two refused for unknown fields, one for its port.
    let out = each(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.matches(" created\n").count(),
        51,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("configmap/cm-05 configured\n"));
    assert_eq!(
        out.stderr.matches("Error from server").count(),
        3,
        "{}",
        out.stderr
    );
    t.objects_match(kinds);
    t.objects_match_in(&inner_a, &inner_b, kinds);
    // Nothing changed but the twice-named object, set back and forth.
    let out = each(&[]);
    assert_eq!(
        out.stdout.matches(" unchanged\n").count(),
        51,
        "{}",
        out.stdout
    );
    // Unknown fields only warned about, in the order of the files.
    let out = each(&["--validate=warn"]);
    assert!(
        out.stderr.contains("Warning: unknown field"),
        "{}",
        out.stderr
    );
    t.objects_match(kinds);
    each(&["--dry-run=server", "-o", "name"]);
    each(&["--server-side", "--validate=warn"]);
    t.objects_match(kinds);
    t.objects_match_in(&inner_a, &inner_b, kinds);
}

/// Config maps in the namespace and in a namespace that does not exist,
/// interleaved and applied at the same time: each missing one reports the
/// missing namespace, the rest are created, all in file order.
#[test]
fn objects_in_a_missing_namespace_among_others() {
    let t = Twins::new("apply-gone");
    let manifest = |ns: &str| {
        let mut text = String::new();
        for i in 0..24 {
            let namespace = if i % 3 == 1 {
                format!("{ns}-gone")
            } else {
                ns.to_string()
            };
            text += &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:02}\n  namespace: {namespace}\ndata:\n  k: v\n---\n"
            );
        }
        text
    };
    let run = |ns: &str| {
        Invocation::new(&["apply", "-f", "-"])
            .kubeconfig(cluster_kubeconfig())
            .stdin(manifest(ns).into_bytes())
    };
    let out = t.same_runs(&run(&t.a), &run(&t.b), "apply -f - (two namespaces)");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.matches(" created\n").count(),
        16,
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr.matches("-gone\" not found").count(),
        8,
        "{}",
        out.stderr
    );
}

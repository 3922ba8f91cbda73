//! `create <kind>` subcommands and `create -f` against the real control
//! plane: kubectl in one namespace, kuddle in its twin; the output and the
//! objects left on the server must match.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::{mask_output, Twin};
use common::*;

/// A read-only command against the cluster (role names need discovery).
fn same_on_cluster(line: &str) -> Output {
    assert_same(&Invocation::line(line).kubeconfig(cluster_kubeconfig()))
}

#[test]
fn role_resources_resolved_by_discovery() {
    for line in [
        "create role r --verb=get --resource=rs.apps,po,pod,Pods,deploy/scale,deployments.apps/status",
        "create role r --verb=get --resource=events,events.events.k8s.io,hpa.autoscal",
        "create role r --verb=bind,escalate --resource=clusterroles.rbac.authorization.k8s.io,roles.rbac.authorization.k8s.io",
        "create role r --verb=impersonate --resource=users,groups,serviceaccounts,userextras.authentication.k8s.io",
        "create role r --verb=foo,get,get --resource=pods --resource-name=a --resource-name=a --resource-name=b",
        "create role r --verb=get,*,list --resource=pods,*",
        "create role r --verb=get --resource=*.apps,foo",
        "create role r --verb=get --resource=events -n foo --save-config",
        "create clusterrole c --verb=get --non-resource-url=/a --resource=pods,cm --resource-name=x",
        "create clusterrole c --verb=watch --resource=nodes/status,nodes",
    ] {
        for output in [" -o json", " -o yaml", ""] {
            same_on_cluster(&format!("{line} --dry-run=client{output}"));
        }
    }
    for line in [
        "create role r --verb=get --resource=rs.apps,po,pods.extensions",
        "create role r --verb=get --resource=foo",
        "create role r --verb=get --resource=FOO",
        "create role r --verb=get --resource=PO",
        "create role r --verb=get --resource=foo.bar",
        "create role r --verb=use,get --resource=pods",
        "create role r --verb=x --verb=y --resource=foo",
        "create clusterrole c --verb=foo --resource=pods --non-resource-url=/x",
        "create clusterrole c --verb=get --resource=nope",
    ] {
        same_on_cluster(&format!("{line} --dry-run=client"));
    }
}

/// Words of `line` with `{ns}` replaced by the namespace each program uses
/// (cluster-scoped objects are named after it to be unique), and `␣`
/// standing for a space inside a word.
fn per_namespace(line: &str) -> impl Fn(&str) -> Vec<String> + '_ {
    move |ns: &str| {
        line.split_whitespace()
            .map(|w| w.replace("{ns}", ns).replace('␣', " "))
            .collect()
    }
}

#[test]
fn namespaced_kinds_on_the_server() {
    let t = Twin::new("mut-create-kinds");
    t.setup("create serviceaccount sa0");
    let data = fixture("create/data");
    let tls = fixture("create/tls");
    let lines = [
        "create serviceaccount sa -o json".to_string(),
        "create sa sa2 --save-config".to_string(),
        "create quota q --hard=cpu=1,memory=1G,pods=2 --scopes=NotTerminating -o json".to_string(),
        "create configmap c1 --from-literal=a=b --from-literal=c=d".to_string(),
        format!("create cm c2 --from-file={}/dir --append-hash -o json", data.display()),
        format!("create cm c3 --from-env-file={}/env1 --save-config -o yaml", data.display()),
        "create secret generic s1 --from-literal=a=b --type=Opaque -o json".to_string(),
        format!("create secret generic s2 --from-file={}/dir --append-hash -o name", data.display()),
        "create secret docker-registry s3 --docker-username=u --docker-password=p --docker-email=e@x".to_string(),
        format!(
            "create secret tls s4 --cert={}/rsa.crt --key={}/rsa.key -o json",
            tls.display(),
            tls.display()
        ),
        "create role r1 --verb=get,list --resource=pods,deploy.apps/scale --resource-name=x -o json".to_string(),
        "create rolebinding rb1 --role=r1 --user=u --group=g --serviceaccount=a:b -o json".to_string(),
        "create rolebinding rb2 --clusterrole=view --serviceaccount={ns}:sa0".to_string(),
        "create pdb p1 --selector=app=web --min-available=1 -o json".to_string(),
        "create pdb p2 --selector=app␣in␣(a,b) --max-unavailable=50%".to_string(),
        "create job j1 --image=busybox -o json -- sh -c true".to_string(),
        "create cronjob cj1 --image=busybox --schedule=*/5␣*␣*␣*␣* -o json -- echo hi".to_string(),
        "create job j2 --from=cronjob/cj1 -o json".to_string(),
        "create job j3 --from=cronjob/cj1 --dry-run=client -o yaml".to_string(),
        "create cm dry --from-literal=a=b --dry-run=server -o json".to_string(),
        "create secret generic dry2 --from-literal=a=b --dry-run=server".to_string(),
        "create sa mine --field-manager=me --show-managed-fields -o json".to_string(),
        "create cm jp --from-literal=a=b -o jsonpath={.data.a}".to_string(),
    ];
    for line in &lines {
        t.same_per_namespace(&per_namespace(line));
    }
    t.same_objects("sa,quota,cm,secret,role,rolebinding,pdb,job,cronjob");
    let names = t.kubectl_in(
        &t.b,
        "get sa,quota,cm,secret,role,rolebinding,pdb,job,cronjob -o name",
    );
    for name in [
        "serviceaccount/mine",
        "resourcequota/q",
        "configmap/c3",
        "secret/s4",
        "role.rbac.authorization.k8s.io/r1",
        "rolebinding.rbac.authorization.k8s.io/rb2",
        "poddisruptionbudget.policy/p2",
        "job.batch/j2",
        "cronjob.batch/cj1",
    ] {
        assert!(
            names.lines().any(|l| l == name),
            "{name} missing in {names}"
        );
    }
    assert!(!names.contains("configmap/dry"), "{names}");
}

/// The named cluster-scoped objects of one twin, masked for comparison.
fn cluster_objects(t: &Twin, ns: &str, names: &str) -> String {
    let names = names.replace("{ns}", ns);
    let out = t.kubectl_in(ns, &format!("get {names} -o json --show-managed-fields"));
    let mut list: serde_json::Value = serde_json::from_str(&out.replace(ns, "<ns>")).expect("json");
    if let Some(items) = list.get_mut("items").and_then(|i| i.as_array_mut()) {
        items.iter_mut().for_each(common::twin::mask_object);
    }
    common::twin::mask_output(&serde_json::to_string_pretty(&list).expect("json"))
}

#[test]
fn cluster_scoped_kinds_on_the_server() {
    let t = Twin::new("mut-create-cluster");
    let names = "namespace/{ns}-n clusterrole/{ns}-r clusterrole/{ns}-agg clusterrolebinding/{ns}-b priorityclass/{ns}-p";
    for line in [
        "create namespace {ns}-n -o json",
        "create clusterrole {ns}-r --verb=get,list --resource=pods,nodes/status --non-resource-url=/healthz -o json",
        "create clusterrole {ns}-agg --aggregation-rule=rbac.example.com/agg={ns} --save-config",
        "create clusterrolebinding {ns}-b --clusterrole={ns}-r --user=u --serviceaccount={ns}:default -o yaml",
        "create priorityclass {ns}-p --value=7 --description=d --preemption-policy=Never -o json",
        "create namespace {ns}-dry --dry-run=server -o json",
        // Already there.
        "create namespace {ns}-n",
        "create clusterrole {ns}-r --verb=get --resource=pods",
        "create clusterrolebinding {ns}-b --clusterrole=x",
        "create priorityclass {ns}-p",
        // Refused by the server.
        "create namespace Bad_{ns}",
        "create priorityclass {ns}-q --global-default --value=1 --preemption-policy=Sometimes",
        "create clusterrole {ns}-x --verb=get --resource=pods --context limited",
    ] {
        t.same_per_namespace(&per_namespace(line));
    }
    assert_same_text(
        "cluster-scoped objects",
        &cluster_objects(&t, &t.a, names),
        &cluster_objects(&t, &t.b, names),
        "after the commands",
    );
    for ns in [&t.a, &t.b] {
        t.kubectl_in(
            ns,
            &format!("delete {} --wait=false", names.replace("{ns}", ns)),
        );
    }
}

#[test]
fn failures_on_the_server() {
    let t = Twin::new("mut-create-kinds-err");
    t.setup("create configmap c --from-literal=a=b");
    t.setup("create secret generic s --from-literal=a=b");
    t.setup("create role r --verb=get --resource=pods");
    for line in [
        "create configmap c --from-literal=a=b",
        "create secret generic s --from-literal=a=b",
        "create secret tls s --cert=tests/fixtures/create/tls/rsa.crt --key=tests/fixtures/create/tls/rsa.key",
        "create role r --verb=get --resource=pods",
        "create rolebinding rb --role=r --serviceaccount=a:Bad_Name",
        "create quota q --hard=cpu=1 --scopes=Bogus",
        "create pdb p --selector=a=b --min-available=1 --context limited",
        "create sa Bad_Name",
        "create cm c2 --from-literal=a=b -n nope",
        "create job j --from=cronjob/nope",
        "create job j --from=cronjob",
        "create job j --from=cm/c",
        "create job j --from=foo/x",
        "create cronjob cj --image=busybox --schedule=never",
        "create token nope",
        "create token default --bound-object-kind=Secret --bound-object-name=nope",
    ] {
        t.same(line);
    }
    t.same_objects("cm,secret,role,rolebinding,quota,pdb,sa,job,cronjob");
}

/// A JWT as `create token` prints it.
fn mask_token(text: &str) -> String {
    let re =
        regex::Regex::new(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+").expect("regex");
    let masked = re.replace_all(text, "<token>").into_owned();
    common::twin::mask_output(&masked)
}

#[test]
fn tokens() {
    let t = Twin::new("mut-create-token");
    t.setup("create secret generic bound --from-literal=a=b");
    for line in [
        "create token default",
        "create token default -o json",
        "create token default -o yaml --duration=1h --audience=a --audience=b",
        "create token default -o name",
        "create token default -o jsonpath={.spec.expirationSeconds}",
        "create token default --bound-object-kind=Secret --bound-object-name=bound -o json",
    ] {
        let words: Vec<&str> = line.split_whitespace().collect();
        let expected = t.invocation(&t.a, &words).kubectl();
        let actual = t.invocation(&t.b, &words).kuddle();
        let context = format!("`{line}`");
        for (what, e, a) in [
            ("stdout", &expected.stdout, &actual.stdout),
            ("stderr", &expected.stderr, &actual.stderr),
        ] {
            assert_same_text(
                what,
                &mask_token(&e.replace(&t.a, "<ns>")),
                &mask_token(&a.replace(&t.b, "<ns>")),
                &context,
            );
        }
        assert_eq!(expected.code, actual.code, "exit code for {context}");
    }
}

/// `create -f` paths, relative to the repository (the tests' folder).
const MANIFESTS: &str = "tests/fixtures/create/manifests";

#[test]
fn create_from_files() {
    let t = Twin::new("mut-create-f");
    for line in [
        "create -f {m}/objects.yaml",
        "create -f {m}/cm.json -o json",
        "create -f {m}/dir",
        "create -R -f {m}/dir/sub -o yaml --save-config",
        "create -f {m}/list-ok.yaml -o name",
        "create -f {m}/unknown-field.yaml --validate=false -o json",
        "create -f {m}/review-ok.yaml -o yaml",
        "create -f {m}/review-ok.yaml --dry-run=server -o name",
    ] {
        t.same(&line.replace("{m}", MANIFESTS));
    }
    t.same_objects("cm,secret,svc,deploy,sa");
}

#[test]
fn create_from_files_dry_runs_and_selectors() {
    let t = Twin::new("mut-create-f-dry");
    for line in [
        "create -f {m}/objects.yaml --dry-run=client",
        "create -f {m}/objects.yaml --dry-run=client -o yaml",
        "create -f {m}/objects.yaml --dry-run=client -o json --save-config",
        "create -f {m}/objects.yaml --dry-run=server -o yaml",
        "create -f {m}/objects.yaml -l tier=web -o name",
        "create -f {m}/objects.yaml -l tier=nope",
        "create -f {m}/objects.yaml -l tier=db --field-manager=me --show-managed-fields -o json",
        "create -f {m}/dir/a.yaml,{m}/dir/b.json -o jsonpath={.metadata.name}",
        "create -f {m}/objects.yaml -l a_b/c=d",
        // Only --edit reads it.
        "create -f {m}/dir/a.yaml --windows-line-endings --dry-run=client -o yaml",
    ] {
        t.same(&line.replace("{m}", MANIFESTS));
    }
    t.same_objects("cm,secret,svc,deploy,sa");
}

#[test]
fn create_from_stdin_and_urls() {
    let t = Twin::new("mut-create-f-in");
    let manifest = std::fs::read(format!("{MANIFESTS}/objects.yaml")).expect("fixture");
    for ns in [&t.a, &t.b] {
        let inv = t
            .invocation(ns, &["create", "-f", "-", "-o", "name"])
            .stdin(manifest.clone());
        let (kubectl, kuddle) = if ns == &t.a {
            (Some(inv.kubectl()), None)
        } else {
            (None, Some(inv.kuddle()))
        };
        for out in [kubectl, kuddle].into_iter().flatten() {
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert_eq!(
                out.stdout,
                "configmap/web-config\nsecret/web-secret\nservice/web\ndeployment.apps/web\n"
            );
        }
    }
    let base = serve_dir(fixture("create/manifests"));
    for line in [
        format!("create -f {base}/dir/a.yaml -f {base}/list-ok.yaml"),
        format!("create -f {base}/nope.yaml -f {base}/cm.json"),
        "create -f http://127.0.0.1:1/x.yaml".to_string(),
    ] {
        t.same(&line);
    }
    t.same_objects("cm,secret,svc,deploy,sa");
}

#[test]
fn create_from_files_failures() {
    let t = Twin::new("mut-create-f-err");
    t.setup("create configmap m3");
    for line in [
        // One bad document among many: the rest are created, exit 1.
        "create -f {m}/mixed.yaml",
        "create -f {m}/mixed.yaml -o name",
        // Already there, alone.
        "create -f {m}/dir/a.yaml",
        "create -f {m}/dir/a.yaml",
        "create -f {m}/other-namespace.yaml",
        "create -f {m}/unknown-field.yaml",
        "create -f {m}/unknown-field.yaml --validate=warn -o name",
        // Checked by kubectl itself: lists and kinds without PATCH.
        "create -f {m}/list.yaml",
        "create -f {m}/list.yaml --validate=warn",
        "create -f {m}/list.yaml --validate=ignore",
        "create -f {m}/review.yaml",
        "create -f {m}/review.yaml --validate=warn -o name",
        "create -f {m}/dir/notes.txt",
        "create -f {m}/nope.yaml -f {m}/dir/a.yaml",
        "create -f {m}/dir/a.yaml --context limited",
        "create -f {m}/dir/a.yaml foo",
        "create -f {m}/dir/a.yaml -k {m}/dir",
    ] {
        t.same(&line.replace("{m}", MANIFESTS));
    }
    t.same_objects("cm,secret,svc,pods,sa");
}

#[test]
fn create_raw() {
    let t = Twin::new("mut-create-raw");
    // The server names the field manager after the client's User-Agent
    // (kuddle/…); everything else must match.
    let ns = |w: &str, ns: &str| w.replace("{ns}", ns).replace("{m}", MANIFESTS);
    for ns_name in [&t.a, &t.b] {
        let words: Vec<String> =
            "create --raw /api/v1/namespaces/{ns}/configmaps -f {m}/raw-cm.json"
                .split_whitespace()
                .map(|w| ns(w, ns_name))
                .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let inv = t.invocation(ns_name, &words);
        let out = if ns_name == &t.a {
            inv.kubectl()
        } else {
            inv.kuddle()
        };
        assert_eq!(out.code, 0, "{}", out.stderr);
        let masked = common::twin::mask_output(&out.stdout.replace(ns_name, "<ns>"))
            .replace("\"manager\":\"kuddle\"", "\"manager\":\"kubectl\"");
        assert_eq!(
            masked,
            "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"raw-cm\",\"namespace\":\"<ns>\",\"uid\":\"<uid>\",\"resourceVersion\":<rv>,\"creationTimestamp\":\"<time>\",\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"<time>\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\".\":{},\"f:a\":{}}}}]},\"data\":{\"a\":\"1\"}}\n"
        );
    }
    for line in [
        "create --raw /api/v1/namespaces/{ns}/nopes -f {m}/raw-cm.json",
        "create --raw /api -f {m}/raw-cm.json",
        "create --raw /api/v1/namespaces/{ns}/configmaps -f {m}/nope.json",
        "create --raw api -f {m}/raw-cm.json",
        "create --raw /x -f {m}/raw-cm.json -f {m}/raw-cm.json",
        "create --raw /x -f {m}/raw-cm.json -o json",
        "create --raw /x -f {m}/raw-cm.json -R",
        "create --raw /x -f {m}/raw-cm.json -l a=b",
        "create --raw /x -f http://example.com/x.json",
    ] {
        t.same_per_namespace(&|ns| {
            line.replace("{m}", MANIFESTS)
                .split_whitespace()
                .map(|w| w.replace("{ns}", ns))
                .collect()
        });
    }
    t.kubectl_in(&t.a, "get cm raw-cm");
    t.kubectl_in(&t.b, "get cm raw-cm");
}

/// A folder of 46 objects for `create -f` in the namespace `ns`, read in
/// file order: config maps (one with an unknown field), services (one
/// refused for its port), a namespace of its own with a service account
/// and config maps in it, then more config maps, one made beforehand and
/// one named a second time.
fn many_objects(ns: &str) -> std::path::PathBuf {
    let dir = common::scratch_root().join(format!("create-many-{ns}"));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let config_map = |name: &str, namespace: &str, extra: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\n{extra}data:\n  k: v\n---\n"
        )
    };
    let mut first = String::new();
    for i in 0..18 {
        let extra = if i == 9 { "spare: 1\n" } else { "" };
        first += &config_map(&format!("cm-{i:02}"), ns, extra);
    }
    let mut second = String::new();
    for i in 0..12 {
        // Port 70000 is out of range: the server refuses this one.
        let port = if i == 6 { 70000 } else { 8000 + i };
        second += &format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i:02}\n  namespace: {ns}\nspec:\n  ports:\n  - port: {port}\n---\n"
        );
    }
    let inner = format!("{ns}-in");
    let mut third = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {inner}\n---\n");
    third += &format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n  namespace: {inner}\n---\n"
    );
    for i in 0..4 {
        third += &config_map(&format!("inner-{i}"), &inner, "");
    }
    let mut fourth = String::new();
    for i in 18..26 {
        fourth += &config_map(&format!("cm-{i:02}"), ns, "");
        if i == 21 {
            fourth += &config_map("made-before", ns, "");
        }
    }
    fourth += &config_map("cm-05", ns, "");
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

/// Namespaces and folders the test made, removed when it ends.
struct Leftovers(Vec<String>, Vec<std::path::PathBuf>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        let mut args = vec!["delete".to_string(), "namespace".to_string()];
        args.extend(self.0.iter().cloned());
        args.push("--wait=false".into());
        args.push("--ignore-not-found".into());
        Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        for dir in &self.1 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn create_many_objects_overlapping_reports_in_file_order() {
    let t = Twin::new("mut-create-many");
    let (dir_a, dir_b) = (many_objects(&t.a), many_objects(&t.b));
    let (inner_a, inner_b) = (format!("{}-in", t.a), format!("{}-in", t.b));
    let _leftovers = Leftovers(
        vec![t.a.clone(), t.b.clone(), inner_a.clone(), inner_b.clone()],
        vec![dir_a.clone(), dir_b.clone()],
    );
    t.setup("create configmap made-before --from-literal=a=b");
    // No -n: every object names its namespace, two of them.
    let run = |extra: &[&str]| {
        let outputs: Vec<(Output, &String)> = [(&dir_a, &t.a), (&dir_b, &t.b)]
            .into_iter()
            .enumerate()
            .map(|(i, (dir, ns))| {
                let mut words = vec!["create", "-f", dir.to_str().unwrap()];
                words.extend(extra);
                let inv = Invocation::new(&words).kubeconfig(cluster_kubeconfig());
                (if i == 0 { inv.kubectl() } else { inv.kuddle() }, ns)
            })
            .collect();
        let mask = |s: &str, ns: &str| {
            let dir = common::scratch_root().join(format!("create-many-{ns}"));
            mask_output(
                &s.replace(&dir.display().to_string(), "<dir>")
                    .replace(ns, "<ns>"),
            )
        };
        let (expected, actual) = (&outputs[0], &outputs[1]);
        let context = format!("create -f DIR {}", extra.join(" "));
        assert_same_text(
            "stdout",
            &mask(&expected.0.stdout, expected.1),
            &mask(&actual.0.stdout, actual.1),
            &context,
        );
        assert_same_text(
            "stderr",
            &mask(&normalize_stderr(&expected.0.stderr), expected.1),
            &mask(&normalize_stderr(&actual.0.stderr), actual.1),
            &context,
        );
        assert_eq!(expected.0.code, actual.0.code, "exit code for {context}");
        outputs.into_iter().nth(1).unwrap().0
    };
    // Nothing is created: the inner namespace stays missing for the
    // objects after it.
    let out = run(&["--dry-run=server", "-o", "name"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("configmap/cm-00\nconfigmap/cm-01\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("namespaces \""), "{}", out.stderr);
    // The objects after the namespace are created in it, the failures in
    // the middle leave the rest created.
    let out = run(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.matches(" created\n").count(),
        42,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("namespace/") && out.stdout.contains("configmap/inner-3 created\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("AlreadyExists"), "{}", out.stderr);
    assert!(out.stderr.contains("70000"), "{}", out.stderr);
    t.same_objects("cm,svc,sa");
    assert_same_text(
        "objects in the inner namespace",
        &t.objects(&inner_a, "cm,sa"),
        &t.objects(&inner_b, "cm,sa"),
        "after create -f",
    );
    // Everything is there now: every object fails, in order.
    let out = run(&["-o", "yaml", "--save-config"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr.matches("AlreadyExists").count(),
        44,
        "{}",
        out.stderr
    );
}

//! `set image|env|resources|selector|serviceaccount|subject` against the
//! real control plane (kubectl in one namespace, kuddle in its twin:
//! output, errors and the objects left must match), and offline with
//! `--local`, byte for byte.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

const OBJECTS: &str = "deploy,ds,sts,rc,cj,pod,svc,cm,secret,rolebinding";

fn workloads(prefix: &str) -> Twin {
    let t = Twin::new(prefix);
    let manifest = std::fs::read_to_string(fixture("set/workloads.yaml")).expect("fixture");
    t.setup_manifest(&manifest);
    t.setup("run solo --image=nginx");
    t
}

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn images() {
    let t = workloads("set-image");
    for line in [
        "set image deploy/web nginx=nginx:1.25",
        // Nothing changes: no output, no request.
        "set image deploy/web nginx=nginx:1.25",
        "set image deploy/web init=busybox:1 sidecar=busybox:2 -o jsonpath={.spec.template}",
        // Whole objects only where no controller writes status meanwhile.
        "set image cj/nightly job=busybox:5 -o json",
        "set image cj/nightly job=busybox:6 --dry-run=client -o yaml",
        "set image deploy web api nginx=nginx:2",
        "set image deploy/api *=nginx:3 -o jsonpath={.spec.template}",
        "set image ds/agent agent=busybox:3 -o name",
        "set image sts/db db=postgres:16",
        "set image rc/legacy nginx=nginx:4 -o jsonpath={.spec.template}",
        "set image cj/nightly job=busybox:4",
        "set image pod/solo solo=nginx:5",
        "set image deploy --all nginx=nginx:6 -o name",
        "set image deploy -l app=api api=nginx:7",
        "set image deploy/api api=nginx:8 --dry-run=client -o jsonpath={.spec.template}",
        "set image deploy/api api=nginx:9 --dry-run=server -o jsonpath={.spec.template}",
        "set image deploy/api api=nginx:10 --field-manager=mine",
        // Errors after the other objects were changed. Each object lacks one
        // name only: kubectl reports several missing names of one object in
        // Go's random map order.
        "set image deploy/web deploy/api nginx=nginx:11 api=nginx:11",
        "set image deploy/web cm/settings secret/creds nginx=nginx:12",
        "set image cm/settings nginx=x",
        // Any object that cannot be read stops everything.
        "set image deploy/web deploy/nope nginx=nginx:13",
    ] {
        t.same(line);
    }
    t.same_objects(OBJECTS);
}

#[test]
fn environment() {
    let t = workloads("set-env");
    for line in [
        "set env deploy/web A=1",
        "set env deploy/web A=1",
        "set env deploy/web --list",
        "set env deploy/web --list --resolve",
        "set env deploy/web -c side* B=2 -o jsonpath={.spec.template}",
        "set env cj/nightly B=2 -o json",
        "set env deploy/web -c nope B=2",
        "set env deploy/web -c init --list",
        // kubectl's wildcard finds a leading part anywhere in the name.
        "set env deploy/web -c x* --list",
        "set env deploy/web --from=configmap/settings",
        "set env deploy/web --from=secret/creds --prefix=P_ --list",
        "set env deploy/web --from=secret/creds --list --resolve",
        "set env deploy/web --from=secret/creds --keys=token --prefix=S_",
        "set env deploy/web --from=configmap/settings --keys=other",
        "set env deploy/web A- PLAIN-",
        "set env deploy/web A- --list",
        "set env deploy/web POD=x --overwrite=false",
        "set env deploy/web NEW=1 --overwrite=false -o jsonpath={.spec.template}",
        "set env deploy/web -e C=3 D=4 --dry-run=client -o jsonpath={.spec.template}",
        "set env cj/nightly -e C=3 --dry-run=client -o yaml",
        "set env deploy/web -e E=5 --dry-run=server",
        "set env deploy/api ds/agent sts/db rc/legacy cj/nightly pod/solo X=1",
        "set env deploy --all --list",
        "set env deploy -l app=api Y=2 -o name",
        "set env cm/settings X=1",
        "set env deploy/web --from=deploy/api",
        "set env deploy/web --from=configmap/nope X=1",
        // Only a removal given with -e: written, then kubectl complains.
        "set env deploy/api -e X-",
    ] {
        t.same(line);
    }
    let stdin = std::fs::read_to_string(fixture("set/env-stdin.txt")).expect("fixture");
    for line in [
        "set env cj/nightly -e - --dry-run=client -o json",
        "set env deploy/web - LAST=1",
    ] {
        let inv = t.invocation(&t.b, &words(line));
        let expected = t
            .invocation(&t.a, &words(line))
            .stdin(stdin.clone())
            .kubectl();
        let actual = inv.stdin(stdin.clone()).kuddle();
        assert_twins(&t, line, &expected, &actual);
    }
    t.same_objects(OBJECTS);
}

/// Many objects patched in one command, some refused by the server: the
/// patches overlap in kuddle, the lines, errors and objects left do not
/// change.
#[test]
fn many_objects_with_some_refused() {
    let t = Twin::new("set-many");
    let manifest: String = (1..=40)
        .map(|i| {
            // Every seventh job limits its CPU below what is asked later.
            let limit = if i % 7 == 0 { "100m" } else { "2" };
            format!(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: j{i:02}\n  labels: {{set: many}}\nspec:\n  schedule: \"0 0 1 1 *\"\n  suspend: true\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: job\n            image: busybox:1\n            resources: {{limits: {{cpu: \"{limit}\"}}}}\n---\n"
            )
        })
        .collect();
    t.setup_manifest(&manifest);
    for line in [
        "set resources cj -l set=many --requests=cpu=500m",
        "set image cj -l set=many job=busybox:2",
        "set image cj --all job=busybox:3 -o name",
        "set env cj -l set=many A=1 --dry-run=server -o name",
        "set env cj -l set=many B=2",
    ] {
        t.same(line);
    }
    t.same_objects("cj");
}

/// kubectl's output in twin `a` against kuddle's in twin `b`.
fn assert_twins(t: &Twin, line: &str, expected: &Output, actual: &Output) {
    let mask = |s: &str, ns: &str| twin::mask_output(&s.replace(ns, "<ns>"));
    assert_eq!(
        mask(&expected.stdout, &t.a),
        mask(&actual.stdout, &t.b),
        "{line}"
    );
    assert_eq!(
        mask(&normalize_stderr(&expected.stderr), &t.a),
        mask(&normalize_stderr(&actual.stderr), &t.b),
        "{line}"
    );
    assert_eq!(expected.code, actual.code, "{line}");
}

/// `--record` writes the command line under the program's own name: kuddle
/// runs as `kubectl` (a symbolic link) so that both write the same words.
#[test]
fn record_writes_the_command_line() {
    let t = workloads("set-record");
    let dir = common::scratch_root().join(format!("kuddle-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let alias = dir.join("kubectl");
    let _ = std::fs::remove_file(&alias);
    std::os::unix::fs::symlink(kuddle_bin(), &alias).expect("symlink");
    let file = fixture("set/local-deployment.yaml").display().to_string();
    for line in [
        "set image deploy/web nginx=nginx:2 --record -o yaml".to_string(),
        // Only the change cause changes: still written.
        "set image deploy/web nginx=nginx:2 --record -oname".to_string(),
        "set resources deploy/web --limits=cpu=100m --record=true -o jsonpath={.metadata.annotations}".to_string(),
        "set selector svc/web app=web --record -o json".to_string(),
        "set sa deploy/api robot --record=false".to_string(),
        "set sa deploy/api robot --record".to_string(),
        "set image deploy/api api=nginx:3 --record --dry-run=client -o yaml".to_string(),
        format!("set image -f {file} --local nginx=x --record -o yaml"),
        // label and annotate record only what they write to the server.
        format!("label -f {file} --local x=1 --record -o yaml"),
        format!("annotate -f {file} --local x=1 --record -o yaml"),
        "autoscale deploy web --max=3 --record --dry-run=client -o yaml".to_string(),
        "autoscale deploy web --max=3 --record".to_string(),
        // With set's field manager: one manager's entry, where two would be
        // ordered by the second each wrote in.
        "label deploy web rec=1 --record --field-manager=kubectl-set".to_string(),
        // Nothing to label: nothing sent, the cause not written.
        "label deploy api app=api --record".to_string(),
        "annotate deploy web rec=1 --record --field-manager=kubectl-set -o jsonpath={.metadata.annotations}".to_string(),
        "set image deploy/web nginx=nginx:4 --record=maybe".to_string(),
        "set env deploy/web A=1 --record".to_string(),
    ] {
        let expected = t.invocation(&t.a, &words(&line)).kubectl();
        let actual = t.invocation(&t.b, &words(&line)).run_with(&alias);
        assert_twins(&t, &line, &expected, &actual);
    }
    t.same_objects(&format!("{OBJECTS},hpa"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The other verbs that take `--record`: the same deprecation notice, the
/// change cause on what they write (a second patch for patch and scale).
#[test]
fn record_on_the_other_writing_verbs() {
    let t = workloads("record-verbs");
    let dir = common::scratch_root().join(format!("kuddle-record-verbs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let alias = dir.join("kubectl");
    let _ = std::fs::remove_file(&alias);
    std::os::unix::fs::symlink(kuddle_bin(), &alias).expect("symlink");
    let cm = dir.join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rec\ndata:\n  a: b\n",
    )
    .expect("manifest");
    let cm = cm.display().to_string();
    let annotations = "-o jsonpath={.metadata.annotations}";
    for line in [
        format!("apply -f {cm} --record"),
        format!("apply -f {cm} --record=false"),
        format!("create -f {cm} --record --dry-run=client -o yaml"),
        // replace has no --record.
        format!("replace -f {cm} --record {annotations}"),
        format!("patch deploy web -p {{\"spec\":{{\"replicas\":2}}}} --record {annotations}"),
        format!("patch deploy web -p {{}} --record --dry-run=server {annotations}"),
        "scale deploy web --replicas=1 --record".to_string(),
        "scale deploy api --replicas=1 --record --dry-run=client -o name".to_string(),
        "expose deploy web --name=web-rec --port=81 --record -o yaml".to_string(),
        "run rec --image=nginx --record --dry-run=client -o yaml".to_string(),
        "run rec --image=nginx --record --expose --port=80 -o name".to_string(),
        "apply -f /nonexistent --record".to_string(),
    ] {
        let expected = t.invocation(&t.a, &words(&line)).kubectl();
        let actual = t.invocation(&t.b, &words(&line)).run_with(&alias);
        assert_twins(&t, &line, &expected, &actual);
    }
    // An editor that changes the object: the cause goes with the change.
    let editor = dir.join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/^  a: b/  a: c/' \"$1\"\n").expect("editor");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let line = "edit cm/rec --record -o name";
    let editor = editor.display().to_string();
    let expected = t
        .invocation(&t.a, &words(line))
        .env("KUBE_EDITOR", &editor)
        .kubectl();
    let actual = t
        .invocation(&t.b, &words(line))
        .env("KUBE_EDITOR", &editor)
        .run_with(&alias);
    assert_twins(&t, line, &expected, &actual);
    t.same_objects(&format!("{OBJECTS},pod"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn resources() {
    let t = workloads("set-res");
    for line in [
        "set resources deploy/web --limits=cpu=100m",
        "set resources deploy/web --limits=cpu=100m",
        "set resources deploy/web -c nope --limits=cpu=1",
        "set resources deploy/web -c side* --requests=cpu=0.5,memory=1024Mi -o jsonpath={.spec.template}",
        "set resources cj/nightly --requests=cpu=0.5,memory=1024Mi -o json",
        "set resources deploy/api --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi --dry-run=client -o jsonpath={.spec.template}",
        "set resources deploy/api --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi",
        "set resources deploy/api --limits=cpu=0,memory=0 --requests=cpu=0,memory=0",
        "set resources ds/agent sts/db rc/legacy cj/nightly --requests=memory=1.5Gi -o name",
        "set resources deploy --all --limits=cpu=300m --dry-run=server",
        "set resources cm/settings --limits=cpu=1",
        "set resources deploy/web cm/settings --limits=cpu=2",
        "set resources deploy/web",
        "set resources deploy/web --limits=cpu",
        "set resources deploy/web --limits=cpu=x",
        "set resources deploy/web --limits=cpu=1,memory",
    ] {
        t.same(line);
    }
    t.same_objects(OBJECTS);
}

#[test]
fn service_accounts_and_selectors() {
    let t = workloads("set-sa-sel");
    for words in [
        vec!["set", "serviceaccount", "deploy/web", "robot"],
        // Written (and reported) even when it changes nothing.
        vec!["set", "sa", "deploy/web", "robot"],
        vec!["set", "sa", "ds/agent", "sts/db", "robot", "-o", "name"],
        vec![
            "set",
            "sa",
            "deploy",
            "api",
            "robot",
            "--dry-run=client",
            "-o",
            "jsonpath={.spec.template}",
        ],
        vec![
            "set",
            "sa",
            "cj",
            "nightly",
            "robot",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        vec!["set", "sa", "deploy/api", "robot", "--dry-run=server"],
        vec!["set", "sa", "deploy/web", "cm/settings", "robot"],
        vec!["set", "sa"],
        vec!["set", "sa", "deploy/web"],
        vec!["set", "selector", "svc/web", "app=api"],
        vec!["set", "selector", "svc/web", "app=api"],
        vec![
            "set",
            "selector",
            "svc/web",
            "app=web,tier==front",
            "-o",
            "json",
        ],
        vec!["set", "selector", "svc/web", "app in (x)"],
        vec!["set", "selector", "svc/web", "app,!tier"],
        vec!["set", "selector", "svc/web", "a>1"],
        vec!["set", "selector", "svc/web", "a!=1"],
        vec!["set", "selector", "svc/web", "a b"],
        vec!["set", "selector", "svc/web", "_a=b"],
        vec!["set", "selector", "svc/web", "a=-b"],
        vec!["set", "selector", "cm/settings", "a=b"],
        vec!["set", "selector", "cm/settings", "svc/web", "app=web"],
        vec!["set", "selector"],
        vec!["set", "selector", "svc/web"],
        vec![
            "set",
            "selector",
            "svc/web",
            "app=x",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        vec![
            "set",
            "selector",
            "svc/web",
            "app=x",
            "--dry-run=server",
            "-o",
            "name",
        ],
        vec![
            "set",
            "selector",
            "svc/web",
            "app=x",
            "--resource-version=1",
        ],
    ] {
        t.same_words(&words);
    }
    let version =
        |ns: &str| t.kubectl_in(ns, "get svc web -o jsonpath={.metadata.resourceVersion}");
    t.same_per_namespace(&|ns| {
        vec![
            "set".into(),
            "selector".into(),
            "svc/web".into(),
            "app=web".into(),
            format!("--resource-version={}", version(ns)),
        ]
    });
    t.same_objects(OBJECTS);
}

#[test]
fn subjects() {
    let t = workloads("set-subject");
    for words in [
        vec!["set", "subject", "rolebinding/readers", "--user=bob"],
        vec!["set", "subject", "rolebinding/readers", "--user=bob"],
        // `--user` is the command's own flag, wherever it stands.
        vec![
            "--user",
            "carol",
            "set",
            "subject",
            "rolebinding",
            "readers",
            "--group=devs",
        ],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--serviceaccount=other:robot",
            "--serviceaccount=:local",
            "--user=dave",
            "--user=dave",
            "-o",
            "json",
        ],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--user=erin",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--user=erin",
            "--dry-run=server",
        ],
        vec!["set", "subject", "rolebinding/readers"],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--serviceaccount=robot",
        ],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--serviceaccount=ns:",
        ],
        vec!["set", "subject", "cm/settings", "--user=x"],
        vec!["set", "subject", "rolebinding/nope", "--user=x"],
        vec![
            "set",
            "subject",
            "rolebinding",
            "--all",
            "-l",
            "a=b",
            "--user=x",
        ],
    ] {
        t.same_words(&words);
    }
    t.same_objects("rolebinding");
    // Cluster role bindings: one per twin, removed afterwards.
    let name = |ns: &str| format!("{ns}-crb");
    for ns in [&t.a, &t.b] {
        t.kubectl_in(
            ns,
            &format!(
                "create clusterrolebinding {} --clusterrole=view --user=alice",
                name(ns)
            ),
        );
    }
    for extra in [
        vec!["--serviceaccount=:robot".to_string()],
        vec![
            "--serviceaccount=team:robot".to_string(),
            "-o".into(),
            "yaml".into(),
        ],
    ] {
        t.same_per_namespace(&|ns| {
            let mut w = vec![
                "set".to_string(),
                "subject".into(),
                "clusterrolebinding".into(),
                name(ns),
            ];
            w.extend(extra.iter().cloned());
            w
        });
    }
    let crb = |ns: &str| {
        t.kubectl_in(
            ns,
            &format!(
                "get clusterrolebinding {} -o jsonpath={{.subjects}}",
                name(ns)
            ),
        )
    };
    assert_eq!(crb(&t.a), crb(&t.b));
    for ns in [&t.a, &t.b] {
        t.kubectl_in(ns, &format!("delete clusterrolebinding {}", name(ns)));
    }
}

#[test]
fn objects_named_by_files_and_usage_errors() {
    let t = workloads("set-usage");
    let file = fixture("set/local-deployment.yaml").display().to_string();
    let all = fixture("set/workloads.yaml").display().to_string();
    let dir = fixture("set").display().to_string();
    for words in [
        // Objects in files are read again from the server.
        vec!["set", "image", "-f", &all, "nginx=nginx:2", "-o", "name"],
        vec!["set", "image", "-f", &all, "-l", "app=web", "nginx=nginx:3"],
        vec!["set", "env", "-f", &all, "--list"],
        // A directory: an object placed in a namespace that does not exist
        // is looked for there first (the namespace is then not found).
        vec![
            "set",
            "image",
            "-R",
            "-f",
            &dir,
            "nginx=nginx:4",
            "-o",
            "name",
        ],
        vec!["set", "env", "-R", "-f", &dir, "--list"],
        vec!["set", "image"],
        vec!["set", "image", "deploy/web"],
        vec!["set", "image", "deploy/nope"],
        vec!["set", "image", "deploy/web", "--all", "-l", "a=b"],
        vec!["set", "image", "deploy", "--all", "-l", "a=b", "x=y"],
        vec!["set", "image", "deploy/web", "a=b", "*=c"],
        vec!["set", "image", "deploy/web", "a=b", "--local"],
        vec!["set", "image", "a=b"],
        vec!["set", "image", "-f", &file, "--local"],
        vec![
            "set",
            "image",
            "-f",
            &file,
            "--local",
            "--dry-run=server",
            "a=b",
        ],
        vec!["set", "image", "deploy/web", "a-"],
        vec!["set", "env"],
        vec!["set", "env", "deploy/web"],
        vec!["set", "env", "deploy/web", "--keys=a"],
        vec!["set", "env", "deploy/web", "a=b", "--list", "-o", "yaml"],
        vec!["set", "env", "deploy/web", "1A=x"],
        vec!["set", "env", "deploy/web", "../a=x"],
        vec!["set", "env", "deploy/web", "A=1", "A-"],
        vec!["set", "env", "deploy/web", "A=1", "foo"],
        vec!["set", "env", "--all", "-l", "a=b", "deploy"],
        vec![
            "set",
            "env",
            "deploy/web",
            "--from=configmap/settings",
            "-f",
            &file,
        ],
        vec![
            "set",
            "resources",
            "deploy/web",
            "--limits=cpu=1",
            "--local",
        ],
        vec![
            "set",
            "sa",
            "deploy/web",
            "x",
            "--local",
            "--dry-run=server",
        ],
        vec![
            "set",
            "subject",
            "rolebinding/readers",
            "--user=x",
            "--local",
        ],
        vec!["set", "image", "deploy/web", "nginx=x", "--dry-run=bogus"],
        vec!["set", "image", "deploy/web", "nginx=x", "-o", "bogus"],
        vec!["set", "bogus"],
        vec!["set", "image", "deploy/web", "nginx=x", "--bogus"],
    ] {
        t.same_words(&words);
    }
    t.same_objects(OBJECTS);
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("set-limited");
    // The limited user may read deployments and services in default.
    let name = format!("{}-x", t.b);
    let admin = |line: &str| {
        let out = Invocation::line(line)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{line}: {}", out.stderr);
        out.stdout
    };
    admin(&format!(
        "-n default create service clusterip {name} --tcp=80"
    ));
    admin(&format!(
        "-n default create deployment {name} --image=nginx"
    ));
    let generation = || {
        admin(&format!(
            "-n default get deploy {name} -o jsonpath={{.metadata.generation}}"
        ))
    };
    let before = generation();
    for line in [
        format!("--context limited -n default set image deploy/{name} nginx=x"),
        format!("--context limited -n default set env deploy/{name} A=1"),
        format!("--context limited -n default set resources deploy/{name} --limits=cpu=1"),
        format!("--context limited -n default set sa deploy/{name} robot"),
        format!("--context limited -n default set selector svc/{name} a=b"),
        format!("--context limited -n default set env deploy/{name} --list"),
        "--context limited -n default set subject rolebinding/x --user=y".to_string(),
    ] {
        assert_same(&Invocation::line(&line).kubeconfig(cluster_kubeconfig()));
    }
    assert_eq!(generation(), before);
    admin(&format!(
        "-n default delete deployment/{name} service/{name}"
    ));
}

#[test]
fn objects_in_a_namespace_that_does_not_exist() {
    for line in [
        "-n kuddle-no-such-namespace set image deploy/web nginx=x",
        "-n kuddle-no-such-namespace set env deploy/web --list",
        "-n kuddle-no-such-namespace set subject rolebinding/x --user=a",
        "-n kuddle-no-such-namespace set image deploy/web nginx=x --dry-run=client",
    ] {
        assert_same(&Invocation::line(line).kubeconfig(cluster_kubeconfig()));
    }
}

/// `--local` reads files and needs no server (nor any kubeconfig).
fn offline(line: &str) {
    let inv = Invocation::new(&words(line))
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .cwd(fixture("set"));
    assert_same(&inv);
}

#[test]
fn local_files_print_byte_for_byte() {
    for line in [
        "set image -f local-deployment.yaml --local nginx=nginx:2 -o yaml",
        "set image -f local-deployment.yaml --local *=x -o json",
        "set image -f local-mixed.yaml --local job=b -o yaml",
        "set image -f local-mixed.yaml --local main=b",
        "set image -f local-deployment.yaml --local nginx=x --dry-run=client",
        "set env -f local-deployment.yaml --local B=2 A- -o json",
        "set env -f local-deployment.yaml --local --list",
        "set env -f local-deployment.yaml --local -c helper C=3 -o yaml",
        "set env -f local-deployment.yaml --local A=1",
        "set resources -f local-deployment.yaml --local --limits=cpu=200m,memory=512Mi --requests=cpu=100m -o yaml",
        "set resources -f local-deployment.yaml --local -c helper --requests=memory=1.5Gi -o json",
        "set resources -f local-deployment.yaml --local --limits=memory=1000E,cpu=1e3 -o json",
        "set sa -f local-deployment.yaml --local robot -o yaml",
        "set serviceaccount -f local-mixed.yaml --local robot -o json",
        "set selector -f local-service.yaml --local app=api,tier=back -o yaml",
        "set selector -f local-service.yaml --local app=api --resource-version=5 -o json",
        "set subject -f local-rolebinding.yaml --local --user=bob --group=devs --serviceaccount=ns:robot -o yaml",
        "set subject -f local-rolebinding.yaml --local --user=alice",
        "set subject -f local-rolebinding.yaml --local --group=devs -o json",
    ] {
        offline(line);
    }
}

//! `scale` against the real control plane: kubectl in one namespace,
//! kuddle in its twin; the output and the objects left must match.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

fn manifest(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("mutate/{name}"))).expect("fixture")
}

#[test]
fn walkthrough_statefulset_down_and_up() {
    let t = Twin::new("mut-scale-sts");
    t.setup_manifest(&manifest("web-statefulset.yaml"));
    t.same_words(&["scale", "statefulset", "web", "--replicas", "1"]);
    t.same_objects("sts,svc");
    t.same("scale sts web --replicas=3 --timeout=2m");
    t.same_objects("sts,svc");
    // Every replica got its claim from the volume claim template.
    let claims = t.kubectl_in(&t.b, "get pvc -o name");
    assert!(
        claims.contains("persistentvolumeclaim/www-web-2"),
        "{claims}"
    );
    t.same_objects("pvc");
}

#[test]
fn deployments_replica_sets_and_controllers() {
    let t = Twin::new("mut-scale");
    t.setup("create deployment web --image=nginx --replicas=2");
    t.setup("create deployment api --image=nginx");
    t.setup("create configmap cfg");
    t.setup_manifest(&manifest("replicas.yaml"));
    for line in [
        "scale deployment web --replicas=3",
        "scale deploy/web deploy/api --replicas=2 -o name",
        "scale --replicas=1 rs/frontend",
        "scale rc legacy --replicas=2 -o json",
        "scale replicationcontroller/legacy --replicas=0",
        "scale deploy web --replicas=4 --dry-run=server",
        "scale deploy web --replicas=5 --dry-run=client -o name",
        "scale deploy --all --replicas=1",
        "scale deploy -l app=api --replicas=3",
        "scale deploy,rs --all --replicas=2",
        // Some objects fail: the others are still scaled, errors come last.
        "scale deploy web nope --replicas=2",
        "scale deploy nope web --replicas=1",
        "scale deploy/web cm/cfg --replicas=2",
        "scale cm cfg --replicas=2",
        "scale deploy -l nothing=here --replicas=1",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,rs,rc");
}

#[test]
fn printed_objects() {
    let t = Twin::new("mut-scale-print");
    t.setup("create deployment web --image=nginx");
    // The node runs the pod: both twins print the same status only once
    // their rollouts are done.
    t.setup("rollout status deploy/web --timeout=60s");
    for line in [
        "scale deploy web --replicas=2 -o json",
        "scale deploy web --replicas=3 -o jsonpath={.spec.replicas}",
        "scale deploy web --replicas=2 --show-managed-fields -o jsonpath={.kind}",
    ] {
        t.same(line);
    }
    // The client-side dry run prints the object as read, resized: both
    // twins must have settled first (the pod scaled away from 3 to 2 is
    // counted in terminatingReplicas until it is gone).
    t.setup("rollout status deploy/web --timeout=60s");
    t.setup("wait --for=jsonpath={.status.terminatingReplicas}=0 deploy/web --timeout=120s");
    t.same("scale deploy web --replicas=7 --dry-run=client -o json");
    t.same_objects("deploy");
}

#[test]
fn preconditions() {
    let t = Twin::new("mut-scale-pre");
    t.setup("create deployment web --image=nginx --replicas=2");
    t.setup("create deployment api --image=nginx");
    for line in [
        // Precondition failures change nothing.
        "scale deploy web --current-replicas=3 --replicas=5",
        "scale deploy web --resource-version=1 --replicas=5",
        "scale deploy web --current-replicas=3 --resource-version=1 --replicas=5",
        "scale deploy web api --resource-version=1 --replicas=5",
        "scale deploy --all --current-replicas=2 --replicas=4",
    ] {
        t.same(line);
    }
    t.same_objects("deploy");
    t.same("scale deploy web --current-replicas=2 --replicas=3");
    // A current resource version passes (once the controllers are done
    // writing status, which would change it).
    t.setup("rollout status deploy/web --timeout=60s");
    let version =
        |ns: &str| t.kubectl_in(ns, "get deploy web -o jsonpath={.metadata.resourceVersion}");
    t.same_per_namespace(&|ns| {
        vec![
            "scale".into(),
            "deploy".into(),
            "web".into(),
            format!("--resource-version={}", version(ns)),
            "--replicas=1".into(),
        ]
    });
    t.same_objects("deploy");
}

#[test]
fn usage_errors() {
    let t = Twin::new("mut-scale-usage");
    t.setup("create deployment web --image=nginx");
    for line in [
        "scale deploy web",
        "scale deploy web --replicas=-1",
        "scale deploy web --replicas=x",
        "scale deploy web --replicas=1 --current-replicas=-2",
        "scale deploy web --replicas=1 --timeout=5",
        "scale deploy web --replicas=1 --timeout=x",
        "scale deploy --replicas=1",
        "scale --replicas=1",
        "scale nope web --replicas=1",
        "scale deploy web deploy/web --replicas=1",
        "scale deploy/web --all --replicas=1",
        "scale deploy web --all --replicas=2",
        "scale deploy/web -l app=web --replicas=1",
        "scale deploy web -l app=web --replicas=1",
        "scale deploy web --replicas=1 --dry-run=bogus",
        "scale deploy web --replicas=1 -o bogus",
    ] {
        t.same(line);
    }
    t.same_objects("deploy");
}

#[test]
fn timeout_waits_for_status() {
    let t = Twin::new("mut-scale-wait");
    t.setup_manifest(&manifest("stuck-statefulset.yaml"));
    // Polls at 0s, 1s and 2s, then the deadline: none races with it.
    t.same("scale sts stuck --replicas=3 --timeout=2500ms");
    t.same("scale sts stuck --replicas=2 --timeout=-1s");
    t.same_objects("sts");
}

#[test]
fn custom_resource_with_scale_subresource() {
    let crd = Invocation::new(&["apply", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(manifest("widget-crd.yaml"))
        .kubectl();
    assert_eq!(crd.code, 0, "{}", crd.stderr);
    let established = Invocation::line(
        "wait --for condition=established --timeout=60s crd/widgets.mutate.kuddle.test",
    )
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(established.code, 0, "{}", established.stderr);
    let t = Twin::new("mut-scale-crd");
    t.setup_manifest(&manifest("widget.yaml"));
    for line in [
        "scale widget gadget --replicas=3",
        "scale widgets.mutate.kuddle.test/gadget --replicas=2 -o json",
        "scale widget gadget --replicas=4 --dry-run=client -o json",
        "scale widget gadget --current-replicas=2 --replicas=5",
    ] {
        t.same(line);
    }
    t.same_objects("widgets");
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("mut-scale-limited");
    // The limited user may read deployments in default, not scale them.
    let name = format!("{}-d", t.b);
    let setup = Invocation::new(&[
        "-n",
        "default",
        "create",
        "deployment",
        &name,
        "--image=nginx",
    ])
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(setup.code, 0, "{}", setup.stderr);
    let line = format!("--context limited -n default scale deploy {name} --replicas=3");
    let inv = Invocation::line(&line).kubeconfig(cluster_kubeconfig());
    let out = assert_same(&inv);
    assert!(out.stderr.contains("Forbidden"), "{}", out.stderr);
    let replicas = Invocation::line(&format!(
        "-n default get deploy {name} -o jsonpath={{.spec.replicas}}"
    ))
    .kubeconfig(cluster_kubeconfig())
    .kubectl();
    assert_eq!(replicas.stdout, "1");
    // Elsewhere even reading is forbidden.
    t.setup("create deployment web --image=nginx");
    t.same("--context limited scale deploy web --replicas=3");
    t.same_objects("deploy");
    let _ = Invocation::new(&["-n", "default", "delete", "deployment", &name])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
}

#[test]
fn objects_from_files() {
    let t = Twin::new("mut-scale-files");
    t.setup_manifest(&manifest("web-deployment.yaml"));
    t.setup_manifest(&manifest("replicas.yaml"));
    let f = |name: &str| fixture(&format!("mutate/{name}")).display().to_string();
    let web = f("web-deployment.yaml");
    let replicas = f("replicas.yaml");
    let bad = f("bad-mix.yaml");
    let unknown = f("unknown-kinds.yaml");
    for words in [
        vec!["scale", "-f", &web, "--replicas=3"],
        vec![
            "scale",
            "-f",
            &replicas,
            "-f",
            &web,
            "--replicas=2",
            "-o",
            "name",
        ],
        // The client-side dry run prints the object from the file.
        vec![
            "scale",
            "-f",
            &web,
            "--replicas=5",
            "--dry-run=client",
            "-o",
            "json",
        ],
        vec![
            "scale",
            "-f",
            &replicas,
            "-l",
            "tier=frontend",
            "--replicas=1",
        ],
        vec!["scale", "-f", &web, "-l", "app=none", "--replicas=1"],
        vec!["scale", "-f", &bad, "--replicas=1"],
        vec!["scale", "-f", &unknown, "--replicas=1"],
        vec!["scale", "-f", &bad, "-f", &unknown, "--replicas=1"],
        vec!["scale", "-f", "/nonexistent/x.yaml", "--replicas=1"],
        vec!["scale", "-f", &web, "deploy", "web", "--replicas=1"],
        vec!["scale", "-f", &web, "deploy/web", "--replicas=1"],
        vec!["scale", "-f", &web, "--resource-version=1", "--replicas=1"],
    ] {
        t.same_words(&words);
    }
    t.same_objects("deploy,rs,rc");
}

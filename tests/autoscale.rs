//! `autoscale` against the real control plane: kubectl in one namespace,
//! kuddle in its twin; the output and the autoscalers left must match.

mod common;
use common::cluster::cluster_kubeconfig;
use common::twin::Twin;
use common::*;

fn setup(prefix: &str) -> Twin {
    let t = Twin::new(prefix);
    let manifest = std::fs::read_to_string(fixture("set/workloads.yaml")).expect("fixture");
    t.setup_manifest(&manifest);
    t
}

#[test]
fn generated_autoscalers() {
    let t = setup("as-gen");
    for line in [
        "autoscale deploy web --max=5 --dry-run=client -o yaml",
        "autoscale deploy web --min=2 --max=5 --cpu=80% --memory=200Mi --dry-run=client -o json",
        "autoscale deploy web --max=5 --cpu=500m --memory=60% --dry-run=client -o yaml",
        "autoscale deploy web --max=5 --cpu=500 --memory=200 --dry-run=client -o yaml",
        "autoscale deploy web --max=5 --cpu=0.5 --memory=1.5 --dry-run=client -o json",
        "autoscale deploy web --max=5 --cpu-percent=70 --dry-run=client -o yaml",
        "autoscale sts db --max=3 --name=db-hpa --dry-run=client -o name",
        "autoscale rc legacy --max=3 --dry-run=client",
        "autoscale deploy/web deploy/api --max=4 --dry-run=client -o yaml",
        "autoscale deploy/web --max=4 --dry-run=server -o jsonpath={.spec}",
    ] {
        t.same(line);
    }
    t.same_objects("hpa");
}

#[test]
fn created_autoscalers() {
    let t = setup("as-create");
    for line in [
        "autoscale deploy web --max=3",
        // The name is taken: v2 fails, and without --cpu kubectl cannot
        // fall back to v1.
        "autoscale deploy web --max=3",
        // With a utilization target it tries v1, which fails the same way.
        "autoscale deploy web --max=3 --cpu=50%",
        "autoscale deploy api --min=2 --max=6 --cpu=60% --memory=70% -o jsonpath={.spec}",
        "autoscale sts/db rc/legacy --max=2 -o name",
        "autoscale deploy/nope deploy/api --max=4 --name=api-2",
        "autoscale deploy web --max=3 --name=saved --save-config -o jsonpath={.metadata.annotations}",
        "autoscale deploy web --max=3 --name=managed --field-manager=mine -o jsonpath={.metadata.managedFields[*].manager}",
        // A bad -o is met when printing: the autoscaler is made first.
        "autoscale deploy web --max=3 --name=printed -o bogus",
    ] {
        t.same(line);
    }
    let file = fixture("set/workloads.yaml").display().to_string();
    t.same_words(&["autoscale", "-f", &file, "--max=3", "--name=fromfile"]);
    t.same_objects("hpa");
}

#[test]
fn flag_and_target_errors() {
    let t = setup("as-errors");
    for line in [
        "autoscale deploy web --max=5 --cpu-percent=70 --cpu=50%",
        "autoscale deploy web --max=0",
        "autoscale deploy web",
        "autoscale deploy web --max=2 --min=3",
        "autoscale deploy web --max=3 --cpu=x",
        "autoscale deploy web --max=3 --memory=1x",
        "autoscale deploy web --max=3 --cpu=-5%",
        "autoscale deploy web --max=3 --cpu=1.5%",
        "autoscale deploy web --max=5 --cpu=1e6 --dry-run=client",
        "autoscale deploy web --max=x",
        "autoscale cm settings --max=3",
        "autoscale ds agent --max=3",
        "autoscale deploy --max=3",
        "autoscale --max=3",
        "autoscale nope web --max=3",
        "autoscale deploy web --max=3 --dry-run=bogus",
    ] {
        t.same(line);
    }
    t.same_objects("hpa");
}

#[test]
fn targets_in_a_namespace_that_does_not_exist() {
    for line in [
        "-n kuddle-no-such-namespace autoscale deploy web --max=2",
        "-n kuddle-no-such-namespace autoscale deploy web --max=2 --dry-run=client",
    ] {
        assert_same(&Invocation::line(line).kubeconfig(cluster_kubeconfig()));
    }
}

#[test]
fn forbidden_for_the_limited_user() {
    let t = Twin::new("as-limited");
    let name = format!("{}-d", t.b);
    let admin = |line: &str| {
        let out = Invocation::line(line)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    };
    admin(&format!(
        "-n default create deployment {name} --image=nginx"
    ));
    for line in [
        format!("--context limited -n default autoscale deploy {name} --max=3"),
        format!("--context limited -n default autoscale deploy {name} --max=3 --cpu=50%"),
        format!(
            "--context limited -n default autoscale deploy {name} --max=3 --dry-run=client -o name"
        ),
    ] {
        assert_same(&Invocation::line(&line).kubeconfig(cluster_kubeconfig()));
    }
    let left = Invocation::line(&format!("-n default get hpa {name}"))
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(left.code, 1, "no autoscaler was made: {}", left.stdout);
    admin(&format!("-n default delete deployment {name}"));
}

//! `expose` against the real control plane: kubectl in one namespace,
//! kuddle in its twin; the output and the services left must match.

mod common;
use common::twin::Twin;
use common::*;

fn manifest(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("mutate/{name}"))).expect("fixture")
}

#[test]
fn walkthrough_create_then_expose() {
    let t = Twin::new("mut-expose-walk");
    t.same("create deployment hello --image=nginx --port=8080");
    t.same("expose deployment hello --type=NodePort");
    t.same("expose deploy hello --port=80 --target-port=8080 --name=hello-80 -o json");
    t.same_objects("deploy,svc");
}

#[test]
fn ports_protocols_and_selectors_inferred() {
    let t = Twin::new("mut-expose");
    t.setup("create deployment web --image=nginx --port=80");
    t.setup("run pod1 --image=nginx --port=8080 --labels=app=p,tier=x");
    t.setup_manifest(&manifest("replicas.yaml"));
    t.setup_manifest(&manifest("dns.yaml"));
    t.setup_manifest(&manifest("web-statefulset.yaml"));
    for line in [
        "expose deploy web",
        // Two ports: named port-1, port-2; the UDP one keeps its protocol.
        "expose rs frontend -o json",
        "expose rc legacy --target-port=http",
        "expose pod pod1 --name=pod1-svc -o json",
        "expose service nginx --name=nginx-again --port=8080",
        // 53 over UDP and TCP: an entry for each protocol.
        "expose deployment dns -o json",
        "expose deployment dns --name=dns-udp --protocol=UDP -o json",
        "expose deployment dns --name=dns-one --port=53 -o json",
        "expose deploy/web --name=web-lb --type=LoadBalancer --load-balancer-ip=10.0.0.9 --session-affinity=ClientIP --external-ip=192.0.2.1",
        "expose deploy web --name=web-sel --selector=app=web,x=y -l team=a --port=81 --target-port=8081",
        "expose deploy web --name=web-headless --cluster-ip=None",
        "expose deploy web --name=web-saved --save-config -o json",
        "expose deploy web --name=web-dry --dry-run=server -o json",
        "expose deploy web --name=web-client --dry-run=client -o json",
        "expose deploy web --name=web-over --overrides={\"spec\":{\"type\":\"NodePort\"}}",
        "expose deploy web --name=web-patch --override-type=json --overrides=[{\"op\":\"add\",\"path\":\"/spec/publishNotReadyAddresses\",\"value\":true}] -o json",
        "expose deploy web --name=web-mine --field-manager=me --show-managed-fields -o jsonpath={.metadata.managedFields[0].manager}",
    ] {
        t.same(line);
    }
    // A fixed cluster IP can be taken only once: each twin gets its own.
    t.same_per_namespace(&|ns| {
        let h = ns
            .bytes()
            .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
        let ip = format!("10.97.{}.{}", h % 250 + 1, (h >> 8) % 250 + 1);
        ["expose", "deploy", "web", "--name=web-ip", "-o", "name"]
            .iter()
            .map(|w| w.to_string())
            .chain([format!("--cluster-ip={ip}")])
            .collect()
    });
    t.same_objects("svc");
}

#[test]
fn errors() {
    let t = Twin::new("mut-expose-err");
    t.setup("create deployment web --image=nginx --port=80");
    t.setup("create deployment bare --image=nginx");
    t.setup("create configmap cfg");
    t.setup("create service clusterip taken --tcp=80");
    t.setup_manifest(&manifest("dns.yaml"));
    t.setup_manifest(&manifest("web-statefulset.yaml"));
    for line in [
        "expose deploy bare",
        "expose cm cfg --port=80",
        "expose sts web --port=80",
        "expose deploy nope --port=80",
        "expose deploy quiet --port=80",
        "expose deploy web --name=taken",
        "expose deploy web --name=Bad_Name",
        "expose deploy web --port=abc",
        "expose deploy web --session-affinity=Sticky",
        "expose deploy web --selector=a==b",
        "expose deploy web --type=Bogus --name=bogus-type",
        "expose deploy web --name=x --overrides=nope",
        "expose deploy web --name=x --overrides={} --override-type=bogus",
        // Several objects: the good ones are exposed, errors come last.
        "expose deploy web nope cfg --name=many",
        "expose cm/cfg deploy/bare",
        "expose",
        "expose deploy",
        "expose deploy web --dry-run=bogus",
        "expose deploy web -o bogus",
        "expose deploy web --name=limited --context limited",
    ] {
        t.same(line);
    }
    t.same_objects("svc");
}

#[test]
fn objects_from_files() {
    let t = Twin::new("mut-expose-files");
    t.setup_manifest(&manifest("web-deployment.yaml"));
    let f = |name: &str| fixture(&format!("mutate/{name}")).display().to_string();
    let web = f("web-deployment.yaml");
    let replicas = f("replicas.yaml");
    let dns = f("dns.yaml");
    let bad = f("bad-mix.yaml");
    let unknown = f("unknown-kinds.yaml");
    for words in [
        vec!["expose", "-f", &web],
        vec![
            "expose",
            "-f",
            &web,
            "--name=web-dry",
            "--dry-run=client",
            "-o",
            "json",
        ],
        // What was read from the first object carries over to the next.
        vec!["expose", "-f", &replicas, "-o", "json"],
        vec!["expose", "-f", &dns, "--dry-run=server"],
        vec!["expose", "-f", &bad, "--port=80", "--name=bad"],
        vec!["expose", "-f", &unknown],
        vec!["expose", "-f", &bad, "-f", &unknown, "--port=80"],
        vec!["expose", "-f", "/nonexistent/x.yaml"],
        vec!["expose", "-f", &web, "deploy", "web"],
    ] {
        t.same_words(&words);
    }
    t.same_objects("svc");
}

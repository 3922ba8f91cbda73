//! `run --dry-run=client`, compared with kubectl 1.37.1. kubectl needs a
//! server even for a client-side dry run (it asks for discovery), so it runs
//! against the test cluster; kuddle needs none.

mod common;
use common::cluster::cluster_kubeconfig;
use common::*;

fn run_same(words: &[&str]) -> Output {
    assert_same(&Invocation::new(words).kubeconfig(cluster_kubeconfig()))
}

fn run_line(line: &str) -> Output {
    run_same(&line.split_whitespace().collect::<Vec<_>>())
}

#[test]
fn pods() {
    for line in [
        "run web --image=nginx --dry-run=client -o json",
        "run web --image=nginx --dry-run=client -o name",
        "run web --image=nginx --dry-run=client",
        "run web --image=nginx:1.25 --dry-run=client -o json -n team-a",
        "run web --image=nginx --dry-run=client -o json --namespace=",
        "run web --image=nginx --port=80 --dry-run=client -o json",
        "run web --image=nginx --port=+80 --dry-run=client -o json",
        "run web --image=nginx --port=0 --dry-run=client -o json",
        "run web --image=nginx --port=-1 --dry-run=client -o json",
        "run web --image=nginx --port=4294967376 --dry-run=client -o json",
        "run web --image=nginx --env=A=1 --env=B= --env=C=x=y --env=_d.e-f=1 --dry-run=client -o json",
        "run web --image=nginx --labels=app=web,tier=front --dry-run=client -o json",
        "run web --image=nginx -l b=2,a=1,b=3 --dry-run=client -o json",
        "run web --image=nginx --labels=a= --dry-run=client -o json",
        "run web --image=nginx --annotations=x=y --annotations=z= --annotations=x=2 --dry-run=client -o json",
        "run web --image=nginx --annotations=a=b=c --dry-run=client -o json",
        "run web --image=nginx --restart=Never --dry-run=client -o json",
        "run web --image=nginx --restart=OnFailure --dry-run=client -o json",
        "run web --image=nginx --restart= --dry-run=client -o json",
        "run web --image=nginx --image-pull-policy=IfNotPresent --dry-run=client -o json",
        "run web --image=nginx --image-pull-policy=Never --dry-run=client -o json",
        "run web --image=nginx --privileged --dry-run=client -o json",
        "run web --image=nginx --privileged=false --dry-run=client -o json",
        "run web --image=busybox --dry-run=client -o json -- sleep 3600",
        "run web --image=busybox --command --dry-run=client -o json -- sh -c echo",
        "run web --image=busybox --command --dry-run=client -o json",
        "run web a b --image=busybox --dry-run=client -o json -- c --d",
        "run --image=busybox --dry-run=client -o json -- web a b",
        "run --image=busybox --command --dry-run=client -o json -- web sh",
        "run web --image=nginx -i --attach=false --dry-run=client -o json",
        "run web --image=nginx -it --attach=false --dry-run=client -o json",
        "run web --image=nginx -i -t --attach=false --leave-stdin-open --dry-run=client -o json",
        "run web --image=nginx --stdin --attach=false --restart= --dry-run=client -o json",
        "run web --image=nginx --attach=false --dry-run=client -o json",
        "run web --image=nginx --save-config --dry-run=client -o json",
        "run web --image=nginx --field-manager=me --dry-run=client -o json",
        "run web --image=nginx --show-managed-fields --dry-run=client -o json",
        "run yes --image=on --labels=y=yes,n=no --dry-run=client -o json",
        "run 0123 --image=nginx --env=X=1e3 --dry-run=client -o json",
        "run web --image=reg.io:5000/team/app:v1@sha256:0123456789abcdef0123456789abcdef --dry-run=client -o json",
        "run web --image=[::1]:5000/app --dry-run=client -o json",
    ] {
        run_line(line);
    }
}

#[test]
fn exposed_pods() {
    for line in [
        "run web --image=nginx --expose --port=80 --dry-run=client -o json",
        "run web --image=nginx --expose --port=80 --dry-run=client -o name",
        "run web --image=nginx --expose --port=80 --dry-run=client",
        "run web --image=nginx --expose --port=8080 --labels=app=web,x=y --dry-run=client -o json",
        "run web --image=nginx --expose --port=80 -n team-a --dry-run=client -o json",
        "run web --image=nginx --expose --port=0 --dry-run=client -o json",
        "run web --image=nginx --expose=false --port=80 --dry-run=client -o json",
    ] {
        run_line(line);
    }
}

#[test]
fn odd_values() {
    for words in [
        &[
            "run",
            "a: b",
            "--image=nginx",
            "--dry-run=client",
            "-o",
            "json",
        ][..],
        &[
            "run",
            "ünï",
            "--image=nginx",
            "--env=K=ü ñ",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &["run", "", "--image=nginx", "--dry-run=client", "-o", "json"],
        &[
            "run",
            "web",
            "--image=nginx",
            "--annotations=note=a: b",
            "--annotations=n=",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "run",
            "web",
            "--image=nginx",
            "--env=A=<&>",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "run",
            "web",
            "--image=nginx",
            "--dry-run=client",
            "-o",
            "json",
            "--",
            "",
            "a b",
            "yes",
            "1e3",
        ],
        &[
            "run",
            "web",
            "--image=nginx",
            "--env=A=1,B=2",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "run",
            "web",
            "--image=nginx",
            "--env=A=line\nbreak",
            "--dry-run=client",
            "-o",
            "json",
        ],
    ] {
        run_same(words);
    }
}

#[test]
fn overrides() {
    for words in [
        &["run", "web", "--image=nginx", "--overrides={}", "--dry-run=client", "-o", "json"][..],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"hostNetwork\":true}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"nodeSelector\":{\"z\":\"1\",\"a\":\"2\"},\"serviceAccountName\":\"sa\",\"bogus\":1}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"metadata\":{\"labels\":null,\"annotations\":{\"a\":\"b\"}}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"metadata\":{\"namespace\":\"zz\"}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"metadata\":{\"namespace\":\"zz\"}}", "-n", "ns", "--dry-run=client", "-o", "json"],
        &[
            "run", "web", "--image=nginx",
            "--overrides={\"spec\":{\"containers\":[{\"name\":\"x\",\"image\":\"y\",\"resources\":{\"limits\":{\"cpu\":\"0.5\",\"memory\":\"1024Mi\"},\"requests\":{\"cpu\":1,\"memory\":\"1.5Gi\"}}}]}}",
            "--dry-run=client", "-o", "json",
        ],
        &[
            "run", "web", "--image=nginx",
            "--overrides={\"spec\":{\"containers\":[{\"name\":\"x\",\"livenessProbe\":{\"httpGet\":{\"port\":8080,\"path\":\"/\"},\"periodSeconds\":5},\"readinessProbe\":{\"tcpSocket\":{\"port\":\"http\"}}}]}}",
            "--dry-run=client", "-o", "json",
        ],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"containers\":null,\"securityContext\":{}}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"hostNetwork\":\"yes\"}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"containers\":[{\"name\":1}]}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"containers\":{}}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"priority\":1.5}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"x\"}}}]}}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides={\"apiVersion\":\"v2\"}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides=nope", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--overrides=[1]", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--override-type=json", "--overrides=[{\"op\":\"add\",\"path\":\"/spec/hostname\",\"value\":\"h\"}]", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--override-type=json", "--overrides=[{\"op\":\"remove\",\"path\":\"/metadata/labels\"}]", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--override-type=merge", "--overrides={\"spec\":{\"restartPolicy\":\"Never\"}}", "--dry-run=client", "-o", "name"],
        &["run", "web", "--image=nginx", "--override-type=bad", "--overrides={}", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--expose", "--port=80", "--overrides={\"metadata\":{\"labels\":{\"o\":\"1\"}}}", "--dry-run=client", "-o", "json"],
    ] {
        run_same(words);
    }
}

#[test]
fn errors() {
    for line in [
        "run",
        "run web",
        "run --image=nginx",
        "run --image=nginx --",
        "run web --image=",
        "run web --image=UPPER",
        "run web --image=a:",
        "run web --image=nginx -t",
        "run web --image=nginx --expose",
        "run web --image=nginx --port=abc",
        "run web --image=nginx --port=0x50",
        "run web --image=nginx --expose --port=x",
        "run web --image=nginx --rm",
        "run web --image=nginx --rm --dry-run=client",
        "run web --image=nginx -i --dry-run=client",
        "run web --image=nginx --attach --dry-run=client",
        "run web --image=nginx -it --rm --dry-run=client",
        "run web --image=nginx --restart=bad",
        "run web --image=nginx --restart=always",
        "run web --image=nginx --image-pull-policy=bad",
        "run web --image=nginx --env=A",
        "run web --image=nginx --env==1",
        "run web --image=nginx --env=1A=b",
        "run web --image=nginx --env=A=1 --env=B",
        "run web --image=nginx --labels=a",
        "run web --image=nginx --labels==a",
        "run web --image=nginx --labels=a=b=c",
        "run web --image=nginx --labels=a=b,",
        "run web --image=nginx --annotations=a",
        "run web --image=nginx --annotations=a --annotations==b --annotations=c",
        "run web --image=nginx --annotations=a --labels=b",
        "run web --image=nginx --dry-run=bad",
        "run web --image=nginx --dry-run=client -o bad",
        "run web --image=nginx --dry-run=bad --labels=x",
        "run web --image=nginx --privileged=maybe",
        "run web --image=nginx --bogus",
        "run web --image=UPPER --restart=bad",
    ] {
        run_line(line);
    }
}

#[test]
fn yaml_output() {
    for words in [
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "yaml"][..],
        &["run", "web", "--image=nginx", "--expose", "--port=80", "--dry-run=client", "-o", "yaml"],
        &["run", "yes", "--image=nginx", "--labels=on=off", "--env=A=0123", "--annotations=a=a: b", "--dry-run=client", "-o", "yaml", "--", "1e3", ""],
        &["run", "web", "--image=nginx", "--overrides={\"spec\":{\"containers\":[{\"name\":\"x\",\"resources\":{\"limits\":{\"cpu\":\"0.5\"}}}]}}", "--dry-run=client", "-o", "yaml"],
    ] {
        run_same(words);
    }
}

/// kuddle prints the Pod with no kubeconfig and nothing listening, exactly
/// as kubectl prints it when it can reach a server.
#[test]
fn pod_without_any_server() {
    for words in [
        &[
            "run",
            "web",
            "--image=nginx",
            "--dry-run=client",
            "-o",
            "json",
        ][..],
        &[
            "run",
            "web",
            "--image=nginx",
            "--expose",
            "--port=80",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &["run", "web", "--image=nginx", "--dry-run=client"],
        &[
            "run",
            "web",
            "--image=nginx",
            "--overrides={\"spec\":{\"hostNetwork\":true}}",
            "--dry-run=client",
            "-o",
            "json",
        ],
    ] {
        let expected = Invocation::new(words)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        let offline = Invocation::new(words)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .kuddle();
        let context = format!("`{}` without a server", words.join(" "));
        assert_eq!(expected.code, 0, "kubectl failed: {}", expected.stderr);
        assert_same_text("stdout", &expected.stdout, &offline.stdout, &context);
        assert_same_text("stderr", &expected.stderr, &offline.stderr, &context);
        assert_eq!(offline.code, 0, "{context}");
        // And kubectl itself cannot do this without a server.
        let kubectl_offline = Invocation::new(words).kubectl();
        assert_ne!(kubectl_offline.code, 0, "kubectl ran {context}");
    }
}

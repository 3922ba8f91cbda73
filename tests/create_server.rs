//! `run` and `create deployment|service|ingress` against the real control
//! plane: kubectl in one namespace, kuddle in its twin; the output and the
//! objects left on the server must match.

mod common;
use common::twin::Twin;

#[test]
fn create_deployment_service_ingress() {
    let t = Twin::new("mut-create");
    for line in [
        "create deployment web --image=nginx",
        "create deployment web2 --image=nginx:1.25 --replicas=3 --port=8080 -o json",
        "create deploy multi --image=nginx --image=busybox -o json",
        "create deployment cmd --image=busybox -o name -- sleep 3600",
        "create deployment saved --image=nginx --save-config -o json",
        "create deployment dry --image=nginx --dry-run=server",
        "create deployment dry2 --image=nginx --dry-run=server -o json",
        "create deployment mine --image=nginx --field-manager=me --show-managed-fields -o json",
        "create deployment jp --image=nginx -o jsonpath={.spec.replicas}{.spec.strategy}",
        "create service clusterip web --tcp=80:8080 -o json",
        "create service clusterip headless --clusterip=None",
        "create service nodeport np --tcp=80 -o json",
        "create service loadbalancer lb --tcp=443:https",
        "create service externalname ext --external-name=example.com -o json",
        "create ingress ing --rule=a.com/=web:80 --rule=b.com/x*=web:http,tls=sec -o json",
        "create ingress ing2 --default-backend=web:80 --class=nginx --annotation=a=b --save-config",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,svc,ingress");
}

#[test]
fn create_errors() {
    let t = Twin::new("mut-create-err");
    t.setup("create deployment web --image=nginx");
    t.setup("create service clusterip web --tcp=80");
    t.setup("create ingress ing --rule=a.com/=web:80");
    for line in [
        "create deployment web --image=nginx",
        "create deployment web --image=nginx --dry-run=server",
        "create deployment Bad_Name --image=nginx",
        "create deployment web --image=nginx -n nope",
        "create service clusterip web --tcp=80",
        "create service nodeport np --tcp=80 --node-port=5",
        "create service clusterip ip --tcp=80 --clusterip=1.2.3.4",
        "create ingress ing --rule=a.com/=web:80",
        "create deployment web --image=nginx --context limited",
        "create service clusterip x --tcp=80 --context limited",
        "create deployment x --image=nginx --validate=bogus",
        "create deployment x --image=nginx --dry-run=bogus",
        "create deployment x --image=nginx -o bogus",
    ] {
        t.same(line);
    }
    t.same_objects("deploy,svc,ingress");
}

#[test]
fn run_pods() {
    let t = Twin::new("mut-run");
    for line in [
        "run web --image=nginx",
        "run web2 --image=nginx --port=80 --env=A=1 --labels=app=x,tier=y --annotations=k=v -o json",
        "run sh --image=busybox --restart=Never --command -o json -- sh -c echo",
        "run args --image=busybox --image-pull-policy=IfNotPresent -o name -- sleep 1",
        "run saved --image=nginx --save-config -o json",
        "run dry --image=nginx --dry-run=server -o json",
        "run priv --image=nginx --privileged --field-manager=me --show-managed-fields -o json",
        "run over --image=nginx --overrides={\"spec\":{\"hostname\":\"h\"}} -o json",
        "run exp --image=nginx --expose --port=80",
        "run exp2 --image=nginx --expose --port=8080 --labels=a=b -o json",
        "run exp3 --image=nginx --expose --port=80 --save-config -o json",
        "run expdry --image=nginx --expose --port=80 --dry-run=server",
    ] {
        t.same(line);
    }
    t.same_objects("pods,svc");
}

#[test]
fn run_errors() {
    let t = Twin::new("mut-run-err");
    t.setup("run web --image=nginx");
    t.setup("create service clusterip svc --tcp=80");
    for line in [
        "run web --image=nginx",
        "run Bad --image=nginx",
        "run x --image=nginx -n nope",
        "run x --image=nginx --context limited",
        // The Pod is created and printed, then the Service fails.
        "run svc --image=nginx --expose --port=80",
        "run web --image=nginx --expose --port=80",
        "run x --image=nginx --dry-run=bogus",
    ] {
        t.same(line);
    }
    t.same_objects("pods,svc");
}

#[test]
fn forbidden_in_default_for_the_limited_user() {
    let t = Twin::new("mut-limited");
    for line in [
        "run zz --image=nginx --context limited -n default",
        "create deployment zz --image=nginx --context limited -n default",
        "create service clusterip zz --tcp=80 --context limited -n default",
        "create ingress zz --rule=a/=b:80 --context limited -n default",
    ] {
        t.same_in_place(line);
    }
}

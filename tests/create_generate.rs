//! `create deployment|service|ingress --dry-run=client`, compared with
//! kubectl 1.37.1 (these commands need no server in either program).

mod common;
use common::*;

/// Runs the words through both programs (no whitespace splitting).
fn same_words(words: &[&str]) -> Output {
    assert_same(&Invocation::new(words))
}

/// Container names made from images with `_` or `.` end in a random suffix.
fn without_random_suffix(text: &str) -> String {
    let re =
        regex::Regex::new(r"(name[\x22:]*\s*\x22?[a-z0-9-]*)-[bcdfghjklmnpqrstvwxz2456789]{5}\b")
            .expect("regex");
    re.replace_all(text, "$1-XXXXX").into_owned()
}

#[test]
fn deployment_objects() {
    for line in [
        "create deployment web --image=nginx --dry-run=client -o json",
        "create deploy web --image=nginx --dry-run=client -o json",
        "create deployment web --image=nginx --dry-run=client -o name",
        "create deployment web --image=nginx --dry-run=client",
        "create deployment web --image=nginx --dry-run=server -o name --dry-run=client",
        "create deployment web --image=nginx:1.25 --image=reg.io:5000/team/app@sha256:abc --dry-run=client -o json",
        "create deployment web --image=a,b,c --image=d --port=8080 --dry-run=client -o json",
        "create deployment web --image=nginx --port=0 --dry-run=client -o json",
        "create deployment web --image=nginx --port=-5 --dry-run=client -o json",
        "create deployment web --image=nginx --port=0x50 --dry-run=client -o json",
        "create deployment web --image=nginx --replicas=0 --dry-run=client -o json",
        "create deployment web --image=nginx -r 3 --dry-run=client -o json",
        "create deployment web --image=nginx -r -1 --dry-run=client -o json",
        "create deployment web --image=nginx --replicas=2147483647 --dry-run=client -o json",
        "create deployment web --image= --dry-run=client -o json",
        "create deployment web --image=, --dry-run=client -o json",
        "create deployment web --image=foo/ --dry-run=client -o json",
        "create deployment web --image=nginx --dry-run=client -o json -n team-a",
        "create deployment web --image=nginx --dry-run=client -o json --namespace=",
        "create deployment web --image=nginx --dry-run=client -o json -- /bin/sh -c sleep",
        "create deployment web --image=nginx --dry-run=client -- date",
        "create deployment web --image=nginx --dry-run=client -o json --save-config",
        "create deployment web --image=nginx --dry-run=client -o json --save-config=false",
        "create deployment web --image=nginx --dry-run=client -o name --save-config",
        "create deployment web --image=nginx --dry-run=client -o json --validate",
        "create deployment web --image=nginx --dry-run=client -o json --validate=warn",
        "create deployment web --image=nginx --dry-run=client -o json --validate=F",
        "create deployment web --image=nginx --dry-run=client -o json --show-managed-fields",
        "create deployment web --image=nginx --dry-run=client -o json --field-manager=me",
        "create deployment yes --image=on --dry-run=client -o json",
        "create deployment 0123 --image=1e3 --dry-run=client -o json",
        "create deployment web --image=nginx --image=busybox --dry-run=client -o name",
    ] {
        same(line);
    }
}

#[test]
fn deployment_odd_values() {
    for words in [
        &[
            "create",
            "deployment",
            "a: b",
            "--image=x y",
            "--dry-run=client",
            "-o",
            "json",
        ][..],
        &[
            "create",
            "deployment",
            "ünï",
            "--image=ñ",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "deployment",
            "",
            "--image=x",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=\"a,b\",c",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=a\"b",
            "--dry-run=client",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=\"ab",
            "--dry-run=client",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=x,\"a\"b",
            "--dry-run=client",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=a\nb",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=<&>",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "deployment",
            "w",
            "--image=x",
            "--dry-run=client",
            "-o",
            "json",
            "--",
            "a b",
            "",
            "--c",
        ],
    ] {
        same_words(words);
    }
}

#[test]
fn deployment_random_container_names() {
    for line in [
        "create deployment web --image=my_app.v2:1 --dry-run=client -o json",
        "create deployment web --image=a/b_c.d:1 --image=x --port=80 --dry-run=client -o json",
        "create deployment web --image=registry.k8s.io/pause --image=_.x --dry-run=client -o json",
    ] {
        let out = assert_same_with(&Invocation::line(line), &without_random_suffix);
        assert!(
            without_random_suffix(&out.stdout).contains("-XXXXX\""),
            "no random suffix in {}",
            out.stdout
        );
    }
}

#[test]
fn deployment_errors() {
    for line in [
        "create deployment web --dry-run=client",
        "create deployment --image=x --dry-run=client",
        "create deployment a b --image=x --dry-run=client",
        "create deployment -- a --image=x --dry-run=client",
        "create deployment web --image=a --image=b --dry-run=client -- date",
        "create deployment web --image=a,b --dry-run=client -- date",
        "create deployment web --image=x --replicas=x --dry-run=client",
        "create deployment web --image=x --replicas=2147483648 --dry-run=client",
        "create deployment web --image=x --port=1.5 --dry-run=client",
        "create deployment web --image=x --dry-run=client --validate=maybe",
        "create deployment web --image=x --dry-run=client --validate=Strict -o bogus",
        "create deployment web --image=x --dry-run=bogus --validate=maybe -o bogus",
        "create deployment web --image=x --dry-run=client --save-config=maybe",
        "create deployment web --image=x --dry-run=client --show-managed-fields=2",
        "create deployment web --image=x --dry-run=client -o",
        "create deployment web --image",
    ] {
        same(line);
    }
}

#[test]
fn services() {
    for line in [
        "create service clusterip web --tcp=80 --dry-run=client -o json",
        "create svc clusterip web --tcp=80:8080,443 --tcp=5678:http --dry-run=client -o json",
        "create service clusterip web --tcp=80 --dry-run=client",
        "create service clusterip web --tcp=80 --dry-run=client -o name",
        "create service clusterip web --clusterip=None --dry-run=client -o json",
        "create service clusterip web --clusterip=None --tcp=80 --dry-run=client -o json",
        "create service clusterip web --clusterip=10.0.0.1 --tcp=80 --dry-run=client -o json",
        "create service clusterip web --clusterip= --tcp=80 --dry-run=client -o json",
        "create service clusterip web --tcp=0 --dry-run=client -o json",
        "create service clusterip web --tcp=65535:65535 --dry-run=client -o json",
        "create service clusterip web --tcp=1:2:3 --dry-run=client -o json",
        "create service clusterip web --tcp=80:+81 --dry-run=client -o json",
        "create service clusterip web --tcp=80:0x10 --dry-run=client -o json",
        "create service clusterip web --tcp=80:a-b-c --dry-run=client -o json",
        "create service clusterip web --tcp=80,81,82,83,84,85,86,87,88,89 --tcp=90:9090 --dry-run=client -o json",
        "create service clusterip web --tcp=80 --dry-run=client -o json -n ns1 --save-config",
        "create service nodeport web --tcp=80 --node-port=30000 --dry-run=client -o json",
        "create service nodeport web --tcp=80,81 --node-port=30000 --dry-run=client -o json",
        "create service nodeport web --tcp=80 --node-port=-1 --dry-run=client -o json",
        "create service nodeport web --tcp=80 --node-port=4294967297 --dry-run=client -o json",
        "create service nodeport web --tcp=80 --dry-run=client",
        "create service loadbalancer web --tcp=80:http --dry-run=client -o json",
        "create service loadbalancer web --tcp=443 --dry-run=client",
        "create service externalname web --external-name=example.com --dry-run=client -o json",
        "create service externalname web --external-name=a.b --tcp=80 --dry-run=client -o json",
        "create service externalname web --external-name=a --dry-run=client",
        "create service clusterip web --tcp=80 --dry-run=client -- ignored words",
        "create service clusterip yes --tcp=80 --dry-run=client -o json",
        "create service clusterip 1e3 --tcp=80 --dry-run=client -o json",
    ] {
        same(line);
    }
}

#[test]
fn service_errors() {
    for line in [
        "create service clusterip web --dry-run=client",
        "create service nodeport web --dry-run=client",
        "create service loadbalancer web --dry-run=client",
        "create service clusterip web --tcp= --dry-run=client",
        "create service clusterip web --tcp=abc --dry-run=client",
        "create service clusterip web --tcp=-1 --dry-run=client",
        "create service clusterip web --tcp=+80 --dry-run=client",
        "create service clusterip web --tcp=99999 --dry-run=client",
        "create service clusterip web --tcp=99999x --dry-run=client",
        "create service clusterip web --tcp=80:99999 --dry-run=client",
        "create service clusterip web --tcp=80:0 --dry-run=client",
        "create service clusterip web --tcp=80:-1 --dry-run=client",
        "create service clusterip web --tcp=80:a_b --dry-run=client",
        "create service clusterip web --tcp=80:HTTP --dry-run=client",
        "create service clusterip web --tcp=80: --dry-run=client",
        "create service clusterip web --tcp=80:-a- --dry-run=client",
        "create service clusterip web --tcp=80:a--b --dry-run=client",
        "create service clusterip web --tcp=80:abcdefghijklmnop --dry-run=client",
        "create service clusterip web --tcp=80:99999999999999999999 --dry-run=client",
        "create service clusterip web --tcp=:80 --dry-run=client",
        "create service clusterip web --tcp=, --dry-run=client",
        "create service clusterip web --tcp=80,x --dry-run=client",
        "create service clusterip web --clusterip=None --tcp=x --dry-run=client",
        "create service nodeport web --clusterip=None --dry-run=client",
        "create service nodeport web --tcp=80 --node-port=x --dry-run=client",
        "create service externalname web --dry-run=client",
        "create service externalname web --external-name= --dry-run=client",
        "create service externalname web --external-name=A_B --dry-run=client",
        "create service externalname web --external-name=-a.b --dry-run=client",
        "create service externalname web --external-name=a..b --dry-run=client",
        "create service externalname web --external-name=a.b --tcp=x --dry-run=client",
        "create service clusterip --tcp=80 --dry-run=client",
        "create service clusterip a b --tcp=80 --dry-run=client",
        "create service clusterip web --tcp=80 --dry-run=client -o bogus",
        "create service clusterip web --tcp=80 --dry-run=client --validate=nope",
        "create service clusterip web --tcp=80 --dry-run=nope --validate=nope",
    ] {
        same(line);
    }
    let long_name = format!("--external-name={}", "a".repeat(254));
    same_words(&[
        "create",
        "service",
        "externalname",
        "web",
        &long_name,
        "--dry-run=client",
    ]);
    let ok_name = format!("--external-name={}.b", "a".repeat(63));
    same_words(&[
        "create",
        "service",
        "externalname",
        "web",
        &ok_name,
        "--dry-run=client",
        "-o",
        "json",
    ]);
    same_words(&[
        "create",
        "service",
        "clusterip",
        "web",
        "--tcp=\"80,81\"",
        "--dry-run=client",
    ]);
    same_words(&[
        "create",
        "service",
        "clusterip",
        "web",
        "--tcp=\"80\",81",
        "--dry-run=client",
        "-o",
        "json",
    ]);
    same_words(&[
        "create",
        "service",
        "clusterip",
        "web",
        "--tcp=8\"0",
        "--dry-run=client",
    ]);
}

#[test]
fn ingresses() {
    for words in [
        &[
            "create",
            "ingress",
            "web",
            "--rule=foo.com/bar=svc:8080",
            "--dry-run=client",
            "-o",
            "json",
        ][..],
        &[
            "create",
            "ing",
            "web",
            "--rule=foo.com/bar=svc:8080",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=foo.com/bar=svc:8080",
            "--dry-run=client",
            "-o",
            "name",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=foo.com/path*=svc:http",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=foo.com/*=svc:http",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=svc:80",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=*.foo.com/a=svc:0",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=svc:99999999999",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=svc:-0",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=svc:port!",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/a b=svc:port",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/ü=svc:port",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "multi",
            "--rule=foo.com/=svc:port",
            "--rule=foo.com/admin/=svcadmin:portadmin",
            "--rule=bar.com/x*=b:1",
            "--rule=/y=c:2",
            "--rule=foo.com/z=d:3",
            "--rule=/w=e:4",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "tls",
            "--rule=foo.com/a=s:1,tls=s1",
            "--rule=foo.com/b=s:2,tls",
            "--rule=/c=s:3,tls=s1",
            "--rule=bar.com/=s:4,tls=s1",
            "--rule=baz.com/=s:5,tls",
            "--rule=qux.com/=s:6,tls=s2",
            "--rule=/d=s:7,tls",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b,tlsx",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b,junk",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b,tls=",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b,tls=s=t",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b,tls,extra",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a:b:c",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--class=nginx",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--class=",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=d:80",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=d:http",
            "--rule=/=s:1",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=d:",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=:0",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=d:1",
            "--annotation=a=b",
            "--annotation=c=",
            "--annotation==x",
            "--annotation=k=v=w",
            "--annotation=yes=on",
            "--annotation=a=2",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=d:1",
            "--annotation=a=1,b=2",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--annotation=a=b",
            "--save-config",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--annotation=kubectl.kubernetes.io/last-applied-configuration=old",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--annotation=kubectl.kubernetes.io/last-applied-configuration=",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "-n",
            "ns",
            "--dry-run=client",
            "-o",
            "json",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=a: b/=s:1",
            "--dry-run=client",
        ],
    ] {
        same_words(words);
    }
}

#[test]
fn ingress_errors() {
    for words in [
        &["create", "ingress", "web", "--dry-run=client"][..],
        &["create", "ingress", "web", "--rule=", "--dry-run=client"],
        &[
            "create",
            "ingress",
            "web",
            "--rule==a:b",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x=a:b",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=a",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=:1",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=é/=a:b",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=x/=é:1",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--rule=bad",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=a",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=a:b:c",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=a:1",
            "--annotation=x",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--default-backend=a",
            "--annotation=x",
            "--rule=bad",
            "--dry-run=client",
        ],
        &["create", "ingress", "--rule=/=s:1", "--dry-run=client"],
        &[
            "create",
            "ingress",
            "a",
            "b",
            "--rule=/=s:1",
            "--dry-run=client",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=/=s:1",
            "--dry-run=client",
            "-o",
            "wide",
        ],
    ] {
        same_words(words);
    }
}

/// The YAML printer lands with the `printers` branch; until then these
/// compare only once it is merged.
#[test]
fn yaml_output() {
    for words in [
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--dry-run=client",
            "-o",
            "yaml",
        ][..],
        &[
            "create",
            "deployment",
            "yes",
            "--image=on",
            "--port=80",
            "--dry-run=client",
            "-o",
            "yaml",
            "--",
            "0123",
            "a: b",
            "1e3",
            "",
        ],
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--save-config",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        &[
            "create",
            "service",
            "clusterip",
            "on",
            "--tcp=80:http,443",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        &[
            "create",
            "service",
            "nodeport",
            "web",
            "--tcp=80",
            "--node-port=30080",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        &[
            "create",
            "service",
            "externalname",
            "web",
            "--external-name=a.b",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        &[
            "create",
            "service",
            "clusterip",
            "web",
            "--clusterip=None",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
        &[
            "create",
            "ingress",
            "web",
            "--rule=foo.com/a*=s:80,tls=k",
            "--rule=/b=t:http,tls",
            "--annotation=x=yes",
            "--annotation=y=a: b",
            "--default-backend=d:1",
            "--class=c",
            "--dry-run=client",
            "-o",
            "yaml",
        ],
    ] {
        same_words(words);
    }
}

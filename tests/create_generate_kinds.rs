//! `create namespace|quota|serviceaccount|priorityclass|configmap|secret|
//! role|clusterrole|rolebinding|clusterrolebinding|poddisruptionbudget|job|
//! cronjob --dry-run=client`, compared byte for byte with kubectl 1.37.1
//! (no server in either program; kubectl's own offline failures included).

mod common;
use common::*;

/// Each line as JSON, YAML and names, and as a plain result line.
fn same_in_every_format(line: &str) {
    for output in [" -o json", " -o yaml", " -o name", ""] {
        same(&format!("{line}{output}"));
    }
}

#[test]
fn namespace_quota_serviceaccount_priorityclass() {
    for line in [
        "create namespace n --dry-run=client",
        "create ns yes -n foo --dry-run=client --save-config",
        "create quota q --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort,NotTerminating -n x --dry-run=client",
        "create resourcequota q --hard=cpu=100m,memory=1024Mi,requests.storage=1e3,cpu=2 --dry-run=client",
        "create quota q --dry-run=client --save-config",
        "create serviceaccount s -n x --dry-run=client",
        "create sa s --dry-run=client --save-config",
        "create priorityclass p --value=5 --global-default --description=d --preemption-policy=Never --dry-run=client",
        "create pc p --value=0x10 --global-default=false --dry-run=client",
        "create pc p --preemption-policy= --dry-run=client -n x",
    ] {
        same_in_every_format(line);
    }
}

#[test]
fn namespace_quota_serviceaccount_priorityclass_errors() {
    for line in [
        "create quota q --hard=cpu --dry-run=client",
        "create quota q --hard=cpu=x --dry-run=client",
        "create quota q --hard=, --dry-run=client",
        "create quota q --scopes=a,, --dry-run=client",
        "create ns a b --dry-run=client",
        "create ns --dry-run=client",
        "create ns a --dry-run=client -- b c",
        "create pc p --value=x --dry-run=client",
        "create pc p --value=3000000000 --dry-run=client",
        "create sa s --dry-run=bogus",
        "create sa s --dry-run=client -o bogus",
        "create sa s --dry-run=client --validate=bogus",
    ] {
        same(line);
    }
    for words in [
        &["create", "quota", "", "--dry-run=client"][..],
        &["create", "namespace", "", "--dry-run=client"],
        &["create", "serviceaccount", "", "--dry-run=client"],
        &[
            "create",
            "priorityclass",
            "",
            "--dry-run=client",
            "-o",
            "json",
        ],
    ] {
        assert_same(&Invocation::new(words));
    }
}

/// Runs `line` in tests/fixtures/create, where the data and tls files are.
fn same_in_fixtures(line: &str) -> Output {
    assert_same(&Invocation::line(line).cwd(fixture("create")))
}

#[test]
fn configmaps() {
    for line in [
        "create configmap c --from-file=data/dir --from-literal=z=1 --dry-run=client",
        "create cm c --from-file=data/dir --from-literal=z=1 --append-hash --dry-run=client",
        "create cm c --from-file=data/dir/ --from-file=k=data/env1 --dry-run=client -n team",
        "create cm c --from-file=data/dir/bin,data/env2 --from-file=data/dir/utf8 --dry-run=client",
        "create cm c --from-env-file=data/env2 --from-env-file=data/env1 --dry-run=client",
        "create cm c --from-env-file=data/env2,data/bom.env --append-hash --dry-run=client",
        "create cm c --from-literal=a=b=c --from-literal=e= --from-literal=u=é<&> --dry-run=client --append-hash",
        "create cm c --dry-run=client --append-hash",
        "create cm c --from-literal=x=y --dry-run=client --save-config",
        "create cm c --from-file=data/dir --append-hash=false --dry-run=client",
    ] {
        same_in_fixtures(line);
        for output in ["json", "yaml", "name"] {
            same_in_fixtures(&format!("{line} -o {output}"));
        }
    }
}

#[test]
fn configmap_errors() {
    for line in [
        "create cm c --from-literal=a/b=c --dry-run=client",
        "create cm c --from-literal=..a=c --dry-run=client",
        "create cm c --from-literal=. --dry-run=client",
        "create cm c --from-literal=abc --dry-run=client",
        "create cm c --from-literal==abc --dry-run=client",
        "create cm c --from-literal=a=1 --from-literal=a=2 --dry-run=client",
        "create cm c --from-file=nope --dry-run=client",
        "create cm c --from-file=k=data/dir --dry-run=client",
        "create cm c --from-file==data/env1 --dry-run=client",
        "create cm c --from-file=k= --dry-run=client",
        "create cm c --from-file=a=b=c --dry-run=client",
        "create cm c --from-file=data/dir --from-file=data/dir --dry-run=client",
        "create cm c --from-file=data/dir --from-literal=x=1 --dry-run=client",
        "create cm c --from-file=data/dir/bin --from-file=bin=data/dir/x --dry-run=client",
        "create cm c --from-file=data/dir/sub --from-file=y=data/dir/x --dry-run=client",
        "create cm c --from-env-file=data/dir --dry-run=client",
        "create cm c --from-env-file=data/env1 --from-literal=x=y --dry-run=client",
        "create cm c --from-env-file=data/bad-key.env --dry-run=client",
        "create cm c --from-env-file=data/digit.env --dry-run=client",
        "create cm c --from-env-file=data/invalid-utf8.env --dry-run=client",
        "create cm c --from-env-file=nope --dry-run=client",
        "create cm c --from-file=\"a,b --dry-run=client",
    ] {
        same_in_fixtures(line);
    }
}

#[test]
fn secrets() {
    for line in [
        "create secret generic s --from-file=data/dir --from-literal=x=y --type=kubernetes.io/basic-auth --dry-run=client",
        "create secret generic s --from-literal=a=b --from-file=data/dir --type=foo -n x --append-hash --dry-run=client",
        "create secret generic s --from-env-file=data/env2 --append-hash --dry-run=client",
        "create secret generic s --dry-run=client --save-config",
        "create secret docker-registry s --docker-username=u --docker-password=p&<> --docker-email=e@x --dry-run=client",
        "create secret docker-registry s --docker-username=u --docker-password=p --docker-server=reg:5000 --append-hash --dry-run=client",
        "create secret docker-registry s --from-file=data/config.json --dry-run=client",
        "create secret docker-registry s --from-file=x=data/env1,data/config.json --dry-run=client",
        "create secret tls s --cert=tls/rsa.crt --key=tls/rsa.key --dry-run=client",
        "create secret tls s --cert=tls/ec.crt --key=tls/ec.pkcs8.key --append-hash --dry-run=client -n x",
    ] {
        same_in_fixtures(line);
        for output in ["json", "yaml", "name"] {
            same_in_fixtures(&format!("{line} -o {output}"));
        }
    }
}

#[test]
fn secret_errors() {
    for line in [
        "create secret generic s --from-literal=a/b=c --dry-run=client",
        "create secret generic s --from-literal=a=1 --from-literal=a=2 --dry-run=client",
        "create secret generic s --from-env-file=data/dir --dry-run=client",
        "create secret generic s --from-env-file=data/env1 --from-file=data/env2 --dry-run=client",
        "create secret generic s --from-file==x --dry-run=client",
        "create secret generic s --from-file=nope --dry-run=client",
        "create secret docker-registry s --dry-run=client",
        "create secret docker-registry s --docker-username=u --dry-run=client",
        "create secret docker-registry s --docker-username=u --docker-password=p --docker-server= --dry-run=client",
        "create secret tls s --dry-run=client",
        "create secret tls s --cert=tls/rsa.crt --dry-run=client",
        "create secret tls s --cert=nope --key=nope --dry-run=client",
        "create secret tls s --cert=tls/rsa.crt --key=nope --dry-run=client",
        "create secret foo",
        "create secret foo bar",
        "create secret generic a b --dry-run=client",
    ] {
        same_in_fixtures(line);
    }
    // A bare group prints its help (prose of its own) to stderr and fails.
    let inv = Invocation::line("create secret");
    let (kubectl, kuddle) = (inv.kubectl(), inv.kuddle());
    assert_eq!((kuddle.code, kuddle.stdout.as_str()), (kubectl.code, ""));
    assert!(kuddle.stderr.contains("generic"), "{}", kuddle.stderr);
    // Every pairing kubectl's tls.X509KeyPair refuses or accepts.
    for (cert, key) in [
        ("rsa.crt", "rsa.pkcs1.key"),
        ("rsa.crt", "rsa2.key"),
        ("ec.crt", "ec.sec1.key"),
        ("ec.crt", "ec384.key"),
        ("ed.crt", "ed.key"),
        ("ed.crt", "ed2.key"),
        ("ed.crt", "x25519.key"),
        ("rsa.crt", "ec.sec1.key"),
        ("ec.crt", "rsa.key"),
        ("rsa.key", "rsa.crt"),
        ("rsa.crt", "rsa.crt"),
        ("chain.crt", "rsa.key"),
        ("garbage", "rsa.key"),
        ("rsa.crt", "garbage"),
        ("keyandcert.pem", "keyandcert.pem"),
        ("ec.sec1.key", "rsa.key"),
    ] {
        same_in_fixtures(&format!(
            "create secret tls s --cert=tls/{cert} --key=tls/{key} --dry-run=client -o name"
        ));
    }
}

#[test]
fn roles_without_a_server() {
    for line in [
        "create clusterrole c --verb=get --non-resource-url=/a,/a,/b* --non-resource-url=*",
        "create clusterrole c --aggregation-rule=a=b,c=d --aggregation-rule=e=f,,a=x",
        "create clusterrole c --aggregation-rule= a = b ",
        "create clusterrole c --verb=get,post --non-resource-url=/x --save-config",
        "create rolebinding rb --role=x --user=u --group=g --serviceaccount=a:b -n x",
        "create rolebinding rb --clusterrole=x --user=u --user=v",
        "create clusterrolebinding c --clusterrole=x --user=u --group=g --serviceaccount=a:b",
        "create clusterrolebinding c --clusterrole= --save-config",
    ] {
        same_in_every_format(&format!("{line} --dry-run=client"));
    }
    for line in [
        "create clusterrole c --aggregation-rule=a",
        "create clusterrole c --aggregation-rule=a=b --verb=get",
        "create clusterrole c --verb=get",
        "create clusterrole c --resource=pods",
        "create clusterrole c --verb=foo --non-resource-url=/x",
        "create clusterrole c --verb=get --non-resource-url=x",
        "create clusterrole c --verb=get --non-resource-url=/a*b",
        "create clusterrole c --verb=get --non-resource-url=",
        "create role r --resource=pods",
        "create role r --verb=get",
        "create role r --verb=get --resource=.apps",
        "create role r --verb=get --resource=/status",
        "create rolebinding rb",
        "create rolebinding rb --role=a --clusterrole=b",
        "create rolebinding rb --role=a --serviceaccount=a",
        "create rolebinding rb --role=a --serviceaccount=a:b:c",
        "create clusterrolebinding c",
        "create clusterrolebinding",
        "create clusterrolebinding c --clusterrole=x --serviceaccount=:b",
    ] {
        same(&format!("{line} --dry-run=client"));
    }
    // kubectl clears its flag's global meaning: `--user` is a subject.
    same("--user=nope create clusterrolebinding c --clusterrole=x --dry-run=client -o json");
    same("create rolebinding rb --role=r --user=a --dry-run=client -o json --context=nope");
}

/// kubectl's discovery cache logs each failed attempt to reach the server
/// (klog lines kuddle does not write); the rest must match.
fn without_discovery_log(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("memcache.go"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn roles_need_the_server_for_resource_names() {
    for line in [
        // A `*` needs no lookup: kubectl fails to reach the server and goes on.
        "create role r --verb=get --resource=* --dry-run=client -o yaml",
        "create role r --verb=get --resource=pods,* --resource-name=a --dry-run=client -o json",
        "create clusterrole r --verb=* --resource=*.apps --dry-run=client -o yaml",
        // Special verbs on their resources pass without the server.
        "create role r --verb=use --resource=podsecuritypolicies.policy --dry-run=client -o yaml",
        // Anything else needs it.
        "create role r --verb=get --resource=pods --dry-run=client -o yaml",
        "create clusterrole r --verb=get --resource=pods --dry-run=client",
        "create role r --verb=use --resource=pods --dry-run=client",
    ] {
        assert_same_with(&Invocation::line(line), &without_discovery_log);
    }
}

#[test]
fn poddisruptionbudgets() {
    for line in [
        "create poddisruptionbudget p --selector=a=b --min-available=1",
        "create pdb p --selector=a=b,c==d --max-unavailable=50% -n x",
        "create pdb p --selector=a --min-available=3000000000",
        "create pdb p --selector=a --max-unavailable=99999999999999999999 --save-config",
        "create pdb p --selector=a=b --max-unavailable=02",
    ] {
        same_in_every_format(&format!("{line} --dry-run=client"));
    }
    for words in [
        &[
            "--selector=a in (x,y),c notin (z),!d,e,f==g",
            "--min-available=1",
        ][..],
        &["--selector=a in (),b notin (,x,)", "--min-available=1"],
        &["--selector=  ", "--min-available=5%"],
        &["--selector=a b", "--min-available=1"],
        &["--selector=a in (x", "--min-available=1"],
        &["--selector=a=b,", "--min-available=1"],
        &["--selector=,a", "--min-available=1"],
    ] {
        let mut line = vec!["create", "pdb", "p", "--dry-run=client", "-o", "json"];
        line.extend_from_slice(words);
        assert_same(&Invocation::new(&line));
    }
    for line in [
        "create pdb p --selector=a!=b --min-available=1",
        "create pdb p --selector=a>1 --min-available=1",
        "create pdb p --selector=a<x --min-available=1",
        "create pdb p --selector=A_B/c=d --min-available=1",
        "create pdb p --selector=a/b/c --min-available=1",
        "create pdb p --selector=a=-b --min-available=1",
        "create pdb p --selector=a=b --min-available=1x",
        "create pdb p --selector=a=b --max-unavailable=-1",
        "create pdb p --selector= --min-available=1",
        "create pdb p --selector=a=b",
        "create pdb p --selector=a=b --min-available=1 --max-unavailable=2",
    ] {
        same(&format!("{line} --dry-run=client"));
    }
}

#[test]
fn jobs_and_cronjobs() {
    for line in [
        "create job j --image=busybox",
        "create job j --image=busybox -n y --save-config",
        "create cronjob c --image=busybox --schedule=@hourly",
        "create cj c --image=busybox --schedule=x --restart=Never -n q --save-config",
        "create cj c --image= --schedule=",
    ] {
        same_in_every_format(&format!("{line} --dry-run=client"));
    }
    for line in [
        "create job j --image=busybox --dry-run=client -o json -- sh -c date",
        "create cronjob c --image=x --schedule=* --restart=Always --dry-run=client -o yaml -- a b",
        "create job j --dry-run=client",
        "create job j --from=cronjob/x --image=y --dry-run=client",
        "create job j --from=x --dry-run=client -- a",
        "create cronjob c --image=x --dry-run=client",
        "create cronjob c --schedule=x --dry-run=client",
        "create cronjob --dry-run=client",
        "create job a b --image=x --dry-run=client",
    ] {
        same(line);
    }
}

#[test]
fn token_checks_before_asking_the_server() {
    for line in [
        "create token",
        "create token a b",
        "create token x --dry-run=client",
        "create token x --duration=1.5s",
        "create token x --duration=-1s",
        "create token x --duration=x",
        "create token x --audience=",
        "create token x --bound-object-name=a",
        "create token x --bound-object-uid=a",
        "create token x --bound-object-kind=Foo",
        "create token x --bound-object-kind=Pod",
        "create token x -o bogus",
    ] {
        same(line);
    }
    assert_same(&Invocation::new(&["create", "token", ""]));
}

#[test]
fn create_from_files_refusals_before_any_server() {
    for line in [
        "create",
        "create foo",
        "create foo bar -f x.yaml",
        "create -f",
        "create -f nope.yaml",
        "create -f nope.yaml,other.yaml",
        "create -f - -f -",
        "create --raw /api",
        "create -f a.yaml -f b.yaml --raw /api",
        "create -f a.yaml --raw /api -o json",
        "create -f a.yaml --raw api",
        "create -f a.yaml --raw :/x",
        "create -f a.yaml --raw /api -R",
        "create -f a.yaml --raw /api -l a=b",
        "create -f https://x/y --raw /x",
        "create -f x -k foo",
        "create -f x --dry-run=bogus",
        "create -f x -o bogus",
        "create -f x --validate=bogus -o bogus",
        "create -f x --windows-line-endings=maybe",
        "create -f x --save-config=maybe",
    ] {
        same(line);
    }
}

#[test]
fn odd_values_and_hashes() {
    for words in [
        &[
            "create",
            "cm",
            "c",
            "--from-literal=yes=on",
            "--from-literal=n=1e3",
            "--from-literal=ml=a\nb",
            "--from-literal=sp= x ",
            "--from-literal=u=ünï",
            "--from-literal=x=<&>\u{2028}",
            "--append-hash",
        ][..],
        &[
            "create",
            "cm",
            "name with space",
            "--from-literal=a=b",
            "--append-hash",
        ],
        &[
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=a=ü\n",
            "--append-hash",
        ],
        &[
            "create",
            "quota",
            "q",
            "--hard=cpu=1e3,memory=1.5Gi,pods=1k,x=0.1",
        ],
        &["create", "sa", "ünï", "-n", "a b"],
    ] {
        for output in ["json", "yaml"] {
            let mut line = words.to_vec();
            line.extend_from_slice(&["--dry-run=client", "-o", output]);
            assert_same(&Invocation::new(&line));
        }
    }
}

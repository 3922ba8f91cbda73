//! Which cluster, user and namespace a command uses, and kubectl's
//! configuration errors, compared with kubectl 1.37.1. `create deployment
//! --dry-run=client` resolves the client configuration before anything
//! else and needs no server.

mod common;
use common::*;

fn fx(name: &str) -> String {
    fixture("kubeconfig").join(name).display().to_string()
}

fn create(extra: &[&str]) -> Invocation {
    let mut words = vec![
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--dry-run=client",
        "-o",
        "name",
    ];
    words.extend_from_slice(extra);
    Invocation::new(&words)
}

#[test]
fn names_that_do_not_exist() {
    let basic = fx("basic.yaml");
    for extra in [
        &[][..],
        &["--context", "dev"],
        &["--context", "nope"],
        &["--cluster", "nope"],
        &["--user", "nope"],
        &["--context", "nope", "--cluster", "nope", "--user", "nope"],
        &["--cluster", "dev", "--user", "dev-user"],
    ] {
        assert_same(&create(extra).kubeconfig(&basic));
    }
    // current-context naming a context that is not there.
    assert_same(&create(&[]).kubeconfig(fx("dangling-current.yaml")));
    assert_same(&create(&["--context", "c"]).kubeconfig(fx("dangling-current.yaml")));
    // The second file's current-context, the first file's clusters.
    let list = format!("{}:{}", fx("no-current.yaml"), fx("second.yaml"));
    assert_same(&create(&[]).env("KUBECONFIG", list));
}

#[test]
fn tls_server_without_credentials_prompts() {
    let dangling = fx("dangling-current.yaml");
    assert_same(&create(&["--context", "c"]).kubeconfig(&dangling));
    assert_same(
        &create(&["--context", "c"])
            .kubeconfig(&dangling)
            .stdin("bob\nsecret\n"),
    );
    assert_same(&create(&["--context", "c", "--token", "t"]).kubeconfig(&dangling));
}

#[test]
fn missing_kubeconfig_file() {
    assert_same(&create(&["--kubeconfig", &fx("does-not-exist.yaml")]));
    assert_same(&create(&[]).env("KUBECONFIG", fx("does-not-exist.yaml")));
    assert_same(&create(&[]));
    assert_same(&create(&[]).kubeconfig(fx("broken/tab.yaml")));
}

#[test]
fn conflicting_and_missing_credentials() {
    let basic = fx("basic.yaml");
    for extra in [
        &["--context", "dev", "--username", "bob"][..],
        &["--token", "t", "--password", "p"],
        &["--as-group", "admins"],
        &["--as-uid", "42"],
        &["--as", "jane", "--as-group", "admins"],
        &["--as-user-extra", "k=v"],
        &["--as-user-extra", "no-equals-sign"],
        &["--client-certificate", "/nonexistent/client.crt"],
        &["--client-key", "/nonexistent/client.key"],
        &["--certificate-authority", "/nonexistent/ca.crt"],
        &[
            "--certificate-authority",
            "/nonexistent/ca.crt",
            "--insecure-skip-tls-verify",
        ],
        &["--proxy-url", "ftp://proxy"],
        &["--proxy-url", "::bad"],
        &["--request-timeout", "5x"],
        &["--request-timeout", "1m30s"],
        &["-s", "https://elsewhere:6443", "--tls-server-name", "x"],
    ] {
        assert_same(&create(extra).kubeconfig(&basic));
    }
    assert_same(&create(&["--user", "basic", "--token", "t"]).kubeconfig(fx("impersonation.yaml")));
    assert_same(&create(&["--user", "tokenfile"]).kubeconfig(fx("impersonation.yaml")));
    assert_same(&create(&["--context", "both"]).kubeconfig(fx("relative/config")));
    assert_same(&create(&[]).kubeconfig(fx("relative/config")));
    assert_same(&create(&[]).kubeconfig(fx("missing-file-ref.yaml")));
}

#[test]
fn exec_and_auth_provider_validation() {
    let exec = fx("exec.yaml");
    // (oidc and gcp auth providers fail later, when the client is built.)
    for user in ["aws", "legacy", "bare"] {
        assert_same(&create(&["--user", user]).kubeconfig(&exec));
    }
    assert_same(&create(&[]).kubeconfig(fx("yaml11.yaml")));
}

/// `get` asks for the namespace first, so a broken configuration reads
/// differently than from `create` (`Error in configuration: …`).
#[test]
fn namespace_first_verbs() {
    let basic = fx("basic.yaml");
    for extra in [
        &["--context", "nope"][..],
        &["--cluster", "nope"],
        &["--context", "nope", "--cluster", "nope", "--user", "nope"],
        &[
            "--context",
            "nope",
            "--cluster",
            "nope",
            "--user",
            "nope",
            "-n",
            "x",
        ],
        &["--user", "nope"],
        &["--kubeconfig", "/nonexistent/kubeconfig"],
        &["--context", "dev", "--username", "bob"],
    ] {
        let mut words = vec!["get", "pods"];
        words.extend_from_slice(extra);
        assert_same(&Invocation::new(&words).kubeconfig(&basic));
    }
    assert_same(&Invocation::new(&["get", "pods"]).kubeconfig(fx("dangling-current.yaml")));
    assert_same(&Invocation::new(&["get", "pods"]).kubeconfig(fx("broken/tab.yaml")));
}

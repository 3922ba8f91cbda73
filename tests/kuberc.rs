//! kuberc (aliases, defaults, the `kuberc` command and its errors), compared
//! with kubectl 1.37.1 on the files in tests/fixtures/kuberc/. Everything
//! here runs offline: aliases and defaults of `config` and
//! `create deployment --dry-run=client`.

mod common;
use common::scenario::{same_writes, Scenario};
use common::*;

fn rc(name: &str) -> String {
    std::fs::read_to_string(fixture("kuberc").join(name)).unwrap()
}

/// `line` with `name` as ~/.kube/kuberc and basic.yaml as KUBECONFIG.
fn with_default_kuberc(name: &str, line: &str) -> Scenario {
    Scenario::line(line)
        .text("home/.kube/kuberc", &rc(name))
        .file("a.yaml", "basic.yaml")
        .kubeconfig(&["a.yaml"])
}

#[test]
fn aliases_and_defaults() {
    for line in [
        // Aliases: options, prepended and appended arguments; flags on the
        // line win over the alias's options.
        "getctx",
        "getctx dev",
        "getctx --output=",
        "getctx --",
        "getctx -- dev",
        "cd",
        "cd -oname",
        "cd --output name --replicas=5",
        "cd extra",
        "cv",
        "mini",
        "mini -o yaml",
        // The first word that is not a flag is the alias.
        "-n x getctx",
        "--kuberc={d}/home/.kube/kuberc getctx",
        // An alias never shadows a built-in command.
        "plugin list",
        // Defaults for the command the line runs, unless the line sets
        // the flag; a default naming an unknown command is a warning.
        "config get-contexts",
        "config get-contexts --no-headers=false",
        "create deployment x --image=i -o name",
        "create deployment x --image=i -o name --replicas=2",
        "create deployment x --image=i -o name -r2",
        "create deployment x --image=i -o yaml --dry-run=client -- sleep 1",
        "config view --raw",
        "config view -o yaml --raw",
        // Defaults of `config view` reach every command named `view`.
        "kuberc view",
        "kuberc view -o yaml",
        // Logged at -v=1 (and the document used at -v=5).
        "getctx -v=1",
        "config get-contexts -v=1",
        "config get-contexts -v 5",
        // Unknown words stay unknown.
        "getct",
        "nonexistent",
    ] {
        same_writes(&with_default_kuberc("aliases.yaml", line));
    }
    // Completion sees the alias too.
    same_writes(
        &Scenario::new(&["__complete", "getctx", ""])
            .text("home/.kube/kuberc", &rc("aliases.yaml"))
            .file("a.yaml", "basic.yaml")
            .kubeconfig(&["a.yaml"]),
    );
}

#[test]
fn both_versions_and_several_documents() {
    for line in [
        "ctx",
        "config get-contexts",
        "kuberc view",
        "kuberc view -o json",
    ] {
        same_writes(&with_default_kuberc("alpha.yaml", line));
        same_writes(&with_default_kuberc("multi.yaml", line));
    }
}

#[test]
fn where_the_file_comes_from() {
    let other = rc("alpha.yaml");
    for (env, line) in [
        (None, "--kuberc={d}/other.yaml ctx"),
        (None, "--kuberc {d}/other.yaml config get-contexts"),
        // With a space, kubectl takes the path for the command word.
        (None, "--kuberc {d}/other.yaml ctx"),
        (None, "config get-contexts --kuberc={d}/missing.yaml"),
        (None, "config get-contexts --kuberc"),
        (None, "config get-contexts --kuberc="),
        (Some(("KUBERC", "{d}/other.yaml")), "ctx"),
        (
            Some(("KUBERC", "{d}/missing.yaml")),
            "config current-context",
        ),
        (Some(("KUBERC", "off")), "getctx"),
        (
            Some(("KUBERC", "off")),
            "config current-context --kuberc={d}/other.yaml",
        ),
        (Some(("KUBECTL_KUBERC", "false")), "getctx"),
        (
            Some(("KUBECTL_KUBERC", "False")),
            "config current-context --kuberc={d}/other.yaml",
        ),
        (Some(("KUBECTL_KUBERC", "false")), "kuberc view"),
        (Some(("KUBECTL_KUBERC", "true")), "getctx"),
    ] {
        let mut s = with_default_kuberc("aliases.yaml", line).text("other.yaml", &other);
        if let Some((k, v)) = env {
            s = s.env(k, v);
        }
        same_writes(&s);
    }
    // No kuberc at all, or an empty one.
    same_writes(
        &Scenario::line("config current-context")
            .file("a.yaml", "basic.yaml")
            .kubeconfig(&["a.yaml"]),
    );
    same_writes(
        &Scenario::line("config current-context")
            .text("home/.kube/kuberc", "")
            .file("a.yaml", "basic.yaml")
            .kubeconfig(&["a.yaml"]),
    );
}

#[test]
fn bad_files() {
    let header = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\n";
    let files: Vec<String> = vec![
        "# only a comment\n".into(),
        "kind: Preference\n".into(),
        "apiVersion: kubectl.config.k8s.io/v2\nkind: Preference\n".into(),
        "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Other\n".into(),
        format!("{header}aliases: 3\n"),
        "apiVersion: [\n".into(),
        "a: 1\n--- x\n".into(),
        format!("{header}aliases:\n- name: x1\n  command: get\n"),
        format!("{header}aliases:\n- name: x\n  command: get\n- name: x\n  command: get\n"),
        format!("{header}defaults:\n- command: get\n  options:\n  - name: -o\n    default: x\n"),
        format!("{header}credentialPluginPolicy: Bogus\n"),
        format!("{header}credentialPluginPolicy: Allowlist\n"),
        format!("{header}credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist: []\n"),
        format!("{header}credentialPluginPolicy: DenyAll\ncredentialPluginAllowlist: []\n"),
        format!("{header}credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n- command: ./x\n"),
        format!("{header}credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n- name: a\n  command: b\n"),
        format!("{header}credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n- name: /bin/a\n"),
    ];
    for (i, text) in files.iter().enumerate() {
        for line in [
            "config current-context",
            "config current-context --kuberc={d}/rc.yaml",
            "kuberc view --kuberc={d}/rc.yaml",
        ] {
            let context = format!("file #{i}: {text:?}");
            let s = Scenario::line(line)
                .text("home/.kube/kuberc", text)
                .text("rc.yaml", text)
                .file("a.yaml", "basic.yaml")
                .kubeconfig(&["a.yaml"]);
            let out = std::panic::catch_unwind(|| same_writes(&s));
            assert!(out.is_ok(), "{context}");
        }
    }
    // Lenient decoding: a warning (no newline) and the file is used.
    for line in ["cc", "kuberc view"] {
        same_writes(&with_default_kuberc("strict.yaml", line));
    }
    // Values and flags checked when they apply.
    for line in [
        "create deployment x --image=i -o name --dry-run=client",
        "create deployment x --image=i -o name --dry-run=client --replicas=1",
        "config get-contexts",
        "badcmd",
        "ctx",
    ] {
        same_writes(&with_default_kuberc("bad-values.yaml", line));
    }
    // A default naming an alias that runs.
    for line in ["view", "config view"] {
        same_writes(&with_default_kuberc("overridden.yaml", line));
    }
}

#[test]
fn kuberc_view_and_set() {
    for line in [
        "kuberc view",
        "kuberc view -o json",
        "kuberc view -o name",
        "kuberc view extra",
        "kuberc view -o jsonpath={.aliases[0].name}",
        "kuberc bogus",
    ] {
        same_writes(&with_default_kuberc("alpha.yaml", line));
    }
    // No file: kubectl offers to write one, and reads the answer.
    for answer in ["y\n", "Y", "", "\n", "y extra\n"] {
        same_writes(
            &Scenario::line("kuberc view")
                .file("a.yaml", "basic.yaml")
                .stdin(answer),
        );
    }
    same_writes(&Scenario::line("kuberc view --kuberc={d}/missing.yaml"));
    same_writes(&Scenario::line("kuberc view").env("KUBERC", "off"));
    for line in [
        "kuberc set --section defaults --command get --option output=wide",
        "kuberc set --section defaults --command get --option --output=wide --option x=y=z",
        "kuberc set --section defaults --command config --option output",
        "kuberc set --section aliases --name getn --command get --prependarg nodes --option output=wide",
        "kuberc set --section aliases --name runx --command run --option image=nginx --appendarg -- --appendarg custom",
        "kuberc set --section aliases --command get",
        "kuberc set --section defaults --name x --command get",
        "kuberc set --section defaults --command get --prependarg x",
        "kuberc set --section aliases --name x",
        "kuberc set --section bogus",
        "kuberc set",
        "kuberc set --section credentialplugin",
        "kuberc set --section credentialplugin --policy Bogus",
        "kuberc set --section credentialplugin --policy DenyAll",
        "kuberc set --section credentialplugin --policy DenyAll --allowlist-entry command=x",
        "kuberc set --section credentialplugin --policy Allowlist",
        "kuberc set --section credentialplugin --policy Allowlist --allowlist-entry command=/bin/helper,command=other",
        "kuberc set --section credentialplugin --policy Allowlist --allowlist-entry name=x,bogus,command=,foo=bar",
        "kuberc set --section credentialplugin --policy Allowlist --allowlist-entry bogus",
        "kuberc set --section defaults --command get --option output=wide --kuberc={d}/sub/dir/rc",
    ] {
        // Starting from nothing, from a v1alpha1 file, and from one with
        // the entries already there.
        same_writes(&Scenario::line(line));
        same_writes(&Scenario::line(line).text("home/.kube/kuberc", &rc("alpha.yaml")));
        let existing = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\ndefaults:\n- command: get\n  options:\n  - name: output\n    default: json\naliases:\n- name: getn\n  command: get\n  prependArgs: [pods]\n  options:\n  - name: output\n    default: json\n";
        same_writes(&Scenario::line(line).text("home/.kube/kuberc", existing));
        same_writes(
            &Scenario::line(&format!("{line} --overwrite"))
                .text("home/.kube/kuberc", existing),
        );
    }
    same_writes(
        &Scenario::line("kuberc set --section defaults --command get --option output=wide")
            .text("home/.kube/kuberc", &rc("strict.yaml")),
    );
}

/// The credential plugin policy stops an exec plugin before it runs.
/// kubectl also logs each failed discovery attempt; the error line and the
/// exit code are compared.
#[test]
fn credential_plugin_policy() {
    let dir = common::scratch_root().join(format!("kuddle-kuberc-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/echo\n      interactiveMode: Never\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n",
    )
    .unwrap();
    let header = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\n";
    for policy in [
        "credentialPluginPolicy: DenyAll\n",
        "credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n- command: /bin/true\n",
        "credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n- command: true\n",
    ] {
        let rc = dir.join("kuberc");
        std::fs::write(&rc, format!("{header}{policy}")).unwrap();
        let inv = Invocation::new(&["get", "pods", &format!("--kuberc={}", rc.display())])
            .kubeconfig(&kubeconfig);
        let (expected, actual) = (inv.kubectl(), inv.kuddle());
        assert_eq!(expected.code, actual.code, "{policy}");
        assert_eq!(
            expected.stderr.lines().last(),
            actual.stderr.lines().last(),
            "{policy}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An alias beats a plugin of the same name; other plugins still run, and
/// a broken kuberc stops them first.
#[test]
fn plugins_with_a_kuberc() {
    let plugin = "#!/bin/sh\necho \"plugin got [$*]\"\n";
    let setup = |line: &str, kuberc: &str| {
        Scenario::line(line)
            .text("bin/kubectl-getctx", plugin)
            .text("bin/kubectl-other", plugin)
            .mode("bin/kubectl-getctx", 0o755)
            .mode("bin/kubectl-other", 0o755)
            .text("home/.kube/kuberc", kuberc)
            .file("a.yaml", "basic.yaml")
            .kubeconfig(&["a.yaml"])
            .env("PATH", "{d}/bin:/usr/bin:/bin")
    };
    for line in ["getctx", "other x --flag", "other getctx"] {
        same_writes(&setup(line, &rc("aliases.yaml")));
    }
    let broken = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\naliases:\n- name: x1\n  command: get\n";
    same_writes(&setup("other x", broken));
}

/// Aliases and defaults of a command that talks to the server.
#[test]
fn aliases_on_the_cluster() {
    let kuberc = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\ndefaults:\n- command: get\n  options:\n  - name: output\n    default: name\naliases:\n- name: nsdefault\n  command: get\n  prependArgs: [namespace, default]\n  options:\n  - name: output\n    default: jsonpath={.metadata.name}\n";
    for line in [
        "nsdefault",
        "nsdefault -o name",
        "get namespace default",
        "get namespace default -o jsonpath={.kind}",
        "get namespace default --output=jsonpath={.kind}",
    ] {
        let inv = Invocation::line(line).kubeconfig(common::cluster::cluster_kubeconfig());
        let home = std::path::PathBuf::from(&inv.env["HOME"]);
        std::fs::create_dir_all(home.join(".kube")).unwrap();
        std::fs::write(home.join(".kube/kuberc"), kuberc).unwrap();
        assert_same(&inv);
    }
}

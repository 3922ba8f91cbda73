//! The `config` subcommands that read and write kubeconfig files, compared
//! with kubectl 1.37.1: each scenario runs both programs in turn on fresh
//! copies of the same files at the same paths, then compares stdout,
//! stderr, exit code, and every file left behind (bytes and mode).

mod common;
use common::scenario::{same_writes, Scenario};

/// One file, `a.yaml`, as KUBECONFIG.
fn on_basic(line: &str) -> Scenario {
    Scenario::line(line)
        .file("a.yaml", "basic.yaml")
        .kubeconfig(&["a.yaml"])
}

#[test]
fn reading_commands() {
    for line in [
        "config current-context",
        "config current-context extra",
        "config get-contexts",
        "config get-contexts --no-headers",
        "config get-contexts -o name",
        "config get-contexts -o name prod",
        "config get-contexts prod nope",
        "config get-contexts prod nope other",
        "config get-contexts -o wide",
        "config get-users",
        "config bogus",
        "config bogus view",
    ] {
        same_writes(&on_basic(line));
    }
    // Clusters come in Go's random map order from kubectl: one cluster only.
    same_writes(
        &Scenario::line("config get-clusters")
            .file("a.yaml", "exec.yaml")
            .kubeconfig(&["a.yaml"]),
    );
    for line in ["config current-context", "config get-contexts"] {
        same_writes(
            &Scenario::line(line)
                .file("a.yaml", "no-current.yaml")
                .kubeconfig(&["a.yaml"]),
        );
        same_writes(&Scenario::line(line));
    }
    // The merged view of a chain.
    same_writes(
        &Scenario::line("config get-contexts")
            .file("a.yaml", "second.yaml")
            .file("b.yaml", "basic.yaml")
            .kubeconfig(&["a.yaml", "b.yaml"]),
    );
}

#[test]
fn use_context_and_set_context() {
    for line in [
        "config use-context dev",
        "config use dev",
        "config use-context nope",
        "config use-context prod",
        "config set-context new",
        "config set-context new --cluster=c --user=u -n ns",
        "config set-context dev --namespace=other",
        "config set-context prod --namespace=",
        "config set-context --current --namespace=web",
        "config set-context --current --cluster=dev --user=admin",
        "config set-context --current=false dev --user=x",
        "config set-context",
        "config set-context --current prod",
        "config --kubeconfig={d}/a.yaml set-context dev -n z",
    ] {
        same_writes(&on_basic(line));
    }
    for line in [
        "config use-context",
        "config use-context a b",
        "config set-context a b",
    ] {
        same_writes(&on_basic(line).help_on_stdout());
    }
    same_writes(&Scenario::new(&["config", "use-context", ""]).file("a.yaml", "basic.yaml"));
    same_writes(
        &Scenario::line("config set-context --current --namespace=x")
            .file("a.yaml", "no-current.yaml")
            .kubeconfig(&["a.yaml"]),
    );
}

#[test]
fn set_cluster() {
    let ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    for line in [
        "config set-cluster new --server=https://1.2.3.4",
        "config set-cluster new",
        "config set-cluster prod",
        "config set-cluster prod --server=https://other:6443",
        "config set-cluster prod --tls-server-name=other --server=https://x",
        "config set-cluster prod --insecure-skip-tls-verify",
        "config set-cluster dev --insecure-skip-tls-verify=false",
        "config set-cluster dev --certificate-authority=certs/ca.crt",
        "config set-cluster dev --certificate-authority=/etc/ca.crt",
        "config set-cluster dev --certificate-authority=",
        "config set-cluster dev --certificate-authority=certs/ca.crt --insecure-skip-tls-verify",
        "config set-cluster dev --embed-certs",
        "config set-cluster dev --embed-certs --certificate-authority=nope.crt",
        "config set-cluster dev --embed-certs --certificate-authority=certs/ca.crt",
        "config set-cluster dev --embed-certs=false --certificate-authority=certs/ca.crt",
        "config set-cluster dev --proxy-url=http://proxy:3128 --disable-compression",
        "config set-cluster dev --proxy-url=http://proxy:3128",
        "config set-cluster dev --insecure-skip-tls-verify=maybe",
    ] {
        same_writes(&on_basic(line).text("certs/ca.crt", ca));
    }
    same_writes(&Scenario::new(&["config", "set-cluster", ""]).file("a.yaml", "basic.yaml"));
    same_writes(&on_basic("config set-cluster").help_on_stdout());
    // A relative certificate path is stored relative to the file's folder.
    same_writes(
        &Scenario::line("config set-cluster c --certificate-authority=conf/certs/ca.crt")
            .text("conf/certs/ca.crt", ca)
            .kubeconfig(&["conf/config"]),
    );
}

#[test]
fn set_credentials() {
    for line in [
        "config set-credentials new --token=t",
        "config set-credentials new --token=",
        "config set-credentials dev-user --token=",
        "config set-credentials dev-user --username=u --password=p",
        "config set-credentials admin --token=t --username=u",
        "config set-credentials admin --password=p",
        "config set-credentials new --client-certificate=c.crt --client-key=/abs/k.key",
        "config set-credentials new --client-certificate=c.crt --embed-certs",
        "config set-credentials new --client-key=k.key --embed-certs",
        "config set-credentials new --embed-certs",
        "config set-credentials new --client-key=nope.key --embed-certs",
        "config set-credentials admin --auth-provider=oidc --auth-provider-arg=client-id=a,client-secret=b",
        "config set-credentials admin --auth-provider-arg=a=b",
        "config set-credentials admin --exec-command=/usr/local/bin/plugin --exec-api-version=client.authentication.k8s.io/v1 --exec-arg=a,b --exec-arg=c --exec-env=A=1 --exec-interactive-mode=Never --exec-provide-cluster-info",
        "config set-credentials admin --exec-command={d}/bin/plugin",
        "config set-credentials admin --exec-env=A=1",
        "config set-credentials admin --exec-interactive-mode=Sometimes",
        "config set-credentials ''",
    ] {
        same_writes(
            &on_basic(line)
                .text("c.crt", "cert\n")
                .text("k.key", "key\n"),
        );
    }
    for line in [
        "config set-credentials",
        "config set-credentials a b",
        "config set-credentials admin --auth-provider-arg==b",
        "config set-credentials admin --exec-env=oops",
    ] {
        same_writes(&on_basic(line).help_on_stdout());
    }
}

#[test]
fn set_credentials_on_existing_plugins() {
    for user in ["aws", "legacy", "bare", "oidc", "gcp"] {
        for flags in [
            "--exec-command=new-plugin",
            "--exec-env=EXTRA=1 --exec-env=AWS_PROFILE-",
            "--exec-env=AWS_PROFILE=dev",
            "--exec-arg=only",
            "--exec-api-version=client.authentication.k8s.io/v1beta1",
            "--exec-provide-cluster-info=false",
            "--exec-interactive-mode=Always",
            "--auth-provider=gcp",
            "--auth-provider=oidc --auth-provider-arg=client-secret- --auth-provider-arg=extra=x",
            "--token=t",
        ] {
            same_writes(
                &Scenario::line(&format!("config set-credentials {user} {flags}"))
                    .file("a.yaml", "exec.yaml")
                    .kubeconfig(&["a.yaml"]),
            );
        }
    }
}

#[test]
fn delete_and_rename() {
    for line in [
        "config delete-cluster prod",
        "config delete-cluster nope",
        "config delete-context dev",
        "config delete-context prod",
        "config delete-context nope",
        "config delete-user admin",
        "config delete-user nope",
        "config delete-user",
        "config delete-user a b",
        "config rename-context prod production",
        "config rename-context dev production",
        "config rename-context prod dev",
        "config rename-context prod prod",
        "config rename-context nope x",
    ] {
        same_writes(&on_basic(line));
    }
    same_writes(
        &Scenario::new(&["config", "rename-context", "prod", ""]).file("a.yaml", "basic.yaml"),
    );
    for line in [
        "config delete-cluster",
        "config delete-context",
        "config rename-context",
    ] {
        same_writes(&on_basic(line).help_on_stdout());
    }
}

#[test]
fn set_and_unset_properties() {
    for line in [
        "config set clusters.prod.server https://new",
        "config set clusters.10.0.0.1.server https://ip",
        "config set clusters.new.certificate-authority-data dmFs",
        "config set users.admin.client-key-data @@",
        "config set users.admin.client-key-data raw --set-raw-bytes",
        "config set users.admin.client-key-data cmF3 --set-raw-bytes=false",
        "config set clusters.prod.insecure-skip-tls-verify T",
        "config set clusters.prod.insecure-skip-tls-verify maybe",
        "config set preferences.colors true",
        "config set current-context dev",
        "config set current-context nope",
        "config set contexts.new.namespace ns",
        "config set users.admin.act-as someone",
        "config set users.admin.as someone",
        "config set users.admin.act-as-groups g",
        "config set users.admin.act-as-user-extra x",
        "config set users.admin.act-as-user-extra.k v",
        "config set users.admin.exec.command x",
        "config set clusters.prod x",
        "config set clusters x",
        "config set preferences x",
        "config set preferences.bogus x",
        "config set bogus x",
        "config set kind x",
        "config set clusters.prod.- {d}/moved.yaml",
        "config unset current-context",
        "config unset clusters",
        "config unset clusters.prod",
        "config unset clusters.prod.server",
        "config unset clusters.prod.extensions",
        "config unset users.admin.act-as-user-extra",
        "config unset users.admin.act-as-groups",
        "config unset users.admin.exec",
        "config unset users.nope.token",
        "config unset users.nope",
        "config unset preferences",
        "config unset preferences.extensions",
        "config unset contexts.prod.namespace",
        "config unset kind",
        "config unset bogus",
    ] {
        same_writes(&on_basic(line));
    }
    for args in [
        &["config", "set", "", "x"][..],
        &["config", "set", "current-context", ""],
        &["config", "unset", ""],
    ] {
        same_writes(
            &Scenario::new(args)
                .file("a.yaml", "basic.yaml")
                .kubeconfig(&["a.yaml"]),
        );
    }
    for line in ["config set a", "config set a b c", "config unset"] {
        same_writes(&on_basic(line).help_on_stdout());
    }
    // kubectl crashes on these; the panic's first line and exit code 2.
    for line in [
        "config set users.admin.exec x",
        "config set extensions.x y",
        "config set clusters.prod.extensions.x y",
    ] {
        same_writes(&on_basic(line));
    }
    // Extensions and a colored preference, printed in Go's words.
    for line in [
        "config set extensions x",
        "config set preferences x",
        "config set clusters.c.extensions x",
        "config unset clusters.c.extensions",
        "config unset preferences.colors",
    ] {
        same_writes(
            &Scenario::line(line)
                .file("a.yaml", "extensions.yaml")
                .kubeconfig(&["a.yaml"]),
        );
    }
    same_writes(
        &Scenario::line("config set users.imp.act-as-user-extra x")
            .file("a.yaml", "impersonation.yaml")
            .kubeconfig(&["a.yaml"]),
    );
}

/// Changed clusters and users get their file references made relative to
/// their file's folder (the untouched ones keep theirs as written).
#[test]
fn file_references_relative_to_their_file() {
    for line in [
        "config set-cluster rel --server=https://other",
        "config set-credentials rel --token=t",
        "config set-credentials rel --exec-command={d}/conf/bin/other",
        "config set-credentials rel --client-key={d}/elsewhere/k.key",
        "config set-credentials both --client-certificate=conf/certs/new.crt",
        "config set-context rel --namespace=x",
        "config set users.rel.client-key ../outside.key",
        "config use-context both",
    ] {
        // KUBECONFIG relative to the working folder, as users often have it.
        same_writes(
            &Scenario::line(line)
                .file("conf/config", "relative/config")
                .env("KUBECONFIG", "conf/config"),
        );
    }
}

/// Every fixture is rewritten in kubectl's layout by a change.
#[test]
fn files_are_rewritten_in_kubectl_layout() {
    for name in [
        "basic.yaml",
        "second.yaml",
        "exec.yaml",
        "extensions.yaml",
        "impersonation.yaml",
        "names.yaml",
        "empty.yaml",
        "comment-only.yaml",
        "flow.json",
        "yaml11.yaml",
        "anchors.yaml",
        "unknown-fields.yaml",
        "minify-cases.yaml",
        "no-current.yaml",
    ] {
        for line in [
            "config set current-context switched",
            "config set-context added --cluster=c",
        ] {
            same_writes(
                &Scenario::line(line)
                    .file("a.yaml", name)
                    .kubeconfig(&["a.yaml"]),
            );
        }
    }
}

/// Where each change goes in a `KUBECONFIG` list of two files (existing or
/// not), or with `--kubeconfig`.
#[test]
fn chains_of_files() {
    let lines = [
        "config use-context dev",
        "config use-context staging",
        "config unset current-context",
        "config set-cluster new --server=https://n",
        "config set-cluster prod --server=https://changed",
        "config set-cluster staging --server=https://changed",
        "config set-context new --cluster=prod",
        "config set-context --current --namespace=q",
        "config set-credentials admin --token=changed",
        "config set-credentials new --token=n",
        "config delete-context prod",
        "config delete-context staging",
        "config delete-cluster prod",
        "config delete-user admin",
        "config rename-context staging renamed",
        "config rename-context prod renamed",
        "config set preferences.colors false",
        "config set preferences.colors true",
        "config get-contexts",
    ];
    let lists: [&[&str]; 5] = [
        &["a.yaml", "b.yaml"],
        &["b.yaml", "a.yaml"],
        &["missing.yaml", "a.yaml", "b.yaml"],
        &["n.yaml", "a.yaml"],
        &["missing.yaml", "sub/dir/other.yaml"],
    ];
    for list in lists {
        for line in lines {
            same_writes(
                &Scenario::line(line)
                    .file("a.yaml", "basic.yaml")
                    .file("b.yaml", "second.yaml")
                    .file("n.yaml", "no-current.yaml")
                    .kubeconfig(list),
            );
        }
    }
    // --kubeconfig wins over the list, and a missing one is created.
    for line in [
        "--kubeconfig={d}/b.yaml config use-context staging",
        "config --kubeconfig={d}/new/config set-context x",
        "config --kubeconfig={d}/new/config use-context x",
        "config --kubeconfig={d}/new/config set preferences.colors true",
        "config --kubeconfig={d}/new/config unset current-context",
    ] {
        same_writes(
            &Scenario::line(line)
                .file("a.yaml", "basic.yaml")
                .file("b.yaml", "second.yaml")
                .kubeconfig(&["a.yaml"]),
        );
    }
    // No kubeconfig at all: ~/.kube/config is made.
    same_writes(&Scenario::line("config set-context x --cluster=y"));
    same_writes(&Scenario::line("config unset current-context"));
    // An empty list entry.
    same_writes(
        &Scenario::line("config set-context x")
            .file("a.yaml", "basic.yaml")
            .env("KUBECONFIG", "{d}/a.yaml::{d}/b.yaml"),
    );
}

#[test]
fn locks_and_unwritable_files() {
    // A lock left behind blocks every change, and is left alone.
    for line in ["config use-context dev", "config set-context x"] {
        same_writes(&on_basic(line).text("a.yaml.lock", ""));
        same_writes(
            &Scenario::line(line)
                .file("a.yaml", "basic.yaml")
                .file("b.yaml", "second.yaml")
                .text("b.yaml.lock", "")
                .kubeconfig(&["a.yaml", "b.yaml"]),
        );
    }
    // Reading needs no lock.
    same_writes(&on_basic("config get-contexts").text("a.yaml.lock", ""));
    // A read-only file: the write fails and the file stays as it was.
    for line in [
        "config use-context dev",
        "config set-context prod --namespace=x",
        "config get-contexts",
    ] {
        same_writes(&on_basic(line).mode("a.yaml", 0o444).unprivileged());
    }
    // In a chain, the writes before the failing one stay done.
    same_writes(
        &Scenario::line("config rename-context staging renamed")
            .file("a.yaml", "basic.yaml")
            .file("b.yaml", "second.yaml")
            .mode("b.yaml", 0o444)
            .kubeconfig(&["a.yaml", "b.yaml"])
            .unprivileged(),
    );
    // A broken file is reported before anything is written.
    same_writes(&on_basic("config use-context dev").text("a.yaml", "clusters: [\n"));
    same_writes(&Scenario::line("config set-context x").env("KUBECONFIG", "{d}"));
}

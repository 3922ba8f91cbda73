//! Command-line parsing errors, compared with kubectl 1.37.1.

mod common;
use common::*;

#[test]
fn flag_errors_match_kubectl() {
    for line in [
        "create deployment",
        "create deployment a --bogus",
        "create deployment a --bogus=2",
        "create deployment a -xvz --image=x",
        "create deployment a --image=x -n",
        "create deployment a --image=x --namespace",
        "create deployment a --image=x --replicas=x",
        "create deployment a --image=x --replicas=99999999999",
        "create deployment a b --image=x --dry-run=client",
        "create deployment --image=x --dry-run=client",
        "create deployment a --image=x --dry-run=client -o bogus",
        "create deployment a --image=x --dry-run=bogus",
        "create deployment a --image=x --dry-run=",
        "create deployment a --image=x --insecure-skip-tls-verify=maybe",
    ] {
        same(line);
    }
}

#[test]
fn deprecated_dry_run_spellings_warn_like_kubectl() {
    for line in [
        "create deployment a --image=x --dry-run -o name",
        "create deployment a --image=x --dry-run=true -o name",
        "create deployment a --image=x --dry_run=client -o name",
    ] {
        same(line);
    }
}

/// klog's flags that every kubectl command takes: checked as klog checks
/// them, then without effect.
#[test]
fn klog_flags_are_accepted_and_checked() {
    for line in [
        "create deployment a --image=x --dry-run=client -o name --vmodule=a=1,b*=2",
        "create deployment a --image=x --dry-run=client -o name --vmodule=",
        "create deployment a --image=x --dry-run=client -o name --vmodule=a=1,b=x",
        "create deployment a --image=x --dry-run=client -o name --vmodule=x",
        "create deployment a --image=x --dry-run=client -o name --log-flush-frequency=1s",
        "create deployment a --image=x --dry-run=client -o name --log-flush-frequency=5",
        "create deployment a --image=x --dry-run=client -o name --match-server-version=maybe",
    ] {
        same(line);
    }
}

/// kubectl 1.37 has no alpha commands and says so on stderr, successfully.
#[test]
fn alpha_has_no_commands() {
    for line in ["alpha", "alpha kuberc view"] {
        let out = same(line);
        assert_eq!(out.code, 0);
        assert!(out.stderr.contains("No alpha commands are available"));
    }
    assert_eq!(same("alpha --bogus").code, 1);
    assert_eq!(same("options --bogus").code, 1);
}

/// `options` lists kubectl's global flags in kubectl's layout, with the
/// same defaults; descriptions are kuddle's own words. kuddle adds
/// `--color` and has no Go profiles to capture (`--profile`,
/// `--profile-output`).
#[test]
fn options_list_the_global_flags_with_kubectls_defaults() {
    let inv = Invocation::new(&["options"]);
    let theirs = inv.kubectl();
    let ours = inv.kuddle();
    assert_eq!(ours.code, 0);
    let home = &inv.env["HOME"];
    let flag_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("    -"))
            .filter(|l| !l.contains("--color=") && !l.contains("--profile"))
            .map(|l| l.replace(home.as_str(), "HOME"))
            .collect()
    };
    assert_eq!(flag_lines(&ours.stdout), flag_lines(&theirs.stdout));
    assert!(ours
        .stdout
        .starts_with("The following options can be passed to any command:\n\n"));
    // Each flag: its line, the usage after a tab, a blank line.
    let lines: Vec<&str> = ours.stdout.lines().collect();
    for (i, line) in lines.iter().enumerate().skip(2) {
        match i % 3 {
            2 => assert!(line.starts_with("    -") && line.ends_with(':'), "{line:?}"),
            0 => assert!(line.starts_with('\t') && line.len() > 1, "{line:?}"),
            _ => assert!(line.is_empty(), "{line:?}"),
        }
    }
}

/// Groups run without a subcommand, and commands mistyped: kubectl's help
/// streams and exit codes, its errors, and its suggestions in the order
/// kubectl adds its commands (never `alpha`).
#[test]
fn groups_and_unknown_commands_answer_as_kubectl() {
    for line in [
        "auth foo",
        "auth foo bar",
        "rollout foo bar",
        "top foo bar",
        "plugin a b",
        "gets",
        "de",
        "a",
        "al",
        "re",
        "lo",
    ] {
        same(line);
    }
    // Help texts are kuddle's own: compare where they go and the exit code.
    for (line, stdout, code) in [
        ("auth", false, 1),
        ("rollout", true, 1),
        ("set", false, 1),
        ("certificate", true, 0),
        ("certificate foo bar", true, 0),
    ] {
        let inv = Invocation::line(line);
        for out in [inv.kubectl(), inv.kuddle()] {
            assert_eq!(out.code, code, "{line}: {}", out.stderr);
            let (help, other) = match stdout {
                true => (&out.stdout, &out.stderr),
                false => (&out.stderr, &out.stdout),
            };
            assert!(
                !help.is_empty() && other.is_empty(),
                "{line}: help in the wrong place"
            );
        }
    }
}

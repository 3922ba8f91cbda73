//! `-o jsonpath`, `-o jsonpath-file` and `-o jsonpath-as-json` against
//! kubectl 1.37.1.
//!
//! Through the command line where kuddle has the verb (`create deployment`);
//! elsewhere at library level: kubectl prints the object with `-o json`,
//! kuddle's printer evaluates the template on that, and the result must equal
//! what kubectl printed with `-o jsonpath=…` (stdout, stderr, exit code).

mod common;
use common::*;

use kuddle::printers::{OutputFormat, Printer, TemplateFlags, OBJECT_FORMATS};
use serde_json::Value;

/// `create deployment` with two containers, a port and 3 replicas.
fn deployment(output: &[&str]) -> Invocation {
    let mut args = vec![
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--image=busybox:1.2",
        "--port=80",
        "-r",
        "3",
        "--dry-run=client",
    ];
    args.extend_from_slice(output);
    Invocation::new(&args)
}

fn same_jsonpath(template: &str) {
    assert_same(&deployment(&["-o", &format!("jsonpath={template}")]));
}

/// For results whose order follows Go's randomised map iteration
/// (`.*` and `..` over maps): compare the words, sorted.
fn sorted_words(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    words.sort_unstable();
    words.join(" ")
}

#[test]
fn fields_indexes_and_slices() {
    for template in [
        "{.spec.replicas}",
        "{.metadata.name}",
        "{$.kind}",
        "{@.apiVersion}",
        "{.metadata}",
        "{.status}{.spec.strategy}",
        "{@}",
        "{.}",
        "{.spec.template.spec.containers[0]}",
        "{.spec.template.spec.containers[1].image}",
        "{.spec.template.spec.containers[-1].name}",
        "{.spec.template.spec.containers[*].name}",
        "{.spec.template.spec.containers[0:1].name}",
        "{.spec.template.spec.containers[1:].name}",
        "{.spec.template.spec.containers[:1].name}",
        "{.spec.template.spec.containers[::2].name}",
        "{.spec.template.spec.containers[0:2:1].name}",
        "{.spec.template.spec.containers[1:1].name}",
        "{.spec.template.spec.containers[].name}",
        "{.spec.template.spec.containers[*].ports[0].containerPort}",
        "{.spec.template.spec.containers[0].ports}",
        "name: {.metadata.name}, replicas: {.spec.replicas}\n",
        "plain text only",
        ".metadata.name",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn bracket_keys_unions_and_wildcards() {
    for template in [
        "{.metadata['name']}",
        "{.metadata.labels['app']}",
        "{['metadata']['labels']['app']}",
        "{.metadata['labels','name']}",
        "{.spec.template.spec.containers[0,1].name}",
        "{.spec.template.spec.containers[1, 0].image}",
        "{.spec.template.spec.containers['0']}",
        "{.metadata.name.*}",
        "{.spec.template.spec.containers[*].ports[*].*}",
        "{.metadata.labels.*}",
        "{.spec.template.spec.containers[*].name.*}",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn recursive_descent_and_map_wildcards_in_any_order() {
    for template in [
        "{..name}",
        "{..containerPort}",
        "{..app}",
        "{.metadata.*}",
        "{.spec.template.spec.containers[0].*}",
        "{.spec..image}",
    ] {
        let inv = deployment(&["-o", &format!("jsonpath={template}")]);
        assert_same_with(&inv, &sorted_words);
    }
}

#[test]
fn quoted_text_and_escapes() {
    for template in [
        "{\"a\\tb\\n\"}",
        "{'x\\'y'}",
        "{\"x\\\"y\"}",
        "{\"\\x41\\u00e9\\101\\U0001F600\"}",
        "{.metadata.name}{\"\\n\"}{.kind}{'\\n'}",
        "{\"{not an action}\"}",
        "{\"\\q\"}",
        "{\"a\\'b\"}",
        "{\"unterminated}",
        "{12 true 1.5 +3}",
        "{.metadata.name 7}",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn filters() {
    for template in [
        "{.spec.template.spec.containers[?(@.name==\"nginx\")].image}",
        "{.spec.template.spec.containers[?(@.name != 'nginx')].image}",
        "{.spec.template.spec.containers[?(@.name<\"c\")].image}",
        "{.spec.template.spec.containers[?(@.name>=\"c\")].image}",
        "{.spec.template.spec.containers[?(@.name<=\"busybox\")].image}",
        "{.spec.template.spec.containers[?(@.name>\"busybox\")].image}",
        "{.spec.template.spec.containers[?(@.ports)].name}",
        "{.spec.template.spec.containers[?(@.nope)].name}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort==80.0)].name}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort>79.5)].name}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort==80)].name}",
        "{.spec.template.spec.containers[?(@.name==@.image)].name}",
        "{.spec.template.spec.containers[?(@.nope == 3)].name}",
        "{.spec.template.spec.containers[?(true == true)].name}",
        "{.spec.template.spec.containers[?(@.name == true)].name}",
        "{.spec.template.spec.containers[?(true < true)].name}",
        "{.spec.template.spec.containers[?(@.resources == 1)].name}",
        "{.spec.template.spec.containers[?(@.* == 3)].name}",
        "{.spec.template.spec.containers[?(@.name <> \"x\")].name}",
        "{.spec.template.spec.containers[?(@.name == \")\")].name}",
        "{.spec.template.spec.containers[?(@.name==nope)].image}",
        "{.spec.template.spec.containers[?(@.ports[3])].name}",
        "{.metadata[?(@.x)]}",
        "{.metadata.name[?(@.x)]}",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn ranges() {
    for template in [
        "{range .spec.template.spec.containers[*]}{.name}{\"\\n\"}{end}",
        "{range .spec.template.spec.containers[*]}[{.name}:{range .ports[*]}{.containerPort},{end}]{end}",
        "{range .spec.template.spec.containers[*]}{.name} {.nope}|",
        "{range .nothing[*]}{.name}{end}after",
        "{range .spec.template.spec.containers[*]}{range .ports[*]}{@}{end}{end}",
        "{range .spec.template.spec.containers[1:]}{.image}{end} {.kind}",
        "{range .spec.template.spec.containers[*]}{.name}{end}{end}",
        "{end}",
        "{range .nothing[*]}{[?(@.a)]}{end}",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn numbers_of_typed_objects_are_go_floats() {
    for replicas in ["1000000", "123456", "1234567", "2147483647", "0"] {
        assert_same(&Invocation::new(&[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "-r",
            replicas,
            "--dry-run=client",
            "-o",
            "jsonpath={.spec.replicas} {.spec}",
        ]));
    }
    // The dump in the error shows the float too.
    assert_same(&Invocation::new(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "-r",
        "1234567",
        "--dry-run=client",
        "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[9]}",
    ]));
}

#[test]
fn evaluation_errors() {
    for template in [
        "{.spec.template.spec.containers[5]}",
        "{.spec.template.spec.containers[-3].name}",
        "{.spec.template.spec.containers[2:1].name}",
        "{.spec.template.spec.containers[0:2:0].name}",
        "{.spec.template.spec.containers[0].name[0]}",
        "{.spec.replicas[0]}",
        "{foo}",
        "{.metadata.name}{.spec.template.spec.containers[1]}  \"x\ty\" ☃",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn parse_errors() {
    for template in [
        "{.a",
        "{.a}{",
        "{.a[}",
        "{.a[x]}",
        "{.metadata[\"name\"]}",
        "{{.a}}",
        "{.a....b}",
        "{1.2.3}",
        "{-}",
        "{.a}\t{\t.b}",
        "{.a[-]}",
        "{.a[1:2:3:4]}",
        "{.spec.template.spec.containers[?(@.name=~\"c\")].image}",
        "{.spec.template.spec.containers[?(@.name == \"x\"]}",
        "{.spec.template.spec.containers[?(@.name == \"x\")x}",
        "{.a\n}",
    ] {
        same_jsonpath(template);
    }
}

#[test]
fn output_flag_forms_and_companion_flags() {
    let file = fixture("jsonpath/containers.tmpl").display().to_string();
    for output in [
        vec!["-o", "jsonpath"],
        vec!["-o", "jsonpath="],
        vec!["-o=jsonpath={.kind}"],
        vec!["--output", "jsonpath={.kind}={.kind}"],
        vec!["-o", "jsonpath-as-json"],
        vec!["-o", "jsonpath-file="],
        vec!["-o", "jsonpathx={.a}"],
        vec!["-o", "JSONPATH={.a}"],
        vec!["-o", "json=x"],
        vec!["-o", "jsonpath", "--template", "{.kind}"],
        vec!["-o", "jsonpath", "--template={.kind}"],
        vec!["-o", "jsonpath", "--template", ""],
        vec!["-o", "jsonpath={.apiVersion}", "--template", "{.kind}"],
        vec!["-o", "jsonpath={.a}", "--template", ""],
        vec!["-o", "jsonpath-as-json", "--template", "{.kind}"],
        vec![
            "-o",
            "jsonpath={.nope}",
            "--allow-missing-template-keys=false",
        ],
        vec![
            "-o",
            "jsonpath={.metadata.nope.x}",
            "--allow-missing-template-keys=false",
        ],
        vec![
            "-o",
            "jsonpath={.metadata.name}{.nope}",
            "--allow-missing-template-keys=true",
        ],
        vec!["-o", "jsonpath={.nope}", "--allow-missing-template-keys"],
        vec![
            "-o",
            "jsonpath={range .nothing[*]}{.a}{end}",
            "--allow-missing-template-keys=false",
        ],
        vec!["-o", "jsonpath={.a}", "--allow-missing-template-keys=maybe"],
        vec!["-o", "jsonpath-file=/nonexistent/template"],
        vec!["-o", "jsonpath-file=/"],
    ] {
        assert_same(&deployment(&output));
    }
    assert_same(&deployment(&["-o", &format!("jsonpath-file={file}")]));
    assert_same(&deployment(&["-o", "jsonpath-file", "--template", &file]));
    assert_same(&deployment(&["-o", &format!("jsonpath-as-json={file}")]));
}

#[test]
fn jsonpath_as_json() {
    for template in [
        "{.spec.template.spec.containers[*].name}",
        "{.metadata}{.spec.replicas}",
        "x{.nope}{.spec.template.spec.containers[*].ports}",
        "{range .spec.template.spec.containers[*]}{.name}{end}",
        "{@}",
        "{\"<&>\"}{1.5}{true}{.metadata.name.*}",
        "{.spec.template.spec.containers[7]}",
    ] {
        assert_same(&deployment(&[
            "-o",
            &format!("jsonpath-as-json={template}"),
        ]));
    }
}

// ---------------------------------------------------------------------------
// Library level: kubectl's `-o json` of a command is the input.

/// What kuddle's printer makes of `objects` for `-o output`, rendered like
/// the binary renders errors: (stdout, stderr, exit code).
fn print_with_kuddle(
    objects: &[Value],
    output: &str,
    flags: TemplateFlags,
    typed: bool,
) -> (String, String, i32) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let result =
        OutputFormat::parse_with_template(output, OBJECT_FORMATS, flags).and_then(|format| {
            let mut printer = Printer::new(format);
            if typed {
                printer = printer.typed();
            }
            objects
                .iter()
                .try_for_each(|obj| printer.print(obj, &mut out))
        });
    let code = match result {
        Ok(()) => 0,
        Err(e) => kuddle::error::render(&e, &mut err),
    };
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        code,
    )
}

/// The objects kubectl prints with `-o json` (one or several documents).
fn kubectl_objects(args: &[&str]) -> Vec<Value> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-o", "json"]);
    let out = Invocation::new(&all).kubectl();
    assert_eq!(out.code, 0, "kubectl {all:?} failed: {}", out.stderr);
    serde_json::Deserializer::from_str(&out.stdout)
        .into_iter::<Value>()
        .map(|v| v.expect("kubectl printed JSON"))
        .collect()
}

/// Compares kubectl's `-o jsonpath=…` of `args` with kuddle's printer on
/// kubectl's `-o json` of the same command.
fn same_at_library_level(args: &[&str], output: &str, extra: &[&str], typed: bool) {
    let objects = kubectl_objects(args);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-o", output]);
    all.extend_from_slice(extra);
    let expected = Invocation::new(&all).kubectl();
    let flags = TemplateFlags {
        template: "",
        allow_missing_keys: !extra.contains(&"--allow-missing-template-keys=false"),
    };
    let (stdout, stderr, code) = print_with_kuddle(&objects, output, flags, typed);
    let context = format!("`kubectl {}`", all.join(" "));
    assert_same_text("stdout", &expected.stdout, &stdout, &context);
    assert_same_text("stderr", &expected.stderr, &stderr, &context);
    assert_eq!(expected.code, code, "exit code differs for {context}");
}

#[test]
fn config_view_redacted_and_raw() {
    let kubeconfig = fixture("jsonpath/kubeconfig.yaml").display().to_string();
    let view = ["config", "view", "--kubeconfig", kubeconfig.as_str()];
    let raw = [
        "config",
        "view",
        "--raw",
        "--kubeconfig",
        kubeconfig.as_str(),
    ];
    for template in [
        "{.current-context}",
        "{.clusters[*].name}",
        "{.clusters[*].cluster.server}",
        "{.users[*].user}",
        "{.users[?(@.name==\"alice\")].user.token}",
        "{.users[?(@.name==\"ünï-cødé\")].user}",
        "{.contexts[?(@.context.namespace)].name}",
        "{.contexts[?(@.name==\"a-b.c\")].context.user}",
        "{.clusters[?(@.cluster.insecure-skip-tls-verify==true)].name}",
        "{.clusters[?(@.cluster.insecure-skip-tls-verify)].cluster.tls-server-name}",
        "{range .contexts[*]}{.name}{\"\\t\"}{.context.cluster}{\"\\t\"}{.context.namespace}{\"\\n\"}{end}",
        "{.users[2].user.exec.args[*]}",
        "{.users[3].user.exec.env[0]}",
        "{.users[0].user.exec.args[5]}",
        "{.users[3].user.exec.args[5]}",
        "{.clusters[2]}",
        "{@}",
    ] {
        let output = format!("jsonpath={template}");
        same_at_library_level(&view, &output, &[], true);
        same_at_library_level(&raw, &output, &[], true);
    }
    same_at_library_level(&view, "jsonpath-as-json={.contexts[*].context}", &[], true);
}

#[test]
fn create_configmap_keys_with_dots_and_dashes() {
    let args = [
        "create",
        "configmap",
        "cfg",
        "--from-literal=a.b=dotted",
        "--from-literal=my-key=dashed",
        "--from-literal=plain=<&>",
        "--dry-run=client",
    ];
    for template in [
        "{.data.a\\.b}",
        "{.data['a\\.b']}",
        "{.data['a.b']}",
        "{.data.my-key}",
        "{.data['my-key','plain']}",
        "{.data}",
        "{.data.plain}",
    ] {
        same_at_library_level(&args, &format!("jsonpath={template}"), &[], true);
    }
}

/// `label --local` prints an unstructured object: integers stay `int64`.
#[test]
fn unstructured_objects_odd_keys_and_numbers() {
    let file = fixture("jsonpath/widget.yaml").display().to_string();
    let args = ["label", "--local", "-f", file.as_str(), "x=y"];
    for template in [
        "{.spec.a\\.b}",
        "{.spec['a\\.b']}",
        "{.spec['a-b']}",
        "{.spec.a-b}",
        "{.spec['a b']}",
        "{.spec.ключ}",
        "{.spec.☃}",
        "{.spec['']}",
        "{.spec.}",
        "{.metadata.labels.app\\.kubernetes\\.io/name}",
        "{.metadata.labels['tier']}",
        "{.spec.size} {.spec.big} {.spec.neg} {.spec.ratio}",
        "{.spec.flag} {.spec.disabled} {.spec.nul} {.spec.empty} {.spec.emptyList}",
        "{.spec.nums[?(@==2)]}",
        "{.spec.nums[?(@>=3)]}",
        "{.spec.nums[?(@ == 2.0)]}",
        "{.spec.words[?(@<\"c\")]}",
        "{.spec.items[?(@.port>100)].name}",
        "{.spec.items[?(@.port==443)].name}",
        "{.spec.items[?(@.ok==false)].name}",
        "{.spec.items[?(@.ok)].name}",
        "{.spec.items[?(@.w==2)].name}",
        "{.spec.items[?(@.tags)].name}",
        "{.spec.items[?(@.tags[0]==\"x\")].name}",
        "{.spec.items[-1:]}",
        "{.spec.html} {.spec.items[0]}",
        "{.spec}",
        "{.spec.nul[0]}",
        "{.spec.nul.x}",
        "{.spec.nul[?(@.x)]}",
        "{.spec.emptyList[0]}",
        "{.spec.emptyList[-1]}",
        "{.spec.emptyList[*]}",
        "{range .spec.items[*]}{.name}={.port};{end}",
        "{range .spec.items[*]}{.name}:{range .tags[*]}<{@}>{end}{\"\\n\"}{end}",
        "{range .spec.nums[*]}{@} {end}",
        "{.spec.items[5]}",
    ] {
        same_at_library_level(&args, &format!("jsonpath={template}"), &[], false);
    }
    same_at_library_level(
        &args,
        "jsonpath-as-json={.spec.nums}{.spec.ratio}{.spec.nul}",
        &[],
        false,
    );
    same_at_library_level(
        &args,
        "jsonpath={.spec.nope}",
        &["--allow-missing-template-keys=false"],
        false,
    );
}

/// kubectl reuses one template for every object it prints, and a range
/// leaves it changed: the second object sees only the nodes after the first
/// `{range}`.
#[test]
fn range_state_carries_over_between_objects() {
    let file = fixture("jsonpath/two-configmaps.yaml")
        .display()
        .to_string();
    let args = ["annotate", "--local", "-f", file.as_str(), "foo=bar"];
    for template in [
        "{.metadata.name}{range .data.k}<{@}>{end}",
        "{.metadata.name}|{range .items[*]}{.x}{end}{.data.k};",
        "{.metadata.name};",
    ] {
        same_at_library_level(&args, &format!("jsonpath={template}"), &[], false);
    }
}

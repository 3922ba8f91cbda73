//! `describe` against the real control plane, compared with kubectl 1.37.1.
//!
//! Each test builds its objects with kubectl in a namespace of its own,
//! waits for them to settle, then runs both programs on the same command
//! lines. Live state moves (ages tick, leases renew, events arrive), so a
//! comparison is repeated a few times until both programs saw the same
//! state; only ages are normalised, and only when the exact bytes never
//! matched.

mod common;
use std::time::Duration;

use common::cluster::{cluster_kubeconfig, kubectl_in, namespace};
use common::*;

fn setup(ns: &str, lines: &[&str]) {
    for line in lines {
        let out = kubectl_in(ns, line);
        assert_eq!(out.code, 0, "setup `{line}` failed: {}", out.stderr);
    }
}

fn apply_fixture(ns: &str, name: &str) {
    let path = fixture(&format!("describe/{name}"));
    setup(ns, &[&format!("apply -f {}", path.display())]);
}

/// Waits (at most 90 seconds) until `line`, a kubectl command, succeeds.
fn wait_for(ns: &str, line: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while std::time::Instant::now() < deadline {
        if kubectl_in(ns, line).code == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("timed out waiting for `{line}` in {ns}");
}

/// Waits until `kubectl get … -o jsonpath=…` prints something.
fn wait_nonempty(ns: &str, object: &str, jsonpath: &str) {
    for _ in 0..180 {
        let args = vec![
            "-n".to_string(),
            ns.to_string(),
            "get".to_string(),
            object.to_string(),
            format!("-o=jsonpath={jsonpath}"),
        ];
        let out = Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        if out.code == 0 && !out.stdout.trim().is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("timed out waiting for {object} {jsonpath} in {ns}");
}

/// Ages, including those of repeated events (`5s (x2 over 10s)`).
fn normalize_describe(text: &str) -> String {
    let repeated = regex::Regex::new(r"\(x\d+ over [0-9smhdy]+\)").expect("regex");
    normalize_ages(&repeated.replace_all(text, "(xN over <age>)"))
}

fn outputs_equal(a: &Output, b: &Output, normalize: &dyn Fn(&str) -> String) -> bool {
    normalize(&a.stdout) == normalize(&b.stdout)
        && normalize(&normalize_stderr(&a.stderr)) == normalize(&normalize_stderr(&b.stderr))
        && a.code == b.code
}

fn same_inv(inv: &Invocation) -> Output {
    let exact = |s: &str| s.to_string();
    for _ in 0..5 {
        let (a, b) = (inv.kubectl(), inv.kuddle());
        if outputs_equal(&a, &b, &exact) {
            return b;
        }
        std::thread::sleep(Duration::from_millis(400));
    }
    assert_same_with(inv, &normalize_describe)
}

/// Both programs on `line` in namespace `ns`.
fn same(ns: &str, line: &str) -> Output {
    let mut args: Vec<String> = vec!["-n".into(), ns.into()];
    args.extend(line.split_whitespace().map(str::to_string));
    same_inv(&Invocation::new(&args).kubeconfig(cluster_kubeconfig()))
}

/// Both programs on `line`, which must describe something.
fn same_ok(ns: &str, line: &str) {
    let out = same(ns, line);
    assert_eq!(out.code, 0, "`{line}` failed: {}", out.stderr);
    assert!(
        out.stdout.starts_with("Name:"),
        "`{line}` described nothing: {}",
        out.stdout
    );
}

#[test]
fn statefulset_walkthrough() {
    let ns = namespace("describe-sts");
    apply_fixture(&ns, "statefulset.yaml");
    wait_for(&ns, "rollout status statefulset/web --timeout=60s");
    for n in 0..3 {
        wait_for(
            &ns,
            &format!("wait --for=jsonpath={{.status.phase}}=Bound pvc/www-web-{n} --timeout=60s"),
        );
    }
    for line in [
        "describe statefulset web",
        "describe po web-2",
        "describe pvc www-web-2",
        "describe svc nginx",
        "describe pvc",
        "describe pods web",
        "describe pods/web-0 pvc/www-web-1",
        "describe endpointslices -l kubernetes.io/service-name=nginx",
        "describe endpoints nginx",
        "describe pods -l app=nginx --show-events",
        "describe sts,svc",
    ] {
        same_ok(&ns, line);
    }
    // The claim's volume is cluster-scoped and named after the claim's UID.
    let volume = kubectl_in(&ns, "get pvc www-web-2 -o jsonpath={.spec.volumeName}").stdout;
    same_ok(&ns, &format!("describe pv {volume}"));
}

#[test]
fn deployments_and_replica_sets() {
    let ns = namespace("describe-deploy");
    setup(
        &ns,
        &[
            "create deployment web --image=nginx --replicas=3 --port=80",
            "label deployment web tier=front",
            "annotate deployment web note=first",
        ],
    );
    wait_for(&ns, "rollout status deployment/web --timeout=60s");
    // A second revision leaves an old ReplicaSet behind.
    setup(&ns, &["set image deployment/web nginx=nginx:1.27"]);
    wait_for(&ns, "rollout status deployment/web --timeout=60s");
    for line in [
        "describe deployment web",
        "describe deploy",
        "describe rs",
        "describe pods -l app=web",
        "describe pods web",
        "describe deploy web --show-events=false",
        "describe replicasets.apps",
        "describe deploy web --chunk-size=1",
        "describe events --chunk-size=3",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn services_of_each_type() {
    let ns = namespace("describe-svc");
    setup(
        &ns,
        &[
            "create deployment web --image=nginx --replicas=2 --port=80",
            "expose deployment web --port=80 --target-port=80 --name=web",
            "create service nodeport np --tcp=8080:80",
            "create service loadbalancer lb --tcp=443:8443,80:8080",
            "create service externalname ext --external-name=example.com",
            "create service clusterip headless --clusterip=None",
        ],
    );
    wait_for(&ns, "rollout status deployment/web --timeout=60s");
    wait_nonempty(&ns, "endpointslices", "{.items[*].endpoints[*].addresses}");
    for line in [
        "describe svc web",
        "describe svc np",
        "describe svc lb",
        "describe svc ext",
        "describe svc headless",
        "describe svc",
        "describe endpointslices",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn ingress_with_rules_tls_and_default_backend() {
    let ns = namespace("describe-ing");
    setup(
        &ns,
        &[
            "create deployment web --image=nginx --replicas=2 --port=80",
            "expose deployment web --port=80 --target-port=80 --name=web",
            "create service clusterip other --tcp=8080:80",
            "create ingress ing --rule=foo.com/bar*=web:80,tls=tls-secret --rule=bar.com/=other:8080 --rule=/x=missing:http --default-backend=web:80 --class=nginx --annotation=a=b",
            "create ingress bare --default-backend=other:8080",
        ],
    );
    wait_for(&ns, "rollout status deployment/web --timeout=60s");
    wait_nonempty(&ns, "endpointslices", "{.items[*].endpoints[*].addresses}");
    for line in ["describe ingress ing", "describe ing bare", "describe ing"] {
        same_ok(&ns, line);
    }
}

#[test]
fn jobs_cronjobs_and_autoscalers() {
    let ns = namespace("describe-batch");
    setup(
        &ns,
        &[
            "create job once --image=busybox -- echo hi",
            "create deployment web --image=nginx --replicas=1",
            "autoscale deployment web --min=2 --max=5 --cpu=80",
        ],
    );
    // The schedule has spaces in it.
    let args = [
        "-n",
        &ns,
        "create",
        "cronjob",
        "tick",
        "--image=busybox",
        "--schedule=*/5 * * * *",
        "--",
        "date",
    ];
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    wait_for(&ns, "wait --for=condition=complete job/once --timeout=60s");
    wait_nonempty(&ns, "hpa/web", "{.status.conditions}");
    for line in [
        "describe job once",
        "describe cronjob tick",
        "describe pods -l job-name=once",
        "describe hpa web",
        "describe horizontalpodautoscalers.v1.autoscaling web",
        "describe jobs,cronjobs",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn secrets_configmaps_and_service_accounts() {
    let ns = namespace("describe-config");
    let binary = fixture("describe/binary.dat");
    setup(
        &ns,
        &[
            "create secret generic multi --from-literal=user=admin --from-literal=password=s3cr3t --from-literal=empty=",
            "create secret docker-registry pull --docker-server=r.example.com --docker-username=u --docker-password=p",
            &format!("create configmap bin --from-file={} --from-literal=text=hello", binary.display()),
            "create serviceaccount robot",
            "patch serviceaccount robot -p {\"imagePullSecrets\":[{\"name\":\"pull\"},{\"name\":\"other\"}]}",
            "create token robot",
        ],
    );
    // A value with a newline and a tab needs words the line splitter can't make.
    let args = [
        "-n",
        &ns,
        "create",
        "configmap",
        "text",
        "--from-literal=multi=line1\nline2\tx",
        "--from-literal=plain=v",
    ];
    let out = Invocation::new(&args)
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "describe secret multi",
        "describe secret pull",
        "describe secrets",
        "describe configmap bin",
        "describe cm text",
        "describe serviceaccount robot",
        "describe sa default",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn nodes() {
    let ns = namespace("describe-node");
    setup(&ns, &["create deployment web --image=nginx --replicas=1"]);
    wait_for(&ns, "rollout status deployment/web --timeout=60s");
    for line in [
        "describe node kuddle-node",
        "describe nodes",
        "describe no kuddle",
    ] {
        same_ok(&ns, line);
    }
}

/// A stand-in node of the test's own (tests/cluster/standin.go plays its
/// kubelet: pods bound to it run without processes) and a namespace; both
/// are deleted when dropped.
struct StandInNode {
    node: String,
    ns: String,
}

impl StandInNode {
    fn new(prefix: &str) -> StandInNode {
        let ns = namespace(prefix);
        let standin = StandInNode {
            node: format!("standin-{ns}"),
            ns,
        };
        let manifest = std::fs::read_to_string(fixture("nodes/standin-node.yaml"))
            .expect("fixture")
            .replace("NODE", &standin.node);
        standin.kubectl_stdin("apply -f -", &manifest);
        wait_for(
            &standin.ns,
            &format!(
                "wait --for=condition=Ready node/{} --timeout=30s",
                standin.node
            ),
        );
        standin
    }

    fn kubectl_stdin(&self, line: &str, stdin: &str) {
        let mut args: Vec<String> = vec!["-n".into(), self.ns.clone()];
        args.extend(line.split_whitespace().map(str::to_string));
        let out = Invocation::new(&args)
            .kubeconfig(cluster_kubeconfig())
            .stdin(stdin)
            .kubectl();
        assert_eq!(out.code, 0, "`{line}` failed: {}", out.stderr);
    }

    /// Applies a describe fixture with NODE as this node and waits until
    /// its pods are Ready.
    fn apply(&self, name: &str) {
        let manifest = std::fs::read_to_string(fixture(&format!("describe/{name}")))
            .expect("fixture")
            .replace("NODE", &self.node);
        self.kubectl_stdin("apply -f -", &manifest);
        // Controllers create their pods a moment later.
        std::thread::sleep(Duration::from_secs(2));
        wait_for(
            &self.ns,
            "wait --for=condition=Ready pods --all --timeout=60s",
        );
    }
}

impl Drop for StandInNode {
    fn drop(&mut self) {
        for what in [["namespace", &self.ns], ["node", &self.node]] {
            let _ = Invocation::new(&["delete", what[0], what[1], "--wait=false"])
                .kubeconfig(cluster_kubeconfig())
                .kubectl();
        }
    }
}

/// The node's table of pods with their requests and limits (read from
/// lean pod summaries in protobuf), on one page and on several, and the
/// pod counts of controllers.
#[test]
fn node_with_pods_requests_and_limits() {
    let standin = StandInNode::new("describe-standin");
    standin.apply("node-pods.yaml");
    let (ns, node) = (&standin.ns, &standin.node);
    let out = same(ns, &format!("describe node {node}"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Non-terminated Pods:          (6 in total)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("init-and-sidecar"), "{}", out.stdout);
    for line in [
        format!("describe node {node} --chunk-size=2"),
        format!("describe nodes -l kuddle.dev/node={node}"),
        format!("describe node {node} kuddle-node --show-events=false"),
        "describe deployment web".to_string(),
        "describe rs -l app=web".to_string(),
        "describe deploy".to_string(),
    ] {
        same_ok(ns, &line);
    }
}

/// A cluster role and its binding for a user of the test's own, deleted
/// when dropped.
struct NodeViewer(String);

impl Drop for NodeViewer {
    fn drop(&mut self) {
        for kind in ["clusterrolebinding", "clusterrole"] {
            let _ = Invocation::new(&["delete", kind, &self.0, "--ignore-not-found"])
                .kubeconfig(cluster_kubeconfig())
                .kubectl();
        }
    }
}

/// A user who may read nodes but not list their pods: the refused pods
/// list (a protobuf request, asked again in JSON for the error's words)
/// reads "not authorized", as in kubectl.
#[test]
fn node_whose_pods_may_not_be_listed() {
    let admin = |line: &str| {
        let out = Invocation::line(line)
            .kubeconfig(cluster_kubeconfig())
            .kubectl();
        assert_eq!(out.code, 0, "`{line}` failed: {}", out.stderr);
    };
    // A namespace only lends its unique name to the user and the roles.
    let viewer = NodeViewer(namespace("describe-node-viewer"));
    let user = &viewer.0;
    admin(&format!("delete namespace {user} --wait=false"));
    admin(&format!(
        "create clusterrole {user} --verb=get --resource=nodes"
    ));
    admin(&format!(
        "create clusterrolebinding {user} --clusterrole={user} --user={user}"
    ));
    let inv = Invocation::new(&["describe", "node", "kuddle-node", &format!("--as={user}")])
        .kubeconfig(cluster_kubeconfig());
    let out = same_inv(&inv);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("not authorized"), "{}", out.stdout);
}

#[test]
fn namespaces_with_quota_and_limit_range() {
    let ns = namespace("describe-ns");
    setup(
        &ns,
        &["create quota q1 --hard=pods=10,requests.memory=1Gi,configmaps=5"],
    );
    setup(
        &ns,
        &["create quota best --hard=pods=4 --scopes=BestEffort"],
    );
    apply_fixture(&ns, "policies.yaml");
    wait_nonempty(&ns, "quota/q1", "{.status.used}");
    wait_nonempty(&ns, "quota/best", "{.status.used}");
    for line in [
        &format!("describe namespace {ns}"),
        "describe quota",
        "describe quota q1",
        "describe limitrange mem",
        "describe networkpolicies",
        "describe ns default",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn custom_resources_use_the_generic_describer() {
    let ns = namespace("describe-crd");
    apply_fixture(&ns, "widget-crd.yaml");
    wait_for(
        &ns,
        "wait --for=condition=established crd/widgets.describe.kuddle.test --timeout=60s",
    );
    // Discovery may lag behind the CRD becoming established.
    wait_for(&ns, "get widgets.describe.kuddle.test");
    apply_fixture(&ns, "widget.yaml");
    for line in [
        "describe widget gadget",
        "describe widgets",
        "describe wdg/gadget",
        "describe crd widgets.describe.kuddle.test",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn workloads_with_everything_in_their_pod_templates() {
    let ns = namespace("describe-workloads");
    setup(
        &ns,
        &[
            "create secret generic multi --from-literal=user=admin",
            "create configmap cfg --from-literal=text=hello",
            "create pdb pdb --selector=app=rc --min-available=1",
            "create role reader --verb=get,list --resource=pods,pods/log,deployments.apps --resource-name=x",
            "create rolebinding rb --role=reader --user=alice --group=devs",
        ],
    );
    setup(
        &ns,
        &[
            "create serviceaccount robot",
            &format!("create rolebinding rb2 --clusterrole=view --serviceaccount={ns}:robot"),
        ],
    );
    apply_fixture(&ns, "workloads.yaml");
    wait_for(&ns, "rollout status daemonset/ds --timeout=60s");
    wait_for(&ns, "wait --for=condition=Ready pod/single --timeout=60s");
    for line in [
        "describe daemonset ds",
        "describe rc rc",
        "describe pod single",
        "describe pods -l app=ds",
        "describe pdb pdb",
        "describe role reader",
        "describe rolebindings",
        "describe clusterrole view",
        "describe clusterrolebinding system:basic-user",
        "describe priorityclass system-node-critical",
        "describe storageclass standard",
        "describe ingressclass kuddle-describe",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn arguments_and_errors() {
    let ns = namespace("describe-args");
    setup(
        &ns,
        &[
            "create configmap alpha --from-literal=a=1",
            "create configmap alpine --from-literal=b=2",
            "create configmap beta --from-literal=c=3",
            "label configmap beta tier=back",
        ],
    );
    for line in [
        "describe",
        "describe nope",
        "describe cm nope",
        "describe cm/nope",
        "describe cm alp",
        "describe cm alp --show-events",
        "describe cm al nope",
        "describe cm alpha nope",
        "describe cm alpha beta",
        "describe cm/alpha cm/beta",
        "describe cm -l tier=back",
        "describe cm -l tier=none",
        "describe cm -l tier=none -A",
        "describe cm alpha -A",
        "describe cm,secret nope",
        "describe cm cm/alpha",
        "describe cm -l bad=",
        "describe cm -l =bad",
        "describe cm --chunk-size=1",
        "describe cm alpha --show-events=false",
        "describe cm alpha --show-events=nope",
        "describe cm --bogus",
        "describe pods",
        "describe pods -A -l nothing=here",
        "describe flowschemas exempt",
        "describe tokenreviews",
        "describe deployments.v1.apps,configmaps",
    ] {
        same(&ns, line);
    }
}

#[test]
fn less_common_fields() {
    let ns = namespace("describe-edge");
    apply_fixture(&ns, "edge.yaml");
    wait_nonempty(&ns, "pod/gated", "{.status.conditions}");
    wait_nonempty(&ns, "hpa/multi", "{.status.conditions}");
    for line in [
        "describe pod gated",
        "describe svc fancy",
        "describe pv describe-local-pv describe-csi-pv",
        "describe storageclass describe-sc",
        "describe pvc clone",
        "describe job indexed",
        "describe cronjob tz",
        "describe hpa multi",
    ] {
        same_ok(&ns, line);
    }
}

#[test]
fn certificate_signing_requests() {
    use base64::Engine;
    // CSRs are cluster-scoped: this one is named after the test's namespace.
    let ns = namespace("describe-csr");
    let pem = std::fs::read(fixture("describe/request.csr")).expect("fixture");
    let request = base64::engine::general_purpose::STANDARD.encode(pem);
    let manifest = format!(
        "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: {ns}\n  labels: {{team: devs}}\nspec:\n  request: {request}\n  signerName: example.com/signer\n  expirationSeconds: 86400\n  usages: [client auth]\n"
    );
    let out = Invocation::new(&["create", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(manifest)
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    same_ok(&ns, &format!("describe csr {ns}"));
    setup(&ns, &[&format!("certificate approve {ns}")]);
    same_ok(&ns, &format!("describe certificatesigningrequest {ns}"));
}

/// `-f`: the objects a manifest names, described from the server.
#[test]
fn objects_named_by_files() {
    let ns = namespace("describe-files");
    let app = fixture("get/app.yaml").display().to_string();
    let missing = fixture("get/missing.yaml").display().to_string();
    let out = Invocation::new(&["-n", &ns, "apply", "-f", &app])
        .kubeconfig(cluster_kubeconfig())
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        format!("describe -f {app}"),
        format!("describe -f {missing}"),
        format!("describe -f {app} -f {missing}"),
        format!("describe -f {app} configmaps"),
    ] {
        same(&ns, &line);
    }
}

/// More objects than kuddle describes in one batch (it prints them as
/// they arrive): the order, the blank lines between them, the events of
/// objects in different batches (one list of the namespace's events,
/// asked once), and the prefix form all match kubectl.
#[test]
fn many_objects_are_described_as_they_arrive() {
    let ns = namespace("describe-many");
    let count = 230;
    let mut maps = String::new();
    for n in 0..count {
        maps.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: many-{n:03}\n  labels: {{group: many}}\ndata: {{n: \"{n}\"}}\n"
        ));
    }
    let created = Invocation::new(&["-n", &ns, "create", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(maps)
        .kubectl();
    assert_eq!(created.code, 0, "{}", created.stderr);
    // Events about objects in the first, second and last batch.
    let mut events = String::new();
    for n in [0, 150, 229] {
        let uid = kubectl_in(
            &ns,
            &format!("get cm many-{n:03} -o jsonpath={{.metadata.uid}}"),
        )
        .stdout;
        events.push_str(&format!(
            "---\napiVersion: v1\nkind: Event\nmetadata: {{name: many-{n:03}.checked}}\n\
             involvedObject: {{apiVersion: v1, kind: ConfigMap, name: many-{n:03}, namespace: {ns}, uid: {uid}}}\n\
             reason: Checked\nmessage: configmap {n} was checked\ntype: Normal\n\
             source: {{component: kuddle-test}}\ncount: 1\n\
             firstTimestamp: \"2026-01-01T00:00:00Z\"\nlastTimestamp: \"2026-01-01T00:00:00Z\"\n"
        ));
    }
    let created = Invocation::new(&["-n", &ns, "create", "-f", "-"])
        .kubeconfig(cluster_kubeconfig())
        .stdin(events)
        .kubectl();
    assert_eq!(created.code, 0, "{}", created.stderr);
    for line in [
        "describe cm -l group=many",
        "describe cm -l group=many --show-events",
        "describe cm --show-events --chunk-size=7",
        "describe cm many-",
        "describe cm many-1 --show-events",
    ] {
        same_ok(&ns, line);
    }
    let out = same(&ns, "describe cm -l group=many --show-events");
    assert_eq!(out.stdout.matches("\n\n\nName:").count(), count - 1);
    assert_eq!(out.stdout.matches("configmap 150 was checked").count(), 1);
    let out = same(&ns, "describe cm many-");
    assert_eq!(out.stdout.matches("Name:").count(), count);
    kubectl_in(&ns, &format!("delete namespace {ns} --wait=false"));
}

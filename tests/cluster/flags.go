package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// The command lines of each component, as a real cluster would pass them,
// trimmed to what tests need so startup stays fast.

const serviceCIDR = "10.96.0.0/12"

func etcdArgs(l layout, p ports) []string {
	return []string{
		"--data-dir=" + filepath.Join(l.dir, "etcd"),
		"--client-port=" + strconv.Itoa(p.etcdClient),
		"--peer-port=" + strconv.Itoa(p.etcdPeer),
	}
}

func apiserverArgs(l layout, p ports) []string {
	return []string{
		"--advertise-address=127.0.0.1",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.apiserver),
		"--tls-cert-file=" + l.pkiFile("apiserver.crt"),
		"--tls-private-key-file=" + l.pkiFile("apiserver.key"),
		"--client-ca-file=" + l.pkiFile("ca.crt"),
		"--token-auth-file=" + l.pkiFile("tokens.csv"),
		"--authorization-mode=Node,RBAC",
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", p.etcdClient),
		"--service-cluster-ip-range=" + serviceCIDR,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + l.pkiFile("sa.pub"),
		"--service-account-signing-key-file=" + l.pkiFile("sa.key"),
		"--allow-privileged=true",
		"--profiling=false",
		// The kubernetes Service cannot have a loopback endpoint, so don't reconcile it.
		"--endpoint-reconciler-type=none",
		"--enable-admission-plugins=NodeRestriction",
		// Reach the kubelet at its InternalIP 127.0.0.1, never by resolving the node's name,
		// with a client certificate, checking the kubelet's serving certificate.
		"--kubelet-preferred-address-types=InternalIP",
		"--kubelet-client-certificate=" + l.pkiFile("apiserver-kubelet-client.crt"),
		"--kubelet-client-key=" + l.pkiFile("apiserver-kubelet-client.key"),
		"--kubelet-certificate-authority=" + l.pkiFile("ca.crt"),
		"--requestheader-client-ca-file=" + l.pkiFile("front-proxy-ca.crt"),
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + l.pkiFile("front-proxy-client.crt"),
		"--proxy-client-key-file=" + l.pkiFile("front-proxy-client.key"),
	}
}

func controllerManagerArgs(l layout, p ports) []string {
	kc := l.kubeconfigOf("controller-manager")
	return []string{
		"--kubeconfig=" + kc,
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.controllerManager),
		"--leader-elect=false",
		"--controllers=*",
		"--use-service-account-credentials=true",
		"--root-ca-file=" + l.pkiFile("ca.crt"),
		"--service-account-private-key-file=" + l.pkiFile("sa.key"),
		"--cluster-signing-cert-file=" + l.pkiFile("ca.crt"),
		"--cluster-signing-key-file=" + l.pkiFile("ca.key"),
		"--service-cluster-ip-range=" + serviceCIDR,
		"--cluster-name=" + clusterName,
		"--profiling=false",
		// Tests create thousands of pods; the default 20 requests/s is far too slow.
		"--kube-api-qps=200",
		"--kube-api-burst=400",
	}
}

func schedulerArgs(l layout, p ports) []string {
	kc := l.kubeconfigOf("scheduler")
	return []string{
		"--config=" + l.schedulerConfig(),
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.scheduler),
	}
}

// writeSchedulerConfig writes the scheduler's configuration file: the client
// limits and leader election can only be set there once --config is used.
func writeSchedulerConfig(l layout) error {
	cfg := fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %q
  qps: 200
  burst: 400
leaderElection:
  leaderElect: false
enableProfiling: false
`, l.kubeconfigOf("scheduler"))
	return os.WriteFile(l.schedulerConfig(), []byte(cfg), 0o644)
}

func nodeArgs(l layout, p ports) []string {
	return []string{
		"--kubeconfig=" + l.kubeconfigOf("harness"),
		"--node-name=" + nodeName,
		"--volumes-dir=" + l.volumes,
		"--root-dir=" + l.nodeRoot,
		"--pki-dir=" + l.pki,
		"--port=" + strconv.Itoa(p.kubelet),
	}
}

// metricsServerArgs run metrics-server as its manifests do, on loopback,
// scraping the node's kubelet every 10 seconds (its shortest resolution).
func metricsServerArgs(l layout, p ports) []string {
	kc := l.kubeconfigOf("metrics-server")
	return []string{
		"--kubeconfig=" + kc,
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.metricsServer),
		"--tls-cert-file=" + l.pkiFile("metrics-server-serving.crt"),
		"--tls-private-key-file=" + l.pkiFile("metrics-server-serving.key"),
		"--kubelet-certificate-authority=" + l.pkiFile("ca.crt"),
		"--kubelet-preferred-address-types=InternalIP",
		"--kubelet-use-node-status-port",
		"--metric-resolution=10s",
		"--kubelet-request-timeout=5s",
		"--profiling=false",
	}
}

// Command testcluster runs a real Kubernetes control plane on loopback for
// kuddle's tests: embedded etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, a kubelet that runs containers as processes, and
// metrics-server, each as its own process (one binary, one subcommand per
// component), started and stopped by `up` and `down`.
package main

import (
	"fmt"
	"os"
)

// subcommand is one component or action of the harness.
type subcommand struct {
	name string
	help string
	run  func(args []string) int
}

var subcommands = []subcommand{
	{"up", "up DIR: generate certificates, start every component in the background, wait until ready", runUp},
	{"down", "down DIR: stop every process started by up for DIR", runDown},
	{"etcd", "run embedded etcd (started by up)", runEtcd},
	{"apiserver", "run kube-apiserver with the given flags (started by up)", runAPIServer},
	{"controller-manager", "run kube-controller-manager with the given flags (started by up)", runControllerManager},
	{"scheduler", "run kube-scheduler with the given flags (started by up)", runScheduler},
	{"node", "run the node's kubelet and the hostPath volume provisioner (started by up)", runNode},
	{"fault-proxy", "fault-proxy DIR: a fault-injecting TLS proxy in front of DIR's API server (for tests)", runFaultProxy},
	{"metrics-server", "run metrics-server with the given flags (started by up)", runMetricsServer},
	{"sandbox-init", "set up a pod's new namespaces (started by node)", runSandboxInit},
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	for _, c := range subcommands {
		if c.name == os.Args[1] {
			os.Exit(c.run(os.Args[2:]))
		}
	}
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testcluster COMMAND [ARGS]\n\ncommands:")
	for _, c := range subcommands {
		fmt.Fprintf(os.Stderr, "  %-20s %s\n", c.name, c.help)
	}
}

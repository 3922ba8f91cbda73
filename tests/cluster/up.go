package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// nodeName is the fake node that every pod lands on.
const nodeName = "kuddle-node"

// layout names the files of one run folder.
type layout struct {
	dir, pki, kubeconfigs, volumes, nodeRoot string
}

func newLayout(dir string) layout {
	return layout{
		dir:         dir,
		pki:         filepath.Join(dir, "pki"),
		kubeconfigs: filepath.Join(dir, "kubeconfigs"),
		volumes:     filepath.Join(dir, "volumes"),
		nodeRoot:    filepath.Join(dir, "node"),
	}
}

func (l layout) pkiFile(name string) string { return filepath.Join(l.pki, name) }
func (l layout) kubeconfigOf(name string) string {
	return filepath.Join(l.kubeconfigs, name+".kubeconfig")
}
func (l layout) userKubeconfig() string  { return filepath.Join(l.dir, "kubeconfig") }
func (l layout) schedulerConfig() string { return filepath.Join(l.dir, "scheduler.yaml") }
func (l layout) envFile() string         { return filepath.Join(l.dir, "env") }

type ports struct {
	etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kubelet, metricsServer int
}

func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cluster: "+format+"\n", args...)
}

func runUp(args []string) int {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	timeout := fs.Duration("timeout", 180*time.Second, "how long to wait for the cluster to become ready")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: testcluster up [--timeout D] DIR")
		return 2
	}
	dir, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := up(ctx, newLayout(dir)); err != nil {
		say("FAILED: %v", err)
		for _, name := range components {
			if exists(logFile(dir, name)) {
				fmt.Fprintf(os.Stderr, "----- %s (last lines of %s) -----\n%s\n", name, logFile(dir, name), tailLog(dir, name, 30))
			}
		}
		stopComponents(dir, 10*time.Second, say)
		return 1
	}
	say("ready in %.1fs: export KUBECONFIG=%s", time.Since(start).Seconds(), newLayout(dir).userKubeconfig())
	return 0
}

func up(ctx context.Context, l layout) error {
	stopStale(l.dir)
	// Pods of an earlier run are started afresh: their logs and folders go.
	if err := os.RemoveAll(l.nodeRoot); err != nil {
		return err
	}
	for _, d := range []string{l.dir, filepath.Join(l.dir, "logs"), filepath.Join(l.dir, "pids"), l.kubeconfigs, l.volumes, l.nodeRoot} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	say("generating certificates in %s", l.pki)
	if err := ensurePKI(l.pki); err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	p, err := pickPorts()
	if err != nil {
		return err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", p.apiserver)
	if err := writeUserKubeconfig(l.userKubeconfig(), l.pki, server); err != nil {
		return err
	}
	for _, name := range []string{"controller-manager", "scheduler", "harness", "metrics-server"} {
		if err := writeComponentKubeconfig(l.kubeconfigOf(name), l.pki, name, server); err != nil {
			return err
		}
	}
	if err := writeSchedulerConfig(l); err != nil {
		return err
	}

	say("starting etcd on 127.0.0.1:%d", p.etcdClient)
	if err := startAndWatch(ctx, l.dir, "etcd", etcdArgs(l, p), func(ctx context.Context) error {
		return dialable(ctx, p.etcdClient)
	}); err != nil {
		return err
	}

	say("starting kube-apiserver on %s", server)
	admin, err := newClient(l.userKubeconfig(), "testcluster")
	if err != nil {
		return err
	}
	if err := startAndWatch(ctx, l.dir, "apiserver", apiserverArgs(l, p), func(ctx context.Context) error {
		return apiserverReady(ctx, admin)
	}); err != nil {
		return err
	}
	if err := bootstrapObjects(ctx, admin, p.metricsServer); err != nil {
		return fmt.Errorf("creating the storage class, RBAC for users limited and metrics-server: %w", err)
	}

	say("starting kube-controller-manager and kube-scheduler")
	for name, args := range map[string][]string{
		"controller-manager": controllerManagerArgs(l, p),
		"scheduler":          schedulerArgs(l, p),
	} {
		if _, err := startComponent(l.dir, name, args); err != nil {
			return err
		}
	}
	nodeStarted := time.Now()
	say("starting the kubelet of node %s (API on 127.0.0.1:%d) and metrics-server", nodeName, p.kubelet)
	if _, err := startComponent(l.dir, "node", nodeArgs(l, p)); err != nil {
		return err
	}
	if _, err := startComponent(l.dir, "metrics-server", metricsServerArgs(l, p)); err != nil {
		return err
	}
	say("waiting for node %s to be Ready, the default service account and metrics.k8s.io", nodeName)
	if err := waitFor(ctx, l.dir, func(ctx context.Context) error { return clusterReady(ctx, admin, nodeStarted) }); err != nil {
		return err
	}
	if err := waitFor(ctx, l.dir, func(ctx context.Context) error { return metricsAPIAvailable(ctx, l, p.metricsServer) }); err != nil {
		return err
	}
	return writeEnv(l, p, server)
}

// stopStale stops processes left by an earlier up on the same folder and
// forgets their pid files, so that only this run's processes are watched.
func stopStale(dir string) {
	for _, name := range components {
		if _, ok := runningPid(dir, name); ok {
			say("stopping processes left from an earlier run in %s", dir)
			break
		}
	}
	stopComponents(dir, 15*time.Second, say)
}

// startAndWatch starts a component and waits until ready says so.
func startAndWatch(ctx context.Context, dir, name string, args []string, ready func(context.Context) error) error {
	if _, err := startComponent(dir, name, args); err != nil {
		return err
	}
	return waitFor(ctx, dir, ready)
}

// waitFor polls ready until it succeeds, the context ends, or a started component dies.
func waitFor(ctx context.Context, dir string, ready func(context.Context) error) error {
	var last error
	for {
		for _, name := range components {
			if exists(pidFile(dir, name)) {
				if _, ok := runningPid(dir, name); !ok {
					return fmt.Errorf("%s exited (see %s)", name, logFile(dir, name))
				}
			}
		}
		attempt, cancel := context.WithTimeout(ctx, 5*time.Second)
		last = ready(attempt)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out: %w", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func dialable(ctx context.Context, port int) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	return c.Close()
}

// pickPorts asks the kernel for distinct free loopback ports.
func pickPorts() (ports, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	next := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0
		}
		ls = append(ls, l)
		return l.Addr().(*net.TCPAddr).Port
	}
	p := ports{next(), next(), next(), next(), next(), next(), next()}
	if p.etcdClient == 0 || p.etcdPeer == 0 || p.apiserver == 0 || p.controllerManager == 0 || p.scheduler == 0 || p.kubelet == 0 || p.metricsServer == 0 {
		return p, errors.New("no free ports on 127.0.0.1")
	}
	return p, nil
}

func writeEnv(l layout, p ports, server string) error {
	lines := []string{
		"KUDDLE_CLUSTER_DIR=" + l.dir,
		"KUBECONFIG=" + l.userKubeconfig(),
		"KUDDLE_SERVER=" + server,
		fmt.Sprintf("APISERVER_PORT=%d", p.apiserver),
		fmt.Sprintf("ETCD_CLIENT_PORT=%d", p.etcdClient),
		fmt.Sprintf("ETCD_PEER_PORT=%d", p.etcdPeer),
		fmt.Sprintf("CONTROLLER_MANAGER_PORT=%d", p.controllerManager),
		fmt.Sprintf("SCHEDULER_PORT=%d", p.scheduler),
		fmt.Sprintf("KUBELET_PORT=%d", p.kubelet),
		fmt.Sprintf("METRICS_SERVER_PORT=%d", p.metricsServer),
		"NODE_NAME=" + nodeName,
	}
	return os.WriteFile(l.envFile(), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

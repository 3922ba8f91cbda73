package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/klog/v2"
)

// runNode runs the harness's stand-in for the kubelet of one node, and the
// hostPath volume provisioner, until SIGTERM.
func runNode(args []string) int {
	if os.Getpid() == 1 {
		return runNodeInit(args)
	}
	fs := flag.NewFlagSet("node", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the harness identity")
	name := fs.String("node-name", nodeName, "name of the Node to register")
	volumes := fs.String("volumes-dir", "", "folder for hostPath volumes")
	root := fs.String("root-dir", "", "folder for pods' logs, working folders and /tmp")
	pki := fs.String("pki-dir", "", "folder with ca.crt and the kubelet's serving certificate kubelet.crt/kubelet.key")
	port := fs.Int("port", kubeletPort, "port of the kubelet API on 127.0.0.1")
	workers := fs.Int("workers", 8, "pods updated at once")
	jobTime := fs.Duration("job-pod-duration", 3*time.Second, "how long idle containers of Jobs' pods run before succeeding (0: forever)")
	klog.InitFlags(fs)
	_ = fs.Parse(args)
	if *kubeconfig == "" || *volumes == "" || *root == "" || *pki == "" {
		fmt.Fprintln(os.Stderr, "node: --kubeconfig, --volumes-dir, --root-dir and --pki-dir are required")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	kubelet, err := newClient(*kubeconfig, fmt.Sprintf("kubelet/%s (linux/%s) kubernetes", kubeletVersion, runtime.GOARCH))
	if err != nil {
		klog.ErrorS(err, "client")
		return 1
	}
	provisioner, err := newClient(*kubeconfig, "storage-provisioner")
	if err != nil {
		klog.ErrorS(err, "client")
		return 1
	}

	if err := registerNode(ctx, kubelet, *name, *port); err != nil {
		klog.ErrorS(err, "registering node", "node", *name)
		return 1
	}
	klog.InfoS("registered node", "node", *name)
	go heartbeat(ctx, kubelet, *name, *port)
	go runStandIns(ctx, kubelet)

	isolate := canIsolate()
	if !isolate {
		klog.InfoS("pods share the node's namespaces: creating namespaces is not allowed here")
	}
	rt := newNodeRuntime(*root, kubelet, *jobTime, isolate)
	defer rt.shutdown()
	podFactory := informers.NewSharedInformerFactoryWithOptions(kubelet, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=" + *name }),
		informers.WithTransform(dropManagedFields))
	pods := newPodKubelet(kubelet, podFactory, rt)
	volumeFactory := informers.NewSharedInformerFactoryWithOptions(provisioner, 0, informers.WithTransform(dropManagedFields))
	volumesCtl := newHostPathProvisioner(provisioner, volumeFactory, *volumes)

	server, err := newKubeletServer(kubelet, filepath.Join(*pki, "ca.crt"), *name, pods.lister, rt)
	if err != nil {
		klog.ErrorS(err, "kubelet API")
		return 1
	}
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- server.serve(ctx, *port, filepath.Join(*pki, "kubelet.crt"), filepath.Join(*pki, "kubelet.key"))
	}()

	podFactory.Start(ctx.Done())
	volumeFactory.Start(ctx.Done())
	podFactory.WaitForCacheSync(ctx.Done())
	volumeFactory.WaitForCacheSync(ctx.Done())
	go volumesCtl.run(ctx, 2)
	go pods.run(ctx, *workers)
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if err != nil {
			klog.ErrorS(err, "kubelet API")
			return 1
		}
	}
	klog.InfoS("stopping", "node", *name)
	return 0
}

// canIsolate says whether pods can get namespaces of their own (root, or
// enough capabilities): it tries once with a throwaway network namespace.
func canIsolate() bool {
	cmd := exec.Command("/proc/self/exe", "sandbox-init")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: namespaceFlags(false)}
	cmd.Stdin = strings.NewReader("\n")
	return cmd.Run() == nil
}

// dropManagedFields keeps informer caches small with thousands of pods.
func dropManagedFields(obj any) (any, error) {
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

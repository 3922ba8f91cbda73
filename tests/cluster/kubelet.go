package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
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
	fs := flag.NewFlagSet("node", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the harness identity")
	name := fs.String("node-name", nodeName, "name of the Node to register")
	volumes := fs.String("volumes-dir", "", "folder for hostPath volumes")
	workers := fs.Int("workers", 8, "pods updated at once")
	jobTime := fs.Duration("job-pod-duration", 3*time.Second, "how long pods of Jobs run before succeeding (0: forever)")
	klog.InitFlags(fs)
	_ = fs.Parse(args)
	if *kubeconfig == "" || *volumes == "" {
		fmt.Fprintln(os.Stderr, "node: --kubeconfig and --volumes-dir are required")
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

	if err := registerNode(ctx, kubelet, *name); err != nil {
		klog.ErrorS(err, "registering node", "node", *name)
		return 1
	}
	klog.InfoS("registered node", "node", *name)
	go heartbeat(ctx, kubelet, *name)
	go runStandIns(ctx, kubelet)

	podFactory := informers.NewSharedInformerFactoryWithOptions(kubelet, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=" + *name }),
		informers.WithTransform(dropManagedFields))
	pods := newPodKubelet(kubelet, podFactory, *jobTime)
	volumeFactory := informers.NewSharedInformerFactoryWithOptions(provisioner, 0, informers.WithTransform(dropManagedFields))
	volumesCtl := newHostPathProvisioner(provisioner, volumeFactory, *volumes)

	podFactory.Start(ctx.Done())
	volumeFactory.Start(ctx.Done())
	podFactory.WaitForCacheSync(ctx.Done())
	volumeFactory.WaitForCacheSync(ctx.Done())
	go volumesCtl.run(ctx, 2)
	pods.run(ctx, *workers)
	klog.InfoS("stopping", "node", *name)
	return 0
}

// dropManagedFields keeps informer caches small with thousands of pods.
func dropManagedFields(obj any) (any, error) {
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

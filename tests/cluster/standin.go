package main

// Stand-in nodes: Node objects that tests create through the API, labelled
// kuddle.dev/stand-in=true, for verbs that change a node (cordon, taint,
// drain). The node process plays a minimal kubelet for each one, so that
// tests running at the same time never see the cluster's own node change:
// the node is reported Ready (status and Lease, renewed like kuddle-node's),
// pods bound to it are reported Running and Ready, and pods being deleted
// are removed at once. A stand-in node runs no containers and serves no
// kubelet API. Deleting the Node stops its stand-in; its Lease goes with it
// (the Node owns it).

import (
	"context"
	"runtime"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

// standInLabel marks the Nodes the node process plays the kubelet for.
const standInLabel = "kuddle.dev/stand-in"

// standIns runs one stand-in per labelled Node, keyed by name, restarted
// when a Node of the same name comes back with another UID.
type standIns struct {
	client  kubernetes.Interface
	mu      sync.Mutex
	running map[string]standIn
}

type standIn struct {
	uid  types.UID
	stop context.CancelFunc
}

// runStandIns watches the labelled Nodes until ctx ends.
func runStandIns(ctx context.Context, c kubernetes.Interface) {
	s := &standIns{client: c, running: map[string]standIn{}}
	factory := informers.NewSharedInformerFactoryWithOptions(c, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = standInLabel + "=true" }),
		informers.WithTransform(dropManagedFields))
	_, _ = factory.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { s.ensure(ctx, obj) },
		UpdateFunc: func(_, obj any) { s.ensure(ctx, obj) },
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if node, ok := obj.(*corev1.Node); ok {
				s.stop(node.Name)
			}
		},
	})
	factory.Start(ctx.Done())
	<-ctx.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, r := range s.running {
		r.stop()
		delete(s.running, name)
	}
}

func (s *standIns) ensure(ctx context.Context, obj any) {
	node, ok := obj.(*corev1.Node)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.running[node.Name]; ok {
		if r.uid == node.UID {
			return
		}
		r.stop()
	}
	nodeCtx, cancel := context.WithCancel(ctx)
	s.running[node.Name] = standIn{uid: node.UID, stop: cancel}
	klog.InfoS("playing the kubelet of a stand-in node", "node", node.Name)
	go runStandIn(nodeCtx, s.client, node.Name)
}

func (s *standIns) stop(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.running[name]; ok {
		r.stop()
		delete(s.running, name)
		klog.InfoS("stand-in node gone", "node", name)
	}
}

// runStandIn reports the node and handles its pods until ctx ends.
func runStandIn(ctx context.Context, c kubernetes.Interface, name string) {
	report := func() {
		if err := reportStandInStatus(ctx, c, name); err != nil && ctx.Err() == nil && !apierrors.IsNotFound(err) {
			klog.ErrorS(err, "reporting stand-in node status", "node", name)
		}
	}
	report()
	go func() {
		renew := time.NewTicker(leaseRenewal)
		refresh := time.NewTicker(statusReport)
		defer renew.Stop()
		defer refresh.Stop()
		for {
			if err := renewLease(ctx, c, name); err != nil && ctx.Err() == nil && !apierrors.IsNotFound(err) {
				klog.ErrorS(err, "renewing stand-in node lease", "node", name)
			}
			select {
			case <-ctx.Done():
				return
			case <-renew.C:
			case <-refresh.C:
				report()
			}
		}
	}()

	factory := informers.NewSharedInformerFactoryWithOptions(c, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=" + name }),
		informers.WithTransform(dropManagedFields))
	informer := factory.Core().V1().Pods()
	lister := informer.Lister()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	defer queue.ShutDown()
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.Add(key)
		}
	}
	_, _ = informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	go func() {
		for {
			key, quit := queue.Get()
			if quit {
				return
			}
			if err := syncStandInPod(ctx, c, lister, key); err != nil && ctx.Err() == nil {
				queue.AddRateLimited(key)
			} else {
				queue.Forget(key)
			}
			queue.Done(key)
		}
	}()
	<-ctx.Done()
}

// syncStandInPod reports a new pod Running and Ready, and finishes the
// deletion of a pod being deleted.
func syncStandInPod(ctx context.Context, c kubernetes.Interface, lister corelisters.PodLister, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := lister.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pod.DeletionTimestamp != nil {
		err := c.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To(int64(0)),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.Status.Phase != corev1.PodPending && pod.Status.Phase != "" {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = standInPodStatus(pod, metav1.Now())
	_, err = c.CoreV1().Pods(ns).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// standInPodStatus: every container started and ready, no pod IP (nothing
// runs), the scheduler's condition kept.
func standInPodStatus(pod *corev1.Pod, now metav1.Time) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	s.Phase = corev1.PodRunning
	s.ObservedGeneration = pod.Generation
	s.HostIP, s.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	s.StartTime = &now
	var conditions []corev1.PodCondition
	for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.PodReady, corev1.ContainersReady} {
		conditions = append(conditions, corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now})
	}
	for _, old := range s.Conditions {
		if old.Type == corev1.PodScheduled {
			conditions = append(conditions, old)
		}
	}
	s.Conditions = conditions
	s.ContainerStatuses = nil
	for _, ctr := range pod.Spec.Containers {
		s.ContainerStatuses = append(s.ContainerStatuses, corev1.ContainerStatus{
			Name:    ctr.Name,
			Image:   ctr.Image,
			Ready:   true,
			Started: ptr.To(true),
			State:   corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
	return s
}

// reportStandInStatus writes a Ready node status (conditions, capacity,
// addresses, node info), keeping transition times.
func reportStandInStatus(ctx context.Context, c kubernetes.Interface, name string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := c.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
			transition := now
			for _, old := range node.Status.Conditions {
				if old.Type == t && old.Status == s {
					transition = old.LastTransitionTime
				}
			}
			return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg,
				LastHeartbeatTime: now, LastTransitionTime: transition}
		}
		node.Status = corev1.NodeStatus{
			Capacity:    nodeCapacity,
			Allocatable: nodeCapacity,
			Conditions: []corev1.NodeCondition{
				cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
				cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
				cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
				cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: hostIP},
				{Type: corev1.NodeHostName, Address: name},
			},
			NodeInfo: corev1.NodeSystemInfo{
				KernelVersion:           kernelVersion(),
				OSImage:                 "Debian GNU/Linux 12 (bookworm)",
				ContainerRuntimeVersion: runtimeVersion,
				KubeletVersion:          kubeletVersion,
				OperatingSystem:         "linux",
				Architecture:            runtime.GOARCH,
			},
		}
		_, err = c.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	})
}

package main

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

// podKubelet plays the kubelet for the pods bound to one node: it runs
// their containers (runtime.go), reports their status, and finishes the
// deletion of pods once their containers have stopped. It works from a
// watch, through a queue, with a few workers.
type podKubelet struct {
	client kubernetes.Interface
	lister corelisters.PodLister
	queue  workqueue.TypedRateLimitingInterface[string]
	ips    *ipAllocator
	rt     *nodeRuntime
}

func newPodKubelet(c kubernetes.Interface, factory informers.SharedInformerFactory, rt *nodeRuntime) *podKubelet {
	k := &podKubelet{
		client: c,
		queue:  workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		ips:    newIPAllocator(),
		rt:     rt,
	}
	rt.notify = k.queue.Add
	informer := factory.Core().V1().Pods()
	k.lister = informer.Lister()
	_, _ = informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if pod, ok := obj.(*corev1.Pod); ok && pod.Status.PodIP != "" && !pod.Spec.HostNetwork {
				k.ips.reserve(pod.UID, pod.Status.PodIP)
			}
			k.enqueue(obj)
		},
		UpdateFunc: func(_, obj any) { k.enqueue(obj) },
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				k.ips.release(pod.UID)
				go rt.remove(pod.UID)
			}
		},
	})
	return k
}

func (k *podKubelet) enqueue(obj any) {
	if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
		k.queue.Add(key)
	}
}

func (k *podKubelet) run(ctx context.Context, workers int) {
	defer k.queue.ShutDown()
	for range workers {
		go func() {
			for k.next(ctx) {
			}
		}()
	}
	<-ctx.Done()
}

func (k *podKubelet) next(ctx context.Context) bool {
	key, quit := k.queue.Get()
	if quit {
		return false
	}
	defer k.queue.Done(key)
	if err := k.sync(ctx, key); err != nil {
		if !apierrors.IsConflict(err) {
			klog.V(2).InfoS("pod sync failed, retrying", "pod", key, "err", err)
		}
		k.queue.AddRateLimited(key)
		return true
	}
	k.queue.Forget(key)
	return true
}

// maxGrace bounds how long a deleted pod's processes get to stop.
const maxGrace = 30 * time.Second

func (k *podKubelet) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := k.lister.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pod.DeletionTimestamp != nil {
		grace := maxGrace
		if pod.DeletionGracePeriodSeconds != nil {
			grace = min(time.Duration(*pod.DeletionGracePeriodSeconds)*time.Second, maxGrace)
		}
		if p := k.rt.pod(pod.UID); p != nil && !p.terminate(grace) {
			return nil // synced again once the containers have stopped
		}
		err := k.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To(int64(0)),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if (pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed) && k.rt.pod(pod.UID) == nil {
		return nil // finished before this node started: never run again
	}
	ip := ""
	if !pod.Spec.HostNetwork {
		if ip = k.ips.allocate(pod.UID); ip == "" {
			klog.InfoS("no pod IP left", "pod", key)
			return nil
		}
	}
	p := k.rt.sync(pod, ip)
	if len(pod.Status.ContainerStatuses) == 0 {
		// Quick init containers finish before the first report, as the harness
		// reported pods before containers ran.
		p.settle(time.Second)
	}
	status := podStatus(pod, p, ip, metav1.Now())
	if equality.Semantic.DeepEqual(pod.Status, status) {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = status
	_, err = k.client.CoreV1().Pods(ns).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

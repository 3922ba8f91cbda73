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

// podKubelet plays the kubelet for the pods bound to one node: it reports
// them running and ready, finishes Job pods after a while, and removes pods
// being deleted. It works from a watch, through a queue, with a few workers.
type podKubelet struct {
	client  kubernetes.Interface
	lister  corelisters.PodLister
	queue   workqueue.TypedRateLimitingInterface[string]
	ips     *ipAllocator
	jobTime time.Duration
}

func newPodKubelet(c kubernetes.Interface, factory informers.SharedInformerFactory, jobTime time.Duration) *podKubelet {
	k := &podKubelet{
		client:  c,
		queue:   workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		ips:     newIPAllocator(),
		jobTime: jobTime,
	}
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
		// The containers "stop" at once: finish the graceful deletion.
		err := k.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To(int64(0)),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return nil
	}
	now := metav1.Now()
	var status corev1.PodStatus
	if pod.Status.Phase == corev1.PodRunning && k.finishes(pod) {
		if left := k.jobTime - now.Sub(pod.Status.StartTime.Time); left > 0 {
			k.queue.AddAfter(key, left)
		} else {
			status = succeededStatus(pod, now)
		}
	}
	if status.Phase == "" {
		ip := k.ips.allocate(pod.UID)
		if ip == "" && !pod.Spec.HostNetwork {
			klog.InfoS("no pod IP left", "pod", key)
			return nil
		}
		status = runningStatus(pod, ip, now)
	}
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

// finishes says whether the pod runs to completion: pods of Jobs that do not restart.
func (k *podKubelet) finishes(pod *corev1.Pod) bool {
	if k.jobTime <= 0 || pod.Spec.RestartPolicy == corev1.RestartPolicyAlways || pod.Status.StartTime == nil {
		return false
	}
	for _, ref := range pod.OwnerReferences {
		if ref.Kind == "Job" && ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}

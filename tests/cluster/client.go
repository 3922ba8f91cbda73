package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// newClient builds a clientset from a kubeconfig with limits high enough for
// thousands of pods. The user agent's first word becomes the field manager.
func newClient(kubeconfig, userAgent string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS = 200
	cfg.Burst = 500
	cfg.UserAgent = userAgent
	return kubernetes.NewForConfig(cfg)
}

func apiserverReady(ctx context.Context, c kubernetes.Interface) error {
	body, err := c.Discovery().RESTClient().Get().AbsPath("/readyz").Param("verbose", "true").DoRaw(ctx)
	if err == nil {
		return nil
	}
	var failed []string
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "[-]") {
			failed = append(failed, strings.TrimSuffix(strings.TrimPrefix(line, "[-]"), " failed: reason withheld"))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("/readyz: not ready: %s", strings.Join(failed, ", "))
	}
	return fmt.Errorf("/readyz: %w", err)
}

// clusterReady says whether pods can be created and scheduled: the node is
// Ready without the not-ready taint, its status reported since `since` (not
// left from an earlier run in the same folder), and namespace default has its
// service account.
func clusterReady(ctx context.Context, c kubernetes.Interface, since time.Time) error {
	node, err := c.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("node %s: %w", nodeName, err)
	}
	ready := false
	for _, cond := range node.Status.Conditions {
		if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue &&
			!cond.LastHeartbeatTime.Before(&metav1.Time{Time: since.Truncate(time.Second)}) {
			ready = true
		}
	}
	if !ready {
		return fmt.Errorf("node %s is not Ready", nodeName)
	}
	for _, t := range node.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady {
			return fmt.Errorf("node %s still has taint %s", nodeName, t.Key)
		}
	}
	if _, err := c.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		return fmt.Errorf("service account default/default: %w", err)
	}
	return nil
}

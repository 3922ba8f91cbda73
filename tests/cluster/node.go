package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"runtime"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

const (
	kubeletVersion = "v1.37.2"
	runtimeVersion = "containerd://2.2.0"
	hostIP         = "127.0.0.1"
	kubeletPort    = 10250
	leaseDuration  = 40 * time.Second
	leaseRenewal   = 10 * time.Second
	statusReport   = time.Minute
)

// nodeCapacity is generous: tests create thousands of pods with requests.
// The counts are not multiples of 1000, which would print as "1k".
var nodeCapacity = corev1.ResourceList{
	corev1.ResourceCPU:              resource.MustParse("1024"),
	corev1.ResourceMemory:           resource.MustParse("4Ti"),
	corev1.ResourcePods:             resource.MustParse("10240"),
	corev1.ResourceEphemeralStorage: resource.MustParse("1Ti"),
	"hugepages-1Gi":                 resource.MustParse("0"),
	"hugepages-2Mi":                 resource.MustParse("0"),
}

// newNode is the Node object a kubelet would register.
func newNode(name string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"beta.kubernetes.io/arch": runtime.GOARCH,
				"beta.kubernetes.io/os":   "linux",
				"kubernetes.io/arch":      runtime.GOARCH,
				"kubernetes.io/hostname":  name,
				"kubernetes.io/os":        "linux",
			},
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl":                           "0",
				"volumes.kubernetes.io/controller-managed-attach-detach": "true",
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: podCIDR, PodCIDRs: []string{podCIDR}},
	}
}

// nodeStatus is the status the fake kubelet reports, with fresh heartbeats
// and transition times kept from the previous status.
func nodeStatus(name string, port int, old corev1.NodeStatus) corev1.NodeStatus {
	now := metav1.Now()
	id := hexID(name)
	cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		transition := now
		for _, c := range old.Conditions {
			if c.Type == t && c.Status == s {
				transition = c.LastTransitionTime
			}
		}
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg,
			LastHeartbeatTime: now, LastTransitionTime: transition}
	}
	return corev1.NodeStatus{
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
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID:               id[:32],
			SystemUUID:              id[32:40] + "-" + id[40:44] + "-" + id[44:48] + "-" + id[48:52] + "-" + id[52:64],
			BootID:                  hexID(name + "/boot")[:32],
			KernelVersion:           kernelVersion(),
			OSImage:                 "Debian GNU/Linux 12 (bookworm)",
			ContainerRuntimeVersion: runtimeVersion,
			KubeletVersion:          kubeletVersion,
			OperatingSystem:         "linux",
			Architecture:            runtime.GOARCH,
		},
	}
}

// registerNode creates the Node (or takes over an existing one) and reports its status.
func registerNode(ctx context.Context, c kubernetes.Interface, name string, port int) error {
	return retry.OnError(retry.DefaultBackoff, func(error) bool { return ctx.Err() == nil }, func() error {
		if _, err := c.CoreV1().Nodes().Create(ctx, newNode(name), metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
		return reportNodeStatus(ctx, c, name, port)
	})
}

func reportNodeStatus(ctx context.Context, c kubernetes.Interface, name string, port int) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := c.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		node.Status = nodeStatus(name, port, node.Status)
		_, err = c.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	})
}

// heartbeat keeps the node's Lease renewed and its status fresh, as a kubelet
// does, so the node lifecycle controller keeps it Ready.
func heartbeat(ctx context.Context, c kubernetes.Interface, name string, port int) {
	renew := time.NewTicker(leaseRenewal)
	report := time.NewTicker(statusReport)
	defer renew.Stop()
	defer report.Stop()
	for {
		if err := renewLease(ctx, c, name); err != nil {
			klog.ErrorS(err, "renewing node lease")
		}
		select {
		case <-ctx.Done():
			return
		case <-renew.C:
		case <-report.C:
			if err := reportNodeStatus(ctx, c, name, port); err != nil {
				klog.ErrorS(err, "reporting node status")
			}
		}
	}
}

func renewLease(ctx context.Context, c kubernetes.Interface, name string) error {
	leases := c.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		node, err := c.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{
				Name:      name,
				Namespace: corev1.NamespaceNodeLease,
				OwnerReferences: []metav1.OwnerReference{{
					APIVersion: "v1", Kind: "Node", Name: name, UID: node.UID,
				}},
			},
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity:       ptr.To(name),
				LeaseDurationSeconds: ptr.To(int32(leaseDuration.Seconds())),
				RenewTime:            &now,
			},
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

func kernelVersion() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "6.1.0"
	}
	return strings.TrimSpace(string(data))
}

// hexID is a stable 64-hex-digit identifier derived from s.
func hexID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

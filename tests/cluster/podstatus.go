package main

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// runningStatus is the status a kubelet reports once every container of pod
// has started: phase Running, ready, with a pod IP. Times and the IP already
// in the status are kept, so computing it twice gives the same result.
func runningStatus(pod *corev1.Pod, podIP string, now metav1.Time) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	if s.StartTime == nil {
		s.StartTime = &now
	}
	started := *s.StartTime
	if pod.Spec.HostNetwork {
		podIP = hostIP
	}
	s.Phase = corev1.PodRunning
	s.ObservedGeneration = pod.Generation
	s.HostIP, s.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	s.PodIP, s.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}

	s.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		st := containerStatus(pod, c, started)
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			// A plain init container has run to completion; only sidecars keep running.
			st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: started, FinishedAt: started, ContainerID: st.ContainerID,
			}}
			st.Started = ptrBool(false)
		}
		s.InitContainerStatuses = append(s.InitContainerStatuses, st)
	}
	s.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		s.ContainerStatuses = append(s.ContainerStatuses, containerStatus(pod, c, started))
	}

	ready := corev1.ConditionTrue
	readyReason, readyMessage := "", ""
	for _, gate := range pod.Spec.ReadinessGates {
		if c := findCondition(s.Conditions, gate.ConditionType); c == nil || c.Status != corev1.ConditionTrue {
			ready, readyReason = corev1.ConditionFalse, "ReadinessGatesNotReady"
			readyMessage = fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", gate.ConditionType)
			if c != nil {
				readyMessage = fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %s", gate.ConditionType, c.Status)
			}
			break
		}
	}
	s.Conditions = setConditions(pod, now, []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue},
		{Type: corev1.PodReady, Status: ready, Reason: readyReason, Message: readyMessage},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue},
	})
	return s
}

// succeededStatus is the status of a pod whose containers all exited 0.
func succeededStatus(pod *corev1.Pod, now metav1.Time) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	s.Phase = corev1.PodSucceeded
	for i := range s.ContainerStatuses {
		c := &s.ContainerStatuses[i]
		startedAt := now
		if c.State.Running != nil {
			startedAt = c.State.Running.StartedAt
		}
		c.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 0, Reason: "Completed", StartedAt: startedAt, FinishedAt: now, ContainerID: c.ContainerID,
		}}
		c.Ready, c.Started = false, ptrBool(false)
	}
	s.Conditions = setConditions(pod, now, []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionFalse},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, Reason: "PodCompleted"},
		{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "PodCompleted"},
		{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "PodCompleted"},
	})
	return s
}

// setConditions puts the kubelet's conditions first, in the kubelet's order,
// then every other condition (PodScheduled, readiness gates) as it was.
// A condition keeps its transition time while its status does not change.
func setConditions(pod *corev1.Pod, now metav1.Time, own []corev1.PodCondition) []corev1.PodCondition {
	old := pod.Status.Conditions
	out := make([]corev1.PodCondition, 0, len(own)+len(old))
	for _, c := range own {
		c.ObservedGeneration = pod.Generation
		c.LastTransitionTime = now
		if prev := findCondition(old, c.Type); prev != nil && prev.Status == c.Status {
			c.LastTransitionTime = prev.LastTransitionTime
			c.LastProbeTime = prev.LastProbeTime
		}
		out = append(out, c)
	}
	for _, c := range old {
		if findCondition(own, c.Type) == nil {
			out = append(out, c)
		}
	}
	return out
}

func findCondition(conds []corev1.PodCondition, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// containerStatus reports container c as running since startedAt, with
// identifiers that are stable for the same pod and container.
func containerStatus(pod *corev1.Pod, c corev1.Container, startedAt metav1.Time) corev1.ContainerStatus {
	image, repo, digest := normalizeImage(c.Image)
	return corev1.ContainerStatus{
		Name:         c.Name,
		Image:        image,
		ImageID:      repo + "@sha256:" + digest,
		ContainerID:  "containerd://" + hexID(string(pod.UID)+"/"+c.Name),
		Ready:        true,
		Started:      ptrBool(true),
		RestartCount: 0,
		State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: startedAt}},
	}
}

// normalizeImage spells an image reference as containerd reports it:
// nginx:1.25 becomes docker.io/library/nginx:1.25 in repository
// docker.io/library/nginx. Without a digest in the reference, the digest is
// made up from the name so it is the same every time.
func normalizeImage(ref string) (image, repo, digest string) {
	name := ref
	if i := strings.Index(name, "@"); i >= 0 {
		name, digest = name[:i], strings.TrimPrefix(name[i+1:], "sha256:")
	}
	tag := ""
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i:]
	}
	first, _, found := strings.Cut(name, "/")
	switch {
	case !found:
		name = "docker.io/library/" + name
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		name = "docker.io/" + name
	}
	repo = name
	if digest == "" {
		if tag == "" {
			tag = ":latest"
		}
		digest = hexID(repo + tag)
		return repo + tag, repo, digest
	}
	if tag != "" {
		return repo + tag, repo, digest
	}
	return repo + "@sha256:" + digest, repo, digest
}

func ptrBool(b bool) *bool { return &b }

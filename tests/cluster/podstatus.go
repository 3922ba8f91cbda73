package main

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podStatus is the status the kubelet reports for pod from what its
// containers do (p), keeping times and fields already in the status so that
// computing it twice gives the same result.
func podStatus(pod *corev1.Pod, p *podRuntime, podIP string, now metav1.Time) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	if s.StartTime == nil {
		s.StartTime = &now
	}
	if pod.Spec.HostNetwork {
		podIP = hostIP
	}
	s.ObservedGeneration = pod.Generation
	s.HostIP, s.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	s.PodIP, s.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}

	p.mu.Lock()
	s.InitContainerStatuses = nil
	for i := range pod.Spec.InitContainers {
		s.InitContainerStatuses = append(s.InitContainerStatuses, p.containerStatus(&pod.Spec.InitContainers[i], initKind))
	}
	s.ContainerStatuses = nil
	for i := range pod.Spec.Containers {
		s.ContainerStatuses = append(s.ContainerStatuses, p.containerStatus(&pod.Spec.Containers[i], appKind))
	}
	s.EphemeralContainerStatuses = nil
	for i := range pod.Spec.EphemeralContainers {
		ec := corev1.Container(pod.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		s.EphemeralContainerStatuses = append(s.EphemeralContainerStatuses, p.containerStatus(&ec, ephemeralKind))
	}
	p.mu.Unlock()
	s.Phase = podPhase(pod, &s)
	s.Conditions = setConditions(pod, now, podConditions(pod, &s))
	return s
}

// containerStatusesForLogs is the status of every container, as the logs endpoint reads it.
func (p *podRuntime) containerStatusesForLogs() *corev1.PodStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &corev1.PodStatus{}
	pod := p.pod
	for i := range pod.Spec.InitContainers {
		s.InitContainerStatuses = append(s.InitContainerStatuses, p.containerStatus(&pod.Spec.InitContainers[i], initKind))
	}
	for i := range pod.Spec.Containers {
		s.ContainerStatuses = append(s.ContainerStatuses, p.containerStatus(&pod.Spec.Containers[i], appKind))
	}
	for i := range pod.Spec.EphemeralContainers {
		ec := corev1.Container(pod.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		s.EphemeralContainerStatuses = append(s.EphemeralContainerStatuses, p.containerStatus(&ec, ephemeralKind))
	}
	return s
}

// containerStatus reports one container: waiting before its first run (or
// in back-off), running, or terminated, with its last termination, restart
// count and identifiers stable for the same pod, container and restart.
// Called with p.mu held.
func (p *podRuntime) containerStatus(spec *corev1.Container, kind containerKind) corev1.ContainerStatus {
	st := corev1.ContainerStatus{Name: spec.Name, Image: spec.Image, Started: ptrBool(false)}
	c := p.containers[spec.Name]
	if c == nil || (c.run == nil && c.waiting == nil && c.prev == nil) {
		reason := "ContainerCreating"
		if kind == appKind && !p.initDone {
			reason = "PodInitializing"
		}
		st.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason}
		return st
	}
	image, repo, digest := normalizeImage(spec.Image)
	st.Image, st.ImageID = image, repo+"@sha256:"+digest
	st.RestartCount = c.restarts
	terminated := func(r *containerRun) *corev1.ContainerStateTerminated {
		return &corev1.ContainerStateTerminated{
			ExitCode: r.exitCode, Reason: r.reason, Message: r.message,
			StartedAt: apiTime(r.startedAt), FinishedAt: apiTime(r.finishedAt),
			ContainerID: "containerd://" + r.id,
		}
	}
	var last *containerRun
	switch {
	case c.waiting != nil:
		st.State.Waiting = c.waiting.DeepCopy()
		last = c.prev
		if c.run != nil && !c.run.running {
			last = c.run
		}
	case c.run.running:
		st.State.Running = &corev1.ContainerStateRunning{StartedAt: apiTime(c.run.startedAt)}
		st.Ready, st.Started = true, ptrBool(true)
		last = c.prev
	default:
		st.State.Terminated = terminated(c.run)
		// A regular init container that succeeded counts as ready.
		st.Ready = kind == initKind && !isSidecar(spec) && c.run.exitCode == 0
		last = c.prev
	}
	if last != nil {
		st.LastTerminationState.Terminated = terminated(last)
	}
	switch {
	case c.run != nil:
		st.ContainerID = "containerd://" + c.run.id
	case last != nil:
		st.ContainerID = "containerd://" + last.id
	}
	return st
}

// podPhase is the kubelet's phase for the container statuses.
func podPhase(pod *corev1.Pod, s *corev1.PodStatus) corev1.PodPhase {
	for i, c := range pod.Spec.InitContainers {
		if isSidecar(&c) || i >= len(s.InitContainerStatuses) {
			continue
		}
		st := s.InitContainerStatuses[i]
		if st.State.Terminated != nil && st.State.Terminated.ExitCode == 0 {
			continue
		}
		if st.State.Terminated != nil && pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
			return corev1.PodFailed
		}
		return corev1.PodPending
	}
	var waiting, running, stopped, succeeded int
	for _, st := range s.ContainerStatuses {
		switch {
		case st.State.Running != nil:
			running++
		case st.State.Terminated != nil:
			stopped++
			if st.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case st.State.Waiting != nil:
			if st.LastTerminationState.Terminated != nil {
				stopped++
			} else {
				waiting++
			}
		}
	}
	switch {
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case stopped > 0:
		switch {
		case pod.Spec.RestartPolicy == corev1.RestartPolicyAlways:
			return corev1.PodRunning
		case stopped == succeeded:
			return corev1.PodSucceeded
		case pod.Spec.RestartPolicy == corev1.RestartPolicyNever:
			return corev1.PodFailed
		}
		return corev1.PodRunning
	}
	return corev1.PodPending
}

// podConditions are the kubelet's conditions for the status, in its order.
func podConditions(pod *corev1.Pod, s *corev1.PodStatus) []corev1.PodCondition {
	if s.Phase == corev1.PodSucceeded || s.Phase == corev1.PodFailed {
		reason := "PodCompleted"
		if s.Phase == corev1.PodFailed {
			reason = "PodFailed"
		}
		initialized := corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, Reason: "PodCompleted"}
		if s.Phase == corev1.PodFailed {
			initialized = initializedCondition(pod, s)
		}
		return []corev1.PodCondition{
			{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionFalse},
			initialized,
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: reason},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: reason},
		}
	}
	var unready []string
	for i, c := range pod.Spec.InitContainers {
		if isSidecar(&c) && i < len(s.InitContainerStatuses) && !s.InitContainerStatuses[i].Ready {
			unready = append(unready, c.Name)
		}
	}
	for i, c := range pod.Spec.Containers {
		if i < len(s.ContainerStatuses) && !s.ContainerStatuses[i].Ready {
			unready = append(unready, c.Name)
		}
	}
	containersReady := corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionTrue}
	if len(unready) > 0 {
		containersReady = corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse,
			Reason: "ContainersNotReady", Message: fmt.Sprintf("containers with unready status: %s", unready)}
	}
	ready := containersReady
	ready.Type = corev1.PodReady
	if ready.Status == corev1.ConditionTrue {
		var msgs []string
		for _, gate := range pod.Spec.ReadinessGates {
			c := findCondition(s.Conditions, gate.ConditionType)
			switch {
			case c == nil:
				msgs = append(msgs, fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", gate.ConditionType))
			case c.Status != corev1.ConditionTrue:
				msgs = append(msgs, fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %v", gate.ConditionType, c.Status))
			}
		}
		if len(msgs) > 0 {
			ready = corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionFalse,
				Reason: "ReadinessGatesNotReady", Message: strings.Join(msgs, ", ")}
		}
	}
	return []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue},
		initializedCondition(pod, s),
		ready,
		containersReady,
	}
}

// initializedCondition says whether every init container has done its part.
func initializedCondition(pod *corev1.Pod, s *corev1.PodStatus) corev1.PodCondition {
	for _, st := range s.ContainerStatuses {
		if st.State.Running != nil || st.State.Terminated != nil || st.LastTerminationState.Terminated != nil {
			return corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
		}
	}
	var incomplete []string
	for i, c := range pod.Spec.InitContainers {
		if i >= len(s.InitContainerStatuses) {
			continue
		}
		st := s.InitContainerStatuses[i]
		if isSidecar(&c) && (st.Started == nil || !*st.Started) || !isSidecar(&c) && !st.Ready {
			incomplete = append(incomplete, c.Name)
		}
	}
	if len(incomplete) > 0 {
		return corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionFalse,
			Reason: "ContainersNotInitialized", Message: fmt.Sprintf("containers with incomplete status: %s", incomplete)}
	}
	return corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
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

// apiTime is t as the API keeps it (whole seconds), so that a status
// computed again compares equal to the one stored.
func apiTime(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second)) }

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
	corev1 "k8s.io/api/core/v1"
	internalapi "k8s.io/cri-api/pkg/apis"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	crilogs "k8s.io/cri-client/pkg/logs"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	_ "k8s.io/kubernetes/pkg/apis/core/install" // v1 query parameter conversions
	"k8s.io/kubernetes/pkg/apis/core/v1/validation"
)

// containerLogs is the kubelet's /containerLogs/{namespace}/{pod}/{container}:
// the query decoded and validated as the kubelet does, the run chosen from
// the container's status as the kubelet chooses it (with its error
// messages), and the log file read by the kubelet's own CRI log reader.
func (s *kubeletServer) containerLogs(w http.ResponseWriter, r *http.Request) {
	container := r.PathValue("container")
	query := r.URL.Query()
	if tail := query.Get("tail"); tail != "" {
		query["tailLines"] = []string{tail}
		if tail == "all" {
			delete(query, "tailLines")
		}
	}
	opts := &corev1.PodLogOptions{}
	if err := legacyscheme.ParameterCodec.DecodeParameters(query, corev1.SchemeGroupVersion, opts); err != nil {
		writeError(w, http.StatusBadRequest, `{"message": "Unable to decode query."}`)
		return
	}
	if errs := validation.ValidatePodLogOptions(opts); len(errs) > 0 {
		writeError(w, http.StatusUnprocessableEntity, `{"message": "Invalid request."}`)
		return
	}
	pod, p, ok := s.podOf(r)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("pod %q does not exist", r.PathValue("pod")))
		return
	}
	if containerSpec(pod, container) == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("container %q not found in pod %q", container, pod.Name))
		return
	}
	var statuses *corev1.PodStatus
	if p != nil {
		statuses = p.containerStatusesForLogs()
	} else {
		statuses = &pod.Status
	}
	id, err := logContainerID(pod.Name, statuses, container, opts.Previous)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	run, ok := s.rt.runByID(id)
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unable to retrieve container logs for containerd://%s", id))
		return
	}
	// An idle container has written nothing; its log exists once asked for.
	if err := os.MkdirAll(filepath.Dir(run.logPath), 0o755); err == nil {
		if f, err := os.OpenFile(run.logPath, os.O_CREATE|os.O_WRONLY, 0o640); err == nil {
			_ = f.Close()
		}
	}

	var stdout, stderr io.Writer
	out := newIntervalFlusher(w)
	defer out.stop()
	switch {
	case opts.Stream == nil || *opts.Stream == corev1.LogStreamAll:
		stdout, stderr = out, out
	case *opts.Stream == corev1.LogStreamStdout:
		stdout = out
	case *opts.Stream == corev1.LogStreamStderr:
		stderr = out
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid stream type %q", *opts.Stream))
		return
	}
	readOpts := &crilogs.LogOptions{TailLines: opts.TailLines, LimitBytes: opts.LimitBytes, Follow: opts.Follow, Timestamp: opts.Timestamps}
	now := time.Now()
	if opts.SinceSeconds != nil {
		readOpts.Since = now.Add(-time.Duration(*opts.SinceSeconds) * time.Second)
	}
	if opts.SinceTime != nil && opts.SinceTime.After(readOpts.Since) {
		readOpts.Since = opts.SinceTime.Time
	}
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	out.Flush()
	if err := crilogs.ReadLogs(r.Context(), run.logPath, id, readOpts, runStatus{rt: s.rt}, stdout, stderr); err != nil {
		_, _ = fmt.Fprint(out, err.Error())
	}
}

// containerSpec finds a container of the pod in any of its lists.
func containerSpec(pod *corev1.Pod, name string) *corev1.Container {
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == name {
			return &pod.Spec.Containers[i]
		}
	}
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Name == name {
			return &pod.Spec.InitContainers[i]
		}
	}
	for i := range pod.Spec.EphemeralContainers {
		if pod.Spec.EphemeralContainers[i].Name == name {
			c := corev1.Container(pod.Spec.EphemeralContainers[i].EphemeralContainerCommon)
			return &c
		}
	}
	return nil
}

// logContainerID picks the run whose log is asked for, with the kubelet's
// rules and messages: --previous wants the last terminated run; otherwise
// the running one, else the last that ran.
func logContainerID(podName string, status *corev1.PodStatus, name string, previous bool) (string, error) {
	var cs *corev1.ContainerStatus
	for _, list := range [][]corev1.ContainerStatus{status.ContainerStatuses, status.InitContainerStatuses, status.EphemeralContainerStatuses} {
		for i := range list {
			if list[i].Name == name {
				cs = &list[i]
			}
		}
		if cs != nil {
			break
		}
	}
	if cs == nil {
		return "", fmt.Errorf("container %q in pod %q is not available", name, podName)
	}
	last := cs.LastTerminationState.Terminated
	var id string
	switch {
	case previous:
		if last == nil || last.ContainerID == "" {
			return "", fmt.Errorf("previous terminated container %q in pod %q not found", name, podName)
		}
		id = last.ContainerID
	case cs.State.Running != nil:
		id = cs.ContainerID
	case cs.State.Terminated != nil:
		switch {
		case cs.State.Terminated.ContainerID != "":
			id = cs.State.Terminated.ContainerID
		case last != nil && last.ContainerID != "":
			id = last.ContainerID
		default:
			return "", fmt.Errorf("container %q in pod %q is terminated", name, podName)
		}
	case last != nil:
		if last.ContainerID == "" {
			return "", fmt.Errorf("container %q in pod %q is terminated", name, podName)
		}
		id = last.ContainerID
	case cs.State.Waiting != nil:
		return "", fmt.Errorf("container %q in pod %q is waiting to start: %v", name, podName, cs.State.Waiting.Reason)
	default:
		return "", fmt.Errorf("container %q in pod %q is waiting to start - no logs yet", name, podName)
	}
	_, hex, _ := strings.Cut(id, "://")
	return hex, nil
}

// runStatus answers the one CRI question the log reader asks while
// following: is this container (run) still running?
type runStatus struct {
	internalapi.RuntimeService
	rt *nodeRuntime
}

func (s runStatus) ContainerStatus(_ context.Context, id string, _ bool) (*runtimeapi.ContainerStatusResponse, error) {
	run, ok := s.rt.runByID(id)
	if !ok {
		return nil, grpcstatus.Errorf(codes.NotFound, "container %q not found", id)
	}
	state := runtimeapi.ContainerState_CONTAINER_RUNNING
	select {
	case <-run.done:
		state = runtimeapi.ContainerState_CONTAINER_EXITED
	default:
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{Id: id, State: state, LogPath: run.logPath}}, nil
}

// intervalFlusher buffers the log body and sends it at least every 20ms:
// the kubelet flushes after every line, which costs the API server a chunk
// per line of a 100 MiB log; this keeps following prompt without that.
type intervalFlusher struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	flusher http.Flusher
	pending bool
	done    chan struct{}
}

func newIntervalFlusher(w http.ResponseWriter) *intervalFlusher {
	f := &intervalFlusher{w: w, done: make(chan struct{})}
	f.flusher, _ = w.(http.Flusher)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-f.done:
				return
			case <-tick.C:
				f.Flush()
			}
		}
	}()
	return f
}

func (f *intervalFlusher) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.w.Write(p)
	f.pending = f.pending || n > 0
	return n, err
}

func (f *intervalFlusher) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.flusher != nil && f.pending {
		f.flusher.Flush()
		f.pending = false
	}
}

func (f *intervalFlusher) stop() {
	close(f.done)
	f.mu.Lock()
	if f.flusher != nil {
		f.flusher.Flush()
	}
	f.mu.Unlock()
}

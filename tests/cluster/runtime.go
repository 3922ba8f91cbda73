package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
)

// The node's container runtime: each container's command runs as a process
// of this machine (no image is pulled; the node's own programs run), in the
// pod's sandbox (sandbox.go), with the pod's environment and a working
// folder of its own. Its output goes to a CRI log file; its state drives the
// pod's status (podstatus.go). A container without a command is "idle": it
// runs no process at all, so thousands of such pods cost nothing, and it
// counts as running until the pod stops (in a Job's pod, until it
// "completes" after a few seconds, as the harness always did).

type containerKind int

const (
	initKind containerKind = iota
	appKind
	ephemeralKind
)

const (
	initialBackoff = 10 * time.Second
	maxBackoff     = 300 * time.Second
	// A container that ran this long without failing starts over with no back-off.
	backoffReset = 2 * maxBackoff
)

// nodeRuntime knows every pod the node runs.
type nodeRuntime struct {
	root    string // DIR/node: pods/<namespace>_<name>_<uid>/
	client  kubernetes.Interface
	notify  func(key string) // the pod's status is worth recomputing
	jobTime time.Duration
	isolate bool // pods get namespaces of their own

	mu   sync.Mutex
	pods map[types.UID]*podRuntime
	runs map[string]*containerRun // by container ID (hex part)
}

func newNodeRuntime(root string, client kubernetes.Interface, jobTime time.Duration, isolate bool) *nodeRuntime {
	return &nodeRuntime{root: root, client: client, jobTime: jobTime, isolate: isolate,
		pods: map[types.UID]*podRuntime{}, runs: map[string]*containerRun{}}
}

// podRuntime is one pod on the node.
type podRuntime struct {
	rt  *nodeRuntime
	uid types.UID
	key string // namespace/name
	dir string

	mu          sync.Mutex
	pod         *corev1.Pod
	podIP       string
	sb          *sandbox
	containers  map[string]*containerRuntime
	initDone    bool
	terminating bool
}

// containerRuntime is one container of a pod, across its restarts.
type containerRuntime struct {
	name     string
	kind     containerKind
	spec     corev1.Container
	restarts int32
	run      *containerRun // the current or last run; nil before the first
	prev     *containerRun // the run before it: LastTerminationState, `logs --previous`
	waiting  *corev1.ContainerStateWaiting
	retryAt  time.Time // a failed start (CreateContainerConfigError) is tried again from then
	backoff  time.Duration
	timer    *time.Timer
	stopping bool // a sidecar being stopped after the pod's containers finished

	// Of the running process:
	env      []string
	wd       string
	stdin    *os.File // write end of its stdin, for attach (spec.stdin)
	pty      *os.File // terminal master (spec.tty)
	output   *containerOutput
	sessions map[int]struct{} // process groups: the container's own and its exec sessions
}

// containerRun is one run of a container: what CRI calls a container.
type containerRun struct {
	id         string // hex; the status says containerd://<id>
	logPath    string
	startedAt  time.Time
	finishedAt time.Time
	running    bool
	exitCode   int32
	reason     string
	message    string
	pid        int // 0 for an idle container
	done       chan struct{}
}

// containerArgv is what runs: command then args (an image without an
// entrypoint runs its args). A container with neither but with stdin open
// runs a shell, as busybox's default command would, so `kubectl run -it` and
// `kubectl debug -it` get one.
func containerArgv(c *corev1.Container) []string {
	argv := append(append([]string{}, c.Command...), c.Args...)
	if len(argv) == 0 && c.Stdin {
		return []string{"sh"}
	}
	return argv
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// containerHexID is a run's ID: stable for the same pod, container and restart.
func containerHexID(uid types.UID, name string, restarts int32) string {
	if restarts == 0 {
		return hexID(string(uid) + "/" + name)
	}
	return hexID(fmt.Sprintf("%s/%s/%d", uid, name, restarts))
}

func (rt *nodeRuntime) pod(uid types.UID) *podRuntime {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.pods[uid]
}

// run returns a container run by ID, and whether it is running.
func (rt *nodeRuntime) runByID(id string) (*containerRun, bool) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	r, ok := rt.runs[id]
	return r, ok
}

// sync makes the pod's containers follow its spec: init containers one
// after another, then the app containers, and ephemeral containers as they
// are added. podIP is the address the pod's loopback carries.
func (rt *nodeRuntime) sync(pod *corev1.Pod, podIP string) *podRuntime {
	rt.mu.Lock()
	p, ok := rt.pods[pod.UID]
	if !ok {
		p = &podRuntime{rt: rt, uid: pod.UID, key: pod.Namespace + "/" + pod.Name,
			dir:        filepath.Join(rt.root, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID)),
			containers: map[string]*containerRuntime{}}
		rt.pods[pod.UID] = p
	}
	rt.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pod, p.podIP = pod, podIP
	p.advance()
	return p
}

// remove forgets a pod that is gone from the API: its processes are
// killed, its namespaces let go and its folder (logs included) deleted.
func (rt *nodeRuntime) remove(uid types.UID) {
	rt.mu.Lock()
	p, ok := rt.pods[uid]
	delete(rt.pods, uid)
	rt.mu.Unlock()
	if !ok {
		return
	}
	p.mu.Lock()
	p.terminating = true
	p.killAll(syscall.SIGKILL)
	var runs []*containerRun
	for _, c := range p.containers {
		for _, r := range []*containerRun{c.run, c.prev} {
			if r != nil {
				runs = append(runs, r)
			}
		}
	}
	p.mu.Unlock()
	for _, r := range runs {
		if r.pid != 0 {
			select {
			case <-r.done:
			case <-time.After(5 * time.Second):
			}
		}
	}
	p.mu.Lock()
	if p.sb != nil {
		p.sb.close()
	}
	p.mu.Unlock()
	rt.mu.Lock()
	for _, r := range runs {
		delete(rt.runs, r.id)
	}
	rt.mu.Unlock()
	if err := os.RemoveAll(p.dir); err != nil {
		klog.ErrorS(err, "removing pod folder", "pod", p.key)
	}
}

// shutdown kills every container process; the node is going away.
func (rt *nodeRuntime) shutdown() {
	rt.mu.Lock()
	pods := make([]*podRuntime, 0, len(rt.pods))
	for _, p := range rt.pods {
		pods = append(pods, p)
	}
	rt.mu.Unlock()
	for _, p := range pods {
		p.mu.Lock()
		p.terminating = true
		p.killAll(syscall.SIGKILL)
		p.mu.Unlock()
	}
}

// settle waits (at most limit) while a regular init container runs.
func (p *podRuntime) settle(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		busy := false
		for i := range p.pod.Spec.InitContainers {
			spec := &p.pod.Spec.InitContainers[i]
			if c := p.containers[spec.Name]; c != nil && !isSidecar(spec) && c.run != nil && c.run.running {
				busy = true
			}
		}
		busy = busy && !p.initDone
		p.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// container returns the runtime of a container of the spec, made on first use.
func (p *podRuntime) container(spec *corev1.Container, kind containerKind) *containerRuntime {
	c, ok := p.containers[spec.Name]
	if !ok {
		c = &containerRuntime{name: spec.Name, kind: kind, spec: *spec, sessions: map[int]struct{}{}}
		p.containers[spec.Name] = c
	}
	return c
}

// lookup finds a container of the pod by name, in any list.
func (p *podRuntime) lookup(name string) *containerRuntime {
	return p.containers[name]
}

// advance starts what may start now. Called with p.mu held.
func (p *podRuntime) advance() {
	if p.terminating {
		return
	}
	spec := &p.pod.Spec
	if !p.initDone {
		for i := range spec.InitContainers {
			c := p.container(&spec.InitContainers[i], initKind)
			p.startOnce(c)
			if isSidecar(&c.spec) {
				if c.run == nil || !c.run.running {
					return // a sidecar must be running before the next init container starts
				}
				continue
			}
			if c.run == nil || c.run.running || c.run.exitCode != 0 || c.waiting != nil {
				return
			}
		}
		p.initDone = true
	}
	for i := range spec.Containers {
		p.startOnce(p.container(&spec.Containers[i], appKind))
	}
	for i := range spec.EphemeralContainers {
		ec := corev1.Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		p.startOnce(p.container(&ec, ephemeralKind))
	}
	p.stopSidecarsWhenDone()
}

// startOnce starts a container that never ran (or whose start failed a while ago).
func (p *podRuntime) startOnce(c *containerRuntime) {
	if c.run != nil || c.timer != nil || time.Now().Before(c.retryAt) {
		return
	}
	p.start(c)
}

// start begins a new run of the container. Called with p.mu held.
func (p *podRuntime) start(c *containerRuntime) {
	c.waiting = nil
	argv := containerArgv(&c.spec)
	var env []string
	if len(argv) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var err error
		env, err = containerEnv(ctx, p.rt.client, p.pod, &c.spec)
		cancel()
		if err != nil {
			c.waiting = &corev1.ContainerStateWaiting{Reason: "CreateContainerConfigError", Message: err.Error()}
			c.retryAt = time.Now().Add(5 * time.Second)
			time.AfterFunc(5*time.Second, func() { p.rt.notify(p.key) })
			return
		}
	}
	run := &containerRun{
		id:        containerHexID(p.uid, c.name, c.restarts),
		logPath:   filepath.Join(p.dir, "logs", c.name, fmt.Sprintf("%d.log", c.restarts)),
		startedAt: time.Now(),
		running:   true,
		done:      make(chan struct{}),
	}
	c.run = run
	p.rt.mu.Lock()
	p.rt.runs[run.id] = run
	p.rt.mu.Unlock()
	if len(argv) == 0 {
		if c.kind == initKind && !isSidecar(&c.spec) {
			// An idle init container has nothing to do: it completes at once.
			p.finish(c, run, 0, "", "")
			return
		}
		if c.kind != ephemeralKind && p.idleFinishes() {
			time.AfterFunc(p.rt.jobTime, func() { p.exited(c, run, 0, "", "") })
		}
		return
	}
	if err := p.spawn(c, run, expandArgs(argv, env), env); err != nil {
		// As containerd reports a process that could not be started.
		klog.V(2).InfoS("container did not start", "pod", p.key, "container", c.name, "err", err)
		msg := "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: " + err.Error() + ": unknown"
		go p.exited(c, run, 128, "StartError", msg)
	}
}

// idleFinishes says whether the pod's idle containers complete, as pods of
// Jobs that do not restart did in the harness before containers ran.
func (p *podRuntime) idleFinishes() bool {
	if p.rt.jobTime <= 0 || p.pod.Spec.RestartPolicy == corev1.RestartPolicyAlways {
		return false
	}
	for _, ref := range p.pod.OwnerReferences {
		if ref.Kind == "Job" && ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}

// spawn starts the container's process with its output going to the run's log.
func (p *podRuntime) spawn(c *containerRuntime, run *containerRun, argv, env []string) error {
	sb := p.sandbox()
	wd, err := p.workingDir(c)
	if err != nil {
		return err
	}
	if _, err := lookPath(argv[0], lookupEnv(env, "PATH")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(run.logPath), 0o755); err != nil {
		return err
	}
	out, err := newContainerOutput(run.logPath)
	if err != nil {
		return err
	}
	cmd := sb.command(argv, wd)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var childEnds, readers []*os.File
	var streams []string
	cleanup := func() {
		for _, f := range append(childEnds, readers...) {
			_ = f.Close()
		}
	}
	if c.spec.TTY {
		master, slave, err := openPty()
		if err != nil {
			out.close()
			return err
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr.Setctty = true
		childEnds = append(childEnds, slave)
		readers = append(readers, master)
		streams = append(streams, "stdout")
		c.pty = master
	} else {
		for _, stream := range []string{"stdout", "stderr"} {
			r, w, err := os.Pipe()
			if err != nil {
				cleanup()
				out.close()
				return err
			}
			if stream == "stdout" {
				cmd.Stdout = w
			} else {
				cmd.Stderr = w
			}
			childEnds = append(childEnds, w)
			readers = append(readers, r)
			streams = append(streams, stream)
		}
		if c.spec.Stdin {
			r, w, err := os.Pipe()
			if err != nil {
				cleanup()
				out.close()
				return err
			}
			cmd.Stdin = r
			childEnds = append(childEnds, r)
			c.stdin = w
		}
	}
	if err := cmd.Start(); err != nil {
		cleanup()
		out.close()
		if c.stdin != nil {
			_ = c.stdin.Close()
			c.stdin = nil
		}
		c.pty = nil
		return err
	}
	for _, f := range childEnds {
		_ = f.Close()
	}
	run.pid = cmd.Process.Pid
	c.env, c.wd, c.output = env, wd, out
	c.sessions[run.pid] = struct{}{}
	var copying sync.WaitGroup
	for i, r := range readers {
		copying.Add(1)
		go func(stream string, r *os.File) {
			defer copying.Done()
			out.copy(stream, r)
		}(streams[i], r)
	}
	go func() {
		_ = cmd.Wait()
		code := exitCode(cmd.ProcessState)
		// As when a container's init process ends: everything else in it goes too.
		_ = syscall.Kill(-run.pid, syscall.SIGKILL)
		drained := make(chan struct{})
		go func() { copying.Wait(); close(drained) }()
		select {
		case <-drained:
		case <-time.After(2 * time.Second):
		}
		for _, r := range readers {
			_ = r.Close()
		}
		out.close()
		p.exited(c, run, code, "", "")
	}()
	return nil
}

// workingDir is the folder the container's processes start in: its
// workingDir when the node has it (under /tmp it is made in the pod's own
// /tmp), else a folder of its own.
func (p *podRuntime) workingDir(c *containerRuntime) (string, error) {
	if wd := c.spec.WorkingDir; wd != "" {
		if rest, ok := strings.CutPrefix(wd, "/tmp"); ok && (rest == "" || rest[0] == '/') && p.sb != nil && p.sb.mnt != nil {
			if err := os.MkdirAll(filepath.Join(p.dir, "tmp", rest), 0o755); err == nil {
				return wd, nil
			}
		}
		if info, err := os.Stat(wd); err == nil && info.IsDir() {
			return wd, nil
		}
	}
	wd := filepath.Join(p.dir, "wd", c.name)
	return wd, os.MkdirAll(wd, 0o755)
}

// sandbox returns the pod's namespaces, made on first use. Without them
// (no permission), processes run in the node's own.
func (p *podRuntime) sandbox() *sandbox {
	if p.sb != nil {
		return p.sb
	}
	p.sb = &sandbox{}
	if !p.rt.isolate {
		return p.sb
	}
	tmp := filepath.Join(p.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o1777); err != nil {
		klog.ErrorS(err, "making the pod's /tmp", "pod", p.key)
		return p.sb
	}
	_ = os.Chmod(tmp, 0o1777)
	sb, err := newSandbox(tmp, podHostname(p.pod), p.podIP, p.pod.Spec.HostNetwork)
	if err != nil {
		klog.ErrorS(err, "pod namespaces, running in the node's", "pod", p.key)
		return p.sb
	}
	p.sb = sb
	return p.sb
}

// exited records the end of a run and decides what comes next: a restart
// (at once the first time, then after a growing back-off, as the kubelet
// does), the next init container, or nothing.
func (p *podRuntime) exited(c *containerRuntime, run *containerRun, code int32, reason, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.rt.notify(p.key)
	if !run.running {
		return
	}
	p.finish(c, run, code, reason, message)
	if c.run != run {
		return
	}
	if p.terminating || c.stopping || !p.restarts(c, code) {
		p.advance()
		return
	}
	delay := c.backoff

	switch {
	case run.finishedAt.Sub(run.startedAt) > backoffReset:
		delay, c.backoff = 0, initialBackoff
	case c.backoff == 0:
		c.backoff = initialBackoff
	default:
		c.backoff = min(2*c.backoff, maxBackoff)
	}
	if delay == 0 {
		p.restart(c)
		return
	}
	c.waiting = &corev1.ContainerStateWaiting{
		Reason: "CrashLoopBackOff",
		Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)",
			delay, c.name, p.pod.Name, p.pod.Namespace, p.uid),
	}
	c.timer = time.AfterFunc(delay, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		defer p.rt.notify(p.key)
		c.timer = nil
		if !p.terminating && !c.stopping {
			p.restart(c)
		}
	})
}

// finish records the end of a run. Called with p.mu held.
func (p *podRuntime) finish(c *containerRuntime, run *containerRun, code int32, reason, message string) {
	run.running = false
	run.finishedAt = time.Now()
	run.exitCode = code
	run.reason, run.message = reason, message
	if reason == "" {
		run.reason = "Completed"
		if code != 0 {
			run.reason = "Error"
		}
	}
	close(run.done)
	delete(c.sessions, run.pid)
	if c.run != run {
		return
	}
	if c.stdin != nil {
		_ = c.stdin.Close()
		c.stdin = nil
	}
	c.pty = nil
	p.killSessions(c, syscall.SIGKILL)
}

// restart begins the container's next run. Called with p.mu held.
func (p *podRuntime) restart(c *containerRuntime) {
	if c.prev != nil {
		// The run before the previous one is forgotten, as its log is by the kubelet.
		p.rt.mu.Lock()
		delete(p.rt.runs, c.prev.id)
		p.rt.mu.Unlock()
		_ = os.Remove(c.prev.logPath)
	}
	c.prev, c.run = c.run, nil
	c.restarts++
	p.start(c)
	p.advance()
}

// restarts says whether a container that exited with code is started again.
func (p *podRuntime) restarts(c *containerRuntime, code int32) bool {
	switch {
	case c.kind == ephemeralKind:
		return false
	case c.kind == initKind && isSidecar(&c.spec):
		return true
	case c.kind == initKind:
		return code != 0 && p.pod.Spec.RestartPolicy != corev1.RestartPolicyNever
	}
	switch p.pod.Spec.RestartPolicy {
	case corev1.RestartPolicyAlways:
		return true
	case corev1.RestartPolicyOnFailure:
		return code != 0
	}
	return false
}

// stopSidecarsWhenDone stops the sidecars of a pod that does not restart
// once its containers have all finished, as the kubelet does.
func (p *podRuntime) stopSidecarsWhenDone() {
	if p.pod.Spec.RestartPolicy == corev1.RestartPolicyAlways || !p.initDone {
		return
	}
	for i := range p.pod.Spec.Containers {
		c := p.containers[p.pod.Spec.Containers[i].Name]
		if c == nil || c.run == nil || c.run.running || c.waiting != nil || c.timer != nil {
			return
		}
	}
	for i := range p.pod.Spec.InitContainers {
		c := p.containers[p.pod.Spec.InitContainers[i].Name]
		if c == nil || !isSidecar(&c.spec) || c.stopping {
			continue
		}
		c.stopping = true
		if c.timer != nil {
			c.timer.Stop()
			c.timer = nil
			c.waiting = nil
		}
		if c.run != nil && c.run.running {
			p.stop(c, syscall.SIGTERM)
		}
	}
}

// stop signals the container's process group, or ends an idle container.
func (p *podRuntime) stop(c *containerRuntime, sig syscall.Signal) {
	run := c.run
	if run == nil || !run.running {
		return
	}
	if run.pid == 0 {
		go p.exited(c, run, 0, "", "")
		return
	}
	_ = syscall.Kill(-run.pid, sig)
}

// terminate stops the pod's containers for its deletion: SIGTERM, and
// SIGKILL for what is left after the grace period. It says whether every
// container has stopped; the pod is synced again when they have.
func (p *podRuntime) terminate(grace time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.terminating {
		p.terminating = true
		var running []*containerRun
		for _, c := range p.containers {
			if c.timer != nil {
				c.timer.Stop()
				c.timer = nil
			}
			if c.run != nil && c.run.running {
				running = append(running, c.run)
				p.killSessions(c, syscall.SIGKILL)
				p.stop(c, syscall.SIGTERM)
			}
		}
		go func() {
			timer := time.NewTimer(grace)
			defer timer.Stop()
			killed := false
			for _, r := range running {
				if !killed {
					select {
					case <-r.done:
						continue
					case <-timer.C:
						killed = true
						p.mu.Lock()
						p.killAll(syscall.SIGKILL)
						p.mu.Unlock()
					}
				}
				<-r.done
			}
			p.rt.notify(p.key)
		}()
	}
	for _, c := range p.containers {
		if c.run != nil && c.run.running {
			return false
		}
	}
	return true
}

// killAll signals every process of the pod. Called with p.mu held.
func (p *podRuntime) killAll(sig syscall.Signal) {
	for _, c := range p.containers {
		if c.timer != nil {
			c.timer.Stop()
			c.timer = nil
		}
		p.killSessions(c, sig)
		p.stop(c, sig)
	}
}

// killSessions signals the container's exec sessions (and its own process group).
func (p *podRuntime) killSessions(c *containerRuntime, sig syscall.Signal) {
	for pgid := range c.sessions {
		_ = syscall.Kill(-pgid, sig)
	}
}

// exitCode is a process's exit status as a container runtime reports it (128+N for signal N).
func exitCode(state *os.ProcessState) int32 {
	if state == nil {
		return 255
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int32(ws.Signal())
	}
	return int32(state.ExitCode())
}

// lookPath finds a program as the container would: names with a slash as
// they are, others in the container's PATH, with runc's words when missing.
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, name)
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

var errContainerNotRunning = errors.New("container not running")

// runningContainer finds a running container of the pod for exec and attach.
func (p *podRuntime) runningContainer(name string) (*containerRuntime, error) {
	c := p.lookup(name)
	if c == nil || c.run == nil || !c.run.running {
		return nil, fmt.Errorf("container not found (%q)", name)
	}
	return c, nil
}

// processCommand is a process in a container's context: its sandbox,
// environment and working folder, in a session of its own.
func (p *podRuntime) processCommand(c *containerRuntime, argv []string) (*exec.Cmd, error) {
	env := c.env
	if env == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		if env, err = containerEnv(ctx, p.rt.client, p.pod, &c.spec); err != nil {
			return nil, err
		}
		c.env = env
	}
	sb := p.sandbox()
	if c.wd == "" {
		wd, err := p.workingDir(c)
		if err != nil {
			return nil, err
		}
		c.wd = wd
	}
	cmd := sb.command(argv, c.wd)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd, nil
}

package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// sandbox is what the containers of one pod share, like the pause container
// of a real node: a network namespace (its own loopback, so every pod can
// listen on the same ports and port-forward dials the pod's own 127.0.0.1),
// a mount namespace whose /tmp is the pod's own folder, and a UTS namespace
// with the pod's hostname. The node process holds the namespaces open by
// file descriptor, so no process stays behind for them and they vanish with
// the node. A sandbox without namespaces (net == nil) runs its processes on
// the node's own: hostNetwork pods, or a node that may not create namespaces.
type sandbox struct {
	net, mnt, uts *os.File
}

// namespaceFlags are the namespaces a pod gets; hostNetwork pods keep the node's network.
func namespaceFlags(hostNetwork bool) uintptr {
	flags := uintptr(unix.CLONE_NEWNS | unix.CLONE_NEWUTS)
	if !hostNetwork {
		flags |= unix.CLONE_NEWNET
	}
	return flags
}

// newSandbox makes the namespaces of a pod. A short-lived child of this
// binary (`sandbox-init`) is born in fresh namespaces, sets them up and
// waits; the node opens the namespaces through /proc and lets it exit.
func newSandbox(tmpDir, hostname, podIP string, hostNetwork bool) (*sandbox, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"sandbox-init", "--tmp=" + tmpDir, "--hostname=" + hostname}
	if !hostNetwork {
		args = append(args, "--loopback", "--pod-ip="+podIP)
	}
	cmd := exec.Command(self, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: namespaceFlags(hostNetwork)}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = in.Close(); _ = cmd.Wait() }()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		_ = in.Close()
		_ = cmd.Wait()
		return nil, fmt.Errorf("setting up the pod's namespaces: %s", strings.TrimSpace(stderr.String()))
	}
	s := &sandbox{}
	open := func(kind string) (*os.File, error) {
		return os.Open(fmt.Sprintf("/proc/%d/ns/%s", cmd.Process.Pid, kind))
	}
	if s.mnt, err = open("mnt"); err == nil {
		if s.uts, err = open("uts"); err == nil && !hostNetwork {
			s.net, err = open("net")
		}
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// close lets the namespaces go once no process uses them any more.
func (s *sandbox) close() {
	for _, f := range []*os.File{s.net, s.mnt, s.uts} {
		if f != nil {
			_ = f.Close()
		}
	}
	s.net, s.mnt, s.uts = nil, nil, nil
}

// command is an exec.Cmd that runs argv inside the sandbox, in folder wd as
// the pod sees it. util-linux's nsenter enters the namespaces (a Go process
// may not switch mount namespaces) and then executes argv in its place.
func (s *sandbox) command(argv []string, wd string) *exec.Cmd {
	if s == nil || s.mnt == nil {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = wd
		return cmd
	}
	ref := func(f *os.File) string { return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd()) }
	args := []string{"--mount=" + ref(s.mnt), "--uts=" + ref(s.uts)}
	if s.net != nil {
		args = append(args, "--net="+ref(s.net))
	}
	args = append(args, "--wdns="+wd, "--")
	cmd := exec.Command(nsenterPath, append(args, argv...)...)
	return cmd
}

// netPath names the pod's network namespace in messages.
func (s *sandbox) netPath() string {
	if s == nil || s.net == nil {
		return "/proc/1/ns/net"
	}
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), s.net.Fd())
}

// nsenterPath is util-linux's nsenter, looked up once.
var nsenterPath = func() string {
	if p, err := exec.LookPath("nsenter"); err == nil {
		return p
	}
	return "/usr/bin/nsenter"
}()

// nodeNetns is the node's own network namespace, for threads to return to.
var nodeNetns = func() *os.File {
	f, _ := os.Open("/proc/self/ns/net")
	return f
}()

// dial connects to address in the sandbox's network namespace. The socket
// is made on a thread that joined the namespace and then went back to the
// node's. (A thread that cannot go back is left locked and ends with its
// goroutine; threads are not otherwise thrown away, which matters to
// processes started with a parent-death signal.)
func (s *sandbox) dial(network, address string) (net.Conn, error) {
	if s == nil || s.net == nil || nodeNetns == nil {
		return net.Dial(network, address)
	}
	type result struct {
		conn net.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setns(int(s.net.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- result{nil, fmt.Errorf("entering the pod's network namespace: %w", err)}
			return
		}
		conn, err := net.Dial(network, address)
		if unix.Setns(int(nodeNetns.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		done <- result{conn, err}
	}()
	r := <-done
	return r.conn, r.err
}

// runSandboxInit runs in a child born in a pod's new namespaces: it makes
// mounts private, gives the pod its own /tmp, names the host, brings the
// loopback up (with the pod's IP on it), says "ready" and waits for stdin
// to close.
func runSandboxInit(args []string) int {
	fs := flag.NewFlagSet("sandbox-init", flag.ExitOnError)
	tmp := fs.String("tmp", "", "folder mounted on /tmp")
	hostname := fs.String("hostname", "", "host name")
	loopback := fs.Bool("loopback", false, "bring up lo in a new network namespace")
	podIP := fs.String("pod-ip", "", "address added to lo")
	_ = fs.Parse(args)
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		return 1
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fail("making mounts private", err)
	}
	if *tmp != "" {
		if err := unix.Mount(*tmp, "/tmp", "", unix.MS_BIND, ""); err != nil {
			return fail("mounting /tmp", err)
		}
	}
	if *hostname != "" {
		if err := unix.Sethostname([]byte(*hostname)); err != nil {
			return fail("setting the host name", err)
		}
	}
	if *loopback {
		if err := loopbackUp(*podIP); err != nil {
			return fail("bringing up lo", err)
		}
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// loopbackUp brings lo up and, given one, puts the pod's IPv4 address on it (as lo:0, /32).
func loopbackUp(podIP string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return err
	}
	ip := net.ParseIP(podIP).To4()
	if ip == nil {
		return nil
	}
	alias, err := unix.NewIfreq("lo:0")
	if err != nil {
		return err
	}
	if err := alias.SetInet4Addr(ip); err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFADDR, alias); err != nil {
		return err
	}
	if err := alias.SetInet4Addr(net.IPv4(255, 255, 255, 255).To4()); err != nil {
		return err
	}
	return unix.IoctlIfreq(fd, unix.SIOCSIFNETMASK, alias)
}

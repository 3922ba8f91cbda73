package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// The node runs as PID 1 of a PID namespace of its own, with a mount
// namespace and a /proc of its own, the way a real node is a machine of its
// own: every container process lives in that namespace, and when the node
// goes (`down`, or killed outright) the kernel ends every process in it, so
// no container outlives its cluster.

// nodeIsolation is how up starts the node component.
const nodeIsolation = unix.CLONE_NEWPID | unix.CLONE_NEWNS

// runNodeInit is PID 1 of the node's namespace: it mounts a fresh /proc,
// starts the node proper as its child, passes SIGTERM and SIGINT on, reaps
// orphaned processes, and exits with the node's status.
func runNodeInit(args []string) int {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		fmt.Fprintf(os.Stderr, "node init: making mounts private: %v\n", err)
		return 1
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		fmt.Fprintf(os.Stderr, "node init: mounting /proc: %v\n", err)
		return 1
	}
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	pid, err := syscall.ForkExec("/proc/self/exe", append([]string{os.Args[0], "node"}, args...),
		&syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "node init: starting the node: %v\n", err)
		return 1
	}
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			_ = syscall.Kill(pid, sig.(syscall.Signal))
			continue
		}
		for {
			var status syscall.WaitStatus
			reaped, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if err != nil || reaped <= 0 {
				break
			}
			if reaped == pid {
				// Returning ends the namespace and, with it, every process left in it.
				if status.Signaled() {
					return 128 + int(status.Signal())
				}
				return status.ExitStatus()
			}
		}
	}
	return 0
}

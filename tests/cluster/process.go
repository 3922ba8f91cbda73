package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// components in start order; down stops them in reverse.
var components = []string{"etcd", "apiserver", "controller-manager", "scheduler", "node", "metrics-server"}

func pidFile(dir, name string) string { return filepath.Join(dir, "pids", name+".pid") }
func logFile(dir, name string) string { return filepath.Join(dir, "logs", name+".log") }

// startComponent runs this binary's subcommand NAME in its own session, in
// the background, with output in DIR/logs/NAME.log (replacing an earlier run's), and records its pid.
func startComponent(dir, name string, args []string) (*os.Process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile(logFile(dir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	command := func(cloneflags uintptr) *exec.Cmd {
		cmd := exec.Command(self, append([]string{name}, args...)...)
		cmd.Stdout = out
		cmd.Stderr = out
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Cloneflags: cloneflags}
		return cmd
	}
	cmd := command(0)
	if name == "node" {
		// The node gets namespaces of its own where the system allows it (see nodeinit.go).
		cmd = command(nodeIsolation)
	}
	err = cmd.Start()
	if err != nil && name == "node" && (errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL)) {
		fmt.Fprintf(out, "cannot give the node namespaces of its own (%v): containers run as plain child processes\n", err)
		cmd = command(0)
		err = cmd.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := os.WriteFile(pidFile(dir, name), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	// Reap it if it dies while up is still running, so liveness checks see it gone.
	go func() { _ = cmd.Wait() }()
	return cmd.Process, nil
}

// runningPid returns the pid recorded for NAME if that process still runs
// this harness's subcommand for DIR (and not some unrelated process that got the pid).
func runningPid(dir, name string) (int, bool) {
	data, err := os.ReadFile(pidFile(dir, name))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, isOurs(pid, dir, name)
}

func isOurs(pid int, dir, name string) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name; a zombie has already exited.
	if i := bytes.LastIndexByte(stat, ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv := strings.Split(string(cmdline), "\x00")
	// Every component's arguments name files in DIR/, so this tells DIR from DIR-2.
	return len(argv) > 1 && argv[1] == name && bytes.Contains(cmdline, []byte(dir+"/"))
}

// stopOrder says which components stop together, first to last: clients
// before the apiserver, the apiserver before etcd, so each can shut down cleanly.
var stopOrder = [][]string{{"metrics-server", "node", "scheduler", "controller-manager"}, {"apiserver"}, {"etcd"}}

// stopComponents stops every recorded process of DIR, stage by stage:
// SIGTERM, and SIGKILL for what is still running after grace.
func stopComponents(dir string, grace time.Duration, say func(string, ...any)) {
	for _, stage := range stopOrder {
		var live []string
		for _, name := range stage {
			if pid, ok := runningPid(dir, name); ok {
				say("stopping %s (pid %d)", name, pid)
				_ = syscall.Kill(-pid, syscall.SIGTERM) // its session's process group
				live = append(live, name)
			}
		}
		deadline := time.Now().Add(grace)
		killed := false
		for len(live) > 0 {
			time.Sleep(50 * time.Millisecond)
			var still []string
			for _, name := range live {
				if pid, ok := runningPid(dir, name); ok {
					still = append(still, name)
					if !killed && time.Now().After(deadline) {
						say("killing %s (pid %d) after %s", name, pid, grace)
						_ = syscall.Kill(-pid, syscall.SIGKILL)
					}
				}
			}
			killed = killed || time.Now().After(deadline)
			live = still
		}
	}
	for _, name := range components {
		_ = os.Remove(pidFile(dir, name))
	}
}

// tailLog returns the last n lines of a component's log.
func tailLog(dir, name string, n int) string {
	data, err := os.ReadFile(logFile(dir, name))
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/types"
	remotecommandserver "k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// The runtime's side of exec, attach and port-forward. The kubelet's own
// streaming code (k8s.io/cri-streaming) speaks the protocols and calls these.

// podRef names a pod in the streaming handlers' "pod name" argument: its UID.
func (rt *nodeRuntime) podByRef(uid string) (*podRuntime, error) {
	p := rt.pod(types.UID(uid))
	if p == nil {
		return nil, fmt.Errorf("pod not found (%q)", uid)
	}
	return p, nil
}

// ExecInContainer runs cmd in the container's context (sandbox,
// environment, working folder), copying its stdin, stdout and stderr, or
// its terminal; a non-zero exit becomes an ExitError the protocol reports
// as the exit code.
func (rt *nodeRuntime) ExecInContainer(ctx context.Context, _ string, uid string, container string, argv []string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommandserver.TerminalSize, _ time.Duration) error {
	p, err := rt.podByRef(uid)
	if err != nil {
		return err
	}
	p.mu.Lock()
	c, err := p.runningContainer(container)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	cmd, err := p.processCommand(c, argv)
	if err == nil {
		if _, lookErr := lookPath(argv[0], lookupEnv(cmd.Env, "PATH")); lookErr != nil {
			err = fmt.Errorf("failed to exec in container: failed to start exec %q: OCI runtime exec failed: exec failed: unable to start container process: %v: unknown",
				hexID(fmt.Sprintf("%s/%s/exec/%d", uid, container, time.Now().UnixNano())), lookErr)
		}
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}

	var (
		master   *os.File
		closers  []io.Closer // the child's ends, closed once it started
		copying  sync.WaitGroup
		stdinEnd *os.File
	)
	if tty {
		if lookupEnv(cmd.Env, "TERM") == "" {
			// As containerd does for an exec with a terminal.
			cmd.Env = append(append([]string(nil), cmd.Env...), "TERM=xterm")
		}
		m, slave, err := openPty()
		if err != nil {
			return err
		}
		master = m
		defer master.Close()
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr.Setctty = true
		closers = append(closers, slave)
	} else {
		if in != nil {
			r, w, err := os.Pipe()
			if err != nil {
				return err
			}
			cmd.Stdin = r
			closers = append(closers, r)
			stdinEnd = w
		}
		if out != nil {
			cmd.Stdout = out
		}
		if errOut != nil {
			cmd.Stderr = errOut
		}
	}
	if err := cmd.Start(); err != nil {
		for _, c := range closers {
			_ = c.Close()
		}
		if stdinEnd != nil {
			_ = stdinEnd.Close()
		}
		return err
	}
	for _, c := range closers {
		_ = c.Close()
	}
	pgid := cmd.Process.Pid
	p.mu.Lock()
	c.sessions[pgid] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(c.sessions, pgid)
		p.mu.Unlock()
	}()

	if stdinEnd != nil {
		// Not waited for: the client may never close its stdin.
		go func() {
			_, _ = io.Copy(stdinEnd, in)
			_ = stdinEnd.Close()
		}()
	}
	if master != nil {
		if in != nil {
			go func() { _, _ = io.Copy(master, in) }()
		}
		if out != nil {
			copying.Add(1)
			go func() {
				defer copying.Done()
				if _, err := io.Copy(out, master); err != nil && !isTerminalGone(err) {
					// The client went away: hang up, as a closed terminal does.
					_ = cmd.Process.Signal(syscall.SIGHUP)
				}
			}()
		}
		if resize != nil {
			go func() {
				for size := range resize {
					resizePty(master, size.Width, size.Height)
				}
			}()
		}
	}
	waitErr := cmd.Wait()
	if master != nil {
		// The terminal's output is read until every process holding it has gone.
		copying.Wait()
	}
	if stdinEnd != nil {
		_ = stdinEnd.Close()
	}
	if code := exitCode(cmd.ProcessState); code != 0 {
		return utilexec.CodeExitError{Err: fmt.Errorf("command terminated with exit code %d", code), Code: int(code)}
	}
	if waitErr != nil {
		if _, ok := waitErr.(*os.SyscallError); ok {
			return waitErr
		}
	}
	return nil
}

// AttachContainer connects a client to the container's running process:
// its output from now on, and its stdin (or terminal) when the container
// has one (closed after the client's input ends for stdinOnce). It returns
// when the process ends or the client has gone.
func (rt *nodeRuntime) AttachContainer(ctx context.Context, _ string, uid string, container string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommandserver.TerminalSize) error {
	p, err := rt.podByRef(uid)
	if err != nil {
		return err
	}
	p.mu.Lock()
	c, err := p.runningContainer(container)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	run, output, stdin, master, stdinOnce := c.run, c.output, c.stdin, c.pty, c.spec.StdinOnce
	p.mu.Unlock()

	var a *attachment
	if output != nil {
		var o, e io.Writer
		if out != nil {
			o = out
		}
		if errOut != nil && !tty {
			e = errOut
		}
		a = output.attach(o, e)
		defer output.remove(a)
	}
	if in != nil {
		var target io.Writer = io.Discard
		switch {
		case master != nil:
			target = master
		case stdin != nil:
			target = stdin
		}
		go func() {
			_, _ = io.Copy(target, in)
			if stdinOnce && master == nil && stdin != nil {
				_ = stdin.Close()
			}
		}()
	}
	if resize != nil {
		go func() {
			for size := range resize {
				resizePty(master, size.Width, size.Height)
			}
		}()
	}
	var gone <-chan struct{}
	if a != nil {
		gone = a.gone
	}
	select {
	case <-run.done:
	case <-gone:
	case <-ctx.Done():
	}
	return nil
}

// PortForward connects stream to port on the pod's own loopback.
func (rt *nodeRuntime) PortForward(_ context.Context, _ string, uid string, port int32, stream io.ReadWriteCloser) error {
	p, err := rt.podByRef(uid)
	if err != nil {
		return err
	}
	p.mu.Lock()
	sb := p.sandbox()
	p.mu.Unlock()
	address := fmt.Sprintf("127.0.0.1:%d", port)
	conn, err := sb.dial("tcp4", address)
	if err != nil {
		// containerd's words (the pod has no IPv6).
		return fmt.Errorf("failed to execute portforward in network namespace %q: failed to connect to localhost:%d inside namespace %q, IPv4: %v IPv6 dial tcp6 [::1]:%d: connect: connection refused ",
			sb.netPath(), port, uid, err, port)
	}
	defer conn.Close()
	go func() {
		// The client's end: when it has sent everything, the pod's side hears EOF;
		// when it broke off, the connection is dropped.
		if _, err := io.Copy(conn, stream); err != nil {
			_ = conn.Close()
			return
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
	}()
	_, _ = io.Copy(stream, conn)
	return nil
}

// isTerminalGone says a terminal read failed because every process holding it has gone (EIO).
func isTerminalGone(err error) bool {
	var pathErr *os.PathError
	return errors.As(err, &pathErr) && errors.Is(pathErr.Err, syscall.EIO)
}

package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// maxLogLine is containerd's max_container_log_line_size: longer lines are
// written as several partial ("P") entries of this many bytes.
const maxLogLine = 16 * 1024

// containerOutput takes what a container process writes to stdout and
// stderr, as containerd does: into the run's log file in the CRI format
// (`<RFC3339Nano time> <stream> <P|F> <text>`, one entry per line), and to
// every client attached at the moment.
type containerOutput struct {
	mu   sync.Mutex // the log file
	file *os.File
	w    *bufio.Writer

	subsMu sync.Mutex
	subs   map[*attachment]struct{}
}

// attachment is one attached client's output streams (nil: not asked for).
type attachment struct {
	stdout, stderr io.Writer
	gone           chan struct{}
	once           sync.Once
}

func (a *attachment) detach() { a.once.Do(func() { close(a.gone) }) }

func newContainerOutput(path string) (*containerOutput, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, err
	}
	return &containerOutput{file: f, w: bufio.NewWriterSize(f, 64*1024), subs: map[*attachment]struct{}{}}, nil
}

// attach adds a client; its streams get everything written from now on
// until detach, or until writing to them fails.
func (o *containerOutput) attach(stdout, stderr io.Writer) *attachment {
	a := &attachment{stdout: stdout, stderr: stderr, gone: make(chan struct{})}
	o.subsMu.Lock()
	o.subs[a] = struct{}{}
	o.subsMu.Unlock()
	return a
}

func (o *containerOutput) remove(a *attachment) {
	o.subsMu.Lock()
	delete(o.subs, a)
	o.subsMu.Unlock()
	a.detach()
}

// copy reads one stream of the process until EOF. Data reaches attached
// clients as it comes; the log gets whole lines (and 16 KiB pieces of long
// ones), the rest of a line without newline as a partial entry at the end.
func (o *containerOutput) copy(stream string, r io.Reader) {
	buf := make([]byte, 32*1024)
	var pending []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			o.broadcast(stream, buf[:n])
			pending = o.logLines(stream, pending, buf[:n])
		}
		if err != nil {
			break
		}
	}
	o.mu.Lock()
	if len(pending) > 0 {
		o.entry(o.stamp(), stream, "P", pending)
	}
	_ = o.w.Flush()
	o.mu.Unlock()
}

// logLines writes the complete lines of pending+data and returns what is left of the last line.
func (o *containerOutput) logLines(stream string, pending, data []byte) []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	stamp := o.stamp()
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			pending = append(pending, data...)
			data = nil
		} else {
			pending = append(pending, data[:i]...)
			data = data[i+1:]
		}
		for len(pending) > maxLogLine {
			o.entry(stamp, stream, "P", pending[:maxLogLine])
			pending = append(pending[:0], pending[maxLogLine:]...)
		}
		if i >= 0 {
			// containerd reads lines with bufio's ReadLine, which drops a "\r" before the "\n".
			o.entry(stamp, stream, "F", bytes.TrimSuffix(pending, []byte{'\r'}))
			pending = pending[:0]
		}
	}
	_ = o.w.Flush()
	return pending
}

// stamp is the time of the entries written from one read, as containerd writes it.
func (o *containerOutput) stamp() []byte {
	return time.Now().UTC().AppendFormat(nil, time.RFC3339Nano)
}

func (o *containerOutput) entry(stamp []byte, stream, tag string, text []byte) {
	_, _ = o.w.Write(stamp)
	_ = o.w.WriteByte(' ')
	_, _ = o.w.WriteString(stream)
	_ = o.w.WriteByte(' ')
	_, _ = o.w.WriteString(tag)
	_ = o.w.WriteByte(' ')
	_, _ = o.w.Write(text)
	_ = o.w.WriteByte('\n')
}

func (o *containerOutput) broadcast(stream string, data []byte) {
	o.subsMu.Lock()
	subs := make([]*attachment, 0, len(o.subs))
	for a := range o.subs {
		subs = append(subs, a)
	}
	o.subsMu.Unlock()
	for _, a := range subs {
		w := a.stdout
		if stream == "stderr" {
			w = a.stderr
		}
		if w == nil {
			continue
		}
		if _, err := w.Write(data); err != nil {
			o.remove(a)
		}
	}
}

// close ends the log file and lets attached clients go.
func (o *containerOutput) close() {
	o.mu.Lock()
	_ = o.w.Flush()
	_ = o.file.Close()
	o.mu.Unlock()
	o.subsMu.Lock()
	for a := range o.subs {
		delete(o.subs, a)
		a.detach()
	}
	o.subsMu.Unlock()
}

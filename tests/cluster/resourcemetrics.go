package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The kubelet's /metrics/resource, which metrics-server scrapes for
// `kubectl top`: the node's CPU and memory from /proc/stat and
// /proc/meminfo, and each running container's from its processes (the
// container's own session and its exec sessions): CPU time from
// /proc/PID/schedstat (nanoseconds, so even a sleeping process has used
// some) plus what its reaped children used, memory as resident set size.
// An idle container, which has no process, reports a page of memory and
// no CPU, so metrics-server still lists it.

const (
	clockTicks = 100 // USER_HZ
	idleMemory = 4096
)

// cpuFloor keeps each run's cumulative CPU from going backwards when a
// process of it exits.
var cpuFloor sync.Map // container ID → float64 seconds

type sessionUsage struct {
	cpuSeconds float64
	rssBytes   uint64
}

func (s *kubeletServer) resourceMetrics(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	ts := now.UnixMilli()
	sessions := scanSessions()
	type row struct {
		labels       string
		cpu, mem     float64
		startSeconds float64
	}
	var rows []row
	s.rt.mu.Lock()
	pods := make([]*podRuntime, 0, len(s.rt.pods))
	for _, p := range s.rt.pods {
		pods = append(pods, p)
	}
	s.rt.mu.Unlock()
	for _, p := range pods {
		p.mu.Lock()
		if p.terminating {
			p.mu.Unlock()
			continue
		}
		for _, c := range p.containers {
			run := c.run
			if run == nil || !run.running {
				continue
			}
			r := row{
				labels:       fmt.Sprintf(`container=%q,namespace=%q,pod=%q`, c.name, p.pod.Namespace, p.pod.Name),
				startSeconds: float64(run.startedAt.UnixNano()) / 1e9,
			}
			if run.pid == 0 {
				r.cpu, r.mem = 1e-9, idleMemory
			} else {
				var cpu float64
				var mem uint64
				for sid := range c.sessions {
					u := sessions[sid]
					cpu += u.cpuSeconds
					mem += u.rssBytes
				}
				if floor, ok := cpuFloor.Load(run.id); ok && floor.(float64) > cpu {
					cpu = floor.(float64)
				}
				cpuFloor.Store(run.id, cpu)
				r.cpu, r.mem = max(cpu, 1e-9), float64(max(mem, idleMemory))
			}
			rows = append(rows, r)
		}
		p.mu.Unlock()
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].labels < rows[j].labels })

	var b bytes.Buffer
	metric := func(name, kind, help string, write func()) {
		fmt.Fprintf(&b, "# HELP %s [STABLE] %s\n# TYPE %s %s\n", name, help, name, kind)
		write()
	}
	metric("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds", func() {
		for _, r := range rows {
			fmt.Fprintf(&b, "container_cpu_usage_seconds_total{%s} %s %d\n", r.labels, formatFloat(r.cpu), ts)
		}
	})
	metric("container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes", func() {
		for _, r := range rows {
			fmt.Fprintf(&b, "container_memory_working_set_bytes{%s} %s %d\n", r.labels, formatFloat(r.mem), ts)
		}
	})
	metric("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds", func() {
		for _, r := range rows {
			fmt.Fprintf(&b, "container_start_time_seconds{%s} %s\n", r.labels, formatFloat(r.startSeconds))
		}
	})
	nodeCPU, nodeMem := nodeUsage()
	metric("node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds", func() {
		fmt.Fprintf(&b, "node_cpu_usage_seconds_total %s %d\n", formatFloat(nodeCPU), ts)
	})
	metric("node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes", func() {
		fmt.Fprintf(&b, "node_memory_working_set_bytes %s %d\n", formatFloat(float64(nodeMem)), ts)
	})
	metric("scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise", func() {
		b.WriteString("scrape_error 0\n")
	})
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// scanSessions sums CPU and memory of the processes in each session.
func scanSessions() map[int]sessionUsage {
	out := map[int]sessionUsage{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	page := uint64(os.Getpagesize())
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		// Fields after the command name, from field 3 (state) on.
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 22 {
			continue
		}
		sid, _ := strconv.Atoi(f[3])
		cutime, _ := strconv.ParseUint(f[13], 10, 64)
		cstime, _ := strconv.ParseUint(f[14], 10, 64)
		rss, _ := strconv.ParseUint(f[21], 10, 64)
		u := out[sid]
		u.cpuSeconds += float64(cutime+cstime) / clockTicks
		if sched, err := os.ReadFile(filepath.Join("/proc", e.Name(), "schedstat")); err == nil {
			if fields := strings.Fields(string(sched)); len(fields) > 0 {
				ns, _ := strconv.ParseUint(fields[0], 10, 64)
				u.cpuSeconds += float64(ns) / 1e9
			}
		}
		u.rssBytes += rss * page
		out[sid] = u
		_ = pid
	}
	return out
}

// nodeUsage is the machine's CPU time in use since boot and its memory in use.
func nodeUsage() (cpuSeconds float64, memBytes uint64) {
	if f, err := os.Open("/proc/stat"); err == nil {
		sc := bufio.NewScanner(f)
		if sc.Scan() {
			fields := strings.Fields(sc.Text())
			for i, v := range fields[1:] {
				n, _ := strconv.ParseUint(v, 10, 64)
				if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is counted in user already
					continue
				}
				cpuSeconds += float64(n) / clockTicks
			}
		}
		_ = f.Close()
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var total, available uint64
		for _, line := range strings.Split(string(data), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			n, _ := strconv.ParseUint(fields[1], 10, 64)
			switch fields[0] {
			case "MemTotal:":
				total = n * 1024
			case "MemAvailable:":
				available = n * 1024
			}
		}
		memBytes = total - available
	}
	return cpuSeconds, memBytes
}

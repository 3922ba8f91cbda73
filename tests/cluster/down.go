package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// runDown stops every process that up started for DIR: SIGTERM, then SIGKILL
// after a grace period. The folder (logs, data) is left for inspection.
func runDown(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: testcluster down DIR")
		return 2
	}
	dir, err := filepath.Abs(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stopComponents(dir, 15*time.Second, say)
	say("stopped %s", dir)
	return 0
}

package main

import (
	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format, as the real binaries have
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as the real binaries have
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric, as the real binaries have
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

// The real commands' constructors, run with the flags up chose. Each runs in
// its own process because they share global flag and metrics registries.

func runAPIServer(args []string) int {
	return runCobra(apiserver.NewAPIServerCommand(), args)
}

func runControllerManager(args []string) int {
	return runCobra(controllermanager.NewControllerManagerCommand(), args)
}

func runScheduler(args []string) int {
	return runCobra(scheduler.NewSchedulerCommand(), args)
}

func runCobra(cmd *cobra.Command, args []string) int {
	cmd.SetArgs(args)
	return cli.Run(cmd)
}

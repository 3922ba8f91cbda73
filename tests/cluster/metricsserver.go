package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	aggregator "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset"
	k8sopenapi "k8s.io/kubernetes/pkg/generated/openapi"
	"k8s.io/utils/ptr"
	msoptions "sigs.k8s.io/metrics-server/cmd/metrics-server/app/options"
	msapi "sigs.k8s.io/metrics-server/pkg/api"
)

// metrics-server (sigs.k8s.io/metrics-server v0.8.0) serves metrics.k8s.io
// for `kubectl top` from the kubelet's /metrics/resource, installed as its
// release manifests install it: RBAC for its identity, a Service and the
// APIService. The Service is an ExternalName for localhost, so the API
// server's aggregator reaches it on loopback at the port chosen by up.

const (
	metricsServerUser     = "system:metrics-server"
	metricsServerName     = "metrics-server"
	metricsAPIServiceName = "v1beta1.metrics.k8s.io"
)

// runMetricsServer runs metrics-server as its command does, with one
// change: its OpenAPI definitions (generated for Kubernetes 1.33 and named
// by Go package) are replaced by Kubernetes 1.37's, which name models the
// way this API server machinery looks them up.
func runMetricsServer(args []string) int {
	opts := msoptions.NewOptions()
	fs := pflag.NewFlagSet("metrics-server", pflag.ContinueOnError)
	for _, set := range opts.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if errs := opts.Validate(); len(errs) > 0 {
		fmt.Fprintln(os.Stderr, errs[0])
		return 1
	}
	config, err := opts.ServerConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	namer := openapinamer.NewDefinitionNamer(msapi.Scheme)
	v2, v3 := config.Apiserver.OpenAPIConfig.Info, config.Apiserver.OpenAPIV3Config.Info
	config.Apiserver.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(k8sopenapi.GetOpenAPIDefinitions, namer)
	config.Apiserver.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(k8sopenapi.GetOpenAPIDefinitions, namer)
	config.Apiserver.OpenAPIConfig.Info, config.Apiserver.OpenAPIV3Config.Info = v2, v3
	server, err := config.Complete()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := server.RunUntil(genericapiserver.SetupSignalHandler()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// bootstrapMetricsServer creates metrics-server's RBAC and its Service (on the given port).
func bootstrapMetricsServer(ctx context.Context, c kubernetes.Interface, port int) error {
	labels := map[string]string{"k8s-app": metricsServerName}
	user := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: metricsServerUser}}
	roles := []*rbacv1.ClusterRole{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "system:metrics-server", Labels: labels},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"nodes/metrics"}, Verbs: []string{"get"}},
				{APIGroups: []string{""}, Resources: []string{"pods", "nodes"}, Verbs: []string{"get", "list", "watch"}},
			},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "system:aggregated-metrics-reader", Labels: map[string]string{
				"k8s-app": metricsServerName,
				"rbac.authorization.k8s.io/aggregate-to-admin": "true",
				"rbac.authorization.k8s.io/aggregate-to-edit":  "true",
				"rbac.authorization.k8s.io/aggregate-to-view":  "true",
			}},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"metrics.k8s.io"}, Resources: []string{"pods", "nodes"}, Verbs: []string{"get", "list", "watch"}},
			},
		},
	}
	for _, r := range roles {
		if _, err := c.RbacV1().ClusterRoles().Create(ctx, r, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return err
		}
	}
	bindings := []*rbacv1.ClusterRoleBinding{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "system:metrics-server", Labels: labels},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:metrics-server"},
			Subjects:   user,
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "metrics-server:system:auth-delegator", Labels: labels},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:auth-delegator"},
			Subjects:   user,
		},
	}
	for _, b := range bindings {
		if _, err := c.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return err
		}
	}
	reader := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-server-auth-reader", Namespace: "kube-system", Labels: labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "extension-apiserver-authentication-reader"},
		Subjects:   user,
	}
	if _, err := c.RbacV1().RoleBindings("kube-system").Create(ctx, reader, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		services := c.CoreV1().Services("kube-system")
		svc, err := services.Get(ctx, metricsServerName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			svc = &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: metricsServerName, Namespace: "kube-system", Labels: labels}}
		} else if err != nil {
			return err
		}
		svc.Spec.Type = corev1.ServiceTypeExternalName
		svc.Spec.ExternalName = "localhost"
		svc.Spec.Ports = []corev1.ServicePort{{Name: "https", Port: int32(port), Protocol: corev1.ProtocolTCP}}
		if svc.ResourceVersion == "" {
			_, err = services.Create(ctx, svc, metav1.CreateOptions{})
		} else {
			_, err = services.Update(ctx, svc, metav1.UpdateOptions{})
		}
		return err
	})
}

// metricsAPIAvailable registers metrics.k8s.io with the aggregator (at this
// run's port, trusting the cluster CA) and says whether it is Available.
func metricsAPIAvailable(ctx context.Context, l layout, port int) error {
	if err := dialable(ctx, port); err != nil {
		return fmt.Errorf("metrics-server: %w", err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", l.userKubeconfig())
	if err != nil {
		return err
	}
	c, err := aggregator.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(l.pkiFile("ca.crt"))
	if err != nil {
		return err
	}
	services := c.ApiregistrationV1().APIServices()
	svc, err := services.Get(ctx, metricsAPIServiceName, metav1.GetOptions{})
	want := apiregistrationv1.APIServiceSpec{
		Service:              &apiregistrationv1.ServiceReference{Namespace: "kube-system", Name: metricsServerName, Port: ptr.To(int32(port))},
		Group:                "metrics.k8s.io",
		Version:              "v1beta1",
		CABundle:             ca,
		GroupPriorityMinimum: 100,
		VersionPriority:      100,
	}
	switch {
	case apierrors.IsNotFound(err):
		svc = &apiregistrationv1.APIService{
			ObjectMeta: metav1.ObjectMeta{Name: metricsAPIServiceName, Labels: map[string]string{"k8s-app": metricsServerName}},
			Spec:       want,
		}
		if _, err := services.Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			return err
		}
		return fmt.Errorf("APIService %s just created", metricsAPIServiceName)
	case err != nil:
		return err
	case svc.Spec.Service == nil || svc.Spec.Service.Port == nil || *svc.Spec.Service.Port != int32(port) || string(svc.Spec.CABundle) != string(ca):
		svc.Spec = want
		if _, err := services.Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
			return err
		}
		return fmt.Errorf("APIService %s just updated", metricsAPIServiceName)
	}
	for _, cond := range svc.Status.Conditions {
		if cond.Type == apiregistrationv1.Available {
			if cond.Status == apiregistrationv1.ConditionTrue {
				return nil
			}
			return fmt.Errorf("APIService %s: %s", metricsAPIServiceName, cond.Message)
		}
	}
	return fmt.Errorf("APIService %s: no Available condition yet", metricsAPIServiceName)
}

package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/authenticatorfactory"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/cri-streaming/pkg/streaming"
	"k8s.io/cri-streaming/pkg/streaming/portforward"
	remotecommandserver "k8s.io/cri-streaming/pkg/streaming/remotecommand"
	"k8s.io/klog/v2"
)

// kubeletServer is the node's kubelet API on its port (TLS, client
// certificates and tokens checked with the API server, every request
// authorized with a SubjectAccessReview on the node, as a kubelet in
// webhook mode does): container logs, exec, attach, port-forward, the
// running pods and the resource metrics metrics-server scrapes.
type kubeletServer struct {
	nodeName string
	pods     corelisters.PodLister
	rt       *nodeRuntime
	authn    authenticator.Request
	authz    authorizer.Authorizer
}

// The kubelet's streaming settings (kubelet defaults: streamingConnectionIdleTimeout 4h).
const (
	streamIdleTimeout     = 4 * time.Hour
	streamCreationTimeout = remotecommandserver.DefaultStreamCreationTimeout
)

func newKubeletServer(client kubernetes.Interface, caFile, nodeName string, pods corelisters.PodLister, rt *nodeRuntime) (*kubeletServer, error) {
	ca, err := dynamiccertificates.NewDynamicCAContentFromFile("client-ca-bundle", caFile)
	if err != nil {
		return nil, err
	}
	authn, _, err := authenticatorfactory.DelegatingAuthenticatorConfig{
		TokenAccessReviewClient:            client.AuthenticationV1(),
		TokenAccessReviewTimeout:           10 * time.Second,
		WebhookRetryBackoff:                genericoptions.DefaultAuthWebhookRetryBackoff(),
		CacheTTL:                           2 * time.Minute,
		ClientCertificateCAContentProvider: ca,
	}.New()
	if err != nil {
		return nil, err
	}
	authz, err := authorizerfactory.DelegatingAuthorizerConfig{
		SubjectAccessReviewClient: client.AuthorizationV1(),
		AllowCacheTTL:             5 * time.Minute,
		DenyCacheTTL:              30 * time.Second,
		WebhookRetryBackoff:       genericoptions.DefaultAuthWebhookRetryBackoff(),
	}.New()
	if err != nil {
		return nil, err
	}
	return &kubeletServer{nodeName: nodeName, pods: pods, rt: rt, authn: authn, authz: authz}, nil
}

// serve listens on 127.0.0.1:port until ctx ends.
func (s *kubeletServer) serve(ctx context.Context, port int, certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(hostIP, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: s.handler(),
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			ClientAuth:   tls.RequestClientCert, // verified by the authenticator, against the cluster CA
			MinVersion:   tls.VersionTLS12,
			// Upgrades (SPDY, WebSocket) need HTTP/1.1.
			NextProtos: []string{"http/1.1"},
		},
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          nil,
	}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	klog.InfoS("kubelet API listening", "address", ln.Addr().String())
	if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *kubeletServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", s.containerLogs)
	for _, p := range []string{"/exec/{namespace}/{pod}/{container}", "/exec/{namespace}/{pod}/{uid}/{container}"} {
		mux.HandleFunc(p, s.exec)
	}
	for _, p := range []string{"/attach/{namespace}/{pod}/{container}", "/attach/{namespace}/{pod}/{uid}/{container}"} {
		mux.HandleFunc(p, s.attach)
	}
	for _, p := range []string{"/portForward/{namespace}/{pod}", "/portForward/{namespace}/{pod}/{uid}"} {
		mux.HandleFunc(p, s.portForward)
	}
	mux.HandleFunc("GET /metrics/resource", s.resourceMetrics)
	mux.HandleFunc("GET /pods", s.runningPods)
	mux.HandleFunc("GET /pods/", s.runningPods)
	authorized := s.withAuth(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			_, _ = w.Write([]byte("ok"))
			return
		}
		authorized.ServeHTTP(w, r)
	})
}

// writeError answers with the kubelet's plain-text error bodies.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg))
}

// withAuth authenticates the caller and asks the API server whether it may
// use this part of the node, with the kubelet's mapping of paths to
// subresources of nodes (stats, metrics, log, pods, healthz, else proxy).
func (s *kubeletServer) withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok, err := s.authn.AuthenticateRequest(r)
		if err != nil || !ok {
			if err != nil {
				klog.ErrorS(err, "Unable to authenticate the request due to an error")
			}
			writeError(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		verb := map[string]string{"POST": "create", "GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}[r.Method]
		var subresources []string
		switch path := r.URL.Path; {
		case isSubpath(path, "/pods"), isSubpath(path, "/runningpods"):
			subresources = []string{"pods", "proxy"}
		case isSubpath(path, "/healthz"):
			subresources = []string{"healthz", "proxy"}
		case isSubpath(path, "/stats"):
			subresources = []string{"stats"}
		case isSubpath(path, "/metrics"):
			subresources = []string{"metrics"}
		case isSubpath(path, "/logs"):
			subresources = []string{"log"}
		default:
			subresources = []string{"proxy"}
		}
		for _, sub := range subresources {
			attrs := authorizer.AttributesRecord{
				User: resp.User, Verb: verb, APIVersion: "v1", Resource: "nodes", Subresource: sub,
				Name: s.nodeName, ResourceRequest: true, Path: r.URL.Path,
			}
			decision, _, err := s.authz.Authorize(r.Context(), attrs)
			if err != nil {
				writeError(w, http.StatusInternalServerError, fmt.Sprintf("Authorization error (user=%s, verb=%s, resource=%s, subresource=%s)",
					resp.User.GetName(), verb, "nodes", sub))
				return
			}
			if decision == authorizer.DecisionAllow {
				next.ServeHTTP(w, r)
				return
			}
		}
		writeError(w, http.StatusForbidden, fmt.Sprintf("Forbidden (user=%s, verb=%s, resource=%s, subresource(s)=%v)\n",
			resp.User.GetName(), verb, "nodes", subresources))
	})
}

func isSubpath(subpath, path string) bool {
	path = strings.TrimSuffix(path, "/")
	return subpath == path || (strings.HasPrefix(subpath, path) && subpath[len(path)] == '/')
}

// podOf finds a pod bound to this node, and its runtime.
func (s *kubeletServer) podOf(r *http.Request) (*corev1.Pod, *podRuntime, bool) {
	pod, err := s.pods.Pods(r.PathValue("namespace")).Get(r.PathValue("pod"))
	if err != nil {
		return nil, nil, false
	}
	if uid := r.PathValue("uid"); uid != "" && string(pod.UID) != uid {
		return nil, nil, false
	}
	return pod, s.rt.pod(pod.UID), true
}

func (s *kubeletServer) exec(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommandserver.NewOptions(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pod, p, ok := s.podOf(r)
	if !ok {
		writeError(w, http.StatusNotFound, "pod does not exist")
		return
	}
	container := r.PathValue("container")
	if err := s.checkRunning(p, container); err != nil {
		_ = streaming.WriteError(err, w)
		return
	}
	remotecommandserver.ServeExec(w, r, s.rt, pod.Name, string(pod.UID), container, r.URL.Query()["command"], opts,
		streamIdleTimeout, streamCreationTimeout, remotecommandserver.SupportedStreamingProtocols)
}

func (s *kubeletServer) attach(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommandserver.NewOptions(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pod, p, ok := s.podOf(r)
	if !ok {
		writeError(w, http.StatusNotFound, "pod does not exist")
		return
	}
	container := r.PathValue("container")
	if err := s.checkRunning(p, container); err != nil {
		_ = streaming.WriteError(err, w)
		return
	}
	remotecommandserver.ServeAttach(w, r, s.rt, pod.Name, string(pod.UID), container, opts,
		streamIdleTimeout, streamCreationTimeout, remotecommandserver.SupportedStreamingProtocols)
}

// checkRunning refuses exec and attach to a container that is not running, in the kubelet's words.
func (s *kubeletServer) checkRunning(p *podRuntime, container string) error {
	if p == nil {
		return fmt.Errorf("container not found (%q)", container)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.runningContainer(container)
	return err
}

func (s *kubeletServer) portForward(w http.ResponseWriter, r *http.Request) {
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pod, p, ok := s.podOf(r)
	if !ok || p == nil {
		writeError(w, http.StatusNotFound, "pod does not exist")
		return
	}
	portforward.ServePortForward(w, r, s.rt, hexID(string(pod.UID)), string(pod.UID), opts,
		streamIdleTimeout, streamCreationTimeout, portforward.SupportedProtocols)
}

// runningPods is the kubelet's /pods: the pods bound to this node, as a PodList.
func (s *kubeletServer) runningPods(w http.ResponseWriter, _ *http.Request) {
	pods, err := s.pods.List(labels.Everything())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	list := corev1.PodList{}
	list.Kind, list.APIVersion = "PodList", "v1"
	for _, p := range pods {
		list.Items = append(list.Items, *p)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&list)
}

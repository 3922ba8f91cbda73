package main

// fault-proxy: a TLS proxy on loopback in front of the real API server that
// injects faults into chosen requests, so tests can run kubectl and kuddle
// through the same misbehaving server and compare what they do.
//
// A client picks the fault with the path of its server URL:
//
//	server: https://127.0.0.1:PORT/__fault/match=pods,status=429,retry-after=1,times=2,id=x
//
// Requests under that prefix are forwarded upstream with the prefix removed
// (authenticated as the cluster's admin, whatever the client sent), and the
// fault applies to those whose path and query contain `match` (and whose
// method is `method`, if given), the first `times` of them (state is kept
// per spec). Faults:
//
//	status=CODE [retry-after=V] [body=status|garbage|truncated|empty]
//	                         answer with CODE instead of forwarding
//	stall=headers            read the request, never answer
//	trickle=MS               forward, writing the body one byte every MS ms
//	stall-body=N             forward headers and N body bytes, then hang
//	reset-body=N             headers and N body bytes, then a TCP reset
//	cut-body=N               headers and N body bytes, then close (short body)
//	truncate=N               the body cut to N bytes, sent whole (bad JSON)
//	shape=items-string|items-object|no-items|null|array|garbage
//	                         the JSON answer changed into a wrong shape
//	redirect=CODE            redirect to the same path without the fault
//
// Other paths: /__files/ABS/PATH serves that file (for `-f URL`),
// /__redirect/CODE/REST redirects to /REST, anything else is forwarded.
// Two more listeners hold connections without ever answering: one at the
// TCP level (the TLS handshake never completes) and one after the TLS
// handshake. A plain-HTTP listener serves the same handler (for `-f URL`
// files and redirects), and a second TLS listener serves it over HTTP/2
// (what both clients speak to a real API server), where a broken-off body
// is a stream reset (reset-body) or the connection dropped (cut-body). A
// last TLS listener presents a self-signed certificate marked as a CA (what
// `openssl req -x509` makes), for clients that trust it as its own
// authority. The first line on stdout is
// `ready MAIN_ADDR SILENT_TCP_ADDR SILENT_TLS_ADDR PLAIN_ADDR H2_ADDR SELF_SIGNED_ADDR SELF_SIGNED_PEM_BASE64`;
// the proxy stops when its standard input closes.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

func runFaultProxy(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: testcluster fault-proxy CLUSTER_DIR")
		return 2
	}
	if err := faultProxy(args[0]); err != nil {
		fmt.Fprintln(os.Stderr, "fault-proxy:", err)
		return 1
	}
	return 0
}

type faultServer struct {
	upstream *url.URL
	client   *http.Client
	mu       sync.Mutex
	counts   map[string]int
}

func faultProxy(dir string) error {
	cfg, err := clientcmd.LoadFromFile(filepath.Join(dir, "kubeconfig"))
	if err != nil {
		return err
	}
	cluster := cfg.Clusters[clusterName]
	admin := cfg.AuthInfos["admin"]
	if cluster == nil || admin == nil {
		return fmt.Errorf("no cluster %q or user admin in %s/kubeconfig", clusterName, dir)
	}
	upstream, err := url.Parse(cluster.Server)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cluster.CertificateAuthorityData)
	clientCert, err := tls.X509KeyPair(admin.ClientCertificateData, admin.ClientKeyData)
	if err != nil {
		return err
	}
	s := &faultServer{
		upstream: upstream,
		counts:   map[string]int{},
		client: &http.Client{
			Transport: &http.Transport{
				TLSClientConfig:   &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{clientCert}},
				ForceAttemptHTTP2: false,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	// The proxy presents the API server's own certificate (valid for
	// 127.0.0.1), so clients trust it with the cluster's CA.
	serverCert, err := tls.LoadX509KeyPair(filepath.Join(dir, "pki", "apiserver.crt"), filepath.Join(dir, "pki", "apiserver.key"))
	if err != nil {
		return err
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{serverCert}, NextProtos: []string{"http/1.1"}}
	main, err := tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	if err != nil {
		return err
	}
	silentTCP, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	silentTLS, err := tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	if err != nil {
		return err
	}
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(plain, s) }()
	go holdForever(silentTCP, false)
	go holdForever(silentTLS, true)
	server := &http.Server{
		Handler: s,
		// HTTP/1.1 only: faults are written on the raw connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	go func() { _ = server.Serve(main) }()
	h2Config := &tls.Config{Certificates: []tls.Certificate{serverCert}, NextProtos: []string{"h2", "http/1.1"}}
	h2, err := tls.Listen("tcp", "127.0.0.1:0", h2Config)
	if err != nil {
		return err
	}
	h2Server := &http.Server{
		Handler: s,
		// Handlers reach the connection to drop it mid-stream.
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	go func() { _ = h2Server.Serve(h2) }()
	selfSigned, selfSignedPEM, err := selfSignedListener()
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(selfSigned, s) }()
	fmt.Printf("ready %s %s %s %s %s %s %s\n", main.Addr(), silentTCP.Addr(), silentTLS.Addr(), plain.Addr(), h2.Addr(),
		selfSigned.Addr(), base64.StdEncoding.EncodeToString(selfSignedPEM))
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// selfSignedListener listens on loopback with a fresh self-signed
// certificate for 127.0.0.1 that is also a CA, and returns it as PEM.
func selfSignedListener() (net.Listener, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := leaf("kuddle self-signed", nil, x509.ExtKeyUsageServerAuth)
	tmpl.KeyUsage |= x509.KeyUsageCertSign
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = true
	tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		return nil, nil, err
	}
	return l, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// holdForever accepts connections and never answers (after completing the
// TLS handshake when tlsFirst); each is closed when its client goes away.
func holdForever(l net.Listener, tlsFirst bool) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			if tlsFirst {
				if err := conn.(*tls.Conn).Handshake(); err != nil {
					return
				}
			}
			_, _ = io.Copy(io.Discard, conn)
		}()
	}
}

type fault map[string]string

type connKey struct{}

// breaksOff says whether the body stops early (stall, reset or cut).
func (f fault) breaksOff() bool {
	return f["stall-body"] != "" || f["reset-body"] != "" || f["cut-body"] != ""
}

// cutAt is how many body bytes are sent before it breaks off.
func (f fault) cutAt(body []byte) int {
	n := f.int("stall-body") + f.int("reset-body") + f.int("cut-body")
	if n > len(body) {
		n = len(body)
	}
	return n
}

// trickle writes the body one byte every pause, until a write fails.
func trickle(w io.Writer, flush func() error, body []byte, pause time.Duration) {
	for _, b := range body {
		if _, err := w.Write([]byte{b}); err != nil || flush() != nil {
			return
		}
		time.Sleep(pause)
	}
}

func (f fault) int(key string) int {
	n, _ := strconv.Atoi(f[key])
	return n
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, "/__files/"):
		http.ServeFile(w, r, strings.TrimPrefix(r.URL.Path, "/__files"))
		return
	case strings.HasPrefix(path, "/__redirect/"):
		rest := strings.TrimPrefix(path, "/__redirect/")
		code, target, _ := strings.Cut(rest, "/")
		n, _ := strconv.Atoi(code)
		http.Redirect(w, r, "/"+target, n)
		return
	case strings.HasPrefix(path, "/__fault/"):
		rest := strings.TrimPrefix(path, "/__fault/")
		spec, tail, _ := strings.Cut(rest, "/")
		f := fault{}
		for _, kv := range strings.Split(spec, ",") {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		s.serveFault(w, r, spec, f, "/"+tail)
		return
	}
	s.forward(w, r, path)
}

// applies says whether this request gets the fault, counting it if so.
func (s *faultServer) applies(r *http.Request, spec string, f fault, path string) bool {
	target := path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	if m := f["match"]; m != "" && !strings.Contains(target, m) {
		return false
	}
	if m := f["method"]; m != "" && m != r.Method {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if times := f.int("times"); times > 0 && s.counts[spec] >= times {
		return false
	}
	s.counts[spec]++
	return true
}

func (s *faultServer) serveFault(w http.ResponseWriter, r *http.Request, spec string, f fault, path string) {
	if !s.applies(r, spec, f, path) {
		s.forward(w, r, path)
		return
	}
	switch {
	case f["status"] != "":
		code := f.int("status")
		if ra := f["retry-after"]; ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		body := statusBody(code)
		switch f["body"] {
		case "garbage":
			body = []byte("<html>garbage</html>")
		case "truncated":
			body = body[:len(body)/2]
		case "empty":
			body = nil
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write(body)
	case f["stall"] == "headers":
		<-r.Context().Done()
	case f["redirect"] != "":
		target := path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, f.int("redirect"))
	default:
		s.faultyBody(w, r, f, path)
	}
}

func statusBody(code int) []byte {
	reason := map[int]string{429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 404: "NotFound", 504: "Timeout"}[code]
	body, _ := json.Marshal(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": fmt.Sprintf("injected %d", code), "reason": reason, "code": code,
	})
	return body
}

// faultyBody forwards the request and mangles the answer's body.
func (s *faultServer) faultyBody(w http.ResponseWriter, r *http.Request, f fault, path string) {
	resp, err := s.roundTrip(r, path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if shape := f["shape"]; shape != "" {
		body = reshape(body, shape)
	}
	if n, ok := f["truncate"]; ok {
		cut, _ := strconv.Atoi(n)
		if cut < len(body) {
			body = body[:cut]
		}
	}
	raw := func() (net.Conn, *bufio.ReadWriter) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return nil, nil
		}
		fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			resp.StatusCode, http.StatusText(resp.StatusCode), resp.Header.Get("Content-Type"), len(body))
		_ = rw.Flush()
		return conn, rw
	}
	if r.ProtoMajor == 2 {
		s.faultyBodyH2(w, r, f, resp, body)
		return
	}
	switch {
	case f["trickle"] != "":
		pause := time.Duration(f.int("trickle")) * time.Millisecond
		conn, rw := raw()
		if conn == nil {
			return
		}
		defer conn.Close()
		trickle(rw, rw.Flush, body, pause)
	case f.breaksOff():
		n := f.cutAt(body)
		conn, rw := raw()
		if conn == nil {
			return
		}
		_, _ = rw.Write(body[:n])
		_ = rw.Flush()
		switch {
		case f["stall-body"] != "":
			<-r.Context().Done()
			_, _ = io.Copy(io.Discard, conn)
			conn.Close()
		case f["reset-body"] != "":
			if tcp, ok := conn.(*tls.Conn).NetConn().(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			conn.Close()
		default:
			conn.Close()
		}
	default:
		copyHeader(w.Header(), resp.Header)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}
}

// faultyBodyH2 is faultyBody on an HTTP/2 stream, where the connection is
// shared and cannot be taken over: the body is written through the stream,
// a reset is RST_STREAM, and a cut drops the whole connection.
func (s *faultServer) faultyBodyH2(w http.ResponseWriter, r *http.Request, f fault, resp *http.Response, body []byte) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_ = rc.Flush()
	switch {
	case f["trickle"] != "":
		trickle(w, rc.Flush, body, time.Duration(f.int("trickle"))*time.Millisecond)
	case f.breaksOff():
		n := f.cutAt(body)
		_, _ = w.Write(body[:n])
		_ = rc.Flush()
		switch {
		case f["stall-body"] != "":
			<-r.Context().Done()
		case f["reset-body"] != "":
			panic(http.ErrAbortHandler) // the server answers with RST_STREAM
		default:
			if conn, ok := r.Context().Value(connKey{}).(net.Conn); ok {
				conn.Close()
			}
			<-r.Context().Done()
		}
	default:
		_, _ = w.Write(body)
	}
}

// reshape changes a JSON answer into something of the wrong shape.
func reshape(body []byte, shape string) []byte {
	var obj map[string]any
	_ = json.Unmarshal(body, &obj)
	switch shape {
	case "items-string":
		obj["items"] = "not a list"
	case "items-object":
		obj["items"] = map[string]any{"a": 1}
	case "no-items":
		delete(obj, "items")
	case "null":
		return []byte("null")
	case "array":
		return []byte("[1,2,3]")
	case "garbage":
		return []byte("this is not json")
	}
	out, _ := json.Marshal(obj)
	return out
}

func (s *faultServer) roundTrip(r *http.Request, path string) (*http.Response, error) {
	u := *s.upstream
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	if unescaped, err := url.PathUnescape(path); err == nil {
		u.Path = strings.TrimSuffix(s.upstream.Path, "/") + unescaped
		u.RawPath = strings.TrimSuffix(s.upstream.Path, "/") + path
	}
	u.RawQuery = r.URL.RawQuery
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	copyHeader(req.Header, r.Header)
	req.Header.Del("Authorization")
	return s.client.Do(req)
}

// forward passes the request upstream and streams the answer back (watches
// included).
func (s *faultServer) forward(w http.ResponseWriter, r *http.Request, path string) {
	resp, err := s.roundTrip(r, path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	rc := http.NewResponseController(w)
	buf := make([]byte, 32*1024)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			_ = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if strings.EqualFold(k, "Content-Length") || strings.EqualFold(k, "Transfer-Encoding") || strings.EqualFold(k, "Connection") {
			continue
		}
		for _, v := range vs {
			dst.Add(k, v)
		}
	}
}

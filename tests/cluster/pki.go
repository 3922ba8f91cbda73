package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Identities that get a client certificate signed by the cluster CA.
// The certificate's CN is the user name and O the groups, as kube-apiserver reads them.
var clientIdentities = []struct {
	file   string
	user   string
	groups []string
}{
	{"admin", "kuddle-admin", []string{"system:masters"}},
	{"controller-manager", "system:kube-controller-manager", nil},
	{"scheduler", "system:kube-scheduler", nil},
	// The harness's kubelet also provisions volumes, which a node identity may not do.
	{"harness", "kuddle-harness", []string{"system:masters"}},
	// How kube-apiserver reaches kubelets (logs, exec, port-forward), as kubeadm's apiserver-kubelet-client.
	{"apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"system:masters"}},
	// metrics-server, towards the API server and the kubelet; RBAC gives it what it needs.
	{"metrics-server", metricsServerUser, nil},
}

// servingCerts are the TLS server certificates besides the API server's,
// signed by the cluster CA: the kubelet's (the API server checks it) and
// metrics-server's (the aggregator checks it as service metrics-server.kube-system.svc).
var servingCerts = []struct {
	file, cn string
	orgs     []string
	dns      []string
}{
	{"kubelet", "system:node:" + nodeName, []string{"system:nodes"}, []string{nodeName, "localhost"}},
	{"metrics-server-serving", "metrics-server", nil, []string{"metrics-server", "metrics-server.kube-system", "metrics-server.kube-system.svc", "localhost"}},
}

// limitedToken is the bearer token of the `limited` kubeconfig user.
const limitedToken = "kuddle-limited-token"

const certLifetime = 10 * 365 * 24 * time.Hour

// ensurePKI creates, once per run folder, the cluster CA, the serving
// certificate for 127.0.0.1/localhost, client certificates, the front-proxy
// CA and client of the aggregation layer, the service-account key pair and
// the token file. Existing files are kept so a restarted cluster keeps its identity.
func ensurePKI(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if complete(dir) {
		return nil
	}
	ca, caKey, err := newCA(dir, "ca", "kuddle-ca")
	if err != nil {
		return err
	}
	serving := leaf("kube-apiserver", nil, x509.ExtKeyUsageServerAuth)
	serving.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
		"kubernetes.default.svc.cluster.local"}
	serving.IPAddresses = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.96.0.1")}
	if err := writeSigned(dir, "apiserver", serving, ca, caKey); err != nil {
		return err
	}
	for _, id := range clientIdentities {
		if err := writeSigned(dir, id.file, leaf(id.user, id.groups, x509.ExtKeyUsageClientAuth), ca, caKey); err != nil {
			return err
		}
	}
	for _, sc := range servingCerts {
		cert := leaf(sc.cn, sc.orgs, x509.ExtKeyUsageServerAuth)
		cert.DNSNames = sc.dns
		cert.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		if err := writeSigned(dir, sc.file, cert, ca, caKey); err != nil {
			return err
		}
	}

	proxyCA, proxyKey, err := newCA(dir, "front-proxy-ca", "front-proxy-ca")
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, "front-proxy-ca.crt"), "CERTIFICATE", proxyCA.Raw); err != nil {
		return err
	}
	proxyClient := leaf("front-proxy-client", nil, x509.ExtKeyUsageClientAuth)
	if err := writeSigned(dir, "front-proxy-client", proxyClient, proxyCA, proxyKey); err != nil {
		return err
	}

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, "sa.key"), saKey); err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, "sa.pub"), "PUBLIC KEY", pub); err != nil {
		return err
	}
	// token,user,uid,"group1,group2"
	tokens := fmt.Sprintf("%s,limited,limited,\"kuddle:limited\"\n", limitedToken)
	if err := os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(tokens), 0o600); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, "ca.crt"), "CERTIFICATE", ca.Raw)
}

// newCA makes a self-signed CA and writes its key as FILE.key; the caller writes the certificate.
func newCA(dir, file, name string) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := leaf(name, nil)
	tmpl.KeyUsage |= x509.KeyUsageCertSign
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, writeKey(filepath.Join(dir, file+".key"), key)
}

func leaf(cn string, orgs []string, usage ...x509.ExtKeyUsage) *x509.Certificate {
	notBefore := time.Now().Add(-time.Hour)
	return &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  usage,
	}
}

// writeSigned makes a key pair, has ca sign tmpl for it, and writes NAME.key and NAME.crt.
func writeSigned(dir, name string, tmpl, ca *x509.Certificate, caKey crypto.Signer) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, name+".key"), key); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, name+".crt"), "CERTIFICATE", der)
}

func writeKey(path string, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "PRIVATE KEY", der)
}

func writePEM(path, kind string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

// pkiFiles are the files ensurePKI writes.
var pkiFiles = []string{"ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "front-proxy-ca.crt",
	"front-proxy-client.crt", "front-proxy-client.key", "sa.key", "sa.pub", "tokens.csv"}

// complete says whether every file of the set is there; if not, it is made anew.
func complete(dir string) bool {
	for _, id := range clientIdentities {
		if !exists(filepath.Join(dir, id.file+".crt")) {
			return false
		}
	}
	for _, sc := range servingCerts {
		if !exists(filepath.Join(dir, sc.file+".crt")) {
			return false
		}
	}
	for _, f := range pkiFiles {
		if !exists(filepath.Join(dir, f)) {
			return false
		}
	}
	return true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}

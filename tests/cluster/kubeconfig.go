package main

import (
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const clusterName = "kuddle"

// writeUserKubeconfig writes DIR/kubeconfig for tests and people: context
// `admin` (client certificate in system:masters, current) and `limited`
// (bearer token, may only read a few kinds in namespace default).
func writeUserKubeconfig(path, pkiDir, server string) error {
	ca, err := os.ReadFile(filepath.Join(pkiDir, "ca.crt"))
	if err != nil {
		return err
	}
	crt, err := os.ReadFile(filepath.Join(pkiDir, "admin.crt"))
	if err != nil {
		return err
	}
	key, err := os.ReadFile(filepath.Join(pkiDir, "admin.key"))
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: crt, ClientKeyData: key}
	cfg.AuthInfos["limited"] = &clientcmdapi.AuthInfo{Token: limitedToken}
	cfg.Contexts["admin"] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: "admin"}
	cfg.Contexts["limited"] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: "limited", Namespace: "default"}
	cfg.CurrentContext = "admin"
	return clientcmd.WriteToFile(*cfg, path)
}

// writeComponentKubeconfig writes a kubeconfig for one component's client
// certificate (pki/NAME.crt), referring to the files rather than embedding them.
func writeComponentKubeconfig(path, pkiDir, name, server string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthority: filepath.Join(pkiDir, "ca.crt")}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{
		ClientCertificate: filepath.Join(pkiDir, name+".crt"),
		ClientKey:         filepath.Join(pkiDir, name+".key"),
	}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: name}
	cfg.CurrentContext = name
	return clientcmd.WriteToFile(*cfg, path)
}

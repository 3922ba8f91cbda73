//! The TLS side of a connection, as client-go sets it up: the cluster's
//! certificate authority (or the system's roots), `insecure-skip-tls-verify`,
//! the client certificate, and kubectl's words for what goes wrong.

use std::sync::{Arc, OnceLock, RwLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::kubeconfig::ResolvedConfig;

/// What client-go's `TLSConfigFor` refuses, in its words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TlsSetupError {
    #[error("specifying a root certificates file with the insecure flag is not allowed")]
    InsecureWithCa,
    #[error("unable to load root certificates: unable to parse bytes as PEM block")]
    BadCa,
    #[error("{0}")]
    Other(String),
}

/// A client certificate that may arrive late (from an exec plugin): the
/// handshake asks this slot, which the connector fills before connecting.
#[derive(Debug, Default)]
pub struct ClientCertSlot(RwLock<Option<Arc<CertifiedKey>>>);

impl ClientCertSlot {
    pub fn set(&self, key: Option<Arc<CertifiedKey>>) {
        if let Ok(mut slot) = self.0.write() {
            *slot = key;
        }
    }
}

impl ResolvesClientCert for ClientCertSlot {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.0.read().ok().and_then(|k| k.clone())
    }

    fn has_certs(&self) -> bool {
        self.0.read().map(|k| k.is_some()).unwrap_or(false)
    }
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration for a resolved kubeconfig. `cert_slot` serves
/// the client certificate: the kubeconfig's, or later an exec plugin's.
pub fn client_config(
    r: &ResolvedConfig,
    cert_slot: Arc<ClientCertSlot>,
) -> Result<ClientConfig, TlsSetupError> {
    let has_ca = !r.ca_data.is_empty() || !r.ca_file.is_empty();
    if r.insecure && has_ca {
        return Err(TlsSetupError::InsecureWithCa);
    }
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Other(e.to_string()))?;
    let builder = if r.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ServerCheck {
                authority: None,
                provider,
            }))
    } else if has_ca {
        let pem = if r.ca_data.is_empty() {
            std::fs::read(&r.ca_file).map_err(|e| {
                TlsSetupError::Other(crate::kubeconfig::gopath::path_error(
                    "open", &r.ca_file, &e,
                ))
            })?
        } else {
            r.ca_data.clone()
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(ca_verifier(&pem, provider)?)
    } else {
        builder.with_root_certificates(system_roots().clone())
    };
    let mut config = builder.with_client_cert_resolver(cert_slot);
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    Ok(config)
}

/// The verifier for a cluster's certificate authority (PEM, one or more
/// certificates), refusing what Go's `AppendCertsFromPEM` finds nothing in.
fn ca_verifier(
    pem: &[u8],
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<ServerCheck>, TlsSetupError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect();
    let mut roots = RootCertStore::empty();
    let mut trusted = Vec::with_capacity(certs.len());
    for cert in certs {
        // Go skips certificates it cannot parse as long as one is good.
        if roots.add(cert.clone()).is_ok() {
            trusted.push(cert);
        }
    }
    if roots.is_empty() {
        return Err(TlsSetupError::BadCa);
    }
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| TlsSetupError::Other(e.to_string()))?;
    Ok(Arc::new(ServerCheck {
        authority: Some(Authority {
            webpki,
            roots: trusted,
        }),
        provider,
    }))
}

/// The system's trusted roots, read and parsed once per process (a fuzzing
/// run builds thousands of configurations; the directory does not change).
fn system_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        roots
    })
}

/// ALPN's names for HTTP/2 and HTTP/1.1.
pub const ALPN_H2: &[u8] = b"h2";
pub const ALPN_HTTP1: &[u8] = b"http/1.1";

/// The configuration offering HTTP/2 first, then HTTP/1.1, as Go's
/// transport does once HTTP/2 is configured.
pub fn with_h2(config: &ClientConfig) -> ClientConfig {
    let mut config = config.clone();
    config.alpn_protocols = vec![ALPN_H2.to_vec(), ALPN_HTTP1.to_vec()];
    config
}

/// The configuration offering HTTP/1.1 only (upgrades, proxies).
pub fn without_h2(config: &ClientConfig) -> ClientConfig {
    let mut config = config.clone();
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    config
}

/// A client certificate and key from PEM, in the words of Go's
/// `tls.X509KeyPair` when they do not make a pair.
pub fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<CertifiedKey>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(match pem_block_types(cert_pem) {
            None => "tls: failed to find any PEM data in certificate input".into(),
            Some(types) => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{types}]"),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| match pem_block_types(key_pem) {
        None => "tls: failed to find any PEM data in key input".to_string(),
        Some(types) => format!("tls: failed to find \"PRIVATE KEY\" PEM block in key input after skipping PEM blocks of the following types: [{types}]"),
    })?;
    let provider = provider();
    let signer = provider
        .key_provider
        .load_private_key(key)
        .map_err(|_| "tls: failed to parse private key".to_string())?;
    let key = CertifiedKey::new(certs, signer);
    match key.keys_match() {
        Ok(()) => Ok(Arc::new(key)),
        // rustls cannot tell for every key type; Go would have refused a
        // real mismatch here.
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok(Arc::new(key))
        }
        Err(_) => Err("tls: private key does not match public key".into()),
    }
}

/// The types of the PEM blocks in `data` (Go lists those it skipped), or
/// None when there is no PEM block at all.
fn pem_block_types(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    let types: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .filter_map(|l| l.strip_suffix("-----"))
        .collect();
    (!types.is_empty()).then(|| types.join(" "))
}

/// The name the server's certificate must hold: `tls-server-name`, else
/// the host of the server URL.
pub fn server_name(host: &str, tls_server_name: &str) -> Result<ServerName<'static>, String> {
    let name = if tls_server_name.is_empty() {
        host
    } else {
        tls_server_name
    };
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_string()).map_err(|_| format!("invalid server name {name:?}"))
}

/// How the server's certificate is checked: against the cluster's
/// certificate authority as Go checks it, or not at all
/// (`insecure-skip-tls-verify`). Handshake signatures are checked either
/// way, as Go does.
#[derive(Debug)]
struct ServerCheck {
    authority: Option<Authority>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

/// The cluster's certificate authority. One difference from webpki matters
/// in practice: Go accepts a server certificate that is itself one of the
/// trusted roots, even when it is marked as a CA — what `openssl req -x509`
/// makes by default, given as its own `certificate-authority`. webpki
/// refuses any CA certificate as the end entity; such a certificate is then
/// accepted when it is byte for byte one of the roots and holds the
/// server's name. Its validity period has been checked by then: webpki
/// checks it before basic constraints.
#[derive(Debug)]
struct Authority {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    roots: Vec<CertificateDer<'static>>,
}

fn is_ca_used_as_end_entity(other: &rustls::OtherError) -> bool {
    matches!(
        other.0.downcast_ref::<webpki::Error>(),
        Some(webpki::Error::CaUsedAsEndEntity)
    )
}

impl ServerCertVerifier for ServerCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(authority) = &self.authority else {
            return Ok(ServerCertVerified::assertion());
        };
        let verdict =
            authority
                .webpki
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        match verdict {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(ref other)))
                if is_ca_used_as_end_entity(other) =>
            {
                if !authority
                    .roots
                    .iter()
                    .any(|r| r.as_ref() == end_entity.as_ref())
                {
                    // What Go says of a self-signed certificate it does not
                    // trust (the usual case of a CA serving as leaf).
                    return Err(rustls::CertificateError::UnknownIssuer.into());
                }
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            verdict => verdict,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Go's words for a failed handshake, e.g. `tls: failed to verify
/// certificate: x509: certificate signed by unknown authority`.
pub fn handshake_error_text(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let x509 = match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => "x509: certificate signed by unknown authority".to_string(),
            C::NotValidForNameContext {
                expected,
                presented,
            } => hostname_error(&server_name_text(expected), presented),
            C::NotValidForName => "x509: certificate is not valid for the requested name".into(),
            C::ExpiredContext { time, not_after } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is after {}",
                rfc3339(time.as_secs()),
                rfc3339(not_after.as_secs())
            ),
            C::NotValidYetContext { time, not_before } => format!(
                "x509: certificate has expired or is not yet valid: current time {} is before {}",
                rfc3339(time.as_secs()),
                rfc3339(not_before.as_secs())
            ),
            C::Expired | C::NotValidYet => {
                "x509: certificate has expired or is not yet valid".to_string()
            }
            C::BadEncoding => "x509: malformed certificate".into(),
            C::BadSignature => "x509: certificate signature is invalid".into(),
            C::Revoked => "x509: certificate has been revoked".into(),
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
                "x509: certificate specifies an incompatible key usage".into()
            }
            _ => "x509: certificate is not valid".into(),
        },
        rustls::Error::AlertReceived(alert) => {
            return format!("remote error: tls: {}", alert_text(*alert));
        }
        rustls::Error::NoApplicationProtocol => {
            return "tls: server selected unadvertised ALPN protocol".into()
        }
        rustls::Error::PeerIncompatible(_) => {
            return "tls: server chose an unconfigured cipher suite".into()
        }
        _ => return "tls: handshake failure".into(),
    };
    format!("tls: failed to verify certificate: {x509}")
}

/// Go's names of TLS alerts (`remote error: tls: bad certificate`).
fn alert_text(alert: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    match alert {
        A::BadCertificate => "bad certificate".into(),
        A::HandshakeFailure => "handshake failure".into(),
        A::UnknownCA => "unknown certificate authority".into(),
        A::CertificateRequired => "certificate required".into(),
        A::ProtocolVersion => "protocol version not supported".into(),
        A::InternalError => "internal error".into(),
        A::UnrecognisedName => "unrecognized name".into(),
        A::CertificateExpired => "expired certificate".into(),
        A::AccessDenied => "access denied".into(),
        A::DecryptError => "error decrypting message".into(),
        A::UnsupportedCertificate => "unsupported certificate".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn server_name_text(name: &ServerName<'_>) -> String {
    match name {
        ServerName::DnsName(d) => d.as_ref().to_string(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        _ => String::new(),
    }
}

/// Go's `x509.HostnameError`: the certificate's DNS names (or IP names, when
/// the host is an address) it is valid for.
pub fn hostname_error(host: &str, presented: &[String]) -> String {
    let host_is_ip = host.parse::<std::net::IpAddr>().is_ok();
    let names: Vec<String> = presented
        .iter()
        .map(|n| presented_name(n))
        .filter(|n| n.parse::<std::net::IpAddr>().is_ok() == host_is_ip)
        .collect();
    if host_is_ip && names.is_empty() {
        return format!(
            "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
        );
    }
    if names.is_empty() {
        return format!("x509: certificate is not valid for any names, but wanted to match {host}");
    }
    format!(
        "x509: certificate is valid for {}, not {host}",
        names.join(", ")
    )
}

/// A name as webpki presents it (`DnsName("localhost")`,
/// `IpAddress(0::1)`) in Go's spelling (`localhost`, `::1`).
fn presented_name(name: &str) -> String {
    if let Some(dns) = name
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
    {
        return dns.to_string();
    }
    if let Some(ip) = name
        .strip_prefix("IpAddress(")
        .and_then(|n| n.strip_suffix(')'))
    {
        return match ip.parse::<std::net::IpAddr>() {
            Ok(ip) => ip.to_string(),
            Err(_) => ip.to_string(),
        };
    }
    name.to_string()
}

fn rfc3339(secs: u64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/tls-server/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).expect("fixture")
    }

    fn der(pem: &[u8]) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(pem).expect("certificate")
    }

    fn verify(
        ca: &[u8],
        served: &[u8],
        name: &str,
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verifier = ca_verifier(ca, provider()).expect("verifier");
        let name = ServerName::try_from(name.to_string()).expect("name");
        verifier.verify_server_cert(&der(served), &[], &name, &[], now)
    }

    /// `openssl req -x509` marks its certificate as a CA; Go trusts it as
    /// the server's certificate when it is the configured authority.
    #[test]
    fn a_self_signed_ca_serves_as_its_own_authority() {
        let ca = fixture("self-signed-ca.crt");
        let other = fixture("other-self-signed-ca.crt");
        let leaf = fixture("self-signed-leaf.crt");
        let now = UnixTime::now();
        assert!(verify(&ca, &ca, "127.0.0.1", now).is_ok());
        assert!(verify(&ca, &ca, "localhost", now).is_ok());
        // In a bundle with other authorities too.
        let bundle = [other.clone(), ca.clone()].concat();
        assert!(verify(&bundle, &ca, "localhost", now).is_ok());
        // A self-signed certificate that is no CA was trusted already.
        assert!(verify(&leaf, &leaf, "localhost", now).is_ok());
        // Still refused: another certificate, another name, out of date.
        let text = |r: Result<ServerCertVerified, rustls::Error>| {
            handshake_error_text(&r.expect_err("must be refused"))
        };
        assert_eq!(
            text(verify(&ca, &other, "localhost", now)),
            "tls: failed to verify certificate: x509: certificate signed by unknown authority"
        );
        assert_eq!(
            text(verify(&ca, &ca, "example.com", now)),
            "tls: failed to verify certificate: x509: certificate is valid for localhost, not example.com"
        );
        let in_2200 = UnixTime::since_unix_epoch(std::time::Duration::from_secs(7_258_118_400));
        assert!(text(verify(&ca, &ca, "localhost", in_2200))
            .starts_with("tls: failed to verify certificate: x509: certificate has expired"));
    }

    #[test]
    fn webpki_names_read_as_go_writes_them() {
        let presented: Vec<String> = [
            "DnsName(\"localhost\")",
            "DnsName(\"kubernetes\")",
            "IpAddress(127.0.0.1)",
            "IpAddress(0::1)",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            hostname_error("foo.example", &presented),
            "x509: certificate is valid for localhost, kubernetes, not foo.example"
        );
        assert_eq!(
            hostname_error("10.0.0.1", &presented),
            "x509: certificate is valid for 127.0.0.1, ::1, not 10.0.0.1"
        );
    }

    #[test]
    fn hostname_errors_like_go() {
        let presented = vec![
            "localhost".to_string(),
            "kubernetes".to_string(),
            "127.0.0.1".to_string(),
        ];
        assert_eq!(
            hostname_error("foo.example", &presented),
            "x509: certificate is valid for localhost, kubernetes, not foo.example"
        );
        assert_eq!(
            hostname_error("10.0.0.1", &presented),
            "x509: certificate is valid for 127.0.0.1, not 10.0.0.1"
        );
        assert_eq!(
            hostname_error("10.0.0.1", &presented[..2]),
            "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs"
        );
    }

    #[test]
    fn insecure_with_a_ca_is_refused() {
        let r = ResolvedConfig {
            insecure: true,
            ca_file: "/x".into(),
            ..Default::default()
        };
        let err = client_config(&r, Arc::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "specifying a root certificates file with the insecure flag is not allowed"
        );
        let r = ResolvedConfig {
            ca_data: b"garbage".to_vec(),
            ..Default::default()
        };
        assert_eq!(
            client_config(&r, Arc::default()).unwrap_err(),
            TlsSetupError::BadCa
        );
    }

    #[test]
    fn mismatched_pairs_in_go_words() {
        assert_eq!(
            certified_key(b"", b"").unwrap_err(),
            "tls: failed to find any PEM data in certificate input"
        );
    }
}

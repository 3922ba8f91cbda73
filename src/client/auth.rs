//! Who the requests say they are: a bearer token (inline or from a file,
//! re-read and trimmed as client-go does), basic auth, an exec plugin's
//! credential, an auth provider's token, and impersonation headers. A value
//! that cannot be an HTTP header is refused with Go's words rather than
//! sent (`net/http: invalid header field value for "Authorization"`).

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::exec::{ExecCredential, ExecProvider};
use crate::kubeconfig::ResolvedConfig;

/// A request that cannot be sent as it stands.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    #[error("net/http: invalid header field value for {0:?}")]
    InvalidHeader(String),
    /// An exec plugin or auth provider could not give a credential.
    #[error("{0}")]
    Credentials(String),
}

pub enum Credentials {
    None,
    Bearer(String),
    /// `tokenFile`: read for each request, trimmed; when it is unreadable or
    /// empty, the token read when the kubeconfig was loaded.
    TokenFile {
        path: String,
        fallback: String,
    },
    Basic(String),
    Exec(Arc<ExecProvider>),
    /// An auth provider that cannot give a token: each request fails so.
    Failing(String),
}

/// The credentials in use for one request, kept to react to a 401.
pub enum Used {
    Nothing,
    Exec(Arc<ExecCredential>),
}

pub struct Auth {
    pub credentials: Credentials,
    /// Impersonation headers, checked when a request is made.
    impersonation: Vec<(String, String)>,
}

impl Auth {
    /// client-go's choice: a token or basic auth; otherwise an exec plugin
    /// unless a client certificate is configured; otherwise an auth provider.
    pub fn new(r: &ResolvedConfig, cluster_info: Value) -> Result<Auth, String> {
        let credentials = if !r.bearer_token_file.is_empty() {
            Credentials::TokenFile {
                path: r.bearer_token_file.clone(),
                fallback: r.bearer_token.clone(),
            }
        } else if !r.bearer_token.is_empty() {
            Credentials::Bearer(r.bearer_token.clone())
        } else if !r.username.is_empty() || !r.password.is_empty() {
            Credentials::Basic(format!(
                "Basic {}",
                crate::kubeconfig::base64::encode_std(
                    format!("{}:{}", r.username, r.password).as_bytes()
                )
            ))
        } else if let Some(provider) = &r.auth_provider {
            match auth_provider_token(&provider.name, provider.config.clone().unwrap_or_default())?
            {
                Ok(token) => Credentials::Bearer(token),
                Err(at_request) => Credentials::Failing(at_request),
            }
        } else if let Some(exec) = &r.exec {
            if r.client_certificate_data.is_empty() && r.client_certificate_file.is_empty() {
                Credentials::Exec(Arc::new(ExecProvider::new(exec.clone(), cluster_info)?))
            } else {
                Credentials::None
            }
        } else {
            Credentials::None
        };
        let mut impersonation = Vec::new();
        if let Some(imp) = &r.impersonate {
            if !imp.user.is_empty() {
                impersonation.push(("Impersonate-User".into(), imp.user.clone()));
            }
            if !imp.uid.is_empty() {
                impersonation.push(("Impersonate-Uid".into(), imp.uid.clone()));
            }
            for g in &imp.groups {
                impersonation.push(("Impersonate-Group".into(), g.clone()));
            }
            for (k, values) in &imp.extra {
                for v in values {
                    impersonation.push((
                        format!("Impersonate-Extra-{}", header_key_escape(k)),
                        v.clone(),
                    ));
                }
            }
        }
        Ok(Auth {
            credentials,
            impersonation,
        })
    }

    pub fn exec(&self) -> Option<&Arc<ExecProvider>> {
        match &self.credentials {
            Credentials::Exec(p) => Some(p),
            _ => None,
        }
    }

    /// Adds this invocation's identity to a request's headers.
    pub async fn apply(&self, headers: &mut HeaderMap) -> Result<Used, AuthError> {
        let mut used = Used::Nothing;
        let authorization = match &self.credentials {
            Credentials::None => None,
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
            Credentials::TokenFile { path, fallback } => {
                let token = std::fs::read(path)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| fallback.clone());
                Some(format!("Bearer {token}"))
            }
            Credentials::Basic(value) => Some(value.clone()),
            Credentials::Failing(why) => return Err(AuthError::Credentials(why.clone())),
            Credentials::Exec(provider) => {
                let credential = provider
                    .credential()
                    .await
                    .map_err(AuthError::Credentials)?;
                let header =
                    (!credential.token.is_empty()).then(|| format!("Bearer {}", credential.token));
                used = Used::Exec(credential);
                header
            }
        };
        if let Some(value) = authorization {
            set(headers, "Authorization", &value)?;
        }
        for (name, value) in &self.impersonation {
            append(headers, name, value)?;
        }
        Ok(used)
    }

    /// A 401: an exec plugin's credential is not used again.
    pub async fn unauthorized(&self, used: &Used) {
        if let (Credentials::Exec(provider), Used::Exec(credential)) = (&self.credentials, used) {
            provider.forget(credential).await;
        }
    }
}

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), AuthError> {
    let invalid = || AuthError::InvalidHeader(name.to_string());
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
    let mut v = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| invalid())?;
    v.set_sensitive(name == "Authorization");
    Ok((n, v))
}

fn set(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), AuthError> {
    let (n, v) = header(name, value)?;
    headers.insert(n, v);
    Ok(())
}

fn append(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), AuthError> {
    let (n, v) = header(name, value)?;
    headers.append(n, v);
    Ok(())
}

/// client-go's escaping of impersonation extra keys: bytes outside HTTP's
/// token characters become `%XX`.
pub fn header_key_escape(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        let legal = b.is_ascii_alphanumeric() || b"%!#$&'*+-.^_`|~".contains(&b);
        if legal {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bearer token of a kubeconfig `auth-provider`: client-go 1.37 keeps
/// only `oidc` (the gcp and azure providers are stubs that explain their
/// removal). kuddle uses a still-valid `id-token` and does not refresh it.
fn auth_provider_token(
    name: &str,
    config: std::collections::BTreeMap<String, String>,
) -> Result<Result<String, String>, String> {
    match name {
        "gcp" => Err("The gcp auth plugin has been removed.\nPlease use the \"gke-gcloud-auth-plugin\" kubectl/client-go credential plugin instead.\nSee https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details".into()),
        "azure" => Err("The azure auth plugin has been removed.\nPlease use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.\nSee https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details".into()),
        "oidc" => {
            let get = |k: &str| config.get(k).cloned().unwrap_or_default();
            if get("idp-issuer-url").is_empty() {
                return Err("Must provide idp-issuer-url".into());
            }
            if get("client-id").is_empty() {
                return Err("Must provide client-id".into());
            }
            // The token is checked when a request needs it.
            let token = get("id-token");
            if !token.is_empty() {
                if token.split('.').count() != 3 {
                    return Ok(Err("ID Token is not a valid JWT".into()));
                }
                if !jwt_expired(&token) {
                    return Ok(Ok(token));
                }
            }
            if get("refresh-token").is_empty() {
                return Ok(Err("No valid id-token, and cannot refresh without refresh-token".into()));
            }
            Ok(Err("failed to refresh token: refreshing an oidc id-token is not supported by kuddle".into()))
        }
        other => Err(format!(
            "no Auth Provider found for name {}",
            crate::flags::go_values::go_quote(other)
        )),
    }
}

/// Whether a JWT's `exp` claim has passed (unreadable tokens count as
/// expired, as client-go's oidc provider treats them).
fn jwt_expired(token: &str) -> bool {
    let Some(payload) = token.split('.').nth(1) else {
        return true;
    };
    use base64::Engine as _;
    let decoded =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='));
    let Ok(bytes) = decoded else {
        return true;
    };
    let Ok(claims) = serde_json::from_slice::<Value>(&bytes) else {
        return true;
    };
    match claims.get("exp").and_then(Value::as_f64) {
        Some(exp) => (chrono::Utc::now().timestamp() as f64) + 10.0 > exp,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(token: &str) -> ResolvedConfig {
        ResolvedConfig {
            bearer_token: token.into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn tokens_with_control_characters_are_refused() {
        let auth = Auth::new(&resolved("abc\n"), Value::Null).unwrap();
        let mut headers = HeaderMap::new();
        let err = auth.apply(&mut headers).await.err().unwrap();
        assert_eq!(
            err.to_string(),
            "net/http: invalid header field value for \"Authorization\""
        );
        let auth = Auth::new(&resolved(" a b\t"), Value::Null).unwrap();
        assert!(auth.apply(&mut headers).await.is_ok());
    }

    #[tokio::test]
    async fn token_files_are_trimmed() {
        let dir = std::env::temp_dir().join(format!("kuddle-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "tok\n\n").unwrap();
        let r = ResolvedConfig {
            bearer_token: "tok\n\n".into(),
            bearer_token_file: path.display().to_string(),
            ..Default::default()
        };
        let auth = Auth::new(&r, Value::Null).unwrap();
        let mut headers = HeaderMap::new();
        auth.apply(&mut headers).await.unwrap();
        assert_eq!(headers["authorization"], "Bearer tok");
        std::fs::write(&path, "  \n").unwrap();
        let r = ResolvedConfig {
            bearer_token: "  \n".into(),
            ..r
        };
        let auth = Auth::new(&r, Value::Null).unwrap();
        assert!(auth.apply(&mut headers).await.is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn extra_keys_are_escaped() {
        assert_eq!(header_key_escape("a/b c%"), "a%2Fb%20c%");
    }
}

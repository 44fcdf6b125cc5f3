//! sut.yaml `trigger.ssf`: the SUT as an SSF transmitter, its issuer and the
//! receivers the harness acts as, resolved into an [`SsfSut`] with every
//! problem named by file and field. Secrets come only from the environment
//! or files, as everywhere in sut.yaml.

use super::secret::{SecretRef, read_secret};
use crate::catalogue::{LoadError, SourceFile, shown};
use crate::ssf::assertion::SigningKey;
use crate::ssf::{ClientAuth, ClientCredentials, Receiver, SsfAuth, SsfSut};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub(super) struct SsfSection {
    issuer: String,
    auth: ReceiverSection,
    #[serde(default)]
    other_receiver: Option<ReceiverSection>,
}

#[derive(Debug, Deserialize)]
struct ReceiverSection {
    #[serde(default)]
    bearer_token: Option<SecretRef>,
    #[serde(default)]
    client_credentials: Option<ClientCredentialsSection>,
}

#[derive(Debug, Deserialize)]
struct ClientCredentialsSection {
    token_endpoint: String,
    client_id: String,
    #[serde(default)]
    client_secret: Option<SecretRef>,
    #[serde(default)]
    method: Option<Method>,
    #[serde(default)]
    private_key_file: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
}

/// Client authentication at the token endpoint (RFC 6749 §2.3.1, RFC 7523 §2.2).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Method {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
}

/// Where a section is read from, and where its problems go.
struct Reading<'a> {
    file: &'a SourceFile,
    base: &'a Path,
    errors: &'a mut Vec<LoadError>,
}

impl SsfSection {
    /// The SUT as an SSF transmitter; `None` when a problem was recorded.
    pub(super) fn resolve(self, file: &SourceFile, base: &Path, errors: &mut Vec<LoadError>) -> Option<SsfSut> {
        let before = errors.len();
        let mut at = Reading { file, base, errors };
        if let Err(e) = crate::ssf::discovery::check_issuer(&self.issuer) {
            // The issuer is quoted as every value in an error is: cut short.
            let why = e.to_string().replace(&format!("{:?}", self.issuer), &shown::text(&self.issuer));
            at.errors.push(file.error("/trigger/ssf/issuer", why));
        }
        let receiver = self.auth.resolve("/trigger/ssf/auth", &mut at);
        let other = self.other_receiver.map(|r| r.resolve("/trigger/ssf/other_receiver", &mut at));
        let other_receiver = match other {
            Some(None) => return None,
            Some(Some(r)) => Some(r),
            None => None,
        };
        let receiver = receiver?;
        (errors.len() == before).then_some(SsfSut { issuer: self.issuer, receiver, other_receiver })
    }
}

impl ReceiverSection {
    fn resolve(self, pointer: &str, at: &mut Reading<'_>) -> Option<Receiver> {
        let auth = match (self.bearer_token, self.client_credentials) {
            (Some(secret), None) => SsfAuth::Bearer(at.secret(secret, &format!("{pointer}/bearer_token"))?),
            (None, Some(cc)) => SsfAuth::ClientCredentials(cc.resolve(&format!("{pointer}/client_credentials"), at)?),
            _ => {
                at.errors.push(at.file.error(pointer, "give either bearer_token or client_credentials".to_owned()));
                return None;
            }
        };
        Some(Receiver::new(auth))
    }
}

impl ClientCredentialsSection {
    fn resolve(self, pointer: &str, at: &mut Reading<'_>) -> Option<ClientCredentials> {
        // The client's secret goes there: TLS, or a loopback test server in the clear.
        let endpoint_ok = url::Url::parse(&self.token_endpoint)
            .is_ok_and(|u| u.scheme() == "https" || crate::ssf::metadata::is_loopback_cleartext(&u));
        if !endpoint_ok {
            let why = format!("{} is neither https nor http on a loopback address", shown::text(&self.token_endpoint));
            at.errors.push(at.file.error(&format!("{pointer}/token_endpoint"), why));
        }
        let method = self.method.unwrap_or(match self.private_key_file {
            Some(_) => Method::PrivateKeyJwt,
            None => Method::ClientSecretBasic,
        });
        let auth = match method {
            Method::ClientSecretBasic | Method::ClientSecretPost => {
                let Some(secret) = self.client_secret else {
                    let why = "the method needs a client_secret".to_owned();
                    at.errors.push(at.file.error(&format!("{pointer}/client_secret"), why));
                    return None;
                };
                let secret = at.secret(secret, &format!("{pointer}/client_secret"))?;
                match method {
                    Method::ClientSecretPost => ClientAuth::SecretPost(secret),
                    _ => ClientAuth::SecretBasic(secret),
                }
            }
            Method::PrivateKeyJwt => ClientAuth::PrivateKeyJwt(at.key(self.private_key_file, pointer)?),
        };
        let client = ClientCredentials {
            token_endpoint: self.token_endpoint,
            client_id: self.client_id,
            auth,
            scopes: self.scopes,
        };
        endpoint_ok.then_some(client)
    }
}

impl Reading<'_> {
    fn secret(&mut self, secret: SecretRef, pointer: &str) -> Option<String> {
        read_secret(secret, pointer, self.file, self.base, self.errors)
    }

    /// `private_key_file`, read relative to sut.yaml and parsed.
    fn key(&mut self, path: Option<String>, pointer: &str) -> Option<SigningKey> {
        let pointer = format!("{pointer}/private_key_file");
        let Some(path) = path else {
            self.errors.push(self.file.error(&pointer, "private_key_jwt needs a private_key_file".to_owned()));
            return None;
        };
        let parsed = std::fs::read(self.base.join(&path)).map_err(|e| e.to_string());
        let parsed = parsed.and_then(|pem| SigningKey::from_pem(&pem));
        parsed.map_err(|e| self.errors.push(self.file.error(&pointer, format!("{}: {e}", shown::text(&path))))).ok()
    }
}

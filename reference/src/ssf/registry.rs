//! What the reference knows as an SSF transmitter: its address, the access
//! tokens it issued to its receivers, and their streams.

use super::stream::Stream;
use super::{SSF_RECEIVERS, unguessable};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an access token from the token endpoint lasts (its `expires_in`).
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(300);

pub struct Ssf {
    /// `https://{addr}`: the origin every SSF URL of the reference is on.
    origin: String,
    /// The client that pushes to streams' endpoints: it trusts the system's
    /// roots, the reference's own test CA and any CA the reference was given.
    client: reqwest::Client,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Issued access token → (client id, expiry).
    tokens: HashMap<String, (String, Instant)>,
    /// Every stream, oldest first.
    streams: Vec<Stream>,
}

impl Ssf {
    /// The transmitter on `origin`, pushing with certificates that chain to
    /// `trusted` (PEM) as well as the usual roots.
    pub fn new(origin: String, trusted: &[&[u8]]) -> Ssf {
        Ssf { origin, client: push_client(trusted), inner: Mutex::default() }
    }

    /// SSF §7.1: the transmitter's issuer.
    pub fn issuer(&self) -> String {
        format!("{}/ssf", self.origin)
    }

    /// The URL of `path` (starting with `/`) on the reference's origin.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The `aud` of a receiver's streams.
    pub fn audience_of(&self, client_id: &str) -> String {
        format!("{}/receivers/{client_id}", self.issuer())
    }

    pub fn push_client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// A new access token for `client_id` (RFC 6749 §4.4.3).
    pub fn issue_token(&self, client_id: &str) -> String {
        let token = format!("ssf-at-{}", unguessable());
        let mut inner = self.lock();
        let now = Instant::now();
        inner.tokens.retain(|_, (_, until)| *until > now);
        inner.tokens.insert(token.clone(), (client_id.to_owned(), now + TOKEN_LIFETIME));
        token
    }

    /// The receiver a bearer token stands for: a static token, or one issued and not expired.
    pub fn client_of(&self, token: &str) -> Option<String> {
        if let Some((client, _, _)) = SSF_RECEIVERS.iter().find(|(_, _, t)| *t == token) {
            return Some((*client).to_owned());
        }
        let inner = self.lock();
        inner.tokens.get(token).filter(|(_, until)| *until > Instant::now()).map(|(client, _)| client.clone())
    }

    /// Runs `f` on every stream, oldest first. `f` may act on the peers, never the reverse.
    pub fn with_streams<R>(&self, f: impl FnOnce(&mut Vec<Stream>) -> R) -> R {
        f(&mut self.lock().streams)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn push_client(trusted: &[&[u8]]) -> reqwest::Client {
    let certs: Vec<reqwest::Certificate> =
        trusted.iter().filter_map(|pem| reqwest::Certificate::from_pem_bundle(pem).ok()).flatten().collect();
    let builder = || {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
    };
    builder().tls_certs_merge(certs).build().or_else(|_| builder().build()).unwrap_or_default()
}

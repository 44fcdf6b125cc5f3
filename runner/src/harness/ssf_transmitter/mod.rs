//! The harness as an SSF transmitter (SSF 1.0 §7, §8) for a receiving SUT,
//! one per scenario on a loopback port, over TLS with the run's CA:
//!
//! - the metadata at the well-known URL, the issuer's path inserted after it
//!   (§7.2), so that a receiver that builds the URL wrongly is seen;
//! - a token endpoint for the client-credentials grant (RFC 6749 §4.4), whose
//!   access token every other call must present (§8, `authorization_schemes`);
//! - the stream configuration, status, subject and verification endpoints
//!   (§8.1), in [`api`].
//!
//! It answers on its own, as a plain transmitter would, and logs every call
//! ([`SutCall`]); the scenario that owns it reads the log and judges. Some
//! scenarios make it answer wrongly on purpose ([`Choices`]): metadata naming
//! another issuer (SSF-DISC-005), a stream naming another `iss` (SSF-STRM-007).

mod api;

use super::authorization::ClientCredentials;
use super::pki::HarnessPki;
pub use crate::catalogue::ssf_receiver_step::{CallKind, IssuerChoice};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// The issuer a foreign metadata document or stream names: not the harness.
pub const FOREIGN_ISSUER: &str = "https://impostor.setconform.invalid/ssf";
/// The well-known suffix of SSF transmitter metadata (SSF §7.2).
const WELL_KNOWN: &str = "/.well-known/ssf-configuration";

/// How the transmitter answers, scenario by scenario.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The `issuer` of the metadata (SSF-DISC-005).
    pub metadata_issuer: IssuerChoice,
    /// The `iss` of the configuration a create answers with (SSF-STRM-007).
    pub stream_iss: IssuerChoice,
}

/// What the transmitter is given to serve.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The harness's `jwks_uri` (SSF §7.1).
    pub jwks_uri: String,
    /// Where a poll stream is polled (RFC 8936), if the scenario offers one.
    pub poll_endpoint: Option<String>,
    /// The client the token endpoint issues to, and the token it issues.
    pub client: ClientCredentials,
    pub access_token: String,
    pub choices: Choices,
}

/// One call of the SUT and the harness's answer.
#[derive(Debug, Clone)]
pub struct SutCall {
    pub kind: CallKind,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
    pub status: u16,
    pub answer: Vec<u8>,
}

impl SutCall {
    /// The body, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A stream the SUT made: what it asked for and what it was answered.
#[derive(Debug, Clone)]
pub struct Stream {
    pub id: String,
    pub requested: Value,
    pub config: Value,
    pub status: String,
}

impl Stream {
    /// The push endpoint the SUT gave, and the `authorization_header` it asked for (SSF §6.1.1).
    pub fn push_target(&self) -> Option<(String, Option<String>)> {
        let delivery = self.config.get("delivery")?;
        let url = delivery.get("endpoint_url")?.as_str()?;
        let header = delivery.get("authorization_header").and_then(Value::as_str).map(str::to_owned);
        Some((url.to_owned(), header))
    }

    /// The `aud` of the stream's SETs (SSF §8.1.1).
    pub fn audience(&self) -> String {
        match self.config.get("aud") {
            Some(Value::String(a)) => a.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Default)]
struct Log {
    calls: Vec<SutCall>,
    streams: Vec<Stream>,
}

pub(crate) struct Shared {
    /// `https://host:port`.
    origin: String,
    /// The issuer's path, e.g. `/ssf/<private segment>`.
    base: String,
    setup: Setup,
    log: Mutex<Log>,
    changed: Notify,
}

impl Shared {
    fn new(origin: String, base: String, setup: Setup) -> Arc<Shared> {
        Arc::new(Shared { origin, base, setup, log: Mutex::new(Log::default()), changed: Notify::new() })
    }

    fn issuer(&self) -> String {
        format!("{}{}", self.origin, self.base)
    }
}

/// A running transmitter; it stops when dropped.
pub struct SsfTransmitter {
    /// The issuer the receiver is told (a path under the origin, SSF §7.2).
    pub issuer: String,
    /// The metadata URL built from it (SSF §7.2).
    pub metadata_url: String,
    pub token_endpoint: String,
    shared: Arc<Shared>,
    _stop: Option<watch::Sender<bool>>,
    /// On the stable listener: the route, removed when the transmitter drops.
    _route: Option<super::router::RouteGuard>,
}

impl SsfTransmitter {
    /// Listens on `listen` (port 0 for a free one).
    pub async fn start(listen: SocketAddr, pki: &HarnessPki, setup: Setup) -> std::io::Result<SsfTransmitter> {
        let listener = TcpListener::bind(listen).await?;
        let origin = format!("https://{}", listener.local_addr()?);
        let base = format!("/ssf/{}", super::listener::private_segment());
        let shared = Shared::new(origin, base, setup);
        let router = Router::new().fallback(serve).with_state(shared.clone());
        let stop = super::listener::serve_tls(listener, pki, router)?;
        Ok(SsfTransmitter::of(shared, Some(stop), None))
    }

    /// A transmitter on the run's stable listener, for a receiver configured by
    /// hand: its issuer is `https://<listener><issuer_path>`, fixed for the run.
    pub fn routed(router: &super::router::StableRouter, issuer_path: &str, setup: Setup) -> SsfTransmitter {
        let origin = router.base_url.strip_suffix(router.base_path()).unwrap_or(&router.base_url).to_owned();
        let shared = Shared::new(origin, issuer_path.trim_end_matches('/').to_owned(), setup);
        let route = router.add(Arc::new(TransmitterRoute(shared.clone())));
        SsfTransmitter::of(shared, None, Some(route))
    }

    fn of(shared: Arc<Shared>, stop: Option<watch::Sender<bool>>, route: Option<super::router::RouteGuard>) -> Self {
        let (origin, base) = (&shared.origin, &shared.base);
        SsfTransmitter {
            issuer: format!("{origin}{base}"),
            metadata_url: format!("{origin}{WELL_KNOWN}{base}"),
            token_endpoint: format!("{origin}{base}/token"),
            shared: shared.clone(),
            _stop: stop,
            _route: route,
        }
    }

    /// The calls from the `from`th (0-based) on.
    pub fn calls_from(&self, from: usize) -> Vec<SutCall> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .calls
            .get(from..)
            .map(<[_]>::to_vec)
            .unwrap_or_default()
    }

    /// The streams the SUT made and has not deleted, oldest first.
    pub fn streams(&self) -> Vec<Stream> {
        self.shared.log.lock().unwrap_or_else(|e| e.into_inner()).streams.clone()
    }

    /// Waits up to `wait` for the first call of `kind` from the `from`th on;
    /// returns its place in the log and the call.
    pub async fn wait_for(&self, kind: CallKind, from: usize, wait: Duration) -> Option<(usize, SutCall)> {
        let until = Instant::now() + wait;
        loop {
            let changed = self.shared.changed.notified();
            let found = self.calls_from(from).into_iter().enumerate().find(|(_, c)| c.kind == kind);
            if let Some((i, call)) = found {
                return Some((from + i, call));
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || tokio::time::timeout(left, changed).await.is_err() {
                return None;
            }
        }
    }
}

/// Most calls of the SUT kept in the log, and most bytes of each body.
const MAX_LOGGED_CALLS: usize = 512;
const MAX_LOGGED_BODY: usize = 64 * 1024;

/// Largest request body the transmitter reads on the stable listener.
const MAX_BODY: usize = 1024 * 1024;

/// The transmitter's URLs on the stable listener.
struct TransmitterRoute(Arc<Shared>);

impl super::router::Route for TransmitterRoute {
    fn claims(&self, path: &str) -> bool {
        let base = &self.0.base;
        path == format!("{WELL_KNOWN}{base}") || path.strip_prefix(base.as_str()).is_some_and(|r| r.starts_with('/'))
    }

    fn serve(
        &self,
        request: axum::extract::Request,
        _bare: bool,
    ) -> futures_util::future::BoxFuture<'static, Response> {
        let shared = self.0.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
                return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
            };
            serve(State(shared), parts.method, parts.uri, parts.headers, body).await
        })
    }
}

async fn serve(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let (kind, response) = api::answer(&shared, &method, &uri, &headers, &body);
    let (parts, answer) = response.into_parts();
    let answer = axum::body::to_bytes(answer, usize::MAX).await.unwrap_or_default();
    let call = SutCall {
        kind,
        method: method.to_string(),
        url: format!("{}{}", shared.origin, uri),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body[..body.len().min(MAX_LOGGED_BODY)].to_vec(),
        at,
        status: parts.status.as_u16(),
        answer: answer.to_vec(),
    };
    let mut log = shared.log.lock().unwrap_or_else(|e| e.into_inner());
    // A SUT that floods the transmitter is answered, and only its first calls are kept.
    if log.calls.len() < MAX_LOGGED_CALLS {
        log.calls.push(call);
    }
    drop(log);
    shared.changed.notify_waiters();
    Response::from_parts(parts, axum::body::Body::from(answer))
}

#[cfg(test)]
mod tests;

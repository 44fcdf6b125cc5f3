//! The harness's own Pushpull endpoint, for scenarios in which the SUT is the
//! initiator (pushpull §6): one per scenario on a loopback port. Every request
//! is handed to the scenario, which judges it and scripts the answer.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};

/// The harness endpoint's TLS identity: fixed test certificates for 127.0.0.1
/// and localhost. A SUT trusts `HARNESS_CA` (sent at registration, and written
/// beside every report as harness-ca.pem).
const TLS_CHAIN: &[u8] = include_bytes!("../keys/tls/server.pem");
const TLS_KEY: &[u8] = include_bytes!("../keys/tls/server-key.pem");
pub const HARNESS_CA: &str = include_str!("../keys/tls/ca.pem");

/// Largest request body the endpoint reads.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Requests that may wait for the scenario before the endpoint answers 503.
const INBOX: usize = 64;

/// A request from the SUT, as it arrived.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

/// The answer a scenario gives to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

pub struct Inbound {
    pub request: Captured,
    pub reply: oneshot::Sender<Reply>,
}

pub struct HarnessEndpoint {
    /// The endpoint URL the SUT is told to call.
    pub url: String,
    inbox: mpsc::Receiver<Inbound>,
    _stop: watch::Sender<bool>,
}

#[derive(Clone)]
struct Shared {
    inbox: mpsc::Sender<Inbound>,
    /// How long a request waits for the scenario's answer.
    patience: Duration,
}

impl HarnessEndpoint {
    /// Listens on `listen` (port 0 for a free one), over TLS unless `cleartext`;
    /// `patience` bounds how long a request waits for the scenario before it gets a 503.
    pub async fn start(
        listen: SocketAddr,
        public_base: Option<&str>,
        patience: Duration,
        cleartext: bool,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let (tx, inbox) = mpsc::channel(INBOX);
        let router = Router::new()
            .fallback(capture)
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(Shared { inbox: tx, patience });
        let (stop, mut stopped) = watch::channel(false);
        let shutdown = async move {
            let _ = stopped.changed().await;
        };
        if cleartext {
            tokio::spawn(async move { axum::serve(listener, router).with_graceful_shutdown(shutdown).await });
        } else {
            let config = setconform_reference::tls::server_config(TLS_CHAIN, TLS_KEY)?;
            let listener = setconform_reference::tls::TlsListener::new(listener, config, false)?;
            tokio::spawn(async move { axum::serve(listener, router).with_graceful_shutdown(shutdown).await });
        }
        let scheme = if cleartext { "http" } else { "https" };
        let base = match public_base {
            Some(b) => b.replace("{port}", &addr.port().to_string()).trim_end_matches('/').to_owned(),
            None => format!("{scheme}://{addr}"),
        };
        Ok(HarnessEndpoint { url: format!("{base}/pushpull"), inbox, _stop: stop })
    }

    /// The next request from the SUT, if one arrives within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<Inbound> {
        tokio::time::timeout(within, self.inbox.recv()).await.ok().flatten()
    }
}

async fn capture(State(shared): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let request = Captured {
        method: method.to_string(),
        url: uri.to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    };
    let (reply, answer) = oneshot::channel();
    if shared.inbox.try_send(Inbound { request, reply }).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the harness is not listening for this request").into_response();
    }
    match tokio::time::timeout(shared.patience, answer).await {
        Ok(Ok(r)) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, [(axum::http::header::CONTENT_TYPE, r.content_type)], r.body).into_response()
        }
        _ => (StatusCode::SERVICE_UNAVAILABLE, "the scenario did not answer this request").into_response(),
    }
}

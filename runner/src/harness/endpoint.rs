//! The harness's own Pushpull endpoint, for scenarios in which the SUT is the
//! initiator (pushpull §6): one per scenario on a loopback port. Every request
//! is handed to the scenario, which judges it and scripts the answer. A GET
//! with `Upgrade: websocket` on the same URL (AMB-01 reading (a)) is handed
//! over the same way; when the scenario answers 101 it gets the socket.
//!
//! The URL's path starts with a random segment of its own. A port is reused
//! once a scenario ends, and a peer that still holds the old URL (a SUT
//! retrying a delivery for a scenario that is over) must not be taken for the
//! SUT of the scenario now listening there: such requests get a 404 and are
//! only noted.

pub use super::authorization::ClientCredentials;
use super::authorization::{AuthLog, ResourceAuth};
pub use super::listener::Transport;
use super::listener::{private_segment, public_url, tls_listener};
use super::pki::HarnessPki;
use super::router::{Route, RouteGuard, StableRouter};
use crate::wire::websocket::{Io, MAX_MESSAGE, Socket};
use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use hyper::upgrade::OnUpgrade;
use setconform_tls::ClientCertificate;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// Largest request body the endpoint reads.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Largest token request the authorization server reads.
const MAX_AUTH_BODY: usize = 64 * 1024;
/// Requests that may wait for the scenario before the endpoint answers 503.
const INBOX: usize = 64;
/// Requests to other paths noted by method and path; the rest are only counted.
const STRAYS_NOTED: usize = 4;

/// A request from the SUT, as it arrived.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
    /// A WebSocket opening handshake: GET with `Upgrade: websocket`.
    pub upgrade: bool,
    /// The certificate (DER) the SUT presented as a TLS client on this connection, if any.
    pub client_certificate: Option<Vec<u8>>,
}

impl Captured {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The answer a scenario gives to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Further headers; for a 101, `Sec-WebSocket-Protocol` if any.
    pub headers: Vec<(String, String)>,
}

pub struct Inbound {
    pub request: Captured,
    pub reply: oneshot::Sender<Reply>,
    /// For a handshake answered 101: the socket, once the connection is upgraded.
    pub socket: Option<oneshot::Receiver<Socket>>,
}

pub struct HarnessEndpoint {
    /// The endpoint URL the SUT is told to call.
    pub url: String,
    inbox: mpsc::Receiver<Inbound>,
    http_requests: Arc<AtomicUsize>,
    strays: Arc<Strays>,
    auth: Arc<ResourceAuth>,
    first_request: Arc<Mutex<Option<Instant>>>,
    _stop: Option<watch::Sender<bool>>,
    /// On the stable listener: the route, removed when the endpoint drops.
    _route: Option<RouteGuard>,
}

/// How the endpoint tells a SUT to authenticate (pushpull §8.2).
#[derive(Debug, Clone)]
pub struct EndpointAuth {
    /// Whether protected-resource metadata and an authorization server are published.
    pub publish_metadata: bool,
    /// The client the authorization server issues tokens to.
    pub client: ClientCredentials,
}

/// Requests that reached the listener at a path outside the endpoint's URL.
#[derive(Default)]
struct Strays {
    count: AtomicUsize,
    noted: Mutex<Vec<String>>,
}

impl Strays {
    fn note(&self, method: &Method, path: &str) {
        self.count.fetch_add(1, Ordering::SeqCst);
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        if noted.len() < STRAYS_NOTED {
            // A path from the wire, cut short: it goes into a reason, not a transcript.
            noted.push(format!("{method} {}", path.chars().take(80).collect::<String>()));
        }
    }
}

#[derive(Clone)]
struct Shared {
    inbox: mpsc::Sender<Inbound>,
    /// Requests other than WebSocket handshakes that reached the endpoint.
    http_requests: Arc<AtomicUsize>,
    /// How long a request waits for the scenario's answer.
    patience: Duration,
    /// The path every request for this endpoint starts with: `/` and its private segment.
    scope: Arc<str>,
    strays: Arc<Strays>,
    auth: Arc<ResourceAuth>,
    /// When the first request to the endpoint's URL arrived.
    first_request: Arc<Mutex<Option<Instant>>>,
    /// On the stable listener, for a SUT that shares one peer: the path after
    /// the base URL that the SUT was given for every scenario.
    bare_path: Option<Arc<str>>,
}

impl HarnessEndpoint {
    /// Listens on `listen` (port 0 for a free one), served as `transport` says;
    /// `patience` bounds how long a request waits for the scenario before it gets a 503.
    /// `path` is the URL path the SUT is told, after the endpoint's private segment;
    /// every path under that segment is served.
    pub async fn start(
        listen: SocketAddr,
        public_base: Option<&str>,
        patience: Duration,
        transport: Transport,
        path: &str,
        auth: EndpointAuth,
        pki: &HarnessPki,
    ) -> std::io::Result<Self> {
        let cleartext = transport == Transport::Cleartext;
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let (tx, inbox) = mpsc::channel(INBOX);
        let http_requests = Arc::new(AtomicUsize::new(0));
        let strays = Arc::new(Strays::default());
        let scope = format!("/{}", private_segment());
        let scheme = if cleartext { "http" } else { "https" };
        let url = public_url(public_base, scheme, addr, &format!("{scope}{path}"));
        let auth = Arc::new(ResourceAuth::new(&url, &scope, auth.publish_metadata, auth.client));
        let first_request = Arc::new(Mutex::new(None));
        let shared = Shared {
            inbox: tx,
            http_requests: http_requests.clone(),
            patience,
            scope: scope.clone().into(),
            strays: strays.clone(),
            auth: auth.clone(),
            first_request: first_request.clone(),
            bare_path: None,
        };
        let router = Router::new().fallback(capture).with_state(shared);
        let (stop, mut stopped) = watch::channel(false);
        let shutdown = async move {
            let _ = stopped.changed().await;
        };
        if cleartext {
            tokio::spawn(async move { axum::serve(listener, router).with_graceful_shutdown(shutdown).await });
        } else {
            let listener = tls_listener(listener, pki, transport)?;
            // Each request then knows the client certificate of its connection (mutual TLS).
            let service = router.into_make_service_with_connect_info::<ClientCertificate>();
            tokio::spawn(async move { axum::serve(listener, service).with_graceful_shutdown(shutdown).await });
        }
        Ok(HarnessEndpoint { url, inbox, http_requests, strays, auth, first_request, _stop: Some(stop), _route: None })
    }

    /// The endpoint as a route of the run's stable listener (TLS with the
    /// harness's certificate), under its base path and a private segment;
    /// with `bare_path`, it also takes requests for the base URL and that path.
    pub fn routed(
        router: &StableRouter,
        patience: Duration,
        path: &str,
        bare_path: Option<&str>,
        auth: EndpointAuth,
    ) -> Self {
        let (tx, inbox) = mpsc::channel(INBOX);
        let segment = private_segment();
        let scope = format!("{}/{segment}", router.base_path());
        let url = format!("{}/{segment}{path}", router.base_url);
        let auth = Arc::new(ResourceAuth::new(&url, &scope, auth.publish_metadata, auth.client));
        let shared = Shared {
            inbox: tx,
            http_requests: Arc::default(),
            patience,
            scope: scope.into(),
            strays: Arc::default(),
            auth: auth.clone(),
            first_request: Arc::default(),
            bare_path: bare_path.map(Arc::from),
        };
        let (http_requests, strays, first_request) =
            (shared.http_requests.clone(), shared.strays.clone(), shared.first_request.clone());
        let route = router.add(Arc::new(shared));
        HarnessEndpoint { url, inbox, http_requests, strays, auth, first_request, _stop: None, _route: Some(route) }
    }

    /// What the SUT asked of the endpoint's metadata and authorization server.
    pub fn auth_log(&self) -> AuthLog {
        self.auth.log()
    }

    /// When the first request to the endpoint's URL arrived, if one has.
    pub fn first_request(&self) -> Option<Instant> {
        *self.first_request.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Requests that came to the listener outside this endpoint's URL: how many,
    /// and the first few by method and path.
    pub fn strays(&self) -> (usize, Vec<String>) {
        let noted = self.strays.noted.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (self.strays.count.load(Ordering::SeqCst), noted)
    }

    /// How many requests other than WebSocket handshakes have reached the endpoint so far.
    pub fn http_requests(&self) -> usize {
        self.http_requests.load(Ordering::SeqCst)
    }

    /// The next request from the SUT, if one arrives within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<Inbound> {
        tokio::time::timeout(within, self.inbox.recv()).await.ok().flatten()
    }
}

impl Route for Shared {
    fn claims(&self, path: &str) -> bool {
        let own = path.strip_prefix(&*self.scope).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        own || self.auth.target(path).is_some()
    }

    fn takes_bare(&self, rest: &str) -> bool {
        self.bare_path.as_deref() == Some(rest)
    }

    fn is_endpoint(&self) -> bool {
        true
    }

    fn serve(&self, request: axum::extract::Request, bare: bool) -> BoxFuture<'static, Response> {
        Box::pin(handle(self.clone(), request, bare))
    }

    fn stray(&self, method: &Method, path: &str) {
        self.strays.note(method, path);
    }
}

async fn capture(State(shared): State<Shared>, request: axum::extract::Request) -> Response {
    handle(shared, request, false).await
}

/// Answers one request; `bare`: it came for the stable listener's base URL,
/// which a SUT set up once uses for every scenario.
async fn handle(shared: Shared, request: axum::extract::Request, bare: bool) -> Response {
    let (mut parts, body) = request.into_parts();
    let arrived = Instant::now();
    // Metadata and token requests are answered on their own, not handed to the scenario.
    if let Some(target) = shared.auth.target(parts.uri.path()) {
        let Ok(body) = axum::body::to_bytes(body, MAX_AUTH_BODY).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        };
        return shared.auth.answer(target, &parts.method, &parts.headers, &body);
    }
    if !bare && !parts.uri.path().starts_with(&*shared.scope) {
        shared.strays.note(&parts.method, parts.uri.path());
        return (StatusCode::NOT_FOUND, "no endpoint at this path").into_response();
    }
    let upgrade = parts.method == Method::GET
        && parts
            .headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let on_upgrade = if upgrade { parts.extensions.remove::<OnUpgrade>() } else { None };
    if !upgrade {
        shared.http_requests.fetch_add(1, Ordering::SeqCst);
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    shared.first_request.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(arrived);
    let request = Captured {
        method: parts.method.to_string(),
        url: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
        upgrade,
        client_certificate: parts
            .extensions
            .get::<ConnectInfo<ClientCertificate>>()
            .and_then(|ConnectInfo(c)| c.der.as_ref().map(|der| der.to_vec())),
    };
    let key = request.header("sec-websocket-key").map(|k| derive_accept_key(k.trim().as_bytes()));
    let (reply, answer) = oneshot::channel();
    let (socket_tx, socket_rx) = oneshot::channel();
    let socket = on_upgrade.is_some().then_some(socket_rx);
    if shared.inbox.try_send(Inbound { request, reply, socket }).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the harness is not listening for this request").into_response();
    }
    let reply = match tokio::time::timeout(shared.patience, answer).await {
        Ok(Ok(r)) => r,
        _ => return (StatusCode::SERVICE_UNAVAILABLE, "the scenario did not answer this request").into_response(),
    };
    // Status 0: end the exchange with no HTTP answer at all (a dropped connection).
    if reply.status == 0 {
        let failing =
            futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("dropped on purpose")) });
        return Response::new(axum::body::Body::from_stream(failing));
    }
    if reply.status == 101 {
        return match (on_upgrade, key) {
            (Some(on_upgrade), Some(accept)) => switch_protocols(on_upgrade, &accept, reply.headers, socket_tx),
            _ => (StatusCode::BAD_REQUEST, "not a WebSocket opening handshake").into_response(),
        };
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response();
    append_headers(&mut response, reply.headers);
    response
}

/// Answers a handshake with 101 (RFC 6455 §4.2.2) and hands the upgraded
/// connection to the scenario as a server-side socket.
fn switch_protocols(
    on_upgrade: OnUpgrade,
    accept: &str,
    headers: Vec<(String, String)>,
    socket: oneshot::Sender<Socket>,
) -> Response {
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else { return };
        let io: Box<dyn Io> = Box::new(hyper_util::rt::TokioIo::new(upgraded));
        let config = WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE)).max_frame_size(Some(MAX_MESSAGE));
        let _ = socket.send(WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await);
    });
    let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let fixed = [("upgrade", "websocket"), ("connection", "Upgrade"), ("sec-websocket-accept", accept)];
    append_headers(&mut response, fixed.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect());
    append_headers(&mut response, headers);
    response
}

fn append_headers(response: &mut Response, headers: Vec<(String, String)>) {
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (header::HeaderName::from_bytes(name.as_bytes()), header::HeaderValue::from_str(&value))
        {
            response.headers_mut().append(n, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_metadata() -> EndpointAuth {
        let client = ClientCredentials { client_id: "c".into(), client_secret: "s".into() };
        EndpointAuth { publish_metadata: false, client }
    }

    #[tokio::test]
    async fn a_request_outside_the_endpoints_url_is_refused_and_only_noted() {
        let listen = "127.0.0.1:0".parse().unwrap();
        let pki = HarnessPki::generate().unwrap();
        let mut endpoint = HarnessEndpoint::start(
            listen,
            None,
            Duration::from_secs(5),
            Transport::Cleartext,
            "/push",
            no_metadata(),
            &pki,
        )
        .await
        .unwrap();
        let origin = endpoint.url.split('/').take(3).collect::<Vec<_>>().join("/");
        let client = reqwest::Client::builder().no_proxy().build().unwrap();

        // A peer that still holds an earlier scenario's URL on this port.
        let stray = client.post(format!("{origin}/push")).body("stale").send().await.unwrap();
        assert_eq!(stray.status(), 404);
        assert!(endpoint.next(Duration::from_millis(50)).await.is_none());
        assert_eq!(endpoint.strays(), (1, vec!["POST /push".to_owned()]));
        assert_eq!(endpoint.http_requests(), 0);

        let url = endpoint.url.clone();
        let sent = tokio::spawn(async move { client.post(url).body("fresh").send().await.unwrap().status() });
        let inbound = endpoint.next(Duration::from_secs(5)).await.expect("the request to the endpoint's URL");
        assert_eq!(inbound.request.body, b"fresh");
        let _ = inbound.reply.send(Reply {
            status: 202,
            content_type: "text/plain".into(),
            body: Vec::new(),
            headers: Vec::new(),
        });
        assert_eq!(sent.await.unwrap(), 202);
    }
}

//! Small fake SUTs for the observation-window tests: each serves the control
//! API (`POST /control/peers`, `/peers/{peer}/queue`, `/peers/{peer}/initiate`)
//! and one binding, on its own runtime, on 127.0.0.1 only. Their SETs are
//! minted with the harness's own signing keys under a fake issuer, and
//! sut.yaml trusts those keys through `sets.jwks_file`.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use setconform::set::{Alg, HarnessKeys, Minter, SetKind, SetProfile};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

pub const ISSUER: &str = "https://fake-sut.setconform.invalid/";

/// A sut.yaml for a fake on `port` in `profile`; `binding` is its endpoint line(s).
pub fn sut_yaml(profile: &str, port: u16, binding: &str, timeouts: &str) -> PathBuf {
    let dir = crate::common::scratch("windows");
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, serde_json::to_string(HarnessKeys::get().jwks()).unwrap()).unwrap();
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: fake\nprofiles: [{profile}]\ncapabilities: [push-pull-class]\n{binding}\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         sets: {{ issuer: '{ISSUER}', jwks_file: '{}' }}\n\
         timeouts: {{ connect_ms: 500, {timeouts} }}\n",
        jwks.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// One SET for `audience`, under a fresh jti.
fn mint(audience: &str) -> (String, String) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let jti = format!("fake-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let minter = Minter {
        issuer: ISSUER.into(),
        audience: audience.into(),
        alg: Alg::ES256,
        profile: SetProfile::default(),
        stream: None,
    };
    let iat = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    (jti.clone(), minter.mint(&jti, SetKind::Valid, iat).token)
}

/// A SET the fake holds for a peer.
#[derive(Clone)]
struct Held {
    jti: String,
    token: String,
    /// When it was last sent, if it was.
    sent: Option<Instant>,
    /// Not to be sent before this (a fake that ignores acknowledgements).
    hidden_until: Option<Instant>,
}

/// What a fake keeps per peer.
#[derive(Default)]
struct Peer {
    endpoint: Option<String>,
    endpoint_token: Option<String>,
    audience: String,
    held: Vec<Held>,
    /// SETs the harness sent that the fake acknowledges in its next request.
    to_ack: Vec<String>,
    /// A client that trusts the CA of the harness's endpoint.
    client: Option<reqwest::Client>,
}

/// How a fake behaves; one variant per kind of fake.
#[derive(Clone, Copy)]
pub enum Behaviour {
    /// RFC 8935 transmitter: pushes each queued SET this long after the trigger returned, or never.
    Push { after: Option<Duration> },
    /// Pushpull HTTP responder: sends an unacknowledged SET again once this long has passed, or never.
    Responder { redeliver_after: Option<Duration> },
    /// RFC 8936 transmitter: an acknowledged SET is gone, or (ignoring acks) back this long later.
    Poll { ignore_acks: Option<Duration> },
    /// Pushpull WebSocket responder: silent once all is acknowledged, or sending the acknowledged SETs again.
    Ws { resend_acked: bool },
    /// Pushpull HTTP initiator: posts `{}` on an idle timer; `text_plain` breaks the request's media type.
    Initiator { idle: Duration, text_plain: bool },
}

/// Every fake started, by control port (a WebSocket fake shares its state with its socket).
static FAKES: std::sync::LazyLock<Mutex<HashMap<u16, Fake>>> = std::sync::LazyLock::new(Mutex::default);

#[derive(Clone)]
struct Fake {
    behaviour: Behaviour,
    peers: Arc<Mutex<HashMap<String, Peer>>>,
    /// One delivery at a time: a request and the taking in of its answer.
    sending: Arc<tokio::sync::Mutex<()>>,
}

/// Starts a fake; returns its port.
pub fn start(behaviour: Behaviour) -> u16 {
    let fake = Fake { behaviour, peers: Arc::default(), sending: Arc::default() };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            FAKES.lock().unwrap().insert(port, fake.clone());
            tx.send(port).unwrap();
            let router = Router::new().fallback(handle).with_state(fake);
            axum::serve(listener, router).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// A client for the harness's endpoint, trusting `ca` (PEM) if given.
fn client_trusting(ca: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(5));
    for cert in ca.map(|pem| reqwest::Certificate::from_pem_bundle(pem.as_bytes()).unwrap()).unwrap_or_default() {
        builder = builder.add_root_certificate(cert);
    }
    builder.build().unwrap()
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}

async fn handle(
    axum::extract::State(fake): axum::extract::State<Fake>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    match path.as_slice() {
        ["control", "peers"] => answer(201, fake.register(&body)),
        ["control", "peers", peer, "queue"] => {
            fake.queue(peer, body["count"].as_u64().unwrap_or(1) as usize);
            answer(200, json!({}))
        }
        ["control", "peers", peer, "initiate"] => {
            if let Behaviour::Initiator { text_plain, .. } = fake.behaviour {
                tokio::spawn(fake.clone().deliver(peer.to_string(), text_plain));
            }
            answer(200, json!({}))
        }
        _ => {
            let token = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let peer = token.trim_start_matches("Bearer ").trim_start_matches("token-").to_owned();
            answer(200, fake.answer_request(&peer, &body))
        }
    }
}

impl Fake {
    fn register(&self, body: &Value) -> Value {
        let mut peers = self.peers.lock().unwrap();
        let id = format!("p{}", peers.len() + 1);
        let peer = Peer {
            endpoint: body["endpoint"].as_str().map(str::to_owned),
            endpoint_token: body["endpoint_token"].as_str().map(str::to_owned),
            audience: body["audience"].as_str().unwrap_or_default().to_owned(),
            client: Some(client_trusting(body["endpoint_ca"].as_str())),
            ..Peer::default()
        };
        peers.insert(id.clone(), peer);
        if let Behaviour::Initiator { idle, .. } = self.behaviour {
            tokio::spawn(self.clone().idle(id.clone(), idle));
        }
        json!({ "peer": id, "token": format!("token-{id}") })
    }

    fn queue(&self, peer: &str, count: usize) {
        let mut peers = self.peers.lock().unwrap();
        let Some(p) = peers.get_mut(peer) else { return };
        for _ in 0..count {
            let (jti, token) = mint(&p.audience);
            p.held.push(Held { jti, token, sent: None, hidden_until: None });
        }
        match self.behaviour {
            Behaviour::Push { after: Some(after) } => {
                let (fake, peer) = (self.clone(), peer.to_owned());
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    fake.push(&peer).await;
                });
            }
            Behaviour::Initiator { text_plain, .. } => {
                tokio::spawn(self.clone().deliver(peer.to_owned(), text_plain));
            }
            _ => {}
        }
    }

    /// RFC 8935 §2: one POST per SET.
    async fn push(&self, peer: &str) {
        let (endpoint, tokens, client) = {
            let peers = self.peers.lock().unwrap();
            let Some(p) = peers.get(peer) else { return };
            let tokens: Vec<String> = p.held.iter().map(|h| h.token.clone()).collect();
            (p.endpoint.clone().unwrap_or_default(), tokens, p.client.clone().unwrap())
        };
        for token in tokens {
            let req = client.post(&endpoint).header("content-type", "application/secevent+jwt").body(token);
            let _ = req.send().await;
        }
    }

    /// A responder's or a poll transmitter's answer: takes in the acks, then
    /// sends what is due.
    fn answer_request(&self, peer: &str, body: &Value) -> Value {
        let mut peers = self.peers.lock().unwrap();
        let Some(p) = peers.get_mut(peer) else { return json!({ "sets": {} }) };
        let now = Instant::now();
        let acked: Vec<String> = ["ack"]
            .iter()
            .flat_map(|m| body[m].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .chain(body["setErrs"].as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default())
            .collect();
        match self.behaviour {
            Behaviour::Poll { ignore_acks: Some(back) } => {
                for h in p.held.iter_mut().filter(|h| acked.contains(&h.jti)) {
                    h.hidden_until = Some(now + back);
                    h.sent = None;
                }
            }
            _ => p.held.retain(|h| !acked.contains(&h.jti)),
        }
        let limit = body["maxEvents"].as_u64().map_or(usize::MAX, |n| n as usize);
        let due = |h: &Held| {
            let visible = h.hidden_until.is_none_or(|t| t <= now);
            let fresh = match (h.sent, self.behaviour) {
                (None, _) => true,
                (Some(at), Behaviour::Responder { redeliver_after: Some(d) }) => now - at >= d,
                _ => false,
            };
            visible && fresh
        };
        let mut sets = Map::new();
        let mut more = false;
        for h in p.held.iter_mut().filter(|h| due(h)) {
            if sets.len() == limit {
                more = true;
                break;
            }
            h.sent = Some(now);
            sets.insert(h.jti.clone(), json!(h.token));
        }
        match self.behaviour {
            Behaviour::Poll { .. } => json!({ "sets": sets, "moreAvailable": more }),
            _ => json!({ "sets": sets }),
        }
    }

    /// An initiator's idle timer: an empty request now and then (pushpull §6.1).
    async fn idle(self, peer: String, every: Duration) {
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            tokio::time::sleep(every).await;
            let (endpoint, token, client) = {
                let peers = self.peers.lock().unwrap();
                let p = &peers[&peer];
                let endpoint = p.endpoint.clone().unwrap_or_default();
                (endpoint, p.endpoint_token.clone().unwrap_or_default(), p.client.clone().unwrap())
            };
            let req = client.post(&endpoint).bearer_auth(token).header("content-type", "application/json");
            let _ = req.body("{}").send().await;
        }
    }

    /// An initiator's delivery: every SET not yet answered, and acks for the
    /// SETs the harness sent; sent again 300 ms later while any is unanswered.
    async fn deliver(self, peer: String, text_plain: bool) {
        for _ in 0..20 {
            let sending = self.sending.clone();
            let turn = sending.lock().await;
            let (endpoint, token, body, client) = {
                let mut peers = self.peers.lock().unwrap();
                let p = peers.get_mut(&peer).unwrap();
                let sets: Map<String, Value> = p.held.iter().map(|h| (h.jti.clone(), json!(h.token))).collect();
                let mut body = json!({ "sets": sets, "maxResponseEvents": 10 });
                if !p.to_ack.is_empty() {
                    body["ack"] = json!(std::mem::take(&mut p.to_ack));
                }
                let endpoint = p.endpoint.clone().unwrap_or_default();
                (endpoint, p.endpoint_token.clone().unwrap_or_default(), body, p.client.clone().unwrap())
            };
            let media = if text_plain { "text/plain" } else { "application/json" };
            let req = client.post(&endpoint).bearer_auth(token).header("content-type", media);
            let answer = match req.body(body.to_string()).send().await {
                Ok(r) if r.status().is_success() => r.json::<Value>().await.unwrap_or(Value::Null),
                _ => Value::Null,
            };
            let left = {
                let mut peers = self.peers.lock().unwrap();
                let p = peers.get_mut(&peer).unwrap();
                self.settle(p, &answer);
                p.held.len()
            };
            if left == 0 {
                return;
            }
            drop(turn);
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Takes in an answer to the initiator's request.
    fn settle(&self, p: &mut Peer, answer: &Value) {
        let acked: Vec<&str> =
            answer["ack"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let errs: Vec<&String> = answer["setErrs"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
        p.held.retain(|h| !acked.contains(&h.jti.as_str()) && !errs.contains(&&h.jti));
        if let Some(sets) = answer["sets"].as_object() {
            p.to_ack.extend(sets.keys().cloned());
        }
    }
}

/// Starts a fake WebSocket responder: its control API on one port, the
/// WebSocket on another; returns both (control, WebSocket).
pub fn start_ws(resend_acked: bool) -> (u16, u16) {
    let control = start(Behaviour::Ws { resend_acked });
    let fake = FAKES.lock().unwrap().get(&control).cloned().unwrap();
    let ws = crate::common::serve_on_own_runtime(move |tcp| ws_session(tcp, fake.clone()));
    (control, ws)
}

/// A WebSocket responder's session: the handshake takes the offered
/// subprotocol; the held SETs go out at once, and again after a message that
/// acknowledges none of them; once all are acknowledged it is silent, or
/// (`resend_acked`) sends the acknowledged ones again.
// The handshake callback's error type is tungstenite's own, large HTTP response.
#[allow(clippy::result_large_err)]
async fn ws_session(tcp: tokio::net::TcpStream, fake: Fake) {
    let mut peer = String::new();
    let callback = |req: &tokio_tungstenite::tungstenite::handshake::server::Request,
                    mut resp: tokio_tungstenite::tungstenite::handshake::server::Response| {
        if let Some(offered) = req.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()) {
            let first = offered.split(',').next().unwrap_or_default().trim().to_owned();
            resp.headers_mut().insert("sec-websocket-protocol", first.parse().unwrap());
        }
        let token = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        peer = token.trim_start_matches("Bearer ").trim_start_matches("token-").to_owned();
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else { return };
    let Behaviour::Ws { resend_acked } = fake.behaviour else { return };
    let first = fake.answer_request(&peer, &json!({}));
    let _ = ws.send(Message::text(first.to_string())).await;
    while let Some(Ok(message)) = ws.next().await {
        let Message::Text(text) = message else { continue };
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let acked: Vec<String> = body["ack"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let again: Map<String, Value> = {
            let mut peers = fake.peers.lock().unwrap();
            let Some(p) = peers.get_mut(&peer) else { return };
            let (gone, kept): (Vec<Held>, Vec<Held>) = p.held.drain(..).partition(|h| acked.contains(&h.jti));
            p.held = kept;
            let resend = match (acked.is_empty(), resend_acked) {
                (true, _) => p.held.clone(),
                (false, true) => gone,
                (false, false) => Vec::new(),
            };
            resend.into_iter().map(|h| (h.jti, json!(h.token))).collect()
        };
        if !again.is_empty() {
            let _ = ws.send(Message::text(json!({ "sets": again }).to_string())).await;
        }
    }
}

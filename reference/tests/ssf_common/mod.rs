//! What the SSF transmitter tests share: a reference, its receivers' tokens,
//! calls to its management API, a small push receiver over TLS, and reading
//! the SETs that reach it.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use setconform_reference::{Fault, Reference, ReferenceConfig, SSF_RECEIVERS};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

pub const VERIFICATION: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";
pub const STREAM_UPDATED: &str = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
pub const SESSION_REVOKED: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
/// Longest any single step may take before the test gives up.
pub const PATIENCE: Duration = Duration::from_secs(5);

pub fn client() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(Reference::ca_pem()).unwrap();
    reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap()
}

pub async fn start(fault: Option<Fault>) -> Reference {
    Reference::start(ReferenceConfig { fault, poll_hold: Duration::from_millis(300), ..ReferenceConfig::default() })
        .await
        .unwrap()
}

/// The static token of receiver `n` (0: receiver-a, 1: receiver-b).
pub fn static_token(n: usize) -> String {
    SSF_RECEIVERS[n].2.to_owned()
}

/// An answer: its status, headers and body (JSON, or `Null` when empty or not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

pub async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, headers, text, body }
}

/// The management API of a reference, as one receiver.
pub struct Api<'a> {
    pub reference: &'a Reference,
    pub token: Option<String>,
}

impl Api<'_> {
    pub fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.reference.addr())
    }

    fn with_token(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.with_token(client().request(method, self.url(path)));
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// Creates a stream; asserts 201 and returns the configuration.
    pub async fn create(&self, body: Value) -> Value {
        let created = self.post("/ssf/streams", body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        created.body
    }

    /// Asks for a verification event; the status.
    pub async fn verify(&self, stream_id: &str, state: Option<&str>) -> StatusCode {
        let mut body = json!({ "stream_id": stream_id });
        if let Some(state) = state {
            body["state"] = json!(state);
        }
        self.post("/ssf/verify", body).await.status
    }

    pub async fn set_status(&self, stream_id: &str, status: &str) -> Answer {
        self.post("/ssf/status", json!({ "stream_id": stream_id, "status": status })).await
    }

    /// One poll of a poll stream's endpoint; the SETs returned.
    pub async fn poll(&self, endpoint_url: &str, body: Value) -> Answer {
        answer(self.with_token(client().post(endpoint_url)).json(&body)).await
    }
}

/// A push that reached the receiver: its headers and the SET.
pub struct Push {
    pub headers: HeaderMap,
    pub set: String,
}

type Answering = Arc<dyn Fn(&Value) -> (StatusCode, String) + Send + Sync>;

struct Receiver {
    seen: mpsc::UnboundedSender<Push>,
    answering: Answering,
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let set = String::from_utf8_lossy(&body).into_owned();
    let answer = (rx.answering)(&claims(&set));
    let _ = rx.seen.send(Push { headers, set });
    answer
}

/// A push endpoint over HTTPS (the reference's own test certificate, which it
/// trusts) answering each SET, by its claims, as `answering` says; its URL and what reaches it.
pub async fn receiver(
    answering: impl Fn(&Value) -> (StatusCode, String) + Send + Sync + 'static,
) -> (String, mpsc::UnboundedReceiver<Push>) {
    let (seen, pushes) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver { seen, answering: Arc::new(answering) });
    let origin = serve_tls(|_| Router::new().route("/events", post(receive)).with_state(state)).await;
    (format!("{origin}/events"), pushes)
}

/// Serves the router `make` builds for its origin over HTTPS on a loopback port, with
/// the reference's own test certificate (which the reference trusts); the origin.
pub async fn serve_tls(make: impl FnOnce(&str) -> Router) -> String {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("https://{}", tcp.local_addr().unwrap());
    let router = make(&origin);
    let tls = setconform_tls::server_config(
        include_bytes!("../../keys/tls/server.pem"),
        include_bytes!("../../keys/tls/server-key.pem"),
    )
    .unwrap();
    let listener = setconform_tls::TlsListener::new(tcp, tls, false).unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    origin
}

/// A receiver that accepts every SET.
pub async fn accepting_receiver() -> (String, mpsc::UnboundedReceiver<Push>) {
    receiver(|_| (StatusCode::ACCEPTED, String::new())).await
}

pub async fn next_push(pushes: &mut mpsc::UnboundedReceiver<Push>) -> Push {
    tokio::time::timeout(PATIENCE, pushes.recv()).await.expect("a SET was pushed in time").unwrap()
}

/// Asserts that nothing is pushed within `wait`.
pub async fn no_push(pushes: &mut mpsc::UnboundedReceiver<Push>, wait: Duration) {
    if let Ok(Some(push)) = tokio::time::timeout(wait, pushes.recv()).await {
        panic!("unexpected push: {}", claims(&push.set));
    }
}

/// The claims of a JWT, unverified.
pub fn claims(token: &str) -> Value {
    part(token, 1)
}

/// The JOSE header of a JWT.
pub fn header(token: &str) -> Value {
    part(token, 0)
}

fn part(token: &str, n: usize) -> Value {
    token
        .split('.')
        .nth(n)
        .and_then(|p| B64.decode(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// Whether `token`'s signature verifies with a key of the set at `jwks_uri`.
pub async fn signed_by(token: &str, jwks_uri: &str) -> bool {
    let jwks: jsonwebtoken::jwk::JwkSet = client().get(jwks_uri).send().await.unwrap().json().await.unwrap();
    let kid = header(token)["kid"].as_str().unwrap_or_default().to_owned();
    let Some(jwk) = jwks.find(&kid) else { return false };
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let alg = jsonwebtoken::Algorithm::ES256;
    jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, alg).unwrap_or(false)
}

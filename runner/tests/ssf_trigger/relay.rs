//! A small SSF transmitter for tests, in the clear on loopback: its management
//! API (metadata, push streams, verification, deletion) is its own, and each
//! stream is delivered by a reference started on its own, through the
//! reference's control API. The SETs are the reference's (its issuer, its keys).
//! Like many transmitters, it sends a verification event of its own shortly
//! after it has answered a stream creation (SSF §8.1.4.2), not inside it.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The receiver's static token at this transmitter.
pub const RECEIVER_TOKEN: &str = "relay-receiver-token-a";
/// The `aud` of the SETs of every stream.
pub const AUDIENCE: &str = "https://relay.setconform.invalid/ssf/receivers/a";

pub struct Relay {
    port: u16,
    /// The CA the harness's endpoint certificates chain to, for the reference.
    ca: Arc<Mutex<Option<String>>>,
}

impl Relay {
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}/ssf", self.port)
    }

    /// The reference pushes to endpoints whose certificates chain to `ca_pem`.
    pub fn trust(&self, ca_pem: String) {
        *self.ca.lock().unwrap() = Some(ca_pem);
    }
}

#[derive(Clone)]
struct App {
    port: u16,
    reference: u16,
    client: reqwest::Client,
    ca: Arc<Mutex<Option<String>>>,
}

pub fn start() -> Relay {
    let reference = super::common::standalone_reference();
    let ca = Arc::new(Mutex::new(None));
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = ca.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let roots = reqwest::Certificate::from_pem_bundle(setconform_reference::Reference::ca_pem()).unwrap();
            let client = reqwest::Client::builder().tls_certs_merge(roots).no_proxy().build().unwrap();
            let app = App { port, reference, client, ca: shared };
            let router = Router::new()
                .route("/.well-known/ssf-configuration/ssf", get(metadata))
                .route("/ssf/streams", post(create).delete(delete))
                .route("/ssf/verify", post(verify))
                .with_state(app);
            tx.send(port).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    Relay { port: rx.recv().unwrap(), ca }
}

async fn metadata(State(app): State<App>) -> Json<Value> {
    let base = format!("http://127.0.0.1:{}/ssf", app.port);
    Json(json!({
        "spec_version": "1_0",
        "issuer": base,
        "jwks_uri": format!("https://127.0.0.1:{}/jwks.json", app.reference),
        "delivery_methods_supported": ["urn:ietf:rfc:8935"],
        "configuration_endpoint": format!("{base}/streams"),
        "verification_endpoint": format!("{base}/verify"),
    }))
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {RECEIVER_TOKEN}"))
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer")]).into_response()
}

/// A push stream: a peer of the reference that pushes to the stream's endpoint.
async fn create(State(app): State<App>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let delivery = body.get("delivery").cloned().unwrap_or(Value::Null);
    let (Some(endpoint), Some(header)) = (
        delivery.get("endpoint_url").and_then(Value::as_str),
        delivery.get("authorization_header").and_then(Value::as_str),
    ) else {
        return (StatusCode::BAD_REQUEST, "this transmitter delivers by push only").into_response();
    };
    let ca = app.ca.lock().unwrap().clone();
    let peer = json!({
        "harness_issuer": "https://harness.setconform.invalid/",
        "harness_audience": AUDIENCE,
        "jwks": { "keys": [] },
        "endpoint": endpoint,
        "endpoint_token": header.strip_prefix("Bearer ").unwrap_or(header),
        "endpoint_ca": ca,
        "binding": "push",
    });
    let url = format!("https://127.0.0.1:{}/control/peers", app.reference);
    let Ok(answer) = app.client.post(url).json(&peer).send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let Ok(registered) = answer.json::<Value>().await else { return StatusCode::BAD_GATEWAY.into_response() };
    {
        let url = format!(
            "https://127.0.0.1:{}/control/peers/{}/queue",
            app.reference,
            registered["peer"].as_str().unwrap_or("")
        );
        let client = app.client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let _ = client.post(url).json(&json!({ "count": 1 })).send().await;
        });
    }
    let stream = json!({
        "stream_id": registered["peer"],
        "iss": format!("http://127.0.0.1:{}/ssf", app.port),
        "aud": AUDIENCE,
        "delivery": delivery,
        "events_requested": body.get("events_requested"),
        "min_verification_interval": 1,
    });
    (StatusCode::CREATED, Json(stream)).into_response()
}

/// One verification request: one SET queued at the reference.
async fn verify(State(app): State<App>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let stream = body.get("stream_id").and_then(Value::as_str).unwrap_or_default();
    let url = format!("https://127.0.0.1:{}/control/peers/{stream}/queue", app.reference);
    match app.client.post(url).json(&json!({ "count": 1 })).send().await {
        Ok(a) if a.status().is_success() => StatusCode::NO_CONTENT.into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

async fn delete(State(app): State<App>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let stream = q.get("stream_id").cloned().unwrap_or_default();
    let url = format!("https://127.0.0.1:{}/control/peers/{stream}", app.reference);
    let _ = app.client.delete(url).send().await;
    StatusCode::NO_CONTENT.into_response()
}

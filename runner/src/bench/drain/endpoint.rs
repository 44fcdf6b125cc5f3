//! The harness's endpoint when a SUT pushes its SETs to it: one SET per POST
//! answered `202` (RFC 8935 §2.2), or a batch (multi-SET push) answered `202`
//! with an `ack` array; only with the bearer token the SUT was given
//! (RFC 8935 §3), over TLS with the run's certificates.

use super::inbox::Inbox;
use crate::harness::listener::{private_segment, public_url, serve_tls};
use crate::harness::pki::HarnessPki;
use crate::trigger::HarnessEndpointGrant;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::Arc;

/// Largest request body taken: a batch of a few thousand SETs.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

struct Endpoint {
    inbox: Arc<Inbox>,
    /// `Bearer <token>`.
    authorization: String,
}

/// A running endpoint: stopped when dropped.
pub struct Serving {
    pub grant: HarnessEndpointGrant,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// Serves the endpoint on a free loopback port.
pub async fn serve(pki: &HarnessPki, inbox: Arc<Inbox>) -> std::io::Result<Serving> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let path = format!("/{}/bench", private_segment());
    let token = private_segment();
    let state = Arc::new(Endpoint { inbox, authorization: format!("Bearer {token}") });
    let router = Router::new()
        .route(&path, post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    let stop = serve_tls(listener, pki, router)?;
    let url = public_url(None, "https", addr, &path);
    Ok(Serving { grant: HarnessEndpointGrant { url, token, oauth_client: None }, _stop: stop })
}

async fn receive(State(endpoint): State<Arc<Endpoint>>, headers: HeaderMap, body: Bytes) -> Response {
    let presented = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if presented != Some(endpoint.authorization.as_str()) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(&body) else {
        return error("the body is not UTF-8");
    };
    if media.starts_with("application/secevent+jwt") {
        let token = text.trim();
        let Some(jti) = crate::set::decode_claims(token).and_then(|c| c.get("jti")?.as_str().map(str::to_owned)) else {
            return error("the SET has no jti");
        };
        endpoint.inbox.arrived(&jti, token);
        return StatusCode::ACCEPTED.into_response();
    }
    // A batch: `{"sets": {jti: SET, ...}}`.
    let Ok(Value::Object(request)) = serde_json::from_str::<Value>(text) else {
        return error("the body is not a JSON object");
    };
    let Some(Value::Object(sets)) = request.get("sets") else {
        return error("`sets` is missing or not an object");
    };
    let mut ack = Vec::with_capacity(sets.len());
    for (jti, token) in sets {
        endpoint.inbox.arrived(jti, token.as_str().unwrap_or_default());
        ack.push(jti.clone());
    }
    (StatusCode::ACCEPTED, axum::Json(json!({ "ack": ack }))).into_response()
}

/// RFC 8935 §2.3: a request the endpoint cannot take.
fn error(description: &str) -> Response {
    (StatusCode::BAD_REQUEST, axum::Json(json!({ "err": "invalid_request", "description": description })))
        .into_response()
}

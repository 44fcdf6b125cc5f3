//! The control API: the `http` trigger adapter of the setconform SUT contract.
//!
//! `POST /control/peers` registers a peer (the harness) and returns its bearer
//! token; `POST /control/peers/{peer}/queue` queues SETs for it;
//! `GET /control/peers/{peer}` reads what the reference holds for it.
//! A vendor can copy this small API into a test build of their product.

use crate::jose::{self, Trust};
use crate::keys;
use crate::peers::Verdict;
use crate::pushpull;
use crate::server::App;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Audience the reference expects in SETs addressed to it.
pub const OWN_AUDIENCE: &str = "https://reference.setconform.invalid/pushpull";
/// Most SETs one queue request may ask for.
const MAX_QUEUE: usize = 1000;

#[derive(Deserialize)]
pub struct NewPeer {
    /// `iss` of the SETs the peer will send.
    issuer: String,
    /// The peer's public keys.
    jwks: JwkSet,
    /// `aud` to put in SETs for the peer.
    audience: String,
}

pub async fn register(State(app): State<Arc<App>>, Json(req): Json<NewPeer>) -> Response {
    let trust = Trust { peer_issuer: req.issuer, own_audience: OWN_AUDIENCE.to_owned(), peer_jwks: req.jwks };
    let (peer, token) = app.peers.register(trust, req.audience);
    let body = json!({
        "peer": peer,
        "token": token,
        "issuer": jose::ISSUER,
        "audience": OWN_AUDIENCE,
        "jwks": keys::keys().jwks,
    });
    (StatusCode::CREATED, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct QueueRequest {
    count: usize,
}

pub async fn queue(State(app): State<Arc<App>>, Path(peer): Path<String>, Json(req): Json<QueueRequest>) -> Response {
    if req.count > MAX_QUEUE {
        let body = json!({ "error": format!("count is limited to {MAX_QUEUE}") });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let fault = app.fault;
    match app.peers.with_id(&peer, |p| pushpull::queue(p, req.count, fault)) {
        Some(jtis) => Json(json!({ "jtis": jtis })).into_response(),
        None => unknown_peer(),
    }
}

pub async fn state(State(app): State<Arc<App>>, Path(peer): Path<String>) -> Response {
    let snapshot = app.peers.with_id(&peer, |p| {
        let received: Map<String, Value> = p
            .received
            .iter()
            .map(|(jti, v)| {
                let v = match v {
                    Verdict::Acked => json!("ack"),
                    Verdict::Errored { err, description } => json!({ "err": err, "description": description }),
                };
                (jti.clone(), v)
            })
            .collect();
        json!({
            "outbox": p.outbox.iter().map(|o| &o.jti).collect::<Vec<_>>(),
            "retired": p.retired.iter().collect::<Vec<_>>(),
            "received": received,
        })
    });
    match snapshot {
        Some(s) => Json(s).into_response(),
        None => unknown_peer(),
    }
}

pub async fn jwks() -> Response {
    Json(&keys::keys().jwks).into_response()
}

fn unknown_peer() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown peer" }))).into_response()
}

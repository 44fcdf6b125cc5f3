//! A poll stream's endpoint (SSF §6.1.2, RFC 8936): `/ssf/poll/{stream_id}`,
//! served by the reference's poll code for the stream's peer, protected by
//! the receiver's token (SSF §7.1.1, SSF-DLV-007).

use super::reply::Refusal;
use super::token::receiver;
use crate::fault::Fault;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `POST /ssf/poll/{stream_id}`.
pub async fn stream(
    State(app): State<Arc<App>>,
    Path(stream_id): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(&app, Some(stream_id), &method, &headers, &body).await
}

/// `POST /ssf/poll`: only the `ssf-shared-poll-endpoint` fault serves it (the receiver's newest poll stream).
pub async fn shared(State(app): State<Arc<App>>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    if app.fault != Some(Fault::SsfSharedPollEndpoint) {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve(&app, None, &method, &headers, &body).await
}

async fn serve(app: &App, stream_id: Option<String>, method: &Method, headers: &HeaderMap, body: &[u8]) -> Response {
    let fault = app.fault;
    if let Some(refusal) = crate::poll::not_a_poll(method, fault) {
        return refusal;
    }
    // Under `ssf-poll-open`, a poll without a known token reaches any stream.
    let client = match receiver(app, headers, false) {
        Ok(client) => Some(client),
        Err(_) if fault == Some(Fault::SsfPollOpen) => None,
        Err(refusal) => return refusal.into_response(),
    };
    let shared = fault == Some(Fault::SsfStreamsShared);
    let token = app.ssf.with_streams(|streams| {
        let mine = |owner: &str| client.as_deref().is_none_or(|c| c == owner);
        let mut reachable = streams.iter().filter(|s| !s.is_push() && (shared || mine(&s.owner)));
        match &stream_id {
            Some(id) => reachable.find(|s| s.id == *id).map(|s| s.peer_token.clone()),
            None => reachable.rfind(|s| mine(&s.owner)).map(|s| s.peer_token.clone()),
        }
    });
    match token {
        Some(token) => crate::poll::answer(app, &token, true, crate::poll::get_as_poll(method, fault), body).await,
        None => Refusal::UnknownStream { fault }.into_response(),
    }
}

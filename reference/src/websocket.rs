//! The WebSocket binding (pushpull §7) on the Pushpull endpoint's own URL: a
//! GET with `Upgrade: websocket` offering the `pushpull` subprotocol (the
//! reading (a) of AMB-01). Once upgraded, each text message is one
//! Communication Object; the reference answers every message with one, and
//! sends the SETs it owes the peer as soon as the socket opens (§7: either
//! side may send at any time).

use crate::fault::Fault;
use crate::key_refresh::{Who, learn_keys};
use crate::pushpull::{self, Request};
use crate::state::App;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use setconform_tls::ClientCertificate;
use std::sync::Arc;
use std::time::Duration;

/// The registered subprotocol name (pushpull §14).
pub const SUBPROTOCOL: &str = "pushpull";
/// Largest message the reference reads.
const MAX_MESSAGE: usize = 4 * 1024 * 1024;
/// A socket with no message for this long is closed.
const IDLE: Duration = Duration::from_secs(60);
/// Largest HTTP request body read on the endpoint.
const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// What each session reads into at first (the library's default is 128 KiB); it grows for larger messages.
const READ_BUFFER: usize = 8 * 1024;
/// Close code for a message that is not a Communication Object (RFC 6455 §7.4.1).
const INVALID_PAYLOAD: u16 = 1007;

/// The Pushpull endpoint: a WebSocket upgrade, or an ordinary HTTP exchange.
pub async fn entry(State(app): State<Arc<App>>, request: axum::extract::Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let wants_upgrade = parts
        .headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    // §7 (PP-WS-001): the endpoint takes WebSocket upgrades as well as HTTP requests.
    if parts.method == Method::GET && wants_upgrade && app.fault != Some(Fault::NoWebSocket) {
        return match WebSocketUpgrade::from_request_parts(&mut parts, &app).await {
            Ok(ws) => upgrade(app, &parts.headers, ws),
            Err(rejection) => rejection.into_response(),
        };
    }
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => {
            // The client's certificate, as the TLS listener recorded it for the connection.
            let certificate = parts.extensions.get::<ConnectInfo<ClientCertificate>>().cloned();
            let certificate = certificate.unwrap_or(ConnectInfo(ClientCertificate::default()));
            pushpull::handle(State(app), certificate, parts.method, parts.headers, bytes).await
        }
        Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    }
}

fn upgrade(app: Arc<App>, headers: &HeaderMap, ws: WebSocketUpgrade) -> Response {
    let fault = app.fault;
    let token = pushpull::bearer(headers).unwrap_or_default();
    let token = match app.peers.with_token(&token, |_| ()) {
        Some(()) => token,
        None if fault == Some(Fault::NoAuthCheck) => app.anonymous_token.clone(),
        None => return (StatusCode::UNAUTHORIZED, "missing or unknown bearer token").into_response(),
    };
    let offered = ws.requested_protocols().any(|p| p.to_str().is_ok_and(|p| p.trim() == SUBPROTOCOL));
    // §7.1.1: no pushpull over a socket the initiator did not ask it for.
    if !offered && fault != Some(Fault::WsUpgradeUnoffered) {
        return (StatusCode::BAD_REQUEST, "the pushpull subprotocol was not offered").into_response();
    }
    let ws = if fault == Some(Fault::WsNoSubprotocol) { ws } else { ws.protocols([SUBPROTOCOL]) };
    // A small read buffer per socket: a peer may hold a thousand sessions open.
    let mut response = ws
        .max_message_size(MAX_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| session(app, token, socket));
    // §7 (PP-WS-010): no extension data in the payload, and none negotiated unasked (RFC 6455 §9.1).
    if fault == Some(Fault::WsUnofferedExtension) {
        response.headers_mut().insert("sec-websocket-extensions", HeaderValue::from_static("permessage-deflate"));
    }
    response
}

async fn session(app: Arc<App>, token: String, mut socket: WebSocket) {
    let fault = app.fault;
    if crate::hostile::websocket(fault, &mut socket).await {
        return;
    }
    // §7: one Communication Object per message; the fault sends each twice over in one.
    let encode = |v: Value| {
        let text = if fault == Some(Fault::WsSeveralObjects) { format!("{v}{v}") } else { v.to_string() };
        if fault == Some(Fault::WsBinaryFrames) {
            Message::Binary(text.into_bytes().into())
        } else {
            Message::Text(text.into())
        }
    };
    let answer = |request: Request| -> Option<Value> { pushpull::respond(&app, &token, request, fault)?.ok() };
    if let Some(owed) = answer(Request::empty()).filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        && socket.send(encode(owed)).await.is_err()
    {
        return;
    }
    while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, socket.recv()).await {
        let text = match message {
            Message::Text(t) => t,
            Message::Close(_) => break,
            // Ping and pong are answered by the library; binary is not the baseline (AMB-03).
            Message::Binary(_) => return close(socket, 1003, "binary messages are not used").await,
            _ => continue,
        };
        let reply = match pushpull::parse(Bytes::from(text.to_string()).as_ref()) {
            Ok(request) => {
                // As over HTTP: a SET naming a key the peer has not published yet sends the
                // reference to the peer's jwks_uri first (SSF 1.0 §7.1).
                learn_keys(&app, Who::Token(&token), request.tokens()).await;
                answer(request)
            }
            Err(why) => return close(socket, INVALID_PAYLOAD, &why).await,
        };
        let Some(reply) = reply else { break };
        if socket.send(encode(reply)).await.is_err() {
            break;
        }
    }
}

async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let reason: String = reason.chars().take(100).collect();
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

//! The WebSocket steps (pushpull §7): open a socket with the opening
//! handshake, send a Communication Object, wait for the SUT's next message.

use super::context::{Context, StepFailure};
use super::steps::body_bytes;
use crate::catalogue::{Auth, BodySpec, WsConnectSpec, WsReceiveSpec};
use crate::wire::websocket::{self, SUBPROTOCOL};
use crate::wire::{Observed, WireError};
use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Performs the opening handshake; keeps the socket when the SUT agreed to pushpull.
pub async fn connect(ctx: &mut Context<'_>, spec: &WsConnectSpec) -> Result<(), StepFailure> {
    let Some(mut url) = ctx.env.sut.websocket_url() else {
        return Err(StepFailure::error("the SUT configuration has no pushpull endpoint to upgrade".into()));
    };
    if spec.cleartext
        && let Some(rest) = url.strip_prefix("wss://")
    {
        url = format!("ws://{rest}");
    }
    ctx.refused = None;
    let protocols = spec.protocols.clone().unwrap_or_else(|| vec![SUBPROTOCOL.to_owned()]);
    let token = match spec.auth.unwrap_or(Auth::Valid) {
        Auth::Valid => ctx.token.clone(),
        Auth::Invalid => Some("setconform-invalid-token".to_owned()),
        Auth::None => None,
    };
    let key = crate::set::b64_standard(
        format!("{:016x}{:016x}", ctx.rng.next_u64(), ctx.rng.next_u64()).get(..16).unwrap_or_default(),
    );
    let req = websocket::handshake_request(&url, &protocols, token.as_deref(), &key)
        .map_err(|e| StepFailure::error(e.to_string()))?;
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    let at = Instant::now();
    let result = websocket::connect(&req, ctx.env.sut.ca_pem.as_deref(), limit).await;
    let observed = result.as_ref().map(|(a, _)| Observed {
        status: a.status,
        headers: a.headers.clone(),
        body: Vec::new(),
        truncated: false,
    });
    ctx.record_exchange("sut", &req, at, &observed.clone().map_err(|e| e.clone()));
    ctx.last_url = Some(url.clone());
    match result {
        Ok((answer, socket)) => {
            let pushpull = answer.header("sec-websocket-protocol").map(str::trim) == Some(SUBPROTOCOL);
            ctx.absorb_message(Some(answer.status), None, answer.headers, Vec::new(), false);
            // Like a well-behaved initiator, never use a socket the SUT did not agree to (§7.1.1).
            ctx.ws = socket.filter(|_| pushpull).map(|s| (s, url));
            Ok(())
        }
        // A deliberate cleartext attempt that gets no answer at all has been refused.
        Err(e) if spec.cleartext && !matches!(e, WireError::Timeout(_)) => {
            ctx.last = None;
            ctx.refused = Some(e.to_string());
            Ok(())
        }
        Err(WireError::Timeout(_)) => Err(StepFailure::timeout(format!(
            "WebSocket handshake with {url}: no answer within {} ms",
            limit.as_millis()
        ))),
        Err(e) => Err(StepFailure::error(format!("WebSocket handshake with {url}: {e}"))),
    }
}

/// Sends one Communication Object as a text message.
pub async fn send(ctx: &mut Context<'_>, spec: &BodySpec) -> Result<(), StepFailure> {
    let payload = body_bytes(ctx, spec);
    let Some((mut socket, url)) = ctx.ws.take() else {
        return Err(StepFailure::error("no pushpull WebSocket is open".into()));
    };
    let text = String::from_utf8_lossy(&payload).into_owned();
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    let sent = tokio::time::timeout(limit, socket.send(Message::Text(text.into()))).await;
    ctx.record_frame(&url, "sent", "text", &payload);
    match sent {
        Ok(Ok(())) => {
            ctx.ws = Some((socket, url));
            Ok(())
        }
        Ok(Err(e)) => Err(StepFailure::error(format!("WebSocket send: {e}"))),
        Err(_) => Err(StepFailure::timeout(format!("WebSocket send: not accepted within {} ms", limit.as_millis()))),
    }
}

/// Waits for the SUT's next data message and takes in what it carries.
pub async fn receive(ctx: &mut Context<'_>, spec: &WsReceiveSpec) -> Result<(), StepFailure> {
    let Some((mut socket, url)) = ctx.ws.take() else {
        return Err(StepFailure::error("no pushpull WebSocket is open".into()));
    };
    let window = spec.within_ms.map_or(ctx.env.sut.timeouts.request, Duration::from_millis).min(ctx.remaining());
    let until = Instant::now() + window;
    ctx.last = None;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let next = match tokio::time::timeout(left, socket.next()).await {
            Err(_) => break, // nothing within the window: judged by the expectations
            Ok(None) => return Ok(()),
            Ok(Some(Err(e))) => return Err(StepFailure::error(format!("WebSocket receive: {e}"))),
            Ok(Some(Ok(m))) => m,
        };
        let (opcode, payload): (&str, Vec<u8>) = match &next {
            Message::Text(t) => ("text", t.as_bytes().to_vec()),
            Message::Binary(b) => ("binary", b.to_vec()),
            Message::Ping(p) => ("ping", p.to_vec()),
            Message::Pong(p) => ("pong", p.to_vec()),
            Message::Close(c) => ("close", c.as_ref().map(|c| c.reason.as_bytes().to_vec()).unwrap_or_default()),
            Message::Frame(_) => continue,
        };
        ctx.record_frame(&url, "received", opcode, &payload);
        match opcode {
            "text" | "binary" => {
                ctx.absorb_message(None, None, vec![("opcode".into(), opcode.into())], payload, true);
                ctx.ws = Some((socket, url));
                return Ok(());
            }
            "close" => return Ok(()),
            _ => continue,
        }
    }
    ctx.ws = Some((socket, url));
    Ok(())
}

//! The WebSocket steps (pushpull §7): open a socket with the opening
//! handshake, or accept the SUT's; send a Communication Object; wait for the
//! SUT's next message.

use super::request::{bearer, body_bytes};
use crate::catalogue::{Auth, BodySpec, WsAcceptSpec, WsAnswer, WsConnectSpec, WsReceiveSpec};
use crate::engine::context::{Context, StepFailure, Stop};
use crate::engine::state::Awaited;
use crate::harness::endpoint::Reply;
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
    ctx.seen.refused = None;
    let protocols = spec.protocols.clone().unwrap_or_else(|| vec![SUBPROTOCOL.to_owned()]);
    let token = match spec.auth.unwrap_or(Auth::Valid) {
        // The query form is offered on `send` steps only (the schema).
        Auth::Query => None,
        // An access token names the endpoint's https URL, the one the upgrade happens at.
        auth => {
            let resource = ctx.env.sut.pushpull_endpoint.clone().unwrap_or_else(|| url.clone());
            bearer(ctx, auth, &resource)
        }
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
    ctx.seen.last_url = Some(url.clone());
    match result {
        Ok((answer, socket)) => {
            let pushpull = answer.header("sec-websocket-protocol").map(str::trim) == Some(SUBPROTOCOL);
            ctx.absorb_message(Some(answer.status), None, answer.headers, Vec::new(), false);
            // Like a well-behaved initiator, never use a socket the SUT did not agree to (§7.1.1).
            ctx.link.ws = socket.filter(|_| pushpull).map(|s| (s, url));
            ctx.link.ws_gone =
                Some(format!("the handshake in step {} did not open a pushpull session", ctx.clock.step));
            Ok(())
        }
        // A deliberate cleartext attempt that gets no answer at all has been refused.
        Err(e) if spec.cleartext && !matches!(e, WireError::Timeout(_)) => {
            ctx.seen.refuse(e.to_string());
            Ok(())
        }
        Err(WireError::Timeout(_)) => Err(StepFailure::timeout(format!(
            "WebSocket handshake with {url}: no answer within {} ms",
            limit.as_millis()
        ))),
        Err(e) => Err(StepFailure::new(Stop::of_wire(&e), format!("WebSocket handshake with {url}: {e}"))),
    }
}

/// Waits for the SUT's opening handshake at the harness's endpoint and answers
/// it as scripted; on 101 the socket is kept for the next steps. A request that
/// is not a handshake gets an empty Communication Object: nothing answered.
pub async fn accept(ctx: &mut Context<'_>, spec: &WsAcceptSpec) -> Result<(), StepFailure> {
    let up_to = spec.up_to_ms.map_or(ctx.env.sut.timeouts.observation, Duration::from_millis);
    let wait = up_to.min(ctx.remaining());
    ctx.link.ws = None;
    ctx.link.http_at_upgrade = None;
    let Some(url) = ctx.link.endpoint.as_ref().map(|e| e.url.clone()) else {
        return Err(StepFailure::error(
            "this step waits for the SUT's handshake, and no harness endpoint is open".into(),
        ));
    };
    let (inbound, began) = ctx.next_inbound(wait).await?;
    let http_so_far = ctx.link.endpoint.as_ref().map_or(0, |e| e.http_requests());
    let mut awaited = Awaited { what: "request", arrived_after: None, within: up_to, up_to };
    ctx.link.ws_gone = Some(format!("no handshake came in step {}", ctx.clock.step));
    let Some(inbound) = inbound else {
        ctx.seen.last = None;
        ctx.clock.awaited = Some(awaited);
        return Ok(());
    };
    let req = inbound.request;
    ctx.link.ws_gone = Some(match req.upgrade {
        true => format!("the SUT's handshake in step {} did not end in a pushpull session", ctx.clock.step),
        false => format!("the SUT sent an HTTP {} request in step {}, not a handshake", req.method, ctx.clock.step),
    });
    awaited.arrived_after = Some(req.at.saturating_duration_since(began));
    ctx.clock.awaited = Some(awaited);
    ctx.seen.last_client_certificate = Some(req.client_certificate.clone());
    ctx.absorb_request(req.method.clone(), req.headers.clone(), req.body.clone());

    let offered = req
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-protocol"))
        .flat_map(|(_, v)| v.split(','))
        .any(|p| p.trim() == SUBPROTOCOL);
    let text = |status: u16, why: &str| Reply {
        status,
        content_type: "text/plain".into(),
        body: why.as_bytes().to_vec(),
        headers: Vec::new(),
    };
    let reply = match (req.upgrade, spec.answer) {
        (false, _) => {
            Reply { status: 200, content_type: "application/json".into(), body: b"{}".to_vec(), headers: Vec::new() }
        }
        // Like a well-behaved responder, no pushpull session unless it was offered (§7.1.1).
        (true, WsAnswer::Pushpull) if !offered => text(400, "the pushpull subprotocol was not offered"),
        (true, WsAnswer::Pushpull) => {
            Reply { headers: vec![("Sec-WebSocket-Protocol".into(), SUBPROTOCOL.into())], ..text(101, "") }
        }
        (true, WsAnswer::NoSubprotocol) => text(101, ""),
        (true, WsAnswer::Refuse) => text(405, "this endpoint takes POST only"),
    };
    let mut answered_headers = reply.headers.clone();
    if reply.status != 101 {
        answered_headers.push(("content-type".into(), reply.content_type.clone()));
    }
    let answered =
        Observed { status: reply.status, headers: answered_headers, body: reply.body.clone(), truncated: false };
    let upgrading = reply.status == 101;
    // The SUT may have given up already; what it did is recorded either way.
    let _ = inbound.reply.send(reply);
    let captured = crate::wire::Outgoing { method: req.method, url: req.url, headers: req.headers, body: req.body };
    ctx.record_inbound(&captured, req.at, &answered);
    ctx.carried_by_latest();
    let Some(socket) = inbound.socket.filter(|_| upgrading) else { return Ok(()) };
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    match tokio::time::timeout(limit, socket).await {
        Ok(Ok(socket)) => {
            ctx.link.ws = Some((socket, url));
            ctx.link.http_at_upgrade = Some(http_so_far);
            Ok(())
        }
        Ok(Err(_)) => Err(StepFailure::error("the SUT's connection closed before the upgrade completed".into())),
        Err(_) => Err(StepFailure::timeout(format!("the upgrade did not complete within {} ms", limit.as_millis()))),
    }
}

/// Sends one Communication Object as a text message.
pub async fn send(ctx: &mut Context<'_>, spec: &BodySpec) -> Result<(), StepFailure> {
    let payload = body_bytes(ctx, spec);
    send_payload(ctx, payload).await
}

/// Sends `payload` as a text message.
pub async fn send_payload(ctx: &mut Context<'_>, payload: Vec<u8>) -> Result<(), StepFailure> {
    let Some((mut socket, url)) = ctx.link.ws.take() else {
        return Err(no_socket(ctx));
    };
    let text = String::from_utf8_lossy(&payload).into_owned();
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    let sent = tokio::time::timeout(limit, socket.send(Message::Text(text.into()))).await;
    ctx.record_frame(&url, "sent", "text", &payload);
    match sent {
        Ok(Ok(())) => {
            ctx.link.ws = Some((socket, url));
            Ok(())
        }
        Ok(Err(e)) => Err(StepFailure::error(format!("WebSocket send: {e}"))),
        Err(_) => Err(StepFailure::timeout(format!("WebSocket send: not accepted within {} ms", limit.as_millis()))),
    }
}

/// Waits for the SUT's next data message and takes in what it carries.
pub async fn receive(ctx: &mut Context<'_>, spec: &WsReceiveSpec) -> Result<(), StepFailure> {
    let Some((mut socket, url)) = ctx.link.ws.take() else {
        return Err(no_socket(ctx));
    };
    let window = spec.within_ms.map_or(ctx.env.sut.timeouts.request, Duration::from_millis).min(ctx.remaining());
    let mut began = Instant::now();
    ctx.seen.last = None;
    ctx.clock.awaited = Some(Awaited { what: "WebSocket message", arrived_after: None, within: window, up_to: window });
    loop {
        let left = window.saturating_sub(began.elapsed()).min(ctx.remaining());
        // While a trigger call is under way, the window starts when it ends (see `trigger_call`).
        let during_call = ctx.link.trigger.is_some();
        let received = match during_call {
            true => tokio::select! {
                m = tokio::time::timeout(ctx.clock.remaining(), socket.next()) => Some(m),
                concluded = ctx.conclude_trigger() => {
                    concluded?;
                    None
                }
            },
            false => Some(tokio::time::timeout(left, socket.next()).await),
        };
        let Some(received) = received else {
            began = Instant::now();
            continue;
        };
        let next = match received {
            Err(_) => break, // nothing within the window: judged by the expectations
            Ok(None) => {
                ctx.link.ws_gone = Some(format!("the SUT closed the connection in step {}", ctx.clock.step));
                return Ok(());
            }
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
            "text" | "binary" if spec.skip_crossed && crossed(ctx, &payload, spec.idle_only) => continue,
            "text" | "binary" => {
                // A message that came during a trigger call came before the window began.
                let after = if during_call { Duration::ZERO } else { began.elapsed() };
                if let Some(a) = ctx.clock.awaited.as_mut() {
                    a.arrived_after = Some(after);
                }
                ctx.absorb_message(None, None, vec![("opcode".into(), opcode.into())], payload, true);
                ctx.link.ws = Some((socket, url));
                return Ok(());
            }
            "close" => {
                ctx.link.ws_gone = Some(format!("the SUT closed the socket in step {}", ctx.clock.step));
                return Ok(());
            }
            _ => continue,
        }
    }
    ctx.link.ws = Some((socket, url));
    Ok(())
}

/// A message that only resends SETs the harness has already answered, or
/// carries nothing while the SUT owes SETs or answers: sent before the SUT
/// read the harness's last message, or on an idle timer, it says nothing
/// about how the SUT treats what it owes.
fn crossed(ctx: &Context<'_>, payload: &[u8], idle_only: bool) -> bool {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice::<serde_json::Value>(payload) else {
        return false;
    };
    // An idle message (pushpull §6.1 allows one with nothing in it) says nothing
    // while the SUT owes SETs or answers: what it owes comes in a later message.
    if super::await_request::carries_nothing(payload) {
        return ctx.ledger.awaits_answers() || ctx.ledger.owed();
    }
    if idle_only {
        return false;
    }
    let only_sets = object.keys().all(|k| k == "sets");
    let sets = object.get("sets").and_then(serde_json::Value::as_object);
    only_sets && sets.is_some_and(|s| !s.is_empty() && s.keys().all(|k| ctx.ledger.answered.contains_key(k)))
}

pub(super) fn no_socket(ctx: &Context<'_>) -> StepFailure {
    let why = ctx.link.ws_gone.as_deref().unwrap_or("no step opened one");
    StepFailure::error(format!("no pushpull WebSocket is open: {why}"))
}

//! The Communication Object steps of a pushpull scenario that runs on both
//! bindings (`catalogue::binding`), carried over a WebSocket (pushpull §7):
//! `send` is a message to the SUT and its next message back, on the socket the
//! first one opens; `settle` is such messages until every SET is answered;
//! `await_request` is the SUT's next message, on the socket it opens first,
//! and the harness's scripted answer as a message, as late as it says. The
//! socket correlates no message with another (AMB-03): the pairing is the
//! harness's reading, kept lenient where the SUT may speak first or a message
//! may cross the harness's in flight.

use super::request::body_bytes;
use super::send::settling_object;
use super::websocket;
use crate::catalogue::{AwaitSpec, SendSpec, SettleSpec, WsAcceptSpec, WsConnectSpec, WsReceiveSpec};
use crate::engine::context::{Context, StepFailure};
use std::time::Duration;

/// A `send` over the socket: the Communication Object, then the SUT's next
/// message. An empty object asks for nothing a socket needs asking for: when
/// the SUT has just sent what it holds unasked, that message is the step's answer.
pub async fn send(ctx: &mut Context<'_>, spec: &SendSpec) -> Result<(), StepFailure> {
    let first_word = connect(ctx).await?;
    let payload = body_bytes(ctx, &spec.body);
    if first_word && ctx.seen.last.is_some() && payload == b"{}" {
        return Ok(());
    }
    websocket::send_payload(ctx, payload).await?;
    websocket::receive(ctx, &WsReceiveSpec::default()).await
}

/// A `settle` over the socket: acknowledgements and the SUT's answers, until
/// every SET is answered and nothing is owed, or `max_requests` messages are spent.
pub async fn settle(ctx: &mut Context<'_>, spec: &SettleSpec) -> Result<(), StepFailure> {
    for _ in 0..spec.max_requests {
        let Some(object) = settling_object(ctx, spec) else { break };
        connect(ctx).await?;
        websocket::send_payload(ctx, serde_json::Value::Object(object).to_string().into_bytes()).await?;
        websocket::receive(ctx, &WsReceiveSpec { skip_crossed: true, ..WsReceiveSpec::default() }).await?;
    }
    Ok(())
}

/// An `await_request` over the socket: the SUT's next message (after its
/// handshake, when no socket is open), answered with the scripted Communication Object.
pub async fn await_request(ctx: &mut Context<'_>, spec: &AwaitSpec) -> Result<(), StepFailure> {
    let up_to = spec.up_to_ms.map_or(ctx.env.sut.timeouts.observation, Duration::from_millis);
    let own = std::mem::take(&mut ctx.clock.own_request);
    if ctx.link.ws.is_none() {
        websocket::accept(ctx, &WsAcceptSpec { up_to_ms: Some(up_to.as_millis() as u64), ..WsAcceptSpec::default() })
            .await?;
        match (&ctx.link.ws, &ctx.seen.last) {
            (Some(_), _) => {}
            (None, None) if own => {
                ctx.clock.unasked_silence = Some(super::await_request::no_own_request(up_to));
                return Ok(());
            }
            // Nothing came at all: judged by the expectations, as over HTTP.
            (None, None) => return Ok(()),
            // Something came, but no pushpull session: the object rules cannot be judged on it.
            (None, Some(_)) => return Err(websocket::no_socket(ctx)),
        }
    }
    let within = Some(up_to.as_millis() as u64);
    // The SUT has had the harness's last answer since the step before: a resend now is judged.
    let receive = WsReceiveSpec { within_ms: within, skip_crossed: true, idle_only: true };
    websocket::receive(ctx, &receive).await?;
    // The "reasonable time" is the same as for a request (pushpull §9).
    let reasonable = spec.within_ms.map_or(ctx.env.sut.timeouts.retry_window.min(up_to), Duration::from_millis);
    if let Some(awaited) = ctx.clock.awaited.as_mut() {
        awaited.within = reasonable;
    }
    if ctx.seen.last.is_none() && own {
        ctx.clock.unasked_silence = Some(super::await_request::no_own_request(up_to));
    }
    if ctx.seen.last.is_none() || ctx.link.ws.is_none() {
        return Ok(());
    }
    // A deliberately slow peer: its answer comes this much later (a scripted behaviour).
    if let Some(delay) = spec.respond.delay_ms {
        tokio::time::sleep(Duration::from_millis(delay).min(ctx.remaining())).await;
    }
    websocket::send(ctx, &spec.respond.body).await
}

/// Opens the socket, unless one is open. When the SUT holds SETs for the
/// harness, its first message may be them, unasked (pushpull §7): that message
/// is taken in first, so that each message the harness sends is paired with
/// the SUT's answer to it, not with what the SUT said before reading it.
/// Returns whether it waited for such a message.
async fn connect(ctx: &mut Context<'_>) -> Result<bool, StepFailure> {
    if ctx.link.ws.is_some() {
        return Ok(false);
    }
    websocket::connect(ctx, &WsConnectSpec::default()).await?;
    if ctx.link.ws.is_none() {
        return Err(websocket::no_socket(ctx));
    }
    let owed = std::mem::take(&mut ctx.link.sets_owed);
    if owed {
        websocket::receive(ctx, &WsReceiveSpec::default()).await?;
    }
    Ok(owed)
}

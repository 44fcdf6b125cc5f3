//! Requests to the SUT's endpoint (pushpull, multi-SET push, poll): one as a
//! step describes it, a long poll the SUT may hold, or as many as it takes to
//! settle every SET.

use super::request::{body_bytes, post, request};
use crate::catalogue::{Auth, Binding, ClientCertificate, LongPollSpec, SendSpec, SettleSpec};
use crate::engine::context::{Context, StepFailure, Stop};
use crate::engine::state::Held;
use crate::wire::{Observed, Outgoing, TlsPin, WireError};
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// One request to the SUT's endpoint (Pushpull, multi-SET push or poll) as the scenario describes it.
pub async fn send(ctx: &mut Context<'_>, spec: &SendSpec) -> Result<(), StepFailure> {
    let body = body_bytes(ctx, &spec.body);
    let method = spec.method.clone().unwrap_or_else(|| "POST".to_owned());
    let auth = spec.reach.auth.unwrap_or(Auth::Valid);
    if spec.reach.tls.is_some() {
        ctx.link.tls_pin = Some(TlsPin::Tls12);
    }
    match spec.client_certificate {
        Some(ClientCertificate::None) => ctx.link.tls_pin = Some(TlsPin::NoClientCertificate),
        Some(ClientCertificate::Stranger) => ctx.link.tls_pin = Some(TlsPin::StrangerClientCertificate),
        Some(ClientCertificate::Harness) | None => {}
    }
    let req = request(ctx, &method, body, spec.body.content_type.as_deref(), auth, spec.reach.cleartext)?;
    if let Some(held) = &spec.long_poll {
        return long_poll(ctx, req, held).await;
    }
    if !spec.reach.cleartext && spec.reach.tls.is_none() {
        return post(ctx, req).await;
    }
    // A deliberate downgrade (§4, §12.2) or an older TLS version: no HTTP answer
    // at all is an outcome to judge, not an error.
    ctx.seen.refused = None;
    match post(ctx, req).await {
        Err(f) if f.verdict() == setconform_reports::Verdict::Error => {
            ctx.seen.refuse(f.reason);
            Ok(())
        }
        other => other,
    }
}

/// A poll the SUT may hold open (RFC 8936 §2.5). The harness waits up to the
/// long-poll bound; with `queue`, once the poll has been held for the held
/// window it asks the SUT to queue SETs, which the held poll should then carry.
async fn long_poll(ctx: &mut Context<'_>, req: Outgoing, spec: &LongPollSpec) -> Result<(), StepFailure> {
    let env = ctx.env;
    let bound = env.sut.timeouts.long_poll.min(ctx.remaining());
    let window = env.sut.timeouts.poll_held.min(bound);
    let began = Instant::now();
    ctx.seen.last_url = Some(req.url.clone());
    let exchange = env.wire.exchange_pinned(&req, bound, ctx.link.tls_pin.take());
    tokio::pin!(exchange);
    let mut result = tokio::select! {
        r = &mut exchange => Some(r),
        () = tokio::time::sleep(window) => None,
    };
    let queued = result.is_none() && spec.queue.is_some();
    if let (true, Some(count)) = (queued, spec.queue) {
        // The trigger goes out while the poll is held; the answer may come before the trigger returns.
        let trigger = ctx.trigger(Some(count));
        tokio::pin!(trigger);
        loop {
            tokio::select! {
                r = &mut exchange, if result.is_none() => result = Some(r),
                t = &mut trigger => {
                    t?;
                    break;
                }
            }
        }
    }
    let result = match result {
        Some(r) => r,
        None => exchange.await,
    };
    let answered_after = take_held_answer(ctx, &req, began, bound, result)?;
    ctx.clock.held = Some(Held { window, answered_after, bound, queued });
    // The SUT's own timeout may end the hold before the queued SETs land (a slow
    // trigger): the next poll, as a recipient would send, should carry them.
    if queued && answered_after.is_some() && ctx.seen.last_sets().is_empty() {
        let again = Instant::now();
        let bound = env.sut.timeouts.long_poll.min(ctx.remaining());
        let result = env.wire.exchange(&req, bound).await;
        take_held_answer(ctx, &req, again, bound, result)?;
    }
    Ok(())
}

/// Records and takes in the answer to a poll the SUT may have held; returns
/// how long it took, or `None` when it was still held at `bound`.
fn take_held_answer(
    ctx: &mut Context<'_>,
    req: &Outgoing,
    began: Instant,
    bound: Duration,
    result: Result<Observed, WireError>,
) -> Result<Option<Duration>, StepFailure> {
    let took = began.elapsed();
    ctx.record_exchange("sut", req, began, &result);
    ctx.seen.last_took = Some(took);
    match result {
        Ok(observed) => {
            ctx.absorb(observed);
            Ok(Some(took))
        }
        // Still held at the bound: an observation (the SUT's timeout is agreed out of band), not an error.
        Err(WireError::Timeout(_)) => {
            ctx.seen.refuse(format!("still held after {} ms, the long-poll bound", bound.as_millis()));
            Ok(None)
        }
        Err(e) => Err(StepFailure::new(Stop::of_wire(&e), format!("sut: POST {}: {e}", req.url))),
    }
}

/// Keeps talking until every SET the harness sent is answered and every SET
/// the SUT delivered is acknowledged, or `max_requests` is spent.
pub async fn settle(ctx: &mut Context<'_>, spec: &SettleSpec) -> Result<(), StepFailure> {
    for _ in 0..spec.max_requests {
        let Some(mut object) = settling_object(ctx, spec) else { break };
        // A multi-SET push request always has `sets` (§4.3.1): here, an empty batch.
        if ctx.binding == Binding::Msp {
            object.insert("sets".into(), json!({}));
        }
        let body = Value::Object(object).to_string().into_bytes();
        let req = request(ctx, "POST", body, None, Auth::Valid, false)?;
        post(ctx, req).await?;
    }
    Ok(())
}

/// The next message of a settling exchange: the acknowledgements the harness
/// owes, or `None` once every SET is answered and nothing is owed.
pub(super) fn settling_object(ctx: &mut Context<'_>, spec: &SettleSpec) -> Option<Map<String, Value>> {
    let unanswered = ctx.ledger.awaits_answers();
    let owed = spec.ack && !ctx.ledger.pending.is_empty();
    if !unanswered && !owed {
        return None;
    }
    let mut object = Map::new();
    if owed {
        object.insert("ack".into(), json!(ctx.ledger.answer_pending()));
    }
    Some(object)
}

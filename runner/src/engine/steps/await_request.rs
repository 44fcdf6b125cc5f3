//! Waiting for the SUT's request at the harness's endpoint, and answering it
//! as the binding and the step say: a push receiver's 202, a multi-SET push
//! recipient's `ack`, a poll answer, or a Communication Object.

use super::request::body_bytes;
use crate::catalogue::{AckSpec, AwaitSpec, Binding, BodySpec, ObjectSpec, RespondSpec};
use crate::engine::context::{Context, StepFailure};
use crate::engine::state::Awaited;
use crate::harness::endpoint::{Captured, Inbound, Reply};
use crate::wire::{Observed, Outgoing, WireError};
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// Waits for the SUT's next request to the harness's endpoint, takes in what
/// it carries, and answers as the step scripts. A request that comes while a
/// trigger call is under way is taken at once; the windows start when the
/// call has ended ([`Context::next_inbound`]).
pub async fn await_request(ctx: &mut Context<'_>, spec: &AwaitSpec) -> Result<(), StepFailure> {
    let timeouts = ctx.env.sut.timeouts;
    // An explicit bound wins over the defaults; the reasonable window never exceeds the whole wait.
    let (within, up_to) = match (spec.within_ms.map(Duration::from_millis), spec.up_to_ms.map(Duration::from_millis)) {
        (Some(w), Some(u)) => (w.min(u), u),
        (Some(w), None) => (w, timeouts.observation.max(w)),
        (None, Some(u)) => (timeouts.retry_window.min(u), u),
        (None, None) => (timeouts.retry_window, timeouts.observation),
    };
    let wait = up_to.min(ctx.remaining());
    if ctx.link.endpoint.is_none() {
        return Err(StepFailure::error(
            "this step waits for the SUT's request, and no harness endpoint is open".into(),
        ));
    }
    let (mut inbound, began) = ctx.next_inbound(wait).await?;
    // Requests that carry nothing the step waits for get an empty answer and
    // are recorded, not judged: the step waits on for the one it is about.
    while let Some(empty) = inbound.take_if(|i| passed_over(ctx, spec, &i.request)) {
        let (status, body) = match ctx.binding {
            // A multi-SET push recipient acknowledges an empty batch with an empty `ack` (§4.4.1).
            Binding::Msp => (202, br#"{"ack":[]}"#.to_vec()),
            // An empty Communication Object (pushpull §6.1).
            _ => (200, b"{}".to_vec()),
        };
        let reply = Reply { status, content_type: "application/json".into(), body, headers: Vec::new() };
        let answered = Observed {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: reply.body.clone(),
            truncated: false,
        };
        let _ = empty.reply.send(reply);
        let req = empty.request;
        let captured = Outgoing { method: req.method, url: req.url, headers: req.headers, body: req.body };
        ctx.record_inbound(&captured, req.at, &answered);
        inbound = ctx.next_inbound(wait.saturating_sub(began.elapsed())).await?.0;
    }
    let mut awaited = Awaited { what: "request", arrived_after: None, within, up_to };
    let own = std::mem::take(&mut ctx.clock.own_request);
    let Some(inbound) = inbound else {
        if own {
            ctx.clock.unasked_silence = Some(no_own_request(wait));
        }
        ctx.seen.last = None;
        ctx.clock.awaited = Some(awaited);
        return Ok(());
    };
    let at = inbound.request.at;
    awaited.arrived_after = Some(at.saturating_duration_since(began));
    // What the harness does between its answer and this step (reading the SUT's
    // keys, say) is not time the SUT waited.
    ctx.clock.delays.push(at.saturating_duration_since(ctx.clock.answered_at.unwrap_or(began)));
    answer(ctx, &spec.respond, inbound).await;
    ctx.clock.answered_at = Some(Instant::now());
    ctx.clock.awaited = Some(awaited);
    Ok(())
}

/// Answers a request that came while the SUT registered, before any step
/// waited for it, as a receiver does by default: accepted, and every SET in it
/// acknowledged. What it carries counts like anything else the SUT sends.
pub async fn answer_meanwhile(ctx: &mut Context<'_>, inbound: Inbound) {
    let respond = RespondSpec {
        body: BodySpec {
            object: ObjectSpec { ack: Some(AckSpec::Received("received".into())), ..ObjectSpec::default() },
            ..BodySpec::default()
        },
        ..RespondSpec::default()
    };
    answer(ctx, &respond, inbound).await;
}

/// Takes in what `inbound` carries and answers it as `respond` says.
pub(super) async fn answer(ctx: &mut Context<'_>, respond: &RespondSpec, inbound: Inbound) {
    let req = inbound.request;
    ctx.seen.last_client_certificate = Some(req.client_certificate.clone());
    ctx.absorb_request(req.method.clone(), req.headers.clone(), req.body.clone());

    let push = ctx.binding == Binding::Push;
    let msp = ctx.binding == Binding::Msp;
    let poll = ctx.binding == Binding::Poll;
    // A push receiver answers 202 with no body (RFC 8935 §2.2), a multi-SET push
    // recipient 202 with an ack array (§4.4.1); pushpull, 200 with a Communication Object.
    // Status 0 tells the endpoint to close the connection without an answer.
    let status = if respond.drop { 0 } else { respond.status.unwrap_or(if push || msp { 202 } else { 200 }) };
    let scripted = respond.body.raw.is_some() || respond.body.json.is_some();
    let body = match (push, msp, scripted) {
        (true, _, false) => Vec::new(),
        (_, true, false) => recipient_answer(ctx, &respond.body),
        _ if poll && !scripted => poll_answer(ctx, &respond.body),
        _ => body_bytes(ctx, &respond.body),
    };
    let content_type = respond.body.content_type.clone().unwrap_or_else(|| "application/json".to_owned());
    let headers: Vec<(String, String)> = respond.headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect();
    // A push receiver's 2xx or 400 settles the SET (RFC 8935 §2.2, §2.3); anything
    // else (429, 503, ...) leaves it to be retried.
    if push && ((200..300).contains(&status) || status == 400) {
        ctx.ledger.answer_pending();
    }
    let reply = Reply { status, content_type: content_type.clone(), body: body.clone(), headers: headers.clone() };
    if let Some(ms) = respond.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms).min(ctx.remaining())).await;
    }
    // The SUT may have given up already; what it did is recorded either way.
    let _ = inbound.reply.send(reply);
    let captured = Outgoing { method: req.method, url: req.url, headers: req.headers, body: req.body };
    let mut answered_headers = vec![("content-type".to_owned(), content_type)];
    answered_headers.extend(headers);
    let answered = Observed { status, headers: answered_headers, body, truncated: false };
    if respond.drop {
        let dropped = Err(WireError::Other("no answer: the harness closed the connection on purpose".into()));
        ctx.record_exchange("harness", &captured, req.at, &dropped);
    } else {
        ctx.record_inbound(&captured, req.at, &answered);
    }
    ctx.carried_by_latest();
}

/// Why a rule found broken is not judged after a SUT that cannot be asked to
/// initiate sent nothing of its own: what the step looks at is the request an
/// initiate makes (silence when the SUT was never asked breaks no rule).
pub(super) fn no_own_request(waited: Duration) -> String {
    format!(
        "initiate is unsupported (sut.yaml trigger.initiate) and the SUT sent no request of its own within {} ms; \
         the rule needs the request an initiate would have made",
        waited.as_millis()
    )
}

/// Whether the step passes over `request`: with `skip_empty`, a multi-SET
/// batch with no SETs (multi-SET push §4); for pushpull over HTTP, a request
/// that carries no SETs, acknowledgements or errors (an initiator may post one
/// on start-up or on a timer, pushpull §6.1) while the harness waits for SETs
/// or for the SUT's answers to its own, or whenever the step says `skip_empty`.
fn passed_over(ctx: &Context<'_>, spec: &AwaitSpec, request: &Captured) -> bool {
    if request.upgrade {
        return false;
    }
    match ctx.binding {
        Binding::Msp => spec.skip_empty && is_empty_batch(&request.body),
        Binding::Http => (spec.skip_empty || ctx.ledger.owed()) && carries_nothing(&request.body),
        _ => false,
    }
}

/// A batch with no SETs in it: `{"sets": {}}`, or no `sets` at all.
fn is_empty_batch(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.get("sets").and_then(Value::as_object).is_none_or(|s| s.is_empty()))
}

/// A Communication Object whose `sets`, `ack` and `setErrs` are all absent or empty.
pub(super) fn carries_nothing(body: &[u8]) -> bool {
    let empty = |v: &Value| match v {
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.is_object() && ["sets", "ack", "setErrs"].iter().all(|m| v.get(m).is_none_or(empty)))
}

/// A multi-SET push recipient's answer (§4.4): `ack` always present, and no SETs.
fn recipient_answer(ctx: &mut Context<'_>, spec: &BodySpec) -> Vec<u8> {
    answer_with(ctx, spec, &["sets"], ("ack", json!([])))
}

/// A poll response (RFC 8936 §2.3): `sets` always present, no acknowledgements.
fn poll_answer(ctx: &mut Context<'_>, spec: &BodySpec) -> Vec<u8> {
    answer_with(ctx, spec, &["ack", "setErrs"], ("sets", json!({})))
}

/// The object a step describes, without the members this binding's answers
/// never carry and with the one they always carry.
fn answer_with(ctx: &mut Context<'_>, spec: &BodySpec, never: &[&str], always: (&str, Value)) -> Vec<u8> {
    let mut object = match serde_json::from_slice::<Value>(&body_bytes(ctx, spec)) {
        Ok(Value::Object(o)) => o,
        _ => Map::new(),
    };
    object.retain(|k, _| !never.contains(&k.as_str()));
    object.entry(always.0).or_insert(always.1);
    Value::Object(object).to_string().into_bytes()
}

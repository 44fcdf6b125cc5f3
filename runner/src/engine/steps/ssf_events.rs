//! Waiting for the events of the scenario's SSF stream, whichever way it
//! delivers: pushes to the harness's endpoint, each answered (202 unless the
//! step scripts another answer, RFC 8935 §2.2), or polls of the endpoint the
//! transmitter chose, each acknowledging what came (RFC 8936 §2.4). Whatever
//! arrives is taken in and judged like any SET; the wait ends at the first
//! SET the step waits for, or when its window closes.

use super::await_request::answer;
use crate::catalogue::ssf_step::{SsfDelivery, SsfEventWait, SsfEventsSpec};
use crate::catalogue::{BodySpec, RespondSpec};
use crate::engine::context::{Context, StepFailure};
use crate::engine::state::Awaited;
use crate::ssf::STREAM_UPDATED_EVENT;
use crate::ssf::events::{answers, is_verification};
use crate::wire::Outgoing;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// Pause between polls of a poll stream.
const POLL_PAUSE: Duration = Duration::from_millis(200);

/// Performs one `ssf_events` step.
pub async fn await_events(ctx: &mut Context<'_>, spec: &SsfEventsSpec) -> Result<(), StepFailure> {
    let Some(stream) = ctx.ssf.current_stream() else {
        return Err(StepFailure::error("this step waits for a stream's events, and no stream was made".into()));
    };
    let (delivery, poll_url) = (stream.delivery, stream.poll_url().map(str::to_owned));
    let up_to = spec.up_to_ms.map_or(ctx.env.sut.timeouts.observation, Duration::from_millis);
    let wait = up_to.min(ctx.remaining());
    let from = ctx.ledger.emitted.len();
    let arrived_after = match delivery {
        SsfDelivery::Poll => {
            let Some(url) = poll_url else {
                return Err(StepFailure::error(
                    "the poll stream's configuration names no delivery.endpoint_url".into(),
                ));
            };
            poll_until(ctx, spec.wait_for, &url, wait, from).await?
        }
        _ => push_until(ctx, spec, wait, from).await?,
    };
    ctx.clock.awaited = Some(Awaited { what: "SET", arrived_after, within: up_to, up_to });
    Ok(())
}

/// Takes the SUT's pushes until one carries what the step waits for.
async fn push_until(
    ctx: &mut Context<'_>,
    spec: &SsfEventsSpec,
    wait: Duration,
    from: usize,
) -> Result<Option<Duration>, StepFailure> {
    if ctx.link.endpoint.is_none() {
        return Err(StepFailure::error("this step waits for pushes, and no harness endpoint is open".into()));
    }
    let respond = RespondSpec {
        status: spec.answer_status,
        body: BodySpec {
            json: spec.answer_err.as_ref().map(|err| json!({ "err": err, "description": "refused by the scenario" })),
            ..BodySpec::default()
        },
        ..RespondSpec::default()
    };
    let started = Instant::now();
    loop {
        let left = wait.saturating_sub(started.elapsed());
        let (inbound, began) = ctx.next_inbound(left).await?;
        let Some(inbound) = inbound else { return Ok(None) };
        let at = inbound.request.at.saturating_duration_since(began.min(started));
        if ctx.ssf.endpoint.is_some() {
            let presented = inbound.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("authorization"));
            ctx.ssf.push_authorizations.push(presented.map(|(_, v)| v.clone()));
        }
        let seen_before = ctx.ledger.emitted.len();
        answer(ctx, &respond, inbound).await;
        if waited_for(ctx, spec.wait_for, from.max(seen_before)) {
            return Ok(Some(at));
        }
    }
}

/// Polls the stream's endpoint, acknowledging what came, until a SET the step waits for arrives.
async fn poll_until(
    ctx: &mut Context<'_>,
    wait_for: SsfEventWait,
    url: &str,
    wait: Duration,
    from: usize,
) -> Result<Option<Duration>, StepFailure> {
    let started = Instant::now();
    let mut found = None;
    loop {
        let seen_before = ctx.ledger.emitted.len();
        poll_once(ctx, url).await?;
        if waited_for(ctx, wait_for, from.max(seen_before)) {
            found = Some(started.elapsed());
        }
        if found.is_some() || started.elapsed() + POLL_PAUSE >= wait {
            break;
        }
        tokio::time::sleep(POLL_PAUSE).await;
    }
    // What came is acknowledged, so that it is not delivered again (RFC 8936 §2.4).
    if !ctx.ledger.pending.is_empty() {
        poll_once(ctx, url).await?;
    }
    Ok(found)
}

/// One poll that returns at once, acknowledging every SET received since the last.
async fn poll_once(ctx: &mut Context<'_>, url: &str) -> Result<(), StepFailure> {
    let mut object = Map::new();
    object.insert("ack".into(), json!(ctx.ledger.answer_pending()));
    object.insert("returnImmediately".into(), json!(true));
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    headers.push(("Accept".into(), "application/json".into()));
    if let Some(sut) = ctx.env.sut.ssf.clone() {
        let limit = ctx.remaining().min(ctx.env.sut.timeouts.request);
        if let Ok(bearer) = sut.receiver.bearer(&ctx.env.wire, limit).await {
            headers.push(("Authorization".into(), format!("Bearer {}", bearer.token)));
        }
    }
    let req = Outgoing {
        method: "POST".into(),
        url: url.to_owned(),
        headers,
        body: Value::Object(object).to_string().into_bytes(),
    };
    let observed = ctx.call("sut", req).await?;
    ctx.absorb(observed);
    Ok(())
}

/// Whether a SET received from `from` on is one the step waits for.
fn waited_for(ctx: &Context<'_>, wait_for: SsfEventWait, from: usize) -> bool {
    let requested: Vec<&str> = ctx.ssf.requests.iter().filter_map(|r| r.state.as_deref()).collect();
    let last_state = ctx.ssf.requests.last().and_then(|r| r.state.as_deref());
    ctx.ledger.emitted.iter().skip(from).filter_map(|(_, token, _, _)| crate::set::decode_claims(token)).any(|claims| {
        let events = claims.get("events").and_then(Value::as_object);
        match wait_for {
            SsfEventWait::Any => true,
            SsfEventWait::Verification => events.is_some_and(|e| answers(e, last_state)),
            SsfEventWait::UnsolicitedVerification => {
                events.is_some_and(|e| is_verification(e) && !requested.iter().any(|s| answers(e, Some(s))))
            }
            SsfEventWait::StreamUpdated => events.is_some_and(|e| e.contains_key(STREAM_UPDATED_EVENT)),
        }
    })
}

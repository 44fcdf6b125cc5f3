//! The multi-SET push transmitter (draft-deshpande-secevent-http-multi-set-push,
//! post -03): the outbox goes out as one batch, `{"sets": {...}}`. SETs stay
//! in the outbox until the recipient acknowledges or rejects them (§4.1); a
//! batch is offered again once it has waited a while, and meanwhile empty
//! batches give the recipient the chance to hand back late answers (§4).

use crate::fault::Fault;
use crate::initiator::absorb_object;
use crate::state::{App, Reason};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest the reference waits for the recipient's answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A SET unanswered this long after it went out is sent again (§6).
const REDELIVER_AFTER: Duration = Duration::from_secs(1);
/// Under the `msp-tx-hold-batch` fault, how long new SETs wait for company:
/// longer than the 1-2 seconds the draft recommends.
const HELD_BATCH: Duration = Duration::from_secs(3);
/// Largest response body the reference reads.
const MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;
/// The request media type of post -03 (§4.3); -02 used application/json (AMB-30).
const BATCH_MEDIA_TYPE: &str = "application/secevents+json";

/// Sends one batch: new SETs and the ones due again, or an empty batch while
/// answers are outstanding.
pub async fn deliver(app: &Arc<App>, peer_id: &str, reason: Reason) {
    let fault = app.fault;
    // §7.4 (MSP-022): new SETs are not held back just to fill a larger batch.
    if reason == Reason::Asked && fault == Some(Fault::MspTxHoldBatch) {
        tokio::time::sleep(HELD_BATCH).await;
    }
    let now = Instant::now();
    let prepared = app
        .peers
        .with_id(peer_id, |p| {
            if p.push_halted {
                return None;
            }
            let endpoint = p.endpoint.clone()?;
            let due = |sent: Option<Instant>| sent.is_none_or(|at| now.duration_since(at) >= REDELIVER_AFTER);
            let mut sets = Map::new();
            for out in p.outbox.iter_mut().filter(|o| reason == Reason::Asked || due(o.last_sent)) {
                // MSP-003: each SET in compact form, under its own jti.
                let (key, value) = match fault {
                    Some(Fault::MspTxSetsAsObjects) => (out.jti.clone(), json!({ "set": out.token })),
                    Some(Fault::MspTxOneKey) => ("stream".to_owned(), json!(out.token)),
                    _ => (out.jti.clone(), json!(out.token)),
                };
                sets.insert(key, value);
                out.deliveries += 1;
                out.last_sent = Some(now);
            }
            if fault == Some(Fault::NoRedelivery) {
                p.outbox.clear();
            }
            let waiting = !p.outbox.is_empty();
            if sets.is_empty() && (reason == Reason::Retry && (!waiting || fault == Some(Fault::MspTxNoEmptyBatches))) {
                return None;
            }
            Some((endpoint, sets))
        })
        .flatten();
    let Some((endpoint, sets)) = prepared else { return };
    // §5: TLS only.
    if !endpoint.url.starts_with("https://") && fault != Some(Fault::InitiateCleartext) {
        return;
    }
    let mut body = Map::new();
    if !(sets.is_empty() && fault == Some(Fault::MspTxOmitEmptySets)) {
        body.insert("sets".into(), Value::Object(sets));
    }
    let content_type = if fault == Some(Fault::MspTxJsonMediaType) { "application/json" } else { BATCH_MEDIA_TYPE };
    // §4.3: a POST asking for application/json.
    let method = if fault == Some(Fault::MspTxMethodPut) { reqwest::Method::PUT } else { reqwest::Method::POST };
    let mut request = endpoint
        .client
        .request(method, &endpoint.url)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", content_type)
        .header("Accept-Language", "en")
        .body(Value::Object(body).to_string());
    if fault != Some(Fault::MspTxNoAccept) {
        request = request.header("Accept", "application/json");
    }
    if let Some(token) = &endpoint.token {
        request = request.bearer_auth(token);
    }
    let Ok(mut response) = request.send().await else { return };
    if !response.status().is_success() {
        return;
    }
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        if bytes.len() + chunk.len() > MAX_RESPONSE_BODY {
            return;
        }
        bytes.extend_from_slice(&chunk);
    }
    let Ok(Value::Object(mut answer)) = serde_json::from_slice::<Value>(&bytes) else { return };
    // One direction only: anything but ack and setErrs is not for a transmitter.
    answer.retain(|k, _| k == "ack" || k == "setErrs");
    app.peers.with_id(peer_id, |p| {
        // §4: acks and errors for SETs it has no record of are ignored; the fault stops instead.
        if fault == Some(Fault::MspTxHaltOnUnknownAck) && names_unknown(&answer, p) {
            p.push_halted = true;
        }
        // With `sets` dropped, the answer holds no SET to validate.
        absorb_object(p, &Value::Object(answer), Vec::new(), fault, app.set_profile);
    });
}

/// Whether the answer names a jti the peer never received from us.
fn names_unknown(answer: &Map<String, Value>, peer: &crate::peers::Peer) -> bool {
    let known = |jti: &str| peer.outbox.iter().any(|o| o.jti == jti) || peer.retired.contains(jti);
    let acked = answer.get("ack").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
    let errored =
        answer.get("setErrs").and_then(Value::as_object).into_iter().flat_map(|m| m.keys().map(String::as_str));
    acked.chain(errored).any(|jti| !known(jti))
}

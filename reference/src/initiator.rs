//! The initiator role (pushpull §6.1, §9): POST the outbox and what we owe the
//! peer to its Pushpull endpoint, and fold its response back in.

use crate::fault::Fault;
use crate::jose;
use crate::key_refresh::{Who, learn_keys, set_tokens};
use crate::peers::{Outgoing, Peer, Verdict};
use crate::pushpull;
use crate::set_profile::SetProfile;
use crate::state::{App, Reason};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

/// `maxResponseEvents` the reference asks for in every request.
const MAX_RESPONSE_EVENTS: u64 = 50;
/// Under the `slow-redelivery` fault, how long an unanswered SET waits before it
/// goes again over HTTP: the reference otherwise retries on its next tick.
const SLOW_REDELIVERY: Duration = Duration::from_secs(3);
/// Longest the reference waits for a peer's answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body the reference reads.
const MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;

/// One HTTP request to the peer's endpoint (§6.1) and the processing of its answer.
pub async fn exchange(app: &Arc<App>, peer_id: &str, reason: Reason) {
    let fault = app.fault;
    let Some(prepared) = app.peers.with_id(peer_id, |p| prepare(p, reason, fault, None)).flatten() else {
        return;
    };
    let answer = send(&prepared, fault).await;
    let checked = match &answer {
        Answer::Ok(object) => {
            if let Value::Object(members) = object {
                learn_keys(app, Who::Id(peer_id), set_tokens(members)).await;
            }
            let Some(checked) = check_sets(app, peer_id, object) else { return };
            checked
        }
        Answer::Refused => Checked::new(),
    };
    app.peers.with_id(peer_id, |p| absorb(p, &prepared, answer, checked, fault, app.set_profile));
}

/// The RFC 8417 verdict on each member of a Communication Object's `sets`, in
/// its order; `None` for a member that is not a string.
pub type Checked = Vec<Option<Result<(), jose::Rejection>>>;

/// Validates the SETs of `object` from peer `peer_id` against a snapshot of
/// its trust, with no lock held; `None` when there is no such peer.
pub fn check_sets(app: &App, peer_id: &str, object: &Value) -> Option<Checked> {
    let trust = app.peers.trust_by_id(peer_id)?;
    Some(jose::validate_members(object.get("sets"), &trust))
}

/// Everything one request carries, taken from the peer's state.
pub struct Prepared {
    endpoint: crate::peers::Endpoint,
    pub body: Value,
    carried: Vec<String>,
    owed: Vec<(String, Verdict)>,
}

/// Takes what the next communication carries out of the peer's state. Over a
/// WebSocket (`socket_retry`: the retry interval) a retry carries only SETs
/// that went out longer ago than that, since nothing answers a message there.
pub fn prepare(
    peer: &mut Peer,
    reason: Reason,
    fault: Option<Fault>,
    socket_retry: Option<Duration>,
) -> Option<Prepared> {
    let endpoint = peer.endpoint.clone()?;
    // §12.2: SETs go to peers over TLS only.
    if !endpoint.url.starts_with("https://") && fault != Some(Fault::InitiateCleartext) {
        return None;
    }
    let now = std::time::Instant::now();
    let due = |o: &Outgoing| match (reason, socket_retry, o.last_sent) {
        (Reason::Retry, Some(interval), Some(at)) => now.duration_since(at) >= interval,
        // §9.1 (PP-REL-008): an unanswered SET goes again after a sensible wait, not this late.
        (Reason::Retry, None, Some(at)) if fault == Some(Fault::SlowRedelivery) => {
            now.duration_since(at) >= SLOW_REDELIVERY
        }
        _ => true,
    };
    // §9 (PP-REL-005): a SET that went out in a response may be retried by request.
    let retried_by_request = |o: &Outgoing| !(fault == Some(Fault::NoRetryByRequest) && o.in_response);
    if reason == Reason::Retry && !peer.outbox.iter().any(|o| due(o) && retried_by_request(o)) && peer.owed.is_empty() {
        return None;
    }
    let mut body = Map::new();
    let mut sets = Map::new();
    let mut carried = Vec::new();
    // §11.1 (PP-CONF-001): a Multi-Push transmitter delivers its SETs together in `sets`.
    let per_request = if fault == Some(Fault::OneSetPerRequest) && socket_retry.is_none() { 1 } else { usize::MAX };
    for out in peer.outbox.iter_mut().filter(|o| due(o) && retried_by_request(o)).take(per_request) {
        let key = if fault == Some(Fault::JtiKeyMismatch) { format!("{}-key", out.jti) } else { out.jti.clone() };
        sets.insert(key, json!(out.token));
        out.deliveries += 1;
        out.last_sent = Some(now);
        carried.push(out.jti.clone());
    }
    if fault == Some(Fault::NoRedelivery) {
        peer.outbox.clear();
    }
    if !sets.is_empty() {
        body.insert("sets".into(), Value::Object(sets));
    } else if fault == Some(Fault::RequestNullSets) && socket_retry.is_none() {
        // §5 (PP-CO-002): `sets`, when present, is an object; with nothing to deliver it is left out.
        body.insert("sets".into(), Value::Null);
    }
    let owed = std::mem::take(&mut peer.owed);
    let mut acks: Vec<String> = owed.iter().filter(|(_, v)| *v == Verdict::Acked).map(|(j, _)| j.clone()).collect();
    // §5 (PP-CO-005): only jtis of SETs the peer really sent are acknowledged.
    if fault == Some(Fault::InitiatorFabricateAck) && !acks.is_empty() {
        acks.push(format!("{}-never-sent", peer.id));
    }
    if !acks.is_empty() {
        body.insert("ack".into(), json!(acks));
    }
    let errs: Map<String, Value> = owed
        .iter()
        .filter_map(|(jti, v)| match v {
            Verdict::Errored { err, description } => Some((jti.clone(), pushpull::set_err(err, description, fault))),
            Verdict::Acked => None,
        })
        .collect();
    if !errs.is_empty() {
        body.insert("setErrs".into(), Value::Object(errs));
    }
    // Meaningless over a WebSocket, where nothing responds (AMB-03).
    // §6.1 (PP-HTTP-004): a count of events, so a non-negative integer (AMB-06).
    if socket_retry.is_none() {
        let max = match fault {
            Some(Fault::NegativeMaxResponseEvents) => json!(-1),
            Some(Fault::RequestMaxResponseEventsString) => json!(MAX_RESPONSE_EVENTS.to_string()),
            _ => json!(MAX_RESPONSE_EVENTS),
        };
        // §5 (PP-CO-011): member names are case-sensitive and spelled as defined.
        let name =
            if fault == Some(Fault::RequestSnakeCaseMember) { "max_response_events" } else { "maxResponseEvents" };
        body.insert(name.into(), max);
    }
    Some(Prepared { endpoint, body: Value::Object(body), carried, owed })
}

/// The peer's answer: its status and, for a 200, the Communication Object.
enum Answer {
    Ok(Value),
    Refused,
}

async fn send(prepared: &Prepared, fault: Option<Fault>) -> Answer {
    let method = if fault == Some(Fault::RequestMethodPut) { reqwest::Method::PUT } else { reqwest::Method::POST };
    let content_type = if fault == Some(Fault::RequestTextContentType) { "text/plain" } else { "application/json" };
    // §8.2: the credentials come from the endpoint's metadata when it has some.
    let Ok(token) = crate::resource_auth::bearer(&prepared.endpoint, fault).await else { return Answer::Refused };
    let mut request = prepared
        .endpoint
        .client
        .request(method, &prepared.endpoint.url)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", content_type)
        .body(prepared.body.to_string());
    if let Some(token) = &token {
        request = request.bearer_auth(token);
    }
    let Ok(mut response) = request.send().await else { return Answer::Refused };
    if response.status() != reqwest::StatusCode::OK {
        return Answer::Refused;
    }
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        if body.len() + chunk.len() > MAX_RESPONSE_BODY {
            return Answer::Refused;
        }
        body.extend_from_slice(&chunk);
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Object(_)) => Answer::Ok(v),
        _ => Answer::Refused,
    }
}

/// Folds the peer's answer to a request into its state.
fn absorb(
    peer: &mut Peer,
    prepared: &Prepared,
    answer: Answer,
    checked: Checked,
    fault: Option<Fault>,
    profile: SetProfile,
) {
    match answer {
        Answer::Ok(mut object) => {
            // §6.2.3 (PP-HTTP-015): a response may acknowledge SETs of earlier requests too.
            if fault == Some(Fault::InitiatorIgnoreLateAcks)
                && let Some(Value::Array(acked)) = object.get_mut("ack")
            {
                let first_sent_now = |jti: &str| {
                    prepared.carried.iter().any(|c| c == jti)
                        && peer.outbox.iter().any(|o| o.jti == jti && o.deliveries == 1)
                };
                acked.retain(|jti| jti.as_str().is_some_and(first_sent_now));
            }
            absorb_object(peer, &object, checked, fault, profile)
        }
        Answer::Refused => restore(peer, prepared, fault),
    }
}

/// A communication that went nowhere: what it owed is owed again.
pub fn restore(peer: &mut Peer, prepared: &Prepared, fault: Option<Fault>) {
    // §6.2.2: an error response neither acknowledges nor rejects anything.
    if fault == Some(Fault::DropAfterErrorResponse) {
        peer.outbox.retain(|o| !prepared.carried.contains(&o.jti));
    }
    let mut owed = prepared.owed.clone();
    owed.append(&mut peer.owed);
    peer.owed = owed;
}

/// Takes in a Communication Object from the peer: its acks, setErrs and SETs,
/// with `checked` the verdicts of [`check_sets`] on the object; SETs minted
/// again are minted under `profile`.
pub fn absorb_object(peer: &mut Peer, object: &Value, checked: Checked, fault: Option<Fault>, profile: SetProfile) {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let acked = strings(object.get("ack"));
    let errored: Vec<String> =
        object.get("setErrs").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    if fault != Some(Fault::ForgetAcks) {
        for jti in acked.iter().chain(&errored) {
            peer.retired.insert(jti.clone());
        }
        let retired = &peer.retired;
        peer.outbox.retain(|o| !retired.contains(&o.jti));
    }
    if fault == Some(Fault::ReuseErroredJti) {
        // Re-sends the rejected event under the jti that was already answered.
        let iat = pushpull::now();
        for jti in &errored {
            let token = jose::mint(jti, &peer.audience, iat, None, profile);
            peer.outbox.push(Outgoing::new(jti.clone(), token));
        }
    }
    if let Some(sets) = object.get("sets").and_then(Value::as_object) {
        debug_assert_eq!(sets.len(), checked.len(), "verdicts for another object");
        for (key, validated) in sets.keys().zip(checked) {
            let verdict = match validated {
                Some(Ok(())) => Verdict::Acked,
                _ if fault == Some(Fault::AckInvalidSets) => Verdict::Acked,
                Some(Err(r)) => Verdict::Errored { err: r.err.into(), description: r.description },
                None => Verdict::Errored { err: "invalid_request".into(), description: "SET is not a string".into() },
            };
            peer.received.insert(key.clone(), verdict.clone());
            if fault == Some(Fault::NeverAck) && verdict == Verdict::Acked {
                continue;
            }
            // §5 (PP-CO-010): a jti goes in `ack` or in `setErrs`, never both.
            if fault == Some(Fault::InitiatorAckAndErr) && verdict != Verdict::Acked {
                peer.owed.push((key.clone(), Verdict::Acked));
            }
            peer.owed.push((key.clone(), verdict));
        }
    }
}

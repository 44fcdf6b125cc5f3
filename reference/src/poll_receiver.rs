//! The poll recipient (RFC 8936): the reference polls the peer's endpoint
//! for the SETs the peer transmits. It long-polls for SETs, judges what
//! comes back, and hands its verdicts over in an acknowledge-only poll
//! (§2.4.2) before it long-polls again. One loop per peer, one poll in
//! flight at a time.

use crate::fault::Fault;
use crate::jose::{self, Rejection};
use crate::key_refresh::{Who, learn_keys, set_tokens};
use crate::peers::{Endpoint, Peer, Verdict};
use crate::ssf_receiver::judge::judge_if_ssf;
use crate::state::App;
use reqwest::header;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `maxEvents` of a normal poll (§2.2).
const MAX_EVENTS: u64 = 25;
/// Longest the reference waits for an answer; the transmitter may hold a long poll (§2.5).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response body the reference reads.
const MAX_RESPONSE_BODY: usize = 4 * 1024 * 1024;
/// Pause after the first failed poll; each further failure doubles it.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Longest pause between failed polls.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Polls in a row that reach nobody before the loop gives up on the endpoint.
const MAX_UNREACHABLE: u32 = 5;
/// Under the `poll-rcv-slow-ack` fault, the wait before each acknowledging poll:
/// longer than a prompt answer, shorter than a peer gives up watching.
const SLOW_ACK: Duration = Duration::from_secs(3);
/// Long polls that leave nothing to acknowledge come no faster than this, so
/// a transmitter that answers them at once is not flooded.
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Starts polling the peer's endpoint, unless a loop for the peer already runs.
pub fn start(app: Arc<App>, peer_id: String) {
    if !app.start_polling(&peer_id) {
        return;
    }
    tokio::spawn(async move {
        let _running = Running { app: app.clone(), peer_id: peer_id.clone() };
        run(&app, &peer_id).await;
    });
}

/// Marks the loop as ended however it ends, so that it can be started again.
struct Running {
    app: Arc<App>,
    peer_id: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.app.stop_polling(&self.peer_id);
    }
}

/// What became of one poll.
enum Outcome {
    /// 200 with a JSON object.
    Answered(Map<String, Value>),
    /// Any other answer; `halts` only under the fault that gives up on it.
    Refused { halts: bool },
    /// No answer: the connection failed or timed out.
    Unreachable,
}

async fn run(app: &Arc<App>, peer_id: &str) {
    let fault = app.fault;
    let Some(endpoint) = app.peers.with_id(peer_id, |p| p.endpoint.clone()).flatten() else { return };
    // §3: the poll goes over TLS, so the transmitter's certificate can be validated.
    if !endpoint.url.starts_with("https://") && fault != Some(Fault::InitiateCleartext) {
        return;
    }
    let mut stopped = app.stopped.clone();
    let mut backoff = FIRST_BACKOFF;
    let mut unreachable = 0;
    let mut first = true;
    loop {
        // Ends with the reference, or when the peer is released.
        if *stopped.borrow() || app.peers.with_id(peer_id, |_| ()).is_none() {
            return;
        }
        let mut owed = app.peers.with_id(peer_id, |p| std::mem::take(&mut p.owed)).unwrap_or_default();
        let ack_only = !owed.is_empty();
        // §2.4 (POLL-043): the acknowledgement is to come promptly.
        if ack_only && fault == Some(Fault::PollRcvSlowAck) {
            tokio::select! {
                _ = tokio::time::sleep(SLOW_ACK) => {}
                _ = stopped.changed() => return,
            }
        }
        // §2.4 (POLL-044): a first poll has received nothing, so it acknowledges nothing.
        if first && fault == Some(Fault::PollRcvFirstPollAck) {
            owed.push((format!("{peer_id}-never-received"), Verdict::Acked));
        }
        first = false;
        let started = Instant::now();
        let outcome = tokio::select! {
            outcome = send(&endpoint, &owed, fault) => outcome,
            _ = stopped.changed() => return,
        };
        let pause = match outcome {
            Outcome::Answered(object) => {
                backoff = FIRST_BACKOFF;
                unreachable = 0;
                learn_keys(app, Who::Id(peer_id), set_tokens(&object)).await;
                // The SETs are validated against a snapshot of the peer's trust, with no lock held.
                let checked = app.peers.trust_by_id(peer_id).map(|t| jose::validate_members(object.get("sets"), &t));
                let more = checked.and_then(|c| app.peers.with_id(peer_id, |p| absorb(p, &object, c, fault)));
                let more = more.unwrap_or(false);
                crate::ssf_receiver::status::follow_up(app, peer_id);
                let owes = app.peers.with_id(peer_id, |p| !p.owed.is_empty()).unwrap_or(false);
                // §2.3: moreAvailable, verdicts to hand over, or a long poll to follow
                // an acknowledge-only one: poll again at once.
                if more || owes || ack_only {
                    Duration::ZERO
                } else {
                    MIN_POLL_INTERVAL.saturating_sub(started.elapsed())
                }
            }
            Outcome::Refused { halts } => {
                app.peers.with_id(peer_id, |p| owe_again(p, owed));
                if halts {
                    return;
                }
                unreachable = 0;
                next_backoff(&mut backoff)
            }
            Outcome::Unreachable => {
                app.peers.with_id(peer_id, |p| owe_again(p, owed));
                unreachable += 1;
                if unreachable >= MAX_UNREACHABLE {
                    return;
                }
                next_backoff(&mut backoff)
            }
        };
        if !pause.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stopped.changed() => return,
            }
        }
    }
}

/// The pause before the next poll after a failure, doubling the one after it.
fn next_backoff(backoff: &mut Duration) -> Duration {
    let pause = *backoff;
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
    pause
}

/// A poll that went nowhere acknowledged nothing: its verdicts are owed again, first.
fn owe_again(peer: &mut Peer, mut owed: Vec<(String, Verdict)>) {
    owed.append(&mut peer.owed);
    peer.owed = owed;
}

/// The body of the next poll: an acknowledge-only poll when verdicts are owed
/// (§2.4.2), else a long poll for SETs (§2.4.1). The first poll owes nothing,
/// so it carries no `ack` or `setErrs` (§2.4).
fn poll_body(owed: &[(String, Verdict)], fault: Option<Fault>) -> Value {
    // §2.2 (POLL-020): `maxEvents` is a non-negative integer.
    let max_events =
        |n: u64| if fault == Some(Fault::PollRcvMaxEventsString) { json!(n.to_string()) } else { json!(n) };
    if owed.is_empty() {
        return json!({ "maxEvents": max_events(MAX_EVENTS) });
    }
    let mut body = Map::new();
    let ack: Vec<&String> = owed.iter().filter(|(_, v)| *v == Verdict::Acked).map(|(jti, _)| jti).collect();
    if !ack.is_empty() {
        // §2.2 (POLL-026): `ack` is an array of jtis.
        let ack = if fault == Some(Fault::PollRcvAckObject) {
            Value::Object(ack.into_iter().map(|jti| (jti.clone(), json!(true))).collect())
        } else {
            json!(ack)
        };
        body.insert("ack".into(), ack);
    }
    let set_errs = set_errs(owed, fault);
    if !set_errs.is_empty() {
        body.insert("setErrs".into(), Value::Object(set_errs));
    }
    // §2.4.2: maxEvents 0 asks for no SETs; returnImmediately keeps it from being held.
    body.insert("maxEvents".into(), max_events(0));
    if fault != Some(Fault::PollRcvAckOnlyBlocking) {
        body.insert("returnImmediately".into(), json!(true));
    }
    Value::Object(body)
}

/// §2.2, §2.6: one `{err, description}` per rejected SET, keyed by its jti.
/// The codes come from the RFC 8935 registry (POLL-070).
fn set_errs(owed: &[(String, Verdict)], fault: Option<Fault>) -> Map<String, Value> {
    let entry = |err: &str, description: &str| {
        let err = if fault == Some(Fault::PollRcvUnregisteredErr) { "bad_set" } else { err };
        if fault == Some(Fault::PollRcvNoDescription) {
            json!({ "err": err })
        } else {
            json!({ "err": err, "description": description })
        }
    };
    owed.iter()
        .filter_map(|(jti, v)| match v {
            Verdict::Errored { err, description } => Some((jti.clone(), entry(err, description))),
            Verdict::Acked => None,
        })
        .collect()
}

/// One poll: a POST of a JSON object to the endpoint (§2.2, §2.4).
async fn send(endpoint: &Endpoint, owed: &[(String, Verdict)], fault: Option<Fault>) -> Outcome {
    let body = poll_body(owed, fault);
    let method = if fault == Some(Fault::PollRcvMethodPut) { reqwest::Method::PUT } else { reqwest::Method::POST };
    let content_type = if fault == Some(Fault::PollRcvTextContentType) { "text/plain" } else { "application/json" };
    let mut request = endpoint
        .client
        .request(method, &endpoint.url)
        .timeout(REQUEST_TIMEOUT)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json")
        .body(body.to_string());
    // §2.6: the language of the error descriptions.
    if body.get("setErrs").is_some() && fault != Some(Fault::PollRcvNoContentLanguage) {
        request = request.header(header::CONTENT_LANGUAGE, "en");
    }
    if let Some(token) = &endpoint.token {
        request = request.bearer_auth(token);
    }
    let Ok(response) = request.send().await else { return Outcome::Unreachable };
    if response.status() != reqwest::StatusCode::OK {
        // §2.5.1: the body of an error answer is undefined; it is not read.
        if fault != Some(Fault::PollRcvHaltOnErrorBody) {
            return Outcome::Refused { halts: false };
        }
        let is_json =
            matches!(read_body(response).await, Body::Complete(b) if serde_json::from_slice::<Value>(&b).is_ok());
        return Outcome::Refused { halts: !is_json };
    }
    match read_body(response).await {
        Body::Complete(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(object)) => Outcome::Answered(object),
            _ => Outcome::Refused { halts: false },
        },
        Body::TooLong => Outcome::Refused { halts: false },
        Body::Broken => Outcome::Unreachable,
    }
}

/// A response body, read up to `MAX_RESPONSE_BODY` bytes.
enum Body {
    Complete(Vec<u8>),
    TooLong,
    /// The connection broke or timed out midway.
    Broken,
}

async fn read_body(mut response: reqwest::Response) -> Body {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_RESPONSE_BODY => body.extend_from_slice(&chunk),
            Ok(Some(_)) => return Body::TooLong,
            Ok(None) => return Body::Complete(body),
            Err(_) => return Body::Broken,
        }
    }
}

/// Judges the SETs of an answer, `checked` their RFC 8417 verdicts (from
/// [`jose::validate_members`]), and records what is owed for each; returns
/// whether the transmitter said more are available (§2.3).
fn absorb(
    peer: &mut Peer,
    object: &Map<String, Value>,
    checked: Vec<Option<Result<(), Rejection>>>,
    fault: Option<Fault>,
) -> bool {
    if let Some(sets) = object.get("sets").and_then(Value::as_object) {
        debug_assert_eq!(sets.len(), checked.len(), "verdicts for another answer");
        for ((jti, token), validated) in sets.iter().zip(checked) {
            // An SSF stream's SETs also meet the SSF rules (state, stream, event types).
            let judged =
                token.as_str().zip(validated).map(|(t, v)| v.and_then(|()| judge_if_ssf(&mut peer.ssf, t, fault)));
            let verdict = match judged {
                Some(Ok(())) => Verdict::Acked,
                Some(Err(_)) if fault == Some(Fault::AckInvalidSets) => Verdict::Acked,
                Some(Err(r)) => Verdict::Errored { err: r.err.into(), description: r.description },
                None => {
                    Verdict::Errored { err: "invalid_request".into(), description: "the SET is not a string".into() }
                }
            };
            let acked_before = peer.received.get(jti) == Some(&Verdict::Acked);
            peer.received.insert(jti.clone(), verdict.clone());
            let withheld = verdict == Verdict::Acked
                && match fault {
                    // §2: valid SETs are to be acknowledged.
                    Some(Fault::PollRcvNeverAcks) => true,
                    Some(Fault::PollRcvNoReack) => acked_before,
                    _ => false,
                };
            // §2.4: a SET delivered again is acknowledged again (POLL-041).
            if !withheld && !peer.owed.iter().any(|(owed, _)| owed == jti) {
                peer.owed.push((jti.clone(), verdict));
            }
        }
    }
    // Unknown members are ignored.
    object.get("moreAvailable") == Some(&Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::Trust;
    use crate::peers::Peers;

    fn errored(jti: &str) -> (String, Verdict) {
        (jti.into(), Verdict::Errored { err: "invalid_key".into(), description: "signature does not verify".into() })
    }

    #[test]
    fn verdicts_go_out_in_an_acknowledge_only_poll() {
        assert_eq!(poll_body(&[], None), json!({ "maxEvents": 25 }));
        let owed = [("a".into(), Verdict::Acked), errored("b")];
        assert_eq!(
            poll_body(&owed, None),
            json!({
                "ack": ["a"],
                "setErrs": { "b": { "err": "invalid_key", "description": "signature does not verify" } },
                "maxEvents": 0,
                "returnImmediately": true,
            })
        );
        assert!(poll_body(&owed, Some(Fault::PollRcvAckOnlyBlocking)).get("returnImmediately").is_none());
        assert_eq!(poll_body(&owed, Some(Fault::PollRcvUnregisteredErr))["setErrs"]["b"]["err"], "bad_set");
        assert!(poll_body(&owed, Some(Fault::PollRcvNoDescription))["setErrs"]["b"].get("description").is_none());
    }

    #[test]
    fn a_set_delivered_again_is_acknowledged_again() {
        let peers = Peers::default();
        let trust = Trust {
            peer_issuer: crate::jose::ISSUER.into(),
            own_audience: "urn:test:me".into(),
            peer_jwks: crate::keys::keys().jwks.clone(),
            fault: None,
        };
        let (id, _) = peers.register(trust, String::new(), None);
        let token = crate::jose::mint("j1", "urn:test:me", 1, None, Default::default());
        let answer = json!({ "sets": { "j1": token } });
        let Value::Object(answer) = answer else { unreachable!() };
        for fault in [None, Some(Fault::PollRcvNoReack), Some(Fault::PollRcvNeverAcks)] {
            let owed_twice: Vec<usize> = (0..2)
                .map(|_| {
                    peers
                        .with_id(&id, |p| {
                            let checked = jose::validate_members(answer.get("sets"), &p.trust);
                            absorb(p, &answer, checked, fault);
                            std::mem::take(&mut p.owed).len()
                        })
                        .unwrap()
                })
                .collect();
            let expected = match fault {
                None => [1, 1],
                Some(Fault::PollRcvNoReack) => [1, 0],
                _ => [0, 0],
            };
            assert_eq!(owed_twice, expected, "{fault:?}");
            peers.with_id(&id, |p| p.received.clear());
        }
    }
}

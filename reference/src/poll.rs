//! The poll endpoint (RFC 8936): the reference as SET Transmitter, the peer
//! polls it for its SETs. One POST carries the peer's acknowledgements and
//! errors; the answer carries the SETs it has not acknowledged yet.

use crate::fault::Fault;
use crate::peers::Peer;
use crate::pushpull::bearer;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tokio::time::Instant;

/// A poll request (§2.2), once parsed and type-checked.
#[derive(Debug, Default)]
struct Poll {
    max_events: Option<usize>,
    return_immediately: bool,
    ack: Vec<String>,
    set_errs: Vec<String>,
}

/// What one poll hands out: the SETs and whether more are waiting.
struct Selection {
    sets: Map<String, Value>,
    more_available: bool,
}

pub async fn serve(State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let fault = app.fault;
    if let Some(refusal) = not_a_poll(&method, fault) {
        return refusal;
    }
    // §3: the Recipient is authenticated with HTTP authentication (RFC 7235), the
    // token in the Authorization header (RFC 6750 §2.1; the fault also takes §2.3's query form).
    let from_query = || query_token(&uri).filter(|_| fault == Some(Fault::PollQueryToken));
    let presented = bearer(&headers).or_else(from_query);
    let mut token = presented.clone().unwrap_or_default();
    if app.peers.with_token(&token, |_| ()).is_none() && fault == Some(Fault::NoAuthCheck) {
        token = app.anonymous_token.clone();
    }
    answer(&app, &token, presented.is_some(), get_as_poll(&method, fault), &body).await
}

/// Whether a GET is taken as a poll (the `poll-accept-get` fault).
pub(crate) fn get_as_poll(method: &Method, fault: Option<Fault>) -> bool {
    method == Method::GET && fault == Some(Fault::PollAcceptGet)
}

/// §2.4: polls are POSTs; anything else is a general HTTP error (§2.5.1): the refusal, if any.
pub(crate) fn not_a_poll(method: &Method, fault: Option<Fault>) -> Option<Response> {
    if method == Method::POST || get_as_poll(method, fault) {
        return None;
    }
    let mut resp = error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "only POST is supported");
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    Some(resp)
}

/// Answers one poll of the peer holding `token` (401 when there is none);
/// `presented`: whether the poller presented a token at all.
pub(crate) async fn answer(app: &App, token: &str, presented: bool, get_as_poll: bool, body: &[u8]) -> Response {
    let fault = app.fault;
    let Some(mut arrivals) = app.peers.with_token(token, |p| p.arrivals.subscribe()) else {
        return unauthorized(fault, presented);
    };
    // §2.5.1: an invalid poll is answered 400.
    let poll = match parse(body) {
        _ if get_as_poll => Poll { return_immediately: true, ..Poll::default() },
        // §2.2 (POLL-022): maxEvents 0 is a valid, acknowledge-only poll.
        Ok(poll) if poll.max_events == Some(0) && fault == Some(Fault::PollRejectZeroMaxEvents) => {
            return error(StatusCode::BAD_REQUEST, "invalid_request", "`maxEvents` must be at least 1");
        }
        Ok(poll) => poll,
        // Answered at once, so that the fault does not leave the poller hanging.
        Err(_) if fault == Some(Fault::PollAcceptInvalid) => Poll { return_immediately: true, ..Poll::default() },
        Err(why) => return error(StatusCode::BAD_REQUEST, "invalid_request", &why),
    };
    if fault == Some(Fault::PollRejectSetErrs) && !poll.set_errs.is_empty() {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "setErrs are not accepted");
    }
    // §2.4.1: `{}` is a valid poll, a long one.
    if fault == Some(Fault::PollNoLongPoll) && !poll.return_immediately {
        return (StatusCode::NOT_FOUND, "long polling is not supported").into_response();
    }
    // AMB-21: an acknowledge-only poll (maxEvents 0) is answered at once.
    let hold = match fault {
        Some(Fault::PollAnswerAtOnce) => false,
        Some(Fault::PollHoldReturnImmediately) => poll.max_events != Some(0),
        Some(Fault::PollHoldAckOnly) => !poll.return_immediately,
        _ => poll.max_events != Some(0) && !poll.return_immediately,
    };

    let Some(mut selection) = app.peers.with_token(token, |p| {
        retire(p, &poll, fault);
        select(p, &poll, fault)
    }) else {
        return unauthorized(fault, presented);
    };
    // §2.5: with nothing to return, hold the poll until a SET arrives or the hold time is up.
    if selection.sets.is_empty() && hold {
        let deadline = Instant::now() + app.poll_hold;
        let mut stopped = app.stopped.clone();
        loop {
            tokio::select! {
                arrived = tokio::time::timeout_at(deadline, arrivals.changed()) => {
                    if !matches!(arrived, Ok(Ok(()))) {
                        break;
                    }
                }
                _ = stopped.changed() => break,
            }
            match app.peers.with_token(token, |p| select(p, &poll, fault)) {
                Some(s) if !s.sets.is_empty() => {
                    selection = s;
                    break;
                }
                _ => {}
            }
        }
    }
    respond(selection, poll.ack.is_empty() && poll.set_errs.is_empty(), fault)
}

/// Parses and type-checks a poll request (§2.2); the error says what is wrong.
fn parse(body: &[u8]) -> Result<Poll, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("body is not a JSON object".into());
    };
    let mut poll = Poll::default();
    if let Some(max) = obj.get("maxEvents") {
        let max = max.as_u64().ok_or("`maxEvents` is not a non-negative integer")?;
        poll.max_events = Some(usize::try_from(max).unwrap_or(usize::MAX));
    }
    if let Some(now) = obj.get("returnImmediately") {
        poll.return_immediately = now.as_bool().ok_or("`returnImmediately` is not a boolean")?;
    }
    (poll.ack, poll.set_errs) = crate::pushpull::parse_answers(&obj)?;
    Ok(poll)
}

/// §2.2: acknowledged and rejected SETs leave the outbox for good.
fn retire(peer: &mut Peer, poll: &Poll, fault: Option<Fault>) {
    let ack: &[String] = if fault == Some(Fault::PollIgnoreAck) { &[] } else { &poll.ack };
    for jti in ack.iter().chain(&poll.set_errs) {
        peer.retired.insert(jti.clone());
    }
    let retired = &peer.retired;
    peer.outbox.retain(|o| !retired.contains(&o.jti));
}

/// Takes the SETs this poll returns, oldest first: new ones and those sent
/// before but not acknowledged (§2.3), at most `maxEvents` (§2.2).
fn select(peer: &mut Peer, poll: &Poll, fault: Option<Fault>) -> Selection {
    let limit = match (fault, poll.max_events) {
        (Some(Fault::PollIgnoreMaxEvents), _) => usize::MAX,
        // §2.2 (POLL-022): 0 asks for no SETs; the fault reads it as "no limit".
        (Some(Fault::PollZeroMaxEventsUnlimited), Some(0)) => usize::MAX,
        (_, max) => max.unwrap_or(usize::MAX),
    };
    let now = std::time::Instant::now();
    let mut sets = Map::new();
    for out in peer.outbox.iter_mut().take(limit) {
        // §2.3: the member name is the SET's jti.
        let name = if fault == Some(Fault::PollKeyNotJti) { format!("{}-key", out.jti) } else { out.jti.clone() };
        sets.insert(name, json!(out.token));
        out.deliveries += 1;
        out.last_sent = Some(now);
    }
    let more_available = peer.outbox.len() > sets.len() && fault != Some(Fault::PollNeverMoreAvailable);
    if fault == Some(Fault::PollNoRedelivery) {
        peer.outbox.retain(|o| o.deliveries == 0);
    }
    Selection { sets, more_available }
}

/// §2.3: `sets` always, `moreAvailable` only when true (omitted means false).
/// `reported_nothing`: the poll carried no `ack` or `setErrs`.
fn respond(selection: Selection, reported_nothing: bool, fault: Option<Fault>) -> Response {
    let empty = selection.sets.is_empty();
    if empty && reported_nothing && fault == Some(Fault::PollEmptyNoContent) {
        return StatusCode::NO_CONTENT.into_response();
    }
    let mut object = Map::new();
    match fault {
        Some(Fault::PollOmitEmptySets) if empty => {}
        Some(Fault::PollNullEmptySets) if empty && reported_nothing => {
            object.insert("sets".into(), Value::Null);
        }
        _ => {
            object.insert("sets".into(), Value::Object(selection.sets));
        }
    }
    if selection.more_available {
        object.insert("moreAvailable".into(), json!(true));
    }
    // §2.3: the response is application/json.
    let content_type = if fault == Some(Fault::PollTextContentType) { "text/plain" } else { "application/json" };
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], Value::Object(object).to_string()).into_response()
}

/// §3: a missing or unknown token is refused, naming the scheme (RFC 7235 §4.1);
/// a token that was presented and is not known is `invalid_token` (RFC 6750 §3.1).
pub(crate) fn unauthorized(fault: Option<Fault>, presented: bool) -> Response {
    let mut resp = error(StatusCode::UNAUTHORIZED, "authentication_failed", "missing or unknown bearer token");
    let names_error = presented && fault != Some(Fault::PollChallengeWithoutError);
    let challenge = if names_error { r#"Bearer error="invalid_token""# } else { "Bearer" };
    if fault != Some(Fault::Poll401NoChallenge) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    resp
}

/// The `access_token` query parameter (RFC 6750 §2.3), if the URI has one.
fn query_token(uri: &Uri) -> Option<String> {
    uri.query()?.split('&').find_map(|p| p.strip_prefix("access_token=")).map(str::to_owned)
}

/// §2.5.1 leaves the body of an error undefined; an RFC 8935-style object says what went wrong.
fn error(status: StatusCode, err: &str, description: &str) -> Response {
    let body = json!({ "err": err, "description": description });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::Trust;
    use crate::peers::Peers;
    use jsonwebtoken::jwk::JwkSet;

    /// A peer with `queued` SETs; returns the peers and its id.
    fn peer_with(queued: usize) -> (Peers, String) {
        let peers = Peers::default();
        let trust = Trust {
            peer_issuer: String::new(),
            own_audience: String::new(),
            peer_jwks: JwkSet { keys: vec![] },
            fault: None,
        };
        let (id, _) = peers.register(trust, "urn:test:peer".into(), None);
        peers.with_id(&id, |p| crate::pushpull::queue(p, queued, None, Default::default()));
        (peers, id)
    }

    fn poll_of(body: &str) -> Poll {
        parse(body.as_bytes()).unwrap()
    }

    /// One poll's retirements and selection: the names returned and moreAvailable.
    fn exchange(peers: &Peers, id: &str, body: &str, fault: Option<Fault>) -> (Vec<String>, bool) {
        let poll = poll_of(body);
        peers
            .with_id(id, |p| {
                retire(p, &poll, fault);
                let s = select(p, &poll, fault);
                (s.sets.keys().cloned().collect(), s.more_available)
            })
            .unwrap()
    }

    #[test]
    fn faults_spoil_the_selection_they_name() {
        let (peers, id) = peer_with(3);
        let all = vec!["p1-0001".to_owned(), "p1-0002".into(), "p1-0003".into()];
        assert_eq!(exchange(&peers, &id, r#"{"maxEvents":0}"#, None), (vec![], true));
        assert_eq!(exchange(&peers, &id, r#"{"maxEvents":0}"#, Some(Fault::PollIgnoreMaxEvents)), (all.clone(), false));
        assert!(!exchange(&peers, &id, r#"{"maxEvents":1}"#, Some(Fault::PollNeverMoreAvailable)).1);
        let (named, _) = exchange(&peers, &id, r#"{"maxEvents":1}"#, Some(Fault::PollKeyNotJti));
        assert_eq!(named, ["p1-0001-key"]);
        let acked = r#"{"ack":["p1-0001"],"maxEvents":1}"#;
        assert_eq!(exchange(&peers, &id, acked, Some(Fault::PollIgnoreAck)).0, ["p1-0001"]);
        assert_eq!(exchange(&peers, &id, acked, None).0, ["p1-0002"]);
        assert_eq!(exchange(&peers, &id, "{}", Some(Fault::PollNoRedelivery)).0, all[1..]);
        assert_eq!(exchange(&peers, &id, "{}", None), (vec![], false));
    }

    #[test]
    fn poll_members_are_type_checked() {
        assert_eq!(poll_of(r#"{"maxEvents":3,"returnImmediately":true}"#).max_events, Some(3));
        for bad in [r#"{"maxEvents":-1}"#, r#"{"maxEvents":1.5}"#, r#"{"setErrs":{"j":"x"}}"#, r#"{"ack":[1]}"#, "null"]
        {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}

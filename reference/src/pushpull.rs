//! The Pushpull endpoint (pushpull §4, §5, §6): one POST, one Communication
//! Object each way.

use crate::fault::Fault;
use crate::jose::{self, Trust};
use crate::key_refresh::{Who, learn_keys};
use crate::peers::{Outgoing, Peer, Verdict};
use crate::set_profile::SetProfile;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use setconform_tls::ClientCertificate;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A request carrying this many SETs or more is acknowledged in the *next*
/// response (pushpull §6.2.3), so both acknowledgement paths get exercised.
pub const ASYNC_ACK_BATCH: usize = 10;

/// Under the `late-acks` fault, the response after the one to a large request
/// that acknowledges its SETs: the third, where the reference otherwise uses the next.
const LATE_ACK_RESPONSES: u32 = 3;

/// What a request asked of us, once parsed and type-checked.
pub(crate) struct Request {
    sets: Vec<(String, String)>,
    ack: Vec<String>,
    set_errs: Vec<String>,
    max_response_events: Option<usize>,
}

impl Request {
    /// A request that carries nothing: what an unprompted message answers.
    pub(crate) fn empty() -> Request {
        Request { sets: vec![], ack: vec![], set_errs: vec![], max_response_events: None }
    }

    /// The SETs the request carries, in their compact form.
    pub(crate) fn tokens(&self) -> impl Iterator<Item = &str> {
        self.sets.iter().map(|(_, token)| token.as_str())
    }
}

pub async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(presented_certificate): ConnectInfo<ClientCertificate>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fault = app.fault;
    if let Some(hostile) = crate::hostile::http_answer(fault).await {
        return hostile;
    }
    // §4: POST only.
    if method != Method::POST && fault != Some(Fault::AcceptAnyMethod) {
        let mut resp = error(fault, StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "only POST is supported");
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    // §8.2: the initiator must be known, by its bearer token or an access token.
    let presented = bearer(&headers).unwrap_or_default();
    let token = match app.peers.with_token(&presented, |_| ()) {
        Some(()) => presented,
        None => match access_token_holder(&app, &headers, &presented, fault) {
            Ok(token) => token,
            Err(_) if fault == Some(Fault::NoAuthCheck) => app.anonymous_token.clone(),
            Err((challenge, why)) => {
                let mut resp = error(fault, StatusCode::UNAUTHORIZED, "authentication_failed", &why);
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
                return resp;
            }
        },
    };
    // §8.2, mutual TLS: a peer that named a client certificate presents it too. A connection
    // in the clear (only under accept-cleartext) has no certificate to judge.
    let shown = presented_certificate.der.as_deref();
    let certified = app.peers.with_token(&token, |p| p.client_certificate.as_ref().is_none_or(|c| Some(c) == shown));
    let judged = presented_certificate.over_tls && fault != Some(Fault::IgnoreClientCertificate);
    if certified == Some(false) && judged {
        let why = "the client certificate this peer registered was not presented";
        return error(fault, StatusCode::UNAUTHORIZED, "authentication_failed", why);
    }
    let request = match parse(&body) {
        Ok(r) => r,
        Err(_) if fault == Some(Fault::ParseAnything) || (body.is_empty() && fault == Some(Fault::AcceptAnyMethod)) => {
            Request::empty()
        }
        Err(why) => return error(fault, StatusCode::BAD_REQUEST, "invalid_request", &why),
    };
    // §5 (PP-CO-004): `ack` may be empty when there is nothing to confirm.
    if fault == Some(Fault::RejectEmptyAck)
        && serde_json::from_slice::<Value>(&body).is_ok_and(|v| v["ack"] == json!([]))
    {
        return error(fault, StatusCode::BAD_REQUEST, "invalid_request", "`ack` is empty");
    }
    learn_keys(&app, Who::Token(&token), request.tokens()).await;
    let outcome = respond(&app, &token, request, fault).unwrap_or_else(|| Err("peer vanished".to_owned()));
    match outcome {
        Ok(object) => success(fault, object),
        Err(why) => error(fault, StatusCode::BAD_REQUEST, "invalid_request", &why),
    }
}

/// The RFC 8417 verdict on each SET of a request, in the request's order.
type Judged = Vec<(String, Result<(), jose::Rejection>)>;

/// Validates every SET of `request` against `trust`: the costly part of an
/// exchange, which needs nothing else of the peer.
fn judge(request: &Request, trust: &Trust) -> Judged {
    request.sets.iter().map(|(key, token)| (key.clone(), jose::validate(key, token, trust))).collect()
}

/// Answers one request of the peer holding `token`: its SETs are validated
/// against a snapshot of the peer's trust with no lock held, and the rest is
/// applied under the lock. `None` when there is no such peer.
pub(crate) fn respond(app: &App, token: &str, request: Request, fault: Option<Fault>) -> Option<Result<Value, String>> {
    let judged = if request.sets.is_empty() {
        Judged::new()
    } else {
        let trust = app.peers.trust_by_token(token)?;
        judge(&request, &trust)
    };
    app.peers.with_token(token, |peer| exchange(peer, request, judged, fault))
}

/// Applies one request, its SETs already judged, to the peer's state and
/// builds the response object.
fn exchange(peer: &mut Peer, request: Request, judged: Judged, fault: Option<Fault>) -> Result<Value, String> {
    // Every SET is judged first: a request is accepted or refused whole.
    if fault == Some(Fault::RejectRequestOnBadSet)
        && let Some((key, Err(r))) = judged.iter().find(|(_, r)| r.is_err())
    {
        return Err(format!("SET {key}: {}", r.description));
    }

    // The peer's verdicts on what we sent retire those SETs (§9).
    if fault != Some(Fault::ForgetAcks) {
        for jti in request.ack.iter().chain(&request.set_errs) {
            peer.retired.insert(jti.clone());
        }
        let retired = &peer.retired;
        peer.outbox.retain(|o| !retired.contains(&o.jti));
    }

    let mut ack: Vec<String> = std::mem::take(&mut peer.deferred_acks);
    let mut now_acked = Vec::new();
    let some_valid = judged.iter().any(|(_, r)| r.is_ok());
    let mut set_errs = Map::new();
    for (key, result) in judged {
        match result {
            Err(r) if fault != Some(Fault::AckInvalidSets) => {
                set_errs.insert(key.clone(), set_err(r.err, &r.description, fault));
                // §5 (PP-CO-010): a jti goes in `ack` or in `setErrs`, never both.
                if fault == Some(Fault::AckAndErr) && some_valid {
                    now_acked.push(key.clone());
                }
                peer.received.insert(key, Verdict::Errored { err: r.err.into(), description: r.description });
            }
            _ => {
                // A repeated jti is acknowledged again (AMB-08: the receiver's choice).
                peer.received.insert(key.clone(), Verdict::Acked);
                now_acked.push(key);
            }
        }
    }
    for (wait, jtis) in std::mem::take(&mut peer.late_acks) {
        if wait <= 1 {
            ack.extend(jtis);
        } else {
            peer.late_acks.push((wait - 1, jtis));
        }
    }
    if fault != Some(Fault::NeverAck) {
        if request.sets.len() >= ASYNC_ACK_BATCH && fault == Some(Fault::LateAcks) {
            // §12.4 (PP-REL-012): answers are to come promptly, not several responses on.
            peer.late_acks.push((LATE_ACK_RESPONSES, now_acked));
        } else if request.sets.len() >= ASYNC_ACK_BATCH {
            peer.deferred_acks = now_acked;
        } else {
            ack.extend(now_acked);
        }
    } else {
        ack.clear();
    }
    if fault == Some(Fault::FabricateAck) {
        ack.push(format!("{}-never-sent", peer.id));
    }

    let limit = match fault {
        Some(Fault::IgnoreMaxResponseEvents) => usize::MAX,
        // §6.1 (PP-HTTP-005): within the request's cap, the responder returns what it likes; the fault caps it at two.
        Some(Fault::TwoSetsPerResponse) => request.max_response_events.unwrap_or(usize::MAX).min(2),
        _ => request.max_response_events.unwrap_or(usize::MAX),
    };
    let mut sets = Map::new();
    for out in peer.outbox.iter_mut().take(limit) {
        let key = if fault == Some(Fault::JtiKeyMismatch) { format!("{}-key", out.jti) } else { out.jti.clone() };
        sets.insert(key, json!(out.token));
        out.deliveries += 1;
        out.in_response = true;
    }
    if fault == Some(Fault::NoRedelivery) {
        peer.outbox.retain(|o| o.deliveries == 0);
    }

    let mut object = Map::new();
    if !sets.is_empty() {
        object.insert("sets".into(), Value::Object(sets));
    }
    if !ack.is_empty() {
        let name = if fault == Some(Fault::MisnamedAck) { "acks" } else { "ack" };
        object.insert(name.into(), json!(ack));
    }
    if !set_errs.is_empty() {
        object.insert("setErrs".into(), Value::Object(set_errs));
    }
    Ok(Value::Object(object))
}

/// A setErrs entry (§5), honouring the faults that spoil one.
pub fn set_err(err: &str, description: &str, fault: Option<Fault>) -> Value {
    let mut entry = Map::new();
    if fault != Some(Fault::OmitErr) {
        entry.insert("err".into(), json!(err));
    }
    if fault != Some(Fault::OmitDescription) {
        entry.insert("description".into(), json!(description));
    }
    Value::Object(entry)
}

/// Seconds since the epoch, for `iat`.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Queues `count` fresh SETs for the peer, minted under `profile`; returns their jtis.
pub fn queue(peer: &mut Peer, count: usize, fault: Option<Fault>, profile: SetProfile) -> Vec<String> {
    let iat = now();
    (0..count)
        .map(|_| {
            let jti = peer.next_jti();
            // RFC 8417 §2.2: a jti is unique within the issuer's feed; the fault drops the peer part.
            let jti = match fault {
                Some(Fault::JtiReusedNewContent) => {
                    jti.rsplit('-').next().map(|n| format!("reused-{n}")).unwrap_or(jti)
                }
                _ => jti,
            };
            let token = jose::mint(&jti, &peer.audience, iat, fault, profile);
            peer.outbox.push(Outgoing::new(jti.clone(), token));
            jti
        })
        .collect()
}

/// Parses and type-checks a request body (§5, §6.1); the error says what is wrong.
pub(crate) fn parse(body: &[u8]) -> Result<Request, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("body is not a JSON object".into());
    };
    let mut request = Request::empty();
    if let Some(sets) = obj.get("sets") {
        let sets = sets.as_object().ok_or("`sets` is not an object")?;
        for (key, token) in sets {
            let token = token.as_str().ok_or_else(|| format!("`sets` member {key:?} is not a string"))?;
            request.sets.push((key.clone(), token.to_owned()));
        }
    }
    (request.ack, request.set_errs) = parse_answers(&obj)?;
    if let Some(max) = obj.get("maxResponseEvents") {
        // AMB-06: only non-negative integers are given a meaning here.
        let max = max.as_u64().ok_or("`maxResponseEvents` is not a non-negative integer")?;
        request.max_response_events = Some(usize::try_from(max).unwrap_or(usize::MAX));
    }
    Ok(request)
}

/// The jtis a message acknowledges (`ack`) and reports (`setErrs`), type-checked
/// (pushpull §5, RFC 8936 §2.2).
pub(crate) fn parse_answers(obj: &Map<String, Value>) -> Result<(Vec<String>, Vec<String>), String> {
    let mut acked = Vec::new();
    if let Some(ack) = obj.get("ack") {
        let ack = ack.as_array().ok_or("`ack` is not an array")?;
        for jti in ack {
            acked.push(jti.as_str().ok_or("`ack` holds a non-string")?.to_owned());
        }
    }
    let mut errored = Vec::new();
    if let Some(errs) = obj.get("setErrs") {
        let errs = errs.as_object().ok_or("`setErrs` is not an object")?;
        for (jti, entry) in errs {
            if !entry.is_object() {
                return Err(format!("`setErrs` member {jti:?} is not an object"));
            }
            errored.push(jti.clone());
        }
    }
    Ok((acked, errored))
}

/// The bearer token of the peer that a JWT access token proves, for this
/// endpoint as the initiator reached it; else the challenge to answer with
/// (RFC 6750 §3.1: `invalid_token` for a token that is not good).
fn access_token_holder(
    app: &App,
    headers: &HeaderMap,
    presented: &str,
    fault: Option<Fault>,
) -> Result<String, (HeaderValue, String)> {
    let unknown = || (HeaderValue::from_static("Bearer"), "missing or unknown bearer token".to_owned());
    let Some(peer) = crate::access_token::peer_id(presented) else { return Err(unknown()) };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let resource = format!("https://{host}/pushpull");
    let refused = |why: String| (HeaderValue::from_static(r#"Bearer error="invalid_token""#), why);
    // The signature is checked with no lock held.
    let issuing = app.peers.with_id(&peer, |p| crate::access_token::Issuing::of(p));
    match issuing.map(|issuing| crate::access_token::check(&issuing, presented, &resource, fault)) {
        Some(Ok(())) => app.peers.token_of(&peer).ok_or_else(unknown),
        Some(Err(why)) => Err(refused(format!("access token refused: {why}"))),
        None => Err(refused("access token for an unknown client".to_owned())),
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

fn success(fault: Option<Fault>, object: Value) -> Response {
    let status = if fault == Some(Fault::Success202) { StatusCode::ACCEPTED } else { StatusCode::OK };
    let content_type = if fault == Some(Fault::TextContentType) { "text/plain" } else { "application/json" };
    let body = if fault == Some(Fault::EmptySuccessBody) { String::new() } else { object.to_string() };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// An error response carrying an RFC 8935 §2.4 code (pushpull §6.2.2).
fn error(fault: Option<Fault>, status: StatusCode, err: &str, description: &str) -> Response {
    let body = if fault == Some(Fault::ErrorWithoutCode) {
        json!({ "description": description })
    } else {
        json!({ "err": err, "description": description })
    };
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

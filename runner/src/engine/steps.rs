//! The actions a scenario step can take against the SUT's endpoint.

use super::context::Awaited;
use super::context::{Context, Held, StepFailure};
use crate::catalogue::AckSpec;
use crate::catalogue::{
    Auth, AwaitSpec, BodySpec, ClientCertificate, LongPollSpec, ObjectSpec, PushSpec, SendSpec, SetKind, SettleSpec,
};
use crate::set::{AccessTokenGrant, AccessTokenKind, access_token};
use crate::wire::Outgoing;
use crate::wire::{Observed, WireError};
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// Bearer token sent when a scenario asks for bad credentials.
const INVALID_TOKEN: &str = "setconform-invalid-token";

/// One request to the SUT's endpoint (Pushpull, multi-SET push or poll) as the scenario describes it.
pub async fn send(ctx: &mut Context<'_>, spec: &SendSpec) -> Result<(), StepFailure> {
    let body = body_bytes(ctx, &spec.body);
    let method = spec.method.clone().unwrap_or_else(|| "POST".to_owned());
    let auth = spec.auth.unwrap_or(Auth::Valid);
    if spec.tls.is_some() {
        ctx.tls_pin = Some(crate::wire::TlsPin::Tls12);
    }
    match spec.client_certificate {
        Some(ClientCertificate::None) => ctx.tls_pin = Some(crate::wire::TlsPin::NoClientCertificate),
        Some(ClientCertificate::Stranger) => ctx.tls_pin = Some(crate::wire::TlsPin::StrangerClientCertificate),
        Some(ClientCertificate::Harness) | None => {}
    }
    let req = request(ctx, &method, body, spec.body.content_type.as_deref(), auth, spec.cleartext)?;
    if let Some(held) = &spec.long_poll {
        return long_poll(ctx, req, held).await;
    }
    if !spec.cleartext && spec.tls.is_none() {
        return post(ctx, req).await;
    }
    // A deliberate downgrade (§4, §12.2) or an older TLS version: no HTTP answer
    // at all is an outcome to judge, not an error.
    ctx.refused = None;
    match post(ctx, req).await {
        Err(f) if f.verdict == setconform_reports::Verdict::Error => {
            ctx.last = None;
            ctx.refused = Some(f.reason);
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
    ctx.last_url = Some(req.url.clone());
    let exchange = env.wire.exchange_pinned(&req, bound, ctx.tls_pin.take());
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
    ctx.held = Some(Held { window, answered_after, bound, queued });
    // The SUT's own timeout may end the hold before the queued SETs land (a slow
    // trigger): the next poll, as a recipient would send, should carry them.
    if queued && answered_after.is_some() && ctx.last_sets().is_empty() {
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
    ctx.last_took = Some(took);
    match result {
        Ok(observed) => {
            ctx.absorb(observed);
            Ok(Some(took))
        }
        // Still held at the bound: an observation (the SUT's timeout is agreed out of band), not an error.
        Err(WireError::Timeout(_)) => {
            ctx.last = None;
            ctx.refused = Some(format!("still held after {} ms, the long-poll bound", bound.as_millis()));
            Ok(None)
        }
        Err(e) => Err(StepFailure::error(format!("sut: POST {}: {e}", req.url))),
    }
}

/// The media type of a SET in an HTTP body (RFC 8417 §7.2, RFC 8935 §2.1).
const SET_MEDIA_TYPE: &str = "application/secevent+jwt";

/// One SET POSTed to the SUT's push endpoint (RFC 8935 §2.1).
pub async fn push(ctx: &mut Context<'_>, spec: &PushSpec) -> Result<(), StepFailure> {
    let Some(mut url) = ctx.env.sut.push_endpoint.clone() else {
        return Err(StepFailure::error("the SUT configuration has no push endpoint (push.endpoint)".into()));
    };
    if spec.cleartext
        && let Some(rest) = url.strip_prefix("https://")
    {
        url = format!("http://{rest}");
    }
    let body = match (&spec.raw, spec.again, &ctx.last_push) {
        (Some(raw), _, _) => raw.clone().into_bytes(),
        (None, true, Some(previous)) => previous.clone(),
        (None, true, None) => return Err(StepFailure::error("`again`: nothing was pushed before".into())),
        (None, false, _) => {
            let iat = ctx.iat();
            ctx.mint(spec.set.unwrap_or(SetKind::Valid), iat).token.into_bytes()
        }
    };
    ctx.last_push = Some(body.clone());
    ctx.last_url = Some(url.clone());
    let mut headers = vec![
        ("Content-Type".to_owned(), spec.content_type.clone().unwrap_or_else(|| SET_MEDIA_TYPE.to_owned())),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    let token = match spec.auth.unwrap_or(Auth::Valid) {
        // A push body has no query form of the token in this suite (the schema allows it on `send` only).
        Auth::Query => None,
        auth => bearer(ctx, auth, &url),
    };
    if let Some(t) = token {
        headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
    }
    ctx.refused = None;
    let probe = spec.cleartext || spec.tls.is_some();
    if spec.tls.is_some() {
        ctx.tls_pin = Some(crate::wire::TlsPin::Tls12);
    }
    match ctx.call("sut", Outgoing { method: "POST".into(), url, headers, body }).await {
        Ok(observed) => ctx.absorb(observed),
        // A probe (plain http, or an old TLS version) that gets no HTTP answer is an outcome to judge (§5.3).
        Err(f) if probe && f.verdict == setconform_reports::Verdict::Error => {
            ctx.last = None;
            ctx.refused = Some(f.reason);
        }
        Err(f) => return Err(f),
    }
    Ok(())
}

/// Offers the SUT's endpoint (the one its profile uses) a legacy handshake.
pub async fn tls_probe(ctx: &mut Context<'_>, spec: &crate::catalogue::TlsProbeSpec) -> Result<(), StepFailure> {
    use crate::wire::tls_probe::{self, Answer, Offer};
    let Some(offer) = Offer::parse(&spec.offer) else {
        return Err(StepFailure::error(format!("tls_probe: unknown offer {:?}", spec.offer)));
    };
    let sut = &ctx.env.sut;
    let endpoint = match ctx.binding {
        "push" => sut.push_endpoint.clone(),
        "msp" => sut.msp_endpoint.clone(),
        "poll" => sut.poll_endpoint.clone(),
        _ => sut.pushpull_endpoint.clone(),
    };
    let Some(url) = endpoint else {
        return Err(StepFailure::error("tls_probe: the SUT configuration names no endpoint for this profile".into()));
    };
    let parsed = reqwest::Url::parse(&url).map_err(|e| StepFailure::error(format!("{url}: {e}")))?;
    let host = parsed.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let mut random = [0u8; 32];
    for chunk in random.chunks_mut(8) {
        chunk.copy_from_slice(&ctx.rng.next_u64().to_le_bytes());
    }
    let hello = tls_probe::client_hello(offer, random);
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    let at = Instant::now();
    let result = tls_probe::probe(&host, port, &hello, limit).await;
    let request = Outgoing {
        method: "TLS".into(),
        url: format!("tls://{host}:{port}"),
        headers: vec![("offer".into(), spec.offer.clone())],
        body: hello,
    };
    // No HTTP response either way: what the SUT answered is told in words.
    let recorded = Err(match &result {
        Ok((Answer::Agreed { version, suite }, _)) => WireError::Other(format!(
            "TLS ServerHello: version {}.{}, cipher suite 0x{suite:04X}",
            version[0], version[1]
        )),
        Ok((Answer::Refused(why), _)) => WireError::Other(format!("TLS refused: {why}")),
        Err(why) => WireError::Connect(why.clone()),
    });
    ctx.record_exchange("sut", &request, at, &recorded);
    match result {
        Ok((answer, _)) => {
            ctx.tls_answer = Some(answer);
            Ok(())
        }
        Err(why) => Err(StepFailure::error(format!("tls_probe {}: {why}", spec.offer))),
    }
}

/// Keeps talking until every SET the harness sent is answered and every SET
/// the SUT delivered is acknowledged, or `max_requests` is spent.
pub async fn settle(ctx: &mut Context<'_>, spec: &SettleSpec) -> Result<(), StepFailure> {
    for _ in 0..spec.max_requests {
        let unanswered =
            ctx.sent.iter().any(|s| !ctx.sut_acks.contains_key(&s.key) && !ctx.sut_errs.contains_key(&s.key));
        let owed = spec.ack && !ctx.pending.is_empty();
        if !unanswered && !owed {
            break;
        }
        let mut object = Map::new();
        if spec.ack && !ctx.pending.is_empty() {
            object.insert("ack".into(), json!(take_pending(ctx)));
        }
        // A multi-SET push request always has `sets` (§4.3.1): here, an empty batch.
        if ctx.binding == "msp" {
            object.insert("sets".into(), json!({}));
        }
        let body = Value::Object(object).to_string().into_bytes();
        let req = request(ctx, "POST", body, None, Auth::Valid, false)?;
        post(ctx, req).await?;
    }
    Ok(())
}

/// Waits for the SUT's next request to the harness's endpoint, takes in what
/// it carries, and answers as the step scripts.
pub async fn await_request(ctx: &mut Context<'_>, spec: &AwaitSpec) -> Result<(), StepFailure> {
    let timeouts = ctx.env.sut.timeouts;
    // An explicit bound wins over the defaults; the reasonable window never exceeds the whole wait.
    let (within, up_to) = match (spec.within_ms.map(Duration::from_millis), spec.up_to_ms.map(Duration::from_millis)) {
        (Some(w), Some(u)) => (w.min(u), u),
        (Some(w), None) => (w, timeouts.observation.max(w)),
        (None, Some(u)) => (timeouts.retry_window.min(u), u),
        (None, None) => (timeouts.retry_window, timeouts.observation),
    };
    let began = Instant::now();
    let wait = up_to.min(ctx.remaining());
    let Some(endpoint) = ctx.endpoint.as_mut() else {
        return Err(StepFailure::error(
            "this step waits for the SUT's request, and no harness endpoint is open".into(),
        ));
    };
    let mut inbound = endpoint.next(wait).await;
    // Empty batches while the harness waits for SETs get an empty answer (multi-SET push §4).
    while spec.skip_empty
        && let Some(empty) = inbound.take_if(|i| is_empty_batch(&i.request.body))
    {
        let reply = crate::endpoint::Reply {
            status: 202,
            content_type: "application/json".into(),
            body: br#"{"ack":[]}"#.to_vec(),
            headers: Vec::new(),
        };
        let answered = Observed {
            status: 202,
            headers: vec![("content-type".into(), "application/json".into())],
            body: reply.body.clone(),
            truncated: false,
        };
        let _ = empty.reply.send(reply);
        let req = empty.request;
        let captured = Outgoing { method: req.method, url: req.url, headers: req.headers, body: req.body };
        ctx.record_inbound(&captured, req.at, &answered);
        let left = wait.saturating_sub(began.elapsed());
        let Some(endpoint) = ctx.endpoint.as_mut() else { break };
        inbound = endpoint.next(left).await;
    }
    let mut awaited = Awaited { what: "request", arrived_after: None, within, up_to };
    let Some(inbound) = inbound else {
        ctx.last = None;
        ctx.awaited = Some(awaited);
        return Ok(());
    };
    let req = inbound.request;
    let delay = req.at.saturating_duration_since(began);
    awaited.arrived_after = Some(delay);
    ctx.delays.push(delay);
    ctx.last_client_certificate = Some(req.client_certificate.clone());
    ctx.absorb_request(req.method.clone(), req.headers.clone(), req.body.clone());

    let respond = &spec.respond;
    let push = ctx.binding == "push";
    let msp = ctx.binding == "msp";
    let poll = ctx.binding == "poll";
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
        ctx.answer_pending();
    }
    let reply = crate::endpoint::Reply {
        status,
        content_type: content_type.clone(),
        body: body.clone(),
        headers: headers.clone(),
    };
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
    ctx.awaited = Some(awaited);
    Ok(())
}

/// A batch with no SETs in it: `{"sets": {}}`, or no `sets` at all.
fn is_empty_batch(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.get("sets").and_then(Value::as_object).is_none_or(|s| s.is_empty()))
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

/// Sends one request to the SUT and takes in its answer.
async fn post(ctx: &mut Context<'_>, req: Outgoing) -> Result<(), StepFailure> {
    let observed = ctx.call("sut", req).await?;
    ctx.absorb(observed);
    Ok(())
}

/// A request to the SUT's endpoint for this binding, as a step describes it
/// (`cleartext`: http on the same host and port).
fn request(
    ctx: &mut Context<'_>,
    method: &str,
    body: Vec<u8>,
    content_type: Option<&str>,
    auth: Auth,
    cleartext: bool,
) -> Result<Outgoing, StepFailure> {
    let msp = ctx.binding == "msp";
    let (endpoint, field) = match ctx.binding {
        "msp" => (ctx.env.sut.msp_endpoint.clone(), "multi_set_push.endpoint"),
        "poll" => (ctx.env.sut.poll_endpoint.clone(), "poll.endpoint"),
        _ => (ctx.env.sut.pushpull_endpoint.clone(), "pushpull.endpoint"),
    };
    let Some(mut url) = endpoint else {
        return Err(StepFailure::error(format!("the SUT configuration has no {field}")));
    };
    if cleartext && let Some(rest) = url.strip_prefix("https://") {
        url = format!("http://{rest}");
    }
    ctx.last_url = Some(url.clone());
    // Multi-SET push batches carry their revision's media type (AMB-30) and ask for JSON.
    let default_type = if msp { ctx.env.sut.msp_revision.request_media_type() } else { "application/json" };
    let mut headers = vec![("Content-Type".to_owned(), content_type.unwrap_or(default_type).to_owned())];
    if msp {
        headers.push(("Accept".to_owned(), "application/json".to_owned()));
    }
    // RFC 8936 §2.6: a poll that reports errors names their language.
    let reports_errors = || serde_json::from_slice::<Value>(&body).ok().is_some_and(|v| v.get("setErrs").is_some());
    if ctx.binding == "poll" && reports_errors() {
        headers.push(("Content-Language".to_owned(), "en".to_owned()));
    }
    let token = bearer(ctx, auth, &url);
    match (token, auth) {
        // RFC 6750 §2.3: the URI query form, which SSF interop transmitters refuse (SSF-IOP-008).
        (Some(t), Auth::Query) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{separator}access_token={t}");
        }
        (Some(t), _) => headers.push(("Authorization".to_owned(), format!("Bearer {t}"))),
        (None, _) => {}
    }
    Ok(Outgoing { method: method.to_owned(), url, headers, body })
}

/// The credential a request to `url` presents under `auth`.
pub(super) fn bearer(ctx: &mut Context<'_>, auth: Auth, url: &str) -> Option<String> {
    let kind = match auth {
        Auth::Valid | Auth::Query => return ctx.token.clone(),
        Auth::Invalid => return Some(INVALID_TOKEN.to_owned()),
        Auth::None => return None,
        Auth::AccessToken => AccessTokenKind::Valid,
        Auth::ExpiredAccessToken => AccessTokenKind::Expired,
        Auth::AccessTokenForAnotherResource => AccessTokenKind::ForAnotherResource,
    };
    // The resource is the URL without a query (RFC 8707 §2).
    let resource = url.split(['?', '#']).next().unwrap_or(url);
    let client_id = ctx.peer_id().unwrap_or("manual").to_owned();
    let grant =
        AccessTokenGrant { issuer: &ctx.env.sut.harness_issuer, client_id: &client_id, resource, alg: ctx.minter.alg };
    // Wall-clock time even in a seeded run: the SUT judges expiry by its own clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let jti = ctx.rng.uuid();
    Some(access_token(&grant, kind, now, &jti))
}

/// The bytes of a body as a step describes it.
pub(super) fn body_bytes(ctx: &mut Context<'_>, spec: &BodySpec) -> Vec<u8> {
    match (&spec.raw, &spec.json) {
        (Some(raw), _) => raw.clone().into_bytes(),
        (None, Some(value)) => value.to_string().into_bytes(),
        (None, None) => communication_object(ctx, &spec.object).to_string().into_bytes(),
    }
}

/// Builds the Communication Object (pushpull §5, §6.1) a step describes.
fn communication_object(ctx: &mut Context<'_>, spec: &ObjectSpec) -> Value {
    let mut object = Map::new();
    if let Some(sets) = &spec.sets {
        let iat = ctx.iat();
        let mut members = Map::new();
        for kind in sets.kinds() {
            let set = ctx.mint(kind, iat);
            members.insert(set.key, json!(set.token));
        }
        object.insert("sets".into(), Value::Object(members));
    }
    if spec.resend {
        // The same SETs, byte for byte, that the SUT has acknowledged (RFC 8936 §2.4).
        let acked: Vec<String> = ctx.sut_acks.keys().filter(|k| ctx.sent_tokens.contains_key(*k)).cloned().collect();
        let members = object.entry("sets").or_insert_with(|| json!({}));
        for key in acked {
            if let (Some(token), Value::Object(m)) = (ctx.sent_tokens.get(&key), &mut *members) {
                m.insert(key.clone(), json!(token));
            }
            ctx.resent.push((key, ctx.messages));
        }
    }
    let ack_member = spec.ack_member.clone().unwrap_or_else(|| "ack".to_owned());
    match &spec.ack {
        // Under a misspelled name the SETs are not really answered: they stay pending.
        Some(AckSpec::Received(_)) if ack_member != "ack" => {
            object.insert(ack_member, json!(ctx.pending.clone()));
        }
        Some(AckSpec::Received(_)) => {
            object.insert(ack_member, json!(take_pending(ctx)));
        }
        Some(AckSpec::Literal(list)) => {
            object.insert(ack_member, json!(list));
        }
        None => {}
    }
    if spec.set_errs.is_some() {
        let errs: Map<String, Value> = take_pending(ctx)
            .into_iter()
            .map(|jti| {
                let entry =
                    json!({ "err": "invalid_request", "description": "rejected on purpose by the setconform harness" });
                (jti, entry)
            })
            .collect();
        object.insert("setErrs".into(), Value::Object(errs));
    }
    if let Some(max) = &spec.max_response_events {
        object.insert("maxResponseEvents".into(), max.clone());
    }
    // RFC 8936 §2.2, §2.3.
    if let Some(max) = &spec.max_events {
        object.insert("maxEvents".into(), max.clone());
    }
    if let Some(immediately) = spec.return_immediately {
        object.insert("returnImmediately".into(), json!(immediately));
    }
    if let Some(more) = spec.more_available {
        object.insert("moreAvailable".into(), json!(more));
    }
    if let Some(extra) = &spec.extra {
        object.extend(extra.clone());
    }
    // A multi-SET push request always has `sets`, empty when it carries none (§4.3.1).
    if ctx.binding == "msp" {
        object.entry("sets").or_insert_with(|| json!({}));
    }
    Value::Object(object)
}

/// Hands over every received, unanswered SET key, marking it answered.
fn take_pending(ctx: &mut Context<'_>) -> Vec<String> {
    let keys = std::mem::take(&mut ctx.pending);
    let now = ctx.messages;
    ctx.answered.extend(keys.iter().map(|k| (k.clone(), now)));
    keys
}

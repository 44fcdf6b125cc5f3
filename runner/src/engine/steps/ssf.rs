//! Calls to the SUT's SSF management API (SSF 1.0 §7.2, §8.1), as a receiver
//! makes them: the metadata first, then the endpoints it names, each call
//! authorized with the receiver's bearer token (or, on purpose, without one).
//! What the SUT answers becomes the last message the step's checks judge; what
//! it says of its streams goes into [`crate::engine::state::SsfState`].

use crate::catalogue::ssf_step::{MAIN_STREAM, SsfCall, SsfCallSpec, SsfCredential, SsfDelivery, StreamRef};
use crate::engine::context::{Context, StepFailure};
use crate::engine::state::{Stream, VerificationRequest};
use crate::ssf::{POLL_METHOD, PUSH_METHOD, SsfSut, metadata_url};
use crate::wire::Outgoing;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The event types a stream asks for unless a step says otherwise (CAEP 1.0 §3).
pub const DEFAULT_EVENTS: [&str; 2] = [
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
    "https://schemas.openid.net/secevent/caep/event-type/credential-change",
];
/// The subject added and removed unless a step says otherwise (RFC 9493 §3.2.2).
const DEFAULT_SUBJECT: &str = r#"{"format":"email","email":"user@example.com"}"#;

/// Performs one `ssf` step.
pub async fn call(ctx: &mut Context<'_>, spec: &SsfCallSpec) -> Result<(), StepFailure> {
    let sut = transmitter(ctx)?;
    if spec.call != SsfCall::Discover && ctx.ssf.metadata.is_none() {
        discover(ctx, &sut).await?;
        usable_metadata(ctx)?;
    }
    if spec.call == SsfCall::Discover {
        return discover(ctx, &sut).await;
    }
    let url = endpoint_url(ctx, spec)?;
    // A create names no stream: it makes one.
    let named = if spec.call == SsfCall::Create { &StreamRef::None } else { &spec.stream };
    let stream_id = stream_id(ctx, named)?;
    ctx.ssf.before = stream_id.as_ref().and_then(|id| config_of(ctx, id));
    ctx.ssf.last_stream_id = stream_id.clone();
    if spec.call == SsfCall::Verify && !spec.hurry {
        wait_for_interval(ctx, stream_id.as_deref()).await?;
    }
    let stream_id = stream_id.filter(|_| spec.call != SsfCall::Poll);
    let (method, body) = body(ctx, spec, stream_id.as_deref());
    let url = match (method, &stream_id) {
        ("GET" | "DELETE", Some(id)) => with_stream_id(&url, id),
        _ => url,
    };
    ctx.ssf.last_sent = body.as_ref().and_then(|b| serde_json::from_slice(b).ok());
    let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
    if body.is_some() {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    if let Some(token) = token(ctx, &sut, spec.auth).await? {
        headers.push(("Authorization".into(), format!("Bearer {token}")));
    }
    let req = Outgoing { method: method.into(), url, headers, body: body.unwrap_or_default() };
    let observed = ctx.call("sut", req).await?;
    let status = observed.status;
    ctx.absorb(observed);
    learn(ctx, spec, status, stream_id);
    Ok(())
}

/// The SUT as an SSF transmitter, as sut.yaml describes it.
fn transmitter(ctx: &Context<'_>) -> Result<Arc<SsfSut>, StepFailure> {
    ctx.env.sut.ssf.clone().ok_or_else(|| {
        StepFailure::error("this scenario calls the SUT's SSF API, and sut.yaml has no trigger.ssf".into())
    })
}

/// `GET` of the metadata URL built from the issuer (SSF §7.2); keeps a JSON object answered with 200.
async fn discover(ctx: &mut Context<'_>, sut: &SsfSut) -> Result<(), StepFailure> {
    let url = metadata_url(&sut.issuer)
        .map_err(|e| StepFailure::error(format!("trigger.ssf.issuer: no metadata URL can be built: {e}")))?;
    let req = Outgoing {
        method: "GET".into(),
        url,
        headers: vec![("Accept".into(), "application/json".into())],
        body: Vec::new(),
    };
    let observed = ctx.call("sut", req).await?;
    let ok = observed.status == 200;
    ctx.absorb(observed);
    let object = ctx.seen.last.as_ref().and_then(|l| l.json.clone()).filter(|v| ok && v.is_object());
    ctx.ssf.metadata = object;
    if let Some(metadata) = &ctx.ssf.metadata {
        ctx.session.sut_trust.issuer = metadata.get("issuer").and_then(Value::as_str).map(str::to_owned);
        ctx.session.sut_trust.jwks_uri = metadata.get("jwks_uri").and_then(Value::as_str).map(str::to_owned);
    }
    Ok(())
}

/// A scenario about streams cannot go on without metadata to find them by.
fn usable_metadata(ctx: &Context<'_>) -> Result<(), StepFailure> {
    if ctx.ssf.metadata.is_some() {
        return Ok(());
    }
    let got = ctx.seen.last.as_ref().map_or_else(
        || "no answer".to_owned(),
        |l| format!("HTTP status {}{}", l.status.unwrap_or(0), if l.json.is_some() { "" } else { ", not JSON" }),
    );
    Err(StepFailure::error(format!("the SUT's SSF metadata cannot be used ({got}): its endpoints are unknown")))
}

/// The metadata member that names the endpoint a call goes to.
fn endpoint_member(call: SsfCall) -> &'static str {
    match call {
        SsfCall::Discover => "issuer",
        SsfCall::Create | SsfCall::Read | SsfCall::Update | SsfCall::Replace | SsfCall::Delete => {
            "configuration_endpoint"
        }
        SsfCall::Status | SsfCall::SetStatus => "status_endpoint",
        SsfCall::AddSubject => "add_subject_endpoint",
        SsfCall::RemoveSubject => "remove_subject_endpoint",
        SsfCall::Verify => "verification_endpoint",
        SsfCall::Poll => "delivery.endpoint_url",
    }
}

/// The endpoint of the call, from the metadata. A bearer token never goes
/// out in cleartext: an `http` endpoint (SSF-DISC-008) is not called.
fn endpoint_url(ctx: &Context<'_>, spec: &SsfCallSpec) -> Result<String, StepFailure> {
    let member = endpoint_member(spec.call);
    let from_stream = || match &spec.stream {
        StreamRef::Named(name) => ctx.ssf.streams.get(name).and_then(|s| s.poll_url()),
        _ => None,
    };
    let url = if spec.call == SsfCall::Poll { from_stream() } else { ctx.ssf.endpoint(member) };
    let Some(url) = url else {
        return Err(StepFailure::not_offered(format!(
            "the SUT's SSF metadata names no {member} (SSF §7.1): this scenario needs it"
        )));
    };
    if !url.to_ascii_lowercase().starts_with("https://") {
        return Err(StepFailure::error(format!(
            "the metadata's {member} is not https ({url}): the harness sends no credential in cleartext"
        )));
    }
    Ok(url.to_owned())
}

/// The `stream_id` the call names.
fn stream_id(ctx: &mut Context<'_>, stream: &StreamRef) -> Result<Option<String>, StepFailure> {
    match stream {
        StreamRef::None => Ok(None),
        StreamRef::Unknown => Ok(Some(format!("unknown-{}", ctx.rng.uuid()))),
        StreamRef::Named(name) => match ctx.ssf.streams.get(name) {
            Some(s) => Ok(Some(s.id.clone())),
            None => Err(StepFailure::error(format!(
                "no stream named {name:?} was made earlier in the scenario (the transmitter refused to create it?)"
            ))),
        },
    }
}

fn config_of(ctx: &Context<'_>, id: &str) -> Option<Value> {
    ctx.ssf.streams.values().find(|s| s.id == id).map(|s| s.config.clone())
}

fn with_stream_id(url: &str, id: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}stream_id={}", urlencoding(id))
}

/// Percent-encodes a query value.
fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The method and JSON body of a call (SSF §8.1).
fn body(ctx: &mut Context<'_>, spec: &SsfCallSpec, stream_id: Option<&str>) -> (&'static str, Option<Vec<u8>>) {
    let method = match spec.call {
        SsfCall::Read | SsfCall::Status | SsfCall::Discover => "GET",
        SsfCall::Delete => "DELETE",
        SsfCall::Update => "PATCH",
        SsfCall::Replace => "PUT",
        _ => "POST",
    };
    if let Some(raw) = &spec.raw {
        return (method, Some(raw.clone().into_bytes()));
    }
    if method == "GET" || method == "DELETE" {
        return (method, None);
    }
    let mut object = Map::new();
    if let Some(id) = stream_id {
        object.insert("stream_id".into(), json!(id));
    }
    match spec.call {
        SsfCall::Create => {
            if let Some(delivery) = delivery(ctx, spec.delivery.unwrap_or(SsfDelivery::Push)) {
                object.insert("delivery".into(), delivery);
            }
            object.insert("events_requested".into(), json!(events_requested(spec)));
        }
        SsfCall::Replace => {
            // The whole of the receiver-supplied members, as the stream has them.
            let config = stream_id.and_then(|id| config_of(ctx, id)).unwrap_or(Value::Null);
            if let Some(delivery) = config.get("delivery") {
                let kept = ["method", "endpoint_url", "authorization_header"];
                let own: Map<String, Value> = delivery
                    .as_object()
                    .map(|d| d.iter().filter(|(k, _)| kept.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())))
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| k != "endpoint_url" || !is_poll(&config))
                    .collect();
                object.insert("delivery".into(), Value::Object(own));
            }
            object.insert("events_requested".into(), json!(events_requested(spec)));
        }
        SsfCall::SetStatus => {
            object.insert("status".into(), json!(spec.status.clone().unwrap_or_else(|| "enabled".into())));
        }
        SsfCall::AddSubject | SsfCall::RemoveSubject => {
            let subject =
                spec.subject.clone().unwrap_or_else(|| serde_json::from_str(DEFAULT_SUBJECT).unwrap_or_default());
            object.insert("subject".into(), subject);
        }
        SsfCall::Verify if spec.state => {
            object.insert("state".into(), json!(ctx.rng.uuid()));
        }
        SsfCall::Poll => {
            object.insert("returnImmediately".into(), json!(true));
        }
        _ => {}
    }
    for (k, v) in spec.members.iter().flatten() {
        object.insert(k.clone(), v.clone());
    }
    (method, Some(Value::Object(object).to_string().into_bytes()))
}

fn is_poll(config: &Value) -> bool {
    config.pointer("/delivery/method").and_then(Value::as_str) == Some(POLL_METHOD)
}

fn events_requested(spec: &SsfCallSpec) -> Vec<String> {
    spec.events_requested.clone().unwrap_or_else(|| DEFAULT_EVENTS.iter().map(|e| (*e).to_owned()).collect())
}

/// The `delivery` member of a create request (SSF §6.1): push to the harness's
/// endpoint with the token it expects as `authorization_header`, or poll.
fn delivery(ctx: &mut Context<'_>, how: SsfDelivery) -> Option<Value> {
    match how {
        SsfDelivery::None => None,
        SsfDelivery::Poll => Some(json!({ "method": POLL_METHOD })),
        SsfDelivery::Push => {
            let url = ctx.link.endpoint.as_ref().map(|e| e.url.clone()).unwrap_or_default();
            let header = format!("Bearer {}", ctx.session.endpoint_token);
            ctx.ssf.endpoint = Some((url.clone(), header.clone()));
            Some(json!({ "method": PUSH_METHOD, "endpoint_url": url, "authorization_header": header }))
        }
    }
}

/// SSF §8.1.1 `min_verification_interval`: a receiver asks again only once it
/// has passed. An interval longer than the scenario has left is no failure of
/// the SUT: the rest of the scenario is not judged.
async fn wait_for_interval(ctx: &mut Context<'_>, stream_id: Option<&str>) -> Result<(), StepFailure> {
    let Some(stream) = ctx.ssf.streams.values().find(|s| Some(s.id.as_str()) == stream_id) else { return Ok(()) };
    let Some(seconds) = stream.config.get("min_verification_interval").and_then(Value::as_u64) else { return Ok(()) };
    let Some(last) = ctx.ssf.last_verify_at else { return Ok(()) };
    let due = last + std::time::Duration::from_secs(seconds);
    let wait = due.saturating_duration_since(std::time::Instant::now());
    // The request itself needs time too.
    if wait + ctx.env.sut.timeouts.request.min(ctx.remaining() / 2) > ctx.remaining() {
        return Err(StepFailure::not_offered(format!(
            "the stream's min_verification_interval ({seconds} s) is longer than the scenario has left \
             (timeouts.scenario_ms): the next verification request is not sent"
        )));
    }
    tokio::time::sleep(wait).await;
    Ok(())
}

/// The bearer token the call presents, if any.
async fn token(ctx: &mut Context<'_>, sut: &SsfSut, auth: SsfCredential) -> Result<Option<String>, StepFailure> {
    let receiver = match auth {
        SsfCredential::None => return Ok(None),
        SsfCredential::Invalid => return Ok(Some(format!("not-issued-{}", ctx.rng.uuid()))),
        SsfCredential::Valid => &sut.receiver,
        SsfCredential::OtherReceiver => sut.other_receiver.as_ref().ok_or_else(|| {
            StepFailure::not_offered(
                "this scenario needs a second receiver, and sut.yaml names no trigger.ssf.other_receiver".into(),
            )
        })?,
    };
    let limit = ctx.remaining().min(ctx.env.sut.timeouts.request);
    let crate::ssf::Obtained { hops, token: outcome } = receiver.obtain(&ctx.env.wire, limit).await;
    for hop in hops {
        let at_ms = ctx.clock.elapsed_ms().saturating_sub(hop.took_ms);
        ctx.transcript.exchange("sut", ctx.clock.step, at_ms, hop.took_ms, &hop.req, &hop.result);
    }
    outcome.map(Some).map_err(|e| StepFailure::error(format!("no bearer token for the SUT's SSF API: {e}")))
}

/// Takes in what a successful call says about the streams.
fn learn(ctx: &mut Context<'_>, spec: &SsfCallSpec, status: u16, stream_id: Option<String>) {
    let answer = ctx.seen.last.as_ref().and_then(|l| l.json.clone());
    let ok = (200..300).contains(&status);
    match spec.call {
        SsfCall::Create if ok => {
            let Some(config) = answer.filter(|a| a.get("stream_id").is_some_and(Value::is_string)) else { return };
            let id = config["stream_id"].as_str().unwrap_or_default().to_owned();
            let name = spec.name.clone().unwrap_or_else(|| MAIN_STREAM.to_owned());
            let delivery =
                if is_poll(&config) { SsfDelivery::Poll } else { spec.delivery.unwrap_or(SsfDelivery::Push) };
            // The stream's `aud` is what its SETs name (SSF §8.1.1); none, and none is expected.
            let aud = config.get("aud").and_then(|a| a.as_str().or_else(|| a.get(0)?.as_str()));
            ctx.session.sut_trust.audience = aud.map(str::to_owned);
            if !ctx.ssf.issued.contains(&id) {
                ctx.ssf.issued.push(id.clone());
            }
            ctx.ssf.streams.insert(name.clone(), Stream { id, config, delivery });
            ctx.ssf.current = Some(name);
        }
        SsfCall::Read | SsfCall::Update | SsfCall::Replace if ok => {
            let (Some(config), Some(id)) = (answer.filter(Value::is_object), stream_id) else { return };
            if let Some(stream) = ctx.ssf.streams.values_mut().find(|s| s.id == id) {
                stream.config = config;
            }
        }
        SsfCall::Delete if ok => {
            ctx.ssf.issued.retain(|i| Some(i) != stream_id.as_ref());
        }
        SsfCall::Verify if ok => {
            let state = ctx.ssf.last_sent.as_ref().and_then(|b| b.get("state")?.as_str().map(str::to_owned));
            let after = ctx.ledger.emitted.len();
            ctx.ssf.requests.push(VerificationRequest { state, after });
            ctx.ssf.last_verify_at = Some(std::time::Instant::now());
        }
        _ => {}
    }
}

/// Deletes the streams the scenario made and did not delete (SSF §8.1.1.5):
/// the scenario is over. Recorded, never judged; bounded by the request timeout.
pub async fn delete_leftovers(ctx: &mut Context<'_>) {
    let (Some(sut), Some(url)) =
        (ctx.env.sut.ssf.clone(), ctx.ssf.endpoint("configuration_endpoint").map(str::to_owned))
    else {
        return;
    };
    if ctx.ssf.issued.is_empty() || !url.to_ascii_lowercase().starts_with("https://") {
        return;
    }
    let limit = ctx.env.sut.timeouts.request;
    let Ok(bearer) = sut.receiver.bearer(&ctx.env.wire, limit).await else { return };
    for id in std::mem::take(&mut ctx.ssf.issued) {
        let req = Outgoing {
            method: "DELETE".into(),
            url: with_stream_id(&url, &id),
            headers: vec![("Authorization".into(), format!("Bearer {}", bearer.token))],
            body: Vec::new(),
        };
        let (at_ms, began) = (ctx.clock.elapsed_ms(), std::time::Instant::now());
        let result = ctx.env.wire.exchange_pinned(&req, limit, None).await;
        let took = began.elapsed().as_millis() as u64;
        ctx.transcript.exchange("sut", ctx.clock.step, at_ms, took, &req, &result);
    }
}

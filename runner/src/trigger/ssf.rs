//! The `ssf` adapter: a SUT that is an OpenID SSF 1.0 transmitter is made to
//! act through its own management API, the harness its receiver, with no
//! bridge of the user's:
//!
//! - `register`: the receiver's token, the transmitter's metadata (SSF §7.2;
//!   a 200 JSON object of the configured issuer), then a stream (§8.1.1.1)
//!   that delivers the verification event (§8.1.4) by push to the harness's
//!   endpoint (RFC 8935, §6.1.1) or by poll at the transmitter (RFC 8936,
//!   §6.1.2). The answer is a [`super::Registration`]: the stream is the peer,
//!   the stream's `aud` the audience of the SUT's SETs, its poll URL the one
//!   to poll, the receiver's token the one to present there;
//! - `queue: N`: N verification requests (§8.1.4.2), each with a fresh
//!   `state`, spaced by the stream's `min_verification_interval`; a 429 is
//!   waited out (`Retry-After`) and the request sent once more;
//! - `initiate`: SSF has no "send now" switch; the engine never asks (the
//!   SUT's `initiate` is `unsupported`), and this adapter refuses it;
//! - `release`: the stream is deleted (§8.1.1.5).
//!
//! The receiver's token is sent only over TLS (SSF §7.1), or in the clear to
//! the origin of a loopback issuer named in the clear.

mod call;
#[cfg(test)]
mod tests;

pub use call::{Leg, Limits, SsfFailure};

use super::TriggerAction;
use crate::ssf::metadata::may_carry_token;
use crate::ssf::{Metadata, POLL_METHOD, PUSH_METHOD, SsfSut, VERIFICATION_EVENT};
use crate::wire::{Observed, Outgoing, Wire};
use call::{Call, answered};
use serde_json::{Value, json};
use std::time::Duration;

/// Statuses with which a transmitter declines to create a stream.
const REFUSALS: [u16; 4] = [400, 403, 409, 422];
/// The wait for a 429 that names none (§8.1.4.2 points to `min_verification_interval`).
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// How one call went: the exchanges it made, and the answer (a registration's JSON).
#[derive(Debug)]
pub struct SsfCall {
    pub legs: Vec<Leg>,
    pub result: Result<Vec<u8>, SsfFailure>,
}

/// Carries `action` out at the transmitter `sut` within `limits`.
pub async fn act(sut: &SsfSut, wire: &Wire, action: &TriggerAction, limits: Limits) -> SsfCall {
    let mut call = Call::new(sut, wire, limits);
    let result = match action {
        TriggerAction::Register { body } => register(&mut call, body).await.map(|v| v.to_string().into_bytes()),
        TriggerAction::Queue { peer, count } => queue(&mut call, peer, *count).await.map(|()| Vec::new()),
        TriggerAction::Initiate { .. } => Err(SsfFailure::Failed(
            "SSF has no way to ask a transmitter to send now (initiate); SETs come on its own schedule".into(),
        )),
        TriggerAction::Release { peer } => release(&mut call, peer).await.map(|()| Vec::new()),
    };
    SsfCall { legs: call.legs, result }
}

/// Creates a stream for the harness; the registration answer.
async fn register(call: &mut Call<'_>, request: &Value) -> Result<Value, SsfFailure> {
    let binding = request.get("binding").and_then(Value::as_str).unwrap_or_default();
    let delivery = match (binding, request.get("endpoint").and_then(Value::as_str)) {
        ("push", Some(endpoint)) => {
            let token = request.get("endpoint_token").and_then(Value::as_str).unwrap_or_default();
            json!({ "method": PUSH_METHOD, "endpoint_url": endpoint, "authorization_header": format!("Bearer {token}") })
        }
        ("poll", _) => json!({ "method": POLL_METHOD }),
        _ => {
            return Err(SsfFailure::Failed(format!(
                "an SSF stream delivers by push (RFC 8935) or poll (RFC 8936) only, not on binding {binding:?}"
            )));
        }
    };
    let metadata = fetch_metadata(call).await?;
    let configuration = endpoint(&metadata, "configuration_endpoint")?;
    let body = json!({ "delivery": delivery, "events_requested": [VERIFICATION_EVENT] });
    let answer = call.authorized("POST", &configuration, Some(&body)).await?;
    if REFUSALS.contains(&answer.status) {
        return Err(SsfFailure::Refused(format!("stream creation answered {}", answered(&answer))));
    }
    let stream = created_stream(&answer)?;
    let stream_id = stream.get("stream_id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let interval = stream.get("min_verification_interval").and_then(Value::as_f64).filter(|s| *s >= 0.0);
    call.sut.receiver.streams().created(&stream_id, interval.map(Duration::from_secs_f64));
    let mut answer = json!({
        "peer": stream_id,
        "sut_issuer": metadata.issuer,
        "token": call.token().await?,
    });
    if let Some(uri) = &metadata.jwks_uri {
        answer["jwks_uri"] = json!(uri);
    }
    // §8.1.1: `aud` is a string or an array of strings; the SETs carry it.
    match stream.get("aud") {
        Some(Value::String(aud)) => answer["sets_audience"] = json!(aud),
        Some(Value::Array(auds)) if auds.len() == 1 => answer["sets_audience"] = auds[0].clone(),
        _ => {}
    }
    if binding == "poll" {
        let url = stream.pointer("/delivery/endpoint_url").and_then(Value::as_str);
        let Some(url) = url else {
            return Err(SsfFailure::Failed("the created poll stream names no delivery.endpoint_url".into()));
        };
        if !may_carry_token(&call.sut.issuer, url) {
            return Err(SsfFailure::Failed(format!(
                "the stream's poll URL {url:?} does not use TLS; the receiver's token is not sent there in the clear"
            )));
        }
        answer["poll_endpoint"] = json!(url);
    }
    Ok(answer)
}

/// §8.1.1.1: a 2xx JSON object with a `stream_id` string.
fn created_stream(answer: &Observed) -> Result<Value, SsfFailure> {
    if !(200..300).contains(&answer.status) {
        return Err(SsfFailure::Failed(format!("stream creation answered {}", answered(answer))));
    }
    match serde_json::from_slice::<Value>(&answer.body) {
        Ok(doc) if doc.get("stream_id").is_some_and(|id| id.as_str().is_some_and(|id| !id.is_empty())) => Ok(doc),
        _ => Err(SsfFailure::Failed(format!(
            "the stream creation answer is no JSON object with a stream_id: {}",
            answered(answer)
        ))),
    }
}

/// `count` verification requests on stream `peer`.
async fn queue(call: &mut Call<'_>, peer: &str, count: usize) -> Result<(), SsfFailure> {
    let metadata = known_metadata(call).await?;
    let verify = endpoint(&metadata, "verification_endpoint")?;
    let streams = call.sut.receiver.streams();
    for _ in 0..count {
        call.pause(streams.verification_wait(peer), "min_verification_interval").await?;
        let body = json!({ "stream_id": peer, "state": crate::ssf::assertion::fresh_id() });
        let mut answer = call.authorized("POST", &verify, Some(&body)).await?;
        streams.verified(peer);
        if answer.status == 429 {
            call.pause(retry_after(&answer), "Retry-After of a 429 verification answer").await?;
            answer = call.authorized("POST", &verify, Some(&body)).await?;
            streams.verified(peer);
        }
        if !(200..300).contains(&answer.status) {
            return Err(SsfFailure::Failed(format!("the verification request answered {}", answered(&answer))));
        }
    }
    Ok(())
}

/// Deletes stream `peer`; what the transmitter answers is only recorded.
async fn release(call: &mut Call<'_>, peer: &str) -> Result<(), SsfFailure> {
    let metadata = known_metadata(call).await?;
    let mut url = url::Url::parse(&endpoint(&metadata, "configuration_endpoint")?)
        .map_err(|e| SsfFailure::Failed(format!("configuration_endpoint: {e}")))?;
    url.query_pairs_mut().append_pair("stream_id", peer);
    call.authorized("DELETE", url.as_str(), None).await?;
    call.sut.receiver.streams().deleted(peer);
    Ok(())
}

/// The metadata read at registration, or read now (a stream set up by hand).
async fn known_metadata(call: &mut Call<'_>) -> Result<Metadata, SsfFailure> {
    match call.sut.receiver.streams().metadata() {
        Some(metadata) => Ok(metadata),
        None => fetch_metadata(call).await,
    }
}

/// §7.2: the metadata at the well-known URL of the issuer, read as §7.2.3 and §7.2.4 say.
async fn fetch_metadata(call: &mut Call<'_>) -> Result<Metadata, SsfFailure> {
    let issuer = call.sut.issuer.clone();
    let url = crate::ssf::metadata_url(&issuer).map_err(|e| SsfFailure::Failed(e.to_string()))?;
    let answer = match may_carry_token(&issuer, &url) {
        true => call.authorized("GET", &url, None).await?,
        false => call.send(unauthorized_get(&url)).await?,
    };
    let metadata = Metadata::read(&answer, &issuer)
        .map_err(|e| SsfFailure::Failed(format!("transmitter metadata at {url}: {e}")))?;
    call.sut.receiver.streams().keep_metadata(metadata.clone());
    Ok(metadata)
}

fn unauthorized_get(url: &str) -> Outgoing {
    let headers = vec![("Accept".to_owned(), "application/json".to_owned())];
    Outgoing { method: "GET".into(), url: url.to_owned(), headers, body: Vec::new() }
}

/// The URL of management endpoint `member`, where the token may go.
fn endpoint(metadata: &Metadata, member: &'static str) -> Result<String, SsfFailure> {
    metadata.endpoint(member).map(str::to_owned).map_err(|e| SsfFailure::Failed(format!("transmitter metadata: {e}")))
}

/// RFC 9110 §10.2.3: seconds (an HTTP date is taken as the default wait).
fn retry_after(answer: &Observed) -> Duration {
    let seconds = answer.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
    seconds.map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
}

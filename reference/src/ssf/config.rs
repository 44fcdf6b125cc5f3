//! The configuration endpoint (SSF §8.1.1): create (`POST`), read (`GET`),
//! update (`PATCH`), replace (`PUT`) and delete (`DELETE`) a receiver's streams.

use super::outbox::enqueue_verification;
use super::reply::{self, Refusal, bad_request};
use super::set::{For, verification};
use super::stream::{
    Delivery, LONG_VERIFICATION_INTERVAL, MIN_VERIFICATION_INTERVAL, Status, Stream, changed_transmitter_member, find,
    supplied,
};
use super::token::manager;
use super::unguessable;
use crate::fault::Fault;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;

/// `POST`: SSF §8.1.1.1, a new stream, 201 with its configuration (SSF-STRM-006).
pub async fn create(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let body = reply::object(&body, fault)?;
    let issuer = app.ssf.issuer();
    let created = if fault == Some(Fault::SsfCreate200) { StatusCode::OK } else { StatusCode::CREATED };
    // SSF §8.1.1.1 (SSF-STRM-009): a second create makes a second stream.
    if fault == Some(Fault::SsfCreateReusesStream)
        && let Some(url) = body.get("delivery").and_then(|d| d.get("endpoint_url")).and_then(Value::as_str)
    {
        let pushes_there =
            |s: &&Stream| matches!(&s.delivery, Delivery::Push { endpoint_url: Some(u), .. } if u == url);
        let first = app.ssf.with_streams(|streams| {
            streams.iter().filter(|s| s.owner == client).find(pushes_there).map(|s| s.config(&issuer, fault))
        });
        if let Some(config) = first {
            return Ok(reply::json(created, &config));
        }
    }
    // One stream per receiver is a transmitter's choice (SSF §8.1.1.1: 409 to a second create).
    let other_choices = app.variant == Some(crate::Variant::SsfOtherChoices);
    if other_choices && app.ssf.with_streams(|streams| streams.iter().any(|s| s.owner == client)) {
        return Err(Refusal::Conflict("this transmitter keeps one stream per receiver"));
    }
    let supplied = supplied(&body, fault).map_err(bad_request)?;
    // SSF §8.1.1.1 (SSF-STRM-008): without `delivery`, the stream is polled.
    let default = match fault {
        Some(Fault::SsfDefaultPush) => Delivery::Push { endpoint_url: None, authorization_header: None },
        _ => Delivery::Poll,
    };
    let delivery = supplied.delivery.clone().unwrap_or(default);
    let id = unguessable();
    let aud = app.ssf.audience_of(&client);
    let (peer, peer_token) = super::delivery::register(&app, &aud, &delivery);
    let mut stream = Stream {
        id: id.clone(),
        owner: client,
        peer,
        peer_token,
        aud: aud.clone(),
        events_requested: None,
        delivery,
        description: None,
        status: Status::Enabled,
        reason: None,
        held: Vec::new(),
        last_verification: None,
        verifications: Default::default(),
        subjects: Vec::new(),
        min_verification_interval: if other_choices { LONG_VERIFICATION_INTERVAL } else { MIN_VERIFICATION_INTERVAL },
    };
    stream.take(supplied, false);
    let config = stream.config(&issuer, fault);
    let unsolicited = matches!(stream.delivery, Delivery::Push { endpoint_url: Some(_), .. }) && !other_choices;
    app.ssf.with_streams(|streams| streams.push(stream));
    if unsolicited {
        // As many transmitters do: one verification event of its own on a new push stream,
        // without a `state` (SSF §8.1.4.2, SSF-VER-005).
        let state = (fault == Some(Fault::SsfUnsolicitedWithState)).then_some("unsolicited");
        let set = verification(&app, &For { stream_id: &id, aud: &aud }, state);
        enqueue_verification(&app, &id, set);
    }
    Ok(reply::json(created, &config))
}

/// `GET`: SSF §8.1.1.2 (SSF-STRM-010), one stream by `stream_id`, else all of the receiver's.
pub async fn read(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let (ssf, issuer) = (&app.ssf, app.ssf.issuer());
    if let Ok(id) = reply::query_stream_id(&uri) {
        let config = ssf.with_streams(|streams| find(streams, &id, &client, fault).map(|s| s.config(&issuer, fault)));
        // The fault swaps the shapes: one stream comes in an array.
        let config = config.map(|c| if fault == Some(Fault::SsfReadAllObject) { Value::Array(vec![c]) } else { c });
        return config.map(|c| reply::json(StatusCode::OK, &c)).ok_or(Refusal::UnknownStream { fault });
    }
    let mine: Vec<Value> = ssf.with_streams(|streams| {
        streams.iter().filter(|s| s.owner == client).map(|s| s.config(&issuer, fault)).collect()
    });
    let answer = match fault {
        Some(Fault::SsfReadAllObject) => mine.into_iter().next().unwrap_or_else(|| Value::Object(Default::default())),
        _ => Value::Array(mine),
    };
    Ok(reply::json(StatusCode::OK, &answer))
}

/// `PATCH`: SSF §8.1.1.3 (SSF-STRM-011), the receiver-supplied members given are replaced.
pub async fn update(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let whole = app.fault == Some(Fault::SsfPatchReplaces);
    let strict = app.fault != Some(Fault::SsfPatchAcceptsTransmitterMembers);
    change(&app, &headers, &body, whole, strict)
}

/// `PUT`: SSF §8.1.1.4 (SSF-STRM-012), the receiver-supplied members are replaced as a whole.
pub async fn replace(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let whole = app.fault != Some(Fault::SsfPutMerges);
    change(&app, &headers, &body, whole, true)
}

/// A PATCH or PUT: `whole` removes the receiver-supplied members left out;
/// `strict` refuses a changed transmitter-supplied member with 400.
fn change(app: &Arc<App>, headers: &HeaderMap, body: &[u8], whole: bool, strict: bool) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(app, headers)?;
    let body = reply::object(body, fault)?;
    let id = reply::stream_id(app, &body, &client)?;
    let supplied = supplied(&body, fault).map_err(bad_request)?;
    let issuer = app.ssf.issuer();
    let (peer, before, after, config) = app.ssf.with_streams(|streams| {
        let stream = find(streams, &id, &client, fault).ok_or(Refusal::UnknownStream { fault })?;
        let current = stream.config(&issuer, fault);
        if let Some(member) = changed_transmitter_member(&body, &current).filter(|_| strict) {
            return Err(bad_request(format!("`{member}` is set by the transmitter and cannot be changed")));
        }
        let before = stream.delivery.clone();
        stream.take(supplied, whole);
        Ok((stream.peer.clone(), before, stream.delivery.clone(), stream.config(&issuer, fault)))
    })?;
    super::delivery::redirect(app, &peer, &before, &after);
    Ok(reply::json(StatusCode::OK, &config))
}

/// `DELETE ?stream_id=`: SSF §8.1.1.5 (SSF-STRM-013), 204 with no body.
pub async fn delete(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let id = reply::query_stream_id(&uri)?;
    let keep = fault == Some(Fault::SsfDeleteKeeps);
    let issuer = app.ssf.issuer();
    let (peer, config) = app
        .ssf
        .with_streams(|streams| {
            let stream = find(streams, &id, &client, fault)?;
            let found = (stream.peer.clone(), stream.config(&issuer, fault));
            if !keep {
                streams.retain(|s| s.id != id);
            }
            Some(found)
        })
        .ok_or(Refusal::UnknownStream { fault })?;
    if !keep {
        app.forget(&peer);
    }
    Ok(match fault {
        Some(Fault::SsfDelete200) => reply::json(StatusCode::OK, &config),
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

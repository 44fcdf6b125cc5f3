//! The status endpoint (SSF §8.1.2): a stream's status read (`GET`) and set
//! by its receiver (`POST`). A receiver's own change needs no stream-updated event.

use super::outbox::{change_status, hand_over};
use super::reply::{self, Refusal, bad_request};
use super::stream::{Status, find};
use super::token::manager;
use crate::fault::Fault;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// `GET ?stream_id=`: SSF §8.1.2.1 (SSF-STAT-001).
pub async fn read(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let id = reply::query_stream_id(&uri)?;
    let (status, reason) = app
        .ssf
        .with_streams(|streams| find(streams, &id, &client, fault).map(|s| (s.status, s.reason.clone())))
        .ok_or(Refusal::UnknownStream { fault })?;
    Ok(reply::json(StatusCode::OK, &answer(&id, status, reason.as_deref(), fault)))
}

/// `POST {stream_id, status, reason?}`: SSF §8.1.2.2 (SSF-STAT-005), 200 with the new status.
pub async fn update(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let body = reply::object(&body, fault)?;
    let id = reply::stream_id(&app, &body, &client)?;
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .and_then(Status::from_name)
        .ok_or_else(|| bad_request("`status` is none of enabled, paused, disabled"))?;
    let reason = match body.get("reason") {
        None => None,
        Some(Value::String(reason)) => Some(reason.clone()),
        Some(_) => return Err(bad_request("`reason` is not a string")),
    };
    let ignored = fault == Some(Fault::SsfStatusUpdateIgnored);
    let release = app
        .ssf
        .with_streams(|streams| {
            let stream = find(streams, &id, &client, fault)?;
            Some(if ignored { None } else { change_status(&app, stream, status, reason.clone()) })
        })
        .ok_or(Refusal::UnknownStream { fault })?;
    if let Some(release) = release {
        hand_over(&app, release);
    }
    if fault == Some(Fault::SsfStatusUpdate204) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(reply::json(StatusCode::OK, &answer(&id, status, reason.as_deref(), fault)))
}

/// SSF §8.1.2.1: `stream_id`, `status` and the `reason` if there is one.
fn answer(id: &str, status: Status, reason: Option<&str>, fault: Option<Fault>) -> Value {
    let mut answer = Map::new();
    if fault != Some(Fault::SsfStatusNoStreamId) {
        answer.insert("stream_id".into(), json!(id));
    }
    answer.insert("status".into(), json!(status.name(fault)));
    if let Some(reason) = reason {
        answer.insert("reason".into(), json!(reason));
    }
    Value::Object(answer)
}

//! The add- and remove-subject endpoints (SSF §8.1.3): the reference keeps
//! the subjects a receiver names; it sends no events about them.

use super::reply::{self, Refusal, bad_request};
use super::stream::find;
use super::token::manager;
use crate::fault::Fault;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// `POST {stream_id, subject, verified?}`: SSF §8.1.3.2 (SSF-SUBJ-001), 200 with no body.
pub async fn add(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    act(&app, &headers, &body, true)?;
    let done = if app.fault == Some(Fault::SsfAddSubject201) { StatusCode::CREATED } else { StatusCode::OK };
    Ok(done.into_response())
}

/// `POST {stream_id, subject}`: SSF §8.1.3.3 (SSF-SUBJ-002), 204.
pub async fn remove(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    act(&app, &headers, &body, false)?;
    Ok(match app.fault {
        Some(Fault::SsfRemoveSubject200) => reply::json(StatusCode::OK, &json!({})),
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Adds (`adding`) or removes the subject the body names on its stream.
fn act(app: &App, headers: &HeaderMap, body: &[u8], adding: bool) -> Result<(), Refusal> {
    let fault = app.fault;
    let client = manager(app, headers)?;
    let body = reply::object(body, fault)?;
    let id = reply::stream_id(app, &body, &client)?;
    // SSF §8.1.3.2: a subject is a subject identifier (RFC 9493 §3: it names its format).
    let subject = match body.get("subject") {
        Some(subject @ Value::Object(members)) if members.get("format").is_some_and(Value::is_string) => {
            subject.clone()
        }
        // The fault takes any body as a subject it need not keep.
        _ if fault == Some(Fault::SsfLenientBodies) => return Ok(()),
        _ => return Err(bad_request("`subject` is not a subject identifier")),
    };
    if body.get("verified").is_some_and(|v| !v.is_boolean()) {
        return Err(bad_request("`verified` is not a boolean"));
    }
    app.ssf
        .with_streams(|streams| {
            let stream = find(streams, &id, &client, fault)?;
            stream.subjects.retain(|s| *s != subject);
            if adding {
                stream.subjects.push(subject);
            }
            Some(())
        })
        .ok_or(Refusal::UnknownStream { fault })
}

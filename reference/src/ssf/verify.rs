//! The verification endpoint (SSF §8.1.4.2): a receiver asks for a
//! verification event on its stream; the answer is 204, the event follows on
//! the stream. Asked again within `min_verification_interval`, it answers 429.

use super::outbox::enqueue_verification;
use super::reply::{self, Refusal, bad_request};
use super::set::{For, verification};
use super::stream::{Status, find};
use super::token::manager;
use crate::fault::Fault;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the `ssf-verify-429-early` fault refuses verifications after the last one.
const EARLY_WINDOW: Duration = Duration::from_secs(10);

/// How long after the request the `ssf-other-choices` variant sends the event.
const LATER: Duration = Duration::from_secs(1);

/// `POST {stream_id, state?}` (SSF-VER-001).
pub async fn request(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let fault = app.fault;
    let client = manager(&app, &headers)?;
    let body = reply::object(&body, fault)?;
    let id = reply::stream_id(&app, &body, &client)?;
    let state = match body.get("state") {
        None => None,
        Some(Value::String(state)) => Some(state.clone()),
        Some(_) => return Err(bad_request("`state` is not a string")),
    };
    // SSF §8.1.1 (SSF-STRM-014): 429 only within the interval the configuration names.
    let interval = match fault {
        Some(Fault::SsfVerify429Early) => EARLY_WINDOW,
        _ => Duration::ZERO,
    };
    let now = Instant::now();
    let other_choices = app.variant == Some(crate::Variant::SsfOtherChoices);
    let aud = app.ssf.with_streams(|streams| {
        let stream = find(streams, &id, &client, fault).ok_or(Refusal::UnknownStream { fault })?;
        let interval = interval.max(Duration::from_secs(stream.min_verification_interval));
        if stream.last_verification.is_some_and(|last| now.duration_since(last) < interval) {
            return Err(Refusal::TooManyRequests { retry_after: interval.as_secs() });
        }
        // AMB-33: a verification on a stream that sends nothing now may be refused.
        if other_choices && stream.status != Status::Enabled {
            return Err(Refusal::Conflict("the stream is not enabled"));
        }
        stream.last_verification = Some(now);
        Ok(stream.aud.clone())
    })?;
    // SSF §8.1.4.2 (SSF-VER-002): the state comes back in the event.
    let echoed = state.as_deref().filter(|_| fault != Some(Fault::SsfStateNotEchoed));
    let set = verification(&app, &For { stream_id: &id, aud: &aud }, echoed);
    if other_choices {
        // SSF §8.1.4.2: the event may follow the answer at any later time.
        let app = app.clone();
        tokio::spawn(async move {
            tokio::time::sleep(LATER).await;
            enqueue_verification(&app, &id, set);
        });
    } else {
        enqueue_verification(&app, &id, set);
    }
    Ok(match fault {
        Some(Fault::SsfVerify200) => reply::json(StatusCode::OK, &json!({})),
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

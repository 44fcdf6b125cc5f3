//! What the management API's handlers share: reading a request body and its
//! `stream_id`, and the refusals they answer with.

use crate::fault::Fault;
use crate::state::App;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Why a management or poll request is refused.
#[derive(Debug)]
pub enum Refusal {
    /// RFC 6750 §3.1: no token, or one that is not known (`presented`).
    Unauthorized { presented: bool },
    /// A body or parameter that is not what the endpoint takes.
    BadRequest(String),
    /// SSF §8.1.1.2 and the other endpoints: no such stream for this receiver (404).
    UnknownStream { fault: Option<Fault> },
    /// SSF §8.1.1: asked again too soon; try after so many seconds.
    TooManyRequests { retry_after: u64 },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Unauthorized { presented } => {
                let challenge = if presented { r#"Bearer error="invalid_token""# } else { "Bearer" };
                let mut answer = error(StatusCode::UNAUTHORIZED, "missing or unknown bearer token");
                answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
                answer
            }
            Refusal::BadRequest(why) => error(StatusCode::BAD_REQUEST, &why),
            Refusal::UnknownStream { fault } => {
                let as_400 = fault == Some(Fault::SsfUnknownStream400);
                error(if as_400 { StatusCode::BAD_REQUEST } else { StatusCode::NOT_FOUND }, "no such stream")
            }
            Refusal::TooManyRequests { retry_after } => {
                let mut answer = error(StatusCode::TOO_MANY_REQUESTS, "verification requested too often");
                answer.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                answer
            }
        }
    }
}

/// A JSON answer with `status`.
pub fn json(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// An error answer with an explanation.
pub fn error(status: StatusCode, description: &str) -> Response {
    json(status, &json!({ "error": description }))
}

pub fn bad_request(why: impl Into<String>) -> Refusal {
    Refusal::BadRequest(why.into())
}

/// The JSON object of a request body.
pub fn object(body: &[u8], fault: Option<Fault>) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ if fault == Some(Fault::SsfLenientBodies) => Ok(Map::new()),
        _ => Err(bad_request("the body is not a JSON object")),
    }
}

/// The `stream_id` a request body names; under `ssf-lenient-bodies` a
/// missing one is the receiver's first stream.
pub fn stream_id(app: &App, body: &Map<String, Value>, client: &str) -> Result<String, Refusal> {
    match body.get("stream_id") {
        Some(Value::String(id)) => Ok(id.clone()),
        None if app.fault == Some(Fault::SsfLenientBodies) => app
            .ssf
            .with_streams(|streams| streams.iter().find(|s| s.owner == client).map(|s| s.id.clone()))
            .ok_or(Refusal::UnknownStream { fault: app.fault }),
        _ => Err(bad_request("`stream_id` is missing or not a string")),
    }
}

/// The `stream_id` query parameter.
pub fn query_stream_id(uri: &Uri) -> Result<String, Refusal> {
    let query = uri.query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "stream_id")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| bad_request("`stream_id` is missing"))
}

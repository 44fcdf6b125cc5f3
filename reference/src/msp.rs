//! The multi-SET push recipient (draft-deshpande-secevent-http-multi-set-push,
//! post -03): a batch of SETs per POST, `202` with an `ack` array (and
//! `setErrs`) for a batch it takes, RFC 9457 problem details for a request it
//! refuses as a whole.

use crate::fault::Fault;
use crate::key_refresh::{Who, learn_keys};
use crate::pushpull::{self, bearer};
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Most SETs the reference takes in one batch (§7.1: a recipient limits what it accepts).
const MAX_BATCH: usize = 1000;
/// Under the `msp-unbounded-batch` fault, the time spent on each SET of a batch before answering.
const PER_SET_WORK: std::time::Duration = std::time::Duration::from_millis(5);
/// Request media types: post -03 and, for older transmitters, -02 (AMB-30).
const MEDIA_TYPES: [&str; 2] = ["application/secevents+json", "application/json"];

pub async fn receive(State(app): State<Arc<App>>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let fault = app.fault;
    if method != Method::POST {
        let mut resp = problem(fault, StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "only POST is supported");
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    let token = bearer(&headers).unwrap_or_default();
    if app.peers.with_token(&token, |_| ()).is_none() {
        let mut resp =
            problem(fault, StatusCode::UNAUTHORIZED, "authentication_failed", "missing or unknown bearer token");
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return resp;
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !MEDIA_TYPES.contains(&media.as_str()) {
        let why = "Content-Type must be application/secevents+json";
        return problem(fault, StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request", why);
    }
    // §4.4.2 (MSP-016): a malformed request is refused as a whole; the fault takes it as an empty batch.
    if fault == Some(Fault::MspParseAnything) && serde_json::from_slice::<Value>(&body).is_err() {
        return (StatusCode::ACCEPTED, [(header::CONTENT_TYPE, "application/json")], r#"{"ack":[]}"#).into_response();
    }
    // §4.3.1: `sets` is REQUIRED, an object, possibly empty.
    let count = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(o)) => match o.get("sets") {
            Some(Value::Object(sets)) => sets.len(),
            _ => {
                return problem(
                    fault,
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "`sets` is missing or not an object",
                );
            }
        },
        _ => return problem(fault, StatusCode::BAD_REQUEST, "invalid_request", "the body is not a JSON object"),
    };
    // §7.1 (MSP-021): the fault has no limit and works through every SET before it answers.
    if fault == Some(Fault::MspUnboundedBatch) {
        tokio::time::sleep(PER_SET_WORK * u32::try_from(count).unwrap_or(u32::MAX)).await;
    } else if count > MAX_BATCH {
        let why = format!("at most {MAX_BATCH} SETs per request");
        return problem(fault, StatusCode::PAYLOAD_TOO_LARGE, "too_many_sets", &why);
    }
    let request = match pushpull::parse(&body) {
        Ok(r) => r,
        Err(why) => return problem(fault, StatusCode::BAD_REQUEST, "invalid_request", &why),
    };
    learn_keys(&app, Who::Token(&token), request.tokens()).await;
    // `ack-and-err` spoils the pushpull Communication Object (§5), not multi-SET push answers.
    let exchange_fault = fault.filter(|f| *f != Fault::AckAndErr);
    let outcome = pushpull::respond(&app, &token, request, exchange_fault);
    let Some(Ok(Value::Object(mut object))) = outcome else {
        return problem(fault, StatusCode::BAD_REQUEST, "invalid_request", "the batch could not be taken");
    };
    // One direction only: the recipient returns no SETs of its own.
    object.remove("sets");
    if fault != Some(Fault::MspOmitEmptyAck) {
        object.entry("ack").or_insert_with(|| json!([]));
    }
    // MSP-011: `ack` is an array of jtis.
    if fault == Some(Fault::MspAckObject)
        && let Some(Value::Array(jtis)) = object.get("ack")
    {
        let keyed: Map<String, Value> =
            jtis.iter().filter_map(Value::as_str).map(|jti| (jti.to_owned(), json!(true))).collect();
        object.insert("ack".into(), Value::Object(keyed));
    }
    if fault == Some(Fault::MspAuthCodeInSetErrs)
        && let Some(Value::Object(errs)) = object.get_mut("setErrs")
    {
        for entry in errs.values_mut() {
            entry["err"] = json!("authentication_failed");
        }
    }
    let described = object
        .get("setErrs")
        .and_then(Value::as_object)
        .is_some_and(|errs| errs.values().any(|e| e.get("description").is_some()));
    let status = if fault == Some(Fault::MspSuccess200) { StatusCode::OK } else { StatusCode::ACCEPTED };
    // §4.4 (MSP-010): the answer is application/json.
    let content_type =
        if fault == Some(Fault::MspAnswerBatchMediaType) { "application/secevents+json" } else { "application/json" };
    let mut resp = (status, [(header::CONTENT_TYPE, content_type)], Value::Object(object).to_string()).into_response();
    // §4.4: descriptions come with their language.
    if described && fault != Some(Fault::MspNoContentLanguage) {
        resp.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    }
    resp
}

/// §4.4.2: a whole-request failure as RFC 9457 problem details with the `err` extension.
fn problem(fault: Option<Fault>, status: StatusCode, err: &str, detail: &str) -> Response {
    let body = json!({
        "type": format!("https://reference.setconform.invalid/problems/{err}"),
        "title": err.replace('_', " "),
        "status": status.as_u16(),
        "detail": detail,
        "err": err,
    });
    let content_type =
        if fault == Some(Fault::MspErrorNotProblemJson) { "application/json" } else { "application/problem+json" };
    let mut resp = (status, [(header::CONTENT_TYPE, content_type)], body.to_string()).into_response();
    resp.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    resp
}

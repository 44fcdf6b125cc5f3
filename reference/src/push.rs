//! The push receiver (RFC 8935): one SET per POST, `202` with an empty body
//! when it is valid, `400` with an error object when it is not.

use crate::fault::Fault;
use crate::jose::{self, Rejection};
use crate::key_refresh::{Who, learn_keys};
use crate::pushpull::bearer;
use crate::ssf_receiver::judge::{judge_if_ssf, stream_in_use};
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// The media type of a SET in an HTTP body (RFC 8417 §7.2, RFC 8935 §2.1).
pub const SET_MEDIA_TYPE: &str = "application/secevent+jwt";

pub async fn receive(State(app): State<Arc<App>>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let fault = app.fault;
    if fault == Some(Fault::NoPushReceiver) {
        return (StatusCode::NOT_FOUND, "no push endpoint here").into_response();
    }
    // RFC 8935 §2.3: HTTP-level errors keep their HTTP status.
    if method != Method::POST {
        let mut resp = error(fault, StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "only POST is supported");
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    // §3: the transmitter is authenticated with HTTP authentication (RFC 7235).
    let mut token = bearer(&headers).unwrap_or_default();
    if fault == Some(Fault::NoAuthCheck) && app.peers.with_token(&token, |_| ()).is_none() {
        token = app.anonymous_token.clone();
    }
    if fault == Some(Fault::SsfRcvNoAuthorizationHeader) && app.peers.with_token(&token, |_| ()).is_none() {
        let set = std::str::from_utf8(&body).unwrap_or_default().trim();
        token = crate::ssf_receiver::unauthenticated_push(&app, set).unwrap_or(token);
    }
    if app.peers.with_token(&token, |_| ()).is_none() {
        let mut resp =
            error(fault, StatusCode::UNAUTHORIZED, "authentication_failed", "missing or unknown bearer token");
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return resp;
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case(SET_MEDIA_TYPE) && fault != Some(Fault::PushAnyContentType) {
        let why = format!("Content-Type must be {SET_MEDIA_TYPE}");
        return error(fault, StatusCode::BAD_REQUEST, "invalid_request", &why);
    }
    let Ok(token_text) = std::str::from_utf8(&body) else {
        return error(fault, StatusCode::BAD_REQUEST, "invalid_request", "the body is not UTF-8");
    };
    let set = token_text.trim();
    let jti = jose::jti_of(set).unwrap_or_default();
    crate::ssf_receiver::until_configured(&app, &token).await;
    learn_keys(&app, Who::Token(&token), [set]).await;
    // The signature and claims are checked against a snapshot of the peer's trust, with no lock held.
    let validated = app.peers.trust_by_token(&token).map(|trust| jose::validate(&jti, set, &trust));
    let verdict = validated.and_then(|validated| {
        app.peers.with_token(&token, |peer| {
            let seen = peer.received.contains_key(&jti);
            // An SSF stream's SETs also meet the SSF rules (state, stream, event types).
            let judged = validated.and_then(|()| judge_if_ssf(&mut peer.ssf, set, fault));
            if judged.is_ok() {
                peer.received.insert(jti.clone(), crate::peers::Verdict::Acked);
            }
            (seen, judged, stream_in_use(&peer.ssf), peer.id.clone())
        })
    });
    if let Some((_, _, _, id)) = &verdict {
        crate::ssf_receiver::status::follow_up(&app, id);
    }
    // A fault that overlooks one flaw of a SET still takes none on a stream it refused.
    let verdict = verdict.map(|(seen, judged, in_use, _)| (seen, judged, in_use));
    match verdict {
        Some((true, Ok(()), _)) if fault == Some(Fault::PushDuplicateError) => {
            error(fault, StatusCode::BAD_REQUEST, "invalid_request", "this SET was received before")
        }
        Some((_, Ok(()), _)) if fault == Some(Fault::PushSlowAnswer) => {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            accepted(fault)
        }
        Some((_, Ok(()), _)) => accepted(fault),
        Some((_, Err(rejection), true)) if overlooked(&rejection, fault) => accepted(fault),
        Some((_, Err(Rejection { err, description }), _)) => {
            let err = if fault == Some(Fault::PushGenericErr) { "invalid_request" } else { err };
            let status = match fault {
                Some(Fault::PushRefuseWith500) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            error(fault, status, err, &description)
        }
        None => error(fault, StatusCode::UNAUTHORIZED, "authentication_failed", "the peer vanished"),
    }
}

/// The faults that let a particular broken SET through.
fn overlooked(rejection: &Rejection, fault: Option<Fault>) -> bool {
    let d = rejection.description.as_str();
    match fault {
        Some(Fault::PushAcceptBadSignature) => d.contains("signature does not verify"),
        Some(Fault::PushAcceptAlgNone) => d.contains("unsecured"),
        Some(Fault::PushAcceptWrongAudience) => d.contains("aud does not name"),
        Some(Fault::PushAcceptAnything) => true,
        _ => false,
    }
}

/// §2.2: `202 Accepted` with an empty body.
fn accepted(fault: Option<Fault>) -> Response {
    match fault {
        Some(Fault::PushSuccess200) => StatusCode::OK.into_response(),
        Some(Fault::PushSuccessBody) => {
            (StatusCode::ACCEPTED, [(header::CONTENT_TYPE, "application/json")], "{\"status\":\"ok\"}").into_response()
        }
        _ => StatusCode::ACCEPTED.into_response(),
    }
}

/// What a receiver that echoes unchecked text into its errors might send: a
/// report that shows these as markup runs the SUT's script in the reader's browser.
const HOSTILE_ERR: &str = "<img src=x onerror=\"document.title='pwned'\">";
const HOSTILE_DESCRIPTION: &str = " <script>document.body.setAttribute('data-pwned','1')</script>";

/// §2.3: a JSON error object with `err` and `description`, in English.
fn error(fault: Option<Fault>, status: StatusCode, err: &str, description: &str) -> Response {
    if fault == Some(Fault::PushErrorNotJson) {
        return (status, [(header::CONTENT_TYPE, "text/plain")], format!("{err}: {description}")).into_response();
    }
    let err = match fault {
        Some(Fault::PushUnregisteredErr) => "bad_set",
        Some(Fault::HostileMarkup) => HOSTILE_ERR,
        _ => err,
    };
    let description = match fault {
        Some(Fault::HostileMarkup) => format!("{description}{HOSTILE_DESCRIPTION}"),
        _ => description.to_owned(),
    };
    let body = if fault == Some(Fault::PushOmitDescription) {
        json!({ "err": err })
    } else {
        json!({ "err": err, "description": description })
    };
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
    if fault != Some(Fault::PushNoContentLanguage) {
        resp.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    }
    resp
}

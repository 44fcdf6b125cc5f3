//! The transmitter's answers: metadata (SSF §7.1, §7.2), the token endpoint
//! (RFC 6749 §4.4) and the management API (SSF §8.1), as a plain
//! transmitter answers them. Nothing is judged here.

use super::{CallKind, FOREIGN_ISSUER, IssuerChoice, Shared, Stream, WELL_KNOWN};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The event types the harness can send (CAEP 1.0 §3, SSF §8.1.4, §8.1.5).
const EVENTS_SUPPORTED: &[&str] = &[
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
    "https://schemas.openid.net/secevent/caep/event-type/token-claims-change",
    "https://schemas.openid.net/secevent/caep/event-type/credential-change",
    "https://schemas.openid.net/secevent/caep/event-type/assurance-level-change",
    "https://schemas.openid.net/secevent/caep/event-type/device-compliance-change",
    "https://schemas.openid.net/secevent/caep/event-type/session-established",
    "https://schemas.openid.net/secevent/caep/event-type/session-presented",
    "https://schemas.openid.net/secevent/caep/event-type/risk-level-change",
    "https://schemas.openid.net/secevent/ssf/event-type/verification",
    "https://schemas.openid.net/secevent/ssf/event-type/stream-updated",
];
const PUSH: &str = "urn:ietf:rfc:8935";
/// Most streams one transmitter keeps.
const MAX_STREAMS: usize = 32;
const POLL: &str = "urn:ietf:rfc:8936";

/// Which endpoint `uri` names, and the answer.
pub(super) fn answer(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> (CallKind, Response) {
    let path = uri.path();
    if path == format!("{WELL_KNOWN}{}", shared.base) {
        // Any method gets the document: how the SUT asked is judged, not refused (SSF-DISC-002).
        return (CallKind::Discover, metadata(shared));
    }
    let Some(rest) = path.strip_prefix(shared.base.as_str()) else {
        return (CallKind::Other, error(StatusCode::NOT_FOUND, "not_found", "no such URL"));
    };
    let kind = match (rest, method) {
        ("/token", _) => CallKind::Token,
        ("/streams", &Method::POST) => CallKind::Create,
        ("/streams", &Method::GET) => CallKind::Read,
        ("/streams", &Method::PATCH) => CallKind::Update,
        ("/streams", &Method::PUT) => CallKind::Replace,
        ("/streams", &Method::DELETE) => CallKind::Delete,
        ("/status", &Method::GET) => CallKind::Status,
        ("/status", &Method::POST) => CallKind::SetStatus,
        ("/subjects/add", &Method::POST) => CallKind::AddSubject,
        ("/subjects/remove", &Method::POST) => CallKind::RemoveSubject,
        ("/verify", &Method::POST) => CallKind::Verify,
        _ => return (CallKind::Other, error(StatusCode::NOT_FOUND, "not_found", "no such endpoint or method")),
    };
    if kind == CallKind::Token {
        return (kind, token(shared, headers, body));
    }
    // SSF §8: every management call is authorized with the access token.
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(shared.setup.access_token.as_str()) {
        let mut refused =
            error(StatusCode::UNAUTHORIZED, "invalid_token", "present the access token of the token endpoint");
        refused.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return (kind, refused);
    }
    let query: Map<String, Value> = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), json!(v)))
        .collect();
    let body: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let mut log = shared.log.lock().unwrap_or_else(|e| e.into_inner());
    let streams = &mut log.streams;
    let named = |m: &Option<Map<String, Value>>| {
        query.get("stream_id").or_else(|| m.as_ref()?.get("stream_id")).and_then(Value::as_str).map(str::to_owned)
    };
    let id = named(&body);
    let found = id.as_deref().and_then(|id| streams.iter().position(|s| s.id == id));
    let response = match (kind, body, found) {
        // SSF §8.1.1.1 (SSF-STRM-009): a transmitter may refuse more streams with 409.
        (CallKind::Create, Some(_), _) if streams.len() >= MAX_STREAMS => {
            error(StatusCode::CONFLICT, "conflict", "no more streams for this receiver")
        }
        (CallKind::Create, Some(request), _) => {
            let stream = create(shared, request);
            let answer = (StatusCode::CREATED, axum::Json(stream.config.clone())).into_response();
            streams.push(stream);
            answer
        }
        (CallKind::Read, _, Some(i)) => axum::Json(streams[i].config.clone()).into_response(),
        (CallKind::Read, _, None) if id.is_none() => {
            axum::Json(Value::Array(streams.iter().map(|s| s.config.clone()).collect())).into_response()
        }
        (CallKind::Update | CallKind::Replace, Some(request), Some(i)) => {
            let stream = &mut streams[i];
            let mut config =
                if kind == CallKind::Replace { transmitter_members(&stream.config) } else { stream.config.clone() };
            for (k, v) in request {
                if !is_transmitter_member(&k) {
                    config[k] = v;
                }
            }
            stream.config = config.clone();
            axum::Json(config).into_response()
        }
        (CallKind::Delete, _, Some(i)) => {
            streams.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        (CallKind::Status, _, Some(i)) => {
            axum::Json(json!({ "stream_id": streams[i].id, "status": streams[i].status })).into_response()
        }
        (CallKind::SetStatus, Some(request), Some(i)) => match request.get("status").and_then(Value::as_str) {
            Some(s @ ("enabled" | "paused" | "disabled")) => {
                streams[i].status = s.to_owned();
                axum::Json(json!({ "stream_id": streams[i].id, "status": s })).into_response()
            }
            _ => error(StatusCode::BAD_REQUEST, "invalid_request", "status is one of enabled, paused, disabled"),
        },
        (CallKind::AddSubject, Some(_), Some(_)) => StatusCode::OK.into_response(),
        (CallKind::RemoveSubject | CallKind::Verify, Some(_), Some(_)) => StatusCode::NO_CONTENT.into_response(),
        (_, None, _) if kind != CallKind::Read && kind != CallKind::Delete && kind != CallKind::Status => {
            error(StatusCode::BAD_REQUEST, "invalid_request", "the body is not a JSON object")
        }
        _ => error(StatusCode::NOT_FOUND, "not_found", "no such stream"),
    };
    (kind, response)
}

/// The metadata (SSF §7.1), naming another issuer when the scenario says.
fn metadata(shared: &Shared) -> Response {
    let issuer = match shared.setup.choices.metadata_issuer {
        IssuerChoice::Own => shared.issuer(),
        IssuerChoice::Foreign => FOREIGN_ISSUER.to_owned(),
    };
    let at = |p: &str| format!("{}{p}", shared.issuer());
    axum::Json(json!({
        "spec_version": "1_0",
        "issuer": issuer,
        "jwks_uri": shared.setup.jwks_uri,
        "delivery_methods_supported": [PUSH, POLL],
        "configuration_endpoint": at("/streams"),
        "status_endpoint": at("/status"),
        "add_subject_endpoint": at("/subjects/add"),
        "remove_subject_endpoint": at("/subjects/remove"),
        "verification_endpoint": at("/verify"),
        "authorization_schemes": [{ "spec_urn": "urn:ietf:rfc:6749" }],
        "default_subjects": "NONE",
    }))
    .into_response()
}

/// A new stream's configuration (SSF §8.1.1): what the receiver asked for,
/// with the members the transmitter supplies.
fn create(shared: &Shared, request: Map<String, Value>) -> Stream {
    let id = super::super::listener::private_segment()[..16].to_owned();
    let iss = match shared.setup.choices.stream_iss {
        IssuerChoice::Own => shared.issuer(),
        IssuerChoice::Foreign => FOREIGN_ISSUER.to_owned(),
    };
    let requested: Vec<Value> = match request.get("events_requested") {
        Some(Value::Array(events)) => events.clone(),
        _ => Vec::new(),
    };
    // SSF-STRM-004: delivered = supported ∩ requested.
    let delivered: Vec<Value> =
        requested.iter().filter(|e| e.as_str().is_some_and(|e| EVENTS_SUPPORTED.contains(&e))).cloned().collect();
    let mut delivery = request.get("delivery").cloned().unwrap_or_else(|| json!({ "method": POLL }));
    // SSF §6.1.2: the transmitter names the poll URL.
    if delivery.get("method").and_then(Value::as_str) == Some(POLL)
        && let Some(url) = &shared.setup.poll_endpoint
    {
        delivery["endpoint_url"] = json!(url);
    }
    let mut config = Value::Object(request.clone());
    config["stream_id"] = json!(id);
    config["iss"] = json!(iss);
    config["aud"] = json!(shared.setup.client.client_id);
    config["events_supported"] = json!(EVENTS_SUPPORTED);
    config["events_requested"] = json!(requested);
    config["events_delivered"] = json!(delivered);
    config["delivery"] = delivery;
    Stream { id, requested: Value::Object(request), config, status: "enabled".into() }
}

/// Members the transmitter supplies (SSF §8.1.1); a receiver's update leaves them be.
fn is_transmitter_member(name: &str) -> bool {
    matches!(name, "stream_id" | "iss" | "aud" | "events_supported" | "events_delivered" | "min_verification_interval")
}

fn transmitter_members(config: &Value) -> Value {
    let kept: Map<String, Value> = config
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| is_transmitter_member(k) || *k == "delivery")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    Value::Object(kept)
}

/// The token endpoint: client credentials by `client_secret_basic` or
/// `client_secret_post` (RFC 6749 §2.3.1, §4.4).
fn token(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    let form: Map<String, Value> = url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), json!(v))).collect();
    let field = |name: &str| form.get(name).and_then(Value::as_str).map(str::to_owned);
    if field("grant_type").as_deref() != Some("client_credentials") {
        return oauth(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only client_credentials is issued here");
    }
    let presented = super::super::authorization::basic_credentials(headers)
        .or_else(|| Some((field("client_id")?, field("client_secret")?)));
    let client = &shared.setup.client;
    match presented {
        Some((id, secret)) if id == client.client_id && secret == client.client_secret => {
            let body = json!({ "access_token": shared.setup.access_token, "token_type": "Bearer", "expires_in": 3600 });
            ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
        }
        _ => oauth(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret"),
    }
}

fn oauth(status: StatusCode, error: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "error": error, "error_description": description }))).into_response()
}

/// An error of the management API (SSF §8.1 names the status codes only).
fn error(status: StatusCode, err: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "err": err, "description": description }))).into_response()
}

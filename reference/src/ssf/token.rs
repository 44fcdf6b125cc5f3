//! The OAuth 2.0 token endpoint of the reference's SSF receivers (the
//! client-credentials grant, RFC 6749 §4.4, client authenticated with
//! `client_secret_basic` or `client_secret_post`, §2.3.1), and how a
//! management or poll request proves its receiver (RFC 6750 §2.1, SSF-STRM-001).

use super::SSF_RECEIVERS;
use super::registry::TOKEN_LIFETIME;
use super::reply::Refusal;
use crate::fault::Fault;
use crate::pushpull::bearer;
use crate::state::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::sync::Arc;

/// `POST /ssf/token`.
pub async fn issue(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let credentials = basic(&headers).or_else(|| Some((field("client_id")?, field("client_secret")?)));
    let known = credentials.and_then(|(id, secret)| {
        SSF_RECEIVERS.iter().find(|(client, s, _)| *client == id && *s == secret).map(|(client, _, _)| *client)
    });
    let Some(client) = known else {
        // RFC 6749 §5.2: an unknown client is invalid_client, with 401 and a challenge.
        let mut answer = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Basic realm="ssf""#));
        return answer;
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let token = app.ssf.issue_token(client);
    let answer = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "scope": "ssf",
    });
    // RFC 6749 §5.1: token answers are not cached.
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")],
        answer.to_string(),
    )
        .into_response()
}

/// RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unform = |s: &str| url::form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unform(id)?, unform(secret)?))
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    super::reply::json(status, &json!({ "error": error }))
}

/// The receiver a request comes from, by its bearer token (RFC 6750 §2.1).
/// `open`: a missing or unknown token is taken as the first receiver's (the
/// faults that leave an endpoint unprotected).
pub fn receiver(app: &App, headers: &HeaderMap, open: bool) -> Result<String, Refusal> {
    let presented = bearer(headers);
    match presented.as_deref().and_then(|t| app.ssf.client_of(t)) {
        Some(client) => Ok(client),
        None if open => Ok(SSF_RECEIVERS[0].0.to_owned()),
        None => Err(Refusal::Unauthorized { presented: presented.is_some() }),
    }
}

/// The receiver of a management request (open under `ssf-management-open`).
pub fn manager(app: &App, headers: &HeaderMap) -> Result<String, Refusal> {
    receiver(app, headers, app.fault == Some(Fault::SsfManagementOpen))
}

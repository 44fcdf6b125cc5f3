//! One OAuth 2.0 client credentials grant (RFC 6749 §4.4) at the token
//! endpoint: the request under the client's authentication method (§2.3.1
//! `client_secret_basic` and `client_secret_post`, RFC 7523 §2.2
//! `private_key_jwt`), and the answer read as §5.1 says, every way it can go
//! wrong named in a [`TokenError`].

use super::Hop;
use super::assertion::{ASSERTION_TYPE, SigningKey};
use crate::wire::{Observed, Outgoing, Wire, WireError};
use base64::Engine;
use serde_json::Value;
use std::time::{Duration, Instant};

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// RFC 6749 §2.3.1: HTTP Basic with the form-encoded id and secret.
    SecretBasic(String),
    /// RFC 6749 §2.3.1: `client_id` and `client_secret` in the request body.
    SecretPost(String),
    /// RFC 7523 §2.2: a JWT signed with the client's key.
    PrivateKeyJwt(SigningKey),
}

/// A client registered at the transmitter's authorization server.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub token_endpoint: String,
    pub client_id: String,
    pub auth: ClientAuth,
    /// `scope` of the request (§3.3), space-separated; none when empty.
    pub scopes: Vec<String>,
}

/// Why no token could be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    #[error("the token endpoint could not be reached: {0}")]
    Unreachable(String),
    #[error("the token endpoint did not answer within {0} ms")]
    Timeout(u128),
    #[error("the token endpoint redirected (HTTP {status}{}); a client credential is not sent on to another URL", location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirect { status: u16, location: Option<String> },
    #[error("the token endpoint answered HTTP {status}: {excerpt}")]
    Status { status: u16, excerpt: String },
    #[error("the token endpoint's answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the token endpoint's answer is not a JSON object (RFC 6749 §5.1): {0}")]
    NotJson(String),
    #[error("the token endpoint's answer has no access_token string (RFC 6749 §5.1)")]
    NoAccessToken,
    #[error("the token endpoint issued a token of type {0:?}, not Bearer (RFC 6750)")]
    NotBearer(String),
    #[error("no client assertion could be signed: {0}")]
    Assertion(String),
}

/// An access token as the token endpoint issued it.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    /// §5.1 `expires_in`: seconds of life, when given.
    pub expires_in: Option<u64>,
}

/// Form members whose values never reach a transcript.
const SECRET_FORM_MEMBERS: [&str; 2] = ["client_secret", "client_assertion"];
/// JSON members of the answer whose values never reach a transcript.
const SECRET_ANSWER_MEMBERS: [&str; 2] = ["access_token", "refresh_token"];

/// One token request within `limit`; the exchange (credentials blanked) and what came of it.
pub async fn request(
    client: &ClientCredentials,
    wire: &Wire,
    limit: Duration,
) -> (Option<Hop>, Result<Issued, TokenError>) {
    let req = match build(client) {
        Ok(req) => req,
        Err(e) => return (None, Err(e)),
    };
    let began = Instant::now();
    let result = wire.exchange(&req, limit).await;
    let took_ms = began.elapsed().as_millis() as u64;
    let issued = read(&result, limit);
    let hop = Hop { req: blank_form(&req), took_ms, result: result.map(blank_answer) };
    (Some(hop), issued)
}

/// The §4.4.2 access token request.
fn build(client: &ClientCredentials) -> Result<Outgoing, TokenError> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !client.scopes.is_empty() {
        form.append_pair("scope", &client.scopes.join(" "));
    }
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned()),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    match &client.auth {
        ClientAuth::SecretBasic(secret) => {
            // §2.3.1: id and secret are form-encoded before they are joined.
            let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", encode(&client.client_id), encode(secret));
            let basic = base64::engine::general_purpose::STANDARD.encode(pair);
            headers.push(("Authorization".to_owned(), format!("Basic {basic}")));
        }
        ClientAuth::SecretPost(secret) => {
            form.append_pair("client_id", &client.client_id);
            form.append_pair("client_secret", secret);
        }
        ClientAuth::PrivateKeyJwt(key) => {
            let assertion = key.assertion(&client.client_id, &client.token_endpoint).map_err(TokenError::Assertion)?;
            form.append_pair("client_id", &client.client_id);
            form.append_pair("client_assertion_type", ASSERTION_TYPE);
            form.append_pair("client_assertion", &assertion);
        }
    }
    let body = form.finish().into_bytes();
    Ok(Outgoing { method: "POST".to_owned(), url: client.token_endpoint.clone(), headers, body })
}

/// §5.1: a 200 JSON object with a Bearer `access_token`; anything else is named.
fn read(result: &Result<Observed, WireError>, limit: Duration) -> Result<Issued, TokenError> {
    let answer = result.as_ref().map_err(|e| match e {
        WireError::Timeout(_) => TokenError::Timeout(limit.as_millis()),
        WireError::Connect(why) | WireError::Other(why) => TokenError::Unreachable(why.clone()),
    })?;
    if (300..400).contains(&answer.status) {
        let location = answer.header("location").map(str::to_owned);
        return Err(TokenError::Redirect { status: answer.status, location });
    }
    if answer.truncated {
        return Err(TokenError::TooLarge(answer.body.len()));
    }
    if answer.status != 200 {
        return Err(TokenError::Status { status: answer.status, excerpt: excerpt(&answer.body) });
    }
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(&answer.body) else {
        return Err(TokenError::NotJson(excerpt(&answer.body)));
    };
    let Some(access_token) = doc.get("access_token").and_then(Value::as_str).filter(|t| !t.is_empty()) else {
        return Err(TokenError::NoAccessToken);
    };
    // §7.1: the client must understand the type; a missing one is taken as Bearer.
    if let Some(kind) = doc.get("token_type").and_then(Value::as_str).filter(|t| !t.eq_ignore_ascii_case("bearer")) {
        return Err(TokenError::NotBearer(kind.to_owned()));
    }
    let expires_in = doc.get("expires_in").and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    Ok(Issued { access_token: access_token.to_owned(), expires_in })
}

/// The request as the transcript keeps it: secret form members blanked.
fn blank_form(req: &Outgoing) -> Outgoing {
    let pairs = url::form_urlencoded::parse(&req.body).map(|(name, value)| {
        let value = if SECRET_FORM_MEMBERS.contains(&name.as_ref()) { crate::wire::REDACTED.into() } else { value };
        (name, value)
    });
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes();
    Outgoing { body, ..req.clone() }
}

/// The answer as the transcript keeps it: issued tokens blanked.
fn blank_answer(mut answer: Observed) -> Observed {
    if let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(&answer.body) {
        let mut touched = false;
        for name in SECRET_ANSWER_MEMBERS {
            if let Some(value) = doc.get_mut(name) {
                *value = Value::String(crate::wire::REDACTED.to_owned());
                touched = true;
            }
        }
        if touched {
            answer.body = Value::Object(doc).to_string().into_bytes();
        }
    }
    answer
}

/// The start of an answer, for a reason text.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "(empty body)".to_owned(),
        None => text.to_owned(),
    }
}

//! The reference's calls to a transmitter, each bounded in time and size:
//! a hostile transmitter (HTML, endless bodies, redirects, silence) costs
//! the configuration flow a typed error, never a hang.

use super::error::{SetupError, Step};
use crate::fault::Fault;
use serde_json::Value;
use std::time::Duration;

/// Longest one call, answer included, may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest management answer the reference reads.
const MAX_ANSWER: usize = 64 * 1024;

/// The client for a transmitter's URLs: it trusts the CA the peer named, and
/// only that one when it named one; it follows no redirect and gives up on a
/// connection after two seconds.
pub fn client(ca_pem: Option<&str>, fault: Option<Fault>) -> Result<reqwest::Client, reqwest::Error> {
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(fault == Some(Fault::TrustAnyCertificate))
        .no_proxy();
    match ca_pem {
        Some(pem) => builder.tls_certs_only(reqwest::Certificate::from_pem_bundle(pem.as_bytes())?),
        None => builder,
    }
    .build()
}

/// Sends `request` and reads a JSON answer: its status and document.
pub async fn json(step: Step, request: reqwest::RequestBuilder) -> Result<(u16, Value), SetupError> {
    let read = crate::bounded::json(request, MAX_ANSWER, CALL_TIMEOUT);
    tokio::time::timeout(CALL_TIMEOUT, read).await.ok().flatten().ok_or(SetupError::NoAnswer(step))
}

/// Sends `request` and reads a JSON object with a 2xx status.
pub async fn object(step: Step, request: reqwest::RequestBuilder) -> Result<Value, SetupError> {
    match json(step, request).await? {
        (200..=299, body @ Value::Object(_)) => Ok(body),
        (200..=299, _) => Err(SetupError::Malformed { step, field: "the answer" }),
        (status, _) => Err(SetupError::Status { step, status }),
    }
}

/// Sends `request` and takes its status only; the body is not read.
pub async fn status(step: Step, request: reqwest::RequestBuilder) -> Result<(), SetupError> {
    match tokio::time::timeout(CALL_TIMEOUT, request.send()).await {
        Ok(Ok(answer)) if answer.status().is_success() => Ok(()),
        Ok(Ok(answer)) => Err(SetupError::Status { step, status: answer.status().as_u16() }),
        _ => Err(SetupError::NoAnswer(step)),
    }
}

/// A string member of an answer.
pub fn text(answer: &Value, step: Step, field: &'static str) -> Result<String, SetupError> {
    answer.get(field).and_then(Value::as_str).map(str::to_owned).ok_or(SetupError::Malformed { step, field })
}

/// `endpoint` with the query parameter `stream_id` added (SSF §8.1.1.2).
pub fn with_stream_id(endpoint: &str, stream_id: &str) -> String {
    match url::Url::parse(endpoint) {
        Ok(mut url) => {
            url.query_pairs_mut().append_pair("stream_id", stream_id);
            url.into()
        }
        // Not a URL: the call fails on its own.
        Err(_) => endpoint.to_owned(),
    }
}

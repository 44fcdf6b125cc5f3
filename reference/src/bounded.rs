//! Reading a peer's JSON answer with a bound on its time and size: a peer
//! that is slow or sends without end costs the reference nothing.

use serde_json::Value;
use std::time::Duration;

/// Sends `request` and reads a JSON answer of at most `limit` bytes, each of
/// the send and every chunk within `patience`; the status and the document,
/// or `None` when any of it fails.
pub async fn json(request: reqwest::RequestBuilder, limit: usize, patience: Duration) -> Option<(u16, Value)> {
    let mut response = tokio::time::timeout(patience, request.send()).await.ok()?.ok()?;
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return None;
    }
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = tokio::time::timeout(patience, response.chunk()).await.ok()?.ok()? {
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            return None;
        }
    }
    Some((status, serde_json::from_slice(&body).ok()?))
}

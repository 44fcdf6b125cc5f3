//! The push transmitter (RFC 8935 §2): each SET in the outbox is POSTed on
//! its own. `202` retires it; `400` retires it too, since sending it again
//! cannot help (§2: retransmit only on a recoverable failure); anything else,
//! or no answer, schedules a retry with a delay that doubles each time and
//! never undercuts the receiver's Retry-After.

use crate::fault::Fault;
use crate::peers::Endpoint;
use crate::push::SET_MEDIA_TYPE;
use crate::state::App;
use std::time::{Duration, Instant};

/// Longest the reference waits for the receiver's answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Delay before the first retry; each further retry waits twice as long.
const FIRST_RETRY: Duration = Duration::from_millis(250);
/// First delay under the `push-shrinking-backoff` fault; each further one is half as long.
const SHRINKING_FIRST: Duration = Duration::from_millis(1000);
/// Longest delay between retries.
const MAX_RETRY: Duration = Duration::from_secs(10);
/// Largest error body the reference reads.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Immediate resends under the `push-no-retry-delay` fault.
const HASTY_RESENDS: u32 = 3;

/// What the receiver's answer means for the SET.
enum Outcome {
    /// 2xx: delivered.
    Accepted,
    /// 400: refused for good, with the error code it gave.
    Refused(Option<String>),
    /// Anything else, or no answer: try again, not before `Retry-After` if given.
    Retry(Option<Duration>),
}

/// Sends every SET that is due, one request each, one at a time; returns when
/// each SET left to retry is due again.
pub async fn deliver(app: &App, peer_id: &str) -> Vec<Instant> {
    let fault = app.fault;
    let mut retries = Vec::new();
    loop {
        let now = Instant::now();
        let next = app
            .peers
            .with_id(peer_id, |p| {
                if p.push_halted {
                    return None;
                }
                let endpoint = p.endpoint.clone()?;
                let due = p.outbox.iter_mut().find(|o| o.not_before.is_none_or(|t| t <= now))?;
                due.deliveries += 1;
                due.last_sent = Some(now);
                // Not picked again in this pass; the outcome sets the real time.
                due.not_before = Some(now + MAX_RETRY);
                Some((endpoint, due.jti.clone(), due.token.clone(), due.deliveries))
            })
            .flatten();
        let Some((endpoint, jti, token, attempt)) = next else { return retries };
        // §5.3: SETs go over TLS only.
        if !endpoint.url.starts_with("https://") && fault != Some(Fault::InitiateCleartext) {
            return retries;
        }
        let mut outcome = send(&endpoint, &token, fault).await;
        if fault == Some(Fault::PushNoRetryDelay) {
            for _ in 0..HASTY_RESENDS {
                if !matches!(outcome, Outcome::Retry(_)) {
                    break;
                }
                outcome = send(&endpoint, &token, fault).await;
            }
        }
        app.peers.with_id(peer_id, |p| {
            let retire = match &outcome {
                Outcome::Accepted => fault != Some(Fault::PushResendAccepted),
                Outcome::Refused(err) => {
                    // §2.4: the registry grows; an unknown code is still a refusal.
                    if fault == Some(Fault::PushUnknownErrHalts) && !err.as_deref().is_some_and(known_code) {
                        p.push_halted = true;
                    }
                    fault != Some(Fault::PushRetryAfter400)
                }
                Outcome::Retry(_) => false,
            };
            if retire {
                p.outbox.retain(|o| o.jti != jti);
                p.retired.insert(jti.clone());
                return;
            }
            let Some(out) = p.outbox.iter_mut().find(|o| o.jti == jti) else { return };
            let backoff = match fault {
                Some(Fault::PushShrinkingBackoff) => SHRINKING_FIRST / (1 << attempt.saturating_sub(1).min(3)),
                _ => FIRST_RETRY.saturating_mul(1 << attempt.saturating_sub(1).min(6)).min(MAX_RETRY),
            };
            let delay = match &outcome {
                Outcome::Retry(Some(after)) if fault != Some(Fault::PushIgnoreRetryAfter) => backoff.max(*after),
                _ => backoff,
            };
            let due = Instant::now() + delay;
            out.not_before = Some(due);
            retries.push(due);
        });
        if let Outcome::Refused(Some(err)) = &outcome {
            // SSF §8.1.2, §8.1.5: a refused verification may make an SSF stream pause itself.
            crate::ssf::refused(app, peer_id, &jti, err);
        }
    }
}

async fn send(endpoint: &Endpoint, token: &str, fault: Option<Fault>) -> Outcome {
    let content_type = if fault == Some(Fault::PushWrongContentType) { "application/json" } else { SET_MEDIA_TYPE };
    // §2.1: each SET is POSTed.
    let method = if fault == Some(Fault::PushMethodPut) { reqwest::Method::PUT } else { reqwest::Method::POST };
    let mut request = endpoint
        .client
        .request(method, &endpoint.url)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", content_type)
        .body(match fault {
            Some(Fault::PushJsonWrapped) => serde_json::json!({ "set": token }).to_string(),
            _ => token.to_owned(),
        });
    if fault != Some(Fault::PushNoAccept) {
        request = request.header("Accept", "application/json");
    }
    // §2.3: the language wanted for error descriptions.
    if fault != Some(Fault::PushNoAcceptLanguage) {
        request = request.header("Accept-Language", "en");
    }
    if let Some(bearer) = &endpoint.token {
        request = request.bearer_auth(bearer);
    }
    // SSF §6.1.1 (SSF-DLV-004): the stream's `authorization_header`, verbatim, on every push.
    if let Some(authorization) =
        endpoint.authorization.as_ref().filter(|_| fault != Some(Fault::SsfPushWithoutAuthorization))
    {
        request = request.header("Authorization", authorization);
    }
    let Ok(mut response) = request.send().await else { return Outcome::Retry(None) };
    let status = response.status();
    if status.is_success() {
        return Outcome::Accepted;
    }
    if status == reqwest::StatusCode::BAD_REQUEST {
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            if body.len() + chunk.len() > MAX_ERROR_BODY {
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let err = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("err").and_then(|e| e.as_str()).map(str::to_owned));
        return Outcome::Refused(err);
    }
    // RFC 9110 §10.2.3: Retry-After in seconds (an HTTP date is not honoured here).
    let after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Outcome::Retry(after)
}

/// The codes of RFC 8935 §7.1 and SSF's `invalid_state`.
fn known_code(code: &str) -> bool {
    matches!(
        code,
        "invalid_request"
            | "invalid_key"
            | "invalid_issuer"
            | "invalid_audience"
            | "authentication_failed"
            | "access_denied"
            | "invalid_state"
    )
}

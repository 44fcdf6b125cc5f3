//! The exchanges of one `ssf` trigger call: each bounded by the request
//! timeout and the call's own deadline, each kept (token requests included)
//! for the transcript, and each management request authorized with the
//! receiver's bearer token, which is renewed once when the transmitter
//! answers 401 (RFC 6750 §3.1: the token expired or was revoked).

use crate::ssf::{Hop, SsfSut};
use crate::wire::{Observed, Outgoing, Wire, WireError, redact_url};
use serde_json::Value;
use std::time::{Duration, Instant};

/// One exchange of the call, and when it began.
#[derive(Debug, Clone)]
pub struct Leg {
    pub at: Instant,
    pub hop: Hop,
}

/// Why a call did not make the transmitter act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsfFailure {
    /// The transmitter declined to create the stream (400, 403, 409, 422).
    Refused(String),
    /// The transmitter answered, and not as the call needs.
    Failed(String),
    /// A bound passed.
    Timeout(String),
    /// The transmitter (or its token endpoint) could not be connected to.
    Unreachable(String),
}

/// Bounds of one call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole call.
    pub call: Duration,
    /// Each exchange.
    pub request: Duration,
}

/// One call under way.
pub(super) struct Call<'a> {
    pub sut: &'a SsfSut,
    wire: &'a Wire,
    deadline: Instant,
    request: Duration,
    pub legs: Vec<Leg>,
}

impl<'a> Call<'a> {
    pub fn new(sut: &'a SsfSut, wire: &'a Wire, limits: Limits) -> Call<'a> {
        Call { sut, wire, deadline: Instant::now() + limits.call, request: limits.request, legs: Vec::new() }
    }

    /// Time left before the call's deadline.
    pub fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Waits `wait`, unless that would pass the call's deadline.
    pub async fn pause(&self, wait: Duration, why: &str) -> Result<(), SsfFailure> {
        if wait > self.left() {
            let ms = wait.as_millis();
            return Err(SsfFailure::Timeout(format!("{why}: waiting {ms} ms would pass the trigger call's bound")));
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// The receiver's token, the token endpoint's exchange kept.
    pub async fn token(&mut self) -> Result<String, SsfFailure> {
        let obtained = self.sut.receiver.obtain(self.wire, self.request.min(self.left())).await;
        let now = Instant::now();
        let legs = obtained.hops.into_iter().map(|hop| Leg { at: now - Duration::from_millis(hop.took_ms), hop });
        self.legs.extend(legs);
        obtained.token.map_err(|e| match e {
            crate::ssf::TokenError::Timeout(_) => SsfFailure::Timeout(format!("receiver token: {e}")),
            crate::ssf::TokenError::Unreachable(_) => SsfFailure::Unreachable(format!("receiver token: {e}")),
            _ => SsfFailure::Failed(format!("receiver token: {e}")),
        })
    }

    /// `method url` with the receiver's token (and `body` as JSON); on a 401
    /// a token obtained anew is tried once, when there is a new one to try.
    pub async fn authorized(&mut self, method: &str, url: &str, body: Option<&Value>) -> Result<Observed, SsfFailure> {
        let token = self.token().await?;
        let answer = self.send(request(method, url, &token, body)).await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        self.sut.receiver.forget(&token);
        match self.token().await? {
            renewed if renewed != token => self.send(request(method, url, &renewed, body)).await,
            _ => Ok(answer),
        }
    }

    /// One exchange, kept.
    pub async fn send(&mut self, req: Outgoing) -> Result<Observed, SsfFailure> {
        let limit = self.request.min(self.left());
        let at = Instant::now();
        let result = self.wire.exchange(&req, limit).await;
        let took_ms = at.elapsed().as_millis() as u64;
        let what = format!("{} {}", req.method, redact_url(&req.url));
        self.legs.push(Leg { at, hop: Hop { req, took_ms, result: result.clone() } });
        result.map_err(|e| match e {
            WireError::Timeout(_) => {
                SsfFailure::Timeout(format!("{what}: no response within {} ms", limit.as_millis()))
            }
            WireError::Connect(why) => SsfFailure::Unreachable(format!("{what}: transmitter unreachable: {why}")),
            WireError::Other(why) => SsfFailure::Failed(format!("{what}: {why}")),
        })
    }
}

/// A management request presenting `token` (RFC 6750 §2.1).
fn request(method: &str, url: &str, token: &str, body: Option<&Value>) -> Outgoing {
    let mut headers = vec![
        ("Authorization".to_owned(), format!("Bearer {token}")),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    if body.is_some() {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    Outgoing { method: method.to_owned(), url: url.to_owned(), headers, body }
}

/// `HTTP <status> <start of the body>`, for a reason text.
pub(super) fn answered(answer: &Observed) -> String {
    format!("HTTP {} {}", answer.status, crate::ssf::token::excerpt(&answer.body))
}

//! How the harness authorizes itself at a transmitter's management API and
//! poll endpoints (SSF §8, SSF-STRM-001): a bearer token the user gives, or
//! one obtained with OAuth 2.0 client credentials ([`super::token`]), kept
//! until shortly before it expires or until the caller reports it refused
//! ([`Receiver::forget`]).

use super::Hop;
use super::streams::Streams;
pub use super::token::{ClientAuth, ClientCredentials, TokenError};
use crate::wire::Wire;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest a token is renewed ahead of its expiry; a short-lived one is
/// renewed when a fifth of its life is left.
const RENEW_AHEAD: Duration = Duration::from_secs(30);

/// How a receiver obtains the bearer token it presents.
#[derive(Debug, Clone)]
pub enum SsfAuth {
    /// A token given in sut.yaml (from the environment or a file).
    Bearer(String),
    /// OAuth 2.0 client credentials (RFC 6749 §4.4).
    ClientCredentials(ClientCredentials),
}

/// A receiver identity at the transmitter.
#[derive(Debug)]
pub struct Receiver {
    auth: SsfAuth,
    cached: Mutex<Option<Cached>>,
    /// What this receiver knows of the transmitter and of its own streams.
    streams: Streams,
}

/// A token obtained from the token endpoint.
#[derive(Debug, Clone)]
struct Cached {
    token: String,
    /// When to fetch a new one; never, when the token endpoint gave no `expires_in`.
    renew_at: Option<Instant>,
}

/// The token to present now, and the exchanges made to obtain it.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub token: String,
    pub hops: Vec<Hop>,
}

/// The outcome of [`Receiver::obtain`]: the exchanges made, whichever way it went.
#[derive(Debug)]
pub struct Obtained {
    pub hops: Vec<Hop>,
    pub token: Result<String, TokenError>,
}

impl Receiver {
    pub fn new(auth: SsfAuth) -> Receiver {
        Receiver { auth, cached: Mutex::new(None), streams: Streams::default() }
    }

    /// How this receiver authorizes itself.
    pub fn auth(&self) -> &SsfAuth {
        &self.auth
    }

    /// What this receiver knows of the transmitter and its own streams.
    pub fn streams(&self) -> &Streams {
        &self.streams
    }

    /// The bearer token to present, obtained within `limit` if it must be.
    pub async fn bearer(&self, wire: &Wire, limit: Duration) -> Result<Bearer, TokenError> {
        let Obtained { hops, token } = self.obtain(wire, limit).await;
        token.map(|token| Bearer { token, hops })
    }

    /// As [`Receiver::bearer`], with the token endpoint's exchange kept when it fails too.
    pub async fn obtain(&self, wire: &Wire, limit: Duration) -> Obtained {
        let client = match &self.auth {
            SsfAuth::Bearer(token) => return Obtained { hops: Vec::new(), token: Ok(token.clone()) },
            SsfAuth::ClientCredentials(client) => client,
        };
        if let Some(token) = self.fresh() {
            return Obtained { hops: Vec::new(), token: Ok(token) };
        }
        let (hop, issued) = super::token::request(client, wire, limit).await;
        let token = issued.map(|issued| {
            let renew_at = issued.expires_in.map(|secs| {
                let life = Duration::from_secs(secs);
                Instant::now() + life - RENEW_AHEAD.min(life / 5)
            });
            self.keep(Cached { token: issued.access_token.clone(), renew_at });
            issued.access_token
        });
        Obtained { hops: hop.into_iter().collect(), token }
    }

    /// The transmitter refused `token` (401): it is not presented again, and
    /// the next [`Receiver::bearer`] asks the token endpoint for a new one. A
    /// static token stays: it is all there is.
    pub fn forget(&self, token: &str) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_some_and(|c| c.token == token) {
            *cached = None;
        }
    }

    /// The token obtained last, if one was: a secret the outputs must not show.
    pub fn kept_token(&self) -> Option<String> {
        self.cached.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|c| c.token.clone())
    }

    /// The kept token, while it is not due for renewal.
    fn fresh(&self) -> Option<String> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        cached.as_ref().filter(|c| c.renew_at.is_none_or(|at| Instant::now() < at)).map(|c| c.token.clone())
    }

    fn keep(&self, token: Cached) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
    }
}

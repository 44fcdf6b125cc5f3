//! How the harness authorizes itself at a transmitter's management API and
//! poll endpoints (SSF §8, SSF-STRM-001): a bearer token the user gives.

use super::Hop;
use crate::wire::Wire;
use std::time::Duration;

/// How a receiver obtains the bearer token it presents.
#[derive(Debug, Clone)]
pub enum SsfAuth {
    /// A token given in sut.yaml (from the environment or a file).
    Bearer(String),
}

/// A receiver identity at the transmitter.
#[derive(Debug)]
pub struct Receiver {
    auth: SsfAuth,
}

/// The token to present now, and the exchanges made to obtain it.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub token: String,
    pub hops: Vec<Hop>,
}

/// Why no token could be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    #[error("the token endpoint could not be reached: {0}")]
    Unreachable(String),
}

impl Receiver {
    pub fn new(auth: SsfAuth) -> Receiver {
        Receiver { auth }
    }

    /// The bearer token to present, obtained within `limit` if it must be.
    pub async fn bearer(&self, _wire: &Wire, _limit: Duration) -> Result<Bearer, TokenError> {
        match &self.auth {
            SsfAuth::Bearer(token) => Ok(Bearer { token: token.clone(), hops: Vec::new() }),
        }
    }
}

//! The harness as an OpenID Shared Signals Framework 1.0 receiver of a SUT
//! that is an SSF transmitter: where its metadata is ([`discovery`]) and what
//! of it the harness uses ([`metadata`]), how the harness authorizes itself at
//! its management API ([`auth`], [`token`], [`assertion`]), and what it
//! remembers of the streams it created ([`streams`]); which events it sees
//! ([`events`]).
//!
//! What a run knows of the SUT as an SSF transmitter is an [`SsfSut`]: its
//! issuer, the receiver identity the harness acts as, and optionally a second,
//! unrelated receiver (to see that one receiver cannot reach another's streams,
//! SSF-STRM-001).

pub mod assertion;
pub mod auth;
pub mod discovery;
pub mod events;
pub mod metadata;
pub mod streams;
pub mod token;

#[cfg(test)]
mod auth_tests;

pub use auth::{Bearer, ClientAuth, ClientCredentials, Obtained, Receiver, SsfAuth, TokenError};
pub use discovery::{IssuerError, metadata_url};
pub use metadata::{Metadata, MetadataError};

use crate::wire::{Observed, Outgoing, WireError};

/// SSF §8.1.4.1: the verification event type.
pub const VERIFICATION_EVENT: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";
/// SSF §8.1.5: the stream-updated event type.
pub const STREAM_UPDATED_EVENT: &str = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
/// SSF §6.1.1: push delivery (RFC 8935).
pub const PUSH_METHOD: &str = "urn:ietf:rfc:8935";
/// SSF §6.1.2: poll delivery (RFC 8936).
pub const POLL_METHOD: &str = "urn:ietf:rfc:8936";

/// The SUT as an SSF transmitter, as sut.yaml (or the embedded reference) describes it.
#[derive(Debug)]
pub struct SsfSut {
    /// The transmitter's issuer (SSF §7.1); the metadata URL is built from it (§7.2).
    pub issuer: String,
    /// The receiver the harness acts as.
    pub receiver: Receiver,
    /// A second receiver of the same transmitter, unrelated to the first.
    pub other_receiver: Option<Receiver>,
}

/// One HTTP exchange made on the harness's behalf outside a step (a token
/// request), kept so that the transcript shows it.
#[derive(Debug, Clone)]
pub struct Hop {
    pub req: Outgoing,
    pub took_ms: u64,
    pub result: Result<Observed, WireError>,
}

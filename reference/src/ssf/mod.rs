//! The reference as an OpenID Shared Signals Framework 1.0 transmitter, under
//! `/ssf` on the reference's own address: its metadata ([`metadata`], SSF §7),
//! an OAuth 2.0 token endpoint for its receivers ([`token`]), the stream
//! management API (SSF §8: [`config`], [`status`], [`subjects`], [`verify`]),
//! and its streams' delivery (SSF §6). A stream is a peer of the reference's
//! existing transmitters: a push stream is a push peer ([`crate::push_transmitter`])
//! whose endpoint is the stream's `endpoint_url`, a poll stream a peer served by
//! [`crate::poll`] at its own URL ([`poll`]). Each job lives in its own module;
//! the state they share is here.

pub mod config;
mod delivery;
pub mod metadata;
mod outbox;
pub mod poll;
mod registry;
mod reply;
mod set;
pub mod status;
mod stream;
pub mod subjects;
pub mod token;
pub mod verify;

pub use delivery::refused;
pub use registry::Ssf;

/// The receivers (OAuth clients) the reference knows: client id, client
/// secret, and a static bearer token that works as well as an issued one.
pub const SSF_RECEIVERS: [(&str, &str, &str); 2] =
    [("receiver-a", "secret-a", "static-token-a"), ("receiver-b", "secret-b", "static-token-b")];

/// SSF §8.1.4.1: the verification event type.
pub const VERIFICATION_EVENT: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";
/// SSF §8.1.5: the stream-updated event type.
pub const STREAM_UPDATED_EVENT: &str = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
/// SSF §6.1.1: the push delivery method (RFC 8935).
pub const PUSH_METHOD: &str = "urn:ietf:rfc:8935";
/// SSF §6.1.2: the poll delivery method (RFC 8936).
pub const POLL_METHOD: &str = "urn:ietf:rfc:8936";
/// The RISC-era names of those methods, used by the `ssf-legacy-delivery-uris` fault.
pub const LEGACY_PUSH_METHOD: &str = "https://schemas.openid.net/secevent/risc/delivery-method/push";
pub const LEGACY_POLL_METHOD: &str = "https://schemas.openid.net/secevent/risc/delivery-method/poll";
/// An issuer that is not the reference's, used by the `ssf-*-foreign-iss` faults.
pub const FOREIGN_ISSUER: &str = "https://other.example/";

/// A value no one can guess from the outside, for stream ids and access
/// tokens, without an RNG dependency: std's randomly keyed hasher over a
/// counter and the clock.
pub(crate) fn unguessable() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let half = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u128(nanos);
        h.write_u64(salt);
        h.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

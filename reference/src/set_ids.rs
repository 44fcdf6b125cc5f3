//! What every SET the reference mints shares: its issuer, its usual event
//! type, and a serial for the claims that must differ from SET to SET.

/// Issuer the reference puts in its own SETs.
pub const ISSUER: &str = "https://reference.setconform.invalid/";

/// Event type the reference emits: a CAEP session revocation.
pub(crate) const EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

/// A number no SET minted before has had, for claims that must differ from SET to SET.
pub(crate) fn serial() -> u64 {
    static MINTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    MINTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

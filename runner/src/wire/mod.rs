//! HTTP toward the SUT: bounded exchanges and their transcript records.

mod capture;
mod client;
pub mod websocket;

pub use capture::{
    NonHttpTrigger, REDACTED, TRANSMITTER_CHANNEL, is_secret_member, record, record_frame, record_non_http, redact_url,
};
pub mod tls_probe;
pub use client::{ClientCertificates, Observed, Outgoing, TlsPin, Wire, WireError, WireLimits};

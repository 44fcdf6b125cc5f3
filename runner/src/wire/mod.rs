//! HTTP toward the SUT: bounded exchanges and their transcript records.

mod capture;
mod client;

pub use capture::{REDACTED, record};
pub use client::{Observed, Outgoing, Wire, WireError, WireLimits};

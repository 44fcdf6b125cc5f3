//! What a scenario knows while it runs, one part per concern:
//!
//! - [`Clock`]: the step, the deadline, and the windows the last waits saw;
//! - [`Session`]: who the harness is at the SUT, credentials and keys both ways;
//! - [`Ledger`]: every SET that went each way and how each was answered;
//! - [`Seen`]: the SUT's most recent message and how the last exchange ended;
//! - [`Link`]: the connections: the harness's endpoint, an open WebSocket, TLS pins,
//!   a trigger call under way ([`InFlight`]);
//! - [`SsfState`]: the SSF transmitter's metadata and streams, for the `ssf-transmitter` profile;
//! - [`TransmitterSide`]: the harness as the SUT's SSF transmitter, for the `ssf-receiver` profile;
//! - [`Transcript`]: every exchange, for the report.
//!
//! Checks read these parts, never the whole [`super::Context`].

mod clock;
mod in_flight;
mod ledger;
mod link;
mod seen;
mod session;
mod ssf;
mod transcript;
mod transmitter_side;

pub use clock::{Awaited, Clock, Held};
pub use in_flight::{Called, InFlight};
pub use ledger::{Incoming, Ledger};
pub use link::Link;
pub use seen::{LastMessage, Seen};
pub use session::Session;
pub use ssf::{SsfState, Stream, VerificationRequest};
pub use transcript::Transcript;
pub use transmitter_side::TransmitterSide;

//! A trigger call under way. A real SUT may act inside the very call that asks
//! it to (push the SETs it was asked to queue, send a verification SET inside
//! stream creation) and answer only when the harness has answered it; so the
//! call runs on a task of its own while the scenario goes on serving its
//! endpoint and taking its next steps.

use crate::trigger::ExecOutcome;
use crate::wire::{Observed, Outgoing, WireError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// A trigger action whose call has started and not yet been concluded.
pub struct InFlight {
    /// The action's name (`register`, `queue`, `initiate`).
    pub what: &'static str,
    /// Where in the transcript the call is recorded: its place is taken when it starts.
    pub slot: usize,
    /// The step that started it, and when (ms into the scenario).
    pub step: usize,
    pub at_ms: u64,
    pub task: JoinHandle<Called>,
}

/// How a trigger call ended, as its adapter saw it.
pub enum Called {
    /// The control API's answer (`http` adapter), bounded by `limit`.
    Http { req: Outgoing, took_ms: u64, limit: Duration, result: Result<Observed, WireError> },
    /// The command's run (`exec` adapter), bounded by `limit`.
    Exec {
        command: Vec<String>,
        env: Vec<(String, String)>,
        body: Vec<u8>,
        took_ms: u64,
        limit: Duration,
        outcome: Result<ExecOutcome, String>,
    },
    /// The answer line of the run's bridge process (`exec` with `persistent: true`).
    Persistent {
        command: Vec<String>,
        /// The action's line as sent.
        line: String,
        took_ms: u64,
        result: Result<(String, crate::trigger::BridgeReply), String>,
    },
    /// A person was asked to act (`manual`): there is nothing to wait for.
    Manual,
    /// The exchanges with an SSF transmitter's management API (`ssf` adapter).
    Ssf(crate::trigger::ssf::SsfCall),
}

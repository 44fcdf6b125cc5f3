//! The scenario's connections: the harness's endpoint that the SUT calls, an
//! open pushpull WebSocket, how the next request's TLS is to be pinned, and
//! the trigger call under way.

use crate::harness::endpoint::HarnessEndpoint;
use crate::wire::{Outgoing, TlsPin, websocket::Socket};

#[derive(Default)]
pub struct Link {
    /// The harness's own endpoint, when the SUT sends requests.
    pub endpoint: Option<HarnessEndpoint>,
    /// An open pushpull WebSocket to or from the SUT, and its URL.
    pub ws: Option<(Socket, String)>,
    /// Why no pushpull WebSocket is open, for the steps that need one.
    pub ws_gone: Option<String>,
    /// The SUT holds SETs for the harness, queued before a socket opened: it may
    /// send them as soon as one does (pushpull §7), before it answers anything.
    pub sets_owed: bool,
    /// HTTP requests the harness's endpoint had seen when it accepted the SUT's upgrade.
    pub http_at_upgrade: Option<usize>,
    /// Hold the next request's connection to this TLS version or client certificate.
    pub tls_pin: Option<TlsPin>,
    /// The exchange under way: its channel, request and start (ms into the scenario).
    pub in_flight: Option<(&'static str, Outgoing, u64)>,
    /// The trigger call under way, while the scenario goes on without its answer.
    pub trigger: Option<super::InFlight>,
    /// A request the harness's endpoint took while the SUT registered, and that a
    /// later step answers (a WebSocket handshake).
    pub held: Option<crate::harness::endpoint::Inbound>,
}

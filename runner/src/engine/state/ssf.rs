//! What the harness, as an SSF receiver, knows of the transmitter in a
//! scenario: its metadata, the streams it made, the verification requests it
//! sent, and what it sent in its last call (SSF §7, §8).

use crate::catalogue::ssf_step::SsfDelivery;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct SsfState {
    /// The metadata object, once discovered (SSF §7.1).
    pub metadata: Option<Value>,
    /// Streams made in the scenario, by the name the scenario gave them.
    pub streams: BTreeMap<String, Stream>,
    /// The stream events are awaited on: the last one made.
    pub current: Option<String>,
    /// Every verification request that was accepted (2xx), in order.
    pub requests: Vec<VerificationRequest>,
    /// The JSON body of the harness's last call.
    pub last_sent: Option<Value>,
    /// The configuration of the stream the last call named, as it was before the call.
    pub before: Option<Value>,
    /// The `stream_id` the last call named.
    pub last_stream_id: Option<String>,
    /// Every stream id the transmitter issued in the scenario: deleted when it ends.
    pub issued: Vec<String>,
    /// The `Authorization` header of every push on a stream that was given an `authorization_header`.
    pub push_authorizations: Vec<Option<String>>,
    /// When the last verification request was accepted.
    pub last_verify_at: Option<std::time::Instant>,
    /// The harness's endpoint URL and `authorization_header` given at creation.
    pub endpoint: Option<(String, String)>,
}

/// One stream as the transmitter last described it.
pub struct Stream {
    pub id: String,
    pub config: Value,
    pub delivery: SsfDelivery,
}

impl Stream {
    /// The endpoint the transmitter chose for a poll stream (SSF §6.1.2).
    pub fn poll_url(&self) -> Option<&str> {
        self.config.pointer("/delivery/endpoint_url").and_then(Value::as_str)
    }
}

/// A verification request the transmitter accepted.
pub struct VerificationRequest {
    pub state: Option<String>,
    /// How many SETs had arrived when it was sent.
    pub after: usize,
}

impl SsfState {
    /// The stream the events are awaited on.
    pub fn current_stream(&self) -> Option<&Stream> {
        self.current.as_ref().and_then(|n| self.streams.get(n))
    }

    /// The metadata's string member `name`.
    pub fn endpoint(&self, name: &str) -> Option<&str> {
        self.metadata.as_ref()?.get(name)?.as_str()
    }

    /// Every id of a stream made in the scenario.
    pub fn stream_ids(&self) -> impl Iterator<Item = &str> {
        self.streams.values().map(|s| s.id.as_str())
    }
}

//! The SUT's most recent message, and how the harness's last exchange with
//! the SUT ended: the facts most checks of a single message read.

use serde_json::Value;
use std::time::Duration;

/// The SUT's most recent protocol message: a response to the harness, or a
/// request to the harness's endpoint.
#[derive(Debug, Clone)]
pub struct LastMessage {
    /// Set for a response.
    pub status: Option<u16>,
    /// Set for a request.
    pub method: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body parsed as JSON, if it is JSON.
    pub json: Option<Value>,
    /// The SETs it carries, keyed: a Communication Object's `sets`, or a push body's one SET.
    pub sets: Option<Value>,
    pub step: usize,
    /// Its place among the SUT's messages (1 = first).
    pub seq: usize,
    /// The transcript exchange (its `seq`) that carried it, once recorded.
    pub exchange: Option<usize>,
}

impl LastMessage {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The `sets` member, if it is an object.
    pub fn sets(&self) -> Vec<(&String, &Value)> {
        match &self.sets {
            Some(Value::Object(sets)) => sets.iter().collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Seen {
    pub last: Option<LastMessage>,
    /// URL of the harness's last request to the SUT's endpoint.
    pub last_url: Option<String>,
    /// How long the SUT took to answer the harness's last request.
    pub last_took: Option<Duration>,
    /// Why the last deliberate cleartext request got no HTTP answer at all.
    pub refused: Option<String>,
    /// The SUT's answer to the last legacy TLS probe.
    pub tls_answer: Option<crate::wire::tls_probe::Answer>,
    /// The transcript exchange (its `seq`) that recorded that probe.
    pub tls_exchange: Option<usize>,
    /// The client certificate of the SUT's last request to the endpoint (DER; `Some(None)`: none).
    pub last_client_certificate: Option<Option<Vec<u8>>>,
}

impl Seen {
    /// The `sets` member of the last message, if it is an object.
    pub fn last_sets(&self) -> Vec<(&String, &Value)> {
        self.last.as_ref().map(LastMessage::sets).unwrap_or_default()
    }

    /// The place of the SUT's last message among its messages (`usize::MAX` before any).
    pub fn last_seq(&self) -> usize {
        self.last.as_ref().map_or(usize::MAX, |l| l.seq)
    }

    /// Nothing came back: the request was refused for `why`.
    pub fn refuse(&mut self, why: String) {
        self.last = None;
        self.refused = Some(why);
    }
}

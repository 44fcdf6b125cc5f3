//! One SSF stream (SSF §8.1.1): its receiver-supplied members, its status,
//! the peer that carries its SETs, and its configuration as the management
//! API shows it.

use super::{
    FOREIGN_ISSUER, LEGACY_POLL_METHOD, LEGACY_PUSH_METHOD, POLL_METHOD, PUSH_METHOD, STREAM_UPDATED_EVENT,
    VERIFICATION_EVENT,
};
use crate::fault::Fault;
use crate::peers::Outgoing;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::time::Instant;

/// CAEP 1.0 events the reference can send besides the SSF ones.
const CAEP_EVENTS: [&str; 2] = [
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
    "https://schemas.openid.net/secevent/caep/event-type/credential-change",
];
/// SSF §8.1.1 `min_verification_interval`, in seconds.
pub const MIN_VERIFICATION_INTERVAL: u64 = 1;
/// The `min_verification_interval` of the `ssf-other-choices` variant: longer than a scenario.
pub const LONG_VERIFICATION_INTERVAL: u64 = 60;
/// The members of a configuration that only the transmitter sets (SSF §8.1.1).
pub const TRANSMITTER_SUPPLIED: [&str; 7] = [
    "stream_id",
    "iss",
    "aud",
    "events_supported",
    "events_delivered",
    "min_verification_interval",
    "inactivity_timeout",
];

/// SSF §8.1.2.1: a stream's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Enabled,
    Paused,
    Disabled,
}

impl Status {
    pub fn from_name(name: &str) -> Option<Status> {
        match name {
            "enabled" => Some(Status::Enabled),
            "paused" => Some(Status::Paused),
            "disabled" => Some(Status::Disabled),
            _ => None,
        }
    }

    /// The name the status endpoint gives (SSF-STAT-002), as the fault spoils it.
    pub fn name(self, fault: Option<Fault>) -> &'static str {
        match self {
            Status::Enabled if fault == Some(Fault::SsfStatusActive) => "active",
            Status::Enabled => "enabled",
            Status::Paused => "paused",
            Status::Disabled => "disabled",
        }
    }
}

/// How a stream's SETs reach its receiver (SSF §6.1).
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// RFC 8935: pushed to the receiver's endpoint (none under the `ssf-default-push` fault).
    Push { endpoint_url: Option<String>, authorization_header: Option<String> },
    /// RFC 8936: polled at the stream's own URL.
    Poll,
}

/// The receiver-supplied members a request carries; `None`: the request leaves it out.
#[derive(Debug, Default)]
pub struct Supplied {
    pub events_requested: Option<Vec<String>>,
    pub delivery: Option<Delivery>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub struct Stream {
    pub id: String,
    /// The receiver (client id) that created it (SSF-STRM-001).
    pub owner: String,
    /// The peer that carries its SETs, and that peer's token.
    pub peer: String,
    pub peer_token: String,
    pub aud: String,
    pub events_requested: Option<Vec<String>>,
    pub delivery: Delivery,
    pub description: Option<String>,
    pub status: Status,
    pub reason: Option<String>,
    /// SETs held while the stream is paused (SSF §8.1.2.1).
    pub held: Vec<Outgoing>,
    /// When the receiver last asked for a verification event.
    pub last_verification: Option<Instant>,
    /// jtis of the verification SETs sent on it.
    pub verifications: HashSet<String>,
    pub subjects: Vec<Value>,
    /// SSF §8.1.1 `min_verification_interval`, in seconds.
    pub min_verification_interval: u64,
}

impl Stream {
    pub fn is_push(&self) -> bool {
        matches!(self.delivery, Delivery::Push { .. })
    }

    /// Takes the receiver-supplied members `supplied` carries; with `whole`
    /// (PUT, SSF §8.1.1.4), those it leaves out go.
    pub fn take(&mut self, supplied: Supplied, whole: bool) {
        if whole || supplied.events_requested.is_some() {
            self.events_requested = supplied.events_requested;
        }
        if whole || supplied.description.is_some() {
            self.description = supplied.description;
        }
        match supplied.delivery {
            Some(delivery) => self.delivery = delivery,
            None if whole => self.delivery = Delivery::Poll,
            None => {}
        }
    }

    /// The stream's configuration (SSF §8.1.1) at the transmitter `issuer`, as the faults spoil it.
    pub fn config(&self, issuer: &str, fault: Option<Fault>) -> Value {
        let supported = supported();
        let delivered: Vec<&str> = match (&self.events_requested, fault) {
            (Some(requested), Some(Fault::SsfEventsDeliveredUnfiltered)) => {
                requested.iter().map(String::as_str).collect()
            }
            // SSF §8.1.1 (SSF-STRM-004, SSF-STRM-005): what is both supported and requested.
            (Some(requested), _) => supported.iter().copied().filter(|e| requested.iter().any(|r| r == e)).collect(),
            (None, _) => Vec::new(),
        };
        let mut config = Map::new();
        config.insert("stream_id".into(), json!(self.id));
        let iss = if fault == Some(Fault::SsfConfigForeignIss) { FOREIGN_ISSUER } else { issuer };
        config.insert("iss".into(), json!(iss));
        if fault != Some(Fault::SsfConfigNoAud) {
            config.insert("aud".into(), json!(self.aud));
        }
        config.insert("events_supported".into(), json!(supported));
        if let Some(requested) = &self.events_requested {
            config.insert("events_requested".into(), json!(requested));
        }
        config.insert("events_delivered".into(), json!(delivered));
        config.insert("delivery".into(), self.delivery_json(issuer, fault));
        if let Some(description) = &self.description {
            config.insert("description".into(), json!(description));
        }
        config.insert("min_verification_interval".into(), json!(self.min_verification_interval));
        Value::Object(config)
    }

    fn delivery_json(&self, issuer: &str, fault: Option<Fault>) -> Value {
        let legacy = fault == Some(Fault::SsfLegacyDeliveryUris);
        match &self.delivery {
            Delivery::Push { endpoint_url, authorization_header } => {
                let mut delivery = Map::new();
                delivery.insert("method".into(), json!(if legacy { LEGACY_PUSH_METHOD } else { PUSH_METHOD }));
                if let Some(url) = endpoint_url {
                    delivery.insert("endpoint_url".into(), json!(url));
                }
                if let Some(header) = authorization_header {
                    delivery.insert("authorization_header".into(), json!(header));
                }
                Value::Object(delivery)
            }
            Delivery::Poll => json!({
                "method": if legacy { LEGACY_POLL_METHOD } else { POLL_METHOD },
                "endpoint_url": poll_url(issuer, &self.id, fault),
            }),
        }
    }
}

/// SSF §6.1.2 (SSF-DLV-006): each poll stream has its own URL, under the issuer's.
fn poll_url(issuer: &str, stream_id: &str, fault: Option<Fault>) -> String {
    match fault {
        Some(Fault::SsfSharedPollEndpoint) => format!("{issuer}/poll"),
        _ => format!("{issuer}/poll/{stream_id}"),
    }
}

/// The event types the reference can send on a stream.
pub fn supported() -> Vec<&'static str> {
    [VERIFICATION_EVENT, STREAM_UPDATED_EVENT].into_iter().chain(CAEP_EVENTS).collect()
}

/// The receiver-supplied members of a request body, type-checked; the error says what is wrong.
pub fn supplied(body: &Map<String, Value>, fault: Option<Fault>) -> Result<Supplied, String> {
    let mut supplied = Supplied::default();
    if let Some(events) = body.get("events_requested") {
        let events = events.as_array().ok_or("`events_requested` is not an array")?;
        let events: Vec<String> = events
            .iter()
            .map(|e| e.as_str().map(str::to_owned).ok_or("`events_requested` holds a non-string"))
            .collect::<Result<_, _>>()?;
        // SSF §8.1.1 (SSF-STRM-005): an unknown event type is ignored, not refused.
        let known = supported();
        if fault == Some(Fault::SsfUnknownEventRejected) && events.iter().any(|e| !known.contains(&e.as_str())) {
            return Err("`events_requested` names an event type this transmitter does not support".into());
        }
        supplied.events_requested = Some(events);
    }
    if let Some(description) = body.get("description") {
        supplied.description = Some(description.as_str().ok_or("`description` is not a string")?.to_owned());
    }
    if let Some(delivery) = body.get("delivery") {
        supplied.delivery = Some(delivery_of(delivery)?);
    }
    Ok(supplied)
}

/// SSF §6.1: a `delivery` object; the old RISC method names are understood too.
fn delivery_of(delivery: &Value) -> Result<Delivery, String> {
    let delivery = delivery.as_object().ok_or("`delivery` is not an object")?;
    let text = |name: &str| -> Result<Option<String>, String> {
        match delivery.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`delivery.{name}` is not a string")),
        }
    };
    match delivery.get("method").and_then(Value::as_str) {
        Some(PUSH_METHOD | LEGACY_PUSH_METHOD) => {
            let url = text("endpoint_url")?.ok_or("a push stream needs `delivery.endpoint_url`")?;
            // RFC 8935 §5.3: SETs are pushed over TLS only.
            let parsed = url::Url::parse(&url).map_err(|_| "`delivery.endpoint_url` is not a URL")?;
            if parsed.scheme() != "https" {
                return Err("`delivery.endpoint_url` is not an https URL".into());
            }
            Ok(Delivery::Push { endpoint_url: Some(url), authorization_header: text("authorization_header")? })
        }
        Some(POLL_METHOD | LEGACY_POLL_METHOD) => Ok(Delivery::Poll),
        Some(other) => Err(format!("delivery method {other:?} is not supported")),
        None => Err("`delivery.method` is missing or not a string".into()),
    }
}

/// SSF §8.1.1.3: the transmitter-supplied member `body` gives a value other than the current one, if any.
pub fn changed_transmitter_member(body: &Map<String, Value>, config: &Value) -> Option<&'static str> {
    TRANSMITTER_SUPPLIED.into_iter().find(|name| body.get(*name).is_some_and(|v| config.get(*name) != Some(v)))
}

/// The stream with `id` that `client` may reach (any stream under `ssf-streams-shared`).
pub fn find<'a>(streams: &'a mut [Stream], id: &str, client: &str, fault: Option<Fault>) -> Option<&'a mut Stream> {
    let shared = fault == Some(Fault::SsfStreamsShared);
    streams.iter_mut().find(|s| s.id == id && (shared || s.owner == client))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Stream {
        Stream {
            id: "s1".into(),
            owner: "receiver-a".into(),
            peer: "p1".into(),
            peer_token: "t".into(),
            aud: "https://tx.example/ssf/receivers/receiver-a".into(),
            events_requested: Some(vec![VERIFICATION_EVENT.into()]),
            delivery: Delivery::Poll,
            description: Some("first".into()),
            status: Status::Enabled,
            reason: None,
            held: Vec::new(),
            last_verification: None,
            verifications: HashSet::new(),
            subjects: Vec::new(),
            min_verification_interval: MIN_VERIFICATION_INTERVAL,
        }
    }

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn events_delivered_are_the_supported_ones_requested() {
        let mut s = stream();
        s.events_requested = Some(vec!["urn:example:unknown".into(), STREAM_UPDATED_EVENT.into()]);
        let config = s.config("https://tx.example/ssf", None);
        assert_eq!(config["events_delivered"], json!([STREAM_UPDATED_EVENT]));
        assert_eq!(config["delivery"]["endpoint_url"], "https://tx.example/ssf/poll/s1");
        let unfiltered = s.config("https://tx.example/ssf", Some(Fault::SsfEventsDeliveredUnfiltered));
        assert_eq!(unfiltered["events_delivered"], json!(["urn:example:unknown", STREAM_UPDATED_EVENT]));
    }

    #[test]
    fn patch_keeps_what_it_leaves_out_and_put_removes_it() {
        let mut s = stream();
        s.take(supplied(&body(json!({ "description": "second" })), None).unwrap(), false);
        assert_eq!((s.description.as_deref(), s.events_requested.is_some()), (Some("second"), true));
        s.take(supplied(&body(json!({ "description": "third" })), None).unwrap(), true);
        assert_eq!((s.description.as_deref(), s.events_requested.is_none()), (Some("third"), true));
    }

    #[test]
    fn bad_receiver_members_are_refused() {
        for bad in [
            json!({ "events_requested": "x" }),
            json!({ "events_requested": [1] }),
            json!({ "description": 1 }),
            json!({ "delivery": { "method": "urn:ietf:rfc:8935" } }),
            json!({ "delivery": { "method": "urn:ietf:rfc:8935", "endpoint_url": "http://rx.example/" } }),
            json!({ "delivery": { "method": "urn:example:carrier-pigeon" } }),
            json!({ "delivery": [] }),
        ] {
            assert!(supplied(&body(bad.clone()), None).is_err(), "{bad}");
        }
        let unknown = body(json!({ "events_requested": ["urn:example:unknown"] }));
        assert!(supplied(&unknown, None).is_ok());
        assert!(supplied(&unknown, Some(Fault::SsfUnknownEventRejected)).is_err());
    }

    #[test]
    fn only_a_changed_transmitter_member_is_named() {
        let config = stream().config("https://tx.example/ssf", None);
        assert_eq!(changed_transmitter_member(&body(config.clone()), &config), None);
        let changed = body(json!({ "stream_id": "s1", "min_verification_interval": 60 }));
        assert_eq!(changed_transmitter_member(&changed, &config), Some("min_verification_interval"));
    }
}

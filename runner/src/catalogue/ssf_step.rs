//! The steps of the `ssf-transmitter` profile: calls to the SUT's SSF
//! management API (SSF 1.0 §7, §8) and waits for the events of a stream.

use serde::Deserialize;
use serde_json::Value;

/// One call the harness, as an SSF receiver, makes to the transmitter.
#[derive(Debug, Clone, Deserialize)]
pub struct SsfCallSpec {
    pub call: SsfCall,
    /// Which stream the call is about, by the name a `create` gave it (`main` unless said).
    #[serde(default)]
    pub stream: StreamRef,
    /// The name a `create` gives the stream it makes (`main` unless said).
    #[serde(default, rename = "as")]
    pub name: Option<String>,
    /// `create`: how SETs are to travel; `none` leaves `delivery` out (SSF-STRM-008).
    #[serde(default)]
    pub delivery: Option<SsfDelivery>,
    /// `create`, `replace`: the event types asked for; the transmitter's supported ones unless said.
    #[serde(default)]
    pub events_requested: Option<Vec<String>>,
    /// Members put into the body as they are, beside those the call adds.
    #[serde(default)]
    pub members: Option<serde_json::Map<String, Value>>,
    /// `set_status`: the status asked for.
    #[serde(default)]
    pub status: Option<String>,
    /// `add_subject`, `remove_subject`: the subject (an email subject unless said).
    #[serde(default)]
    pub subject: Option<Value>,
    /// `verify`: send a fresh `state` (the default) or none.
    #[serde(default = "yes")]
    pub state: bool,
    /// `verify`: go at once, not after the stream's `min_verification_interval`
    /// since the last request (SSF-STRM-014), as a receiver would wait.
    #[serde(default)]
    pub hurry: bool,
    /// This text as the body instead of the JSON the call builds.
    #[serde(default)]
    pub raw: Option<String>,
    /// The credential presented.
    #[serde(default)]
    pub auth: SsfCredential,
}

fn yes() -> bool {
    true
}

/// The calls of SSF §7.2 and §8.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsfCall {
    /// `GET` the metadata URL built from the issuer (§7.2).
    Discover,
    /// `POST` the configuration endpoint (§8.1.1.1).
    Create,
    /// `GET` the configuration endpoint, for one stream or (`stream: none`) all (§8.1.1.2).
    Read,
    /// `PATCH` (§8.1.1.3).
    Update,
    /// `PUT` (§8.1.1.4).
    Replace,
    /// `DELETE` (§8.1.1.5).
    Delete,
    /// `GET` the status endpoint (§8.1.2.1).
    Status,
    /// `POST` the status endpoint (§8.1.2.2).
    SetStatus,
    /// `POST` the add-subject endpoint (§8.1.3.2).
    AddSubject,
    /// `POST` the remove-subject endpoint (§8.1.3.3).
    RemoveSubject,
    /// `POST` the verification endpoint (§8.1.4.2).
    Verify,
    /// `POST` a poll that returns at once to the stream's poll endpoint (§6.1.2, RFC 8936 §2.4).
    Poll,
}

/// The stream a call names: `unknown`, `none`, or the name of one made earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamRef {
    /// A stream created earlier in the scenario, by its name.
    Named(String),
    /// A `stream_id` the transmitter never issued.
    Unknown,
    /// No `stream_id` at all.
    None,
}

impl Default for StreamRef {
    fn default() -> Self {
        StreamRef::Named(MAIN_STREAM.into())
    }
}

impl<'de> Deserialize<'de> for StreamRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(d)?.as_str() {
            "unknown" => StreamRef::Unknown,
            "none" => StreamRef::None,
            name => StreamRef::Named(name.to_owned()),
        })
    }
}

/// The name of the stream a scenario makes first.
pub const MAIN_STREAM: &str = "main";

/// How a stream delivers (SSF §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsfDelivery {
    /// RFC 8935, to the harness's endpoint, with an `authorization_header`.
    Push,
    /// RFC 8936, at an endpoint the transmitter chooses.
    Poll,
    /// No `delivery` member at all.
    None,
}

/// The bearer token a call presents (SSF §8: management calls are authorized).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SsfCredential {
    /// The receiver's own.
    #[default]
    Valid,
    /// None.
    None,
    /// One the transmitter never issued.
    Invalid,
    /// Another receiver's (sut.yaml `other_receiver`).
    OtherReceiver,
}

/// Wait for events on the current stream: pushes to the harness's endpoint
/// (answered 202) or polls of the stream's endpoint (acknowledging what came).
#[derive(Debug, Clone, Deserialize)]
pub struct SsfEventsSpec {
    pub wait_for: SsfEventWait,
    /// How long to wait at most (default: the SUT's observation window).
    #[serde(default)]
    pub up_to_ms: Option<u64>,
    /// Answer the pushes with this status and body (`400` + `invalid_state`, say).
    #[serde(default)]
    pub answer_status: Option<u16>,
    #[serde(default)]
    pub answer_err: Option<String>,
}

/// What ends an [`SsfEventsSpec`] wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SsfEventWait {
    /// The verification event answering the last verification request.
    Verification,
    /// A verification event of the transmitter's own (no request for it).
    UnsolicitedVerification,
    /// A stream-updated event.
    StreamUpdated,
    /// Any SET at all.
    Any,
}

/// A member of the SUT's last JSON answer (a JSON pointer), and what it must be.
#[derive(Debug, Clone, Deserialize)]
pub struct MemberSpec {
    pub at: String,
    #[serde(default)]
    pub is: Option<MemberIs>,
    #[serde(default, deserialize_with = "present")]
    pub equals: Option<Value>,
    #[serde(default)]
    pub one_of: Option<Vec<Value>>,
    /// An array holding this value.
    #[serde(default, deserialize_with = "present")]
    pub contains: Option<Value>,
    /// A member that may be absent (an OPTIONAL one): judged only when present.
    #[serde(default)]
    pub optional: bool,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// What a member must be, by kind or by a value the scenario knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberIs {
    Present,
    Absent,
    /// A string holding an `https` URL.
    Https,
    /// A JSON array (of anything).
    Array,
    /// The issuer configured for the SUT (sut.yaml `trigger.ssf.issuer`).
    Issuer,
    /// The `issuer` of the metadata the harness discovered.
    MetadataIssuer,
    /// The `stream_id` of the stream the step named.
    StreamId,
    /// A `stream_id` no other stream of the scenario has.
    NewStreamId,
    /// The harness's endpoint URL given at stream creation.
    HarnessEndpoint,
    /// What the harness sent at the same place of its request body.
    Sent,
    /// What the stream's configuration held there before the step.
    Unchanged,
}

/// `events_delivered` of a stream configuration (SSF §8.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventsDeliveredCheck {
    /// Within `events_supported` and the `events_requested` sent (SSF-STRM-004).
    Subset,
    /// Holds none of the requested types the transmitter cannot know (SSF-STRM-005).
    WithoutUnknown,
}

/// A check on the verification events of the scenario (SSF §8.1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationCheck {
    /// An event answering the last request echoes its `state` (SSF-VER-002).
    Echoed,
    /// The SET answering the last request names the verification event type exactly (SSF-VER-003).
    EventType,
    /// Every verification event's `sub_id` is the opaque stream id (SSF-VER-004).
    SubId,
    /// No verification event the harness did not ask for carries a `state` (SSF-VER-005).
    StatelessUnsolicited,
    /// An event answering the last request came at some point after it (SSF-STAT-003: held, then sent).
    Delivered,
    /// The request before the last one was never answered: its event was dropped, not held (SSF-STAT-003).
    EarlierDropped,
}

/// A check on the stream-updated events of the scenario (SSF §8.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StreamUpdatedCheck {
    /// A status the transmitter changed away from `enabled` was announced first (SSF-STAT-006).
    Announced,
    /// Every stream-updated event has a `status` and the opaque stream id as `sub_id` (SSF-STAT-007).
    Payload,
}

//! The kinds of SET the harness mints for a SUT: a valid one, and ones broken
//! in exactly one way, as scenarios name them (`sets: [bad-signature]`).

use serde::Deserialize;

/// SETs the harness can mint: valid ones, and ones broken in exactly one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetKind {
    Valid,
    BadSignature,
    AlgNone,
    WrongTyp,
    MissingIss,
    MissingIat,
    MissingJti,
    MissingEvents,
    WrongAud,
    WrongIss,
    KeyNotJti,
    UnknownKid,
    /// Valid, with an envelope claim and an event member no spec defines (SET-024).
    UnknownClaims,
    /// Valid, with an event type no spec defines (SET-024).
    UnknownEventType,
    /// Valid, with `typ: application/secevent+jwt`, the long form (AMB-25).
    LongTyp,
    /// Valid, signed with the harness's next key, which its JWKS URL publishes
    /// from the moment this SET is minted (SSF-SET-012).
    RotatedKey,
    /// An SSF verification event with the `state` the SUT asked for (SSF §8.1.4.2).
    Verification,
    /// An SSF verification event with a `state` the SUT never asked for (SSF §8.1.4.1).
    VerificationWrongState,
    /// An SSF verification event the transmitter sends of its own, without `state` (SSF §8.1.4.2).
    VerificationNoState,
    /// An SSF stream-updated event: the stream is paused (SSF §8.1.5).
    StreamUpdated,
}

impl SetKind {
    /// Whether a recipient that keeps the rules accepts it.
    pub fn acceptable(self) -> bool {
        matches!(self, SetKind::Valid | SetKind::Verification | SetKind::VerificationNoState | SetKind::StreamUpdated)
    }
}

/// An event a scenario spells out: its type URI, payload and, under SSF, subject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub payload: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub sub_id: Option<serde_json::Value>,
}

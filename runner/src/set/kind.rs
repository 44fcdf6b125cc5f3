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
}

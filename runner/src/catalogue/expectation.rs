//! Expectations: what a step's `expect` list says, each naming the
//! requirement(s) it checks, the check with its parameters, and how an
//! ambiguity softens a violation. The checks themselves are in
//! `engine::checks`.

use super::ssf_step::{EventsDeliveredCheck, MemberSpec, StreamUpdatedCheck, VerificationCheck};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Expectation {
    pub req: Reqs,
    /// The ambiguity (AMB-nn) that makes a violation a matter of reading, not of conformance.
    #[serde(default)]
    pub amb: Option<String>,
    /// What a violation becomes under `amb` (INFO unless said).
    #[serde(default)]
    pub soften_to: Option<Soften>,
    /// The check only suggests whether the rule is kept (REQUIREMENTS.md plans
    /// it as a heuristic): a violation is recorded as INFO, never graded.
    #[serde(default)]
    pub heuristic: bool,
    /// Judge only when the SUT's last answer has this status: checks on an
    /// error body say nothing when the SUT did not answer with an error.
    #[serde(default)]
    pub if_status: Option<u16>,
    #[serde(flatten)]
    pub check: Check,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Reqs {
    One(String),
    Many(Vec<String>),
}

impl Reqs {
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        match self {
            Reqs::One(id) => std::slice::from_ref(id).iter(),
            Reqs::Many(ids) => ids.iter(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Soften {
    #[serde(rename = "WARN")]
    Warn,
    #[serde(rename = "INFO")]
    Info,
}

/// One judgement on the last response or on the scenario's state. Its
/// name in a run record (`&'static str` from it) is its YAML key.
#[derive(Debug, Clone, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Check {
    Status(StatusSpec),
    ContentType(String),
    Schema(String),
    Count(CountSpec),
    ErrorCode(ErrorCodeSpec),
    SetsValid(bool),
    Acked(Selector),
    Errored(Selector),
    Unanswered(Selector),
    SetErrsHave(String),
    AcksKnown(bool),
    AckErrDisjoint(bool),
    Redelivered(usize),
    RefusedOrSetErr(String),
    Retired(usize),
    Method(String),
    Arrived(bool),
    ArrivedWithin(bool),
    NonNegativeInteger(String),
    MemberNames(bool),
    PromptAnswers(usize),
    OverTls(bool),
    NoSuccess(bool),
    Subprotocol(String),
    FrameType(String),
    NoExtensions(bool),
    UpgradeRequested(bool),
    OffersSubprotocol(String),
    OverSocketOnly(bool),
    UpgradeAtEndpoint(bool),
    EmptyBody(bool),
    Header(HeaderSpec),
    ErrIs(Vec<String>),
    AuthRejected(bool),
    CompactSet(bool),
    Delay(DelaySpec),
    DelayGrows(bool),
    AnsweredWithinMs(u64),
    SetErrsExclude(Vec<String>),
    ContentLanguageIfDescribed(bool),
    MspErrorMediaType(bool),
    MspMediaType(bool),
    TlsRefused(bool),
    Held(bool),
    MoreAvailable(bool),
    KeysAreJtis(bool),
    AckOnlyImmediate(bool),
    FirstPollBare(bool),
    Reacked(bool),
    SetErrsRegistered(bool),
    JwksRefetched(bool),
    BearerError(String),
    ResourceMetadata(MetadataLookup),
    TokenFromAuthorizationServer(bool),
    ClientCertificateRegistered(bool),
    Member(MemberSpec),
    NoEmptyArrays(bool),
    HttpsEndpoints(bool),
    EventsDelivered(EventsDeliveredCheck),
    ReceiverMembersKept(bool),
    DistinctPollEndpoints(bool),
    Verification(VerificationCheck),
    StreamUpdated(StreamUpdatedCheck),
    PushAuthorization(bool),
}

/// What a SUT that initiates toward the harness must have asked for before its
/// first request (pushpull §8.2, RFC 9728 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataLookup {
    /// Protected-resource metadata, at either well-known URL.
    Attempted,
    /// The metadata of the endpoint URL itself: its path after the well-known suffix (RFC 9728 §3.1).
    AtEndpointPath,
}

/// Bounds on how long the SUT took to come back.
#[derive(Debug, Clone, Deserialize)]
pub struct DelaySpec {
    #[serde(default)]
    pub min_ms: Option<u64>,
    #[serde(default)]
    pub max_ms: Option<u64>,
}

/// A header of the SUT's last message: present, or with a value that
/// equals, starts with, or lists (comma-separated) the given text.
#[derive(Debug, Clone, Deserialize)]
pub struct HeaderSpec {
    pub name: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub starts_with: Option<String>,
    #[serde(default)]
    pub lists: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StatusSpec {
    Exact(u16),
    Not { not: u16 },
    Class { class: String },
    NotClass { not_class: String },
    OneOf { one_of: Vec<u16> },
}

#[derive(Debug, Clone, Deserialize)]
pub struct CountSpec {
    pub at: String,
    #[serde(default)]
    pub min: Option<usize>,
    #[serde(default)]
    pub max: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorCodeSpec {
    Present,
    Registered,
}

/// Which of the SETs the harness sent an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    All,
    Valid,
    Defective,
    /// Those sent in this 1-based step.
    Step(usize),
}

impl<'de> Deserialize<'de> for Selector {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "all" => Ok(Selector::All),
            "valid" => Ok(Selector::Valid),
            "defective" => Ok(Selector::Defective),
            other => other
                .strip_prefix("step-")
                .and_then(|n| n.parse().ok())
                .map(Selector::Step)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown selector {other:?}"))),
        }
    }
}

//! The steps of the `ssf-receiver` profile: the harness is the SUT's SSF
//! transmitter (SSF 1.0 §7, §8), tells the SUT where it is, and waits for the
//! SUT's calls to it.

use serde::Deserialize;

/// Start the harness's transmitter and tell the SUT to configure itself with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsfTransmitterSpec {
    /// How the SUT is to ask for SETs (SSF §6.1).
    pub delivery: RxDelivery,
    /// The `issuer` the metadata names (SSF-DISC-005).
    #[serde(default)]
    pub metadata_issuer: IssuerChoice,
    /// The `iss` of the configuration a create answers with (SSF-STRM-007).
    #[serde(default)]
    pub stream_iss: IssuerChoice,
}

/// The delivery method a receiver is asked to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RxDelivery {
    /// RFC 8935: the harness pushes to the endpoint the SUT gives.
    Push,
    /// RFC 8936: the SUT polls the endpoint the harness gives.
    Poll,
}

impl RxDelivery {
    pub fn name(self) -> &'static str {
        match self {
            RxDelivery::Push => "push",
            RxDelivery::Poll => "poll",
        }
    }
}

/// Which issuer the harness names where the receiver must check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerChoice {
    /// The issuer the receiver was told.
    #[default]
    Own,
    /// Another one.
    Foreign,
}

/// Wait for the SUT's next call of one kind to the harness's transmitter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsfAwaitSpec {
    pub call: CallKind,
    /// How long to wait; the observation timeout unless said.
    #[serde(default)]
    pub within_ms: Option<u64>,
    /// A call the SUT may make or not (SSF leaves it to the receiver): without
    /// it, the rest of the scenario is not judged.
    #[serde(default)]
    pub optional: bool,
    /// The SUT is expected to make no such call: its absence is the outcome
    /// the step's checks judge (`arrived: false`).
    #[serde(default)]
    pub judge_absence: bool,
}

/// Which endpoint of the harness's transmitter a call of the SUT went to: the
/// token endpoint, one of the calls of [`super::ssf_step::SsfCall`] (the
/// metadata URL, the management API), or any other URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CallKind {
    Discover,
    Token,
    Create,
    Read,
    Update,
    Replace,
    Delete,
    Status,
    SetStatus,
    AddSubject,
    RemoveSubject,
    Verify,
    Other,
}

//! The Run record: one serialisable account of a whole run.
//!
//! Its shape is fixed by `schemas/run.json`; a change here is a change there.

use crate::Verdict;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the Run record's shape (`schemas/run.json`); a reader checks it.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    /// The shape of this record: [`SCHEMA_VERSION`] when written.
    pub schema_version: String,
    pub tool: Tool,
    pub started_at: String,
    pub duration_ms: u64,
    pub seed: u64,
    pub sut: SutInfo,
    /// Profiles the run was planned for.
    pub profiles: Vec<String>,
    /// The gate the run was made under (`--fail-on`); records without it were made under `fail`.
    #[serde(default)]
    pub fail_on: crate::verdict::FailOn,
    /// The SET content profile named with `--set-profile`, over sut.yaml's;
    /// absent when the run named none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_profile: Option<String>,
    /// The folder the catalogue was read from (`--suite`), as given; absent: the embedded catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    pub summary: Summary,
    pub requirements: Vec<RequirementResult>,
    pub scenarios: Vec<ScenarioResult>,
    /// The waivers the run was given, and what became of each.
    #[serde(default)]
    pub waivers: Vec<WaiverRecord>,
    /// Set when a signal cut the run short: the record holds what ended before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<crate::Interruption>,
    /// The ambiguities the run's expectations cite, as the suite's catalogue
    /// describes them, in id order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ambiguities: Vec<Ambiguity>,
}

impl Run {
    /// The record's entry for the ambiguity `id`, if the run cites it.
    pub fn ambiguity(&self, id: &str) -> Option<&Ambiguity> {
        self.ambiguities.iter().find(|a| a.id == id)
    }
}

/// A place where the specifications let two conforming implementations
/// differ (`suite/ambiguities.yaml`), and how the suite reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ambiguity {
    /// `AMB-nn`.
    pub id: String,
    /// What the specifications leave open.
    pub question: String,
    /// Where: a spec and its section, such as `pushpull §6.1`.
    pub sources: Vec<String>,
    /// The readings an implementer could plausibly take.
    pub readings: Vec<String>,
    /// The reading the suite takes and the verdict it gives.
    pub suite_reading: String,
    /// Why the suite reads it so.
    pub why: String,
}

/// An expected deviation the user declared, and whether it still applies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverRecord {
    /// A scenario id or a requirement id.
    pub target: String,
    pub reason: String,
    /// The last day (YYYY-MM-DD) it applies, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub status: WaiverStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverStatus {
    /// It turned at least one finding into WAIVED.
    Applied,
    /// Nothing it names failed: the deviation is gone, and the waiver can go too.
    Stale,
    /// Past its expiry day: not applied, the findings stand.
    Expired,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SutInfo {
    pub name: String,
    /// `embedded-reference` or `external`.
    pub kind: String,
    /// The SUT configuration file (`--sut`), as given on the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The reference fault injected for this run, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// Endpoints the harness talked to, by role.
    #[serde(default)]
    pub endpoints: Vec<(String, String)>,
    /// The SUT's TLS certificates were not verified (`--insecure`): the run is not certifiable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// SUT endpoints served without TLS (`http://`, `ws://`): scenarios that test
    /// the SUT's TLS are ERROR, and the run is not certifiable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleartext_endpoints: Vec<String>,
}

impl SutInfo {
    /// What every report says of a run that cannot certify the SUT, and why;
    /// `None` when nothing stands in the way.
    pub fn not_certifiable(&self) -> Option<String> {
        let mut why = Vec::new();
        if self.insecure {
            why.push("the SUT's TLS certificates were not verified (--insecure)".to_owned());
        }
        if !self.cleartext_endpoints.is_empty() {
            why.push(format!("the SUT endpoint is not TLS ({})", self.cleartext_endpoints.join(", ")));
        }
        (!why.is_empty()).then(|| format!("NOT CERTIFIABLE: {}", why.join("; ")))
    }
}

/// Scenario counts by verdict, and the exit code the run ended with.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub info: usize,
    pub not_applicable: usize,
    pub error: usize,
    pub timeout: usize,
    #[serde(default)]
    pub waived: usize,
    pub exit_code: i32,
}

impl Summary {
    pub fn count(verdicts: impl IntoIterator<Item = Verdict>) -> Summary {
        let mut s = Summary::default();
        for v in verdicts {
            s.total += 1;
            *match v {
                Verdict::Pass => &mut s.pass,
                Verdict::Fail => &mut s.fail,
                Verdict::Warn => &mut s.warn,
                Verdict::Info => &mut s.info,
                Verdict::NotApplicable => &mut s.not_applicable,
                Verdict::Error => &mut s.error,
                Verdict::Timeout => &mut s.timeout,
                Verdict::Waived => &mut s.waived,
            } += 1;
        }
        s
    }
}

/// A requirement's verdict over every expectation that named it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequirementResult {
    pub id: String,
    pub level: String,
    /// The spec it comes from (catalogue name, e.g. `rfc8936`) and its section(s).
    #[serde(default)]
    pub spec: String,
    #[serde(default)]
    pub section: String,
    /// Who must keep it (e.g. `Tx`, `Rcv`, `R`, `I`).
    #[serde(default)]
    pub role: String,
    /// The rule, in the catalogue's words.
    #[serde(default)]
    pub text: String,
    /// Where the section can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// For a requirement no scenario tests: why none can (not observable from outside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untestable: Option<String>,
    /// For a SET content rule of the run's SET profile that no SET the SUT
    /// sent in the run was subject to: when it applies (its verdict is N/A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_exercised: Option<String>,
    pub verdict: Verdict,
    /// For an N/A requirement: whether it was not claimed or cannot be tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na_kind: Option<crate::NaKind>,
    /// Scenarios with an expectation on this requirement.
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub profile: String,
    pub requirements: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The scenario's steps as written, for reading the expectations and transcript against.
    #[serde(default)]
    pub steps: Vec<StepRecord>,
    pub verdict: Verdict,
    /// Why the scenario is N/A, ERROR or TIMEOUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For an N/A scenario: whether it was not claimed or cannot be tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na_kind: Option<crate::NaKind>,
    pub duration_ms: u64,
    pub expectations: Vec<ExpectationResult>,
    pub transcript: Vec<Exchange>,
}

/// One step of a scenario as written: its action and what it was told.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepRecord {
    /// 1-based.
    pub step: usize,
    /// `send`, `await_request`, `trigger`, ...
    pub action: String,
    /// The action's parameters as compact JSON.
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One judged expectation: which rule, what was expected, what was seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpectationResult {
    /// 1-based index of the scenario step the expectation belongs to.
    pub step: usize,
    pub requirement: String,
    pub verdict: Verdict,
    pub expected: String,
    pub actual: String,
    /// The ambiguity that softened a violation to INFO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambiguity: Option<String>,
    /// Why a FAIL or WARN here is WAIVED: the waiver's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<String>,
    /// Whether the rule was found broken: true for every FAIL and WARN, and
    /// for an INFO that is a broken MAY-level rule or a reading left open by
    /// an ambiguity, as against a note or a rule not judged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub broken: bool,
    /// The check that judged it: the name of a step expectation's check
    /// (`status`, `acked`, …), `set_content` for the rules every SET the SUT
    /// sent is judged by, `pairing` for a pairing's judgements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// Its expectation's position (1 = first) in the step's `expect` list;
    /// absent where no step lists it (SET content rules, pairings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expectation: Option<usize>,
    /// The `seq` of the transcript exchange that holds the message it was
    /// judged on; absent where no one message was (an absence, a count
    /// across the scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<usize>,
}

/// One HTTP exchange of a scenario, as it went over the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    pub seq: usize,
    /// `sut` for the system under test's protocol endpoint, `trigger` for its control API.
    pub channel: String,
    pub step: usize,
    /// Milliseconds since the scenario started.
    pub at_ms: u64,
    pub duration_ms: u64,
    pub request: HttpRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<HttpResponse>,
    /// For a trigger command: what the process did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessRecord>,
    /// For a WebSocket frame: which way it went and what it was; `request`
    /// then holds its payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<FrameRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One WebSocket frame (RFC 6455 §5).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrameRecord {
    /// `sent` (harness to SUT) or `received`.
    pub direction: String,
    /// `text`, `binary`, `close`, `ping` or `pong`.
    pub opcode: String,
    pub size: usize,
}

/// A trigger command's run: exit code (none when killed) and bounded output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRecord {
    #[serde(default)]
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub stdout: Body,
    pub stderr: Body,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: Body,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<Header>,
    pub body: Body,
}

/// A message body as captured: text up to the capture cap, with SETs decoded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Body {
    /// Bytes on the wire (as far as read).
    pub size: usize,
    /// The body as (lossy UTF-8) text, cut at the capture cap.
    pub text: String,
    pub truncated: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<DecodedSet>,
}

/// A SET found in a body, shown decoded for people reading the transcript.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DecodedSet {
    /// The member name it was filed under in `sets`.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

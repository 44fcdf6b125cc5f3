//! Scenario documents: steps against the SUT and the expectations judged after each.

use super::Expectation;
use crate::set::SetKind;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub requirements: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// Whether the harness's own endpoint (initiator profiles) is served over TLS.
    #[serde(default = "default_true")]
    pub endpoint_tls: bool,
    /// The certificate the harness's endpoint presents.
    #[serde(default)]
    pub endpoint_cert: EndpointCert,
    /// How the harness's endpoint tells the SUT to authenticate (pushpull §8.2).
    #[serde(default)]
    pub endpoint_auth: EndpointAuthMode,
    pub steps: Vec<Step>,
    /// The one pushpull binding it runs on; both when absent (see [`super::binding`]).
    #[serde(default)]
    pub binding: Option<super::OnlyBinding>,
    /// Why it runs on that binding only.
    #[serde(default)]
    pub why: Option<String>,
    /// The scenario it is the WebSocket twin of (see [`super::binding`]).
    #[serde(skip)]
    pub twin_of: Option<String>,
    /// The file it was loaded from.
    #[serde(skip)]
    pub source: String,
    /// The steps as written, for the record.
    #[serde(skip)]
    pub written_steps: Vec<Value>,
}

impl Scenario {
    /// Whether a step looks at the TLS of the SUT's own endpoint: a legacy
    /// handshake, a cleartext attempt at its host and port, or a connection
    /// held to one TLS version. None of that means anything at an endpoint
    /// served without TLS.
    pub fn probes_sut_tls(&self) -> bool {
        self.steps.iter().any(|step| match &step.action {
            Action::TlsProbe(_) => true,
            Action::Push(p) => p.reach.probes_tls(),
            Action::Send(s) => s.reach.probes_tls(),
            Action::WsConnect(w) => w.cleartext,
            _ => false,
        })
    }

    /// Whether the harness's endpoint is one the SUT must not send to: served
    /// in the clear, or with a certificate it must not trust. Refusing to
    /// register it keeps the rule the scenario is about.
    pub fn offers_untrusted_endpoint(&self) -> bool {
        !self.endpoint_tls || self.endpoint_cert != EndpointCert::Harness
    }

    /// The steps as the report shows them: the action, its parameters, the note.
    pub fn step_records(&self) -> Vec<setconform_reports::StepRecord> {
        self.written_steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let action = step
                    .as_object()
                    .and_then(|o| o.iter().find(|(k, _)| *k != "note" && *k != "expect"))
                    .map(|(k, v)| (k.clone(), v.to_string()));
                let (action, detail) = action.unwrap_or_default();
                let note = step.get("note").and_then(Value::as_str).map(str::to_owned);
                setconform_reports::StepRecord { step: i + 1, action, detail, note }
            })
            .collect()
    }
}

/// The certificate of the harness's own endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointCert {
    /// Chains to the CA the SUT is given at registration.
    #[default]
    Harness,
    /// Self-signed: a SUT that validates certificates refuses it.
    SelfSigned,
    /// Chains to a CA the SUT was given, but names another host than 127.0.0.1 and localhost.
    WrongName,
    /// Chains to a CA the SUT was given and names the host, but expired in 2021.
    Expired,
}

/// What the harness's endpoint publishes about authenticating to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointAuthMode {
    /// No protected-resource metadata: the SUT uses the bearer token it was given at registration.
    #[default]
    Token,
    /// Protected-resource metadata (RFC 9728) naming the harness's authorization
    /// server, which issues tokens for the client credentials given at registration.
    Oauth,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub note: Option<String>,
    #[serde(flatten)]
    pub action: Action,
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Trigger(TriggerSpec),
    Send(Box<SendSpec>),
    Push(Box<PushSpec>),
    TlsProbe(TlsProbeSpec),
    Settle(SettleSpec),
    AwaitRequest(Box<AwaitSpec>),
    WsConnect(WsConnectSpec),
    WsAccept(WsAcceptSpec),
    WsSend(Box<BodySpec>),
    WsReceive(WsReceiveSpec),
    /// A call to the SUT's SSF management API (SSF §7, §8).
    Ssf(Box<super::ssf_step::SsfCallSpec>),
    /// A wait for the events of the scenario's SSF stream.
    SsfEvents(super::ssf_step::SsfEventsSpec),
    /// The harness becomes the SUT's SSF transmitter and tells the SUT so.
    SsfTransmitter(super::ssf_receiver_step::SsfTransmitterSpec),
    /// A wait for the SUT's next call of one kind to the harness's transmitter.
    SsfAwait(super::ssf_receiver_step::SsfAwaitSpec),
}

/// Open a WebSocket to the SUT (pushpull §7.1): the opening handshake, offering `protocols`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WsConnectSpec {
    /// Subprotocols to offer; `[pushpull]` unless said.
    #[serde(default)]
    pub protocols: Option<Vec<String>>,
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Try `ws://` instead of `wss://`, to the same host and port (PP-WS-011).
    #[serde(default)]
    pub cleartext: bool,
}

/// Wait for the SUT's opening handshake at the harness's endpoint (pushpull
/// §7.1, the SUT as initiator) and answer it as scripted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WsAcceptSpec {
    #[serde(default)]
    pub answer: WsAnswer,
    /// How long to wait at most (default: the SUT's observation window).
    #[serde(default)]
    pub up_to_ms: Option<u64>,
}

/// How the harness answers an opening handshake.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsAnswer {
    /// 101 naming `pushpull`, when the SUT offered it (PP-WS-004, the harness's side).
    #[default]
    Pushpull,
    /// 101 naming no subprotocol: not a pushpull session (PP-WS-006).
    NoSubprotocol,
    /// 405: an endpoint that takes POST only (PP-WS-008).
    Refuse,
}

/// Wait for the SUT's next message on the socket.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WsReceiveSpec {
    #[serde(default)]
    pub within_ms: Option<u64>,
    /// Pass over messages that only resend SETs the harness has already answered
    /// (on a socket such a message can cross the answer in flight), and messages
    /// that carry nothing while the SUT owes SETs or answers (an idle message, pushpull §6.1).
    #[serde(default)]
    pub skip_crossed: bool,
    /// Of those, pass over the idle messages only: a step that waits after the
    /// SUT has read the harness's answer judges a resend (set by the engine, not in YAML).
    #[serde(skip)]
    pub idle_only: bool,
}

/// Offer the SUT's endpoint a legacy TLS handshake it should refuse (RFC 7525).
#[derive(Debug, Clone, Deserialize)]
pub struct TlsProbeSpec {
    /// `tls1.0`, `tls1.1`, `rc4` or `null-cipher`.
    pub offer: String,
}

/// POST one SET to the SUT's push endpoint (RFC 8935 §2.1).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PushSpec {
    /// Which SET to mint; `valid` unless said.
    #[serde(default)]
    pub set: Option<SetKind>,
    /// Send the previous push's body again, byte for byte (RFC 8935 §2: a duplicate).
    #[serde(default)]
    pub again: bool,
    /// Send this text as the body instead of a SET.
    #[serde(default)]
    pub raw: Option<String>,
    /// Content-Type instead of application/secevent+jwt.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The event the SET carries instead of the harness's usual one.
    #[serde(default)]
    pub event: Option<crate::set::EventSpec>,
    #[serde(flatten)]
    pub reach: Reach,
}

/// How a request reaches the SUT's endpoint: the credential it presents, and
/// a deliberate departure from the usual connection.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reach {
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Try `http://` instead of `https://`, to the same host and port (PP-EP-004, PUSH-050).
    #[serde(default)]
    pub cleartext: bool,
    /// Hold the connection to TLS 1.2 (`"1.2"`), to see it is supported (PUSH-051, POLL-090).
    #[serde(default)]
    pub tls: Option<String>,
}

impl Reach {
    fn probes_tls(&self) -> bool {
        self.cleartext || self.tls.is_some()
    }
}

/// Ask the SUT, through its trigger adapter, to queue SETs or to initiate now.
#[derive(Debug, Clone, Deserialize)]
pub struct TriggerSpec {
    #[serde(default)]
    pub queue: Option<usize>,
    #[serde(default)]
    pub initiate: Option<bool>,
}

/// The members of a Communication Object the harness builds (pushpull §5, §6.1).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ObjectSpec {
    #[serde(default)]
    pub sets: Option<SetsSpec>,
    #[serde(default)]
    pub ack: Option<AckSpec>,
    /// The member name the ack array goes under: `ack` unless a scenario
    /// misspells it on purpose (PP-CO-011).
    #[serde(default)]
    pub ack_member: Option<String>,
    #[serde(default)]
    pub set_errs: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub max_response_events: Option<Value>,
    /// A poll's `maxEvents` (RFC 8936 §2.2), any JSON value.
    #[serde(default, deserialize_with = "present")]
    pub max_events: Option<Value>,
    /// A poll's `returnImmediately` (RFC 8936 §2.2).
    #[serde(default)]
    pub return_immediately: Option<bool>,
    /// A poll response's `moreAvailable` (RFC 8936 §2.3).
    #[serde(default)]
    pub more_available: Option<bool>,
    /// Deliver again every SET the SUT has acknowledged (RFC 8936 §2.4: redelivery).
    #[serde(default)]
    pub resend: bool,
    #[serde(default)]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Wait for the SUT's next request to the harness's endpoint and answer it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AwaitSpec {
    /// The "reasonable time" the request should come within (default: the SUT's retry window).
    #[serde(default)]
    pub within_ms: Option<u64>,
    /// How long to wait at most (default: the SUT's observation window).
    #[serde(default)]
    pub up_to_ms: Option<u64>,
    /// Answer empty batches (multi-SET push) or empty Communication Objects (pushpull
    /// over HTTP) with an empty answer and keep waiting for what the step is about.
    #[serde(default)]
    pub skip_empty: bool,
    #[serde(default)]
    pub respond: RespondSpec,
}

/// The harness's answer to a request: a Communication Object by default.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RespondSpec {
    #[serde(default)]
    pub status: Option<u16>,
    /// Answer this much later: a deliberately slow peer (a scripted behaviour, not a wait).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Further response headers, e.g. Retry-After.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Close the connection instead of answering: a recoverable failure for the SUT.
    #[serde(default)]
    pub drop: bool,
    #[serde(flatten)]
    pub body: BodySpec,
}

/// A message body: a Communication Object built from members, or a raw or JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BodySpec {
    #[serde(flatten)]
    pub object: ObjectSpec,
    #[serde(default)]
    pub raw: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Value>,
    #[serde(default)]
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SendSpec {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(flatten)]
    pub body: BodySpec,
    #[serde(flatten)]
    pub reach: Reach,
    /// A poll the SUT may hold (RFC 8936 §2.5): wait up to the long-poll bound.
    #[serde(default)]
    pub long_poll: Option<LongPollSpec>,
    /// The client certificate presented when the SUT asks for one (default: the harness's own).
    #[serde(default)]
    pub client_certificate: Option<ClientCertificate>,
}

/// Which certificate the harness presents as a TLS client (pushpull §8.2: mutual TLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientCertificate {
    /// The one named to the SUT at registration.
    Harness,
    /// None at all.
    None,
    /// A self-signed one the SUT was never told of.
    Stranger,
}

/// How the harness watches a poll the SUT may hold open.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LongPollSpec {
    /// Once the poll has been held for the held window, ask the SUT to queue
    /// this many SETs: the held poll should then come back with them.
    #[serde(default)]
    pub queue: Option<usize>,
}

/// Keeps an explicit `null` apart from an absent member: `json: null` sends `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SetsSpec {
    Count(usize),
    Kinds(Vec<SetKind>),
}

impl SetsSpec {
    pub fn kinds(&self) -> Vec<SetKind> {
        match self {
            SetsSpec::Count(n) => vec![SetKind::Valid; *n],
            SetsSpec::Kinds(k) => k.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AckSpec {
    Received(String),
    Literal(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    Valid,
    None,
    Invalid,
    /// The valid token as an `access_token` query parameter (RFC 6750 §2.3); `send` steps only.
    Query,
    /// A JWT access token from the harness's authorization server, named to the SUT at registration (RFC 9068).
    AccessToken,
    /// The same, expired.
    ExpiredAccessToken,
    /// The same, issued for another resource than the SUT's endpoint.
    AccessTokenForAnotherResource,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SettleSpec {
    #[serde(default = "default_max_requests")]
    pub max_requests: usize,
    #[serde(default = "default_true")]
    pub ack: bool,
}

fn default_max_requests() -> usize {
    10
}

fn default_true() -> bool {
    true
}

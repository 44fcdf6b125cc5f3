//! What a scenario knows while it runs: who it is at the SUT, what went each
//! way, and the transcript.

use crate::catalogue::{Catalogue, Scenario, SetKind};
use crate::endpoint::{ClientCredentials, HarnessEndpoint};
use crate::seed::Rng;
use crate::set::{HarnessKeys, MintedSet, Minter, SetTrust};
use crate::sut::SutSetup;
use crate::trigger::{self, HarnessIdentity, Registration, TriggerAction, TriggerConfig};
use crate::wire::{self, NonHttpTrigger, Observed, Outgoing, Wire, WireError};
use serde_json::Value;
use setconform_reports::{Exchange, Verdict};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Shared by every scenario of a run.
pub struct RunEnv {
    pub sut: SutSetup,
    /// The CA and certificates of the harness's own URLs in this run.
    pub pki: std::sync::Arc<crate::harness_pki::HarnessPki>,
    pub wire: Wire,
    pub catalogue: std::sync::Arc<Catalogue>,
    pub seed: u64,
    /// `iat` for every minted SET when the run is seeded; wall-clock otherwise.
    pub fixed_iat: Option<u64>,
    /// Every jti the SUT used in the run, per issuer (SET-012).
    pub jtis: crate::set::JtiLedger,
}

/// Why a scenario stopped before its last step.
#[derive(Debug, Clone)]
pub struct StepFailure {
    pub verdict: Verdict,
    pub reason: String,
}

impl StepFailure {
    pub fn timeout(reason: String) -> StepFailure {
        StepFailure { verdict: Verdict::Timeout, reason }
    }
    pub fn error(reason: String) -> StepFailure {
        StepFailure { verdict: Verdict::Error, reason }
    }
}

/// A SET the harness delivered.
#[derive(Debug, Clone)]
pub struct Sent {
    pub key: String,
    pub kind: SetKind,
    pub step: usize,
    /// How many messages the SUT had sent when this SET went out.
    pub after: usize,
}

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
}

impl LastMessage {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the last step that waited for the SUT (`await_request`, `ws_accept`,
/// `ws_receive`) saw.
#[derive(Debug, Clone, Copy)]
pub struct Awaited {
    /// What was waited for, in words: "request", "WebSocket message".
    pub what: &'static str,
    /// How long after the step began the request came, if it came.
    pub arrived_after: Option<Duration>,
    pub within: Duration,
    pub up_to: Duration,
}

/// What the harness saw of a poll it let the SUT hold (RFC 8936 §2.5).
#[derive(Debug, Clone, Copy)]
pub struct Held {
    /// How long the poll had to stay unanswered to count as held.
    pub window: Duration,
    /// When the answer came after the poll went out; `None`: not within `bound`.
    pub answered_after: Option<Duration>,
    /// Longest the harness waited.
    pub bound: Duration,
    /// Whether the SUT was asked to queue SETs while it held the poll.
    pub queued: bool,
}

/// WebSocket frames recorded per scenario: a flood must not grow the transcript without end.
const MAX_FRAMES: usize = 500;

pub struct Context<'a> {
    pub env: &'a RunEnv,
    pub step: usize,
    pub rng: Rng,
    started: Instant,
    deadline: Instant,
    transcript: Vec<Exchange>,
    in_flight: Option<(&'static str, Outgoing, u64)>,

    pub token: Option<String>,
    /// Bearer token the SUT is told to present at the harness's endpoint.
    pub endpoint_token: String,
    /// The client the harness's authorization server knows the SUT as (pushpull §8.2).
    pub oauth_client: Option<ClientCredentials>,
    /// The certificate (DER) the SUT said at registration it presents as a TLS client.
    pub sut_client_certificate: Option<Vec<u8>>,
    /// The client certificate of the SUT's last request to the endpoint (DER; `Some(None)`: none).
    pub last_client_certificate: Option<Option<Vec<u8>>>,
    peer: Option<String>,
    pub sut_trust: SetTrust,
    pub minter: Minter,

    pub sent: Vec<Sent>,
    /// jti -> step in which the SUT first acknowledged it.
    pub sut_acks: BTreeMap<String, usize>,
    /// jti -> (step, entry) of the SUT's first setErrs report on it.
    pub sut_errs: BTreeMap<String, (usize, Value)>,
    /// jti -> the SUT message (1-based count) that first answered it.
    pub answered_in: BTreeMap<String, usize>,
    /// Keys of the SETs the SUT delivered, by step.
    pub received: BTreeMap<usize, Vec<String>>,
    /// Received SETs the harness has not yet answered, oldest first.
    pub pending: Vec<String>,
    /// Received SETs the harness answered, with the message count at that moment:
    /// an answer counts for the SUT's messages that came after it.
    pub answered: HashMap<String, usize>,
    /// How many messages the SUT has sent so far.
    pub messages: usize,
    pub last: Option<LastMessage>,
    /// The harness's own endpoint, when the SUT is the initiator.
    pub endpoint: Option<HarnessEndpoint>,
    /// The harness's JWKS URL, given to the SUT at registration.
    pub key_server: Option<crate::key_server::KeyServer>,
    /// How many times the SUT had fetched that URL when the harness rotated its key.
    pub fetches_at_rotation: Option<usize>,
    /// Key ids the harness has fetched the SUT's `jwks_uri` for (once each, SSF-SET-012).
    pub kids_fetched_for: Vec<String>,
    /// How many of `emitted` have been looked at for new key ids.
    kids_scanned: usize,
    pub awaited: Option<Awaited>,
    /// A person was just asked to act: the next step waits for the outcome.
    pub manual: bool,
    /// Why the last deliberate cleartext request got no HTTP answer at all.
    pub refused: Option<String>,
    /// URL of the harness's last request to the SUT's endpoint.
    pub last_url: Option<String>,
    /// An open pushpull WebSocket to the SUT, and its URL.
    pub ws: Option<(crate::wire::websocket::Socket, String)>,
    /// The SUT's answer to the last legacy TLS probe.
    pub tls_answer: Option<wire::tls_probe::Answer>,
    /// Hold the next request's connection to this TLS version.
    pub tls_pin: Option<wire::TlsPin>,
    /// How long the SUT took to answer the harness's last request.
    pub last_took: Option<Duration>,
    /// The binding in use: "http" or "websocket" (pushpull), "push" (RFC 8935) or "msp" (multi-SET push).
    pub binding: &'static str,
    /// How long the SUT took to come back in each step that waited for it, in order.
    pub delays: Vec<Duration>,
    /// The body of the last `push` step, for sending it again.
    pub last_push: Option<Vec<u8>>,
    /// Why no pushpull WebSocket is open, for the steps that need one.
    pub ws_gone: Option<String>,
    /// HTTP requests the harness's endpoint had seen when it accepted the SUT's upgrade.
    pub http_at_upgrade: Option<usize>,
    /// The compact form of every SET the harness minted, by key: for delivering it again.
    pub sent_tokens: HashMap<String, String>,
    /// SETs the harness delivered again after the SUT acknowledged them, with the
    /// SUT's message count at that moment.
    pub resent: Vec<(String, usize)>,
    /// Every acknowledgement the SUT gave, with the place of its message (1 = first).
    pub ack_log: Vec<(String, usize)>,
    /// The body of every poll the SUT sent, in order (JSON null when not JSON).
    pub polls: Vec<Value>,
    /// The last long poll the harness watched.
    pub held: Option<Held>,
    /// Every SET the SUT sent in this scenario: its key, compact form and step.
    pub emitted: Vec<(String, String, usize)>,
    pub(super) scenario_id: String,
    /// WebSocket frames seen so far, recorded or not.
    frames: usize,
}

impl<'a> Context<'a> {
    pub fn new(env: &'a RunEnv, scenario: &Scenario, deadline: Instant) -> Context<'a> {
        Context {
            env,
            step: 0,
            rng: Rng::for_scenario(env.seed, &scenario.id),
            started: Instant::now(),
            deadline,
            transcript: Vec::new(),
            in_flight: None,
            token: env.sut.bearer_token.clone(),
            endpoint_token: String::new(),
            oauth_client: None,
            sut_client_certificate: None,
            last_client_certificate: None,
            peer: None,
            sut_trust: env.sut.sut_sets.clone(),
            minter: Minter {
                issuer: env.sut.harness_issuer.clone(),
                audience: env
                    .sut
                    .sut_audience
                    .clone()
                    .or_else(|| env.sut.pushpull_endpoint.clone())
                    .unwrap_or_default(),
                alg: env.sut.harness_alg,
                profile: env.sut.set_profile,
            },
            sent: Vec::new(),
            sut_acks: BTreeMap::new(),
            sut_errs: BTreeMap::new(),
            answered_in: BTreeMap::new(),
            received: BTreeMap::new(),
            pending: Vec::new(),
            answered: HashMap::new(),
            messages: 0,
            last: None,
            endpoint: None,
            key_server: None,
            fetches_at_rotation: None,
            kids_fetched_for: Vec::new(),
            kids_scanned: 0,
            awaited: None,
            manual: false,
            refused: None,
            last_url: None,
            ws: None,
            http_at_upgrade: None,
            ws_gone: None,
            last_push: None,
            binding: "http",
            last_took: None,
            tls_pin: None,
            tls_answer: None,
            delays: Vec::new(),
            sent_tokens: HashMap::new(),
            resent: Vec::new(),
            ack_log: Vec::new(),
            polls: Vec::new(),
            held: None,
            emitted: Vec::new(),
            scenario_id: scenario.id.clone(),
            frames: 0,
        }
    }

    /// Opens the harness's endpoint for a SUT that sends to it.
    pub async fn open_endpoint(
        &mut self,
        transport: crate::endpoint::Transport,
        path: &str,
        auth: crate::endpoint::EndpointAuth,
    ) -> Result<(), StepFailure> {
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let patience = self.deadline.saturating_duration_since(Instant::now());
        let endpoint = HarnessEndpoint::start(
            listen,
            self.env.sut.harness_public_base.as_deref(),
            patience,
            transport,
            path,
            auth,
            &self.env.pki,
        )
        .await
        .map_err(|e| StepFailure::error(format!("cannot open the harness endpoint on {listen}: {e}")))?;
        self.endpoint = Some(endpoint);
        Ok(())
    }

    /// Registers the harness as a peer through the trigger adapter, if there is one;
    /// `binding` is how the SUT is to reach the harness's endpoint.
    pub async fn setup(&mut self, needs_trigger: bool, binding: &str) -> Result<(), StepFailure> {
        if self.env.sut.trigger.is_none() {
            if needs_trigger {
                return Err(StepFailure::error(
                    "this scenario asks the SUT to act, and the SUT configuration has no trigger adapter".into(),
                ));
            }
            return Ok(());
        }
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let key_server =
            crate::key_server::KeyServer::start(listen, self.env.sut.harness_public_base.as_deref(), &self.env.pki)
                .await
                .map_err(|e| StepFailure::error(format!("cannot serve the harness's JWKS on {listen}: {e}")))?;
        let identity = HarnessIdentity {
            issuer: self.env.sut.harness_issuer.clone(),
            audience: self.env.sut.harness_audience.clone(),
            jwks: HarnessKeys::get().jwks().clone(),
            jwks_uri: Some(key_server.url.clone()),
            endpoint_ca: self.env.pki.ca_pem.clone(),
            client_certificate: Some(self.env.pki.client.chain_pem.clone()),
        };
        self.key_server = Some(key_server);
        let endpoint = self.endpoint.as_ref().map(|e| crate::trigger::HarnessEndpointGrant {
            url: e.url.clone(),
            token: self.endpoint_token.clone(),
            oauth_client: self.oauth_client.clone(),
        });
        let Some(answer) = self.act(TriggerAction::register(&identity, endpoint, binding)).await? else {
            // A person configures the SUT; its identity comes from sut.yaml.
            self.peer = Some("manual".into());
            return Ok(());
        };
        let reg: Registration = serde_json::from_slice(&answer)
            .map_err(|e| StepFailure::error(format!("trigger: peer registration answer is not understood: {e}")))?;
        self.peer = Some(reg.peer);
        if reg.token.is_some() {
            self.token = reg.token;
        }
        if reg.issuer.is_some() && self.sut_trust.issuer.is_none() {
            self.sut_trust.issuer = reg.issuer;
        }
        if reg.jwks.is_some() && self.sut_trust.jwks.is_none() {
            self.sut_trust.jwks = reg.jwks;
        }
        if reg.jwks_uri.is_some() && self.sut_trust.jwks_uri.is_none() {
            self.sut_trust.jwks_uri = reg.jwks_uri;
        }
        if let Some(pem) = reg.client_certificate {
            use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
            let first = CertificateDer::pem_slice_iter(pem.as_bytes()).next().and_then(Result::ok);
            let Some(der) = first else {
                return Err(StepFailure::error(
                    "trigger: the registration answer's client_certificate holds no PEM certificate".into(),
                ));
            };
            self.sut_client_certificate = Some(der.to_vec());
        }
        if let Some(aud) = reg.audience.filter(|_| self.env.sut.sut_audience.is_none()) {
            self.minter.audience = aud;
        }
        Ok(())
    }

    /// Mints one SET for the SUT under a fresh jti and records it as sent in this step.
    /// A `rotated-key` SET first rotates the harness's key (SSF-SET-012).
    pub fn mint(&mut self, kind: SetKind, iat: u64) -> MintedSet {
        if kind == SetKind::RotatedKey {
            self.rotate_key();
        }
        let jti = self.rng.uuid();
        let set = self.minter.mint(&jti, kind, iat);
        self.sent.push(Sent { key: set.key.clone(), kind, step: self.step, after: self.messages });
        self.sent_tokens.insert(set.key.clone(), set.token.clone());
        set
    }

    /// The harness's JWKS URL publishes its next key from now on.
    fn rotate_key(&mut self) {
        if let Some(server) = &self.key_server {
            self.fetches_at_rotation.get_or_insert(server.fetches());
            server.rotate();
        }
    }

    /// SSF §4.1.4, §7.1: when a SET from the SUT names a key id that its known
    /// keys lack, the harness fetches the SUT's `jwks_uri` again, once per key
    /// id, as a receiver would after a rotation (SSF-SET-012). What comes back
    /// replaces the known keys; a failed fetch leaves them as they were.
    pub async fn learn_sut_keys(&mut self) {
        let Some(uri) = self.sut_trust.jwks_uri.clone() else { return };
        let known = |kid: &str| self.sut_trust.jwks.as_ref().is_some_and(|set| set.find(kid).is_some());
        // Only the SETs that arrived since the last look: this runs after every step.
        let fresh = &self.emitted[self.kids_scanned.min(self.emitted.len())..];
        let mut unseen: Vec<String> = fresh
            .iter()
            .filter_map(|(_, token, _)| token.split('.').next().and_then(crate::set::decode_header))
            .filter_map(|header| header.get("kid").and_then(Value::as_str).map(str::to_owned))
            .filter(|kid| !known(kid) && !self.kids_fetched_for.contains(kid))
            .collect();
        unseen.sort();
        unseen.dedup();
        self.kids_scanned = self.emitted.len();
        if unseen.is_empty() {
            return;
        }
        self.kids_fetched_for.extend(unseen);
        let request = Outgoing {
            method: "GET".into(),
            url: uri,
            headers: vec![("Accept".into(), "application/json, application/jwk-set+json".into())],
            body: Vec::new(),
        };
        if let Ok(answer) = self.call("sut", request).await
            && answer.status == 200
            && let Ok(keys) = serde_json::from_slice::<jsonwebtoken::jwk::JwkSet>(&answer.body)
        {
            self.sut_trust.jwks = Some(keys);
        }
    }

    /// Asks the SUT to queue `count` SETs for the harness, or (`None`) to initiate now.
    pub async fn trigger(&mut self, queue: Option<usize>) -> Result<(), StepFailure> {
        let Some(peer) = self.peer.clone() else {
            return Err(StepFailure::error("no trigger adapter to make the SUT act with".into()));
        };
        let action = match queue {
            Some(count) => TriggerAction::Queue { peer, count },
            None => TriggerAction::Initiate { peer },
        };
        self.act(action).await.map(|_| ())
    }

    /// Performs one trigger action with the configured adapter; returns the
    /// SUT's answer (`None` when a person was asked to act).
    async fn act(&mut self, action: TriggerAction) -> Result<Option<Vec<u8>>, StepFailure> {
        let Some(config) = self.env.sut.trigger.clone() else {
            return Err(StepFailure::error("no trigger adapter to make the SUT act with".into()));
        };
        let what = action.name();
        match config {
            TriggerConfig::Http { url } => {
                let req = json_request("POST", action.http_url(&url), &action.body(), None);
                let obs = self.call("trigger", req).await?;
                if !(200..300).contains(&obs.status) {
                    return Err(StepFailure::error(format!("trigger: {what} answered HTTP {}", obs.status)));
                }
                Ok(Some(obs.body))
            }
            TriggerConfig::Exec { command, dir, timeout } => {
                let at_ms = self.elapsed_ms();
                let began = Instant::now();
                let limit = timeout.min(self.remaining());
                let outcome = trigger::run_exec(&command, &dir, &action, limit).await.map_err(|e| e.to_string());
                let env = action.env();
                self.transcript.push(wire::record_non_http(NonHttpTrigger {
                    seq: self.transcript.len() + 1,
                    step: self.step,
                    at_ms,
                    duration_ms: began.elapsed().as_millis() as u64,
                    kind: "EXEC",
                    target: format!("exec: {}", command.join(" ")),
                    env: &env,
                    body: action.body().to_string().as_bytes(),
                    outcome: Some(&outcome),
                }));
                let o = outcome
                    .map_err(|e| StepFailure::error(format!("trigger command for {what} did not start: {e}")))?;
                let tail = String::from_utf8_lossy(&o.stderr[o.stderr.len().saturating_sub(300)..]).trim().to_owned();
                match (o.timed_out, o.exit_code) {
                    (true, _) => Err(StepFailure::error(format!(
                        "trigger command for {what} was still running after {} ms and was killed; stderr: {tail}",
                        limit.as_millis()
                    ))),
                    (false, Some(0)) => Ok(Some(o.stdout)),
                    (false, code) => Err(StepFailure::error(format!(
                        "trigger command for {what} exited with {}; stderr: {tail}",
                        code.map_or("a signal".to_owned(), |c| c.to_string())
                    ))),
                }
            }
            TriggerConfig::Manual => {
                let text = action.instructions(&self.scenario_id);
                eprintln!("setconform: {text}");
                self.transcript.push(wire::record_non_http(NonHttpTrigger {
                    seq: self.transcript.len() + 1,
                    step: self.step,
                    at_ms: self.elapsed_ms(),
                    duration_ms: 0,
                    kind: "MANUAL",
                    target: "manual".into(),
                    env: &[],
                    body: text.as_bytes(),
                    outcome: None,
                }));
                self.manual = true;
                Ok(None)
            }
        }
    }

    /// One exchange, bounded by the request timeout and the scenario deadline, recorded.
    pub async fn call(&mut self, channel: &'static str, req: Outgoing) -> Result<Observed, StepFailure> {
        let now = Instant::now();
        let remaining = self.deadline.saturating_duration_since(now);
        if remaining.is_zero() {
            return Err(StepFailure::timeout(format!("scenario deadline passed before step {}", self.step)));
        }
        let limit = remaining.min(self.env.sut.timeouts.request);
        let at_ms = self.elapsed_ms();
        self.in_flight = Some((channel, req.clone(), at_ms));
        let result = self.env.wire.exchange_pinned(&req, limit, self.tls_pin.take()).await;
        self.in_flight = None;
        let seq = self.transcript.len() + 1;
        let took = now.elapsed().as_millis() as u64;
        self.last_took = Some(now.elapsed());
        self.transcript.push(wire::record(seq, channel, self.step, at_ms, took, &req, &result));
        let what = format!("{channel}: {} {}", req.method, wire::redact_url(&req.url));
        result.map_err(|e| match e {
            WireError::Timeout(_) => {
                StepFailure::timeout(format!("{what}: no response within {} ms", limit.as_millis()))
            }
            WireError::Connect(why) => StepFailure::error(format!("{what}: SUT unreachable: {why}")),
            WireError::Other(why) => StepFailure::error(format!("{what}: {why}")),
        })
    }

    /// Records the exchange that the scenario deadline cut short.
    pub fn abandon_in_flight(&mut self, deadline: Duration) {
        if let Some((channel, req, at_ms)) = self.in_flight.take() {
            let seq = self.transcript.len() + 1;
            let took = self.elapsed_ms().saturating_sub(at_ms);
            let err = Err(WireError::Timeout(deadline.as_millis()));
            self.transcript.push(wire::record(seq, channel, self.step, at_ms, took, &req, &err));
        }
    }

    /// Folds a SUT response into the scenario state (acks, errors, delivered SETs).
    pub fn absorb(&mut self, observed: Observed) {
        let ok = (200..300).contains(&observed.status);
        // A body cut at the cap is no JSON document; parsing its first megabytes
        // would only cost memory (a million members make hundreds of MiB).
        let json = if observed.truncated { None } else { serde_json::from_slice::<Value>(&observed.body).ok() };
        self.absorb_parsed(Some(observed.status), None, observed.headers, observed.body, json, ok);
    }

    /// Folds a SUT request to the harness's endpoint into the scenario state.
    pub fn absorb_request(&mut self, method: String, headers: Vec<(String, String)>, body: Vec<u8>) {
        if self.binding == "push" {
            return self.absorb_push(method, headers, body);
        }
        if self.binding == "poll" {
            self.polls.push(serde_json::from_slice(&body).unwrap_or(Value::Null));
        }
        self.absorb_message(None, Some(method), headers, body, true);
    }

    /// A push request (RFC 8935 §2.1): the body is one SET, filed under its jti.
    fn absorb_push(&mut self, method: String, headers: Vec<(String, String)>, body: Vec<u8>) {
        self.messages += 1;
        let token = String::from_utf8_lossy(&body).trim().to_owned();
        let jti = crate::set::jti_of(&token).unwrap_or_else(|| format!("(no jti: request {})", self.messages));
        if !self.answered.contains_key(&jti) && !self.pending.contains(&jti) {
            self.pending.push(jti.clone());
        }
        self.received.entry(self.step).or_default().push(jti.clone());
        self.emitted.push((jti.clone(), token.clone(), self.step));
        let sets = Some(serde_json::json!({ jti: token }));
        self.last = Some(LastMessage {
            status: None,
            method: Some(method),
            headers,
            body,
            json: None,
            sets,
            step: self.step,
            seq: self.messages,
        });
    }

    /// The harness answered the pending SETs (a push receiver's 202 or 400).
    pub fn answer_pending(&mut self) {
        let keys = std::mem::take(&mut self.pending);
        let now = self.messages;
        self.answered.extend(keys.into_iter().map(|k| (k, now)));
    }

    pub(super) fn absorb_message(
        &mut self,
        status: Option<u16>,
        method: Option<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        counts: bool,
    ) {
        let json = serde_json::from_slice::<Value>(&body).ok();
        self.absorb_parsed(status, method, headers, body, json, counts);
    }

    fn absorb_parsed(
        &mut self,
        status: Option<u16>,
        method: Option<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        json: Option<Value>,
        counts: bool,
    ) {
        self.messages += 1;
        if let (true, Some(Value::Object(obj))) = (counts, &json) {
            if let Some(Value::Array(acks)) = obj.get("ack") {
                for jti in acks.iter().filter_map(Value::as_str) {
                    self.ack_log.push((jti.to_owned(), self.messages));
                    self.sut_acks.entry(jti.to_owned()).or_insert(self.step);
                    self.answered_in.entry(jti.to_owned()).or_insert(self.messages);
                }
            }
            if let Some(Value::Object(errs)) = obj.get("setErrs") {
                for (jti, entry) in errs {
                    self.sut_errs.entry(jti.clone()).or_insert((self.step, entry.clone()));
                    self.answered_in.entry(jti.clone()).or_insert(self.messages);
                }
            }
            if let Some(Value::Object(sets)) = obj.get("sets") {
                for (key, token) in sets {
                    if let Some(token) = token.as_str() {
                        self.emitted.push((key.clone(), token.to_owned(), self.step));
                    }
                }
                let keys: Vec<String> = sets.keys().cloned().collect();
                // A set, not a scan of `pending` per key: a message may carry very many SETs.
                let waiting: std::collections::HashSet<String> = self.pending.iter().cloned().collect();
                for key in &keys {
                    if !self.answered.contains_key(key) && !waiting.contains(key) {
                        self.pending.push(key.clone());
                    }
                }
                self.received.entry(self.step).or_default().extend(keys);
            }
        }
        let sets = json.as_ref().and_then(|j| j.get("sets")).cloned();
        self.last =
            Some(LastMessage { status, method, headers, body, json, sets, step: self.step, seq: self.messages });
    }

    /// Records an exchange on the harness's endpoint (the SUT's request, our reply).
    pub fn record_inbound(&mut self, req: &Outgoing, at: Instant, reply: &Observed) {
        let seq = self.transcript.len() + 1;
        let at_ms = at.saturating_duration_since(self.started).as_millis() as u64;
        let took = at.elapsed().as_millis() as u64;
        self.transcript.push(wire::record(seq, "harness", self.step, at_ms, took, req, &Ok(reply.clone())));
    }

    /// The SUT's id for the harness as its peer, once registered.
    pub fn peer_id(&self) -> Option<&str> {
        self.peer.as_deref()
    }

    /// Time left before the scenario deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Whether the harness had answered `key` before the SUT's last message came.
    pub fn answered_before_last(&self, key: &str) -> bool {
        let last = self.last.as_ref().map_or(usize::MAX, |l| l.seq);
        self.answered.get(key).is_some_and(|at| *at < last)
    }

    /// The `sets` member of the last response, if it is an object.
    pub fn last_sets(&self) -> Vec<(&String, &Value)> {
        match self.last.as_ref().and_then(|l| l.sets.as_ref()) {
            Some(Value::Object(sets)) => sets.iter().collect(),
            _ => Vec::new(),
        }
    }

    pub fn iat(&self) -> u64 {
        self.env.fixed_iat.unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
        })
    }

    /// Appends a WebSocket frame to the transcript.
    pub fn record_frame(&mut self, url: &str, direction: &str, opcode: &str, payload: &[u8]) {
        self.frames += 1;
        if self.frames > MAX_FRAMES {
            return;
        }
        let frame = setconform_reports::FrameRecord {
            direction: direction.to_owned(),
            opcode: opcode.to_owned(),
            size: payload.len(),
        };
        let seq = self.transcript.len() + 1;
        let at_ms = self.elapsed_ms();
        self.transcript.push(wire::record_frame(seq, self.step, at_ms, url, frame, payload));
    }

    /// Appends an exchange recorded elsewhere (the WebSocket handshake).
    pub fn record_exchange(
        &mut self,
        channel: &str,
        req: &Outgoing,
        at: Instant,
        result: &Result<Observed, WireError>,
    ) {
        let seq = self.transcript.len() + 1;
        let at_ms = at.saturating_duration_since(self.started).as_millis() as u64;
        let took = at.elapsed().as_millis() as u64;
        self.transcript.push(wire::record(seq, channel, self.step, at_ms, took, req, result));
    }

    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn into_transcript(mut self) -> Vec<Exchange> {
        let unrecorded = self.frames.saturating_sub(MAX_FRAMES);
        if let Some(last) = self.transcript.iter_mut().rev().find(|e| e.frame.is_some()).filter(|_| unrecorded > 0) {
            last.error =
                Some(format!("{unrecorded} further WebSocket frames were not recorded (the first {MAX_FRAMES} are)"));
        }
        self.transcript
    }
}

/// A JSON request with an optional bearer token.
pub fn json_request(method: &str, url: String, body: &Value, token: Option<&str>) -> Outgoing {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(t) = token {
        headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
    }
    Outgoing { method: method.to_owned(), url, headers, body: body.to_string().into_bytes() }
}

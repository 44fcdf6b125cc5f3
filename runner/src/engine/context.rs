//! What a scenario knows while it runs: who it is at the SUT, what went each
//! way, and the transcript.

use crate::catalogue::{Catalogue, Scenario, SetKind};
use crate::seed::Rng;
use crate::set::{HarnessKeys, Minter, SetTrust};
use crate::sut::SutSetup;
use crate::trigger::{HarnessIdentity, HttpTrigger, Registration};
use crate::wire::{self, Observed, Outgoing, Wire, WireError};
use serde_json::Value;
use setconform_reports::{Exchange, Verdict};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// Shared by every scenario of a run.
pub struct RunEnv {
    pub sut: SutSetup,
    pub wire: Wire,
    pub catalogue: std::sync::Arc<Catalogue>,
    pub seed: u64,
    /// `iat` for every minted SET when the run is seeded; wall-clock otherwise.
    pub fixed_iat: Option<u64>,
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
}

/// The SUT's most recent answer on its protocol endpoint.
#[derive(Debug, Clone)]
pub struct LastResponse {
    pub observed: Observed,
    /// The body parsed as JSON, if it is JSON.
    pub json: Option<Value>,
    pub step: usize,
}

pub struct Context<'a> {
    pub env: &'a RunEnv,
    pub step: usize,
    pub rng: Rng,
    started: Instant,
    deadline: Instant,
    transcript: Vec<Exchange>,
    in_flight: Option<(&'static str, Outgoing, u64)>,

    pub token: Option<String>,
    peer: Option<String>,
    pub sut_trust: SetTrust,
    pub minter: Minter,

    pub sent: Vec<Sent>,
    /// jti -> step in which the SUT first acknowledged it.
    pub sut_acks: BTreeMap<String, usize>,
    /// jti -> (step, entry) of the SUT's first setErrs report on it.
    pub sut_errs: BTreeMap<String, (usize, Value)>,
    /// Keys of the SETs the SUT delivered, by step.
    pub received: BTreeMap<usize, Vec<String>>,
    /// Received SETs the harness has not yet answered, oldest first.
    pub pending: Vec<String>,
    pub answered: HashSet<String>,
    pub last: Option<LastResponse>,
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
            },
            sent: Vec::new(),
            sut_acks: BTreeMap::new(),
            sut_errs: BTreeMap::new(),
            received: BTreeMap::new(),
            pending: Vec::new(),
            answered: HashSet::new(),
            last: None,
        }
    }

    /// Registers the harness as a peer through the trigger adapter, if there is one.
    pub async fn setup(&mut self, needs_trigger: bool) -> Result<(), StepFailure> {
        let Some(url) = self.env.sut.trigger_url.clone() else {
            if needs_trigger {
                return Err(StepFailure::error(
                    "this scenario asks the SUT to act, and the SUT configuration has no trigger adapter".into(),
                ));
            }
            return Ok(());
        };
        let trigger = HttpTrigger { base_url: url };
        let identity = HarnessIdentity {
            issuer: self.env.sut.harness_issuer.clone(),
            audience: self.env.sut.harness_audience.clone(),
            jwks: HarnessKeys::get().jwks().clone(),
        };
        let body = HttpTrigger::register_body(&identity);
        let obs = self.call("trigger", json_request("POST", trigger.register_url(), &body, None)).await?;
        if !(200..300).contains(&obs.status) {
            return Err(StepFailure::error(format!("trigger: peer registration answered HTTP {}", obs.status)));
        }
        let reg: Registration = serde_json::from_slice(&obs.body)
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
        if let Some(aud) = reg.audience.filter(|_| self.env.sut.sut_audience.is_none()) {
            self.minter.audience = aud;
        }
        Ok(())
    }

    /// Asks the SUT to queue `count` SETs for the harness.
    pub async fn trigger_queue(&mut self, count: usize) -> Result<(), StepFailure> {
        let (Some(url), Some(peer)) = (self.env.sut.trigger_url.clone(), self.peer.clone()) else {
            return Err(StepFailure::error("no trigger adapter to queue SETs with".into()));
        };
        let trigger = HttpTrigger { base_url: url };
        let body = HttpTrigger::queue_body(count);
        let obs = self.call("trigger", json_request("POST", trigger.queue_url(&peer), &body, None)).await?;
        if !(200..300).contains(&obs.status) {
            return Err(StepFailure::error(format!("trigger: queue request answered HTTP {}", obs.status)));
        }
        Ok(())
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
        let result = self.env.wire.exchange(&req, limit).await;
        self.in_flight = None;
        let seq = self.transcript.len() + 1;
        let took = now.elapsed().as_millis() as u64;
        self.transcript.push(wire::record(seq, channel, self.step, at_ms, took, &req, &result));
        let what = format!("{channel}: {} {}", req.method, req.url);
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
        let json = serde_json::from_slice::<Value>(&observed.body).ok();
        if let (true, Some(Value::Object(obj))) = ((200..300).contains(&observed.status), &json) {
            if let Some(Value::Array(acks)) = obj.get("ack") {
                for jti in acks.iter().filter_map(Value::as_str) {
                    self.sut_acks.entry(jti.to_owned()).or_insert(self.step);
                }
            }
            if let Some(Value::Object(errs)) = obj.get("setErrs") {
                for (jti, entry) in errs {
                    self.sut_errs.entry(jti.clone()).or_insert((self.step, entry.clone()));
                }
            }
            if let Some(Value::Object(sets)) = obj.get("sets") {
                let keys: Vec<String> = sets.keys().cloned().collect();
                for key in &keys {
                    if !self.answered.contains(key) && !self.pending.contains(key) {
                        self.pending.push(key.clone());
                    }
                }
                self.received.entry(self.step).or_default().extend(keys);
            }
        }
        self.last = Some(LastResponse { observed, json, step: self.step });
    }

    /// The `sets` member of the last response, if it is an object.
    pub fn last_sets(&self) -> Vec<(&String, &Value)> {
        match self.last.as_ref().and_then(|l| l.json.as_ref()).and_then(|j| j.get("sets")) {
            Some(Value::Object(sets)) => sets.iter().collect(),
            _ => Vec::new(),
        }
    }

    pub fn iat(&self) -> u64 {
        self.env.fixed_iat.unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
        })
    }

    fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn into_transcript(self) -> Vec<Exchange> {
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

//! A running scenario: the run's shared environment, and the scenario's state
//! in parts (see [`super::state`]), with the few operations that touch
//! several parts at once: an exchange with the SUT, taking in what the SUT
//! sent, minting a SET.

use super::state::{Clock, Incoming, Ledger, Link, Seen, Session, SsfState, Transcript, TransmitterSide};
pub use super::stop::{StepFailure, Stop};
use crate::catalogue::{Binding, Catalogue, Scenario};
use crate::seed::Rng;
use crate::set::{MintedSet, Minter, SetKind};
use crate::sut::SutSetup;
use crate::wire::{self, Observed, Outgoing, Wire, WireError};
use serde_json::Value;
use setconform_reports::Exchange;
use std::time::{Duration, Instant};

/// Shared by every scenario of a run.
pub struct RunEnv {
    pub sut: SutSetup,
    /// The CA and certificates of the harness's own URLs in this run.
    pub pki: std::sync::Arc<crate::harness::pki::HarnessPki>,
    pub wire: Wire,
    pub catalogue: std::sync::Arc<Catalogue>,
    pub seed: u64,
    /// `iat` for every minted SET when the run is seeded; wall-clock otherwise.
    pub fixed_iat: Option<u64>,
    /// Every jti the SUT used in the run, per issuer (SET-012).
    pub jtis: crate::set::JtiLedger,
    /// Endpoints that listen on after their scenario for requests that must not arrive.
    pub late: super::late::LateWatch,
    /// What the scenarios share: the stable listener, a registration made once.
    pub setup: super::RunSetup,
    /// Every secret value the run knows, blanked in its outputs.
    pub secrets: std::sync::Arc<crate::secrets::Secrets>,
}

pub struct Context<'a> {
    pub env: &'a RunEnv,
    pub scenario_id: String,
    /// How SETs travel in this scenario.
    pub binding: Binding,
    pub rng: Rng,
    pub clock: Clock,
    pub session: Session,
    pub ledger: Ledger,
    pub seen: Seen,
    pub link: Link,
    /// The SSF transmitter's metadata and streams (profile `ssf-transmitter`).
    pub ssf: SsfState,
    /// The harness as the SUT's SSF transmitter (profile `ssf-receiver`).
    pub transmitter: TransmitterSide,
    /// The SET profile the SUT's SETs are judged under: the claimed one, raised
    /// to SSF for an SSF profile.
    pub set_profile: crate::set::SetProfile,
    pub transcript: Transcript,
}

impl<'a> Context<'a> {
    pub fn new(env: &'a RunEnv, scenario: &Scenario, deadline: Instant) -> Context<'a> {
        let minter = Minter {
            issuer: env.sut.harness_issuer.clone(),
            audience: env.sut.sut_audience.clone().or_else(|| env.sut.pushpull_endpoint.clone()).unwrap_or_default(),
            alg: env.sut.harness_alg,
            profile: env.sut.set_profile,
            stream: None,
        };
        Context {
            env,
            scenario_id: scenario.id.clone(),
            binding: Binding::default(),
            rng: Rng::for_scenario(env.seed, &scenario.id),
            clock: Clock::new(deadline),
            session: Session::new(env.sut.bearer_token.clone(), env.sut.sut_sets.clone(), minter),
            ledger: Ledger::default(),
            seen: Seen::default(),
            link: Link::default(),
            ssf: SsfState::default(),
            transmitter: TransmitterSide::default(),
            set_profile: env.sut.set_profile,
            transcript: Transcript::default(),
        }
    }

    /// The SUT's endpoint the harness reaches on this scenario's binding, if
    /// the registration or sut.yaml names one.
    pub fn sut_endpoint_url(&self) -> Option<String> {
        match self.binding {
            crate::catalogue::Binding::Websocket => self.env.sut.websocket_url(),
            _ => self.sut_endpoint().0,
        }
    }

    /// The SUT's endpoint for SETs on this scenario's binding, and the sut.yaml
    /// field that names it; the poll URL the registration answered comes first.
    pub fn sut_endpoint(&self) -> (Option<String>, &'static str) {
        match (&self.session.poll_endpoint, self.binding) {
            (Some(url), Binding::Poll) => (Some(url.clone()), "poll.endpoint"),
            _ => self.env.sut.endpoint_for(self.binding),
        }
    }

    /// Time left before the scenario deadline.
    pub fn remaining(&self) -> Duration {
        self.clock.remaining()
    }

    /// Mints one SET for the SUT under a fresh jti and records it as sent in this step.
    /// A `rotated-key` SET first rotates the harness's key (SSF-SET-012).
    pub fn mint(&mut self, kind: SetKind, iat: u64) -> MintedSet {
        self.mint_event(kind, iat, None)
    }

    /// [`Self::mint`], with `event` in place of the usual event when given.
    pub fn mint_event(&mut self, kind: SetKind, iat: u64, event: Option<&crate::set::EventSpec>) -> MintedSet {
        if kind == SetKind::RotatedKey {
            self.session.rotate_key();
        }
        let jti = self.rng.uuid();
        let set = self.session.minter.mint_event(&jti, kind, iat, event);
        self.ledger.record_sent(&set.key, &set.token, kind, self.clock.step);
        set
    }

    pub fn iat(&self) -> u64 {
        self.env.fixed_iat.unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
        })
    }

    /// One exchange, bounded by the request timeout and the scenario deadline, recorded.
    pub async fn call(&mut self, channel: &'static str, req: Outgoing) -> Result<Observed, StepFailure> {
        let now = Instant::now();
        let remaining = self.clock.remaining();
        if remaining.is_zero() {
            return Err(StepFailure::timeout(format!("scenario deadline passed before step {}", self.clock.step)));
        }
        let limit = remaining.min(self.env.sut.timeouts.request);
        let at_ms = self.clock.elapsed_ms();
        self.link.in_flight = Some((channel, req.clone(), at_ms));
        let result = self.env.wire.exchange_pinned(&req, limit, self.link.tls_pin.take()).await;
        self.link.in_flight = None;
        let took = now.elapsed();
        self.seen.last_took = Some(took);
        self.transcript.exchange(channel, self.clock.step, at_ms, took.as_millis() as u64, &req, &result);
        let what = format!("{channel}: {} {}", req.method, wire::redact_url(&req.url));
        result.map_err(|e| match e {
            WireError::Timeout(_) => {
                StepFailure::timeout(format!("{what}: no response within {} ms", limit.as_millis()))
            }
            WireError::Connect(why) => StepFailure::unreachable(format!("{what}: SUT unreachable: {why}")),
            WireError::Other(why) => StepFailure::error(format!("{what}: {why}")),
        })
    }

    /// Records the exchange that the scenario deadline cut short.
    pub fn abandon_in_flight(&mut self, deadline: Duration) {
        self.end_in_flight(WireError::Timeout(deadline.as_millis()));
    }

    /// Records the request in flight, if one is, as ended by `why` without an answer.
    pub fn end_in_flight(&mut self, why: WireError) {
        if let Some((channel, req, at_ms)) = self.link.in_flight.take() {
            let took = self.clock.elapsed_ms().saturating_sub(at_ms);
            self.transcript.exchange(channel, self.clock.step, at_ms, took, &req, &Err(why));
        }
    }

    /// Takes in a SUT response (acks, errors, delivered SETs).
    pub fn absorb(&mut self, observed: Observed) {
        let ok = (200..300).contains(&observed.status);
        // A body cut at the cap is no JSON document; parsing its first megabytes
        // would only cost memory (a million members make hundreds of MiB).
        let json = if observed.truncated { None } else { serde_json::from_slice::<Value>(&observed.body).ok() };
        let incoming = Incoming {
            status: Some(observed.status),
            method: None,
            headers: observed.headers,
            body: observed.body,
            json,
            counts: ok,
        };
        self.seen.last = Some(self.ledger.absorb(self.clock.step, incoming));
        self.carried_by_latest();
    }

    /// Takes in a SUT request to the harness's endpoint; the exchange that
    /// carried it is named once it is recorded ([`Self::carried_by_latest`]).
    pub fn absorb_request(&mut self, method: String, headers: Vec<(String, String)>, body: Vec<u8>) {
        let step = self.clock.step;
        if self.binding == Binding::Push {
            self.seen.last = Some(self.ledger.absorb_push(step, method, headers, body));
            return;
        }
        if self.binding == Binding::Poll {
            self.ledger.polls.push(serde_json::from_slice(&body).unwrap_or(Value::Null));
        }
        let json = serde_json::from_slice::<Value>(&body).ok();
        let incoming = Incoming { status: None, method: Some(method), headers, body, json, counts: true };
        self.seen.last = Some(self.ledger.absorb(self.clock.step, incoming));
    }

    /// Takes in any other SUT message, recorded last in the transcript: a
    /// WebSocket message, a handshake answer, a call to the harness's transmitter.
    pub fn absorb_message(
        &mut self,
        status: Option<u16>,
        method: Option<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        counts: bool,
    ) {
        let json = serde_json::from_slice::<Value>(&body).ok();
        let incoming = Incoming { status, method, headers, body, json, counts };
        self.seen.last = Some(self.ledger.absorb(self.clock.step, incoming));
        self.carried_by_latest();
    }

    /// Names the transcript entry recorded last as the one that carried the
    /// SUT's last message: what a check of that message points to.
    pub fn carried_by_latest(&mut self) {
        let (Some(last), Some(seq)) = (self.seen.last.as_mut(), self.transcript.latest()) else { return };
        last.exchange = Some(seq);
        self.ledger.carried_by(seq);
    }

    /// Records an exchange on the harness's endpoint (the SUT's request, our reply).
    pub fn record_inbound(&mut self, req: &Outgoing, at: Instant, reply: &Observed) {
        self.record_exchange("harness", req, at, &Ok(reply.clone()));
    }

    /// Records an exchange that began at `at` (the WebSocket handshake, a held poll).
    pub fn record_exchange(
        &mut self,
        channel: &str,
        req: &Outgoing,
        at: Instant,
        result: &Result<Observed, WireError>,
    ) {
        let at_ms = self.clock.ms_at(at);
        let took = at.elapsed().as_millis() as u64;
        self.transcript.exchange(channel, self.clock.step, at_ms, took, req, result);
    }

    /// Appends a WebSocket frame to the transcript.
    pub fn record_frame(&mut self, url: &str, direction: &str, opcode: &str, payload: &[u8]) {
        let at_ms = self.clock.elapsed_ms();
        self.transcript.frame(self.clock.step, at_ms, url, direction, opcode, payload);
    }

    /// SSF §4.1.4, §7.1: when a SET from the SUT names a key id that its known
    /// keys lack, the harness fetches the SUT's `jwks_uri` again, once per key
    /// id, as a receiver would after a rotation (SSF-SET-012). What comes back
    /// replaces the known keys; a failed fetch leaves them as they were.
    pub async fn learn_sut_keys(&mut self) {
        let Some(uri) = self.session.sut_trust.jwks_uri.clone() else { return };
        let session = &self.session;
        let known = |kid: &str| session.sut_trust.jwks.as_ref().is_some_and(|set| set.find(kid).is_some());
        // Only the SETs that arrived since the last look: this runs after every step.
        let emitted = &self.ledger.emitted;
        let fresh = &emitted[session.kids_scanned.min(emitted.len())..];
        let mut unseen: Vec<String> = fresh
            .iter()
            .filter_map(|(_, token, _, _)| token.split('.').next().and_then(crate::set::decode_header))
            .filter_map(|header| header.get("kid").and_then(Value::as_str).map(str::to_owned))
            .filter(|kid| !known(kid) && !session.kids_fetched_for.contains(kid))
            .collect();
        unseen.sort();
        unseen.dedup();
        self.session.kids_scanned = emitted.len();
        if unseen.is_empty() {
            return;
        }
        self.session.kids_fetched_for.extend(unseen);
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
            self.session.sut_trust.jwks = Some(keys);
        }
    }

    pub fn into_transcript(self) -> Vec<Exchange> {
        self.transcript.into_exchanges()
    }
}

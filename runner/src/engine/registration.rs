//! The harness's side of the SUT contract within a scenario: opening its
//! endpoint for a SUT that sends requests, registering as the SUT's peer, and
//! asking the SUT to act (queue SETs, initiate) through the trigger adapter.

use super::context::{Context, StepFailure};
use super::run_setup::Shared;
use crate::catalogue::Binding;
use crate::harness::endpoint::{HarnessEndpoint, Transport};
use crate::harness::key_server::KeyServer;
use crate::set::HarnessKeys;
use crate::trigger::persistent;
use crate::trigger::{self, ExecOutcome, HarnessIdentity, Initiate, Registration, TriggerAction, TriggerConfig};
use crate::wire::{NonHttpTrigger, Outgoing};
use serde_json::Value;
use std::time::Instant;

impl Context<'_> {
    /// Opens the harness's endpoint for a SUT that sends to it.
    pub async fn open_endpoint(
        &mut self,
        transport: Transport,
        path: &str,
        auth: crate::harness::endpoint::EndpointAuth,
    ) -> Result<(), StepFailure> {
        self.env.secrets.add(&self.session.endpoint_token);
        self.env.secrets.add_client(&auth.client.client_id, &auth.client.client_secret);
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let patience = self.clock.remaining();
        // The stable listener serves every endpoint with the harness's own certificate.
        if let Some(stable) = self.env.setup.stable.as_ref().filter(|_| transport == Transport::Tls) {
            let bare = self.shared_bare_path();
            self.link.endpoint = Some(HarnessEndpoint::routed(stable, patience, path, bare, auth));
            return Ok(());
        }
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
        self.link.endpoint = Some(endpoint);
        Ok(())
    }

    /// Registers the harness as a peer through the trigger adapter, if there is one;
    /// `binding` is how the SUT is to reach the harness's endpoint.
    pub async fn setup(&mut self, needs_trigger: bool, binding: Binding) -> Result<(), StepFailure> {
        if self.env.sut.trigger.is_none() {
            if needs_trigger {
                return Err(StepFailure::error(
                    "this scenario asks the SUT to act, and the SUT configuration has no trigger adapter".into(),
                ));
            }
            return Ok(());
        }
        let once = match self.shared_setup().await {
            Shared::Known => return Ok(()),
            Shared::RegisterOnce => true,
            Shared::Register => false,
        };
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let key_server = match &self.env.setup.stable {
            Some(stable) => KeyServer::routed(stable),
            None => KeyServer::start(listen, self.env.sut.harness_public_base.as_deref(), &self.env.pki)
                .await
                .map_err(|e| StepFailure::error(format!("cannot serve the harness's JWKS on {listen}: {e}")))?,
        };
        let identity = self.identity(self.shared_jwks_uri().unwrap_or_else(|| key_server.url.clone()));
        self.session.key_server = Some(key_server);
        let endpoint = self.link.endpoint.as_ref().map(|e| crate::trigger::HarnessEndpointGrant {
            url: self.shared_endpoint_url().unwrap_or_else(|| e.url.clone()),
            token: self.session.endpoint_token.clone(),
            oauth_client: self.session.oauth_client.clone(),
        });
        let register = TriggerAction::register(&identity, endpoint, binding.name());
        self.register_with(register, once, binding).await
    }

    /// Who the harness is, its keys at `jwks_uri`.
    pub(super) fn identity(&self, jwks_uri: String) -> HarnessIdentity {
        HarnessIdentity {
            issuer: self.env.sut.harness_issuer.clone(),
            audience: self.env.sut.harness_audience.clone(),
            jwks: HarnessKeys::get().jwks().clone(),
            jwks_uri: Some(jwks_uri),
            endpoint_ca: self.env.pki.ca_pem.clone(),
            client_certificate: Some(self.env.pki.client.chain_pem.clone()),
        }
    }

    /// Registers with `register` and takes in the answer; `once`: the registration
    /// is kept for the run's other scenarios.
    pub(super) async fn register_with(
        &mut self,
        register: TriggerAction,
        once: bool,
        binding: Binding,
    ) -> Result<(), StepFailure> {
        let Some(answer) = self.register_serving(register).await? else {
            // A person configures the SUT; its identity comes from sut.yaml.
            self.session.peer = Some("manual".into());
            return Ok(());
        };
        if let Some(why) = refusal(&answer) {
            return Err(StepFailure::registration_refused(format!("the SUT refused the registration: {why}")));
        }
        if let Ok(doc) = serde_json::from_slice::<Value>(&answer) {
            self.env.secrets.add_members(&doc, crate::wire::is_secret_member);
        }
        let reg: Registration = serde_json::from_slice(&answer)
            .map_err(|e| StepFailure::error(format!("trigger: peer registration answer is not understood: {e}")))?;
        self.take_registration(reg.clone())?;
        if once {
            self.keep_registration(reg).await;
        }
        if matches!(self.env.sut.trigger, Some(TriggerConfig::Ssf(_))) && binding == Binding::Push {
            self.answer_unsolicited().await;
        }
        Ok(())
    }

    /// An SSF transmitter may send a verification event of its own right after
    /// a push stream is created (SSF §8.1.4.2: one it initiates carries no
    /// `state`). The harness answers the first request that comes within
    /// [`UNSOLICITED_GRACE`] as it answers those that come during registration,
    /// so that the scenario's steps wait for the SETs they asked for.
    async fn answer_unsolicited(&mut self) {
        let wait = UNSOLICITED_GRACE.min(self.remaining());
        let Some(endpoint) = self.link.endpoint.as_mut() else { return };
        match endpoint.next(wait).await {
            Some(inbound) if inbound.request.upgrade => self.link.held = Some(inbound),
            Some(inbound) => super::steps::answer_meanwhile(self, inbound).await,
            None => {}
        }
    }

    /// Takes in what the SUT answered to a registration.
    pub(super) fn take_registration(&mut self, reg: Registration) -> Result<(), StepFailure> {
        let (sut_issuer, sut_audience) = (reg.sut_issuer(), reg.sut_audience());
        self.session.peer = Some(reg.peer);
        if reg.token.is_some() {
            self.session.token = reg.token;
        }
        if self.session.sut_trust.issuer.is_none() {
            self.session.sut_trust.issuer = sut_issuer;
        }
        if reg.jwks.is_some() && self.session.sut_trust.jwks.is_none() {
            self.session.sut_trust.jwks = reg.jwks;
        }
        if reg.jwks_uri.is_some() && self.session.sut_trust.jwks_uri.is_none() {
            self.session.sut_trust.jwks_uri = reg.jwks_uri;
        }
        if let Some(pem) = reg.client_certificate {
            use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
            let first = CertificateDer::pem_slice_iter(pem.as_bytes()).next().and_then(Result::ok);
            let Some(der) = first else {
                return Err(StepFailure::error(
                    "trigger: the registration answer's client_certificate holds no PEM certificate".into(),
                ));
            };
            self.session.sut_client_certificate = Some(der.to_vec());
        }
        if let Some(aud) = sut_audience.filter(|_| self.env.sut.sut_audience.is_none()) {
            self.session.minter.audience = aud;
        }
        // The harness's audience named in sut.yaml stays what the SUT's SETs are held to.
        let audience_configured = self.env.sut.harness_audience != crate::sut::DEFAULT_HARNESS_AUDIENCE;
        if let Some(aud) = reg.sets_audience.filter(|_| !audience_configured) {
            self.session.sut_trust.audience = Some(aud);
        }
        if reg.poll_endpoint.is_some() {
            self.session.poll_endpoint = reg.poll_endpoint;
        }
        Ok(())
    }

    /// Asks the SUT to queue `count` SETs for the harness, or (`None`) to
    /// initiate now; the scenario goes on while the call is under way.
    pub async fn trigger(&mut self, queue: Option<usize>) -> Result<(), StepFailure> {
        let Some(peer) = self.session.peer.clone() else {
            return Err(StepFailure::error("no trigger adapter to make the SUT act with".into()));
        };
        let action = match queue {
            Some(count) => TriggerAction::Queue { peer, count },
            None if self.env.sut.initiate == Initiate::Unsupported => {
                self.await_own_request();
                return Ok(());
            }
            None => TriggerAction::Initiate { peer },
        };
        self.trigger_in_background(action).await?;
        self.ledger.queued += queue.unwrap_or(0);
        Ok(())
    }
    /// Tells the SUT that the scenario is over (`release`), when a peer was
    /// registered for it alone. Optional for the SUT: whatever it answers (404, 501, an
    /// error) is only recorded. Bounded by [`RELEASE_LIMIT`] and the trigger's
    /// own timeout, not by the scenario deadline, which may have passed.
    pub async fn release(&mut self) {
        // A peer shared by the run's scenarios (per-run, static) outlives each of them.
        if self.env.sut.setup.shares_peer() {
            return;
        }
        let (Some(peer), Some(config)) = (self.session.peer.clone(), self.env.sut.trigger.clone()) else { return };
        let action = TriggerAction::Release { peer };
        let (at_ms, began) = (self.clock.elapsed_ms(), Instant::now());
        match config {
            TriggerConfig::Http { url } => {
                let limit = RELEASE_LIMIT.min(self.env.sut.timeouts.request);
                let req = Outgoing {
                    method: action.http_method().into(),
                    url: action.http_url(&url),
                    headers: vec![],
                    body: vec![],
                };
                let result = self.env.wire.exchange_pinned(&req, limit, None).await;
                let took = began.elapsed().as_millis() as u64;
                self.transcript.exchange("trigger", self.clock.step, at_ms, took, &req, &result);
            }
            TriggerConfig::Exec { command, dir, timeout } => {
                let outcome = trigger::run_exec(&command, &dir, &action, RELEASE_LIMIT.min(timeout)).await;
                let target = format!("exec: {}", command.join(" "));
                let body = action.body().to_string();
                self.record_command(at_ms, began, target, &action.env(), &body, &outcome.map_err(|e| e.to_string()));
            }
            TriggerConfig::Persistent(bridge) => {
                let (line, result) = bridge.act(&action, RELEASE_LIMIT.min(bridge.timeout)).await;
                let target = format!("exec (persistent): {}", bridge.command.join(" "));
                self.record_command(at_ms, began, target, &[], &line, &persistent::outcome(&result));
            }
            TriggerConfig::Ssf(sut) => {
                let limits = trigger::ssf::Limits { call: RELEASE_LIMIT, request: self.env.sut.timeouts.request };
                let call = trigger::ssf::act(&sut, &self.env.wire, &action, limits).await;
                self.record_legs(None, &call.legs);
            }
            TriggerConfig::Manual => {}
        }
    }

    /// For a SUT without a "send now" switch: nothing is sent, and the transcript
    /// says that the next step waits for the SUT's own request (pushpull §6.1:
    /// an initiator may post on a timer of its own).
    fn await_own_request(&mut self) {
        let text =
            "initiate: unsupported (sut.yaml): nothing sent; the next step takes the SUT's next request of its own";
        self.clock.own_request = true;
        self.transcript.non_http(NonHttpTrigger {
            seq: self.transcript.next_seq(),
            step: self.clock.step,
            at_ms: self.clock.elapsed_ms(),
            duration_ms: 0,
            kind: "WAIT",
            target: "initiate".into(),
            env: &[],
            body: text.as_bytes(),
            outcome: None,
        });
    }

    /// Records a trigger command's action (kind `EXEC`) in the transcript.
    fn record_command(
        &mut self,
        at_ms: u64,
        began: Instant,
        target: String,
        env: &[(String, String)],
        body: &str,
        outcome: &Result<ExecOutcome, String>,
    ) {
        self.transcript.non_http(NonHttpTrigger {
            seq: self.transcript.next_seq(),
            step: self.clock.step,
            at_ms,
            duration_ms: began.elapsed().as_millis() as u64,
            kind: "EXEC",
            target,
            env,
            body: body.as_bytes(),
            outcome: Some(outcome),
        });
    }
}

/// How long the harness waits for an SSF transmitter's own verification
/// event after creating a push stream.
const UNSOLICITED_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);

/// Longest the harness waits for a SUT to take a `release`.
const RELEASE_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A registration answer that declines: `{"refused": "<why>"}`.
fn refusal(answer: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(answer).ok()?;
    let why = v.get("refused")?;
    Some(why.as_str().map_or_else(|| why.to_string(), str::to_owned))
}

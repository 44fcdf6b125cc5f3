//! The harness's side of the SUT contract within a scenario: opening its
//! endpoint for a SUT that sends requests, registering as the SUT's peer, and
//! asking the SUT to act (queue SETs, initiate) through the trigger adapter.

use super::context::{Context, StepFailure};
use crate::catalogue::Binding;
use crate::harness::endpoint::HarnessEndpoint;
use crate::set::HarnessKeys;
use crate::trigger::persistent;
use crate::trigger::{
    self, BridgeReply, ExecOutcome, HarnessIdentity, Initiate, Registration, TriggerAction, TriggerConfig,
};
use crate::wire::{NonHttpTrigger, Outgoing};
use serde_json::Value;
use std::time::Instant;

impl Context<'_> {
    /// Opens the harness's endpoint for a SUT that sends to it.
    pub async fn open_endpoint(
        &mut self,
        transport: crate::harness::endpoint::Transport,
        path: &str,
        auth: crate::harness::endpoint::EndpointAuth,
    ) -> Result<(), StepFailure> {
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let patience = self.clock.remaining();
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
        let listen = std::net::SocketAddr::new(self.env.sut.harness_listen, 0);
        let key_server = crate::harness::key_server::KeyServer::start(
            listen,
            self.env.sut.harness_public_base.as_deref(),
            &self.env.pki,
        )
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
        self.session.key_server = Some(key_server);
        let endpoint = self.link.endpoint.as_ref().map(|e| crate::trigger::HarnessEndpointGrant {
            url: e.url.clone(),
            token: self.session.endpoint_token.clone(),
            oauth_client: self.session.oauth_client.clone(),
        });
        let Some(answer) = self.act(TriggerAction::register(&identity, endpoint, binding.name())).await? else {
            // A person configures the SUT; its identity comes from sut.yaml.
            self.session.peer = Some("manual".into());
            return Ok(());
        };
        if let Some(why) = refusal(&answer) {
            return Err(StepFailure::registration_refused(format!("the SUT refused the registration: {why}")));
        }
        let reg: Registration = serde_json::from_slice(&answer)
            .map_err(|e| StepFailure::error(format!("trigger: peer registration answer is not understood: {e}")))?;
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
        Ok(())
    }

    /// Asks the SUT to queue `count` SETs for the harness, or (`None`) to initiate now.
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
        self.act(action).await?;
        self.ledger.queued += queue.unwrap_or(0);
        Ok(())
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
                if matches!(action, TriggerAction::Register { .. }) && REFUSALS.contains(&obs.status) {
                    return Err(StepFailure::registration_refused(format!(
                        "the SUT refused the registration: HTTP {} {}",
                        obs.status,
                        excerpt(&obs.body)
                    )));
                }
                if !(200..300).contains(&obs.status) {
                    return Err(StepFailure::trigger_failed(format!("trigger: {what} answered HTTP {}", obs.status)));
                }
                Ok(Some(obs.body))
            }
            TriggerConfig::Exec { command, dir, timeout } => {
                let at_ms = self.clock.elapsed_ms();
                let began = Instant::now();
                let limit = timeout.min(self.remaining());
                let outcome = trigger::run_exec(&command, &dir, &action, limit).await.map_err(|e| e.to_string());
                let target = format!("exec: {}", command.join(" "));
                self.record_command(at_ms, began, target, &action.env(), &action.body().to_string(), &outcome);
                let o = outcome.map_err(|e| {
                    StepFailure::trigger_failed(format!("trigger command for {what} did not start: {e}"))
                })?;
                let tail = String::from_utf8_lossy(&o.stderr[o.stderr.len().saturating_sub(300)..]).trim().to_owned();
                match (o.timed_out, o.exit_code) {
                    (true, _) => Err(StepFailure::trigger_failed(format!(
                        "trigger command for {what} was still running after {} ms and was killed; stderr: {tail}",
                        limit.as_millis()
                    ))),
                    (false, Some(0)) => Ok(Some(o.stdout)),
                    (false, code) => Err(StepFailure::trigger_failed(format!(
                        "trigger command for {what} exited with {}; stderr: {tail}",
                        code.map_or("a signal".to_owned(), |c| c.to_string())
                    ))),
                }
            }
            TriggerConfig::Persistent(bridge) => {
                let (at_ms, began) = (self.clock.elapsed_ms(), Instant::now());
                let (line, result) = bridge.act(&action, bridge.timeout.min(self.remaining())).await;
                let target = format!("exec (persistent): {}", bridge.command.join(" "));
                self.record_command(at_ms, began, target, &[], &line, &persistent::outcome(&result));
                let failed = |why: String| StepFailure::trigger_failed(format!("trigger bridge: {what}: {why}"));
                match result.map_err(failed)?.1 {
                    BridgeReply::Answer(answer) => Ok(Some(answer.to_string().into_bytes())),
                    // Read by `setup` as the http adapter's `{"refused": ...}` answer.
                    BridgeReply::Refused(why) if what == "register" => {
                        Ok(Some(serde_json::json!({ "refused": why }).to_string().into_bytes()))
                    }
                    BridgeReply::Refused(why) | BridgeReply::Error(why) => Err(failed(why)),
                }
            }
            TriggerConfig::Manual => {
                let Some(text) = action.instructions(&self.scenario_id) else { return Ok(None) };
                eprintln!("setconform: {text}");
                self.transcript.non_http(NonHttpTrigger {
                    seq: self.transcript.next_seq(),
                    step: self.clock.step,
                    at_ms: self.clock.elapsed_ms(),
                    duration_ms: 0,
                    kind: "MANUAL",
                    target: "manual".into(),
                    env: &[],
                    body: text.as_bytes(),
                    outcome: None,
                });
                self.clock.manual = true;
                Ok(None)
            }
        }
    }

    /// Tells the SUT that the scenario is over (`release`), when a peer was
    /// registered. Optional for the SUT: whatever it answers (404, 501, an
    /// error) is only recorded. Bounded by [`RELEASE_LIMIT`] and the trigger's
    /// own timeout, not by the scenario deadline, which may have passed.
    pub async fn release(&mut self) {
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

/// Longest the harness waits for a SUT to take a `release`.
const RELEASE_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Statuses of a control API that understood a registration and declined it
/// (a 404 or 401 says the adapter is misconfigured, not that the SUT refused).
const REFUSALS: [u16; 4] = [400, 403, 409, 422];

/// A registration answer that declines: `{"refused": "<why>"}`.
fn refusal(answer: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(answer).ok()?;
    let why = v.get("refused")?;
    Some(why.as_str().map_or_else(|| why.to_string(), str::to_owned))
}

/// The start of a SUT's answer, for a reason text.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A JSON request with an optional bearer token.
fn json_request(method: &str, url: String, body: &Value, token: Option<&str>) -> Outgoing {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(t) = token {
        headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
    }
    Outgoing { method: method.to_owned(), url, headers, body: body.to_string().into_bytes() }
}

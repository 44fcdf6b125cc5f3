//! Trigger calls that never block the SUT. A real product may act inside the
//! very call that asks it to: push the SETs it was asked to queue and answer
//! only when the harness has answered them, or send a verification SET inside
//! stream creation and roll back if it gets no answer. So a call runs on a
//! task of its own ([`InFlight`]) and the harness's endpoint serves on:
//!
//! - while the SUT registers ([`Context::register_serving`]), each request it
//!   sends is answered as a receiver would (accepted, acknowledged) and counts
//!   like any other;
//! - after a `queue` or `initiate` step, the next steps run at once; a step that
//!   waits for the SUT's request takes one that comes during the call, and its
//!   window starts only when the call has ended ([`Context::next_inbound`]), as
//!   if the call had returned before the step began;
//! - a step that does not wait on the SUT first lets the call end
//!   ([`Context::conclude_trigger`]); so does the end of the scenario, briefly.
//!
//! The call's place in the transcript is taken when it starts.

use super::context::{Context, StepFailure};
use super::state::{Called, InFlight};
use crate::harness::endpoint::Inbound;
use crate::trigger::{self, BridgeReply, TriggerAction, TriggerConfig, persistent};
use crate::wire::{self, NonHttpTrigger, Outgoing, WireError};
use setconform_reports::Exchange;
use std::time::{Duration, Instant};

/// How long the end of a scenario waits for a trigger call still under way.
const END_GRACE: Duration = Duration::from_secs(2);

/// Statuses of a control API that understood a registration and declined it
/// (a 404 or 401 says the adapter is misconfigured, not that the SUT refused).
const REFUSALS: [u16; 4] = [400, 403, 409, 422];

impl Context<'_> {
    /// Starts `action` with the configured adapter on a task of its own; a
    /// person (`manual`) is told at once.
    pub(super) fn start_trigger(&mut self, action: TriggerAction) -> Result<InFlight, StepFailure> {
        let Some(config) = self.env.sut.trigger.clone() else {
            return Err(StepFailure::error("no trigger adapter to make the SUT act with".into()));
        };
        let what = action.name();
        let (step, at_ms) = (self.clock.step, self.clock.elapsed_ms());
        let limit = self.remaining();
        let task = match config {
            TriggerConfig::Http { url } => {
                let req = control_request(action.http_url(&url), &action);
                let limit = limit.min(self.env.sut.timeouts.request);
                let wire = self.env.wire.clone();
                tokio::spawn(async move {
                    let began = Instant::now();
                    let result = wire.exchange_pinned(&req, limit, None).await;
                    Called::Http { req, took_ms: began.elapsed().as_millis() as u64, limit, result }
                })
            }
            TriggerConfig::Exec { command, dir, timeout } => {
                let limit = timeout.min(limit);
                tokio::spawn(async move {
                    let began = Instant::now();
                    let outcome = trigger::run_exec(&command, &dir, &action, limit).await.map_err(|e| e.to_string());
                    let took_ms = began.elapsed().as_millis() as u64;
                    Called::Exec {
                        command,
                        env: action.env(),
                        body: action.body().to_string().into_bytes(),
                        took_ms,
                        limit,
                        outcome,
                    }
                })
            }
            TriggerConfig::Persistent(bridge) => {
                let limit = bridge.timeout.min(limit);
                tokio::spawn(async move {
                    let began = Instant::now();
                    let (line, result) = bridge.act(&action, limit).await;
                    let took_ms = began.elapsed().as_millis() as u64;
                    Called::Persistent { command: bridge.command.clone(), line, took_ms, result }
                })
            }
            TriggerConfig::Ssf(sut) => {
                let limits = trigger::ssf::Limits { call: limit, request: self.env.sut.timeouts.request };
                let wire = self.env.wire.clone();
                tokio::spawn(async move { Called::Ssf(trigger::ssf::act(&sut, &wire, &action, limits).await) })
            }
            TriggerConfig::Manual => {
                let text = action.instructions(&self.scenario_id).unwrap_or_default();
                eprintln!("setconform: {text}");
                self.transcript.non_http(NonHttpTrigger {
                    seq: self.transcript.next_seq(),
                    step,
                    at_ms,
                    duration_ms: 0,
                    kind: "MANUAL",
                    target: "manual".into(),
                    env: &[],
                    body: text.as_bytes(),
                    outcome: None,
                });
                self.clock.manual = true;
                tokio::spawn(async { Called::Manual })
            }
        };
        let slot = match self.env.sut.trigger {
            Some(TriggerConfig::Manual) => 0,
            _ => self.transcript.reserve(|seq| still_running(seq, what, step, at_ms)),
        };
        Ok(InFlight { what, slot, step, at_ms, task })
    }

    /// Starts a `queue` or `initiate` call and goes on; one still under way from
    /// an earlier step is concluded first.
    pub(super) async fn trigger_in_background(&mut self, action: TriggerAction) -> Result<(), StepFailure> {
        self.conclude_trigger().await?;
        let flight = self.start_trigger(action)?;
        self.link.trigger = Some(flight);
        Ok(())
    }

    /// Waits for the trigger call under way, if any, to end, and takes its outcome.
    pub(super) async fn conclude_trigger(&mut self) -> Result<(), StepFailure> {
        // Taken only once it has ended: a wait that this one races may drop it first.
        let Some(flight) = self.link.trigger.as_mut() else { return Ok(()) };
        let called = (&mut flight.task).await;
        let Some(flight) = self.link.trigger.take() else { return Ok(()) };
        self.conclude(flight, called).map(drop)
    }

    /// At the end of the steps: a call still under way gets a short while to
    /// end; one that does not is left, recorded as still running. A failure it
    /// ends with still stops the scenario.
    pub(super) async fn settle_trigger_at_end(&mut self) -> Result<(), StepFailure> {
        let Some(mut flight) = self.link.trigger.take() else { return Ok(()) };
        let grace = END_GRACE.min(self.remaining());
        match tokio::time::timeout(grace, &mut flight.task).await {
            Ok(called) => self.conclude(flight, called).map(drop),
            Err(_) => {
                flight.task.abort();
                Ok(())
            }
        }
    }

    /// Registers with `action` while the harness's endpoint answers what the
    /// SUT sends in the meantime ([`super::steps::answer_meanwhile`]); returns
    /// the SUT's answer (`None` when a person was asked to act).
    pub(super) async fn register_serving(&mut self, action: TriggerAction) -> Result<Option<Vec<u8>>, StepFailure> {
        let mut flight = self.start_trigger(action)?;
        loop {
            let remaining = self.remaining();
            let Some(endpoint) = self.link.endpoint.as_mut() else {
                let called = (&mut flight.task).await;
                return self.conclude(flight, called);
            };
            let woke = tokio::select! {
                called = &mut flight.task => Woke::Concluded(called),
                inbound = endpoint.next(remaining) => Woke::Request(inbound),
            };
            match woke {
                Woke::Concluded(called) => return self.conclude(flight, called),
                Woke::Request(Some(inbound)) if inbound.request.upgrade => self.link.held = Some(inbound),
                Woke::Request(Some(inbound)) => super::steps::answer_meanwhile(self, inbound).await,
                Woke::Request(None) => {
                    let called = (&mut flight.task).await;
                    return self.conclude(flight, called);
                }
            }
        }
    }

    /// The SUT's next request to the harness's endpoint within `wait`, and when
    /// the wait began. While a trigger call is under way, a request that comes
    /// is taken at once, as come at the start of the window, which otherwise
    /// begins when the call ends.
    pub(super) async fn next_inbound(&mut self, wait: Duration) -> Result<(Option<Inbound>, Instant), StepFailure> {
        let mut began = Instant::now();
        if let Some(held) = self.link.held.take() {
            return Ok((Some(held), began));
        }
        loop {
            let left = wait.saturating_sub(began.elapsed()).min(self.remaining());
            let Some(endpoint) = self.link.endpoint.as_mut() else { return Ok((None, began)) };
            let Some(flight) = self.link.trigger.as_mut() else {
                return Ok((endpoint.next(left).await, began));
            };
            let remaining = self.clock.remaining();
            let woke = tokio::select! {
                inbound = endpoint.next(remaining) => Woke::Request(inbound),
                called = &mut flight.task => Woke::Concluded(called),
            };
            match woke {
                // It came before the window began: as if at its start.
                Woke::Request(inbound) => return Ok((inbound, Instant::now())),
                Woke::Concluded(called) => {
                    if let Some(flight) = self.link.trigger.take() {
                        self.conclude(flight, called)?;
                    }
                    began = Instant::now();
                }
            }
        }
    }

    /// Records how the call ended and turns it into the SUT's answer or a failure.
    fn conclude(
        &mut self,
        flight: InFlight,
        called: Result<Called, tokio::task::JoinError>,
    ) -> Result<Option<Vec<u8>>, StepFailure> {
        let what = flight.what;
        let called = called.map_err(|e| StepFailure::error(format!("trigger: the {what} call was lost: {e}")))?;
        let (step, at_ms) = (flight.step, flight.at_ms);
        match called {
            Called::Manual => Ok(None),
            Called::Http { req, took_ms, limit, result } => {
                self.seen.last_took = Some(Duration::from_millis(took_ms));
                let entry = wire::record(flight.slot, "trigger", step, at_ms, took_ms, &req, &result);
                self.transcript.fill(flight.slot, entry);
                let target = format!("trigger: {} {}", req.method, wire::redact_url(&req.url));
                let obs = result.map_err(|e| match e {
                    WireError::Timeout(_) => {
                        StepFailure::timeout(format!("{target}: no response within {} ms", limit.as_millis()))
                    }
                    WireError::Connect(why) => StepFailure::unreachable(format!("{target}: SUT unreachable: {why}")),
                    WireError::Other(why) => StepFailure::error(format!("{target}: {why}")),
                })?;
                if what == "register" && REFUSALS.contains(&obs.status) {
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
            Called::Ssf(call) => {
                self.record_legs(Some(&flight), &call.legs);
                call.result.map(Some).map_err(|failure| ssf_failure(what, failure))
            }
            Called::Persistent { command, line, took_ms, result } => {
                let target = format!("exec (persistent): {}", command.join(" "));
                self.fill_command(&flight, took_ms, target, &[], line.as_bytes(), &persistent::outcome(&result));
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
            Called::Exec { command, env, body, took_ms, limit, outcome } => {
                self.fill_command(&flight, took_ms, format!("exec: {}", command.join(" ")), &env, &body, &outcome);
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
        }
    }

    /// Puts a trigger command's run (kind `EXEC`) in the place its call took.
    fn fill_command(
        &mut self,
        flight: &InFlight,
        took_ms: u64,
        target: String,
        env: &[(String, String)],
        body: &[u8],
        outcome: &Result<trigger::ExecOutcome, String>,
    ) {
        let entry = wire::record_non_http(NonHttpTrigger {
            seq: flight.slot,
            step: flight.step,
            at_ms: flight.at_ms,
            duration_ms: took_ms,
            kind: "EXEC",
            target,
            env,
            body,
            outcome: Some(outcome),
        });
        self.transcript.fill(flight.slot, entry);
    }
}

impl Context<'_> {
    /// Records the exchanges of an `ssf` call on channel `trigger`: the first in
    /// the place the call took (`flight`), the others after it.
    pub(super) fn record_legs(&mut self, flight: Option<&InFlight>, legs: &[trigger::ssf::Leg]) {
        let step = flight.map_or(self.clock.step, |f| f.step);
        let mut slot = flight.map(|f| f.slot);
        for leg in legs {
            let (hop, at_ms) = (&leg.hop, self.clock.ms_at(leg.at));
            match slot.take() {
                Some(seq) => {
                    let entry = wire::record(seq, "trigger", step, at_ms, hop.took_ms, &hop.req, &hop.result);
                    self.transcript.fill(seq, entry);
                }
                None => self.transcript.exchange("trigger", step, at_ms, hop.took_ms, &hop.req, &hop.result),
            }
        }
        if let (Some(seq), Some(f)) = (slot, flight) {
            let req =
                Outgoing { method: "TRIGGER".into(), url: f.what.to_owned(), headers: Vec::new(), body: Vec::new() };
            let err = Err(WireError::Other(format!("the {} call made no exchange", f.what)));
            self.transcript.fill(seq, wire::record(seq, "trigger", step, f.at_ms, 0, &req, &err));
        }
    }
}

/// What an `ssf` call that did not make the SUT act stops the scenario with.
fn ssf_failure(what: &str, failure: trigger::ssf::SsfFailure) -> StepFailure {
    use trigger::ssf::SsfFailure;
    match failure {
        SsfFailure::Refused(why) if what == "register" => {
            StepFailure::registration_refused(format!("the SUT refused the registration: {why}"))
        }
        SsfFailure::Refused(why) | SsfFailure::Failed(why) => {
            StepFailure::trigger_failed(format!("trigger (ssf): {what}: {why}"))
        }
        SsfFailure::Timeout(why) => StepFailure::timeout(format!("trigger (ssf): {what}: {why}")),
        SsfFailure::Unreachable(why) => StepFailure::unreachable(format!("trigger (ssf): {what}: {why}")),
    }
}

/// What ended a wait on the endpoint and the call under way together.
enum Woke {
    Request(Option<Inbound>),
    Concluded(Result<Called, tokio::task::JoinError>),
}

/// The transcript entry of a call that has not ended (yet).
fn still_running(seq: usize, what: &str, step: usize, at_ms: u64) -> Exchange {
    let req = Outgoing { method: "TRIGGER".into(), url: what.to_owned(), headers: Vec::new(), body: Vec::new() };
    let err = Err(WireError::Other(format!("the {what} call was still under way when the scenario ended")));
    wire::record(seq, "trigger", step, at_ms, 0, &req, &err)
}

/// The control API request for `action`.
fn control_request(url: String, action: &TriggerAction) -> Outgoing {
    let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    Outgoing { method: action.http_method().to_owned(), url, headers, body: action.body().to_string().into_bytes() }
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

//! Executing one scenario, from its YAML steps to its verdict:
//!
//! 1. [`run_scenario`] opens the harness's endpoint if the SUT sends
//!    requests, and registers the harness as the SUT's peer
//!    ([`registration`]); a SUT that refuses to register an endpoint it must
//!    not trust has kept the scenario's rule ([`refusal`]);
//! 2. each step acts ([`steps`]) and what the SUT sends goes into the
//!    scenario's state ([`state`], through [`context::Context`]);
//! 3. each expectation of the step names a check ([`checks`]), whose
//!    judgement the one judge ([`crate::judge`]) turns into a verdict;
//! 4. after the last step, every SET the SUT sent is judged by the content
//!    rules ([`content`]), and the scenario's verdict is the worst of all;
//!    when it stopped because the SUT could not be reached or a trigger
//!    failed ([`stop`]), what was found broken before then is ERROR, not
//!    judged, for it is no finding on the SUT.

pub(crate) mod checks;
mod content;
mod context;
mod fuzz;
mod known_secrets;
pub mod late;
mod refusal;
mod registration;
mod run_setup;
pub(crate) mod state;
mod steps;
mod stop;
mod trigger_call;
mod watch;

pub use context::RunEnv;
#[doc(hidden)]
pub use fuzz::sut_message as fuzz_sut_message;
pub use known_secrets::learn_sut;
pub use run_setup::RunSetup;

use crate::catalogue::{Action, EndpointAuthMode, EndpointCert, Expectation, Scenario};
use crate::harness::endpoint::{ClientCredentials, EndpointAuth, Transport};
use crate::judge::{Finding, Judge, Reading, not_judged_after_stop, scenario_verdict};
use context::{Context, StepFailure};
use setconform_reports::{ExpectationResult, ScenarioResult, Verdict};
use std::time::{Duration, Instant};
use stop::Stop;

/// Pauses between attempts at a step while a person acts (manual trigger).
const MANUAL_FIRST_PAUSE: Duration = Duration::from_millis(250);
const MANUAL_MAX_PAUSE: Duration = Duration::from_secs(2);

/// Runs `scenario` for `profile` and returns its judged result. If `stop`
/// ends first (the run was interrupted), the scenario ends at once: ERROR
/// with the reason `stop` gives and the exchanges recorded so far, nothing judged.
pub async fn run_scenario(
    env: &RunEnv,
    scenario: &Scenario,
    profile: &str,
    stop: impl std::future::Future<Output = String>,
) -> ScenarioResult {
    let started = Instant::now();
    let deadline = scenario.deadline_ms.map_or(env.sut.timeouts.scenario, Duration::from_millis);
    let mut ctx = Context::new(env, scenario, started + deadline);
    let judge = Judge::new(&env.catalogue);
    let mut expectations = Vec::new();
    let mut skipped = 0;

    let steps =
        tokio::time::timeout(deadline, run_steps(&mut ctx, scenario, profile, judge, &mut expectations, &mut skipped));
    let outcome = tokio::select! {
        outcome = steps => Ok(outcome),
        reason = stop => Err(reason),
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(reason) => {
            ctx.learn_secrets();
            return stopped_from_outside(scenario, profile, started, reason, ctx);
        }
    };
    ctx.learn_secrets();
    // Whatever happened to the steps, the SETs that did arrive are judged.
    let content = content::judge(&ctx);
    let content_rules: Vec<String> = content.iter().map(|j| j.req.clone()).collect();
    expectations.extend(
        content.into_iter().map(|j| ExpectationResult {
            check: Some(content::CHECK.to_owned()),
            ..judge.result(j, Reading::default())
        }),
    );
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(f)) => Some(f),
        Err(_) => {
            ctx.abandon_in_flight(deadline);
            Some(StepFailure::timeout(format!(
                "scenario deadline of {} ms passed during step {}",
                deadline.as_millis(),
                ctx.clock.step
            )))
        }
    };
    if let Some(why) = failure.as_ref().and_then(|f| f.stop.discredits_findings()) {
        not_judged_after_stop(&mut expectations, why);
    }
    let stopped = failure.as_ref().map(StepFailure::verdict);
    let verdict = scenario_verdict(&expectations, stopped);
    // A request that must not arrive may still come after the window: the
    // endpoint listens on until the run ends ([`late`]). A SUT that shares one
    // peer across scenarios sends to one URL, so what comes later names no scenario.
    let attributable = stopped.is_none() && !env.sut.setup.shares_peer();
    let late = if attributable { late::broken_forms(scenario, &expectations, judge) } else { Vec::new() };
    // The scenario is over for the SUT too; not while the endpoint listens on for what must not come.
    if late.is_empty() {
        ctx.release().await;
    }
    steps::ssf::delete_leftovers(&mut ctx).await;
    if !late.is_empty()
        && let Some(endpoint) = ctx.link.endpoint.take()
    {
        env.late.keep(endpoint, &scenario.id, profile, late);
    }
    // Nothing judged and nothing stopped it: INFO, and the report says why (never PASS).
    let reason = match failure {
        Some(f) => Some(f.reason),
        None if expectations.is_empty() => Some(nothing_judged(skipped)),
        None => None,
    };
    ScenarioResult {
        id: scenario.id.clone(),
        title: scenario.title.clone(),
        description: scenario.description.clone(),
        profile: profile.to_owned(),
        requirements: {
            let mut ids = scenario.requirements.clone();
            ids.extend(content_rules.into_iter().filter(|r| !scenario.requirements.contains(r)));
            ids
        },
        tags: scenario.tags.clone(),
        steps: scenario.step_records(),
        verdict,
        reason,
        na_kind: None,
        duration_ms: started.elapsed().as_millis() as u64,
        expectations,
        transcript: ctx.into_transcript(),
    }
}

/// A scenario ended by the run's stop: ERROR with `reason`, the exchanges so
/// far and no expectation (what it would have judged was not seen to the end).
fn stopped_from_outside(
    scenario: &Scenario,
    profile: &str,
    started: Instant,
    reason: String,
    mut ctx: Context<'_>,
) -> ScenarioResult {
    ctx.end_in_flight(crate::wire::WireError::Other(reason.clone()));
    let mut result = unjudged(scenario, profile, Verdict::Error, reason);
    result.duration_ms = started.elapsed().as_millis() as u64;
    result.transcript = ctx.into_transcript();
    result
}

/// The result of a scenario that judged nothing: its verdict, and why.
pub fn unjudged(scenario: &Scenario, profile: &str, verdict: Verdict, reason: String) -> ScenarioResult {
    ScenarioResult {
        id: scenario.id.clone(),
        title: scenario.title.clone(),
        description: scenario.description.clone(),
        profile: profile.to_owned(),
        requirements: scenario.requirements.clone(),
        tags: scenario.tags.clone(),
        steps: scenario.step_records(),
        verdict,
        reason: Some(reason),
        na_kind: None,
        duration_ms: 0,
        expectations: Vec::new(),
        transcript: Vec::new(),
    }
}

async fn run_steps(
    ctx: &mut Context<'_>,
    scenario: &Scenario,
    profile: &str,
    judge: Judge<'_>,
    results: &mut Vec<ExpectationResult>,
    skipped: &mut usize,
) -> Result<(), StepFailure> {
    let profile_def = ctx.env.catalogue.profiles.get(profile);
    let sut_sends = profile_def.is_some_and(|p| p.sut_sends());
    ctx.binding = profile_def.map(|p| p.delivery()).unwrap_or_default();
    // The harness is an SSF receiver: streams are made by the steps, not by registering.
    let ssf = profile_def.is_some_and(|p| p.protocol == crate::catalogue::Protocol::Ssf);
    if let Some(p) = profile_def {
        ctx.set_profile = p.set_profile_under(ctx.set_profile);
    }
    if scenario.probes_sut_tls()
        && let Some(url) = ctx.sut_endpoint_url().filter(|u| crate::sut::is_cleartext(u))
    {
        return Err(StepFailure::error(format!(
            "the SUT endpoint is not TLS ({url}): this scenario judges the TLS of that endpoint, and there is none"
        )));
    }
    if sut_sends {
        open_endpoint(ctx, scenario).await?;
    }
    let needs_trigger = sut_sends || scenario.steps.iter().any(|s| matches!(s.action, Action::Trigger(_)));
    let setup = if ssf { Ok(()) } else { ctx.setup(needs_trigger, ctx.binding).await };
    match setup {
        Err(refused) if refused.stop == Stop::RegistrationRefused && scenario.offers_untrusted_endpoint() => {
            results.extend(refusal::keeps(scenario, judge, &refused.reason));
            return Ok(());
        }
        setup => setup?,
    }
    let mut after_manual = false;
    for (i, step) in scenario.steps.iter().enumerate() {
        ctx.clock.step = i + 1;
        let mut pause = MANUAL_FIRST_PAUSE;
        loop {
            let (judged, not_applying) = observe(ctx, scenario, step, judge).await?;
            // After asking a person to act, give them until the deadline to get it
            // right; waiting does not make a rule that cannot be judged judgeable.
            let settled = judged
                .iter()
                .all(|(f, r)| r.verdict == Verdict::Pass || matches!(f, Finding::NotJudged | Finding::OutOfProfile));
            if !after_manual || settled || ctx.remaining() <= pause {
                results.extend(judged.into_iter().map(|(_, r)| r));
                *skipped += not_applying;
                break;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MANUAL_MAX_PAUSE);
        }
        after_manual = std::mem::take(&mut ctx.clock.manual);
    }
    ctx.settle_trigger_at_end().await
}

/// The harness's endpoint for a SUT that sends it requests, with a fresh token and client.
async fn open_endpoint(ctx: &mut Context<'_>, scenario: &Scenario) -> Result<(), StepFailure> {
    ctx.session.endpoint_token =
        ctx.env.setup.endpoint_token.clone().unwrap_or_else(|| format!("harness-{}", ctx.rng.uuid()));
    let transport = match (scenario.endpoint_tls, scenario.endpoint_cert) {
        (false, _) => Transport::Cleartext,
        (true, EndpointCert::SelfSigned) => Transport::UntrustedTls,
        (true, EndpointCert::WrongName) => Transport::WrongNameTls,
        (true, EndpointCert::Expired) => Transport::ExpiredTls,
        (true, EndpointCert::Harness) => Transport::Tls,
    };
    let client = ClientCredentials {
        client_id: format!("sut-{}", ctx.rng.uuid()),
        client_secret: format!("secret-{}", crate::harness::listener::private_segment()),
    };
    let auth =
        EndpointAuth { publish_metadata: scenario.endpoint_auth == EndpointAuthMode::Oauth, client: client.clone() };
    ctx.session.oauth_client = Some(client);
    ctx.open_endpoint(transport, ctx.binding.endpoint_path(), auth).await
}

/// Acts and judges one step, looking again as long as its window says
/// ([`watch`]); returns the judgements of the last look and how many
/// expectations did not apply.
async fn observe(
    ctx: &mut Context<'_>,
    scenario: &Scenario,
    step: &crate::catalogue::Step,
    judge: Judge<'_>,
) -> Result<(Vec<(Finding, ExpectationResult)>, usize), StepFailure> {
    let last = scenario.steps.last().is_some_and(|s| std::ptr::eq(s, step));
    let window = watch::Window::of(&step.action, &step.expect, &ctx.env.sut.timeouts, last);
    let began = Instant::now();
    let mut pause = watch::FIRST_PAUSE;
    let mut looks = 0;
    let mut first = None;
    loop {
        act(ctx, &step.action, scenario.twin_of.is_some()).await?;
        looks += 1;
        ctx.learn_sut_keys().await;
        let (applying, not_applying): (Vec<_>, Vec<_>) =
            step.expect.iter().enumerate().partition(|(_, e)| applies(ctx, e));
        let judged: Vec<(Finding, ExpectationResult)> =
            applying.into_iter().flat_map(|(i, e)| judge_one(ctx, judge, e, i + 1)).collect();
        let mut judged = match &first {
            None => first.insert(judged).clone(),
            Some(first) => watch::Window::merge(&step.expect, first, judged),
        };
        if !window.again(&step.expect, &judged, began.elapsed(), pause, ctx.remaining()) {
            window.finish(&mut judged, &step.expect, began.elapsed(), looks);
            return Ok((judged, not_applying.len()));
        }
        tokio::time::sleep(pause).await;
        pause = watch::next_pause(pause);
    }
}

/// Performs one step's action; in the WebSocket twin of a scenario written
/// for HTTP (`over_socket`), its Communication Object steps go over the socket.
async fn act(ctx: &mut Context<'_>, action: &Action, over_socket: bool) -> Result<(), StepFailure> {
    // A step that waits for the SUT takes what comes during a trigger call
    // under way; any other lets the call end first ([`trigger_call`]).
    let waits_for_sut = matches!(
        action,
        Action::AwaitRequest(_)
            | Action::WsAccept(_)
            | Action::WsReceive(_)
            | Action::SsfEvents(_)
            | Action::SsfAwait(_)
    );
    if !waits_for_sut && !matches!(action, Action::Trigger(_)) {
        ctx.conclude_trigger().await?;
    }
    match action {
        Action::Trigger(t) if over_socket && t.queue.is_some() => {
            ctx.link.sets_owed = ctx.link.ws.is_none();
            ctx.trigger(t.queue).await
        }
        Action::Send(spec) if over_socket => steps::socket::send(ctx, spec).await,
        Action::Settle(spec) if over_socket => steps::socket::settle(ctx, spec).await,
        Action::AwaitRequest(spec) if over_socket => steps::socket::await_request(ctx, spec).await,
        Action::Trigger(t) => ctx.trigger(t.queue).await,
        Action::Send(spec) => steps::send(ctx, spec).await,
        Action::Push(spec) => steps::push(ctx, spec).await,
        Action::TlsProbe(spec) => steps::tls_probe(ctx, spec).await,
        Action::Settle(spec) => steps::settle(ctx, spec).await,
        Action::AwaitRequest(spec) => steps::await_request(ctx, spec).await,
        Action::WsConnect(spec) => steps::ws_connect(ctx, spec).await,
        Action::WsAccept(spec) => steps::ws_accept(ctx, spec).await,
        Action::WsSend(spec) => steps::ws_send(ctx, spec).await,
        Action::WsReceive(spec) => steps::ws_receive(ctx, spec).await,
        Action::Ssf(spec) => steps::ssf_call(ctx, spec).await,
        Action::SsfEvents(spec) => steps::ssf_events(ctx, spec).await,
        Action::SsfTransmitter(spec) => steps::ssf_transmitter::start(ctx, spec).await,
        Action::SsfAwait(spec) => steps::ssf_transmitter::await_call(ctx, spec).await,
    }
}

/// Why a scenario that ran to its end judged nothing.
fn nothing_judged(skipped: usize) -> String {
    match skipped {
        0 => "not judged: the scenario has no expectation and the SUT sent no SETs".to_owned(),
        n => format!(
            "not judged: none of its {n} expectations applied (each depends on an HTTP status, if_status, \
             the SUT did not answer) and the SUT sent no SETs"
        ),
    }
}

/// `if_status`: an expectation on an error body is judged only when the SUT answered with that status.
fn applies(ctx: &Context<'_>, e: &Expectation) -> bool {
    e.if_status.is_none_or(|s| ctx.seen.last.as_ref().and_then(|l| l.status) == Some(s))
}

/// The expectation at `position` (1 = first) of the current step, judged:
/// each finding and its result, which names the check and the position.
fn judge_one(
    ctx: &Context<'_>,
    judge: Judge<'_>,
    e: &Expectation,
    position: usize,
) -> Vec<(Finding, ExpectationResult)> {
    let claimed = ctx.set_profile;
    checks::evaluate(ctx, &e.check, &e.req)
        .into_iter()
        .map(|j| j.within(&ctx.env.catalogue, claimed))
        .map(|j| (j.finding, judge.result_for(j, e, position)))
        .collect()
}

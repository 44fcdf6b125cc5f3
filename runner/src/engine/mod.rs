//! Executing one scenario: set up a peer identity at the SUT, run the steps,
//! judge each step's expectations, and keep every exchange.

mod content;
mod context;
mod expect;
mod fuzz;
mod judge;
mod steps;
mod websocket;

pub use context::RunEnv;
#[doc(hidden)]
pub use fuzz::sut_message as fuzz_sut_message;

/// The RFC 8417 rules judged on every SET a SUT sends.
pub fn content_rules() -> impl Iterator<Item = &'static str> {
    content::RULES.iter().map(|(id, _)| *id)
}

use crate::catalogue::{Action, EndpointAuthMode, EndpointCert, Scenario};
use crate::endpoint::{ClientCredentials, EndpointAuth, Transport};
use context::{Context, StepFailure};
use setconform_reports::{ExpectationResult, ScenarioResult, Verdict};
use std::time::{Duration, Instant};

/// Pauses between attempts at a step while a person acts (manual trigger).
const MANUAL_FIRST_PAUSE: Duration = Duration::from_millis(250);
const MANUAL_MAX_PAUSE: Duration = Duration::from_secs(2);

/// Runs `scenario` for `profile` and returns its judged result.
pub async fn run_scenario(env: &RunEnv, scenario: &Scenario, profile: &str) -> ScenarioResult {
    let started = Instant::now();
    let deadline = scenario.deadline_ms.map_or(env.sut.timeouts.scenario, std::time::Duration::from_millis);
    let mut ctx = Context::new(env, scenario, started + deadline);
    let mut expectations = Vec::new();

    let outcome = tokio::time::timeout(deadline, run_steps(&mut ctx, scenario, profile, &mut expectations)).await;
    // Whatever happened to the steps, the SETs that did arrive are judged.
    let (content, content_rules) = content::judge(&ctx);
    expectations.extend(content);
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(f)) => Some(f),
        Err(_) => {
            ctx.abandon_in_flight(deadline);
            Some(StepFailure::timeout(format!(
                "scenario deadline of {} ms passed during step {}",
                deadline.as_millis(),
                ctx.step
            )))
        }
    };
    let (verdict, reason) = match &failure {
        Some(f) => (
            Verdict::roll_up(expectations.iter().map(|e: &ExpectationResult| e.verdict).chain([f.verdict])),
            Some(f.reason.clone()),
        ),
        None => (Verdict::roll_up(expectations.iter().map(|e| e.verdict)), None),
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
        // A scenario whose expectations all passed vacuously still ran: PASS, not N/A.
        verdict: if verdict == Verdict::NotApplicable { Verdict::Pass } else { verdict },
        reason,
        duration_ms: started.elapsed().as_millis() as u64,
        expectations,
        transcript: ctx.into_transcript(),
    }
}

async fn run_steps(
    ctx: &mut Context<'_>,
    scenario: &Scenario,
    profile: &str,
    results: &mut Vec<ExpectationResult>,
) -> Result<(), StepFailure> {
    let profile_def = ctx.env.catalogue.profiles.get(profile);
    // A SUT that sends requests to the harness needs the harness's endpoint: an
    // initiator, a pushing transmitter, or a polling receiver (RFC 8936 §2.4).
    let sut_sends = profile_def.is_some_and(|p| match (p.protocol.as_str(), p.role.as_str()) {
        ("poll", role) => role == "receiver",
        (_, role) => role == "initiator" || role == "transmitter",
    });
    ctx.binding = match profile_def.map(|p| (p.protocol.as_str(), p.binding.as_str())) {
        Some(("push", _)) => "push",
        Some(("multi-set-push", _)) => "msp",
        Some(("poll", _)) => "poll",
        Some((_, "websocket")) => "websocket",
        _ => "http",
    };
    if sut_sends {
        ctx.endpoint_token = format!("harness-{}", ctx.rng.uuid());
        let path = match ctx.binding {
            "push" => "/push",
            "msp" => "/msp",
            "poll" => "/poll",
            _ => "/pushpull",
        };
        let transport = match (scenario.endpoint_tls, scenario.endpoint_cert) {
            (false, _) => Transport::Cleartext,
            (true, EndpointCert::SelfSigned) => Transport::UntrustedTls,
            (true, EndpointCert::WrongName) => Transport::WrongNameTls,
            (true, EndpointCert::Expired) => Transport::ExpiredTls,
            (true, EndpointCert::Harness) => Transport::Tls,
        };
        let client = ClientCredentials {
            client_id: format!("sut-{}", ctx.rng.uuid()),
            client_secret: format!("secret-{}", crate::endpoint::private_segment()),
        };
        let auth = EndpointAuth {
            publish_metadata: scenario.endpoint_auth == EndpointAuthMode::Oauth,
            client: client.clone(),
        };
        ctx.oauth_client = Some(client);
        ctx.open_endpoint(transport, path, auth).await?;
    }
    let needs_trigger = sut_sends || scenario.steps.iter().any(|s| matches!(s.action, Action::Trigger(_)));
    let binding = ctx.binding;
    ctx.setup(needs_trigger, binding).await?;
    let mut after_manual = false;
    for (i, step) in scenario.steps.iter().enumerate() {
        ctx.step = i + 1;
        let mut pause = MANUAL_FIRST_PAUSE;
        loop {
            match &step.action {
                Action::Trigger(t) => ctx.trigger(t.queue).await?,
                Action::Send(spec) => steps::send(ctx, spec).await?,
                Action::Push(spec) => steps::push(ctx, spec).await?,
                Action::TlsProbe(spec) => steps::tls_probe(ctx, spec).await?,
                Action::Settle(spec) => steps::settle(ctx, spec).await?,
                Action::AwaitRequest(spec) => steps::await_request(ctx, spec).await?,
                Action::WsConnect(spec) => websocket::connect(ctx, spec).await?,
                Action::WsAccept(spec) => websocket::accept(ctx, spec).await?,
                Action::WsSend(spec) => websocket::send(ctx, spec).await?,
                Action::WsReceive(spec) => websocket::receive(ctx, spec).await?,
            }
            ctx.learn_sut_keys().await;
            let judged: Vec<ExpectationResult> = step
                .expect
                .iter()
                .filter(|e| e.if_status.is_none_or(|s| ctx.last.as_ref().and_then(|l| l.status) == Some(s)))
                .flat_map(|e| judge::judge(ctx, e, expect::evaluate(ctx, &e.check, &e.req)))
                .collect();
            // After asking a person to act, give them until the deadline to get it right.
            let settled = judged.iter().all(|r| r.verdict == Verdict::Pass);
            if !after_manual || settled || ctx.remaining() <= pause {
                results.extend(judged);
                break;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MANUAL_MAX_PAUSE);
        }
        after_manual = std::mem::take(&mut ctx.manual);
    }
    Ok(())
}

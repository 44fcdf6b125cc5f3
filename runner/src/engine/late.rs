//! Requests that come after their window closed. A scenario whose last step
//! watched its harness endpoint for a request that must not arrive
//! (`arrived: false` on `await_request` or `ws_accept`) and saw none hands the
//! endpoint over when it ends: the endpoint keeps listening until the
//! whole run ends, answering 503. Whatever arrived by then (after the step's
//! window, or after the scenario) breaks the rule, and [`LateWatch::amend`]
//! amends that scenario's result before the Run record is assembled. The run
//! waits no extra time for this.

use crate::catalogue::{Action, Check, Scenario};
use crate::harness::endpoint::{Captured, HarnessEndpoint, Reply};
use crate::judge::{Judge, Judgement, Reading};
use crate::wire::{self, Observed, Outgoing};
use setconform_reports::{ExpectationResult, ScenarioResult, Verdict};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the listening task waits between two looks at its inbox.
const LOOK: Duration = Duration::from_secs(3600);
/// Late requests recorded in a scenario's transcript; the rest are only counted.
const RECORDED: usize = 10;
/// The endpoint's answer to a late request.
const OVER: &[u8] = b"this scenario is over";

/// The endpoints kept listening after their scenario, for the whole run.
#[derive(Default)]
pub struct LateWatch {
    kept: Mutex<Vec<Lingering>>,
}

struct Lingering {
    scenario: String,
    profile: String,
    ended: Instant,
    /// The PASSed "must not arrive" results, each in the form a late arrival gives it.
    broken: Vec<ExpectationResult>,
    arrivals: Arc<Mutex<Arrivals>>,
    task: tokio::task::JoinHandle<()>,
}

/// The "must not arrive" results of `scenario` that passed, as a late arrival
/// would judge them: broken, at the requirement's level or as the expectation
/// reads it. Empty when the scenario did not run to a verdict on its own.
pub fn broken_forms(scenario: &Scenario, results: &[ExpectationResult], judge: Judge<'_>) -> Vec<ExpectationResult> {
    // Only a window that ends the scenario and watches the endpoint itself: after
    // an earlier window, or one on an open socket, later requests may be legitimate.
    let last = scenario.steps.len();
    let must_not_arrive = |r: &ExpectationResult| {
        let step = scenario.steps.get(r.step.wrapping_sub(1)).filter(|_| r.step == last)?;
        let at_endpoint = matches!(step.action, Action::AwaitRequest(_) | Action::WsAccept(_));
        let e = r.expectation.and_then(|i| step.expect.get(i.wrapping_sub(1)))?;
        (at_endpoint && matches!(e.check, Check::Arrived(false))).then_some(e)
    };
    results
        .iter()
        .filter(|r| r.verdict == Verdict::Pass)
        .filter_map(|r| {
            let e = must_not_arrive(r)?;
            let reading = Reading::of(e);
            let broken = Judgement::of(r.requirement.clone(), r.step, r.expected.clone(), Err(String::new()));
            Some(ExpectationResult {
                check: r.check.clone(),
                expectation: r.expectation,
                ..judge.result(broken, reading)
            })
        })
        .collect()
}

impl LateWatch {
    /// Keeps `endpoint` listening until [`LateWatch::amend`]; requests that
    /// arrive are answered 503 and their arrival noted.
    pub fn keep(&self, mut endpoint: HarnessEndpoint, scenario: &str, profile: &str, broken: Vec<ExpectationResult>) {
        let arrivals = Arc::new(Mutex::new(Arrivals::default()));
        let noted = arrivals.clone();
        let task = tokio::spawn(async move {
            loop {
                let Some(inbound) = endpoint.next(LOOK).await else { continue };
                let reply =
                    Reply { status: 503, content_type: "text/plain".into(), body: OVER.to_vec(), headers: Vec::new() };
                let _ = inbound.reply.send(reply);
                let mut noted = noted.lock().unwrap_or_else(|e| e.into_inner());
                noted.count += 1;
                if noted.first.len() < RECORDED {
                    noted.first.push(inbound.request);
                }
            }
        });
        let lingering = Lingering {
            scenario: scenario.to_owned(),
            profile: profile.to_owned(),
            ended: Instant::now(),
            broken,
            arrivals,
            task,
        };
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).push(lingering);
    }

    /// Stops every kept endpoint and amends the results of the scenarios that
    /// got a request after their window: the rule is broken, the finding says
    /// when it came, and the verdict is rolled up again. Returns the positions
    /// in `scenarios` of the results it changed.
    pub fn amend(&self, scenarios: &mut [ScenarioResult]) -> Vec<usize> {
        let kept = std::mem::take(&mut *self.kept.lock().unwrap_or_else(|e| e.into_inner()));
        let mut changed = Vec::new();
        for lingering in kept {
            lingering.task.abort();
            let arrivals = std::mem::take(&mut *lingering.arrivals.lock().unwrap_or_else(|e| e.into_inner()));
            let Some(first) = arrivals.first.iter().map(|c| c.at).min() else { continue };
            let Some(i) = scenarios.iter().position(|s| s.id == lingering.scenario && s.profile == lingering.profile)
            else {
                continue;
            };
            let actual = late_finding(first, lingering.ended, arrivals.count);
            let result = &mut scenarios[i];
            for broken in lingering.broken {
                let same = |r: &&mut ExpectationResult| {
                    r.step == broken.step && r.expectation == broken.expectation && r.requirement == broken.requirement
                };
                if let Some(r) = result.expectations.iter_mut().find(same) {
                    *r = ExpectationResult { actual: actual.clone(), ..broken };
                }
            }
            record(result, lingering.ended, &arrivals.first);
            result.verdict = Verdict::roll_up(result.expectations.iter().map(|e| e.verdict).chain([result.verdict]));
            changed.push(i);
        }
        changed
    }
}

/// Requests that came to a kept endpoint: the first few whole, and how many in all.
#[derive(Default)]
struct Arrivals {
    first: Vec<Captured>,
    count: usize,
}

/// Appends the late requests to the scenario's transcript, in its last step,
/// timed from the scenario's start, with the endpoint's 503.
fn record(result: &mut ScenarioResult, ended: Instant, late: &[Captured]) {
    let step = result.steps.len();
    let answer = Observed {
        status: 503,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: OVER.to_vec(),
        truncated: false,
    };
    for request in late {
        let at_ms = match request.at.checked_duration_since(ended) {
            Some(after) => result.duration_ms + after.as_millis() as u64,
            None => result.duration_ms.saturating_sub((ended - request.at).as_millis() as u64),
        };
        let req = Outgoing {
            method: request.method.clone(),
            url: request.url.clone(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        };
        let seq = result.transcript.len() + 1;
        result.transcript.push(wire::record(seq, "harness", step, at_ms, 0, &req, &Ok(answer.clone())));
    }
}

/// What a late arrival is reported as.
fn late_finding(first: Instant, ended: Instant, count: usize) -> String {
    let when = match first.checked_duration_since(ended) {
        Some(after) => format!("{} ms after the scenario ended", after.as_millis()),
        None => format!("after the step's window closed, {} ms before the scenario ended", (ended - first).as_millis()),
    };
    match count {
        1 => format!("a request arrived {when}"),
        n => format!("{n} requests arrived late, the first {when}"),
    }
}

//! Scenarios as jobs: each planned scenario becomes one libtest trial (for
//! `--list` and the filters) and one job that runs it on the shared runtime,
//! applies the waivers and reports its result; workers take jobs in turn.
//! A run asked to stop ([`Stop`]) starts no more jobs and ends the running
//! ones as ERROR "interrupted".

use super::interrupt::Stop;
use crate::engine::{self, RunEnv};
use crate::plan::{Applicability, Planned};
use crate::progress::{Done, Event};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use setconform_reports::verdict::{FailOn, Outcome};
use setconform_reports::{ScenarioResult, Verdict};
use std::sync::{Arc, Mutex};

/// Scenarios wait on the network, not the CPU: run several per core.
pub(super) const DEFAULT_PARALLEL_SCENARIOS: usize = 16;

type JobBody = Box<dyn FnOnce() -> Result<Completion, Failed> + Send>;

/// One scenario to run: a libtest-mimic trial, or a plain job when silent.
pub(super) struct Job {
    name: String,
    profile: String,
    body: JobBody,
}

impl Job {
    pub(super) fn into_trial(self) -> Trial {
        Trial::ignorable_test(self.name, self.body).with_kind(self.profile)
    }

    /// The scenario's id.
    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// Whether the command line's filters leave this job out.
    pub(super) fn filtered_out(&self, args: &Arguments) -> bool {
        let probe = Trial::test(self.name.clone(), || Ok(())).with_kind(self.profile.clone());
        args.is_filtered_out(&probe)
    }
}

/// Where scenarios run: the run's async runtime, and whether the run was asked to stop.
pub(super) struct Executor {
    pub(super) handle: tokio::runtime::Handle,
    pub(super) stop: Stop,
}

/// Runs the jobs the filters select on a few worker threads, printing
/// nothing, until they are done or the run is asked to stop.
pub(super) fn run_silently(args: &Arguments, jobs: Vec<Job>, stop: &Stop) {
    let queue = Mutex::new(jobs.into_iter().filter(|j| !j.filtered_out(args)).collect::<Vec<_>>());
    let workers = args.test_threads.unwrap_or(DEFAULT_PARALLEL_SCENARIOS).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().spawn_scoped(scope, || {
                while stop.signal().is_none() {
                    // Take the job in its own statement so the lock is released before it runs.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
                    let Some(job) = next else { break };
                    let _ = (job.body)();
                }
            });
            if worker.is_err() {
                break; // fewer workers, same jobs: the others take the queue
            }
        }
    });
}

/// The job for one planned scenario; its result goes to `results`.
pub(super) fn job(
    planned: &Planned<'_>,
    env: &Arc<RunEnv>,
    executor: &Executor,
    results: &Arc<Mutex<Vec<ScenarioResult>>>,
    fail_on: FailOn,
    waived: &Arc<(Vec<crate::waivers::Waiver>, String)>,
    progress: Option<std::sync::mpsc::Sender<Event>>,
) -> Job {
    let scenario = planned.scenario.clone();
    let profile = planned.profile.clone();
    let results = results.clone();
    let secrets = env.secrets.clone();
    let started = progress.clone();
    let start = move |id: &str| {
        if let Some(tx) = &started {
            let _ = tx.send(Event::Started { id: id.to_owned() });
        }
    };
    let push = move |r: ScenarioResult| {
        if let Some(tx) = &progress {
            let done = Done {
                id: r.id.clone(),
                profile: r.profile.clone(),
                verdict: r.verdict,
                duration_ms: r.duration_ms,
                reason: r.reason.as_deref().map(|reason| secrets.redact(reason)),
            };
            let _ = tx.send(Event::Finished(done));
        }
        results.lock().unwrap_or_else(|e| e.into_inner()).push(r)
    };
    let body: JobBody = match &planned.applicability {
        Applicability::NotApplicable(kind, reason) => {
            let (kind, reason) = (*kind, reason.clone());
            Box::new(move || {
                push(not_applicable(&scenario, &profile, kind, &reason));
                Ok(Completion::ignored_with(format!("N/A: {reason}")))
            })
        }
        Applicability::Applies => {
            let env = env.clone();
            let (handle, stop) = (executor.handle.clone(), executor.stop.clone());
            let waived = waived.clone();
            Box::new(move || {
                start(&scenario.id);
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    // Stopped, the scenario drops its waits and kills its trigger commands (kill_on_drop).
                    let stopped = async { setconform_reports::interruption::scenario_reason(stop.asked().await) };
                    // On the heap: a scenario's state machine is large, and worker threads have small stacks.
                    handle.block_on(Box::pin(engine::run_scenario(&env, &scenario, &profile, stopped)))
                }));
                let mut result = outcome.unwrap_or_else(|panic| harness_bug(&scenario, &profile, panic));
                crate::waivers::apply(&waived.0, &mut result, &waived.1);
                let failed = result.verdict.outcome(fail_on) != Outcome::Conformant;
                let message = failure_message(&result);
                push(result);
                if failed { Err(Failed::from(message)) } else { Ok(Completion::Completed) }
            })
        }
    };
    Job { name: planned.scenario.id.clone(), profile: planned.profile.clone(), body }
}

/// h2spec-style: each broken rule with what was expected and what was seen.
fn failure_message(r: &ScenarioResult) -> String {
    let mut lines = vec![format!("{}", r.verdict)];
    if let Some(reason) = &r.reason {
        lines.push(format!("  reason: {reason}"));
    }
    for e in r.expectations.iter().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)) {
        lines.push(format!("  {} {} (step {})", e.verdict, e.requirement, e.step));
        lines.push(format!("    expected: {}", e.expected));
        lines.push(format!("    actual:   {}", e.actual));
    }
    lines.join("\n")
}

fn not_applicable(
    scenario: &crate::catalogue::Scenario,
    profile: &str,
    kind: setconform_reports::NaKind,
    reason: &str,
) -> ScenarioResult {
    let mut result = engine::unjudged(scenario, profile, Verdict::NotApplicable, reason.to_owned());
    result.na_kind = Some(kind);
    result
}

fn harness_bug(
    scenario: &crate::catalogue::Scenario,
    profile: &str,
    panic: Box<dyn std::any::Any + Send>,
) -> ScenarioResult {
    let msg = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    engine::unjudged(scenario, profile, Verdict::Error, format!("harness bug, please report: panic: {msg}"))
}

//! `setconform bench`: how many SETs per second a SUT takes on one binding, at
//! what latency, and whether it loses any.
//!
//! A bench is a list of steps, each a rate held for a while ([`step`]): one for
//! a fixed rate, several for a ramp that looks for the highest rate whose p99
//! stays under a bound ([`shape`]). Before each step its SETs are minted on
//! every core ([`pool`]); during it every SET is tracked ([`ledger`]) and
//! every acknowledgement timed ([`meter`]); the CPU time of harness and SUT is
//! read around it ([`cpu`]). The SUT is the embedded reference or a sut.yaml's
//! ([`target`]), reached through a [`driver`] per binding. The result is a
//! [`BenchRecord`] (`bench.json`).

pub mod cpu;
pub mod driver;
pub mod ledger;
pub mod meter;
pub mod plan;
pub mod pool;
pub mod progress;
pub mod shape;
pub mod step;
pub mod target;

pub use plan::BenchPlan;

use setconform_reports::bench::histogram::Latency;
use setconform_reports::bench::{
    BenchRecord, BenchResult, BenchVerdict, Binding, Cpu, Direction, Ledger as LedgerSummary, Load, RecordKind, Step,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use target::Target;

/// Why a bench could not be run at all.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The command line or sut.yaml asks for something impossible (exit 2).
    #[error("{0}")]
    Config(String),
    /// The SUT could not be reached or registered with (exit 3).
    #[error("{0}")]
    Sut(String),
}

/// Runs the bench of `plan`; `stop` is set by a signal handler.
pub fn run(plan: &BenchPlan, stop: Arc<AtomicBool>, show_progress: bool) -> Result<BenchRecord, BenchError> {
    if plan.direction == Direction::Drain || plan.binding == Binding::Poll {
        return Err(BenchError::Config(
            "the harness sends SETs to a receiving SUT by push, msp or pushpull only".into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpu::cores() as usize)
        .thread_name("sc-bench")
        .enable_all()
        .build()
        .map_err(|e| BenchError::Sut(format!("cannot start the harness's runtime: {e}")))?;
    runtime.spawn(watch_signals(stop.clone()));
    let target = runtime.block_on(Target::open(plan.sut_file.as_deref(), plan.binding))?;
    let link = Arc::new(step::Link {
        binding: plan.binding,
        url: target.endpoint.clone(),
        token: target.token.clone(),
        roots_pem: target.roots_pem.clone(),
        insecure: target.insecure,
    });
    let minter = crate::set::Minter {
        issuer: target.harness_issuer.clone(),
        audience: target.audience.clone(),
        alg: target.alg,
        profile: target.set_profile,
        stream: None,
    };
    let started = SystemTime::now();
    let run_id = started.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let shard = plan.shard.map_or(String::new(), |s| format!("s{}-", s.index));
    let mut shape = shape::Shaper::new(&plan.shape);
    let mut steps = Vec::new();
    let mut ledger = LedgerSummary::default();
    let mut errors = BTreeMap::new();
    let mut failure = None;
    while let Some(offered) = shape.next_rate() {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let rate = plan.share(offered);
        let duration = shape.step_duration();
        let count = ((rate * duration.as_secs_f64()).round() as usize).max(1);
        let prefix = format!("bench-{run_id}-{shard}{}-", steps.len() + 1);
        let ledger_of_step = ledger::Ledger::new(prefix, count);
        let pool = Arc::new(pool::Pool::mint(&minter, count, |n| ledger_of_step.jti(n)));
        let spec = step::StepSpec {
            rate,
            batch: batch_of(plan) as usize,
            connections: plan.connections as usize,
            grace: plan.grace,
        };
        // The first batch is due a moment after the start: connections open before it.
        let shared = Arc::new(step::Shared::new(ledger_of_step, Instant::now() + LEAD, stop.clone()));
        let progress = progress::Progress::start(show_progress, count as u64, offered, shared.clone());
        let started_unix_ms = unix_ms(SystemTime::now() + LEAD);
        let before = cpu::CpuSample::now(target.sut_in_process);
        let outcome = runtime.block_on(step::run(spec, pool, shared.clone(), link.clone()));
        let after = cpu::CpuSample::now(target.sut_in_process);
        progress.finish();
        if let Err(why) = outcome {
            failure = Some(why);
            break;
        }
        let step = summarise(&shared, rate, started_unix_ms, before.until(&after), duration);
        let step_ledger = shared.ledger.summary();
        add_ledger(&mut ledger, &step_ledger);
        for (kind, n) in shared.errors.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            *errors.entry(kind.clone()).or_insert(0) += n;
        }
        let sustained = shape.judge(&step, step_ledger.lost);
        steps.push(Step { sustained, ..step });
    }
    runtime.block_on(target.release());
    let sut = target.sut.clone();
    drop(target);
    if let (Some(why), true) = (&failure, steps.is_empty()) {
        return Err(BenchError::Sut(why.clone()));
    }
    let result = result(&steps, &ledger, &plan.shape);
    Ok(BenchRecord {
        record: RecordKind::Bench,
        tool: format!("setconform {}", env!("CARGO_PKG_VERSION")),
        sut,
        binding: plan.binding,
        direction: plan.direction,
        load: Load {
            shape: plan.shape.clone(),
            batch: batch_of(plan),
            connections: plan.connections,
            verify_one_in: plan.verify_one_in,
        },
        shards: plan.shard.into_iter().collect(),
        started_at: setconform_reports::rfc3339_utc(started),
        started_unix_ms: unix_ms(started),
        steps,
        ledger,
        errors,
        result,
        interrupted: stop.load(std::sync::atomic::Ordering::Relaxed).then(|| "interrupted by a signal".to_owned()),
    })
}

/// The first SIGINT or SIGTERM stops the bench after the batches under way
/// (the record says it was interrupted); a second one ends the process at once.
async fn watch_signals(stop: Arc<AtomicBool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        tokio::select! { _ = int.recv() => {}, _ = term.recv() => {} }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        tokio::select! { _ = int.recv() => {}, _ = term.recv() => {} }
        std::process::exit(crate::run::exit::INTERRUPTED_SIGINT);
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// How long after a step's start its first batch is due.
const LEAD: Duration = Duration::from_millis(200);

/// SETs per request: push carries one (RFC 8935 §2).
fn batch_of(plan: &BenchPlan) -> u32 {
    if plan.binding == Binding::Push { 1 } else { plan.batch }
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A step as measured. Its duration runs from the first batch's due time to
/// the last acknowledgement (or the end of sending, if later).
fn summarise(shared: &step::Shared, offered: f64, started_unix_ms: u64, cpu: Cpu, planned: Duration) -> Step {
    let measured = shared.meter.finish();
    let (sent, acked, refused) = shared.meter.counts();
    let duration_ms = (shared.last_answer_us() / 1000).max(planned.as_millis() as u64).max(1);
    Step {
        offered_rate: offered,
        started_unix_ms,
        duration_ms,
        sent,
        acked,
        refused,
        achieved_rate: acked as f64 * 1000.0 / duration_ms as f64,
        latency: measured.latency,
        timeline: measured.timeline,
        sustained: false,
        cpu,
    }
}

fn add_ledger(total: &mut LedgerSummary, step: &LedgerSummary) {
    total.sent += step.sent;
    total.acked += step.acked;
    total.lost += step.lost;
    total.duplicated += step.duplicated;
    total.unknown += step.unknown;
    for (code, n) in &step.refused {
        *total.refused.entry(code.clone()).or_insert(0) += n;
    }
    let room = 100usize.saturating_sub(total.lost_sample.len());
    total.lost_sample.extend(step.lost_sample.iter().take(room).cloned());
}

/// The headline: the best sustained step's rate and latency (a fixed rate: its one step).
fn result(steps: &[Step], ledger: &LedgerSummary, shape: &setconform_reports::bench::Shape) -> BenchResult {
    let best = match shape {
        setconform_reports::bench::Shape::Fixed { .. } => steps.first(),
        setconform_reports::bench::Shape::Ramp { .. } => {
            steps.iter().filter(|s| s.sustained).max_by(|a, b| a.achieved_rate.total_cmp(&b.achieved_rate))
        }
    };
    let cpu = steps.iter().fold(Cpu { harness_ms: 0, sut_ms: None, wall_ms: 0, cores: cpu::cores() }, |acc, s| Cpu {
        harness_ms: acc.harness_ms + s.cpu.harness_ms,
        sut_ms: match (acc.sut_ms, s.cpu.sut_ms) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        },
        wall_ms: acc.wall_ms + s.cpu.wall_ms,
        cores: acc.cores,
    });
    let verdict = if ledger.acked == 0 {
        BenchVerdict::NothingMeasured
    } else if ledger.lost > 0 {
        BenchVerdict::Lost
    } else {
        BenchVerdict::Accounted
    };
    BenchResult {
        sustained_rate: best.map_or(0.0, |s| s.achieved_rate),
        latency: best.map_or_else(Latency::default, |s| s.latency.clone()),
        cpu,
        verdict,
    }
}

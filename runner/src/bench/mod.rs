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
pub mod drain;
pub mod driver;
pub mod ledger;
pub mod meter;
pub mod plan;
pub mod pool;
pub mod progress;
pub mod record;
pub mod shape;
pub mod step;
pub mod stop;
pub mod target;

pub use plan::BenchPlan;

use setconform_reports::bench::{
    BenchRecord, Binding, Cpu, Direction, Judged, Ledger as LedgerSummary, Load, RecordKind, Step,
};
use std::collections::BTreeMap;
use std::sync::Arc;
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
pub fn run(plan: &BenchPlan, stop: Arc<stop::Stop>, show_progress: bool) -> Result<BenchRecord, BenchError> {
    if plan.direction == Direction::Send && plan.binding == Binding::Poll {
        return Err(BenchError::Config(
            "--binding poll: a poll receiver polls at its own pace, so the harness cannot offer it a rate; \
             bench a poll transmitter with --direction drain"
                .into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpu::cores() as usize)
        .thread_name("sc-bench")
        .enable_all()
        .build()
        .map_err(|e| BenchError::Sut(format!("cannot start the harness's runtime: {e}")))?;
    runtime.spawn(watch_signals(stop.clone()));
    let (target, mode) = runtime.block_on(Mode::open(plan))?;
    let started = SystemTime::now();
    let run_id = started.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let shard = plan.shard.map_or(String::new(), |s| format!("s{}-", s.index));
    let mut shape = shape::Shaper::new(&plan.shape);
    let mut steps = Vec::new();
    let mut ledger = LedgerSummary::default();
    let mut errors = BTreeMap::new();
    let mut failure = None;
    while let Some(offered) = shape.next_rate() {
        if stop.asked() {
            break;
        }
        let rate = plan.share(offered);
        let duration = shape.step_duration();
        let count = ((rate * duration.as_secs_f64()).round() as usize).max(1);
        let spec = step::StepSpec {
            rate,
            batch: batch_of(plan) as usize,
            connections: plan.connections as usize,
            grace: plan.grace,
        };
        let prefix = format!("bench-{run_id}-{shard}{}-", steps.len() + 1);
        let measured = mode.step(&runtime, &target, spec, count, prefix, steps.len(), &stop, show_progress);
        let (meter, cpu, step_ledger, step_errors) = match measured {
            Ok(m) => m,
            Err(why) => {
                failure = Some(why);
                break;
            }
        };
        let step = record::step(&meter, rate, cpu, duration);
        ledger.add(&step_ledger);
        for (kind, n) in step_errors {
            *errors.entry(kind).or_insert(0) += n;
        }
        let sustained = shape.judge(&step, step_ledger.lost);
        steps.push(Step { sustained, ..step });
    }
    let judged = mode.finish(&mut ledger);
    runtime.block_on(target.release());
    let sut = target.sut.clone();
    drop(target);
    drop(mode);
    if let (Some(why), true) = (&failure, steps.is_empty()) {
        return Err(BenchError::Sut(why.clone()));
    }
    let result = record::result(&steps, &ledger, &plan.shape);
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
        started_unix_ms: record::unix_ms(started),
        steps,
        ledger,
        errors,
        judged,
        result,
        interrupted: stop.signal().map(|s| format!("interrupted by {}", s.name())),
    })
}

/// What a step measured: its meter, the CPU time spent, its ledger and its failed requests.
type Measured = (Arc<meter::Meter>, Cpu, LedgerSummary, BTreeMap<String, u64>);

/// The harness sends (minting ahead), or drains (receiving at its endpoint or asking).
enum Mode {
    Send {
        link: Arc<step::Link>,
        minter: crate::set::Minter,
    },
    Drain {
        inbox: Arc<drain::inbox::Inbox>,
        pull: Option<drain::pull::Pull>,
        _endpoint: Option<drain::endpoint::Serving>,
    },
}

impl Mode {
    /// Registers with the SUT, with what the direction needs in place first.
    async fn open(plan: &BenchPlan) -> Result<(Target, Mode), BenchError> {
        let sut_file = plan.sut_file.as_deref();
        if plan.direction == Direction::Send {
            let target = Target::open(sut_file, plan.binding, plan.direction, None).await?;
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
            return Ok((target, Mode::Send { link, minter }));
        }
        let inbox = Arc::new(drain::inbox::Inbox::new(Instant::now(), drain::verify::Sampler::new(plan.verify_one_in)));
        let endpoint = match plan.binding {
            Binding::Push | Binding::Msp => {
                let pki = crate::harness::pki::HarnessPki::generate()
                    .map_err(|e| BenchError::Sut(format!("cannot make the harness's CA: {e}")))?;
                let serving = drain::endpoint::serve(&pki, inbox.clone())
                    .await
                    .map_err(|e| BenchError::Sut(format!("cannot serve the harness's endpoint: {e}")))?;
                Some((serving, pki.ca_pem.clone()))
            }
            _ => None,
        };
        let grant = endpoint.as_ref().map(|(serving, ca)| (serving.grant.clone(), ca.clone()));
        let target = Target::open(sut_file, plan.binding, plan.direction, grant).await?;
        inbox.sampler.trust(target.sut_sets.clone());
        let pull = endpoint.is_none().then(|| drain::pull::Pull {
            binding: plan.binding,
            url: target.endpoint.clone(),
            token: target.token.clone(),
            roots_pem: target.roots_pem.clone(),
            insecure: target.insecure,
            batch: plan.batch as usize,
        });
        Ok((target, Mode::Drain { inbox, pull, _endpoint: endpoint.map(|(serving, _)| serving) }))
    }

    /// Runs one step of `count` SETs.
    #[allow(clippy::too_many_arguments)]
    fn step(
        &self,
        runtime: &tokio::runtime::Runtime,
        target: &Target,
        spec: step::StepSpec,
        count: usize,
        prefix: String,
        index: usize,
        stop: &Arc<stop::Stop>,
        show_progress: bool,
    ) -> Result<Measured, String> {
        match self {
            Mode::Send { link, minter } => {
                let ledger = ledger::Ledger::new(prefix, count);
                let pool = Arc::new(pool::Pool::mint(minter, count, |n| ledger.jti(n)));
                let connections = runtime.block_on(step::open(&spec, count, link))?;
                // The first batch is due a moment after the start.
                let shared = Arc::new(step::Shared::new(ledger, Instant::now() + LEAD, stop.clone()));
                let progress = progress::Progress::start(show_progress, count as u64, spec.rate, shared.meter.clone());
                let before = cpu::CpuSample::now(target.sut_in_process);
                runtime.block_on(step::run(spec, pool, shared.clone(), connections));
                let after = cpu::CpuSample::now(target.sut_in_process);
                progress.finish();
                let errors = shared.errors.lock().unwrap_or_else(|e| e.into_inner()).clone();
                Ok((shared.meter.clone(), before.until(&after), shared.ledger.summary(), errors))
            }
            Mode::Drain { inbox, pull, .. } => {
                let meter = Arc::new(meter::Meter::new(Instant::now()));
                inbox.start_step(index, meter.clone());
                let progress = progress::Progress::start(show_progress, count as u64, spec.rate, meter.clone());
                let before = cpu::CpuSample::now(target.sut_in_process);
                let errors =
                    runtime.block_on(drain::run_step(spec, count, target, inbox.clone(), pull.as_ref(), stop.clone()));
                let after = cpu::CpuSample::now(target.sut_in_process);
                progress.finish();
                Ok((meter, before.until(&after), inbox.summary(index), errors))
            }
        }
    }

    /// Adds what belongs to the whole bench, a drain's strays, to `ledger`; a
    /// drain's judged sample.
    fn finish(&self, ledger: &mut LedgerSummary) -> Option<Judged> {
        let Mode::Drain { inbox, .. } = self else { return None };
        let (duplicated, unknown) = inbox.strays();
        ledger.duplicated += duplicated;
        ledger.unknown += unknown;
        let (sets, broken) = inbox.sampler.outcome();
        Some(Judged { sets, broken })
    }
}

/// The first SIGINT or SIGTERM stops the bench after the batches under way
/// (the record says it was interrupted); a second one ends the process at once.
async fn watch_signals(stop: Arc<stop::Stop>) {
    use setconform_reports::StopSignal;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        let first =
            tokio::select! { _ = int.recv() => StopSignal::Interrupt, _ = term.recv() => StopSignal::Terminate };
        stop.ask(first);
        tokio::select! { _ = int.recv() => {}, _ = term.recv() => {} }
        std::process::exit(first.exit_code());
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.ask(StopSignal::Interrupt);
        }
    }
}

/// How long after a step's start its first batch is due.
const LEAD: Duration = Duration::from_millis(200);

/// SETs per request: push carries one (RFC 8935 §2).
fn batch_of(plan: &BenchPlan) -> u32 {
    if plan.binding == Binding::Push { 1 } else { plan.batch }
}

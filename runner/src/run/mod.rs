//! A whole run: plan, execute scenarios as libtest-mimic trials, assemble the
//! Run record, write reports, choose the exit code. A run on the command line
//! stops early on SIGINT or SIGTERM ([`interrupt`]) and its record says so.

mod interrupt;
mod jobs;
mod pairing;
mod selection;

pub use pairing::{PairRequest, pair, pair_until_signalled};

use interrupt::Signals;

use crate::catalogue::{Catalogue, Origin};
use crate::engine::RunEnv;
use crate::harness::pki::HarnessPki;
use crate::plan;
use crate::seed;
use crate::sut::{ReferenceUrls, SutSetup};
use crate::trigger::TriggerConfig;
use crate::wire::{ClientCertificates, Wire, WireLimits};
use libtest_mimic::Arguments;
use setconform_reference::{Fault, Reference, ReferenceConfig};
use setconform_reports::verdict::Outcome;
use setconform_reports::{Run, ScenarioResult, Summary, SutInfo, Tool, Verdict};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

/// Profiles the embedded reference serves.
pub const REFERENCE_PROFILES: [&str; 12] = [
    "pushpull-http-responder",
    "pushpull-http-initiator",
    "pushpull-ws-responder",
    "pushpull-ws-initiator",
    "push-receiver",
    "push-transmitter",
    "multi-set-push-receiver",
    "multi-set-push-transmitter",
    "poll-transmitter",
    "poll-receiver",
    "ssf-transmitter",
    "ssf-receiver",
];
/// `iat` of every SET minted in a seeded run (2026-01-01T00:00:00Z), so that
/// the same seed gives the same claims.
const SEEDED_IAT: u64 = 1_767_225_600;

pub use setconform_reports::verdict::{FailOn, exit};

/// Where per-scenario progress goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// One line per finished scenario on stdout, its verdict painted as
    /// given, and on a terminal a status line showing how far the run has got
    /// and what is running (the command line).
    Lines(setconform_reports::paint::Paint),
    /// Nothing printed; the Run record is the only output (embedding, tests).
    Silent,
}

pub struct RunRequest {
    pub sut_file: Option<PathBuf>,
    pub profiles: Vec<String>,
    /// Run only these scenarios (by id); `None`: all that the profiles select.
    pub only: Option<std::collections::BTreeSet<String>>,
    /// A waivers file (schemas/waivers.json).
    pub waivers: Option<PathBuf>,
    /// The SET content profile, over sut.yaml's (`sets.profile`); the embedded
    /// reference mints its SETs in it.
    pub set_profile: Option<crate::set::SetProfile>,
    pub fault: Option<String>,
    pub seed: Option<u64>,
    pub out_dir: PathBuf,
    pub suite_dir: Option<PathBuf>,
    pub fail_on: FailOn,
    /// Do not verify the SUT's TLS certificates: the run is marked not certifiable.
    pub insecure: bool,
    pub args: Arguments,
    pub console: Console,
}

/// A problem that stops the run before any scenario runs (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

impl ConfigError {
    fn one(msg: impl Into<String>) -> ConfigError {
        ConfigError(vec![msg.into()])
    }
}

/// Everything a finished run produced.
pub struct Finished {
    pub run: Option<Run>,
    pub exit_code: i32,
}

/// Runs the scenarios `req` selects to the end.
pub fn execute(req: RunRequest) -> Result<Finished, ConfigError> {
    execute_with(req, Signals::Ignored)
}

/// Runs the scenarios `req` selects until they end or SIGINT or SIGTERM
/// comes; an interrupted run's record says so and its exit code is 130 or 143.
pub fn execute_until_signalled(req: RunRequest) -> Result<Finished, ConfigError> {
    execute_with(req, Signals::Stop)
}

fn execute_with(mut req: RunRequest, signals: Signals) -> Result<Finished, ConfigError> {
    let runtime = runtime()?;
    let stop = signals.stop()?;
    let catalogue = load_catalogue(req.suite_dir.as_deref())?;
    for p in &req.profiles {
        if !catalogue.profiles.contains_key(p) {
            let known = catalogue.profiles.keys().map(String::as_str);
            let hint = crate::catalogue::names::suggestion(p, known);
            return Err(ConfigError::one(format!("--profile {p}: unknown profile: {hint}")));
        }
    }
    let waivers = match &req.waivers {
        None => Vec::new(),
        Some(path) => {
            crate::waivers::load(path).map_err(|errs| ConfigError(errs.iter().map(ToString::to_string).collect()))?
        }
    };
    let fault = match &req.fault {
        None => None,
        Some(name) => Some(
            Fault::from_name(name)
                .ok_or_else(|| ConfigError::one(format!("--fault {name}: unknown fault (see `setconform faults`)")))?,
        ),
    };

    // The SUT: a configured one, or the reference started in-process.
    let (sut, _reference) = match &req.sut_file {
        Some(path) => {
            if fault.is_some() {
                return Err(ConfigError::one("--fault applies to the embedded reference only, not with --sut"));
            }
            let sut = crate::sut::claims::load(path, &catalogue)
                .map_err(|errs| ConfigError(errs.iter().map(ToString::to_string).collect()))?;
            (sut, None)
        }
        None => {
            // The reference mints its SETs in the content profile the run judges.
            let set_profile = req.set_profile.map_or(Default::default(), |p| {
                setconform_reference::SetProfile::from_name(p.name()).unwrap_or_default()
            });
            // The CA of the harness's endpoints is made first: the reference's SSF
            // transmitter pushes to them and, as a real one would, verifies their certificates.
            let pki = fresh_pki()?;
            let ssf_endpoint_ca = Some(pki.ca_pem.clone());
            let config = ReferenceConfig { fault, set_profile, ssf_endpoint_ca, ..ReferenceConfig::default() };
            let reference = runtime
                .block_on(Reference::start(config))
                .map_err(|e| ConfigError::one(format!("cannot start the reference: {e}")))?;
            let profiles = REFERENCE_PROFILES.iter().map(|p| p.to_string()).collect();
            let mut sut =
                SutSetup::embedded(ReferenceUrls::of(&reference), profiles, fault.map(|f| f.name().to_owned()));
            sut.harness_pki = Some(pki);
            (sut, Some(reference))
        }
    };
    let mut sut = sut;
    if let Some(profile) = req.set_profile {
        sut.set_profile = profile;
    }
    // The CAEP interoperability profile signs RS256 (§2.6); the harness does too, unless told otherwise.
    if sut.set_profile == crate::set::SetProfile::CaepInterop && !sut.harness_alg_configured {
        sut.harness_alg = crate::set::Alg::RS256;
    }

    let seed = req.seed.unwrap_or_else(seed::fresh_seed);
    sut.insecure = req.insecure;
    let limits = WireLimits { connect: sut.timeouts.connect, insecure: sut.insecure, ..WireLimits::default() };
    let pki = harness_pki(&sut)?;
    let (harness_client, stranger_client) = (pki.client.pem(), pki.stranger_client.pem());
    let certificates = ClientCertificates { harness: &harness_client, stranger: &stranger_client };
    let wire = Wire::new(limits, sut.ca_pem.as_deref(), Some(certificates)).map_err(|e| {
        ConfigError::one(format!("cannot build the HTTP client (tls.ca_file, client certificates): {e}"))
    })?;
    let catalogue = Arc::new(catalogue);
    let stable = stable_router(&runtime, &sut, &pki)?;
    let setup = crate::engine::RunSetup::new(&sut, stable);
    let secrets = Arc::new(crate::secrets::Secrets::default());
    crate::engine::learn_sut(&secrets, &sut, setup.endpoint_token.as_deref());
    let env = Arc::new(RunEnv {
        sut,
        pki,
        wire,
        catalogue: catalogue.clone(),
        seed,
        fixed_iat: req.seed.map(|_| SEEDED_IAT),
        jtis: crate::set::JtiLedger::default(),
        late: Default::default(),
        setup,
        secrets,
    });

    let mut planned = plan::plan(&catalogue, &env.sut, &req.profiles);
    if let Some(only) = &req.only {
        planned.retain(|p| only.contains(&p.scenario.id));
    }
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let fail_on = req.fail_on;
    // Waivers apply as each scenario ends, so the console already shows WAIVED.
    let now = setconform_reports::rfc3339_utc(SystemTime::now());
    let waived = Arc::new((waivers, now.get(..10).unwrap_or_default().to_owned()));
    let (progress_tx, progress_rx) = std::sync::mpsc::channel();
    let progress = matches!(req.console, Console::Lines(_)).then_some(progress_tx);
    let executor = jobs::Executor { handle: runtime.handle().clone(), stop };
    let jobs: Vec<jobs::Job> =
        planned.iter().map(|p| jobs::job(p, &env, &executor, &results, fail_on, &waived, progress.clone())).collect();
    drop(progress);
    if matches!(env.sut.trigger, Some(TriggerConfig::Manual)) {
        // A person follows one scenario at a time.
        req.args.test_threads = Some(1);
    } else if req.args.test_threads.is_none() {
        // sut.yaml's concurrency (one at a time when scenarios share the SUT's peer).
        let threads = env.sut.scenario_concurrency().unwrap_or(jobs::DEFAULT_PARALLEL_SCENARIOS);
        req.args.test_threads = Some(threads);
    }
    // The exit code comes from the verdicts, not from libtest's pass/fail counts.
    if req.args.list {
        let _listed = libtest_mimic::run(&req.args, jobs.into_iter().map(jobs::Job::into_trial).collect());
        return Ok(Finished { run: None, exit_code: exit::CONFORMANT });
    }
    // A run of nothing would read as conformant.
    if jobs.iter().all(|j| j.filtered_out(&req.args)) {
        return Err(selection::nothing_selected(&req));
    }

    // Written before any scenario, for a SUT that is told to trust it from a file.
    let ca_file = req.out_dir.join("harness-ca.pem");
    std::fs::create_dir_all(&req.out_dir)
        .and_then(|()| std::fs::write(&ca_file, &env.pki.ca_pem))
        .map_err(|e| ConfigError::one(format!("cannot write {}: {e}", ca_file.display())))?;

    let started_at = SystemTime::now();
    let clock = Instant::now();
    let selected: Vec<String> =
        jobs.iter().filter(|j| !j.filtered_out(&req.args)).map(|j| j.name().to_owned()).collect();
    match req.console {
        Console::Lines(paint) => {
            let (total, quiet) = (selected.len(), req.args.quiet);
            std::thread::scope(|scope| {
                scope.spawn(|| crate::progress::print(progress_rx, total, quiet, paint));
                jobs::run_silently(&req.args, jobs, &executor.stop);
            });
        }
        Console::Silent => jobs::run_silently(&req.args, jobs, &executor.stop),
    }

    let mut scenarios = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    // Requests that came after their window, up to now, amend their scenario's result.
    for i in env.late.amend(&mut scenarios) {
        crate::waivers::apply(&waived.0, &mut scenarios[i], &waived.1);
    }
    let order: BTreeMap<&str, usize> = planned.iter().enumerate().map(|(i, p)| (p.scenario.id.as_str(), i)).collect();
    scenarios.sort_by_key(|s| order.get(s.id.as_str()).copied().unwrap_or(usize::MAX));
    let waiver_records = crate::waivers::statuses(&waived.0, &scenarios, &waived.1);
    let mut run = assemble(&env, &req.profiles, scenarios, started_at, clock, seed, fail_on);
    run.waivers = waiver_records;
    // As given on the command line: what running a scenario of it again takes.
    let given = |path: &std::path::Path| path.to_string_lossy().into_owned();
    run.sut.file = req.sut_file.as_deref().map(given);
    run.suite = req.suite_dir.as_deref().map(given);
    run.set_profile = req.set_profile.map(|p| p.name().to_owned());
    env.secrets.redact_run(&mut run);
    match executor.stop.signal() {
        Some(signal) => {
            interrupt::mark(&mut run, signal, selected);
            // What a scenario left running (a blocking read, a trigger command) does not hold up the end.
            runtime.shutdown_timeout(interrupt::SHUTDOWN_GRACE);
        }
        None => drop(runtime),
    }
    Ok(Finished { exit_code: run.summary.exit_code, run: Some(run) })
}

/// The async runtime a run or a pairing drives its peers on.
fn runtime() -> Result<tokio::runtime::Runtime, ConfigError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ConfigError::one(format!("cannot start the async runtime: {e}")))
}

/// The stable listener of the run, when sut.yaml gives `harness.listen` a port.
fn stable_router(
    runtime: &tokio::runtime::Runtime,
    sut: &SutSetup,
    pki: &HarnessPki,
) -> Result<Option<Arc<crate::harness::router::StableRouter>>, ConfigError> {
    let Some(stable) = &sut.harness_stable else { return Ok(None) };
    let public_base = sut.harness_public_base.as_deref();
    let started = runtime.block_on(crate::harness::router::StableRouter::start(
        stable.addr,
        &stable.path,
        public_base,
        sut.setup.shares_peer(),
        pki,
    ));
    started
        .map(|router| Some(Arc::new(router)))
        .map_err(|e| ConfigError::one(format!("harness.listen: cannot listen on {}: {e}", stable.addr)))
}

/// The CA and certificates of the harness's URLs for a run: the user's CA from
/// sut.yaml, or one generated for this run.
fn harness_pki(sut: &SutSetup) -> Result<Arc<HarnessPki>, ConfigError> {
    match &sut.harness_pki {
        Some(pki) => Ok(pki.clone()),
        None => fresh_pki(),
    }
}

/// A CA and certificates generated for this run.
fn fresh_pki() -> Result<Arc<HarnessPki>, ConfigError> {
    HarnessPki::generate().map(Arc::new).map_err(|e| ConfigError::one(format!("cannot make the harness's CA: {e}")))
}

pub fn load_catalogue(dir: Option<&std::path::Path>) -> Result<Catalogue, ConfigError> {
    let origin = dir.map_or(Origin::Embedded, Origin::Dir);
    Catalogue::load(origin).map_err(|errs| ConfigError(errs.iter().map(ToString::to_string).collect()))
}

fn assemble(
    env: &RunEnv,
    selected: &[String],
    scenarios: Vec<ScenarioResult>,
    started_at: SystemTime,
    clock: Instant,
    seed: u64,
    fail_on: FailOn,
) -> Run {
    let sut = SutInfo {
        name: env.sut.name.clone(),
        kind: env.sut.kind.into(),
        file: None,
        fault: env.sut.fault.clone(),
        endpoints: endpoints(&env.sut),
        insecure: env.sut.insecure,
        cleartext_endpoints: env.sut.cleartext_endpoints(),
    };
    let profiles = if selected.is_empty() { env.sut.profiles.clone() } else { selected.to_vec() };
    let head = RunHead { sut, profiles, set_profile: Some(env.sut.set_profile), started_at, clock, seed };
    record(&env.catalogue, head, scenarios, fail_on)
}

/// What a Run record says about itself besides its scenarios.
pub struct RunHead {
    pub sut: SutInfo,
    pub profiles: Vec<String>,
    /// The SET profile the SUT's SETs were judged under, if they were judged by content.
    pub set_profile: Option<crate::set::SetProfile>,
    pub started_at: SystemTime,
    pub clock: Instant,
    pub seed: u64,
}

/// Builds the Run record: summary, exit code, requirement roll-up and the
/// ambiguities cited, from the scenarios.
pub fn record(catalogue: &Catalogue, head: RunHead, scenarios: Vec<ScenarioResult>, fail_on: FailOn) -> Run {
    let verdicts: Vec<Verdict> = scenarios.iter().map(|s| s.verdict).collect();
    let mut summary = Summary::count(verdicts.iter().copied());
    summary.exit_code = Outcome::of(verdicts.iter().copied(), fail_on).exit_code();
    let requirements = crate::judge::requirements::roll_up(catalogue, &scenarios, &head.profiles, head.set_profile);
    let ambiguities = catalogue.cited_ambiguities(&scenarios);
    Run {
        schema_version: setconform_reports::SCHEMA_VERSION.into(),
        tool: Tool { name: "setconform".into(), version: env!("CARGO_PKG_VERSION").into() },
        started_at: setconform_reports::rfc3339_utc(head.started_at),
        duration_ms: head.clock.elapsed().as_millis() as u64,
        seed: head.seed,
        sut: head.sut,
        profiles: head.profiles,
        fail_on,
        set_profile: None,
        suite: None,
        summary,
        requirements,
        scenarios,
        waivers: Vec::new(),
        interrupted: None,
        ambiguities,
    }
}

/// The SUT's endpoints, by role, for the record.
pub fn endpoints(sut: &SutSetup) -> Vec<(String, String)> {
    let mut endpoints = Vec::new();
    for (role, url) in [
        ("pushpull", &sut.pushpull_endpoint),
        ("push", &sut.push_endpoint),
        ("multi-set-push", &sut.msp_endpoint),
        ("poll", &sut.poll_endpoint),
    ] {
        if let Some(url) = url {
            endpoints.push((role.to_owned(), url.clone()));
        }
    }
    match &sut.trigger {
        Some(TriggerConfig::Http { url }) => endpoints.push(("trigger".to_owned(), url.clone())),
        Some(TriggerConfig::Exec { command, .. }) => {
            endpoints.push(("trigger".to_owned(), format!("exec: {}", command.join(" "))))
        }
        Some(TriggerConfig::Persistent(bridge)) => {
            endpoints.push(("trigger".to_owned(), format!("exec (persistent): {}", bridge.command.join(" "))))
        }
        Some(TriggerConfig::Manual) => endpoints.push(("trigger".to_owned(), "manual".to_owned())),
        Some(TriggerConfig::Ssf(ssf)) => endpoints.push(("trigger".to_owned(), format!("ssf: {}", ssf.issuer))),
        None => {}
    }
    endpoints
}

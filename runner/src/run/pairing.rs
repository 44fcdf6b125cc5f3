//! A pairing run: two implementations (configured, or two embedded
//! references) driven against each other by [`crate::pair`], recorded as one
//! Run; like a run, it stops early on SIGINT or SIGTERM.

use super::interrupt::{self, Signals};
use super::{ConfigError, RunHead, endpoints, harness_pki, load_catalogue, record, runtime};
use crate::sut::{ReferenceUrls, SutSetup};
use crate::wire::{Wire, WireLimits};
use setconform_reference::{Fault, Reference, ReferenceConfig};
use setconform_reports::verdict::FailOn;
use setconform_reports::{Run, SutInfo};
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

/// A pairing of two implementations (see [`crate::pair`]).
pub struct PairRequest {
    pub initiator: Option<PathBuf>,
    pub responder: Option<PathBuf>,
    pub fault_initiator: Option<String>,
    pub fault_responder: Option<String>,
}

/// Runs a pairing: configured SUTs, or two embedded references (each with its own fault).
pub fn pair(req: PairRequest) -> Result<Run, ConfigError> {
    pair_with(req, Signals::Ignored)
}

/// [`pair`] until SIGINT or SIGTERM: an interrupted pairing's two sides are
/// ERROR "interrupted", and its exit code is 130 or 143.
pub fn pair_until_signalled(req: PairRequest) -> Result<Run, ConfigError> {
    pair_with(req, Signals::Stop)
}

fn pair_with(req: PairRequest, signals: Signals) -> Result<Run, ConfigError> {
    let runtime = runtime()?;
    let stop = signals.stop()?;
    let catalogue = load_catalogue(None)?;
    let fault = |name: &Option<String>| -> Result<Option<Fault>, ConfigError> {
        name.as_deref()
            .map(|n| {
                Fault::from_name(n)
                    .ok_or_else(|| ConfigError::one(format!("unknown fault {n:?} (see `setconform faults`)")))
            })
            .transpose()
    };
    let (fi, fr) = (fault(&req.fault_initiator)?, fault(&req.fault_responder)?);
    let load =
        |p: &PathBuf| SutSetup::load(p).map_err(|errs| ConfigError(errs.iter().map(ToString::to_string).collect()));
    let mut references = Vec::new();
    let (initiator, responder) = match (&req.initiator, &req.responder) {
        (Some(i), Some(r)) => (load(i)?, load(r)?),
        _ => {
            let mut start = |f: Option<Fault>, profile: &str| -> Result<SutSetup, ConfigError> {
                let reference = runtime
                    .block_on(Reference::start(ReferenceConfig { fault: f, ..ReferenceConfig::default() }))
                    .map_err(|e| ConfigError::one(format!("cannot start a reference: {e}")))?;
                let sut = SutSetup::embedded(
                    ReferenceUrls::of(&reference),
                    vec![profile.to_owned()],
                    f.map(|f| f.name().to_owned()),
                );
                references.push(reference);
                Ok(sut)
            };
            (start(fi, "pushpull-http-initiator")?, start(fr, "pushpull-http-responder")?)
        }
    };
    let roots: Vec<u8> = [&initiator.ca_pem, &responder.ca_pem].into_iter().flatten().flatten().copied().collect();
    let roots = (!roots.is_empty()).then_some(roots);
    let wire = Wire::new(WireLimits::default(), roots.as_deref(), None).map_err(|e| ConfigError::one(e.to_string()))?;
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let pki = harness_pki(&initiator)?;
    let secrets = crate::secrets::Secrets::default();
    [&initiator, &responder].into_iter().for_each(|sut| crate::engine::learn_sut(&secrets, sut, None));
    let pairing = crate::pair::run(&initiator, &responder, &catalogue, &wire, &pki, &secrets);
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = pairing => Some(outcome),
            _ = stop.asked() => None,
        }
    });
    let scenarios = match (outcome, stop.signal()) {
        (Some(outcome), _) => {
            outcome.map_err(|e| ConfigError::one(secrets.redact(&format!("pairing could not start: {e}"))))?
        }
        (None, signal) => interrupt::unfinished_pairing(signal.unwrap_or(setconform_reports::StopSignal::Interrupt)),
    };
    let faults: Vec<String> = [&initiator.fault, &responder.fault].into_iter().flatten().cloned().collect();
    let sut = SutInfo {
        name: format!("{} -> {}", initiator.name, responder.name),
        kind: initiator.kind.into(),
        file: None,
        fault: (!faults.is_empty()).then(|| faults.join(", ")),
        endpoints: [endpoints(&initiator), endpoints(&responder)].concat(),
        insecure: initiator.insecure || responder.insecure,
        cleartext_endpoints: [initiator.cleartext_endpoints(), responder.cleartext_endpoints()].concat(),
    };
    let profiles = vec!["pushpull-http-initiator".to_owned(), "pushpull-http-responder".to_owned()];
    let head = RunHead { sut, profiles, set_profile: None, started_at, clock, seed: 0 };
    let mut run = record(&catalogue, head, scenarios, FailOn::Fail);
    secrets.redact_run(&mut run);
    if let Some(signal) = stop.signal() {
        interrupt::mark(&mut run, signal, Vec::new());
        runtime.shutdown_timeout(interrupt::SHUTDOWN_GRACE);
    }
    Ok(run)
}

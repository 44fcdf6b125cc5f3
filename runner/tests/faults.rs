//! The fault catalogue is exact both ways, and every expectation can fail.
//!
//! Each fault of the reference runs against the whole catalogue. What the run
//! finds broken (beyond what a run without a fault finds) must be what
//! `setconform faults` says: the requirements it `breaks`, each at its level
//! (INFO where the fault's ambiguity leaves the rule open), and those it
//! breaks as a consequence (`also`), and nothing else. Every expectation of
//! every scenario must fail under some fault, or be on
//! `setconform::catalogue::proof::NOT_BY_A_FAULT` with how it is proven
//! instead (a fake SUT in these tests) or why it cannot fail alone.

mod common;

use setconform::catalogue::proof::NOT_BY_A_FAULT;
use setconform::catalogue::{Catalogue, Origin, Scenario};
use setconform::set::SetProfile;
use setconform_reference::Fault;
use setconform_reports::{ExpectationResult, Run, Verdict};
use std::collections::{BTreeMap, BTreeSet};

/// One expectation of the catalogue, for one of its requirements: scenario,
/// step (1 = first), position in the step's `expect` list (1 = first).
type Key = (String, usize, usize, String);

/// How many runs go at once: they wait on the network more than on the CPU.
const AT_ONCE: usize = 4;

#[test]
fn every_fault_breaks_what_it_declares_and_every_expectation_can_fail() {
    let catalogue = Catalogue::load(Origin::Embedded).unwrap();
    let (baseline_run, _) = run_under(None, None);
    let baseline = broken_keys(&baseline_run);
    assert!(baseline.len() < 5, "a run without a fault breaks almost nothing: {baseline:?}");

    let runs = in_parallel(Fault::ALL.to_vec(), |f| (f, run_under(Some(f), None)));
    let mut wrong = Vec::new();
    let mut flaky = Vec::new();
    // An expectation the reference itself fails (an open reading it takes) is shown failing.
    let mut proven: BTreeSet<Key> = broken_results(&baseline_run).filter_map(|(k, _)| k).collect();
    for (fault, (run, code)) in runs {
        assert_eq!(run.summary.total, catalogue.scenarios.len(), "{}: the run completed", fault.name());
        let mut seen = broken(&run, &baseline);
        // A requirement seen or missed only once under load is run again on its own scenarios.
        let unexpected: BTreeSet<String> =
            seen.keys().filter(|r| !fault.proves().any(|p| p == r.as_str())).cloned().collect();
        let missing: BTreeSet<String> = fault.proves().filter(|r| !seen.contains_key(*r)).map(str::to_owned).collect();
        if !unexpected.is_empty() || !missing.is_empty() {
            let only = scenarios_on(&catalogue, &run, unexpected.iter().chain(&missing));
            let (again, _) = run_under(Some(fault), Some(only));
            let again = broken(&again, &baseline);
            for r in unexpected.iter().filter(|r| !again.contains_key(*r)) {
                flaky.push(format!("{}: {r} broken in one run only", fault.name()));
                seen.remove(r);
            }
            for r in missing.iter().filter(|r| again.contains_key(*r)) {
                flaky.push(format!("{}: {r} broken only when run again", fault.name()));
                seen.insert(r.clone(), again[r].clone());
            }
        }
        for (req, results) in &seen {
            if !fault.proves().any(|p| p == req) {
                wrong.push(format!("{} also breaks {req}, undeclared: {}", fault.name(), places(results)));
            }
        }
        for req in fault.proves() {
            let Some(results) = seen.get(req) else {
                // A scenario that could not finish judged nothing: a hostile SUT may time it out
                // before the rule comes up. That is no sign the rule was kept.
                let may_not_get_there = fault.is_hostile() && fault.consequences().contains(&req);
                if !may_not_get_there && !cut_short(&run, req) {
                    wrong.push(format!("{} declares {req}, but no run finds it broken", fault.name()));
                }
                continue;
            };
            if fault.breaks().contains(&req) {
                let expected = expected_verdict(&catalogue, fault, req);
                let softened = softened_verdicts(&catalogue, req);
                if !results.iter().any(|(_, v)| *v == expected || softened.contains(v)) {
                    wrong.push(format!("{} breaks {req}: expected {expected}, got {}", fault.name(), places(results)));
                }
            }
        }
        wrong.extend(common::circular_expected_texts(&run).into_iter().map(|c| format!("{}: {c}", fault.name())));
        if !fault.is_hostile() {
            let failed = run.scenarios.iter().any(|s| s.verdict == Verdict::Fail);
            assert_eq!(code == 1, failed, "{}: exit code {code} and the record agree", fault.name());
        }
        proven.extend(seen.values().flatten().map(|(key, _)| key.clone()));
    }
    if !flaky.is_empty() {
        eprintln!("settled on a second run:\n  {}", flaky.join("\n  "));
    }

    let allowed: BTreeSet<Key> = NOT_BY_A_FAULT
        .iter()
        .map(|u| (u.scenario.to_owned(), u.step, u.expectation, u.requirement.to_owned()))
        .collect();
    let every = expectations(&catalogue);
    let unproven: Vec<String> =
        every.iter().filter(|k| !proven.contains(*k) && !allowed.contains(*k)).map(place).collect();
    let stale: Vec<String> = allowed.iter().filter(|k| !every.contains(*k) || proven.contains(*k)).map(place).collect();
    assert!(
        wrong.is_empty() && unproven.is_empty() && stale.is_empty(),
        "the fault catalogue and the runs disagree:\n{}\n\n{} of {} expectations fail under no fault:\n{}\n\n\
         on the list of those no fault can fail, but proven or gone:\n{}",
        wrong.join("\n"),
        unproven.len(),
        every.len(),
        unproven.join("\n"),
        stale.join("\n")
    );
}

/// Whether every scenario of `run` that names `req` stopped early (TIMEOUT or ERROR).
fn cut_short(run: &Run, req: &str) -> bool {
    let mut naming = run.scenarios.iter().filter(|s| s.requirements.iter().any(|r| r == req)).peekable();
    naming.peek().is_some() && naming.all(|s| s.verdict.is_incomplete())
}

/// Every expectation of the catalogue, per requirement it names.
fn expectations(catalogue: &Catalogue) -> BTreeSet<Key> {
    catalogue
        .scenarios
        .iter()
        .flat_map(|s| {
            s.steps.iter().enumerate().flat_map(move |(i, step)| {
                step.expect
                    .iter()
                    .enumerate()
                    .flat_map(move |(j, e)| e.req.ids().map(move |r| (s.id.clone(), i + 1, j + 1, r.clone())))
            })
        })
        .collect()
}

/// A run of the whole catalogue (or of `only`) under `fault`, in the SET
/// profile whose rules it breaks.
fn run_under(fault: Option<Fault>, only: Option<BTreeSet<String>>) -> (Run, i32) {
    let mut req = common::request(None, fault.map(Fault::name), Some(7));
    if let Some(f) = fault {
        req.set_profile = SetProfile::from_name(f.set_profile().name());
    }
    req.only = only;
    // Several runs at once on a small machine: keep each one's own load moderate,
    // so that the timing rules judge the reference, not the scheduler.
    req.args.test_threads = Some(8);
    common::execute(req)
}

fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let chunk = items.len().div_ceil(AT_ONCE);
    let mut items = items.into_iter();
    let chunks: Vec<Vec<T>> =
        std::iter::from_fn(|| Some(items.by_ref().take(chunk).collect::<Vec<_>>()).filter(|c| !c.is_empty())).collect();
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            chunks.into_iter().map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// The results in `run` that find their rule broken (FAIL, WARN, or an INFO
/// that is a broken rule), each with its key where a step lists it.
fn broken_results(run: &Run) -> impl Iterator<Item = (Option<Key>, &ExpectationResult)> {
    run.scenarios.iter().flat_map(|s| {
        s.expectations.iter().filter(|e| e.broken).map(move |e| {
            let key = e.expectation.map(|at| (s.id.clone(), e.step, at, e.requirement.clone()));
            (key, e)
        })
    })
}

fn broken_keys(run: &Run) -> BTreeSet<String> {
    broken_results(run).map(|(_, e)| identity(run, e)).collect()
}

/// A result's place, for comparing one run with another (also for results no step lists).
fn identity(run: &Run, e: &ExpectationResult) -> String {
    let scenario = run.scenarios.iter().find(|s| s.expectations.iter().any(|x| std::ptr::eq(x, e))).unwrap();
    format!("{} {} {} {:?} {}", scenario.id, scenario.profile, e.step, e.expectation, e.requirement)
}

/// Per requirement, what `run` finds broken beyond `baseline`: each result's
/// key (where a step lists it) and verdict.
fn broken(run: &Run, baseline: &BTreeSet<String>) -> BTreeMap<String, Vec<(Key, Verdict)>> {
    let mut by_req: BTreeMap<String, Vec<(Key, Verdict)>> = BTreeMap::new();
    for (key, e) in broken_results(run) {
        if baseline.contains(&identity(run, e)) {
            continue;
        }
        let key = key.unwrap_or_else(|| {
            (format!("every SET, {}", e.check.as_deref().unwrap_or("?")), e.step, 0, e.requirement.clone())
        });
        by_req.entry(e.requirement.clone()).or_default().push((key, e.verdict));
    }
    by_req
}

/// The scenarios of `run` that name one of `reqs`.
fn scenarios_on<'a>(catalogue: &Catalogue, run: &Run, reqs: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    let reqs: BTreeSet<&String> = reqs.collect();
    let cited = |s: &Scenario| s.requirements.iter().any(|r| reqs.contains(r));
    let mut ids: BTreeSet<String> = catalogue.scenarios.iter().filter(|s| cited(s)).map(|s| s.id.clone()).collect();
    ids.extend(
        run.scenarios
            .iter()
            .filter(|s| s.expectations.iter().any(|e| reqs.contains(&e.requirement)))
            .map(|s| s.id.clone()),
    );
    ids
}

/// The verdict a requirement the fault breaks earns: its level's, or INFO where
/// the fault's ambiguity leaves the rule open.
fn expected_verdict(catalogue: &Catalogue, fault: Fault, req: &str) -> Verdict {
    let requirement = &catalogue.requirements[req];
    match fault.ambiguity() {
        Some(amb) if requirement.amb.iter().any(|a| a == amb) => Verdict::Info,
        _ => requirement.level.violation_verdict(),
    }
}

/// The verdicts expectations on `req` are softened to (`soften_to`, with the
/// ambiguity that says why): a fault that breaks only those is seen at that level.
fn softened_verdicts(catalogue: &Catalogue, req: &str) -> Vec<Verdict> {
    use setconform::catalogue::Soften;
    catalogue
        .scenarios
        .iter()
        .flat_map(|s| s.steps.iter().flat_map(|step| step.expect.iter()))
        .filter(|e| e.req.ids().any(|id| id == req))
        .filter_map(|e| match e.soften_to? {
            Soften::Warn => Some(Verdict::Warn),
            Soften::Info => Some(Verdict::Info),
        })
        .collect()
}

fn place((scenario, step, at, req): &Key) -> String {
    format!("{scenario} step {step} expect {at} ({req})")
}

fn places(results: &[(Key, Verdict)]) -> String {
    let shown: Vec<String> =
        results.iter().take(3).map(|((s, step, at, _), v)| format!("{v} {s} step {step} expect {at}")).collect();
    let more = results.len().saturating_sub(3);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

#[test]
fn warn_level_faults_fail_the_run_with_fail_on_warn() {
    let mut req = common::request(None, Some("typ-jwt"), Some(8));
    req.fail_on = setconform::run::FailOn::Warn;
    let (run, code) = common::execute(req);
    assert!(run.summary.warn > 0);
    assert_eq!(code, 1);
}

/// The profiles in which the SUT sends SETs to the harness, one per binding and role.
const EMITTING_PROFILES: [&str; 7] = [
    "pushpull-http-responder",
    "pushpull-http-initiator",
    "pushpull-ws-responder",
    "pushpull-ws-initiator",
    "push-transmitter",
    "multi-set-push-transmitter",
    "poll-transmitter",
];

/// A fault in the SETs themselves is caught whichever binding carries them: every
/// SET the SUT sends is judged, in every scenario (RFC 8417).
#[test]
fn set_content_faults_are_caught_on_every_binding() {
    let catalogue = Catalogue::load(Origin::Embedded).unwrap();
    let faults = [
        Fault::TypJwt,
        Fault::SetsWithExp,
        Fault::SetsWithoutIat,
        Fault::SetsIatInMilliseconds,
        Fault::SetsWithoutEvents,
        Fault::SetDuplicateEvent,
        Fault::SignWithUnknownKey,
        Fault::JtiReusedNewContent,
        Fault::SetNoTyp,
        Fault::SetSubPresent,
        Fault::SetNoSubId,
        Fault::SetTwoEvents,
        Fault::SetBadSubject,
        Fault::SetEs256UnderInterop,
        Fault::SetUnlistedSubjectFormat,
        Fault::SetSubjectInNewEvent,
        Fault::SetSubIdMismatch,
        Fault::SetSubjectWithoutFormat,
        Fault::SetSubjectExtraMember,
        Fault::SetAccountNotAcct,
        Fault::SetIssSubWithoutSub,
        Fault::SetOpaqueIdNumber,
        Fault::SetPhoneNotE164,
        Fault::SetDidNotDid,
        Fault::SetUriWithoutScheme,
        Fault::SetNestedAliases,
        Fault::SetComplexMemberString,
        Fault::SetJwtIdWithoutJti,
        Fault::SetSamlIdWithoutIssuer,
        Fault::SetIpAddressesString,
        Fault::SetInitiatingEntityUnlisted,
        Fault::SetReasonNotLocalized,
        Fault::SetEventTimestampString,
        Fault::SetClaimsChangeNamesOnly,
        Fault::SetCredentialChangeUnlisted,
        Fault::SetAssuranceLevelNumber,
        Fault::SetChangeDirectionUnlisted,
        Fault::SetComplianceMisspelled,
        Fault::SetAmrString,
        Fault::SetRiskLevelLowercase,
        Fault::SetsForeignIss,
        Fault::EventTypeNotUri,
        Fault::EventPayloadNull,
        Fault::SetsWithoutJti,
        Fault::AudNumber,
        Fault::TxnNumber,
        Fault::ToeString,
    ];
    let content = |r: &&&str| ["SET-", "SSF-SET-", "SSF-IOP-", "SUBID-", "CAEP-"].iter().any(|p| r.starts_with(p));
    let mut missed = Vec::new();
    for fault in faults {
        let mut req = common::request(None, Some(fault.name()), Some(13));
        req.profiles = EMITTING_PROFILES.iter().map(|p| p.to_string()).collect();
        req.set_profile = SetProfile::from_name(fault.set_profile().name());
        let (run, _) = common::execute(req);
        assert!(fault.breaks().iter().any(|r| content(&r)), "{} breaks a SET content rule", fault.name());
        for req_id in fault.breaks().iter().filter(content) {
            let expected = catalogue.requirements[*req_id].level.violation_verdict();
            for profile in EMITTING_PROFILES {
                let caught = run
                    .scenarios
                    .iter()
                    .filter(|s| s.profile == profile)
                    .flat_map(|s| &s.expectations)
                    .any(|e| e.requirement == *req_id && e.verdict == expected);
                if !caught {
                    missed.push(format!("{} ({req_id}) not caught in {profile}", fault.name()));
                }
            }
        }
    }
    assert!(missed.is_empty(), "{missed:#?}");
}

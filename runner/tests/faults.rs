//! Every fault of the reference is caught: the scenarios on the requirement it
//! breaks FAIL (WARN for a SHOULD-level rule; INFO where an ambiguity leaves
//! the rule open), and the run still completes.

mod common;

use setconform::catalogue::{Catalogue, Origin};
use setconform::set::SetProfile;
use setconform_reference::Fault;
use setconform_reports::Verdict;

#[test]
fn every_fault_is_caught_by_the_scenarios_on_its_requirement() {
    let catalogue = Catalogue::load(Origin::Embedded).unwrap();
    let judging = &catalogue;
    // Hostile faults test that the harness survives (tests/hostile_reference.rs), not one rule.
    let faults: Vec<Fault> = Fault::ALL.into_iter().filter(|f| !f.is_hostile()).collect();
    // Runs wait on the network, not the CPU: several at once.
    let runs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = faults
            .chunks(faults.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|f| {
                            let mut req = common::request(None, Some(f.name()), Some(7));
                            // Only the profiles whose scenarios judge what the fault breaks,
                            // with the SETs in the content profile whose rules it breaks.
                            req.profiles = profiles_judging(judging, f.breaks());
                            req.set_profile = SetProfile::from_name(f.set_profile().name());
                            // Four runs at once on a small machine: keep each run's own load moderate,
                            // so that the timing rules judge the reference, not the scheduler.
                            req.args.test_threads = Some(8);
                            (*f, common::execute(req))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut missed = Vec::new();
    for (fault, (run, code)) in runs {
        assert_eq!(run.summary.total, catalogue.scenarios.len(), "{}: the run completed", fault.name());
        assert_eq!(run.sut.fault.as_deref(), Some(fault.name()));
        // The fault's ambiguity leaves open the requirements that name it; any other
        // requirement the fault breaks is judged at its level.
        let expected_for = |req: &str| {
            let requirement = &catalogue.requirements[req];
            match fault.ambiguity() {
                Some(amb) if requirement.amb.iter().any(|a| a == amb) => Verdict::Info,
                _ => requirement.level.violation_verdict(),
            }
        };
        for req in fault.breaks() {
            let expected = expected_for(req);
            let caught = run
                .scenarios
                .iter()
                .flat_map(|s| &s.expectations)
                .any(|e| e.requirement == *req && e.verdict == expected);
            let rolled_up = run.requirements.iter().find(|r| r.id == *req).map(|r| r.verdict);
            if !caught || rolled_up != Some(expected) {
                missed.push(format!(
                    "{} breaks {req}: expected {expected}, requirement verdict {rolled_up:?}",
                    fault.name()
                ));
            }
        }
        let expected_code = if fault.breaks().iter().any(|r| expected_for(r) == Verdict::Fail) { 1 } else { 0 };
        if code != expected_code {
            let failures: Vec<String> = common::findings(&run)
                .into_iter()
                .filter(|f| f.starts_with("FAIL") || f.starts_with("ERROR"))
                .collect();
            missed.push(format!("{}: exit code {code}, expected {expected_code}: {failures:?}", fault.name()));
        }
    }
    assert!(missed.is_empty(), "faults not caught:\n{}", missed.join("\n"));
}

/// The profiles with a scenario that names one of `requirements`; for a SET
/// content rule, the profiles in which the SUT sends SETs (every SET is judged).
fn profiles_judging(catalogue: &Catalogue, requirements: &[&str]) -> Vec<String> {
    let content = ["SET-", "SSF-SET-", "SSF-IOP-", "SUBID-", "CAEP-"];
    let judges_content = requirements.iter().any(|r| content.iter().any(|p| r.starts_with(p)));
    let mut profiles: Vec<String> = catalogue
        .scenarios
        .iter()
        .filter(|s| s.requirements.iter().any(|r| requirements.contains(&r.as_str())))
        .flat_map(|s| s.applies_to.iter().cloned())
        .collect();
    if judges_content {
        profiles.extend(EMITTING_PROFILES.iter().map(|p| p.to_string()));
    }
    profiles.sort();
    profiles.dedup();
    profiles
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
        Fault::SetsForeignIss,
        Fault::EventTypeNotUri,
        Fault::EventPayloadNull,
        Fault::SetsWithoutJti,
        Fault::AudNumber,
        Fault::TxnNumber,
        Fault::ToeString,
    ];
    let content = |r: &&&str| ["SET-", "SSF-SET-", "SSF-IOP-", "SUBID-"].iter().any(|p| r.starts_with(p));
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

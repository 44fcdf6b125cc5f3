//! The whole catalogue against the embedded reference: nothing fails, the
//! report is valid against its schema, and a seed makes the run repeatable.

mod common;

use setconform::schema::Schemas;
use setconform::set::SetProfile;
use setconform_reports::Verdict;

#[test]
fn the_reference_passes_the_whole_catalogue() {
    let (run, code) = common::execute(common::request(None, None, Some(1)));
    let bad: Vec<_> = common::findings(&run)
        .into_iter()
        .filter(|f| ["FAIL", "WARN", "ERROR", "TIMEOUT"].iter().any(|v| f.starts_with(v)))
        .collect();
    assert!(bad.is_empty(), "findings against the reference:\n{}", bad.join("\n"));
    assert_eq!(code, 0);
    assert!(run.summary.total >= 15, "only {} scenarios", run.summary.total);
    // It claims every capability of its profiles; under rfc8417 only the scenarios on
    // SSF and CAEP-interop requirements are N/A, and the next test runs them.
    let na: Vec<_> = run.scenarios.iter().filter(|s| s.verdict == Verdict::NotApplicable).collect();
    assert!(
        na.iter().all(|s| s.reason.as_deref().is_some_and(|r| r.contains("claimed SET profile"))),
        "N/A for another reason: {:?}",
        na.iter().map(|s| (&s.id, &s.reason)).collect::<Vec<_>>()
    );
    assert!(run.scenarios.iter().all(|s| s.verdict == Verdict::NotApplicable || !s.transcript.is_empty()));
}

/// The reference minting in the SSF and the CAEP interop content profiles
/// passes the whole catalogue judged by those profiles' rules.
#[test]
fn the_reference_passes_under_every_set_content_profile() {
    for profile in [SetProfile::Ssf, SetProfile::CaepInterop] {
        let mut req = common::request(None, None, Some(21));
        req.set_profile = Some(profile);
        let (run, code) = common::execute(req);
        let bad: Vec<_> = common::findings(&run)
            .into_iter()
            .filter(|f| ["FAIL", "WARN", "ERROR", "TIMEOUT"].iter().any(|v| f.starts_with(v)))
            .collect();
        assert!(bad.is_empty(), "{}: findings against the reference:\n{}", profile.name(), bad.join("\n"));
        assert_eq!(code, 0);
        let judged =
            |prefix: &str| run.requirements.iter().any(|r| r.id.starts_with(prefix) && !r.scenarios.is_empty());
        assert!(
            judged("SSF-SET-") && judged("SUBID-") && judged("CAEP-"),
            "{}: the profile's rules ran",
            profile.name()
        );
        // The interop profile's content rules (RS256 here) bind only under it.
        assert_eq!(judged("SSF-IOP-006"), profile == SetProfile::CaepInterop);
    }
}

/// The SET content rules of the run's SET profile that no SET the SUT sent
/// was subject to are listed N/A, saying when they apply; never PASS.
#[test]
fn set_rules_no_set_was_subject_to_are_listed_not_exercised() {
    let mut req = common::request(None, None, Some(3));
    req.set_profile = SetProfile::from_name("ssf");
    req.profiles = vec!["push-transmitter".into()];
    let path = req.out_dir.join("run.json");
    let (run, _) = common::execute(req);
    write_valid(&run, &path);
    let listed: Vec<_> = run.requirements.iter().filter(|r| r.not_exercised.is_some()).collect();
    assert!(listed.iter().all(|r| r.verdict == Verdict::NotApplicable && r.scenarios.is_empty()), "{listed:?}");
    let caep = listed.iter().find(|r| r.id.starts_with("CAEP-")).expect("a CAEP rule not exercised");
    let why = caep.not_exercised.as_deref().unwrap_or_default();
    assert!(
        why.starts_with("not exercised in this run: applies to every SET carrying a CAEP ")
            && why.ends_with("; the SUT sent no such SET"),
        "{why}"
    );
    assert!(!listed.iter().any(|r| r.id.starts_with("SSF-IOP-")), "interop rules are not the ssf profile's");
    assert!(!listed.iter().any(|r| r.id == "SET-001" || r.id == "SSF-SET-001"), "those were judged: {listed:?}");
    let summary = setconform_reports::markdown::summary(&run);
    assert!(summary.contains("### SET rules not exercised") && summary.contains(&caep.id), "{summary}");
    assert!(setconform_reports::html::run_report(&run).contains(why), "the HTML report says when it applies");
}

#[test]
fn the_json_report_is_valid_against_its_schema() {
    let req = common::request(None, None, Some(2));
    let path = req.out_dir.join("run.json");
    let (run, _) = common::execute(req);
    write_valid(&run, &path);
    let back = setconform_reports::json::read(&path).unwrap();
    assert_eq!(back.scenarios.len(), run.scenarios.len());
}

/// Writes `run` to `path` as JSON, and checks the file against the run schema.
fn write_valid(run: &setconform_reports::Run, path: &std::path::Path) {
    setconform_reports::json::write(run, path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let violations = Schemas::embedded().validate("run", &value).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

/// The fixture the report snapshots are rendered from is a record of the published shape.
#[test]
fn the_report_snapshot_fixture_is_valid_against_the_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/tests/fixtures/run-mixed.json");
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let violations = Schemas::embedded().validate("run", &value).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    assert!(setconform_reports::json::read(&path).is_ok());
}

#[test]
fn the_same_seed_mints_the_same_sets() {
    let jtis = |seed| {
        let mut req = common::request(None, None, Some(seed));
        req.args = common::args(Some("batch.10"));
        let (run, _) = common::execute(req);
        let body =
            &run.scenarios.iter().find(|s| s.verdict != Verdict::NotApplicable).unwrap().transcript[1].request.body;
        body.sets.iter().map(|s| (s.key.clone(), s.claims.clone())).collect::<Vec<_>>()
    };
    let (a, b, c) = (jtis(42), jtis(42), jtis(43));
    assert_eq!(a.len(), 10);
    assert_eq!(a, b, "same seed, same jtis and claims");
    assert_ne!(a, c, "another seed, other jtis");
}

#[test]
fn filters_select_scenarios_and_the_rest_are_not_in_the_record() {
    let mut req = common::request(None, None, Some(3));
    req.args = common::args(Some("max-response-events"));
    let (run, code) = common::execute(req);
    assert_eq!(code, 0);
    assert!(run.scenarios.len() >= 5);
    assert!(run.scenarios.iter().all(|s| s.id.contains("max-response-events")));
}

/// A finding read under an ambiguity brings the catalogue's entry into the
/// record, and only the entries the run's findings cite.
#[test]
fn a_run_carries_the_ambiguities_its_findings_cite() {
    let mut req = common::request(None, None, Some(5));
    req.args = common::args(Some("max-response-events"));
    let path = req.out_dir.join("run.json");
    let (run, _) = common::execute(req);
    write_valid(&run, &path);
    let cited: std::collections::BTreeSet<&str> =
        run.scenarios.iter().flat_map(|s| s.expectations.iter().filter_map(|e| e.ambiguity.as_deref())).collect();
    let info = run.scenarios.iter().flat_map(|s| &s.expectations);
    assert!(
        info.clone().any(|e| e.verdict == Verdict::Info && e.ambiguity.as_deref() == Some("AMB-06")),
        "the reference takes another reading of AMB-06 somewhere: {cited:?}"
    );
    let carried: Vec<&str> = run.ambiguities.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(carried, cited.into_iter().collect::<Vec<_>>());
    let amb = run.ambiguity("AMB-06").unwrap();
    assert_eq!(amb.sources, ["pushpull §6.1"]);
    assert!(
        !amb.question.is_empty() && !amb.readings.is_empty() && !amb.suite_reading.is_empty() && !amb.why.is_empty()
    );
    let back = setconform_reports::json::read(&path).unwrap();
    assert_eq!(back.ambiguities, run.ambiguities, "run.json holds them");
}

#[test]
fn secrets_never_reach_the_report() {
    let (run, _) = common::execute(common::request(None, None, Some(4)));
    let text = serde_json::to_string(&run).unwrap();
    assert!(!text.contains("ref-token-"), "a reference bearer token leaked into the report");
    assert!(text.contains("Bearer [redacted]"));
}

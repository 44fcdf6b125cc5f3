//! The `--sut sut.yaml` path: the annotated example configuration, pointed at a
//! reference started on its own, and planning against declared capabilities.

mod common;

use common::example_sut;
use setconform_reference::Fault;
use setconform_reports::Verdict;
use std::path::{Path, PathBuf};

#[test]
fn the_example_configuration_drives_a_standalone_reference_to_a_clean_run() {
    let port = common::standalone_reference();
    let (run, code) = common::execute(common::request(Some(example_sut(port, |t| t)), None, Some(5)));
    assert_eq!(run.sut.kind, "external");
    assert!(common::beyond_info(&run).is_empty(), "{:?}", common::beyond_info(&run));
    assert_eq!(code, 0);
    // Only what belongs to a SET profile the example does not claim (it claims rfc8417) is N/A,
    // and the SSF transmitter profile, which it does not claim (see `tests/ssf_trigger.rs`).
    let na = run.scenarios.iter().filter(|s| s.verdict == Verdict::NotApplicable);
    let why = |s: &setconform_reports::ScenarioResult| {
        s.reason.as_deref().is_some_and(|r| r.contains("claimed SET profile rfc8417"))
            || s.profile == "ssf-transmitter" && s.reason.as_deref().is_some_and(|r| r.contains("not claimed"))
    };
    assert!(na.clone().all(why));
    assert_eq!(run.summary.not_applicable, na.count());
}

#[test]
fn scenarios_needing_an_undeclared_capability_are_shown_as_not_applicable() {
    let port = common::standalone_reference();
    let no_capabilities = |t: String| {
        let lines = t.lines().map(|l| if l.starts_with("capabilities:") { "capabilities: []" } else { l });
        lines.collect::<Vec<_>>().join("\n")
    };
    let sut = example_sut(port, no_capabilities);
    let (run, code) = common::execute(common::request(Some(sut), None, Some(6)));
    let na: Vec<_> = run.scenarios.iter().filter(|s| s.verdict == Verdict::NotApplicable).collect();
    assert!(na.len() >= 5, "{} N/A", na.len());
    let reason = |s: &&setconform_reports::ScenarioResult| s.reason.clone().unwrap_or_default();
    let set_aside = |s: &&setconform_reports::ScenarioResult| {
        ["does not declare capability", "SET profile", "is not claimed"].iter().any(|why| reason(s).contains(why))
    };
    assert!(na.iter().all(set_aside));
    assert!(na.iter().filter(|s| reason(s).contains("does not declare capability")).count() >= 5);
    assert!(na.iter().all(|s| s.na_kind == Some(setconform_reports::NaKind::NotClaimed)), "not claimed, all of them");
    assert!(na.iter().all(|s| s.transcript.is_empty()), "an N/A scenario never talks to the SUT");
    assert_eq!(run.summary.not_applicable, na.len());
    assert_eq!(code, 0);
}

#[test]
fn an_unknown_profile_or_fault_is_a_configuration_error() {
    let mut req = common::request(None, None, None);
    req.profiles = vec!["pushpull-http-carrier-pigeon".into()];
    let err = setconform::run::execute(req).err().expect("refused").to_string();
    assert!(err.contains("--profile pushpull-http-carrier-pigeon"), "{err}");
    let err = setconform::run::execute(common::request(None, Some("no-such-fault"), None)).err().unwrap().to_string();
    assert!(err.contains("--fault no-such-fault"), "{err}");
}

/// Where the upgrade lives is the SUT's choice (AMB-01): a separate WebSocket URL
/// in sut.yaml is reported as INFO, naming the URL, and the session still works.
#[test]
fn a_separate_websocket_url_is_reported_as_info() {
    let port = common::standalone_reference();
    let sut = example_sut(port, |t| {
        t.lines()
            .map(|l| match l.trim_start().starts_with("# websocket:") {
                true => format!("  websocket: wss://localhost:{port}/pushpull"),
                false => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let mut req = common::request(Some(sut), None, Some(7));
    req.args = common::args(Some("ws.responder.handshake.pushpull"));
    let (run, code) = common::execute(req);
    assert_eq!(code, 0);
    let s = &run.scenarios[0];
    let info: Vec<_> = s.expectations.iter().filter(|e| e.verdict == Verdict::Info).collect();
    assert_eq!(info.len(), 1, "{:?}", s.expectations);
    assert_eq!(info[0].requirement, "PP-WS-001");
    assert_eq!(info[0].ambiguity.as_deref(), Some("AMB-01"));
    assert!(info[0].actual.contains("a separate URL, wss://localhost:"), "{}", info[0].actual);
}

/// SSF §7.1: a SET naming a key id that the configured keys lack sends the harness
/// to the SUT's jwks_uri (from its registration) once per key id; with the keys
/// found there the signature verifies, and a kid found nowhere still fails SET-001.
#[test]
fn a_kid_missing_from_the_configured_keys_is_looked_up_at_the_suts_jwks_uri() {
    let stale = common::scratch("stale-jwks").join("stale-jwks.json");
    std::fs::write(&stale, r#"{ "keys": [] }"#).unwrap();
    let jwks_fetches = |s: &setconform_reports::ScenarioResult| {
        s.transcript.iter().filter(|x| x.request.url.ends_with("/jwks.json")).count()
    };
    for (fault, expected) in [(None, Verdict::Pass), (Some(Fault::SignWithUnknownKey), Verdict::Fail)] {
        let port = common::standalone_reference_with(fault);
        let sut = example_sut(port, |t| format!("{t}\nsets:\n  jwks_file: {}\n", stale.display()));
        let mut req = common::request(Some(sut), None, Some(9));
        req.profiles = vec!["push-transmitter".into()];
        let (run, _) = common::execute(req);
        // Content is judged in every scenario in which the SUT sent SETs.
        let emitting: Vec<_> =
            run.scenarios.iter().filter(|s| s.expectations.iter().any(|e| e.requirement == "SET-001")).collect();
        assert!(!emitting.is_empty());
        for s in emitting {
            assert_eq!(jwks_fetches(s), 1, "{}: one fetch for the one unknown kid", s.id);
            let set_001 = s.expectations.iter().find(|e| e.requirement == "SET-001").unwrap();
            assert_eq!(set_001.verdict, expected, "{fault:?} {}: {}", s.id, set_001.actual);
        }
    }
}

/// Without the SUT's CA the harness refuses its certificate (ERROR: unreachable);
/// `--insecure` takes it, and every report then says the run is not certifiable.
#[test]
fn insecure_accepts_any_certificate_and_marks_the_run_not_certifiable() {
    let port = common::standalone_reference();
    let without_ca = |t: String| {
        let keep = |l: &&str| !(l.starts_with("tls:") || l.trim_start().starts_with("ca_file:"));
        t.lines().filter(keep).collect::<Vec<_>>().join("\n")
    };
    let sut = example_sut(port, without_ca);
    let mut runs = Vec::new();
    for insecure in [false, true] {
        let mut req = common::request(Some(sut.clone()), None, Some(11));
        req.args = common::args(Some("pushpull.http.responder.batch.1"));
        req.insecure = insecure;
        runs.push(common::execute(req).0);
    }
    let verdict = |run: &setconform_reports::Run| {
        run.scenarios.iter().find(|s| s.verdict != Verdict::NotApplicable).map(|s| s.verdict)
    };
    assert_eq!(verdict(&runs[0]), Some(Verdict::Error), "an unknown CA is refused");
    assert!(!runs[0].sut.insecure);
    assert_eq!(verdict(&runs[1]), Some(Verdict::Pass), "--insecure takes it");
    assert!(runs[1].sut.insecure);
    let note = "NOT CERTIFIABLE: the SUT's TLS certificates were not verified (--insecure)";
    assert!(setconform_reports::markdown::summary(&runs[1]).contains(note));
    assert!(setconform_reports::html::run_report(&runs[1]).contains("NOT CERTIFIABLE"));
    assert!(setconform_reports::junit::render(&runs[1]).contains(r#"name="certifiable" value="false""#));
    assert!(!setconform_reports::markdown::summary(&runs[0]).contains(note));
}

/// A CA made the way a user would make one: the harness signs its certificates with it.
fn users_ca(dir: &Path) -> (String, PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let pem = params.self_signed(&key).unwrap().pem();
    let (cert_file, key_file) = (dir.join("my-ca.pem"), dir.join("my-ca-key.pem"));
    std::fs::write(&cert_file, &pem).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (pem, cert_file, key_file)
}

fn with_harness_ca(cert: &Path, key: &Path) -> impl Fn(String) -> String {
    let section = format!("harness:\n  ca_file: {}\n  ca_key_file: {}\n", cert.display(), key.display());
    move |t: String| format!("{t}\n{section}")
}

#[test]
fn a_users_ca_signs_the_harness_certificates_and_is_written_out_before_the_run() {
    let port = common::standalone_reference();
    let (pem, cert, key) = users_ca(&common::scratch("users-ca"));
    let mut req = common::request(Some(example_sut(port, with_harness_ca(&cert, &key))), None, Some(5));
    // The SUT reaches the harness's endpoint and jwks_uri only if it trusts the CA it was given.
    req.only = Some(["pushpull.http.initiator.request.shape".to_owned()].into());
    let out = req.out_dir.clone();
    let (run, code) = common::execute(req);
    assert_eq!((run.summary.pass, code), (1, 0), "{:?}", common::findings(&run));
    assert_eq!(std::fs::read_to_string(out.join("harness-ca.pem")).unwrap().trim(), pem.trim());
}

#[test]
fn a_harness_ca_whose_key_does_not_match_is_a_configuration_error_naming_the_field() {
    let dir = common::scratch("users-ca-mismatch");
    let (_, cert, _) = users_ca(&dir);
    let (_, _, other_key) = users_ca(&common::scratch("users-ca-other"));
    let sut = example_sut(1, with_harness_ca(&cert, &other_key));
    let err = setconform::run::execute(common::request(Some(sut), None, None)).err().expect("refused").to_string();
    assert!(err.contains("/harness/ca_key_file") && err.contains("does not belong"), "{err}");
}

//! A finding points to its evidence: the expectation a check judged on one
//! message names the transcript exchange that holds it, and that exchange
//! shows the violation; findings across many messages name none. The record
//! also holds what running the scenario again alone takes.

mod common;

use setconform::schema::Schemas;
use setconform::set::SetProfile;
use setconform_reports::{Exchange, ExpectationResult, Run, ScenarioResult, Verdict};

/// The embedded reference with `fault`, running `profile`'s scenario `id`
/// alone (seed 5, SETs judged under the rfc8417 content profile).
fn run_with_fault(fault: &str, profile: &str, id: &str) -> Run {
    let mut req = common::request(None, Some(fault), Some(5));
    req.set_profile = Some(SetProfile::Rfc8417);
    req.profiles = vec![profile.to_owned()];
    req.args = common::args(Some(id));
    req.args.exact = true;
    let (run, _) = common::execute(req);
    assert_eq!(run.scenarios.len(), 1, "{id} ran alone");
    run
}

/// The expectation of `check` that found `req` broken, and the exchange it names.
fn evidence<'r>(s: &'r ScenarioResult, check: &str, req: &str) -> (&'r ExpectationResult, &'r Exchange) {
    let e = s
        .expectations
        .iter()
        .find(|e| e.check.as_deref() == Some(check) && e.requirement == req && e.broken)
        .unwrap_or_else(|| panic!("{check} found no {req} broken: {:#?}", s.expectations));
    let seq = e.exchange.unwrap_or_else(|| panic!("{req} names no exchange"));
    let x = s.transcript.iter().find(|x| x.seq == seq).unwrap_or_else(|| panic!("no exchange #{seq}"));
    (e, x)
}

#[test]
fn a_wrong_status_points_to_the_response_that_carried_it() {
    let run = run_with_fault("success-202", "pushpull-http-responder", "pushpull.http.responder.batch.1");
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, Verdict::Fail);
    let (e, x) = evidence(s, "status", "PP-HTTP-008");
    assert_eq!(e.verdict, Verdict::Fail);
    assert_eq!((x.channel.as_str(), x.step), ("sut", e.step));
    assert_eq!(x.response.as_ref().map(|r| r.status), Some(202), "exchange #{} shows the 202", x.seq);
    // The rules judged on that same response point to it as well, kept or not.
    let schema = s.expectations.iter().find(|e| e.check.as_deref() == Some("schema")).expect("a schema check");
    assert_eq!(schema.exchange, Some(x.seq));
    // Acknowledgements are judged across the scenario's messages: no one exchange.
    let acked = s.expectations.iter().find(|e| e.check.as_deref() == Some("acked")).expect("an acked check");
    assert_eq!(acked.exchange, None);

    // What running it again takes: the embedded reference, its fault, the seed, the profiles.
    assert_eq!(
        (run.sut.file.as_deref(), run.set_profile.as_deref(), run.suite.as_deref()),
        (None, Some("rfc8417"), None)
    );
    let command = setconform_reports::reproduce::command(&run, s).expect("a command").expect("quotable");
    assert_eq!(
        command,
        "setconform run --exact pushpull.http.responder.batch.1 --seed 5 --profile pushpull-http-responder \
         --fault success-202 --set-profile rfc8417"
    );
    let value = serde_json::to_value(&run).unwrap();
    let violations = Schemas::embedded().validate("run", &value).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn a_request_the_sut_sent_is_the_evidence_not_the_trigger_before_it() {
    let run = run_with_fault("push-wrong-content-type", "push-transmitter", "push.transmitter.request.shape");
    let s = &run.scenarios[0];
    let (_, x) = evidence(s, "content_type", "PUSH-009");
    assert_eq!(x.channel, "harness", "the SUT's request to the harness's endpoint");
    let content_type = x.request.headers.iter().find(|h| h.name.eq_ignore_ascii_case("content-type"));
    assert_eq!(content_type.map(|h| h.value.as_str()), Some("application/json"));
    assert!(s.transcript.iter().any(|t| t.seq < x.seq && t.channel == "trigger"), "a trigger came first");
}

#[test]
fn a_set_content_rule_points_to_the_exchange_that_carried_the_set() {
    let run = run_with_fault("txn-number", "push-transmitter", "push.transmitter.request.shape");
    let s = &run.scenarios[0];
    let (e, x) = evidence(s, "set_content", "SET-017");
    assert!(e.actual.contains("/txn"), "{}", e.actual);
    assert_eq!(x.channel, "harness");
    let claims = setconform::set::decode_claims(x.request.body.text.trim()).expect("a pushed SET");
    assert!(claims["txn"].is_number(), "exchange #{} carries the numeric txn: {claims:?}", x.seq);
}

#[test]
fn an_external_suts_run_records_its_configuration_file_as_given() {
    let port = common::standalone_reference_with(Some(setconform_reference::Fault::Success202));
    let example = common::example_sut(port, |t| t);
    let sut = common::scratch("it's a \"sut\" $HOME").join("sut conf.yaml");
    std::fs::rename(&example, &sut).unwrap();
    let mut req = common::request(Some(sut.clone()), None, Some(5));
    req.profiles = vec!["pushpull-http-responder".to_owned()];
    req.args = common::args(Some("pushpull.http.responder.batch.1"));
    req.args.exact = true;
    let (run, _) = common::execute(req);
    assert_eq!(run.sut.file.as_deref(), Some(sut.to_str().unwrap()));
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, Verdict::Fail);
    let command = setconform_reports::reproduce::command(&run, s).expect("a command").expect("quotable");
    assert!(command.starts_with("setconform run --sut \""), "{command}");
    assert!(command.ends_with(" --exact pushpull.http.responder.batch.1 --seed 5 --profile pushpull-http-responder"));
}

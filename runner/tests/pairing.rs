//! Self-pairing: the reference initiator against the reference responder, with
//! the harness between them judging both directions.

use setconform::pair::{INITIATOR_ID, RESPONDER_ID};
use setconform::run::{PairRequest, pair};
use setconform_reports::{Run, Verdict};

fn paired(fault_initiator: Option<&str>, fault_responder: Option<&str>) -> Run {
    pair(PairRequest {
        initiator: None,
        responder: None,
        fault_initiator: fault_initiator.map(str::to_owned),
        fault_responder: fault_responder.map(str::to_owned),
    })
    .expect("pairing runs")
}

fn verdict_of(run: &Run, side: &str, req: &str) -> Verdict {
    let s = run.scenarios.iter().find(|s| s.id == side).unwrap();
    s.expectations.iter().find(|e| e.requirement == req).map(|e| e.verdict).unwrap_or(Verdict::NotApplicable)
}

#[test]
fn two_references_pass_each_other_in_both_directions() {
    let run = paired(None, None);
    assert_eq!(
        run.summary.exit_code,
        0,
        "{:#?}",
        run.scenarios.iter().map(|s| (&s.id, s.verdict, &s.reason)).collect::<Vec<_>>()
    );
    for side in [INITIATOR_ID, RESPONDER_ID] {
        assert_eq!(verdict_of(&run, side, "PP-REL-007"), Verdict::Pass, "{side} answered every SET of the other");
    }
    let value = serde_json::to_value(&run).unwrap();
    let violations = setconform::schema::Schemas::embedded().validate("run", &value).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    let t = &run.scenarios[0].transcript;
    assert!(t.iter().any(|e| e.channel == "harness") && t.iter().any(|e| e.channel == "sut"), "both legs are recorded");
}

#[test]
fn a_broken_responder_is_blamed_and_the_initiator_is_not() {
    let run = paired(None, Some("never-ack"));
    assert_eq!(verdict_of(&run, RESPONDER_ID, "PP-REL-007"), Verdict::Fail);
    assert_eq!(verdict_of(&run, INITIATOR_ID, "PP-REL-007"), Verdict::Pass);
    assert_eq!(run.summary.exit_code, 1);
}

#[test]
fn a_broken_initiator_is_blamed_and_the_responder_is_not() {
    let run = paired(Some("request-text-content-type"), None);
    assert_eq!(verdict_of(&run, INITIATOR_ID, "PP-HTTP-002"), Verdict::Fail);
    let responder = run.scenarios.iter().find(|s| s.id == RESPONDER_ID).unwrap();
    assert_eq!(responder.verdict, Verdict::Pass, "{:?}", responder.expectations);
}

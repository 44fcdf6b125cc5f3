//! Self-pairing: the reference initiator against the reference responder, with
//! the harness between them judging both directions.

mod common;

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

/// A sut.yaml for a standalone reference on `port`, as one side of a pair.
fn side(port: u16, role: &str) -> std::path::PathBuf {
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let base = format!("https://127.0.0.1:{port}");
    let text = format!(
        "name: {role}\nprofiles: [pushpull-http-{role}]\npushpull: {{ endpoint: '{base}/pushpull' }}\n\
         trigger: {{ http: {{ url: '{base}/control' }} }}\ntls: {{ ca_file: '{}' }}\n",
        ca.display()
    );
    let path = common::scratch(role).join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_initiator_that_delivers_inside_its_trigger_call_is_relayed_without_stalling() {
    let initiator = common::standalone_reference_as(setconform_reference::Variant::DeliverInsideTrigger);
    let responder = common::standalone_reference();
    let run = pair(PairRequest {
        initiator: Some(side(initiator, "initiator")),
        responder: Some(side(responder, "responder")),
        fault_initiator: None,
        fault_responder: None,
    })
    .unwrap();
    for s in &run.scenarios {
        assert_eq!(s.verdict, Verdict::Pass, "{}: {:?}", s.id, s.reason);
    }
}

//! A SUT without a "send now" switch (`trigger.initiate: unsupported`): the
//! reference as a timer-driven pushpull initiator (it posts every 200 ms, an
//! empty Communication Object when it has nothing to send, pushpull §6.1, and
//! answers `initiate` with 501) gets the same verdicts on the whole
//! `pushpull-http-initiator` profile as the default reference.

mod common;

use setconform_reports::{Run, Verdict};
use std::collections::BTreeMap;
use std::path::Path;

fn reference(variant: Option<setconform_reference::Variant>) -> u16 {
    common::standalone_reference_configured(setconform_reference::ReferenceConfig { variant, ..Default::default() })
}

fn run_initiator_profile(port: u16, initiate: &str) -> Run {
    let dir = common::scratch("timer-driven");
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let text = format!(
        "name: initiator\nprofiles: [pushpull-http-initiator]\n\
         capabilities: [push-pull-class, also-responder, mutual-tls]\n\
         pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\ntls: {{ ca_file: '{}' }}\n\
         trigger: {{ http: {{ url: 'https://127.0.0.1:{port}/control' }}, initiate: {initiate} }}\n",
        ca.display()
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    common::execute(common::request(Some(dir.join("sut.yaml")), None, Some(5))).0
}

/// Every scenario that is not PASS, with its verdict.
fn not_passing(run: &Run) -> BTreeMap<String, Verdict> {
    run.scenarios.iter().filter(|s| s.verdict != Verdict::Pass).map(|s| (s.id.clone(), s.verdict)).collect()
}

#[test]
fn a_timer_driven_initiator_gets_the_verdicts_of_one_with_a_send_now_switch() {
    let default = run_initiator_profile(reference(None), "supported");
    let timer = run_initiator_profile(reference(Some(setconform_reference::Variant::TimerDriven)), "unsupported");
    assert!(timer.scenarios.len() > 10, "{}", timer.scenarios.len());
    let broken: Vec<String> = common::findings(&timer)
        .into_iter()
        .filter(|f| f.starts_with("FAIL") || f.starts_with("TIMEOUT") || f.starts_with("ERROR"))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    assert_eq!(not_passing(&timer), not_passing(&default), "{:#?}", common::findings(&timer));
    let waits = timer.scenarios.iter().flat_map(|s| &s.transcript).filter(|e| e.request.method == "WAIT").count();
    assert!(waits > 0, "the transcripts say where the harness waited for the SUT's own request");
    let asked = default.scenarios.iter().flat_map(|s| &s.transcript).filter(|e| e.request.method == "WAIT").count();
    assert_eq!(asked, 0, "with the switch, the harness asks");
}

#[test]
fn the_trigger_section_takes_initiate_beside_exactly_one_adapter() {
    let dir = common::scratch("initiate-schema");
    let write = |trigger: &str| {
        let path = dir.join("sut.yaml");
        let text = format!(
            "name: x\nprofiles: [pushpull-http-initiator]\npushpull: {{ endpoint: 'https://127.0.0.1:9/pushpull' }}\n{trigger}\n"
        );
        std::fs::write(&path, text).unwrap();
        setconform::sut::SutSetup::load(&path)
    };
    let one = write("trigger: { manual: {}, initiate: unsupported }").unwrap();
    assert_eq!(one.initiate, setconform::trigger::Initiate::Unsupported);
    assert!(write("trigger: { initiate: unsupported }").is_err(), "no adapter");
    assert!(write("trigger: { manual: {}, http: { url: 'http://127.0.0.1:9/c' } }").is_err(), "two adapters");
}

/// One scenario against a reference with `config`, its sut.yaml saying `initiate: unsupported`.
fn unsupported_run(config: setconform_reference::ReferenceConfig, id: &str) -> setconform_reports::ScenarioResult {
    let port = common::standalone_reference_configured(config);
    let dir = common::scratch("no-switch");
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let text = format!(
        "name: initiator\nprofiles: [pushpull-http-initiator]\ncapabilities: [push-pull-class]\n\
         pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\ntls: {{ ca_file: '{}' }}\n\
         trigger: {{ http: {{ url: 'https://127.0.0.1:{port}/control' }}, initiate: unsupported }}\n\
         timeouts: {{ observation_ms: 2000 }}\n",
        ca.display()
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    common::run_exact(dir.join("sut.yaml"), id).scenarios.remove(0)
}

#[test]
fn a_sut_without_the_switch_that_sends_nothing_of_its_own_is_not_judged_never_failed() {
    // The default reference posts only when it has something to send: asked for nothing, it is silent.
    let s = unsupported_run(Default::default(), "pushpull.http.initiator.returned-sets.acknowledged");
    assert_eq!(s.verdict, Verdict::Info, "{:#?}", s.expectations);
    for e in &s.expectations {
        assert!(e.actual.starts_with("not judged: initiate is unsupported"), "{}: {}", e.requirement, e.actual);
    }
}

#[test]
fn a_timer_driven_initiator_that_breaks_a_rule_still_fails_it() {
    let config = setconform_reference::ReferenceConfig {
        variant: Some(setconform_reference::Variant::TimerDriven),
        fault: Some(setconform_reference::Fault::InitiatorFabricateAck),
        ..Default::default()
    };
    let s = unsupported_run(config, "pushpull.http.initiator.returned-sets.acknowledged");
    assert_eq!(s.verdict, Verdict::Fail);
    assert!(s.expectations.iter().any(|e| e.requirement == "PP-CO-005" && e.verdict == Verdict::Fail));
}

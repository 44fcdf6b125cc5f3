//! The persistent `exec` trigger: one bridge process for the run answers every
//! scenario's actions as JSON lines (examples/persistent-bridge.py drives the
//! reference's control API), and a bridge that dies turns the actions into
//! ERROR naming what happened, never a hung run.

mod common;

use setconform_reports::Verdict;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn sut_with_bridge(dir: &Path, port: u16, command: &str) -> PathBuf {
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: bridged reference\nprofiles: [pushpull-http-responder, pushpull-http-initiator]\n\
         capabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
         pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\ntls: {{ ca_file: '{}' }}\n\
         trigger: {{ exec: {{ command: {command}, persistent: true, timeout_ms: 20000 }} }}\n",
        repository("reference/keys/tls/ca.pem").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_example_bridge_drives_scenarios_with_one_process() {
    let port = common::standalone_reference();
    let dir = common::scratch("persistent");
    let command = format!(
        "[python3, '{}', 'https://127.0.0.1:{port}/control', '{}']",
        repository("examples/persistent-bridge.py").display(),
        repository("reference/keys/tls/ca.pem").display()
    );
    let mut req = common::request(Some(sut_with_bridge(&dir, port, &command)), None, Some(9));
    req.args = common::args(Some("pushpull.http.initiator.re"));
    let (run, code) = common::execute(req);
    assert!(run.scenarios.len() >= 3, "{}", run.scenarios.len());
    assert!(common::beyond_info(&run).is_empty(), "{:?}", common::beyond_info(&run));
    assert_eq!(code, 0);
    for s in &run.scenarios {
        let actions: Vec<_> = s.transcript.iter().filter(|e| e.request.method == "EXEC").collect();
        assert!(actions.len() >= 3, "{}: register, act, release: {}", s.id, actions.len());
        let register = &actions[0].request.body.text;
        assert!(register.contains("\"action\":\"register\"") && register.contains("[redacted]"), "{register}");
        assert!(!register.contains("\"endpoint_token\":\"harness-"), "the endpoint token is redacted: {register}");
        let answer = &actions[0].process.as_ref().unwrap().stdout.text;
        assert!(answer.contains("\"peer\"") && !answer.contains("ref-token-"), "{answer}");
        let release = actions.last().unwrap();
        assert!(release.request.body.text.contains("\"action\":\"release\""), "{}", release.request.body.text);
    }
}

#[test]
fn a_bridge_that_dies_gives_error_naming_its_exit_and_stderr() {
    let dir = common::scratch("persistent-dies");
    let command = "[python3, -c, 'import sys; sys.stdin.readline(); print(\"bridge gave up\", file=sys.stderr, flush=True); sys.exit(3)']";
    let mut req = common::request(Some(sut_with_bridge(&dir, 9, command)), None, Some(1));
    req.args = common::args(Some("max-response-events"));
    let started = Instant::now();
    let (run, code) = common::execute(req);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    assert_eq!(code, 3);
    assert!(!run.scenarios.is_empty());
    for s in &run.scenarios {
        assert_eq!(s.verdict, Verdict::Error, "{}", s.id);
        let reason = s.reason.as_deref().unwrap_or("");
        assert!(reason.contains("exited") && reason.contains("bridge gave up"), "{}: {reason}", s.id);
    }
}

#[test]
fn a_bridge_that_prints_what_is_not_json_gives_error_with_the_line() {
    let dir = common::scratch("persistent-garbage");
    let command =
        "[python3, -c, 'import sys, time; sys.stdin.readline(); print(\"ready!\", flush=True); time.sleep(60)']";
    let mut req = common::request(Some(sut_with_bridge(&dir, 9, command)), None, Some(1));
    req.args = common::args(Some("max-response-events.one"));
    let (run, code) = common::execute(req);
    assert_eq!(code, 3);
    let reason = run.scenarios[0].reason.as_deref().unwrap_or("");
    assert!(reason.contains("not JSON: ready!"), "{reason}");
}

#[test]
fn the_persistent_example_sut_config_is_valid() {
    let setup = setconform::sut::SutSetup::load(&repository("examples/sut-persistent.yaml")).unwrap();
    assert!(matches!(setup.trigger, Some(setconform::trigger::TriggerConfig::Persistent(_))));
}

//! Trigger adapters: `exec` drives a real SUT through a command, and a command
//! that hangs or fails gives ERROR with its output, never a hung run; `manual`
//! waits for a person until the deadline and then judges what it sees.

mod common;

use setconform_reports::Verdict;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A trigger command that forwards each action to the reference's control API.
const FORWARDER: &str = r#"
import json, os, ssl, sys, urllib.request
base, ca = sys.argv[1], sys.argv[2]
action, peer = os.environ["SETCONFORM_ACTION"], os.environ.get("SETCONFORM_PEER", "")
path = {"register": "/peers", "queue": f"/peers/{peer}/queue", "initiate": f"/peers/{peer}/initiate",
        "release": f"/peers/{peer}"}[action]
method, data = ("DELETE", None) if action == "release" else ("POST", os.environ["SETCONFORM_REQUEST"].encode())
req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"}, method=method)
with urllib.request.urlopen(req, timeout=5, context=ssl.create_default_context(cafile=ca)) as resp:
    sys.stdout.write(resp.read().decode())
print("forwarded", action, file=sys.stderr)
"#;

fn reference_ca() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem")
}

fn sut_with_trigger(dir: &Path, port: u16, trigger: &str, extra: &str) -> PathBuf {
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: exec-driven reference\nprofiles: [{}]\n\
         capabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
         pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\n\
         push: {{ endpoint: 'https://127.0.0.1:{port}/push' }}\n\
         multi_set_push: {{ endpoint: 'https://127.0.0.1:{port}/msp' }}\n\
         poll: {{ endpoint: 'https://127.0.0.1:{port}/poll' }}\ntls: {{ ca_file: '{}' }}\n{trigger}\n{extra}",
        common::control_api_profiles(),
        reference_ca().display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_exec_trigger_drives_the_whole_catalogue() {
    let port = common::standalone_reference();
    let dir = common::scratch("exec");
    std::fs::write(dir.join("forward.py"), FORWARDER).unwrap();
    // A python start-up on a loaded 2-core machine can take seconds: the bound is for a hang, not for speed.
    let trigger = format!(
        "trigger: {{ exec: {{ command: [python3, ./forward.py, 'https://127.0.0.1:{port}/control', '{}'], timeout_ms: 20000 }} }}",
        reference_ca().display()
    );
    let (run, code) = common::execute(common::request(Some(sut_with_trigger(&dir, port, &trigger, "")), None, Some(9)));
    assert!(common::beyond_info(&run).is_empty(), "{:?}", common::beyond_info(&run));
    assert_eq!(code, 0);
    let exec = run.scenarios[0]
        .transcript
        .iter()
        .find(|e| e.request.method == "EXEC")
        .expect("the command is in the transcript");
    let process = exec.process.as_ref().unwrap();
    assert_eq!(process.exit_code, Some(0));
    assert!(process.stderr.text.contains("forwarded register"));
    assert!(!process.stdout.text.contains("ref-token-"), "the bearer token in the answer is redacted");
}

#[test]
fn a_hanging_trigger_command_is_killed_and_gives_error_with_its_output() {
    let dir = common::scratch("hang");
    let trigger = "trigger: { exec: { command: [python3, -c, 'import sys, time; print(\"waiting\", file=sys.stderr, flush=True); time.sleep(60)'], timeout_ms: 6000 } }";
    // Python may take seconds to start on a loaded machine: the bound is for a hang, not for speed.
    let started = Instant::now();
    let mut req = common::request(Some(sut_with_trigger(&dir, 9, trigger, "")), None, Some(1));
    req.args = common::args(Some("max-response-events"));
    let (run, code) = common::execute(req);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    assert_eq!(code, 3);
    for s in &run.scenarios {
        assert_eq!(s.verdict, Verdict::Error, "{}", s.id);
        let reason = s.reason.as_deref().unwrap_or("");
        assert!(reason.contains("killed") && reason.contains("waiting"), "{reason}");
        let process = s.transcript[0].process.as_ref().unwrap();
        assert!(process.timed_out && process.exit_code.is_none());
    }
}

#[test]
fn a_failing_trigger_command_gives_error_with_its_exit_code_and_stderr() {
    let dir = common::scratch("fail");
    let trigger = "trigger: { exec: { command: [python3, -c, 'import sys; print(\"no such SUT\", file=sys.stderr); sys.exit(3)'] } }";
    let mut req = common::request(Some(sut_with_trigger(&dir, 9, trigger, "")), None, Some(1));
    req.args = common::args(Some("batch.1"));
    let (run, code) = common::execute(req);
    assert_eq!(code, 3);
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, Verdict::Error);
    let reason = s.reason.as_deref().unwrap();
    assert!(reason.contains("exited with 3") && reason.contains("no such SUT"), "{reason}");
}

/// Registers the harness with the reference by hand, as a person would.
fn register_by_hand(port: u16) -> String {
    let jwks = setconform::set::HarnessKeys::get().jwks().clone();
    let body = serde_json::json!({
        "issuer": setconform::sut::DEFAULT_HARNESS_ISSUER,
        "audience": setconform::sut::DEFAULT_HARNESS_AUDIENCE,
        "jwks": jwks,
    });
    let ca = reqwest::Certificate::from_pem(setconform_reference::Reference::ca_pem()).unwrap();
    let client = reqwest::Client::builder().tls_certs_merge([ca]).build().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("https://127.0.0.1:{port}/control/peers");
        let answer: serde_json::Value = client.post(url).json(&body).send().await.unwrap().json().await.unwrap();
        let peer = answer["peer"].as_str().unwrap().to_owned();
        let queue = format!("https://127.0.0.1:{port}/control/peers/{peer}/queue");
        client.post(queue).json(&serde_json::json!({ "count": 5 })).send().await.unwrap();
        answer["token"].as_str().unwrap().to_owned()
    })
}

#[test]
fn manual_mode_judges_what_the_person_did() {
    let port = common::standalone_reference();
    let dir = common::scratch("manual");
    std::fs::write(dir.join("token"), register_by_hand(port)).unwrap();
    let sut = sut_with_trigger(&dir, port, "trigger: { manual: {} }", "auth: { bearer_token: { file: token } }\n");
    let mut req = common::request(Some(sut), None, Some(1));
    req.args = common::args(Some("max-response-events.one"));
    let (run, code) = common::execute(req);
    assert_eq!(code, 0, "{:?}", common::findings(&run));
    assert!(run.scenarios[0].transcript.iter().any(|e| e.request.method == "MANUAL"));
}

#[test]
fn manual_mode_gives_up_at_the_deadline_with_a_verdict() {
    let port = common::standalone_reference();
    let dir = common::scratch("manual-idle");
    std::fs::write(dir.join("token"), "a-token-nobody-registered").unwrap();
    let extra = "auth: { bearer_token: { file: token } }\ntimeouts: { scenario_ms: 1500 }\n";
    let sut = sut_with_trigger(&dir, port, "trigger: { manual: {} }", extra);
    let mut req = common::request(Some(sut), None, Some(1));
    req.args = common::args(Some("max-response-events.one"));
    let started = Instant::now();
    let (run, code) = common::execute(req);
    // Well short of the 30 s default deadline, with room for a machine loaded by the other tests here.
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(code, 1);
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, Verdict::Fail);
    let attempts = s.transcript.iter().filter(|e| e.channel == "sut").count();
    assert!(attempts >= 2, "the step was tried again while waiting ({attempts})");
}

/// A trigger call that takes its time, and during which the SUT delivers (a
/// slow command, a product that does its own bookkeeping around the
/// delivery): what came during the call came before any window began, so no
/// timing rule holds the call's length against the SUT.
#[test]
fn a_delivery_made_during_a_slow_trigger_call_is_on_time() {
    let port = common::standalone_reference();
    let dir = common::scratch("slow-trigger");
    std::fs::write(dir.join("forward.py"), FORWARDER).unwrap();
    let queue = "[ \"$SETCONFORM_ACTION\" = queue ]";
    let slow =
        format!("if {queue}; then sleep 2.5; fi; python3 ./forward.py \"$0\" \"$1\" && if {queue}; then sleep 0.5; fi");
    let trigger = format!(
        "trigger: {{ exec: {{ command: [sh, -c, '{slow}', 'https://127.0.0.1:{port}/control', '{}'], timeout_ms: 20000 }} }}",
        reference_ca().display()
    );
    let extra = "timeouts: { retry_window_ms: 2000, observation_ms: 6000, scenario_ms: 20000 }";
    for id in ["msp.transmitter.request.shape", "push.transmitter.request.shape"] {
        let run = common::run_exact(sut_with_trigger(&dir, port, &trigger, extra), id);
        let queued = run.scenarios[0].transcript.iter().find(|e| e.request.body.text.contains("\"count\""));
        assert!(queued.is_some_and(|q| q.duration_ms >= 3000), "{id}: the queue call took its time");
        assert!(common::beyond_info(&run).is_empty(), "{id}: {:?}", common::beyond_info(&run));
    }
}

//! What the harness could not judge is reported as such (INFO "not judged: …"),
//! never as PASS: SETs from a SUT whose keys the harness lacks, encrypted SETs,
//! and a scenario none of whose expectations applied.

mod common;

use setconform_reports::{Run, Verdict};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A signed SET (ES256 header, kid k1) whose signature no one can check without the SUT's keys.
const SIGNED: &str = "eyJhbGciOiJFUzI1NiIsInR5cCI6InNlY2V2ZW50K2p3dCIsImtpZCI6ImsxIn0.\
eyJpc3MiOiJodHRwczovL3N1dC50ZXN0LyIsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiajEiLCJhdWQiOiJodHRwczovL2hhcm5lc3Muc2V0Y29uZm9ybS5pbnZhbGlkLyIsImV2ZW50cyI6eyJ1cm46ZXhhbXBsZTpldmVudCI6e319fQ.\
c2ln";
/// A well-formed compact JWE (RSA-OAEP-256 / A256GCM) the harness cannot decrypt.
const ENCRYPTED: &str = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.ZWs.aXY.Y3Q.dGFn";

/// A poll transmitter that registers the harness without giving it keys and
/// answers every request (registration, trigger, poll) with the SET `token` as `j1`.
fn keyless_poll_transmitter(token: &'static str) -> PathBuf {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = format!(r#"{{"peer":"p1","token":"t1","sets":{{"j1":"{token}"}},"moreAvailable":false}}"#);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let body = body.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = stream.read(&mut [0u8; 16384]);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            });
        }
    });
    let path = common::scratch("keyless").join("sut.yaml");
    let text = format!(
        "name: keyless\nprofiles: [poll-transmitter]\n\
         poll: {{ endpoint: 'http://127.0.0.1:{port}/poll' }}\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 2000, scenario_ms: 5000 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// The one scenario's judged content rule `req`, as (verdict, actual).
fn content_rule(run: &Run, req: &str) -> (Verdict, String) {
    let s = &run.scenarios[0];
    let e = s
        .expectations
        .iter()
        .find(|e| e.requirement == req && e.expected.contains("every SET the SUT sent"))
        .unwrap_or_else(|| panic!("{req} not judged on the SUT's SETs: {:?}", s.expectations));
    (e.verdict, e.actual.clone())
}

fn run_against(token: &'static str) -> Run {
    let mut req = common::request(Some(keyless_poll_transmitter(token)), None, Some(1));
    req.args = common::args(Some("poll.transmitter.poll.return-immediately"));
    let (run, _) = common::execute(req);
    assert_eq!(run.scenarios.len(), 1);
    run
}

#[test]
fn without_the_suts_keys_the_signature_rule_is_not_judged_never_passed() {
    let run = run_against(SIGNED);
    let (verdict, actual) = content_rule(&run, "SET-001");
    assert_eq!(verdict, Verdict::Info, "{actual}");
    assert!(actual.starts_with("not judged: no keys for the SUT's SETs"), "{actual}");
    // The claims are readable, so the claim rules are judged.
    assert_eq!(content_rule(&run, "SET-002").0, Verdict::Pass);
}

#[test]
fn the_rules_of_an_encrypted_set_are_not_judged_never_passed() {
    let run = run_against(ENCRYPTED);
    for req in ["SET-001", "SET-002", "SET-010", "SET-012", "SET-020"] {
        let (verdict, actual) = content_rule(&run, req);
        assert_eq!(verdict, Verdict::Info, "{req}: {actual}");
        assert!(actual.starts_with("not judged: an encrypted SET"), "{req}: {actual}");
    }
}

#[test]
fn five_parts_that_are_no_jwe_are_no_set() {
    let run = run_against("a.b.c.d.e");
    let (verdict, actual) = content_rule(&run, "SET-001");
    assert_eq!(verdict, Verdict::Fail, "{actual}");
    assert!(actual.contains("not a compact JWE"), "{actual}");
}

/// The repository's suite and profiles, copied, with `scenario` added at `rel` under suite/.
fn suite_with(rel: &str, scenario: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = common::scratch("suite");
    copy(&repo.join("suite"), &root.join("suite"));
    copy(&repo.join("profiles"), &root.join("profiles"));
    std::fs::write(root.join("suite").join(rel), scenario).unwrap();
    root
}

#[test]
fn a_scenario_none_of_whose_expectations_applied_is_not_judged_never_passed() {
    let scenario = "id: push.receiver.nothing-applies\n\
        title: Every expectation depends on a status the receiver does not answer\n\
        requirements: [PUSH-032]\n\
        applies_to: [push-receiver]\n\
        steps:\n  - push: { set: valid }\n    expect:\n      \
        - { req: PUSH-032, if_status: 418, content_type: application/json }\n";
    let mut req = common::request(None, None, Some(1));
    req.suite_dir = Some(suite_with("push/receiver/nothing-applies.yaml", scenario));
    req.args = common::args(Some("push.receiver.nothing-applies"));
    let (run, _) = common::execute(req);
    let s = run.scenarios.iter().find(|s| s.id == "push.receiver.nothing-applies").expect("the scenario ran");
    assert!(s.expectations.is_empty(), "{:?}", s.expectations);
    assert_eq!(s.verdict, Verdict::Info);
    let reason = s.reason.as_deref().unwrap_or("");
    assert!(reason.starts_with("not judged: none of its 1 expectations applied"), "{reason}");
}

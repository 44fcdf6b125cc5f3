//! SUTs that cannot be reached, never answer, or answer nonsense: every
//! scenario gets a verdict in bounded time, and the run never panics or hangs.

mod common;

use setconform_reports::Verdict;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The hostile SUT claims every profile of the reference: a control API at
/// `/control`, and an SSF transmitter at `/ssf` for `ssf-transmitter`.
fn sut_yaml(endpoint_port: u16, request_ms: u64, scenario_ms: u64) -> PathBuf {
    let dir = common::scratch("sut");
    let path = dir.join("sut.yaml");
    std::fs::write(dir.join("ssf-token"), "hostile-test-token").unwrap();
    let text = format!(
        "name: hostile\nprofiles: [{}]\ncapabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
         pushpull: {{ endpoint: 'http://127.0.0.1:{endpoint_port}/pushpull' }}\n\
         push: {{ endpoint: 'http://127.0.0.1:{endpoint_port}/push' }}\n\
         multi_set_push: {{ endpoint: 'http://127.0.0.1:{endpoint_port}/msp' }}\n\
         poll: {{ endpoint: 'http://127.0.0.1:{endpoint_port}/poll' }}\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{endpoint_port}/control' }},\n  \
         ssf: {{ issuer: 'http://127.0.0.1:{endpoint_port}/ssf', auth: {{ bearer_token: {{ file: ssf-token }} }} }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: {request_ms}, scenario_ms: {scenario_ms} }}\n",
        setconform::run::REFERENCE_PROFILES.join(", ")
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A run of the whole catalogue: under the widest SET profile, so that no
/// scenario is N/A for its SSF or CAEP-interop requirements.
fn every_scenario(sut: PathBuf) -> setconform::run::RunRequest {
    let mut req = common::request(Some(sut), None, Some(1));
    req.set_profile = Some(setconform::set::SetProfile::CaepInterop);
    req
}

/// A scenario that judges the TLS of the SUT's endpoint, which these
/// cleartext fakes do not have: ERROR before anything is sent (README).
fn tls_not_judged(s: &setconform_reports::ScenarioResult) -> bool {
    let not_tls = s.reason.as_deref().unwrap_or("").contains("the SUT endpoint is not TLS");
    assert!(!not_tls || s.verdict == Verdict::Error, "{}", s.id);
    not_tls
}

/// A loopback listener that reads each request and answers it with `answer`,
/// one thread per connection so parallel scenarios do not queue behind each other.
fn answering_server(answer: fn(&mut std::net::TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf);
                answer(&mut stream);
            });
        }
    });
    port
}

#[test]
fn an_unreachable_sut_gives_error_verdicts_quickly_and_exit_3() {
    // Port 1 (tcpmux) on loopback: nothing listens there, and no test's ephemeral
    // listener can take it over between its release and the run, as a freed port can.
    let port = 1;
    let started = Instant::now();
    let (run, code) = common::execute(every_scenario(sut_yaml(port, 1000, 5000)));
    assert_eq!(code, 3);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    for s in &run.scenarios {
        if tls_not_judged(s) {
            continue;
        }
        assert_eq!(s.verdict, Verdict::Error, "{}", s.id);
        assert!(s.reason.as_deref().unwrap_or("").contains("unreachable"), "{}: {:?}", s.id, s.reason);
        assert!(s.duration_ms < 1000, "{} took {} ms", s.id, s.duration_ms);
    }
}

#[test]
fn a_sut_that_never_answers_times_out_at_the_request_timeout() {
    let port = common::silent_server();
    let (run, code) = common::execute(every_scenario(sut_yaml(port, 300, 5000)));
    assert_eq!(code, 3);
    for s in &run.scenarios {
        if tls_not_judged(s) {
            continue;
        }
        assert_eq!(s.verdict, Verdict::Timeout, "{}", s.id);
        assert!(s.duration_ms < 1500, "{} took {} ms", s.id, s.duration_ms);
        let last = s.transcript.last().expect("the unanswered request is in the transcript");
        assert!(last.response.is_none() && last.error.is_some());
    }
}

#[test]
fn the_scenario_deadline_bounds_a_scenario_whatever_the_request_timeout() {
    let port = common::silent_server();
    let (run, code) = common::execute(every_scenario(sut_yaml(port, 60_000, 400)));
    assert_eq!(code, 3);
    for s in &run.scenarios {
        if tls_not_judged(s) {
            continue;
        }
        assert_eq!(s.verdict, Verdict::Timeout, "{}", s.id);
        assert!(s.duration_ms < 1500, "{} took {} ms", s.id, s.duration_ms);
    }
}

#[test]
fn garbage_instead_of_http_is_an_error_not_a_panic() {
    let port = answering_server(|s| {
        let _ = s.write_all(b"\x00\x01\x02 this is not HTTP\r\n\r\n");
    });
    let (run, code) = common::execute(every_scenario(sut_yaml(port, 1000, 3000)));
    assert_eq!(code, 3);
    assert!(run.scenarios.iter().all(|s| s.verdict == Verdict::Error), "{:?}", common::findings(&run));
}

#[test]
fn a_sut_that_answers_nonsense_gets_verdicts_for_it() {
    // Registration "succeeds" with a body the harness cannot use: a clear ERROR.
    let port = answering_server(|s| {
        let _ =
            s.write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n[1,2,3]");
    });
    let (run, _) = common::execute(every_scenario(sut_yaml(port, 1000, 3000)));
    for s in &run.scenarios {
        if tls_not_judged(s) {
            continue;
        }
        let reason = s.reason.as_deref().unwrap_or("");
        // As SSF metadata it is a 201 JSON array: discovery fails it, the rest cannot go on.
        if s.id.starts_with("ssf.transmitter.discovery.") {
            assert!(matches!(s.verdict, Verdict::Fail | Verdict::Info), "{}: {:?}", s.id, s.verdict);
        } else if s.id.starts_with("ssf.transmitter.") {
            assert_eq!(s.verdict, Verdict::Error, "{}", s.id);
            assert!(reason.contains("metadata cannot be used"), "{}: {reason}", s.id);
        } else {
            assert_eq!(s.verdict, Verdict::Error, "{}", s.id);
            assert!(reason.contains("not understood"), "{reason}");
        }
    }
}

/// Answers with a body that never ends (16 MiB announced, written until the reader stops).
fn endless_body(stream: &mut std::net::TcpStream) {
    let head = b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 16777216\r\n\r\n";
    if stream.write_all(head).is_err() {
        return;
    }
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..256 {
        if stream.write_all(&chunk).is_err() {
            return;
        }
    }
}

#[test]
fn an_oversized_body_is_cut_at_the_cap_and_judged() {
    let port = answering_server(endless_body);
    let mut req = every_scenario(sut_yaml(port, 5000, 10_000));
    req.args = common::args(Some("batch.1"));
    let (run, _) = common::execute(req);
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, Verdict::Error, "{:?}", s.reason);
    let body = &s.transcript[0].response.as_ref().expect("the answer is recorded").body;
    assert!(body.truncated, "the body was cut");
    assert!(body.size <= 4 * 1024 * 1024, "read no more than the cap: {}", body.size);
    assert!(body.text.len() <= 64 * 1024, "kept no more than the transcript cap");
}

/// A SUT that answers over plain HTTP breaks the TLS rule, whatever else it does.
#[test]
fn an_endpoint_without_tls_fails_the_tls_rule() {
    let port = answering_server(|s| {
        let body = br#"{"peer":"p1"}"#;
        let head =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    });
    let mut req = every_scenario(sut_yaml(port, 1000, 3000));
    req.args = common::args(Some("http.responder.post.empty-object"));
    let (run, code) = common::execute(req);
    let tls = run.scenarios[0].expectations.iter().find(|e| e.requirement == "PP-EP-003").expect("judged");
    assert_eq!(tls.verdict, Verdict::Fail, "{tls:?}");
    assert_eq!(code, 1);
}

/// A server that agrees to any ClientHello, legacy or not, is caught: the
/// legacy-TLS probe (RFC 7525) fails on every offer, for a push receiver
/// (PUSH-052) and a poll transmitter (POLL-090). The embedded reference speaks
/// no TLS below 1.2, so no fault of it can show these checks failing.
#[test]
fn a_server_agreeing_to_legacy_tls_fails_the_rule() {
    let port = answering_server(|s| {
        // A ServerHello for TLS 1.1 with ECDHE-RSA-AES128-CBC-SHA, and nothing more.
        let mut hello = vec![0x16, 3, 2, 0, 42, 0x02, 0, 0, 38, 3, 2];
        hello.extend_from_slice(&[9; 32]);
        hello.extend_from_slice(&[0, 0xC0, 0x13, 0]);
        let _ = s.write_all(&hello);
    });
    let cases = [
        ("push-receiver", "push", "push.receiver.tls.legacy-refused", "PUSH-052"),
        ("poll-transmitter", "poll", "poll.transmitter.tls.legacy-refused", "POLL-090"),
    ];
    for (profile, section, scenario, requirement) in cases {
        let sut = common::scratch("legacy-tls").join("sut.yaml");
        let text = format!(
            "name: legacy tls\nprofiles: [{profile}]\n{section}: {{ endpoint: 'https://127.0.0.1:{port}/{section}' }}\n\
             timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: 5000 }}\n"
        );
        std::fs::write(&sut, text).unwrap();
        let mut req = common::request(Some(sut), None, Some(1));
        req.args = common::args(Some(scenario));
        let (run, code) = common::execute(req);
        assert_eq!(code, 1, "{scenario}");
        let failed: Vec<_> = run.scenarios[0]
            .expectations
            .iter()
            .filter(|e| e.requirement == requirement && e.verdict == Verdict::Fail)
            .collect();
        assert_eq!(failed.len(), 4, "{scenario}: {:?}", run.scenarios[0].expectations);
        assert!(failed[1].actual.contains("version 3.2"), "{}", failed[1].actual);
    }
}

/// A pushpull responder served in the clear answers well, and is caught on
/// PP-EP-003 (pushpull §4: the endpoint is served over TLS). The embedded
/// reference always serves TLS, so no fault of it can show this check failing.
#[test]
fn a_responder_in_the_clear_fails_the_tls_rule() {
    let port = answering_server(|s| {
        let body = b"{}";
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    });
    let sut = common::scratch("cleartext").join("sut.yaml");
    let text = format!(
        "name: cleartext\nprofiles: [pushpull-http-responder]\n\
         pushpull: {{ endpoint: 'http://127.0.0.1:{port}/pushpull' }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: 5000 }}\n"
    );
    std::fs::write(&sut, text).unwrap();
    let mut req = common::request(Some(sut), None, Some(1));
    req.args = common::args(Some("pushpull.http.responder.post.empty-object"));
    let (run, _) = common::execute(req);
    let s = &run.scenarios[0];
    let tls: Vec<_> = s.expectations.iter().filter(|e| e.requirement == "PP-EP-003").collect();
    assert_eq!(tls.len(), 1, "{} {:?} {:?} {:?}", s.id, s.verdict, s.reason, s.expectations);
    assert_eq!(tls[0].verdict, Verdict::Fail, "{}", tls[0].actual);
    assert_eq!((tls[0].check.as_deref(), tls[0].step, tls[0].expectation), (Some("over_tls"), 1, Some(2)));
}

//! A SUT that goes away mid-scenario: its trigger works for the harness's
//! registration and first queue, then answers 500 or is no longer there.
//! What the scenario judged before then saw nothing arrive, because the SUT
//! was already going; that is no finding on the SUT. The scenario is ERROR
//! with the stop's reason, no expectation is FAIL or WARN, and no requirement
//! it cites is FAIL.

mod common;

use setconform_reports::{Run, Verdict};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

/// The two-trigger scenario of the confirmed report: `redelivered: 2` is
/// judged between the first queue and the second.
const SCENARIO: &str = "msp.transmitter.reliability.redelivery";

/// What the trigger does after the registration and the first queue.
#[derive(Clone, Copy)]
enum Then {
    /// Answers every later call with this HTTP status.
    Answers(u16),
    /// Stops listening: every later call cannot connect.
    IsGone,
}

/// A control API (the trigger's HTTP adapter) whose SUT never sends a SET:
/// it registers the harness and takes the first queue, then does as `then` says.
fn going_trigger(then: Then) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (call, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { continue };
            let status = match (call, then) {
                (0 | 1, _) => 200,
                (_, Then::Answers(status)) => status,
                (_, Then::IsGone) => unreachable!("the listener is closed after the first queue"),
            };
            answer(stream, status, if call == 0 { r#"{"peer":"going"}"# } else { "{}" });
            if call == 1 && matches!(then, Then::IsGone) {
                return; // drops the listener
            }
        }
    });
    port
}

/// Reads one request whole (head and body), answers it and closes the connection.
fn answer(stream: TcpStream, status: u16, body: &str) {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let _ = reader.by_ref().take(length).read_to_end(&mut Vec::new());
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn run_against(then: Then) -> Run {
    let port = going_trigger(then);
    let dir = common::scratch("going");
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: going away\nprofiles: [multi-set-push-transmitter]\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ retry_window_ms: 300, observation_ms: 300 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    let mut req = common::request(Some(path), None, Some(11));
    req.args = common::args(Some(SCENARIO));
    let (run, code) = common::execute(req);
    assert_eq!(code, 3, "incomplete, not failed: {:?}", common::findings(&run));
    run
}

/// The scenario is ERROR with `reason_has` in its reason, and nothing in it,
/// nor any requirement it cites, holds a failure against the SUT.
fn assert_not_held_against_the_sut(run: &Run, reason_has: &str) {
    let s = run.scenarios.iter().find(|s| s.id == SCENARIO).expect("the scenario ran");
    assert_eq!(s.verdict, Verdict::Error, "{:?}", common::findings(run));
    let reason = s.reason.as_deref().unwrap_or_default();
    assert!(reason.contains(reason_has), "{reason}");
    let redelivered = s.expectations.iter().find(|e| e.check.as_deref() == Some("redelivered"));
    let redelivered = redelivered.expect("redelivered: 2 was judged before the SUT went");
    // Nothing to look for is not judged (INFO) on its own; a stop makes a broken rule not judged (ERROR).
    assert!(matches!(redelivered.verdict, Verdict::Error | Verdict::Info), "{:?}", redelivered.verdict);
    assert!(redelivered.actual.starts_with("not judged: "), "{}", redelivered.actual);
    assert!(redelivered.actual.contains("no unanswered SETs were received"), "what was seen stays");
    for e in &s.expectations {
        assert!(!matches!(e.verdict, Verdict::Fail | Verdict::Warn), "{} {}: {}", e.verdict, e.requirement, e.actual);
    }
    let cited: Vec<_> = run.requirements.iter().filter(|r| s.requirements.contains(&r.id)).collect();
    assert!(cited.len() >= 2, "MSP-008 and MSP-019 are rolled up");
    for r in cited {
        assert_eq!(r.verdict, Verdict::Error, "{}", r.id);
    }
}

#[test]
fn a_trigger_that_fails_mid_scenario_gives_error_and_no_failure() {
    let run = run_against(Then::Answers(500));
    assert_not_held_against_the_sut(&run, "answered HTTP 500");
    assert_nothing_judged(&run);
}

#[test]
fn a_sut_unreachable_mid_scenario_gives_error_and_no_failure() {
    let run = run_against(Then::IsGone);
    assert_not_held_against_the_sut(&run, "SUT unreachable");
    assert_nothing_judged(&run);
}

/// The SETs never came, so there was nothing to look for in the later steps either:
/// every expectation of the scenario is "not judged".
fn assert_nothing_judged(run: &Run) {
    let s = &run.scenarios[0];
    for e in &s.expectations {
        assert!(e.actual.starts_with("not judged: "), "{} {}: {}", e.verdict, e.requirement, e.actual);
    }
}

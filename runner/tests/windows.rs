//! Observation windows, pinned with fake SUTs that keep or break each rule in
//! a way the embedded reference does not: a request that must not arrive and
//! comes late, a redelivery that comes only after a while, silence after
//! everything was acknowledged, and an initiator's empty requests on a timer.

mod common;
#[path = "windows/fakes.rs"]
mod fakes;

use fakes::Behaviour;
use setconform_reports::{Run, ScenarioResult, Verdict};
use std::time::Duration;

/// Runs `scenarios` against the SUT of `sut`.
fn run(sut: std::path::PathBuf, scenarios: &[&str]) -> Run {
    let mut req = common::request(Some(sut), None, Some(3));
    req.only = Some(scenarios.iter().map(|s| s.to_string()).collect());
    common::execute(req).0
}

fn scenario<'r>(run: &'r Run, id: &str) -> &'r ScenarioResult {
    run.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("{id} did not run"))
}

/// The verdicts of `requirement` in `id`, with what was seen.
fn verdicts(run: &Run, id: &str, requirement: &str) -> Vec<(Verdict, String)> {
    let s = scenario(run, id);
    let found: Vec<_> =
        s.expectations.iter().filter(|e| e.requirement == requirement).map(|e| (e.verdict, e.actual.clone())).collect();
    assert!(!found.is_empty(), "{id}: no {requirement} in {:?} {:?}", s.reason, s.expectations);
    found
}

fn assert_all(run: &Run, id: &str, requirement: &str, want: Verdict) {
    for (verdict, actual) in verdicts(run, id, requirement) {
        assert_eq!(verdict, want, "{id} {requirement}: {actual}; {:?}", common::findings(run));
    }
}

const CLEARTEXT: &str = "push.transmitter.tls.cleartext-endpoint";
/// A scenario that outlasts the cleartext window: the run is still going when a late push comes.
const LONGER: &str = "push.transmitter.retry.after-503";

fn push_transmitter(after: Option<Duration>) -> std::path::PathBuf {
    let port = fakes::start(Behaviour::Push { after });
    let timeouts = "request_ms: 2000, scenario_ms: 10000, retry_window_ms: 1000, observation_ms: 3000";
    fakes::sut_yaml("push-transmitter", port, "", timeouts)
}

/// RFC 8935 §5.3 (PUSH-050, PUSH-053): a transmitter whose push to the
/// cleartext endpoint comes 2 s after its trigger returned, after the 1 s
/// window and after the scenario ended, still breaks the rule: the endpoint
/// listens until the run ends and the scenario's result is amended.
#[test]
fn a_push_in_the_clear_after_the_window_closed_fails() {
    let run = run(push_transmitter(Some(Duration::from_secs(2))), &[CLEARTEXT, LONGER]);
    for req in ["PUSH-050", "PUSH-053"] {
        let found = verdicts(&run, CLEARTEXT, req);
        assert_eq!(found[0].0, Verdict::Fail, "{req}: {}", found[0].1);
        assert!(found[0].1.contains("ms after the scenario ended"), "{}", found[0].1);
    }
    let s = scenario(&run, CLEARTEXT);
    assert_eq!(s.verdict, Verdict::Fail);
    assert!(run.summary.fail >= 1);
    let late = s.transcript.iter().find(|x| x.channel == "harness").expect("the late push is in the transcript");
    assert_eq!(late.response.as_ref().map(|r| r.status), Some(503));
    assert!(late.at_ms >= s.duration_ms, "{} ms, after the scenario's {} ms", late.at_ms, s.duration_ms);
}

/// A transmitter that never pushes to the cleartext endpoint keeps the rule.
#[test]
fn a_transmitter_that_never_pushes_in_the_clear_passes() {
    let run = run(push_transmitter(None), &[CLEARTEXT, LONGER]);
    assert_all(&run, CLEARTEXT, "PUSH-050", Verdict::Pass);
    assert_all(&run, CLEARTEXT, "PUSH-053", Verdict::Pass);
    assert_eq!(scenario(&run, CLEARTEXT).verdict, Verdict::Pass);
}

const UNACKED: &str = "pushpull.http.responder.redelivery.unacked";
const CASE_SENSITIVE: &str = "pushpull.http.responder.request.case-sensitive-members";

/// Runs `scenarios` against a fake serving `member` of sut.yaml (`pushpull`, `poll`) in `profile`.
fn against(behaviour: Behaviour, profile: &str, member: &str, timeouts: &str, scenarios: &[&str]) -> Run {
    let port = fakes::start(behaviour);
    let binding = format!("{member}: {{ endpoint: 'http://127.0.0.1:{port}/{member}' }}");
    run(fakes::sut_yaml(profile, port, &binding, timeouts), scenarios)
}

fn responder(redeliver_after: Option<Duration>) -> Run {
    let timeouts = "request_ms: 2000, scenario_ms: 15000, retry_window_ms: 2000, observation_ms: 2500";
    let behaviour = Behaviour::Responder { redeliver_after };
    against(behaviour, "pushpull-http-responder", "pushpull", timeouts, &[UNACKED, CASE_SENSITIVE])
}

/// Pushpull §9 (PP-REL-001, AMB-11): a responder may wait a reasonable period
/// before it delivers unanswered SETs again; one that waits about 1 s is seen
/// to redeliver within the retry window, and the SETs it retires after the
/// late acknowledgement stay away for the whole window (PP-REL-002).
#[test]
fn a_responder_that_redelivers_after_a_second_keeps_the_rule() {
    let run = responder(Some(Duration::from_millis(1000)));
    assert_all(&run, UNACKED, "PP-REL-001", Verdict::Pass);
    assert_all(&run, UNACKED, "PP-REL-002", Verdict::Pass);
    assert_all(&run, CASE_SENSITIVE, "PP-CO-011", Verdict::Pass);
    let (_, actual) = &verdicts(&run, UNACKED, "PP-REL-001")[0];
    assert!(actual.contains("looks over"), "{actual}");
}

/// A responder that never delivers unanswered SETs again breaks PP-REL-001,
/// once the whole retry window has passed.
#[test]
fn a_responder_that_never_redelivers_fails() {
    let run = responder(None);
    let (verdict, actual) = &verdicts(&run, UNACKED, "PP-REL-001")[0];
    assert_eq!(*verdict, Verdict::Fail, "{actual}");
    assert!(actual.contains("not delivered again") && actual.contains("looks over"), "{actual}");
    let redelivered =
        scenario(&run, CASE_SENSITIVE).expectations.iter().find(|e| e.check.as_deref() == Some("redelivered"));
    assert_eq!(redelivered.map(|e| (e.requirement.as_str(), e.verdict)), Some(("PP-CO-011", Verdict::Fail)));
}

const ACK_ONLY: &str = "poll.transmitter.ack-only";

fn poll_transmitter(ignore_acks: Option<Duration>) -> Run {
    let timeouts = "request_ms: 2000, scenario_ms: 15000, retry_window_ms: 1500, observation_ms: 2000";
    against(Behaviour::Poll { ignore_acks }, "poll-transmitter", "poll", timeouts, &[ACK_ONLY])
}

/// RFC 8936 §2.2 (POLL-027, SHOULD NOT: WARN): an acknowledged SET is not
/// returned again. A transmitter that ignores the acknowledgement and returns
/// the SET some 500 ms later is caught, for the harness polls again over the
/// whole window.
#[test]
fn a_poll_transmitter_that_returns_acknowledged_sets_later_is_warned() {
    let run = poll_transmitter(Some(Duration::from_millis(500)));
    let (verdict, actual) = &verdicts(&run, ACK_ONLY, "POLL-027")[0];
    assert_eq!(*verdict, Verdict::Warn, "{actual}");
    assert!(actual.contains("delivered again after being answered"), "{actual}");
}

/// A transmitter that honours acknowledgements keeps POLL-027 over the whole window.
#[test]
fn a_poll_transmitter_that_honours_acks_passes() {
    let run = poll_transmitter(None);
    let (verdict, actual) = &verdicts(&run, ACK_ONLY, "POLL-027")[0];
    assert_eq!(*verdict, Verdict::Pass, "{actual}");
    assert!(actual.contains("looks over"), "{actual}");
}

const WS_REDELIVERY: &str = "pushpull.ws.responder.reliability.redelivery";

fn ws_responder(resend_acked: bool) -> Run {
    let (control, ws) = fakes::start_ws(resend_acked);
    let binding = format!("pushpull: {{ endpoint: 'http://127.0.0.1:{ws}/pushpull' }}");
    let timeouts = "request_ms: 1500, scenario_ms: 15000, retry_window_ms: 1500, observation_ms: 2000";
    run(fakes::sut_yaml("pushpull-ws-responder", control, &binding, timeouts), &[WS_REDELIVERY])
}

/// Pushpull §9 (PP-REL-002): once every SET is acknowledged a WebSocket
/// responder has nothing to send; its silence over the window keeps the rule.
#[test]
fn a_websocket_responder_silent_after_the_acks_passes() {
    let run = ws_responder(false);
    let (verdict, actual) = &verdicts(&run, WS_REDELIVERY, "PP-REL-002")[0];
    assert_eq!(*verdict, Verdict::Pass, "{actual}; {:?}", common::findings(&run));
    assert!(actual.starts_with("nothing came back within"), "{actual}");
    assert_all(&run, WS_REDELIVERY, "PP-REL-001", Verdict::Pass);
}

/// One that sends the acknowledged SETs again breaks it.
#[test]
fn a_websocket_responder_that_resends_acknowledged_sets_fails() {
    let run = ws_responder(true);
    let (verdict, actual) = &verdicts(&run, WS_REDELIVERY, "PP-REL-002")[0];
    assert_eq!(*verdict, Verdict::Fail, "{actual}");
}

/// The HTTP initiator scenarios whose first request used to be taken for the
/// one carrying the queued SETs, or for the resend.
const INITIATOR: [&str; 7] = [
    "pushpull.http.initiator.request.shape",
    "pushpull.http.initiator.reliability.resend-unanswered",
    "pushpull.http.initiator.reliability.resend-after-error-response",
    "pushpull.http.initiator.reliability.retire-after-ack",
    "pushpull.http.initiator.reliability.retire-after-set-errs",
    "pushpull.http.initiator.reliability.slow-response",
    "pushpull.http.initiator.ack.asynchronous",
];

fn initiator(text_plain: bool) -> Run {
    let port = fakes::start(Behaviour::Initiator { idle: Duration::from_millis(200), text_plain });
    let timeouts = "request_ms: 3000, scenario_ms: 15000, retry_window_ms: 2000, observation_ms: 3000";
    run(fakes::sut_yaml("pushpull-http-initiator", port, "", timeouts), &INITIATOR)
}

/// Pushpull §6.1: an initiator may post an empty Communication Object on a
/// timer. One that does so every 200 ms besides its real requests passes:
/// the empty ones are answered with an empty Communication Object, recorded,
/// and not judged while the harness waits for SETs.
#[test]
fn an_initiator_posting_empty_objects_on_a_timer_passes() {
    let run = initiator(false);
    for id in INITIATOR {
        let s = scenario(&run, id);
        let bad: Vec<_> =
            s.expectations.iter().filter(|e| !matches!(e.verdict, Verdict::Pass | Verdict::Info)).collect();
        assert!(bad.is_empty(), "{id}: {:?} {bad:?}", s.reason);
        assert!(matches!(s.verdict, Verdict::Pass | Verdict::Info), "{id}: {:?} {:?}", s.verdict, s.reason);
    }
    let idle = |id: &str| scenario(&run, id).transcript.iter().filter(|x| x.request.body.text == "{}").count();
    assert!(INITIATOR.iter().map(|id| idle(id)).sum::<usize>() >= 1, "the idle requests are in the transcripts");
    assert_all(&run, INITIATOR[1], "PP-REL-001", Verdict::Pass);
}

/// An initiator with the same timer that posts its SETs as text/plain still
/// fails the media type rule (pushpull §6.1, PP-HTTP-002).
#[test]
fn an_initiator_that_breaks_the_request_shape_still_fails() {
    let run = initiator(true);
    assert_all(&run, INITIATOR[0], "PP-HTTP-002", Verdict::Fail);
}

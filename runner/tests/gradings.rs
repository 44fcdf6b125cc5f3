//! Gradings that must hold for implementations other than the reference: each
//! is pinned with a scripted fake SUT (plain HTTP on 127.0.0.1) that keeps the
//! rule in another legal way, and one that breaks it.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use setconform::set::SetProfile;
use setconform_reports::{Run, Verdict};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use wiremock::matchers::{body_json, body_partial_json, header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A fake SUT: a wiremock server on a runtime of its own, alive as long as this value.
struct Fake {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Fake {
    fn start() -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(MockServer::start());
        let fake = Fake { runtime, server };
        // The control API's registration (README), unless a test mounts its own.
        let registered = ResponseTemplate::new(201).set_body_json(json!({ "peer": "p0" }));
        fake.mount(Mock::given(method("POST")).and(path("/control/peers")).respond_with(registered).with_priority(8));
        let acted = Mock::given(method("POST")).and(path_regex("^/control/peers/[^/]+/(queue|initiate)$"));
        fake.mount(acted.respond_with(ResponseTemplate::new(204)).with_priority(8));
        fake
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn port(&self) -> u16 {
        self.server.address().port()
    }
}

/// A sut.yaml for the fake at `port`, claiming `profile` and `capabilities`.
fn sut_yaml(port: u16, profile: &str, capabilities: &[&str]) -> PathBuf {
    let dir = common::scratch("gradings");
    std::fs::write(dir.join("token"), "fake-token").unwrap();
    let text = format!(
        "name: fake\nprofiles: [{profile}]\ncapabilities: [{}]\n\
         pushpull: {{ endpoint: 'http://127.0.0.1:{port}/pushpull' }}\n\
         push: {{ endpoint: 'http://127.0.0.1:{port}/push' }}\n\
         poll: {{ endpoint: 'http://127.0.0.1:{port}/poll' }}\n\
         auth: {{ bearer_token: {{ file: token }} }}\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ connect_ms: 1000, request_ms: 3000, scenario_ms: 15000, retry_window_ms: 1500, \
         observation_ms: 1500, long_poll_ms: 4000, poll_held_ms: 500 }}\n",
        capabilities.join(", ")
    );
    let path = dir.join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the scenarios `ids` against the SUT of `sut`, judged under `set_profile`.
fn run(sut: PathBuf, ids: &[&str], set_profile: SetProfile) -> Run {
    let mut req = common::request(Some(sut), None, Some(11));
    req.only = Some(ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
    req.set_profile = Some(set_profile);
    common::execute(req).0
}

/// The verdicts of `scenario`'s expectations on `req` (in step `step`, when given).
fn verdicts(run: &Run, scenario: &str, req: &str, step: Option<usize>) -> Vec<(Verdict, String)> {
    let s = run.scenarios.iter().find(|s| s.id == scenario).unwrap_or_else(|| panic!("{scenario} ran"));
    s.expectations
        .iter()
        .filter(|e| e.requirement == req && step.is_none_or(|n| e.step == n))
        .map(|e| (e.verdict, e.actual.clone()))
        .collect()
}

/// `scenario` is N/A, for a reason naming `why` (a capability, a requirement).
fn assert_not_applicable(run: &Run, scenario: &str, why: &str) {
    let (verdict, reason) = scenario_verdict(run, scenario);
    assert_eq!(verdict, Verdict::NotApplicable, "{reason}");
    assert!(reason.contains(why), "{reason}");
}

/// A push receiver that gives every SET the same `answer`.
fn push_receiver(answer: ResponseTemplate) -> Fake {
    let fake = Fake::start();
    fake.mount(Mock::given(method("POST")).and(path("/push")).respond_with(answer));
    fake
}

fn scenario_verdict(run: &Run, scenario: &str) -> (Verdict, String) {
    let s = run.scenarios.iter().find(|s| s.id == scenario).unwrap();
    (s.verdict, s.reason.clone().unwrap_or_default())
}

/// An unsecured SET (RFC 8417 §2.4): enough for a fake transmitter.
fn unsecured_set(jti: &str) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let claims = json!({
        "iss": "https://fake.example", "jti": jti, "iat": 1767225600, "aud": "https://harness.example",
        "events": { "https://schemas.example/event/ping": {} }
    });
    format!("{}.{}.", part(json!({ "alg": "none", "typ": "secevent+jwt" })), part(claims))
}

// --- PUSH-007: no retry is not a bad retry --------------------------------

/// A push transmitter behind the control API: each queued SET is pushed once to
/// the endpoint given at registration; after an answer other than 202 or 400
/// it is pushed again `retries` times, at once.
struct PushTransmitter {
    peers: Mutex<HashMap<String, (String, String)>>,
    retries: usize,
    runtime: tokio::runtime::Handle,
}

impl Respond for PushTransmitter {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        if path.ends_with("/peers") {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let mut peers = self.peers.lock().unwrap();
            let peer = format!("p{}", peers.len());
            peers.insert(peer.clone(), (text("endpoint"), text("endpoint_token")));
            return ResponseTemplate::new(201).set_body_json(json!({ "peer": peer }));
        }
        let peer = path.trim_end_matches("/queue").rsplit('/').next().unwrap_or_default();
        let Some((endpoint, token)) = self.peers.lock().unwrap().get(peer).cloned() else {
            return ResponseTemplate::new(404);
        };
        let (retries, set) = (self.retries, unsecured_set(&format!("{peer}-1")));
        self.runtime.spawn(async move {
            let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap();
            for _ in 0..=retries {
                let sent = client
                    .post(&endpoint)
                    .bearer_auth(&token)
                    .header("content-type", "application/secevent+jwt")
                    .header("accept", "application/json")
                    .body(set.clone())
                    .send()
                    .await;
                if sent.is_ok_and(|r| matches!(r.status().as_u16(), 202 | 400)) {
                    break;
                }
            }
        });
        ResponseTemplate::new(204)
    }
}

fn push_transmitter(retries: usize) -> Fake {
    let fake = Fake::start();
    let responder = PushTransmitter { peers: Mutex::default(), retries, runtime: fake.runtime.handle().clone() };
    fake.mount(Mock::given(method("POST")).and(path_regex("^/control/peers")).respond_with(responder));
    fake
}

#[test]
fn a_push_transmitter_that_never_retries_is_recorded_and_one_that_retries_at_once_is_warned() {
    const ID: &str = "push.transmitter.retry.after-503";
    let never = push_transmitter(0);
    let r = run(sut_yaml(never.port(), "push-transmitter", &[]), &[ID], SetProfile::Rfc8417);
    let got = verdicts(&r, ID, "PUSH-007", None);
    assert!(!got.is_empty() && got.iter().all(|(v, _)| *v == Verdict::Info), "{got:?}");
    assert!(got.iter().all(|(_, a)| a.contains("did not retry")), "{got:?}");

    // Sends the SET again at once: each first retry is too soon.
    let hasty = push_transmitter(2);
    let ids = [ID, "push.transmitter.retry.after-drop", "push.transmitter.retry.backoff"];
    let r = run(sut_yaml(hasty.port(), "push-transmitter", &[]), &ids, SetProfile::Rfc8417);
    for id in ids {
        let got = verdicts(&r, id, "PUSH-007", Some(3));
        assert_eq!(got.first().map(|g| g.0), Some(Verdict::Warn), "{id}: {got:?}");
    }
}

// --- SSF-IOP-008: a requirement of a SET profile the SUT did not claim ----

/// A poll transmitter that takes its token in the Authorization header and, with
/// `query_too`, as an access_token query parameter as well.
fn poll_transmitter_auth(query_too: bool) -> Fake {
    let fake = Fake::start();
    let empty = || ResponseTemplate::new(200).set_body_json(json!({ "sets": {} }));
    fake.mount(Mock::given(method("POST")).and(header("authorization", "Bearer fake-token")).respond_with(empty()));
    if query_too {
        fake.mount(Mock::given(method("POST")).and(query_param("access_token", "fake-token")).respond_with(empty()));
    }
    let challenge = ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer error=\"invalid_token\"");
    fake.mount(Mock::given(method("POST")).respond_with(challenge).with_priority(10));
    fake
}

#[test]
fn an_interop_profile_rule_is_not_applicable_unless_that_set_profile_is_claimed() {
    const ID: &str = "poll.transmitter.auth.bearer-header-only";
    let lax = poll_transmitter_auth(true);
    let sut = sut_yaml(lax.port(), "poll-transmitter", &["http-auth"]);
    let r = run(sut.clone(), &[ID], SetProfile::Rfc8417);
    assert_not_applicable(&r, ID, "SSF-IOP-008 is a requirement of the caep-interop profile");
    assert!(r.scenarios[0].transcript.is_empty(), "nothing was sent");

    let r = run(sut, &[ID], SetProfile::CaepInterop);
    let got = verdicts(&r, ID, "SSF-IOP-008", Some(1));
    assert_eq!(got.first().map(|g| g.0), Some(Verdict::Fail), "{got:?}");

    let strict = poll_transmitter_auth(false);
    let r = run(sut_yaml(strict.port(), "poll-transmitter", &["http-auth"]), &[ID], SetProfile::CaepInterop);
    assert_eq!(scenario_verdict(&r, ID).0, Verdict::Pass, "{:?}", common::findings(&r));
}

/// An SSF requirement named beside RFC 8935 ones is set aside (N/A) under
/// rfc8417 and judged under ssf; the RFC 8935 ones are judged either way.
#[test]
fn an_ssf_requirement_in_a_shared_expectation_is_set_aside_under_rfc8417() {
    const ID: &str = "push.receiver.accept.valid";
    let fake = push_receiver(ResponseTemplate::new(202));
    let sut = sut_yaml(fake.port(), "push-receiver", &[]);
    let r = run(sut.clone(), &[ID], SetProfile::Rfc8417);
    let iop = verdicts(&r, ID, "SSF-IOP-004", None);
    assert!(!iop.is_empty() && iop.iter().all(|(v, a)| *v == Verdict::NotApplicable && a.contains("caep-interop")));
    assert!(verdicts(&r, ID, "PUSH-001", None).iter().all(|(v, _)| *v == Verdict::Pass));
    let r = run(sut, &[ID], SetProfile::CaepInterop);
    assert!(verdicts(&r, ID, "SSF-IOP-004", None).iter().all(|(v, _)| *v == Verdict::Pass));
}

// --- PUSH-041: authorization by the SET's issuer -------------------------

/// A push receiver that takes every SET is N/A on `scenario` without `capability`
/// and fails `req` when it claims the capability it does not keep.
fn gated_by_capability(scenario: &str, capability: &str, req: &str, set_profile: SetProfile) {
    let fake = push_receiver(ResponseTemplate::new(202));
    let r = run(sut_yaml(fake.port(), "push-receiver", &[]), &[scenario], set_profile);
    assert_not_applicable(&r, scenario, capability);
    let r = run(sut_yaml(fake.port(), "push-receiver", &[capability]), &[scenario], set_profile);
    assert!(verdicts(&r, scenario, req, None).iter().any(|(v, _)| *v == Verdict::Fail));
}

/// One that authorizes by the SET's issuer and signature takes a SET without
/// credentials: N/A; one that claims HTTP authentication but ignores it fails.
#[test]
fn a_push_receiver_without_http_auth_is_not_asked_for_credentials() {
    gated_by_capability("push.receiver.auth.missing", "http-auth", "PUSH-041", SetProfile::Rfc8417);
}

// --- PUSH-038: a heuristic is INFO -----------------------------------------

#[test]
fn english_descriptions_are_a_heuristic_recorded_as_info() {
    const ID: &str = "push.receiver.reject.missing-events";
    let error = json!({ "err": "invalid_request", "description": "the SET has no events claim" });
    let bare = push_receiver(ResponseTemplate::new(400).set_body_json(&error));
    let r = run(sut_yaml(bare.port(), "push-receiver", &[]), &[ID], SetProfile::Rfc8417);
    assert_eq!(verdicts(&r, ID, "PUSH-038", None).first().map(|g| g.0), Some(Verdict::Info));
    assert_eq!(verdicts(&r, ID, "PUSH-036", None).first().map(|g| g.0), Some(Verdict::Fail));

    let english =
        push_receiver(ResponseTemplate::new(400).set_body_json(&error).insert_header("content-language", "en-GB"));
    let r = run(sut_yaml(english.port(), "push-receiver", &[]), &[ID], SetProfile::Rfc8417);
    assert_eq!(verdicts(&r, ID, "PUSH-038", None).first().map(|g| g.0), Some(Verdict::Pass));
}

// --- SSF-SET-012: key rotation needs jwks-uri-refresh ----------------------

/// Static keys from its configuration: N/A; claimed, but the jwks_uri is never
/// fetched again: FAIL.
#[test]
fn rotated_key_scenarios_need_jwks_uri_refresh() {
    gated_by_capability("push.receiver.accept.rotated-key", "jwks-uri-refresh", "SSF-SET-012", SetProfile::Ssf);
}

// --- PUSH-030/031: the transmitter's Content-Type is not the receiver's rule

#[test]
fn a_receiver_accepting_a_set_labelled_json_is_recorded_and_one_refusing_it_passes() {
    const ID: &str = "push.receiver.reject.content-type";
    let lenient = push_receiver(ResponseTemplate::new(202));
    let r = run(sut_yaml(lenient.port(), "push-receiver", &[]), &[ID], SetProfile::Rfc8417);
    for req in ["PUSH-030", "PUSH-031"] {
        let got = verdicts(&r, ID, req, None);
        assert_eq!(got.first().map(|g| g.0), Some(Verdict::Info), "{req}: {got:?}");
    }
    let strict = push_receiver(ResponseTemplate::new(415));
    let r = run(sut_yaml(strict.port(), "push-receiver", &[]), &[ID], SetProfile::Rfc8417);
    assert_eq!(scenario_verdict(&r, ID).0, Verdict::Pass);
}

// --- POLL-051 / POLL-045: long polls asked for explicitly --------------------

#[test]
fn long_poll_scenarios_ask_with_return_immediately_false_and_the_bare_object_stays() {
    let fake = Fake::start();
    let held = ResponseTemplate::new(200).set_body_json(json!({ "sets": {} })).set_delay(Duration::from_millis(1200));
    let asked = body_partial_json(json!({ "returnImmediately": false }));
    fake.mount(Mock::given(method("POST")).and(path("/poll")).and(asked).respond_with(held));
    fake.mount(Mock::given(method("POST")).and(body_json(json!({}))).respond_with(ResponseTemplate::new(404)));
    let ids = ["poll.transmitter.long-poll.timeout", "poll.transmitter.poll.empty-object"];
    let r = run(sut_yaml(fake.port(), "poll-transmitter", &[]), &ids, SetProfile::Rfc8417);
    let held = verdicts(&r, ids[0], "POLL-051", None);
    assert!(!held.is_empty() && held.iter().all(|(v, _)| *v == Verdict::Pass), "{held:?}");
    // `{}` is the default poll (RFC 8936 §2.4.1): one scenario still sends it bare.
    assert_eq!(verdicts(&r, ids[1], "POLL-045", None).first().map(|g| g.0), Some(Verdict::Fail));
}

// --- POLL-040: a SET reported in setErrs and delivered again ---------------

#[test]
fn a_poll_transmitter_redelivering_a_reported_set_is_recorded() {
    const ID: &str = "poll.transmitter.set-errs.accepted";
    let fake = Fake::start();
    let always = ResponseTemplate::new(200).set_body_json(json!({ "sets": { "j1": unsecured_set("j1") } }));
    fake.mount(Mock::given(method("POST")).and(path("/poll")).respond_with(always));
    let r = run(sut_yaml(fake.port(), "poll-transmitter", &[]), &[ID], SetProfile::Rfc8417);
    let got = verdicts(&r, ID, "POLL-040", None);
    assert_eq!(got.first().map(|g| g.0), Some(Verdict::Info), "{got:?}");
    assert!(r.scenarios[0].expectations.iter().any(|e| e.requirement == "POLL-040" && e.broken));
}

// --- PP-HTTP-012/013: a SET of the wrong type (AMB-32) ---------------------

/// A pushpull responder that answers `{"sets":{"j":5}}` with `answer`, and any
/// other request with 400 invalid_request.
fn responder(answer: Value) -> Fake {
    let fake = Fake::start();
    let wrong = body_json(json!({ "sets": { "j": 5 } }));
    fake.mount(Mock::given(method("POST")).and(wrong).respond_with(ResponseTemplate::new(200).set_body_json(answer)));
    let refused = ResponseTemplate::new(400).set_body_json(json!({ "err": "invalid_request", "description": "x" }));
    fake.mount(Mock::given(method("POST")).respond_with(refused).with_priority(10));
    fake
}

#[test]
fn a_set_of_the_wrong_type_may_be_reported_in_set_errs_but_not_acknowledged() {
    const ID: &str = "pushpull.http.responder.error.wrong-member-types";
    let errs = json!({ "sets": {}, "setErrs": { "j": { "err": "invalid_request", "description": "not a JWT" } } });
    let fake = responder(errs);
    let r = run(sut_yaml(fake.port(), "pushpull-http-responder", &[]), &[ID], SetProfile::Rfc8417);
    assert_eq!(scenario_verdict(&r, ID).0, Verdict::Pass, "{:?}", common::findings(&r));

    let acked = responder(json!({ "sets": {}, "ack": ["j"] }));
    let r = run(sut_yaml(acked.port(), "pushpull-http-responder", &[]), &[ID], SetProfile::Rfc8417);
    assert!(verdicts(&r, ID, "PP-HTTP-012", Some(4)).iter().any(|(v, _)| *v == Verdict::Fail));
}

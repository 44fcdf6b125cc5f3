//! Refusals graded for what they are, against fake SUTs that are not the
//! reference:
//! - a push receiver that refuses a broken SET with the wrong status kept the
//!   validation rule (PUSH-001) and broke only the status rule (PUSH-031);
//! - a transmitter that refuses, at registration, an endpoint it must not
//!   trust kept the TLS rule; one that takes it and sends there broke it;
//! - a SUT endpoint without TLS leaves its TLS scenarios unjudged (ERROR), and
//!   the run says it certifies nothing.

mod common;

use serde_json::Value;
use setconform_reports::{Run, Verdict};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Starts a wiremock server on a runtime that lives as long as the test
/// process, lets `mount` script it, and returns its base URL.
fn fake_sut(mount: impl FnOnce(&MockServer) -> Vec<Mock> + Send + 'static) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let server = MockServer::start().await;
            for mock in mount(&server) {
                server.register(mock).await;
            }
            tx.send(server.uri()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

fn sut_yaml(profile: &str, body: &str) -> PathBuf {
    let path = common::scratch("sut").join("sut.yaml");
    let text = format!(
        "name: fake\nprofiles: [{profile}]\n{body}\n\
         timeouts: {{ connect_ms: 500, request_ms: 2000, scenario_ms: 8000, observation_ms: 1500, retry_window_ms: 1000 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run(sut: PathBuf, exact: &str) -> Run {
    let mut req = common::request(Some(sut), None, Some(7));
    req.args = common::args(Some(exact));
    req.args.exact = true;
    common::execute(req).0
}

/// The verdicts of `req` in the one scenario that ran.
fn verdicts(run: &Run, req: &str) -> Vec<Verdict> {
    let s = run.scenarios.iter().find(|s| s.verdict != Verdict::NotApplicable).expect("a scenario ran");
    s.expectations.iter().filter(|e| e.requirement == req).map(|e| e.verdict).collect()
}

fn scenario_verdict(run: &Run) -> (Verdict, String) {
    let s = run.scenarios.iter().find(|s| s.verdict != Verdict::NotApplicable).expect("a scenario ran");
    (s.verdict, s.reason.clone().unwrap_or_default())
}

/// A push receiver that answers every SET with `status` and an RFC 8935 error object.
fn receiver_answering(status: u16) -> PathBuf {
    let base = plain_receiver(status);
    sut_yaml("push-receiver", &format!("push: {{ endpoint: '{base}/events' }}"))
}

/// The base URL (`http://`) of a push receiver that answers every SET with `status`.
fn plain_receiver(status: u16) -> String {
    fake_sut(move |_| {
        let answer = ResponseTemplate::new(status)
            .insert_header("content-type", "application/json")
            .insert_header("content-language", "en")
            .set_body_string(r#"{"err":"invalid_request","description":"the SET is refused"}"#);
        vec![Mock::given(method("POST")).and(path("/events")).respond_with(answer)]
    })
}

#[test]
fn a_broken_set_refused_with_500_keeps_validation_and_breaks_only_the_status_rule() {
    let scenario = "push.receiver.reject.bad-signature";
    let wrong_status = run(receiver_answering(500), scenario);
    assert_eq!(verdicts(&wrong_status, "PUSH-001"), [Verdict::Pass], "the SET was refused");
    assert_eq!(verdicts(&wrong_status, "PUSH-031"), [Verdict::Fail], "with 500, not 400");

    let right = run(receiver_answering(400), scenario);
    assert_eq!(verdicts(&right, "PUSH-001"), [Verdict::Pass]);
    assert_eq!(verdicts(&right, "PUSH-031"), [Verdict::Pass]);

    let accepting = run(receiver_answering(202), scenario);
    assert_eq!(verdicts(&accepting, "PUSH-001"), [Verdict::Fail], "a broken SET was accepted");
    assert_eq!(verdicts(&accepting, "PUSH-031"), [Verdict::Fail]);
}

/// What a fake push transmitter does with the endpoint it is given at registration.
#[derive(Clone, Copy)]
enum Transmitter {
    /// Declines an `http://` endpoint with `status` and takes any other.
    RefusesCleartext { status: u16 },
    /// Takes every endpoint and, asked to queue, pushes there at once.
    PushesAnywhere,
}

/// The control API of a fake push transmitter; it remembers the endpoint of
/// each peer it registered.
struct Control {
    kind: Transmitter,
    endpoints: Arc<Mutex<Vec<String>>>,
}

impl Respond for Control {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if request.url.path() == "/control/peers" {
            let endpoint = body.get("endpoint").and_then(Value::as_str).unwrap_or_default().to_owned();
            if let Transmitter::RefusesCleartext { status } = self.kind
                && endpoint.starts_with("http://")
            {
                return ResponseTemplate::new(status).set_body_string(r#"{"error":"the push endpoint must be https"}"#);
            }
            let mut endpoints = self.endpoints.lock().unwrap();
            endpoints.push(endpoint);
            return ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({ "peer": (endpoints.len() - 1).to_string(), "token": "t" }));
        }
        // /control/peers/{peer}/queue: push a (bogus) SET to the peer's endpoint over plain http.
        let peer: usize = request.url.path().split('/').nth(3).and_then(|p| p.parse().ok()).unwrap_or(0);
        let endpoint = self.endpoints.lock().unwrap().get(peer).cloned().unwrap_or_default();
        if matches!(self.kind, Transmitter::PushesAnywhere)
            && let Some(rest) = endpoint.strip_prefix("http://")
        {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let request = format!(
                "POST /{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/secevent+jwt\r\n\
                 Content-Length: 5\r\nConnection: close\r\n\r\na.b.c"
            );
            let authority = authority.to_owned();
            std::thread::spawn(move || {
                if let Ok(mut tcp) = std::net::TcpStream::connect(authority) {
                    let _ = tcp.write_all(request.as_bytes());
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
            });
        }
        ResponseTemplate::new(204)
    }
}

fn transmitter(kind: Transmitter) -> PathBuf {
    let base = fake_sut(move |_| {
        let control = Control { kind, endpoints: Arc::default() };
        vec![Mock::given(method("POST")).and(path_regex("^/control/")).respond_with(control)]
    });
    sut_yaml("push-transmitter", &format!("trigger: {{ http: {{ url: '{base}/control' }} }}"))
}

#[test]
fn a_transmitter_that_refuses_a_cleartext_endpoint_at_registration_keeps_the_tls_rule() {
    let cleartext = "push.transmitter.tls.cleartext-endpoint";
    for status in [400, 422] {
        let refused = run(transmitter(Transmitter::RefusesCleartext { status }), cleartext);
        assert_eq!(scenario_verdict(&refused).0, Verdict::Pass, "refused with {status}");
        assert_eq!(verdicts(&refused, "PUSH-050"), [Verdict::Pass]);
        let s = &refused.scenarios.iter().find(|s| s.verdict == Verdict::Pass).unwrap().expectations[0];
        assert!(s.actual.contains("refused the registration: HTTP"), "{}", s.actual);
    }

    // A 404 is an adapter that is not there, not a refusal: nothing was judged.
    let misconfigured = run(transmitter(Transmitter::RefusesCleartext { status: 404 }), cleartext);
    assert_eq!(scenario_verdict(&misconfigured).0, Verdict::Error);

    let pushes = run(transmitter(Transmitter::PushesAnywhere), cleartext);
    assert_eq!(verdicts(&pushes, "PUSH-050"), [Verdict::Fail], "{:?}", common::findings(&pushes));
}

#[test]
fn a_registration_refused_where_the_endpoint_is_trustworthy_is_an_error() {
    // The same refusal of an https endpoint has no rule to keep: the SUT was never made to act.
    let base = fake_sut(|_| {
        let refuse = ResponseTemplate::new(422).set_body_string(r#"{"error":"no more peers"}"#);
        vec![Mock::given(method("POST")).and(path("/control/peers")).respond_with(refuse)]
    });
    let sut = sut_yaml("push-transmitter", &format!("trigger: {{ http: {{ url: '{base}/control' }} }}"));
    let run = run(sut, "push.transmitter.request.shape");
    let (verdict, reason) = scenario_verdict(&run);
    assert_eq!(verdict, Verdict::Error);
    assert!(reason.contains("refused the registration: HTTP 422"), "{reason}");
}

#[test]
fn tls_scenarios_against_a_cleartext_endpoint_are_errors_and_the_run_certifies_nothing() {
    let sut = receiver_answering(202);
    for scenario in ["push.receiver.tls.version-1-2", "push.receiver.tls.legacy-refused"] {
        let run = run(sut.clone(), scenario);
        let (verdict, reason) = scenario_verdict(&run);
        assert_eq!(verdict, Verdict::Error, "{scenario}");
        assert!(reason.contains("the SUT endpoint is not TLS"), "{reason}");
        let why = run.sut.not_certifiable().expect("not certifiable");
        assert!(why.contains("/events"), "{why}");
        assert!(setconform_reports::markdown::summary(&run).contains("NOT CERTIFIABLE"));
        assert!(setconform_reports::junit::render(&run).contains(r#"name="certifiable" value="false""#));
    }
    // Scenarios that do not look at TLS are judged as usual.
    let plain = run(sut, "push.receiver.accept.valid");
    assert_eq!(verdicts(&plain, "PUSH-020"), [Verdict::Pass], "{:?}", common::findings(&plain));

    // The same scenario over TLS, against the reference, is judged and certifiable.
    let mut req = common::request(None, None, Some(7));
    req.args = common::args(Some("push.receiver.tls.version-1-2"));
    req.args.exact = true;
    let over_tls = common::execute(req).0;
    assert_eq!(scenario_verdict(&over_tls).0, Verdict::Pass);
    assert_eq!(over_tls.sut.not_certifiable(), None);
}

#[test]
fn an_https_endpoint_that_answers_a_client_hello_in_plain_http_is_not_judged_refusing_old_tls() {
    // Named https:// but served in the clear: an HTTP error page is no TLS alert.
    let base = plain_receiver(400).replacen("http://", "https://", 1);
    let sut = sut_yaml("push-receiver", &format!("push: {{ endpoint: '{base}/events' }}"));
    let run = run(sut, "push.receiver.tls.legacy-refused");
    let (verdict, reason) = scenario_verdict(&run);
    assert_eq!(verdict, Verdict::Error, "{:?}", common::findings(&run));
    assert!(reason.contains("does not speak TLS"), "{reason}");
    assert!(verdicts(&run, "PUSH-052").iter().all(|v| *v != Verdict::Pass));
}

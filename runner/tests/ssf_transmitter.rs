//! The `ssf-transmitter` profile against transmitters other than the
//! reference's default: one that takes SSF 1.0's other open choices gets no
//! failure, and one whose metadata cannot be used gets FAIL on discovery and
//! ERROR with the reason elsewhere, never a hang.

mod common;

use setconform_reports::{Run, Verdict};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Runs the `ssf-transmitter` profile against the SSF transmitter at `issuer`,
/// as receiver-a with receiver-b as the other receiver (static tokens), one scenario at a time.
fn run_profile(issuer: &str, extra: &str) -> Run {
    let dir = common::scratch("ssf-transmitter");
    let [(_, _, first), (_, _, second)] = setconform_reference::SSF_RECEIVERS;
    std::fs::write(dir.join("token-a"), first).unwrap();
    std::fs::write(dir.join("token-b"), second).unwrap();
    let text = format!(
        "name: an SSF transmitter\nprofiles: [ssf-transmitter]\nconcurrency: 1\n\
         trigger:\n  ssf:\n    issuer: '{issuer}'\n    auth: {{ bearer_token: {{ file: token-a }} }}\n    \
         other_receiver: {{ bearer_token: {{ file: token-b }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 2000, scenario_ms: 20000, observation_ms: 3000 }}\n{extra}"
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    let mut req = common::request(Some(dir.join("sut.yaml")), None, Some(19));
    req.profiles = vec!["ssf-transmitter".into()];
    common::execute(req).0
}

fn verdicts(run: &Run) -> BTreeMap<String, Verdict> {
    run.scenarios
        .iter()
        .filter(|s| s.profile == "ssf-transmitter")
        .map(|s| (s.id.trim_start_matches("ssf.transmitter.").to_owned(), s.verdict))
        .collect()
}

#[test]
fn a_transmitter_taking_the_other_open_choices_fails_nothing() {
    let (port, lines) = common::ssf_reference_with_kept_ca(Some(setconform_reference::Variant::SsfOtherChoices));
    let run = run_profile(&format!("https://127.0.0.1:{port}/ssf"), &lines);
    let verdicts = verdicts(&run);
    assert!(verdicts.len() >= 40, "{verdicts:?}");
    let bad: Vec<&String> = verdicts
        .iter()
        .filter(|(_, v)| !matches!(v, Verdict::Pass | Verdict::Info | Verdict::NotApplicable))
        .map(|(s, _)| s)
        .collect();
    assert!(bad.is_empty(), "{bad:?}\n{:#?}", common::findings(&run));
    // One stream per receiver (409 to a second create) keeps SSF-STRM-009.
    assert_eq!(verdicts["stream.second-create"], Verdict::Pass);
    // Events that come a second after the request are waited for.
    assert_eq!(verdicts["verification.push"], Verdict::Pass);
    assert_eq!(verdicts["verification.poll"], Verdict::Pass);
    // What the transmitter need not do is not judged: no verification of its own,
    // no suspension after invalid_state, nothing held when verification is refused while paused.
    // Nor is a min_verification_interval longer than the scenario: the second request is not sent.
    for not_judged in
        ["verification.unsolicited", "status.transmitter-initiated", "status.paused.push", "verification.interval"]
    {
        assert_eq!(verdicts[not_judged], Verdict::Info, "{not_judged}: {:#?}", common::findings(&run));
    }
}

/// A transmitter whose metadata is what `answer` makes of its own base URL;
/// the runtime it is served on, and the server.
fn serve_metadata(answer: impl FnOnce(&str) -> ResponseTemplate) -> (tokio::runtime::Runtime, MockServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let template = answer(&server.uri());
    let well_known = Mock::given(method("GET")).and(path("/.well-known/ssf-configuration/ssf"));
    rt.block_on(well_known.respond_with(template).mount(&server));
    (rt, server)
}

/// The verdicts of the profile against a transmitter whose metadata is `answer`, and how long it took.
fn against_metadata(answer: ResponseTemplate) -> (BTreeMap<String, Verdict>, Run, Duration) {
    let (_rt, server) = serve_metadata(|_| answer);
    let began = Instant::now();
    let run = run_profile(&format!("{}/ssf", server.uri()), "");
    (verdicts(&run), run, began.elapsed())
}

/// Every scenario not about discovery stops with ERROR and says why.
fn others_stop_with(run: &Run, why: &str) {
    for s in run.scenarios.iter().filter(|s| s.profile == "ssf-transmitter" && !s.id.contains(".discovery.")) {
        assert_eq!(s.verdict, Verdict::Error, "{}: {:?}", s.id, s.reason);
        assert!(s.reason.as_deref().is_some_and(|r| r.contains(why)), "{}: {:?}", s.id, s.reason);
    }
}

#[test]
fn metadata_that_is_not_json_or_too_large_fails_discovery_and_stops_the_rest() {
    let not_json =
        ResponseTemplate::new(200).set_body_string("<html>hello</html>").insert_header("content-type", "text/html");
    let huge = ResponseTemplate::new(200)
        .set_body_string(format!("{{\"issuer\":\"{}\"}}", "x".repeat(50 * 1024 * 1024)))
        .insert_header("content-type", "application/json");
    for answer in [not_json, huge] {
        let (verdicts, run, took) = against_metadata(answer);
        assert!(took < Duration::from_secs(90), "took {took:?}");
        assert_eq!(verdicts["discovery.well-known"], Verdict::Fail, "{:#?}", common::findings(&run));
        others_stop_with(&run, "metadata cannot be used");
    }
}

#[test]
fn metadata_that_redirects_to_itself_fails_discovery_without_a_hang() {
    let itself = |base: &str| {
        let url = format!("{base}/.well-known/ssf-configuration/ssf");
        ResponseTemplate::new(302).insert_header("location", url.as_str())
    };
    let (_rt, server) = serve_metadata(itself);
    let began = Instant::now();
    let run = run_profile(&format!("{}/ssf", server.uri()), "");
    assert!(began.elapsed() < Duration::from_secs(90), "took {:?}", began.elapsed());
    let verdicts = verdicts(&run);
    assert_eq!(verdicts["discovery.well-known"], Verdict::Fail, "{:#?}", common::findings(&run));
    others_stop_with(&run, "HTTP status 302");
}

#[test]
fn cleartext_management_endpoints_fail_discovery_and_get_no_token() {
    let metadata = |base: &str| {
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "spec_version": "1_0",
            "issuer": format!("{base}/ssf"),
            "jwks_uri": "https://127.0.0.1:9/jwks.json",
            "delivery_methods_supported": ["urn:ietf:rfc:8935"],
            "configuration_endpoint": format!("{base}/streams"),
            "verification_endpoint": format!("{base}/verify"),
        }))
    };
    let (rt, server) = serve_metadata(metadata);
    let run = run_profile(&format!("{}/ssf", server.uri()), "");
    let verdicts = verdicts(&run);
    assert_eq!(verdicts["discovery.endpoints-https"], Verdict::Fail, "{:#?}", common::findings(&run));
    let requests = rt.block_on(server.received_requests()).unwrap_or_default();
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"), "only the metadata was asked for");
    let stream = run.scenarios.iter().find(|s| s.id == "ssf.transmitter.stream.create.push").unwrap();
    assert_eq!(stream.verdict, Verdict::Error);
    assert!(stream.reason.as_deref().is_some_and(|r| r.contains("not https")), "{:?}", stream.reason);
}

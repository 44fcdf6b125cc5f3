//! The `ssf` trigger: a sut.yaml with only `trigger.ssf` (no control API, no
//! scripts) drives an SSF transmitter through its own management API, and a
//! transmitter whose metadata cannot be used stops each scenario with ERROR
//! and the reason, never a hang. Also how sut.yaml's `trigger.ssf` is read.

mod common;
#[path = "ssf_trigger/relay.rs"]
mod relay;

use setconform_reports::{Run, Verdict};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A sut.yaml for an SSF transmitter at `issuer` whose receiver token is in a file.
fn ssf_sut(issuer: &str, profiles: &str, extra: &str) -> PathBuf {
    let dir = common::scratch("ssf");
    std::fs::write(dir.join("receiver-token"), format!("{}\n", relay::RECEIVER_TOKEN)).unwrap();
    let text = format!(
        "name: ssf transmitter\nprofiles: [{profiles}]\n\
         trigger:\n  ssf:\n    issuer: '{issuer}'\n    auth: {{ bearer_token: {{ file: receiver-token }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 2000, scenario_ms: 8000 }}\n{extra}"
    );
    let path = dir.join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Each scenario of `profile`: its id, verdict and reason.
fn verdicts(run: &Run, profile: &str) -> Vec<(String, Verdict, String)> {
    run.scenarios
        .iter()
        .filter(|s| s.profile == profile)
        .map(|s| (s.id.clone(), s.verdict, s.reason.clone().unwrap_or_default()))
        .collect()
}

/// Runs `profile` against the reference's SSF transmitter with only
/// `trigger.ssf` (receiver-a by client credentials), its SETs judged under the
/// SSF SET profile, and asserts every scenario PASS (or N/A for a rule of a
/// SET profile not claimed); the run.
fn ssf_profile_passes(profile: &str) -> Run {
    let (port, lines) = common::ssf_reference_with_kept_ca(None);
    let [(client_id, secret, _), _] = setconform_reference::SSF_RECEIVERS;
    let dir = common::scratch("ssf-reference");
    std::fs::write(dir.join("client-secret"), secret).unwrap();
    let text = format!(
        "name: reference as an SSF transmitter\nprofiles: [{profile}]\ncapabilities: [http-auth]\nsets: {{ profile: ssf }}\n\
         trigger:\n  ssf:\n    issuer: 'https://127.0.0.1:{port}/ssf'\n    auth:\n      client_credentials:\n        \
         token_endpoint: 'https://127.0.0.1:{port}/ssf/token'\n        client_id: {client_id}\n        \
         client_secret: {{ file: client-secret }}\n        scopes: [ssf]\n{lines}"
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    let mut req = common::request(Some(dir.join("sut.yaml")), None, Some(3));
    req.profiles = vec![profile.into()];
    let (run, _) = common::execute(req);
    assert_passes(&run, profile);
    run
}

/// Every scenario of `profile` is PASS, or N/A for a rule of a SET profile not claimed.
fn assert_passes(run: &Run, profile: &str) {
    let all = verdicts(run, profile);
    // The known N/A: a rule of the caep-interop SET profile, which the run does not claim.
    let known = |v: &Verdict, why: &str| *v == Verdict::NotApplicable && why.contains("SET profile");
    let bad: Vec<_> = all.iter().filter(|(_, v, why)| *v != Verdict::Pass && !known(v, why)).collect();
    let findings: Vec<_> = common::findings(run).into_iter().filter(|f| !f.starts_with("N/A")).collect();
    assert!(bad.is_empty(), "{bad:#?}\n{findings:#?}");
    assert!(all.len() >= 10, "{all:?}");
}

/// The reference's SSF transmitter sends a verification event of its own right
/// after a push stream is created: it is answered before the steps, which then
/// get the SETs they asked for.
#[test]
fn a_push_transmitter_driven_only_through_its_ssf_api_passes() {
    let run = ssf_profile_passes("push-transmitter");
    // Every exchange with the management API is in the transcript, the receiver's token blanked.
    let shape = run.scenarios.iter().find(|s| s.id == "push.transmitter.request.shape").unwrap();
    let trigger: Vec<_> = shape.transcript.iter().filter(|e| e.channel == "trigger").collect();
    let urls: Vec<String> = trigger.iter().map(|e| format!("{} {}", e.request.method, e.request.url)).collect();
    let has = |method: &str, part: &str| urls.iter().any(|u| u.starts_with(method) && u.contains(part));
    assert!(has("POST ", "/ssf/token"), "{urls:?}");
    assert!(has("GET ", "/.well-known/ssf-configuration/ssf"), "{urls:?}");
    assert!(has("POST ", "/ssf/streams") && has("POST ", "/ssf/verify"), "{urls:?}");
    assert!(has("DELETE ", "/ssf/streams?stream_id="), "{urls:?}");
    let text = serde_json::to_string(&shape.transcript).unwrap();
    let [(_, secret, _), _] = setconform_reference::SSF_RECEIVERS;
    assert!(!text.contains(secret), "the client secret never reaches the transcript");
}

#[test]
fn a_poll_transmitter_driven_only_through_its_ssf_api_passes() {
    ssf_profile_passes("poll-transmitter");
}

/// A transmitter that sends a verification event of its own just after it has
/// answered the stream creation: that event is answered before the steps
/// begin, which then get the SETs they asked for (without it, the retransmit
/// and retry scenarios took the asked-for SET for a resend).
#[test]
fn a_transmitters_own_verification_event_after_creation_does_not_confuse_the_steps() {
    let fake = relay::start();
    let dir = common::scratch("ssf-ca");
    let (cert, key) = setconform::harness::pki::HarnessPki::generate_kept_ca().unwrap();
    std::fs::write(dir.join("ca.pem"), &cert).unwrap();
    std::fs::write(dir.join("ca-key.pem"), key).unwrap();
    // The relay's SETs are the reference's: its issuer, its keys (served over the reference's TLS).
    let reference_ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let harness = format!(
        "harness: {{ ca_file: '{}', ca_key_file: '{}' }}\nsets: {{ issuer: 'https://reference.setconform.invalid/' }}\n\
         tls: {{ ca_file: '{}' }}\n",
        dir.join("ca.pem").display(),
        dir.join("ca-key.pem").display(),
        reference_ca.display()
    );
    fake.trust(cert);
    let mut req = common::request(Some(ssf_sut(&fake.issuer(), "push-transmitter", &harness)), None, Some(3));
    req.profiles = vec!["push-transmitter".into()];
    let (run, _) = common::execute(req);
    assert_passes(&run, "push-transmitter");
}

/// Runs `push.transmitter.request.shape` against a transmitter whose metadata
/// URL answers `answer`; its verdict and reason, and how long it took.
fn against_metadata(answer: ResponseTemplate) -> (Verdict, String, Duration) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET")).and(path("/.well-known/ssf-configuration/ssf")).respond_with(answer).mount(&server),
    );
    let sut = ssf_sut(&format!("{}/ssf", server.uri()), "push-transmitter", "");
    let began = Instant::now();
    let run = common::run_exact(sut, "push.transmitter.request.shape");
    let s = &run.scenarios[0];
    (s.verdict, s.reason.clone().unwrap_or_default(), began.elapsed())
}

#[test]
fn a_transmitter_whose_metadata_cannot_be_used_gets_error_with_the_reason() {
    let (verdict, reason, took) = against_metadata(ResponseTemplate::new(200).set_body_string("<html>hi</html>"));
    assert_eq!(verdict, Verdict::Error, "{reason}");
    assert!(reason.contains("not a JSON object") && reason.contains("<html>"), "{reason}");
    assert!(took < Duration::from_secs(8), "{took:?}");

    let huge = ResponseTemplate::new(200).set_body_bytes(vec![b' '; 50 * 1024 * 1024]);
    let (verdict, reason, took) = against_metadata(huge);
    assert_eq!(verdict, Verdict::Error, "{reason}");
    assert!(reason.contains("larger than"), "{reason}");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn a_transmitter_whose_metadata_redirects_to_itself_gets_error_and_no_hang() {
    let to_itself = ResponseTemplate::new(302).insert_header("location", "/.well-known/ssf-configuration/ssf");
    let (verdict, reason, took) = against_metadata(to_itself);
    assert_eq!(verdict, Verdict::Error, "{reason}");
    assert!(reason.contains("redirected (HTTP 302"), "{reason}");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn a_transmitter_naming_cleartext_management_endpoints_gets_no_token_there() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let issuer = format!("{}/ssf", server.uri());
    // Another origin, in the clear: the receiver's token must not go there (SSF §7.1).
    let metadata = serde_json::json!({
        "issuer": issuer,
        "configuration_endpoint": "http://127.0.0.2:9/ssf/streams",
        "verification_endpoint": "http://127.0.0.2:9/ssf/verify",
    });
    let answer = ResponseTemplate::new(200).set_body_json(metadata);
    rt.block_on(Mock::given(method("GET")).respond_with(answer).mount(&server));
    let run = common::run_exact(ssf_sut(&issuer, "push-transmitter", ""), "push.transmitter.request.shape");
    let s = &run.scenarios[0];
    let reason = s.reason.clone().unwrap_or_default();
    assert_eq!(s.verdict, Verdict::Error, "{reason}");
    assert!(reason.contains("configuration_endpoint") && reason.contains("does not use TLS"), "{reason}");
    let sent_to_it = s.transcript.iter().any(|e| e.request.url.contains("127.0.0.2"));
    assert!(!sent_to_it, "nothing is sent to a cleartext management endpoint");
}

#[test]
fn an_unreachable_token_endpoint_gets_error_with_the_reason() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let dir = common::scratch("ssf-token");
    std::fs::write(dir.join("secret"), "secret-a").unwrap();
    let text = format!(
        "name: x\nprofiles: [push-transmitter]\ntrigger:\n  ssf:\n    issuer: 'http://{closed}/ssf'\n    \
         auth: {{ client_credentials: {{ token_endpoint: 'http://{closed}/token', client_id: a, \
         client_secret: {{ file: secret }} }} }}\ntimeouts: {{ connect_ms: 500, scenario_ms: 8000 }}\n"
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    let run = common::run_exact(dir.join("sut.yaml"), "push.transmitter.request.shape");
    let s = &run.scenarios[0];
    let reason = s.reason.clone().unwrap_or_default();
    assert_eq!(s.verdict, Verdict::Error, "{reason}");
    assert!(reason.contains("receiver token: the token endpoint could not be reached"), "{reason}");
    assert!(s.transcript.iter().any(|e| e.channel == "trigger" && e.request.url.ends_with("/token")));
}

/// `trigger.ssf` problems are named by file and field.
#[test]
fn sut_yaml_ssf_problems_name_the_field() {
    let problems = |issuer: &str, auth: &str| -> String {
        let dir = common::scratch("ssf-config");
        let text = format!(
            "name: x\nprofiles: [push-transmitter]\ntrigger:\n  ssf:\n    issuer: '{issuer}'\n    auth: {auth}\n"
        );
        let path = dir.join("sut.yaml");
        std::fs::write(&path, text).unwrap();
        match setconform::sut::SutSetup::load(&path) {
            Ok(_) => String::new(),
            Err(errors) => errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
        }
    };
    let bearer = "{ bearer_token: { env: SETCONFORM_TEST_SSF_TOKEN_UNSET } }";
    let text = problems("http://tr.example/ssf", bearer);
    assert!(text.contains("sut.yaml") && text.contains("/trigger/ssf/issuer") && text.contains("https"), "{text}");
    assert!(text.contains("/trigger/ssf/auth/bearer_token/env"), "{text}");
    let jwt =
        "{ client_credentials: { token_endpoint: 'https://tr.example/token', client_id: a, method: private_key_jwt } }";
    let text = problems("https://tr.example/ssf", jwt);
    assert!(text.contains("/trigger/ssf/auth/client_credentials/private_key_file"), "{text}");
    let post = "{ client_credentials: { token_endpoint: 'http://tr.example/token', client_id: a, method: client_secret_post } }";
    let text = problems("https://tr.example/ssf", post);
    assert!(text.contains("/trigger/ssf/auth/client_credentials/token_endpoint"), "{text}");
    assert!(text.contains("/trigger/ssf/auth/client_credentials/client_secret"), "{text}");

    let dir = common::scratch("ssf-ok");
    std::fs::write(dir.join("secret"), "secret-a\n").unwrap();
    let text = "name: x\nprofiles: [push-transmitter]\ntrigger:\n  ssf:\n    issuer: 'https://tr.example/ssf'\n    \
                auth: { client_credentials: { token_endpoint: 'https://tr.example/token', client_id: receiver-a, \
                client_secret: { file: secret }, method: client_secret_post, scopes: [ssf] } }\n    \
                other_receiver: { bearer_token: { file: secret } }\n";
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    let sut = setconform::sut::SutSetup::load(&dir.join("sut.yaml")).unwrap();
    let ssf = sut.ssf.as_ref().expect("the SSF transmitter");
    assert_eq!(ssf.issuer, "https://tr.example/ssf");
    assert!(ssf.other_receiver.is_some());
    assert!(matches!(sut.trigger, Some(setconform::trigger::TriggerConfig::Ssf(_))));
    assert_eq!(sut.initiate, setconform::trigger::Initiate::Unsupported, "SSF has no send-now switch");

    // Beside another adapter, `ssf` only describes the transmitter (for ssf-transmitter).
    let beside = text.replace("trigger:\n", "trigger:\n  exec: { command: [./bridge] }\n");
    std::fs::write(dir.join("sut.yaml"), beside).unwrap();
    let sut = setconform::sut::SutSetup::load(&dir.join("sut.yaml")).unwrap();
    assert!(sut.ssf.is_some() && matches!(sut.trigger, Some(setconform::trigger::TriggerConfig::Exec { .. })));
    assert_eq!(sut.initiate, setconform::trigger::Initiate::Supported);
}

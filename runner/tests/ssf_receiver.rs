//! The `ssf-receiver` profile against receivers other than the reference:
//! fake SSF receivers, each reached only through the control API's
//! registration (`binding: ssf`), that configure themselves at the harness's
//! transmitter. One keeps the rules another legal way (a token by
//! `client_secret_post`, no `authorization_header`-less create, never asking
//! for verification); one breaks them (it takes metadata naming another
//! issuer, and asks for delivery with the pre-1.0 method URI).

mod common;

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde_json::{Value, json};
use setconform_reports::{Run, Verdict};

/// How a fake receiver configures itself.
#[derive(Clone, Copy)]
struct Behaviour {
    /// Stops when the metadata names another issuer (SSF §7.2.4).
    checks_issuer: bool,
    /// The delivery method URI it asks for.
    method: &'static str,
}

const LEGAL: Behaviour = Behaviour { checks_issuer: true, method: "urn:ietf:rfc:8935" };
const BROKEN: Behaviour =
    Behaviour { checks_issuer: false, method: "https://schemas.openid.net/secevent/risc/delivery-method/push" };

/// The receiver's side of a registration: discover, get a token, create a push stream.
async fn configure(behaviour: Behaviour, registration: Value) {
    let ssf = &registration["ssf"];
    let ca = registration["endpoint_ca"].as_str().unwrap_or_default();
    let Ok(ca) = reqwest::Certificate::from_pem(ca.as_bytes()) else { return };
    let Ok(http) = reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build() else { return };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let Ok(answer) = http.get(text(&ssf["configuration_url"])).send().await else { return };
    let Ok(metadata) = answer.json::<Value>().await else { return };
    if behaviour.checks_issuer && metadata["issuer"] != ssf["issuer"] {
        return;
    }
    // RFC 6749 §2.3.1: the credentials in the body, the other way a client may send them.
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        text(&ssf["client_id"]),
        text(&ssf["client_secret"])
    );
    let token = http
        .post(text(&ssf["token_endpoint"]))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await;
    let Ok(token) = token else { return };
    let Ok(token) = token.json::<Value>().await else { return };
    let stream = json!({ "delivery": {
        "method": behaviour.method,
        "endpoint_url": "https://127.0.0.1:9/ssf-events",
        "authorization_header": "Bearer fake-receiver-secret",
    }});
    let _ = http
        .post(text(&metadata["configuration_endpoint"]))
        .bearer_auth(text(&token["access_token"]))
        .json(&stream)
        .send()
        .await;
}

async fn control(State(behaviour): State<Behaviour>, method: Method, body: axum::body::Bytes) -> Json<Value> {
    if method == Method::POST
        && let Ok(registration) = serde_json::from_slice::<Value>(&body)
        && registration.get("ssf").is_some()
    {
        tokio::spawn(configure(behaviour, registration));
        return Json(json!({ "peer": "fake" }));
    }
    Json(json!({}))
}

fn run_against(behaviour: Behaviour) -> Run {
    let port = common::serve_router_on_own_runtime(axum::Router::new().fallback(control).with_state(behaviour));
    let dir = common::scratch("ssf-receiver");
    let text = format!(
        "name: fake ssf receiver\nprofiles: [ssf-receiver]\ntrigger:\n  http:\n    url: 'http://127.0.0.1:{port}/control'\n\
         timeouts: {{ observation_ms: 1500, scenario_ms: 8000 }}\n"
    );
    std::fs::write(dir.join("sut.yaml"), text).unwrap();
    let mut req = common::request(Some(dir.join("sut.yaml")), None, Some(1));
    req.profiles = vec!["ssf-receiver".into()];
    let ids = ["discovery.get", "discovery.issuer-mismatch", "stream.create.push", "verification.push"];
    req.only = Some(ids.iter().map(|s| format!("ssf.receiver.{s}")).collect());
    common::execute(req).0
}

fn outcome(run: &Run, id: &str) -> (Verdict, Vec<(String, Verdict)>) {
    let s = run.scenarios.iter().find(|s| s.id == format!("ssf.receiver.{id}")).unwrap();
    (s.verdict, s.expectations.iter().map(|e| (e.requirement.clone(), e.verdict)).collect())
}

#[test]
fn a_receiver_that_configures_itself_another_legal_way_passes_and_its_silence_is_not_judged() {
    let run = run_against(LEGAL);
    for id in ["discovery.get", "discovery.issuer-mismatch", "stream.create.push"] {
        assert_eq!(outcome(&run, id).0, Verdict::Pass, "{id}: {:#?}", common::findings(&run));
    }
    // It never asks for verification, which SSF leaves to it: nothing is judged, nothing fails.
    let (verdict, _) = outcome(&run, "verification.push");
    assert_eq!(verdict, Verdict::Info, "{:#?}", common::findings(&run));
    // Its calls are in the transcript, the client secret of its form and its token blanked.
    let record = serde_json::to_string(&run).unwrap();
    assert!(record.contains("client_secret=[redacted]"), "the token request is recorded");
    assert!(!record.contains("\"access_token\":\"harness-"), "the issued token is blanked");
    assert!(!record.contains("Bearer fake-receiver-secret"), "the stream's authorization_header is blanked");
}

#[test]
fn a_receiver_that_takes_a_foreign_issuer_and_a_legacy_method_fails_those_rules() {
    let run = run_against(BROKEN);
    let (verdict, results) = outcome(&run, "discovery.issuer-mismatch");
    assert_eq!(verdict, Verdict::Fail);
    assert!(results.contains(&("SSF-DISC-005".into(), Verdict::Fail)), "{results:?}");
    let (verdict, results) = outcome(&run, "stream.create.push");
    assert_eq!(verdict, Verdict::Fail);
    assert!(results.contains(&("SSF-DLV-001".into(), Verdict::Fail)), "{results:?}");
    assert!(results.contains(&("SSF-DLV-002".into(), Verdict::Pass)), "{results:?}");
}

fn repo(path: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path).display().to_string()
}

/// `examples/ssf-receiver.yaml` as it is, but for its port: the reference
/// configured by hand with the harness's issuer alone (no control API) makes
/// its stream at the run's transmitter, and the scenarios that need nothing
/// of their own are judged against it.
#[test]
fn a_receiver_configured_by_hand_with_only_an_issuer_and_a_client_is_tested() {
    let dir = common::scratch("ssf-receiver-by-hand");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let text = std::fs::read_to_string(repo("examples/ssf-receiver.yaml")).unwrap();
    let text = text
        .replace("127.0.0.1:9443", &format!("127.0.0.1:{port}"))
        .replace("../reference/keys/tls/ca.pem", &repo("reference/keys/tls/ca.pem"));
    std::fs::write(dir.join("sut.yaml"), format!("{text}timeouts: {{ observation_ms: 2000 }}\n")).unwrap();
    let (cert, key) = setconform::harness::pki::HarnessPki::generate_kept_ca().unwrap();
    std::fs::write(dir.join("harness-ca.pem"), &cert).unwrap();
    std::fs::write(dir.join("harness-ca-key.pem"), key).unwrap();
    let issuer = format!("https://127.0.0.1:{port}/setconform/ssf");
    let config = setconform_reference::ReferenceConfig {
        ssf_endpoint_ca: Some(cert),
        ssf_transmitter: Some(json!({
            "configuration_url": format!("https://127.0.0.1:{port}/.well-known/ssf-configuration/setconform/ssf"),
            "issuer": issuer,
            "token_endpoint": format!("{issuer}/token"),
            "client_id": "setconform-receiver",
            "client_secret": setconform::sut::setup::DEFAULT_SSF_CLIENT_SECRET,
            "delivery": "push",
        })),
        ..Default::default()
    };
    common::standalone_reference_configured(config);
    let mut req = common::request(Some(dir.join("sut.yaml")), None, Some(1));
    req.profiles = vec!["ssf-receiver".into()];
    let (run, code) = common::execute(req);
    let count = |v: Verdict| run.scenarios.iter().filter(|s| s.verdict == v).count();
    assert_eq!(code, 0, "{:#?}", common::findings(&run));
    assert!(count(Verdict::Pass) >= 20, "{:#?}", common::findings(&run));
    assert_eq!(count(Verdict::Fail) + count(Verdict::Error) + count(Verdict::Timeout), 0);
    // A transmitter naming another issuer cannot be the one it was configured with.
    let foreign = run.scenarios.iter().find(|s| s.id == "ssf.receiver.discovery.issuer-mismatch").unwrap();
    assert_eq!(foreign.verdict, Verdict::NotApplicable);
    // Its stream pushes: the poll scenarios are INFO, not judged.
    let poll = run.scenarios.iter().find(|s| s.id == "ssf.receiver.poll.set-errs").unwrap();
    assert_eq!(poll.verdict, Verdict::Info, "{:?}", poll.reason);
}

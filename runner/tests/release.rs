//! `release`: after every scenario that registered a peer, the harness tells
//! the SUT the scenario is over (http: `DELETE {url}/peers/{peer}`). The
//! reference forgets the peer; a SUT that does not know the call (404) keeps
//! its verdicts.

mod common;

use setconform_reports::{Run, Verdict};
use std::path::{Path, PathBuf};

fn sut_yaml(port: u16, control: &str) -> PathBuf {
    let path = common::scratch("release").join("sut.yaml");
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let text = format!(
        "name: released reference\nprofiles: [push-receiver]\n\
         push: {{ endpoint: 'https://127.0.0.1:{port}/push' }}\ntls: {{ ca_file: '{}' }}\n\
         trigger: {{ http: {{ url: '{control}' }} }}\n",
        ca.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn reference_client() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(setconform_reference::Reference::ca_pem()).unwrap();
    reqwest::Client::builder().tls_certs_merge([ca]).build().unwrap()
}

/// The scenario's release request and its answer's status.
fn release_of(run: &Run) -> (String, u16) {
    let entry = run.scenarios[0].transcript.iter().rfind(|e| e.channel == "trigger").expect("a trigger exchange");
    assert_eq!(entry.request.method, "DELETE", "the last trigger exchange is the release");
    (entry.request.url.clone(), entry.response.as_ref().map_or(0, |r| r.status))
}

#[test]
fn the_reference_forgets_a_released_peer() {
    let port = common::standalone_reference();
    let run =
        common::run_exact(sut_yaml(port, &format!("https://127.0.0.1:{port}/control")), "push.receiver.accept.valid");
    assert_eq!(run.scenarios[0].verdict, Verdict::Pass, "{:?}", common::findings(&run));
    let (url, status) = release_of(&run);
    assert_eq!(status, 204);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let after = rt.block_on(async { reference_client().get(&url).send().await.unwrap().status() });
    assert_eq!(after.as_u16(), 404, "GET {url} after the release");
}

#[test]
fn a_sut_that_answers_404_to_release_keeps_its_verdict() {
    let port = common::standalone_reference();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let control = rt.block_on(async {
        use wiremock::matchers::{method, path};
        // Registered by hand at the reference; the fake control API hands the answer out.
        let body = serde_json::json!({
            "harness_issuer": setconform::sut::DEFAULT_HARNESS_ISSUER,
            "harness_audience": setconform::sut::DEFAULT_HARNESS_AUDIENCE,
            "jwks": setconform::set::HarnessKeys::get().jwks(),
        });
        let url = format!("https://127.0.0.1:{port}/control/peers");
        let answer: serde_json::Value =
            reference_client().post(url).json(&body).send().await.unwrap().json().await.unwrap();
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(method("POST"))
            .and(path("/control/peers"))
            .respond_with(wiremock::ResponseTemplate::new(201).set_body_json(answer))
            .mount(&server)
            .await;
        wiremock::Mock::given(method("DELETE")).respond_with(wiremock::ResponseTemplate::new(404)).mount(&server).await;
        server
    });
    let run = common::run_exact(sut_yaml(port, &format!("{}/control", control.uri())), "push.receiver.accept.valid");
    assert_eq!(run.scenarios[0].verdict, Verdict::Pass, "{:?}", common::findings(&run));
    assert_eq!(release_of(&run).1, 404);
    drop(rt);
}

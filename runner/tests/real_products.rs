//! Legal behaviours of real products, each run through its whole profile: the
//! verdicts must not depend on the reference's own way of keeping the rules.
//! The reference stands in for such a product through a variant
//! (`setconform_reference::Variant`), and its run must be as clean as the
//! default reference's: no TIMEOUT, no ERROR, nothing beyond INFO.
//!
//! - A transmitter that delivers inside the very control call that queued the
//!   SETs, and answers that call only once the harness has answered it: the
//!   harness's endpoint serves while the call is under way.
//! - A transmitter that declines, at registration, an endpoint served in the
//!   clear: the TLS scenarios count the refusal as the rule kept.

mod common;

use setconform_reference::Variant;
use setconform_reports::{Run, Verdict};
use std::path::{Path, PathBuf};

/// A sut.yaml for a reference on `port` that claims `profiles`.
fn sut_yaml(port: u16, profiles: &str) -> PathBuf {
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let base = format!("https://127.0.0.1:{port}");
    let text = format!(
        "name: reference variant\nprofiles: [{profiles}]\n\
         capabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
         pushpull: {{ endpoint: '{base}/pushpull' }}\npush: {{ endpoint: '{base}/push' }}\n\
         multi_set_push: {{ endpoint: '{base}/msp' }}\npoll: {{ endpoint: '{base}/poll' }}\n\
         trigger: {{ http: {{ url: '{base}/control' }} }}\ntls: {{ ca_file: '{}' }}\n",
        ca.display()
    );
    let path = common::scratch("variant").join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_profiles(variant: Variant, profiles: &str) -> Run {
    let port = common::standalone_reference_as(variant);
    common::execute(common::request(Some(sut_yaml(port, profiles)), None, Some(3))).0
}

/// Scenarios that stopped (TIMEOUT, ERROR), and findings beyond INFO.
fn not_clean(run: &Run) -> Vec<String> {
    let stopped = run
        .scenarios
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::Timeout | Verdict::Error))
        .map(|s| format!("{} {}: {}", s.verdict, s.id, s.reason.as_deref().unwrap_or_default()));
    let unclaimed = |f: &String| f.starts_with("N/A") && f.contains("is not claimed by the SUT");
    stopped.chain(common::beyond_info(run).into_iter().filter(|f| !unclaimed(f))).collect()
}

#[test]
fn a_transmitter_that_delivers_inside_its_trigger_call_runs_its_profiles_clean() {
    let profiles = "push-transmitter, multi-set-push-transmitter, pushpull-http-initiator, pushpull-ws-initiator";
    let run = run_profiles(Variant::DeliverInsideTrigger, profiles);
    let judged = run.scenarios.iter().filter(|s| s.verdict != Verdict::NotApplicable).count();
    assert!(judged > 50, "the four profiles ran: {judged} scenarios judged");
    assert_eq!(not_clean(&run), Vec::<String>::new());
    // The deliveries did come inside the calls: some trigger call lasted past the
    // harness's answer to a request that arrived while it was under way.
    let inside = run.scenarios.iter().any(|s| {
        s.transcript.iter().filter(|e| e.channel == "trigger" && e.request.url.ends_with("/queue")).any(|t| {
            s.transcript.iter().any(|h| {
                h.channel == "harness" && h.at_ms >= t.at_ms && h.at_ms + h.duration_ms <= t.at_ms + t.duration_ms
            })
        })
    });
    assert!(inside, "no delivery was answered while its queue call was under way");
}

#[test]
fn a_transmitter_that_refuses_a_cleartext_endpoint_at_registration_runs_its_profiles_clean() {
    let profiles = "push-transmitter, multi-set-push-transmitter, pushpull-http-initiator, poll-receiver";
    let run = run_profiles(Variant::RefuseCleartext, profiles);
    assert_eq!(not_clean(&run), Vec::<String>::new());
    let refused: Vec<&str> = run
        .scenarios
        .iter()
        .filter(|s| s.transcript.iter().any(|e| e.response.as_ref().is_some_and(|r| r.status == 422)))
        .map(|s| s.id.as_str())
        .collect();
    assert!(refused.len() >= 2, "the cleartext scenarios were refused at registration: {refused:?}");
    assert!(refused.iter().all(|id| id.contains("cleartext") || id.contains("tls")), "{refused:?}");
}

/// A transmitter that, inside its registration call, sends a SET to the
/// endpoint it is given (as an SSF transmitter verifies a new stream) and
/// rolls the registration back with a 502 unless the harness answers it.
fn verifying_transmitter() -> u16 {
    common::serve_on_own_runtime(|mut tcp| async move {
        let Some(request) = common::read_control(&mut tcp).await else { return };
        let answered = match request.registers() {
            true => verify(&request.body).await,
            false => true,
        };
        if answered {
            common::answer_control(&mut tcp, &request).await;
        } else {
            use tokio::io::AsyncWriteExt;
            let _ = tcp.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
        }
    })
}

/// Posts a SET to the registration's endpoint; whether it was answered with 2xx.
async fn verify(registration: &serde_json::Value) -> bool {
    let ca = registration["endpoint_ca"].as_str().unwrap_or_default();
    let Ok(ca) = reqwest::Certificate::from_pem(ca.as_bytes()) else { return false };
    let Ok(client) = reqwest::Client::builder().add_root_certificate(ca).no_proxy().build() else { return false };
    let answer = client
        .post(registration["endpoint"].as_str().unwrap_or_default())
        .bearer_auth(registration["endpoint_token"].as_str().unwrap_or_default())
        .header("content-type", "application/secevent+jwt")
        .body("eyJhbGciOiJub25lIn0.eyJ2ZXJpZmljYXRpb24iOnRydWV9.")
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await;
    answer.is_ok_and(|a| a.status().is_success())
}

#[test]
fn a_set_sent_inside_the_registration_call_is_answered_and_recorded() {
    let port = verifying_transmitter();
    let path = common::scratch("verifying").join("sut.yaml");
    let yaml = format!(
        "name: verifying transmitter\nprofiles: [push-transmitter]\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ request_ms: 5000, scenario_ms: 6000, observation_ms: 1000, retry_window_ms: 1000 }}\n"
    );
    std::fs::write(&path, yaml).unwrap();
    let run = common::run_exact(path, "push.transmitter.request.shape");
    let scenario = &run.scenarios[0];
    assert_ne!(scenario.verdict, Verdict::Error, "{:?}", scenario.reason);
    let register = scenario.transcript.iter().find(|e| e.channel == "trigger").expect("the registration call");
    assert_eq!(register.response.as_ref().map(|r| r.status), Some(201), "the SUT saw its SET answered");
    let meanwhile =
        scenario.transcript.iter().find(|e| e.channel == "harness").expect("the SET sent while registering");
    assert_eq!((meanwhile.step, meanwhile.response.as_ref().map(|r| r.status)), (0, Some(202)));
}

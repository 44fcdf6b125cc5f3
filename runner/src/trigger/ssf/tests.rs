//! The `ssf` adapter against a transmitter's management API (wiremock, in the
//! clear on loopback): what each action sends and what it answers.

use super::{Limits, SsfFailure, act};
use crate::ssf::{ClientAuth, ClientCredentials, Receiver, SsfAuth, SsfSut};
use crate::trigger::TriggerAction;
use crate::wire::{Wire, WireLimits};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIMITS: Limits = Limits { call: Duration::from_secs(5), request: Duration::from_secs(2) };

fn wire() -> Wire {
    Wire::new(WireLimits::default(), None, None).unwrap()
}

fn sut(server: &MockServer) -> SsfSut {
    let receiver = Receiver::new(SsfAuth::Bearer("rt".into()));
    SsfSut { issuer: format!("{}/ssf", server.uri()), receiver, other_receiver: None }
}

/// A transmitter with metadata and a stream endpoint answering `stream`.
async fn transmitter(stream: Value) -> MockServer {
    transmitter_with(|_| stream).await
}

/// The same, the stream made from the transmitter's base URL.
async fn transmitter_with(stream: impl FnOnce(&str) -> Value) -> MockServer {
    let server = MockServer::start().await;
    let stream = stream(&server.uri());
    let base = format!("{}/ssf", server.uri());
    let metadata = json!({
        "issuer": base,
        "jwks_uri": format!("{base}/jwks.json"),
        "configuration_endpoint": format!("{base}/streams"),
        "verification_endpoint": format!("{base}/verify"),
    });
    Mock::given(method("GET"))
        .and(path("/.well-known/ssf-configuration/ssf"))
        .and(header("authorization", "Bearer rt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ssf/streams"))
        .respond_with(ResponseTemplate::new(201).set_body_json(stream))
        .mount(&server)
        .await;
    server
}

fn register(binding: &str) -> TriggerAction {
    TriggerAction::Register {
        body: json!({"binding": binding, "endpoint": "https://127.0.0.1:1/push", "endpoint_token": "et"}),
    }
}

async fn answer(sut: &SsfSut, action: &TriggerAction) -> Result<Value, SsfFailure> {
    let call = act(sut, &wire(), action, LIMITS).await;
    call.result.map(|bytes| serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_push_stream_names_the_harness_endpoint_and_its_token() {
    let server = transmitter(json!({"stream_id": "s1", "aud": "https://tr/aud", "min_verification_interval": 1})).await;
    let sut = sut(&server);
    let got = answer(&sut, &register("push")).await.unwrap();
    assert_eq!(got["peer"], "s1");
    assert_eq!(got["sut_issuer"], format!("{}/ssf", server.uri()));
    assert_eq!(got["jwks_uri"], format!("{}/ssf/jwks.json", server.uri()));
    assert_eq!((got["token"].as_str(), got["sets_audience"].as_str()), (Some("rt"), Some("https://tr/aud")));
    assert!(got.get("poll_endpoint").is_none());
    let created = server.received_requests().await.unwrap().into_iter().find(|r| r.url.path() == "/ssf/streams");
    let body: Value = serde_json::from_slice(&created.unwrap().body).unwrap();
    let delivery = json!({"method": crate::ssf::PUSH_METHOD, "endpoint_url": "https://127.0.0.1:1/push",
                          "authorization_header": "Bearer et"});
    assert_eq!(body, json!({"delivery": delivery, "events_requested": [crate::ssf::VERIFICATION_EVENT]}));
}

#[tokio::test]
async fn a_poll_stream_answers_its_poll_url_which_must_not_take_the_token_elsewhere_in_the_clear() {
    let poll =
        |url: &str| json!({"stream_id": "s2", "delivery": {"method": crate::ssf::POLL_METHOD, "endpoint_url": url}});
    let server = transmitter_with(|base| poll(&format!("{base}/ssf/poll/s2"))).await;
    let got = answer(&sut(&server), &register("poll")).await.unwrap();
    assert_eq!(got["poll_endpoint"].as_str(), Some(format!("{}/ssf/poll/s2", server.uri()).as_str()));
    let elsewhere = transmitter(poll("http://127.0.0.2:9/poll/s2")).await;
    let refused = answer(&sut(&elsewhere), &register("poll")).await.unwrap_err();
    assert!(matches!(refused, SsfFailure::Failed(ref why) if why.contains("does not use TLS")), "{refused:?}");
}

#[tokio::test]
async fn queue_sends_spaced_verification_requests_and_waits_out_one_429() {
    let server = transmitter(json!({"stream_id": "s3", "min_verification_interval": 1})).await;
    let sut = sut(&server);
    answer(&sut, &register("push")).await.unwrap();
    Mock::given(method("POST"))
        .and(path("/ssf/verify"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ssf/verify"))
        .and(body_partial_json(json!({"stream_id": "s3"})))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let began = Instant::now();
    answer(&sut, &TriggerAction::Queue { peer: "s3".into(), count: 2 }).await.unwrap();
    assert!(began.elapsed() >= Duration::from_secs(2), "a 429 waited out, then 1 s between requests");
    let verifications: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/ssf/verify")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(verifications.len(), 3);
    assert_ne!(verifications[1]["state"], verifications[2]["state"], "a fresh state each");
}

#[tokio::test]
async fn a_verification_refused_twice_fails_and_release_deletes_the_stream() {
    let server = transmitter(json!({"stream_id": "s4"})).await;
    let sut = sut(&server);
    answer(&sut, &register("push")).await.unwrap();
    Mock::given(method("POST")).and(path("/ssf/verify")).respond_with(ResponseTemplate::new(429)).mount(&server).await;
    let failed = answer(&sut, &TriggerAction::Queue { peer: "s4".into(), count: 1 }).await.unwrap_err();
    assert!(matches!(failed, SsfFailure::Failed(ref why) if why.contains("HTTP 429")), "{failed:?}");
    Mock::given(method("DELETE"))
        .and(path("/ssf/streams"))
        .and(query_param("stream_id", "s4"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    assert!(answer(&sut, &TriggerAction::Release { peer: "s4".into() }).await.is_ok());
}

#[tokio::test]
async fn a_declined_stream_is_a_refusal_and_unsupported_actions_are_named() {
    let server = transmitter(json!({"stream_id": "s5"})).await;
    let declining = MockServer::start().await;
    let base = format!("{}/ssf", declining.uri());
    let metadata = json!({"issuer": base, "configuration_endpoint": format!("{base}/streams")});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(metadata)).mount(&declining).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(409)).mount(&declining).await;
    let refused = answer(&sut(&declining), &register("push")).await.unwrap_err();
    assert!(matches!(refused, SsfFailure::Refused(ref why) if why.contains("409")), "{refused:?}");
    let other = answer(&sut(&server), &register("http")).await.unwrap_err();
    assert!(matches!(other, SsfFailure::Failed(ref why) if why.contains("push (RFC 8935) or poll")), "{other:?}");
    let initiate = answer(&sut(&server), &TriggerAction::Initiate { peer: "s".into() }).await.unwrap_err();
    assert!(matches!(initiate, SsfFailure::Failed(ref why) if why.contains("initiate")), "{initiate:?}");
}

#[tokio::test]
async fn a_token_the_transmitter_refuses_is_renewed_once() {
    let server = MockServer::start().await;
    let base = format!("{}/ssf", server.uri());
    let issued = |t: &str| ResponseTemplate::new(200).set_body_json(json!({"access_token": t, "expires_in": 300}));
    Mock::given(path("/token")).respond_with(issued("old")).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/token")).respond_with(issued("new")).mount(&server).await;
    let metadata = json!({"issuer": base});
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata))
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let receiver = Receiver::new(SsfAuth::ClientCredentials(ClientCredentials {
        token_endpoint: format!("{}/token", server.uri()),
        client_id: "receiver-a".into(),
        auth: ClientAuth::SecretPost("secret-a".into()),
        scopes: Vec::new(),
    }));
    let sut = SsfSut { issuer: base, receiver, other_receiver: None };
    let call = act(&sut, &wire(), &register("push"), LIMITS).await;
    let failure = call.result.unwrap_err();
    // Renewed, the metadata was read; it names no configuration endpoint.
    assert!(matches!(failure, SsfFailure::Failed(ref why) if why.contains("configuration_endpoint")), "{failure:?}");
    let kinds: Vec<String> = call.legs.iter().map(|l| format!("{} {}", l.hop.req.method, l.hop.req.url)).collect();
    assert_eq!(kinds.len(), 4, "token, metadata (401), token, metadata: {kinds:?}");
}

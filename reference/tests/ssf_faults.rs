//! A handful of the reference's SSF faults, each seen to change the one
//! behaviour it names (the suite's run of the whole catalogue proves the rest).

mod ssf_common;

use reqwest::StatusCode;
use serde_json::{Value, json};
use setconform_reference::Fault;
use ssf_common::*;
use std::time::Duration;

fn receiver_a(reference: &setconform_reference::Reference) -> Api<'_> {
    Api { reference, token: Some(static_token(0)) }
}

fn push_to(endpoint: &str) -> Value {
    json!({ "delivery": { "method": "urn:ietf:rfc:8935", "endpoint_url": endpoint, "authorization_header": "Bearer abc" } })
}

#[tokio::test]
async fn metadata_appended_path_moves_the_metadata() {
    let reference = start(Some(Fault::SsfMetadataAppendedPath)).await;
    assert_eq!(answer(client().get(reference.ssf_metadata_url())).await.status, StatusCode::NOT_FOUND);
    let appended = answer(client().get(format!("{}/.well-known/ssf-configuration", reference.ssf_issuer()))).await;
    assert_eq!(appended.status, StatusCode::OK);
    assert_eq!(appended.body["issuer"], reference.ssf_issuer());
}

#[tokio::test]
async fn create_200_and_unknown_stream_400_change_the_status_codes() {
    let reference = start(Some(Fault::SsfCreate200)).await;
    assert_eq!(receiver_a(&reference).post("/ssf/streams", json!({})).await.status, StatusCode::OK);
    let reference = start(Some(Fault::SsfUnknownStream400)).await;
    let api = receiver_a(&reference);
    assert_eq!(api.get("/ssf/streams?stream_id=nope").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.verify("nope", None).await, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn management_open_takes_no_token_as_receiver_a() {
    let reference = start(Some(Fault::SsfManagementOpen)).await;
    let created = Api { reference: &reference, token: None }.post("/ssf/streams", json!({})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(receiver_a(&reference).get("/ssf/streams").await.body.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn paused_drops_loses_what_a_paused_poll_stream_would_hold() {
    for (fault, kept) in [(None, 1), (Some(Fault::SsfPausedDrops), 0)] {
        let reference = start(fault).await;
        let api = receiver_a(&reference);
        let config = api.create(json!({})).await;
        let id = config["stream_id"].as_str().unwrap();
        assert_eq!(api.set_status(id, "paused").await.status, StatusCode::OK);
        assert_eq!(api.verify(id, None).await, StatusCode::NO_CONTENT);
        let url = config["delivery"]["endpoint_url"].as_str().unwrap();
        assert_eq!(api.poll(url, json!({ "returnImmediately": true })).await.body["sets"], json!({}));
        assert_eq!(api.set_status(id, "enabled").await.status, StatusCode::OK);
        let polled = api.poll(url, json!({ "returnImmediately": true })).await;
        assert_eq!(polled.body["sets"].as_object().map(|s| s.len()), Some(kept), "{fault:?}");
    }
}

#[tokio::test]
async fn push_without_authorization_leaves_the_header_out() {
    let reference = start(Some(Fault::SsfPushWithoutAuthorization)).await;
    let (endpoint, mut pushes) = accepting_receiver().await;
    receiver_a(&reference).create(push_to(&endpoint)).await;
    assert!(next_push(&mut pushes).await.headers.get("authorization").is_none());
}

#[tokio::test]
async fn legacy_delivery_uris_name_the_risc_methods() {
    let reference = start(Some(Fault::SsfLegacyDeliveryUris)).await;
    let config = receiver_a(&reference).create(json!({})).await;
    assert_eq!(config["delivery"]["method"], "https://schemas.openid.net/secevent/risc/delivery-method/poll");
}

#[tokio::test]
async fn silent_suspend_pauses_without_a_stream_updated_event() {
    let reference = start(Some(Fault::SsfSilentSuspend)).await;
    let api = receiver_a(&reference);
    let refusing = |_: &Value| (StatusCode::BAD_REQUEST, json!({ "err": "invalid_state" }).to_string());
    let (endpoint, mut pushes) = receiver(refusing).await;
    let id = api.create(push_to(&endpoint)).await["stream_id"].as_str().unwrap().to_owned();
    next_push(&mut pushes).await;
    no_push(&mut pushes, Duration::from_millis(700)).await;
    assert_eq!(api.get(&format!("/ssf/status?stream_id={id}")).await.body["status"], "paused");
}

#[tokio::test]
async fn verify_429_early_refuses_a_request_past_the_interval() {
    let reference = start(Some(Fault::SsfVerify429Early)).await;
    let api = receiver_a(&reference);
    let id = api.create(json!({})).await["stream_id"].as_str().unwrap().to_owned();
    assert_eq!(api.verify(&id, None).await, StatusCode::NO_CONTENT);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(api.verify(&id, None).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn shared_poll_endpoint_gives_every_poll_stream_one_url() {
    let reference = start(Some(Fault::SsfSharedPollEndpoint)).await;
    let api = receiver_a(&reference);
    let first = api.create(json!({})).await;
    let second = api.create(json!({})).await;
    assert_eq!(first["delivery"]["endpoint_url"], second["delivery"]["endpoint_url"]);
    let id = second["stream_id"].as_str().unwrap();
    assert_eq!(api.verify(id, Some("newest")).await, StatusCode::NO_CONTENT);
    let url = first["delivery"]["endpoint_url"].as_str().unwrap();
    let polled = api.poll(url, json!({ "returnImmediately": true })).await;
    let sets = polled.body["sets"].as_object().cloned().unwrap_or_default();
    let set = sets.values().next().and_then(Value::as_str).unwrap_or_default();
    assert_eq!(claims(set)["events"][VERIFICATION]["state"], "newest");
}

#[tokio::test]
async fn poll_open_serves_a_poll_without_a_token() {
    let reference = start(Some(Fault::SsfPollOpen)).await;
    let config = receiver_a(&reference).create(json!({})).await;
    let url = config["delivery"]["endpoint_url"].as_str().unwrap();
    let anonymous = Api { reference: &reference, token: None };
    assert_eq!(anonymous.poll(url, json!({ "returnImmediately": true })).await.status, StatusCode::OK);
}

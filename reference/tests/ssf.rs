//! The reference as an SSF 1.0 transmitter, over real HTTPS on loopback: its
//! metadata and token endpoint, the whole stream management API, and the
//! SETs its push and poll streams carry.

mod ssf_common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssf_common::*;
use std::time::Duration;

/// Just over `min_verification_interval`, so a verification request is never early.
const INTERVAL: Duration = Duration::from_millis(1100);

#[tokio::test]
async fn the_metadata_names_every_endpoint_at_the_inserted_well_known_url() {
    let reference = start(None).await;
    let metadata = answer(client().get(reference.ssf_metadata_url())).await;
    assert_eq!(metadata.status, StatusCode::OK);
    assert_eq!(metadata.headers["content-type"], "application/json");
    let doc = metadata.body;
    assert_eq!(doc["issuer"], reference.ssf_issuer());
    assert_eq!(doc["spec_version"], "1_0");
    assert_eq!(doc["delivery_methods_supported"], json!(["urn:ietf:rfc:8935", "urn:ietf:rfc:8936"]));
    assert_eq!(doc["authorization_schemes"], json!([{ "spec_urn": "urn:ietf:rfc:6749" }]));
    assert_eq!(doc["default_subjects"], "NONE");
    let origin = format!("https://{}", reference.addr());
    for (member, path) in [
        ("jwks_uri", "/ssf/jwks.json"),
        ("configuration_endpoint", "/ssf/streams"),
        ("status_endpoint", "/ssf/status"),
        ("add_subject_endpoint", "/ssf/subjects/add"),
        ("remove_subject_endpoint", "/ssf/subjects/remove"),
        ("verification_endpoint", "/ssf/verify"),
    ] {
        assert_eq!(doc[member], format!("{origin}{path}"), "{member}");
    }
    let jwks = answer(client().get(doc["jwks_uri"].as_str().unwrap())).await;
    assert!(!jwks.body["keys"].as_array().unwrap().is_empty());
    let appended = answer(client().get(format!("{}/.well-known/ssf-configuration", reference.ssf_issuer()))).await;
    assert_eq!(appended.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_token_endpoint_issues_tokens_by_basic_and_post_client_authentication() {
    let reference = start(None).await;
    let form = |extra: &str| format!("grant_type=client_credentials{extra}");
    let basic = answer(
        client()
            .post(reference.ssf_token_url())
            .basic_auth("receiver-a", Some("secret-a"))
            .body(form(""))
            .header("Content-Type", "application/x-www-form-urlencoded"),
    )
    .await;
    assert_eq!(basic.status, StatusCode::OK, "{}", basic.text);
    assert_eq!(basic.body["token_type"], "Bearer");
    assert_eq!(basic.body["expires_in"], 300);
    assert_eq!(basic.body["scope"], "ssf");
    let by_post = answer(
        client()
            .post(reference.ssf_token_url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form("&client_id=receiver-b&client_secret=secret-b")),
    )
    .await;
    assert_eq!(by_post.status, StatusCode::OK);
    let wrong =
        answer(client().post(reference.ssf_token_url()).basic_auth("receiver-a", Some("nope")).body(form(""))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"], "invalid_client");
    let grant = answer(
        client().post(reference.ssf_token_url()).basic_auth("receiver-a", Some("secret-a")).body("grant_type=password"),
    )
    .await;
    assert_eq!(grant.status, StatusCode::BAD_REQUEST);
    assert_eq!(grant.body["error"], "unsupported_grant_type");

    // An issued token works as the static one does; none, or an unknown one, is 401.
    let issued = Api { reference: &reference, token: Some(basic.body["access_token"].as_str().unwrap().to_owned()) };
    assert_eq!(issued.get("/ssf/streams").await.body, json!([]));
    for token in [None, Some("unknown".to_owned())] {
        let refused = Api { reference: &reference, token }.get("/ssf/streams").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert!(refused.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    }
}

#[tokio::test]
async fn a_push_stream_is_created_read_changed_and_deleted() {
    let reference = start(None).await;
    let api = Api { reference: &reference, token: Some(static_token(0)) };
    let other = Api { reference: &reference, token: Some(static_token(1)) };
    let (endpoint, mut pushes) = accepting_receiver().await;
    let delivery =
        json!({ "method": "urn:ietf:rfc:8935", "endpoint_url": endpoint, "authorization_header": "Bearer abc" });
    let config = api
        .create(json!({
            "delivery": delivery,
            "events_requested": [VERIFICATION, SESSION_REVOKED, "urn:example:unknown"],
            "description": "first",
        }))
        .await;
    let id = config["stream_id"].as_str().unwrap().to_owned();
    assert_eq!(config["iss"], reference.ssf_issuer());
    assert_eq!(config["aud"], format!("{}/receivers/receiver-a", reference.ssf_issuer()));
    assert_eq!(config["events_delivered"], json!([VERIFICATION, SESSION_REVOKED]));
    assert_eq!(config["delivery"], delivery);
    assert_eq!(config["description"], "first");
    assert_eq!(config["min_verification_interval"], 1);

    // The unsolicited verification event: SSF profile claims, no state, the stream's Authorization.
    let push = next_push(&mut pushes).await;
    assert_eq!(push.headers["authorization"], "Bearer abc");
    assert_eq!(push.headers["content-type"], "application/secevent+jwt");
    let claims = claims(&push.set);
    assert_eq!(header(&push.set)["typ"], "secevent+jwt");
    assert_eq!(claims["iss"], reference.ssf_issuer());
    assert_eq!(claims["aud"], config["aud"]);
    assert_eq!(claims["sub_id"], json!({ "format": "opaque", "id": id }));
    assert!(claims["txn"].is_string() && claims["jti"].is_string() && claims["iat"].is_u64());
    assert!(claims.get("sub").is_none() && claims.get("exp").is_none());
    assert_eq!(claims["events"], json!({ VERIFICATION: {} }));
    assert!(signed_by(&push.set, &format!("https://{}/ssf/jwks.json", reference.addr())).await);

    // A requested verification echoes its state; one asked for too soon is 429.
    let verified = api.post("/ssf/verify", json!({ "stream_id": id, "state": "s1" })).await;
    assert_eq!(verified.status, StatusCode::NO_CONTENT);
    assert!(verified.text.is_empty());
    let push = next_push(&mut pushes).await;
    assert_eq!(push.headers["authorization"], "Bearer abc");
    assert_eq!(ssf_common::claims(&push.set)["events"][VERIFICATION], json!({ "state": "s1" }));
    let early = api.post("/ssf/verify", json!({ "stream_id": id })).await;
    assert_eq!(early.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(early.headers["retry-after"], "1");

    // Read: one, all, unknown, and another receiver's.
    assert_eq!(api.get(&format!("/ssf/streams?stream_id={id}")).await.body, config);
    assert_eq!(api.get("/ssf/streams").await.body, json!([config]));
    assert_eq!(api.get("/ssf/streams?stream_id=nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/ssf/streams?stream_id={id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/ssf/streams").await.body, json!([]));
    assert_eq!(other.verify(&id, None).await, StatusCode::NOT_FOUND);

    // PATCH changes what it names; a changed transmitter-supplied member is 400.
    let patched =
        api.call(Method::PATCH, "/ssf/streams", Some(json!({ "stream_id": id, "description": "second" }))).await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["description"], "second");
    assert_eq!(patched.body["events_requested"], config["events_requested"]);
    let foreign = json!({ "stream_id": id, "iss": "https://other.example/" });
    assert_eq!(api.call(Method::PATCH, "/ssf/streams", Some(foreign)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.call(Method::PATCH, "/ssf/streams", Some(json!({ "description": "x" }))).await.status,
        StatusCode::BAD_REQUEST
    );

    // PUT replaces the receiver-supplied members as a whole; the rest may be sent back unchanged.
    let mut whole = patched.body.clone();
    whole.as_object_mut().unwrap().remove("description");
    let put = api.call(Method::PUT, "/ssf/streams", Some(whole)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert!(put.body.get("description").is_none());
    assert_eq!(put.body["delivery"], delivery);

    // Subjects.
    let subject = json!({ "format": "email", "email": "user@example.com" });
    let added = api.post("/ssf/subjects/add", json!({ "stream_id": id, "subject": subject, "verified": true })).await;
    assert_eq!((added.status, added.text.as_str()), (StatusCode::OK, ""));
    let removed = api.post("/ssf/subjects/remove", json!({ "stream_id": id, "subject": subject })).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let unknown = api.post("/ssf/subjects/add", json!({ "stream_id": "nope", "subject": subject })).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(api.post("/ssf/subjects/add", json!({ "stream_id": id })).await.status, StatusCode::BAD_REQUEST);

    // Delete.
    let deleted = api.call(Method::DELETE, &format!("/ssf/streams?stream_id={id}"), None).await;
    assert_eq!((deleted.status, deleted.text.as_str()), (StatusCode::NO_CONTENT, ""));
    assert_eq!(api.get(&format!("/ssf/streams?stream_id={id}")).await.status, StatusCode::NOT_FOUND);
    let again = api.call(Method::DELETE, &format!("/ssf/streams?stream_id={id}"), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let not_json = answer(client().post(api.url("/ssf/streams")).bearer_auth(static_token(0)).body("nope")).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    let huge = json!({ "description": "x".repeat(300 * 1024) });
    assert_eq!(api.post("/ssf/streams", huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_paused_stream_holds_its_sets_and_a_disabled_one_drops_them() {
    let reference = start(None).await;
    let api = Api { reference: &reference, token: Some(static_token(0)) };
    let (endpoint, mut pushes) = accepting_receiver().await;
    let config = api.create(json!({ "delivery": { "method": "urn:ietf:rfc:8935", "endpoint_url": endpoint } })).await;
    let id = config["stream_id"].as_str().unwrap();
    next_push(&mut pushes).await;
    assert_eq!(
        api.get(&format!("/ssf/status?stream_id={id}")).await.body,
        json!({ "stream_id": id, "status": "enabled" })
    );

    let paused = api.post("/ssf/status", json!({ "stream_id": id, "status": "paused", "reason": "maintenance" })).await;
    assert_eq!(paused.status, StatusCode::OK);
    assert_eq!(paused.body["status"], "paused");
    assert_eq!(api.verify(id, Some("held")).await, StatusCode::NO_CONTENT);
    no_push(&mut pushes, Duration::from_millis(700)).await;
    assert_eq!(api.set_status(id, "enabled").await.status, StatusCode::OK);
    let held = next_push(&mut pushes).await;
    assert_eq!(claims(&held.set)["events"][VERIFICATION]["state"], "held");

    assert_eq!(api.set_status(id, "disabled").await.body["status"], "disabled");
    tokio::time::sleep(INTERVAL).await;
    assert_eq!(api.verify(id, Some("dropped")).await, StatusCode::NO_CONTENT);
    assert_eq!(api.set_status(id, "enabled").await.status, StatusCode::OK);
    no_push(&mut pushes, Duration::from_millis(700)).await;

    assert_eq!(api.set_status(id, "sleeping").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.set_status("nope", "paused").await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/ssf/status?stream_id=nope").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_refused_verification_pauses_the_stream_after_a_stream_updated_event() {
    let reference = start(None).await;
    let api = Api { reference: &reference, token: Some(static_token(0)) };
    // The receiver refuses verification events whose state it does not know.
    let (endpoint, mut pushes) = receiver(|claims: &Value| match claims["events"][VERIFICATION]["state"].as_str() {
        Some("bad") => (StatusCode::BAD_REQUEST, json!({ "err": "invalid_state", "description": "?" }).to_string()),
        _ => (StatusCode::ACCEPTED, String::new()),
    })
    .await;
    let config = api.create(json!({ "delivery": { "method": "urn:ietf:rfc:8935", "endpoint_url": endpoint } })).await;
    let id = config["stream_id"].as_str().unwrap();
    next_push(&mut pushes).await;
    assert_eq!(api.verify(id, Some("bad")).await, StatusCode::NO_CONTENT);
    next_push(&mut pushes).await;
    let notice = claims(&next_push(&mut pushes).await.set);
    assert_eq!(notice["events"][STREAM_UPDATED]["status"], "paused");
    assert_eq!(notice["sub_id"], json!({ "format": "opaque", "id": id }));
    assert_eq!(api.get(&format!("/ssf/status?stream_id={id}")).await.body["status"], "paused");
}

#[tokio::test]
async fn a_poll_stream_is_polled_at_its_own_url_with_the_receivers_token() {
    let reference = start(None).await;
    let api = Api { reference: &reference, token: Some(static_token(0)) };
    let config = api.create(json!({ "description": "polled" })).await;
    let id = config["stream_id"].as_str().unwrap();
    let url = format!("https://{}/ssf/poll/{id}", reference.addr());
    assert_eq!(config["delivery"], json!({ "method": "urn:ietf:rfc:8936", "endpoint_url": url }));
    let second = api.create(json!({})).await;
    assert_ne!(second["delivery"]["endpoint_url"], config["delivery"]["endpoint_url"]);

    assert_eq!(api.verify(id, Some("p")).await, StatusCode::NO_CONTENT);
    let open = Api { reference: &reference, token: None }.poll(&url, json!({ "returnImmediately": true })).await;
    assert_eq!(open.status, StatusCode::UNAUTHORIZED);
    let other = Api { reference: &reference, token: Some(static_token(1)) };
    assert_eq!(other.poll(&url, json!({ "returnImmediately": true })).await.status, StatusCode::NOT_FOUND);

    let polled = api.poll(&url, json!({ "returnImmediately": true })).await;
    assert_eq!(polled.status, StatusCode::OK);
    let sets = polled.body["sets"].as_object().unwrap();
    assert_eq!(sets.len(), 1);
    let (jti, set) = sets.iter().next().unwrap();
    let claims = claims(set.as_str().unwrap());
    assert_eq!(claims["events"][VERIFICATION], json!({ "state": "p" }));
    assert_eq!(claims["aud"], config["aud"]);
    let acked = api.poll(&url, json!({ "ack": [jti], "returnImmediately": true })).await;
    assert_eq!(acked.body["sets"], json!({}));
}

#[tokio::test]
async fn no_body_makes_an_endpoint_fail_on_its_own_side() {
    let reference = start(None).await;
    let api = Api { reference: &reference, token: Some(static_token(0)) };
    let id = api.create(json!({})).await["stream_id"].as_str().unwrap().to_owned();
    let bodies = [
        String::new(),
        "null".into(),
        "[]".into(),
        "{\"stream_id\":1}".into(),
        format!("{{\"stream_id\":\"{id}\",\"status\":5,\"state\":[],\"subject\":\"x\",\"delivery\":{{\"method\":7}}}}"),
        format!("{{\"stream_id\":\"{id}\",\"events_requested\":[[]],\"verified\":\"yes\"}}"),
        "[".repeat(10_000),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00]).into_owned(),
    ];
    let paths =
        ["/ssf/streams", "/ssf/status", "/ssf/subjects/add", "/ssf/subjects/remove", "/ssf/verify", "/ssf/token"];
    let methods = [Method::POST, Method::PATCH, Method::PUT, Method::GET, Method::DELETE];
    for path in paths.iter().copied().chain([format!("/ssf/poll/{id}").as_str()]) {
        for method in &methods {
            for body in &bodies {
                let request =
                    client().request(method.clone(), api.url(path)).bearer_auth(static_token(0)).body(body.clone());
                let status = answer(request).await.status;
                assert!(status.as_u16() < 500, "{method} {path} {body:.40}: {status}");
            }
        }
    }
}

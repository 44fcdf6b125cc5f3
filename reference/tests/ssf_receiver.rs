//! The reference as an SSF receiver, against a minimal SSF transmitter served
//! here over TLS: discovery by GET, the client credentials token, the create
//! request (push and poll), the verification request and the judging of
//! verification states, stream-updated, the stream's deletion on release,
//! and the faults that change those.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Map, Value, json};
use setconform_reference::{Fault, Reference, ReferenceConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

mod ssf_common;

use ssf_common::{PATIENCE, client};

use ssf_common::{STREAM_UPDATED, VERIFICATION};
const UNKNOWN_EVENT: &str = "https://example.com/event-type/something-new";
const STREAM_ID: &str = "stream-1";
const AUDIENCE: &str = "https://receiver.example/aud";
const ACCESS_TOKEN: &str = "access-token-1";

/// One request the transmitter saw.
#[derive(Debug)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: String,
}

impl Seen {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

struct Transmitter {
    origin: String,
    twist: Twist,
    seen: mpsc::UnboundedSender<Seen>,
    /// SETs the next poll returns.
    to_poll: Mutex<Map<String, Value>>,
    release_create: tokio::sync::Notify,
}

/// How the transmitter departs from a plain one.
#[derive(Clone, Copy, PartialEq)]
enum Twist {
    None,
    /// Its metadata names this issuer.
    MetadataIssuer(&'static str),
    /// Its stream configurations name this `iss`.
    StreamIss(&'static str),
    /// Its metadata is an HTML page.
    HtmlMetadata,
    /// It answers the create request only once `release_create` is notified.
    HoldCreate,
}

impl Transmitter {
    fn issuer(&self) -> String {
        format!("{}/ssf/t", self.origin)
    }
}

async fn serve(
    State(tx): State<Arc<Transmitter>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let seen = Seen {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let body = seen.json();
    let _ = tx.seen.send(seen);
    let base = tx.issuer();
    let issuer = match tx.twist {
        Twist::MetadataIssuer(other) => other.to_owned(),
        _ => base.clone(),
    };
    match (method, path.as_str()) {
        (_, "/.well-known/ssf-configuration/ssf/t") if tx.twist == Twist::HtmlMetadata => {
            return ([(header::CONTENT_TYPE, "text/html")], "<html><body>Sign in</body></html>").into_response();
        }
        (_, "/.well-known/ssf-configuration/ssf/t") => Json(json!({
            "issuer": issuer,
            "jwks_uri": format!("{base}/jwks"),
            "delivery_methods_supported": ["urn:ietf:rfc:8935", "urn:ietf:rfc:8936"],
            "configuration_endpoint": format!("{base}/streams"),
            "status_endpoint": format!("{base}/status"),
            "verification_endpoint": format!("{base}/verify"),
            "spec_version": "1_0",
        })),
        (Method::POST, "/ssf/t/token") => {
            Json(json!({ "access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 300 }))
        }
        (Method::POST, "/ssf/t/streams") => {
            if tx.twist == Twist::HoldCreate {
                tx.release_create.notified().await;
            }
            let mut delivery = body["delivery"].clone();
            if delivery["method"] == "urn:ietf:rfc:8936" {
                delivery["endpoint_url"] = json!(format!("{base}/poll"));
            }
            let iss = if let Twist::StreamIss(other) = tx.twist { other.to_owned() } else { base };
            let config = json!({ "stream_id": STREAM_ID, "iss": iss, "aud": [AUDIENCE], "delivery": delivery });
            return (StatusCode::CREATED, axum::Json(config)).into_response();
        }
        (Method::GET, "/ssf/t/status") => Json(json!({ "stream_id": STREAM_ID, "status": "enabled" })),
        (Method::POST, "/ssf/t/poll") => {
            let sets = std::mem::take(&mut *tx.to_poll.lock().unwrap());
            Json(json!({ "sets": sets }))
        }
        (Method::GET, "/ssf/t/jwks") => Json(json!({ "keys": [] })),
        _ => return StatusCode::NO_CONTENT.into_response(),
    }
    .into_response()
}

/// Serves a transmitter with `twist`.
async fn transmitter(twist: Twist) -> (Arc<Transmitter>, mpsc::UnboundedReceiver<Seen>) {
    let (seen, requests) = mpsc::unbounded_channel();
    let mut made = None;
    ssf_common::serve_tls(|origin| {
        let tx = Arc::new(Transmitter {
            origin: origin.to_owned(),
            twist,
            seen,
            to_poll: Mutex::default(),
            release_create: Default::default(),
        });
        made = Some(tx.clone());
        Router::new().fallback(serve).with_state(tx)
    })
    .await;
    (made.unwrap(), requests)
}

async fn next(requests: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(PATIENCE, requests.recv()).await.expect("the receiver called in time").unwrap()
}

/// The next request to `path`, skipping others (polls, key fetches).
async fn next_to(requests: &mut mpsc::UnboundedReceiver<Seen>, path: &str) -> Seen {
    loop {
        let seen = next(requests).await;
        if seen.path.ends_with(path) {
            return seen;
        }
    }
}

/// Registers the transmitter at the reference as an SSF peer; the peer's id.
async fn register(reference: &Reference, tx: &Transmitter, delivery: &str) -> String {
    let ca = String::from_utf8(Reference::ca_pem().to_vec()).unwrap();
    let keys: Value =
        client().get(format!("https://{}/jwks.json", reference.addr())).send().await.unwrap().json().await.unwrap();
    let body = json!({
        "harness_issuer": tx.issuer(),
        "harness_audience": "urn:test:unused",
        "jwks": keys,
        "endpoint_ca": ca,
        "binding": "ssf",
        "ssf": {
            "configuration_url": format!("{}/.well-known/ssf-configuration/ssf/t", tx.origin),
            "issuer": tx.issuer(),
            "token_endpoint": format!("{}/token", tx.issuer()),
            "client_id": "setconform-receiver",
            "client_secret": "s3cret",
            "delivery": delivery,
            "subjects": [{ "format": "email", "email": "alice@example.com" }],
        },
    });
    let answer = client().post(format!("{}/peers", reference.control_url())).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    answer.json::<Value>().await.unwrap()["peer"].as_str().unwrap().to_owned()
}

/// A SET of the stream, signed with the key the registration named, carrying `events`.
fn set(jti: &str, iss: &str, events: Value) -> String {
    let header = json!({ "alg": "ES256", "typ": "secevent+jwt", "kid": "reference-es256" });
    let claims = json!({
        "iss": iss, "aud": [AUDIENCE], "iat": 1_700_000_000, "jti": jti, "txn": format!("txn-{jti}"),
        "sub_id": { "format": "opaque", "id": STREAM_ID }, "events": events,
    });
    let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
    let key = jsonwebtoken::EncodingKey::from_ec_pem(include_bytes!("../keys/es256.pem")).unwrap();
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::ES256).unwrap();
    format!("{input}.{signature}")
}

fn verification(state: Option<&str>) -> Value {
    json!({ VERIFICATION: state.map_or_else(|| json!({}), |s| json!({ "state": s })) })
}

/// Pushes `set` as the create request said; the status and the error code, if any.
async fn push(reference: &Reference, authorization: &str, set: String) -> (StatusCode, Option<String>) {
    let answer = client()
        .post(reference.push_url())
        .header(header::AUTHORIZATION, authorization)
        .header(header::CONTENT_TYPE, "application/secevent+jwt")
        .body(set)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    (status, body["err"].as_str().map(str::to_owned))
}

/// A push stream, as configured: the peer, the authorization header and the verification state asked for.
struct PushStream {
    peer: String,
    authorization: String,
    state: String,
}

/// Configures a push stream, checking each call of the flow.
async fn push_stream(reference: &Reference, tx: &Transmitter, rx: &mut mpsc::UnboundedReceiver<Seen>) -> PushStream {
    let peer = register(reference, tx, "push").await;
    let metadata = next(rx).await;
    assert_eq!((metadata.method, metadata.path.as_str()), (Method::GET, "/.well-known/ssf-configuration/ssf/t"));
    let token = next(rx).await;
    assert_eq!(token.path, "/ssf/t/token");
    assert_eq!(token.body, "grant_type=client_credentials");
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("setconform-receiver:s3cret"));
    assert_eq!(token.headers[header::AUTHORIZATION], basic.as_str());
    let create = next(rx).await;
    assert_eq!((create.method.clone(), create.path.as_str()), (Method::POST, "/ssf/t/streams"));
    assert_eq!(create.headers[header::AUTHORIZATION], format!("Bearer {ACCESS_TOKEN}").as_str());
    let body = create.json();
    assert_eq!(body["delivery"]["method"], "urn:ietf:rfc:8935");
    assert_eq!(body["delivery"]["endpoint_url"], reference.push_url());
    assert!(body["events_requested"].as_array().unwrap().contains(&json!(VERIFICATION)));
    let authorization = body["delivery"]["authorization_header"].as_str().unwrap().to_owned();
    assert!(authorization.starts_with("Bearer "), "{authorization}");
    let verify = next_to(rx, "/verify").await;
    assert_eq!(verify.json()["stream_id"], STREAM_ID);
    let state = verify.json()["state"].as_str().expect("a state is asked for").to_owned();
    PushStream { peer, authorization, state }
}

#[tokio::test]
async fn a_push_stream_is_configured_verified_and_deleted() {
    let reference = Reference::start(ReferenceConfig::default()).await.unwrap();
    let (tx, mut rx) = transmitter(Twist::None).await;
    let PushStream { peer, authorization, state } = push_stream(&reference, &tx, &mut rx).await;
    let iss = tx.issuer();
    let accepted = (StatusCode::ACCEPTED, None);
    assert_eq!(push(&reference, &authorization, set("v1", &iss, verification(Some(&state)))).await, accepted);
    let refused = (StatusCode::BAD_REQUEST, Some("invalid_state".to_owned()));
    assert_eq!(push(&reference, &authorization, set("v2", &iss, verification(Some("guess")))).await, refused);
    // SSF-VER-005/008: an unsolicited verification carries no state and is accepted.
    assert_eq!(push(&reference, &authorization, set("v3", &iss, verification(None))).await, accepted);
    // SSF-SET-009: an unknown event type is accepted.
    assert_eq!(push(&reference, &authorization, set("u1", &iss, json!({ UNKNOWN_EVENT: {} }))).await, accepted);
    // SSF-STRM-007: SETs of another issuer are refused.
    let foreign = push(&reference, &authorization, set("f1", "https://other.example/", verification(None))).await;
    assert_eq!(foreign, (StatusCode::BAD_REQUEST, Some("invalid_issuer".to_owned())));
    // SSF §8.1.5: after stream-updated, the status is read again.
    let updated = json!({ STREAM_UPDATED: { "status": "paused" } });
    assert_eq!(push(&reference, &authorization, set("s1", &iss, updated)).await, accepted);
    let status = next_to(&mut rx, "/status").await;
    assert_eq!((status.method, status.query.as_str()), (Method::GET, "stream_id=stream-1"));
    // Released, the receiver deletes its stream.
    let url = format!("{}/peers/{peer}", reference.control_url());
    assert_eq!(client().get(&url).send().await.unwrap().json::<Value>().await.unwrap()["ssf"]["phase"], "ready");
    client().delete(url).send().await.unwrap();
    let delete = next_to(&mut rx, "/streams").await;
    assert_eq!((delete.method, delete.query.as_str()), (Method::DELETE, "stream_id=stream-1"));
}

#[tokio::test]
async fn a_poll_stream_is_polled_with_the_access_token_and_judged() {
    let reference = Reference::start(ReferenceConfig::default()).await.unwrap();
    let (tx, mut rx) = transmitter(Twist::None).await;
    register(&reference, &tx, "poll").await;
    let create = next_to(&mut rx, "/streams").await.json();
    assert_eq!(create["delivery"], json!({ "method": "urn:ietf:rfc:8936" }));
    let state = next_to(&mut rx, "/verify").await.json()["state"].as_str().unwrap().to_owned();
    let iss = tx.issuer();
    tx.to_poll.lock().unwrap().extend([
        ("v1".to_owned(), json!(set("v1", &iss, verification(Some(&state))))),
        ("v2".to_owned(), json!(set("v2", &iss, verification(Some("guess"))))),
    ]);
    loop {
        let poll = next_to(&mut rx, "/poll").await;
        assert_eq!(poll.headers[header::AUTHORIZATION], format!("Bearer {ACCESS_TOKEN}").as_str());
        let body = poll.json();
        if body.get("ack").is_some() {
            assert_eq!(body["ack"], json!(["v1"]));
            assert_eq!(body["setErrs"]["v2"]["err"], "invalid_state");
            break;
        }
    }
}

#[tokio::test]
async fn a_metadata_issuer_that_differs_stops_the_receiver_unless_the_fault_skips_the_check() {
    for fault in [None, Some(Fault::SsfRcvSkipIssuerCheck)] {
        let reference = Reference::start(ReferenceConfig { fault, ..ReferenceConfig::default() }).await.unwrap();
        let (tx, mut rx) = transmitter(Twist::MetadataIssuer("https://impostor.example/ssf")).await;
        let peer = register(&reference, &tx, "push").await;
        assert_eq!(next(&mut rx).await.method, Method::GET);
        if fault.is_some() {
            assert_eq!(next(&mut rx).await.path, "/ssf/t/token");
            continue;
        }
        // SSF-DISC-005: no token, no stream; the receiver says it stopped.
        let phase = settled_phase(&reference, &peer).await;
        assert!(phase.starts_with("stopped: metadata: issuer"), "{phase}");
        assert!(rx.try_recv().is_err(), "no call after the metadata");
    }
}

/// How far the configuration of the peer's stream got, once it is no longer under way.
async fn settled_phase(reference: &Reference, peer: &str) -> String {
    let url = format!("{}/peers/{peer}", reference.control_url());
    let read = async {
        loop {
            let state: Value = client().get(&url).send().await.unwrap().json().await.unwrap();
            if state["ssf"]["phase"] != "configuring" {
                break state["ssf"]["phase"].as_str().unwrap().to_owned();
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(PATIENCE, read).await.expect("the configuration ended in time")
}

#[tokio::test]
async fn html_metadata_stops_the_receiver() {
    let reference = Reference::start(ReferenceConfig::default()).await.unwrap();
    let (tx, mut rx) = transmitter(Twist::HtmlMetadata).await;
    let peer = register(&reference, &tx, "push").await;
    let phase = settled_phase(&reference, &peer).await;
    assert!(phase.starts_with("stopped: metadata: no usable answer"), "{phase}");
    assert_eq!(next(&mut rx).await.method, Method::GET);
    assert!(rx.try_recv().is_err(), "no call after the metadata");
}

#[tokio::test]
async fn a_stream_of_a_foreign_issuer_is_deleted_unless_the_fault_keeps_it() {
    const FOREIGN: &str = "https://other.example/";
    for fault in [None, Some(Fault::SsfRcvAcceptForeignStream)] {
        let reference = Reference::start(ReferenceConfig { fault, ..ReferenceConfig::default() }).await.unwrap();
        let (tx, mut rx) = transmitter(Twist::StreamIss(FOREIGN)).await;
        let peer = register(&reference, &tx, "push").await;
        let create = next_to(&mut rx, "/streams").await.json();
        let authorization = create["delivery"]["authorization_header"].as_str().unwrap().to_owned();
        let pushed = if fault.is_none() {
            // SSF-STRM-007: the stream is deleted and carries nothing.
            let delete = next_to(&mut rx, "/streams").await;
            assert_eq!((delete.method, delete.query.as_str()), (Method::DELETE, "stream_id=stream-1"));
            assert!(settled_phase(&reference, &peer).await.starts_with("refused"));
            (StatusCode::BAD_REQUEST, Some("invalid_issuer".to_owned()))
        } else {
            next_to(&mut rx, "/verify").await;
            (StatusCode::ACCEPTED, None)
        };
        assert_eq!(push(&reference, &authorization, set("f1", FOREIGN, verification(None))).await, pushed);
    }
}

#[tokio::test]
async fn under_ignore_state_a_wrong_state_is_accepted() {
    let fault = Some(Fault::SsfRcvIgnoreState);
    let reference = Reference::start(ReferenceConfig { fault, ..ReferenceConfig::default() }).await.unwrap();
    let (tx, mut rx) = transmitter(Twist::None).await;
    let PushStream { authorization, .. } = push_stream(&reference, &tx, &mut rx).await;
    let answer = push(&reference, &authorization, set("v2", &tx.issuer(), verification(Some("guess")))).await;
    assert_eq!(answer, (StatusCode::ACCEPTED, None));
}

#[tokio::test]
async fn a_set_pushed_while_the_create_answer_is_on_its_way_is_judged_against_the_stream() {
    let reference = Arc::new(Reference::start(ReferenceConfig::default()).await.unwrap());
    let (tx, mut rx) = transmitter(Twist::HoldCreate).await;
    register(&reference, &tx, "push").await;
    // Pushed while the create answer is held: the stream's aud is not known to the receiver yet.
    let create = next_to(&mut rx, "/streams").await.json();
    let authorization = create["delivery"]["authorization_header"].as_str().unwrap().to_owned();
    let early = set("early", &tx.issuer(), verification(None));
    let pushing = tokio::spawn({
        let reference = reference.clone();
        async move { push(&reference, &authorization, early).await }
    });
    // Time for the push to reach the receiver before the answer does; its verdict waits for the answer.
    tokio::time::sleep(Duration::from_millis(300)).await;
    tx.release_create.notify_one();
    assert_eq!(pushing.await.unwrap(), (StatusCode::ACCEPTED, None));
}

#[tokio::test]
async fn under_metadata_by_post_the_metadata_is_read_with_post() {
    let fault = Some(Fault::SsfRcvMetadataByPost);
    let reference = Reference::start(ReferenceConfig { fault, ..ReferenceConfig::default() }).await.unwrap();
    let (tx, mut rx) = transmitter(Twist::None).await;
    register(&reference, &tx, "push").await;
    assert_eq!(next(&mut rx).await.method, Method::POST);
}

#[tokio::test]
async fn a_push_without_credentials_is_taken_only_under_no_authorization_header() {
    for fault in [None, Some(Fault::SsfRcvNoAuthorizationHeader)] {
        let reference = Reference::start(ReferenceConfig { fault, ..ReferenceConfig::default() }).await.unwrap();
        let (tx, mut rx) = transmitter(Twist::None).await;
        register(&reference, &tx, "push").await;
        let create = next_to(&mut rx, "/streams").await.json();
        assert_eq!(create["delivery"].get("authorization_header").is_none(), fault.is_some());
        next_to(&mut rx, "/verify").await;
        let answer = client()
            .post(reference.push_url())
            .header(header::CONTENT_TYPE, "application/secevent+jwt")
            .body(set("n1", &tx.issuer(), verification(None)))
            .send()
            .await
            .unwrap();
        let expected = if fault.is_some() { StatusCode::ACCEPTED } else { StatusCode::UNAUTHORIZED };
        assert_eq!(answer.status(), expected, "{fault:?}");
    }
}

#[tokio::test]
async fn a_malformed_ssf_member_is_refused_by_its_name() {
    let reference = Reference::start(ReferenceConfig::default()).await.unwrap();
    let body = json!({
        "harness_issuer": "https://t.example/", "harness_audience": "a", "jwks": { "keys": [] },
        "binding": "ssf", "ssf": { "configuration_url": "https://t.example/", "delivery": "carrier-pigeon" },
    });
    let answer = client().post(format!("{}/peers", reference.control_url())).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text().await.unwrap().contains("ssf.delivery"));
}

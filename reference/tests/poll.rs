//! RFC 8936 in both roles, over real HTTPS on loopback: the reference's
//! `/poll` endpoint as SET Transmitter, and its poll loop as SET Recipient
//! against a small transmitter served here.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use setconform_reference::{Reference, ReferenceConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const HOLD: Duration = Duration::from_millis(1500);
/// Longest any single step may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(5);

fn client() -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(Reference::ca_pem()).unwrap();
    reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap()
}

async fn start() -> Reference {
    Reference::start(ReferenceConfig { poll_hold: HOLD, ..ReferenceConfig::default() }).await.unwrap()
}

/// Registers a peer and returns the registration answer.
async fn register(reference: &Reference, body: Value) -> Value {
    let url = format!("{}/peers", reference.control_url());
    let answer = client().post(url).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    answer.json().await.unwrap()
}

/// A peer that polls the reference; returns its id and token.
async fn poller(reference: &Reference) -> (String, String) {
    let body = json!({
        "issuer": "https://harness.invalid/",
        "jwks": { "keys": [] },
        "audience": "urn:test:harness",
        "binding": "poll",
    });
    let answer = register(reference, body).await;
    (answer["peer"].as_str().unwrap().to_owned(), answer["token"].as_str().unwrap().to_owned())
}

async fn queue(reference: &Reference, peer: &str, count: usize) -> Vec<String> {
    let url = format!("{}/peers/{peer}/queue", reference.control_url());
    let answer: Value = client().post(url).json(&json!({ "count": count })).send().await.unwrap().json().await.unwrap();
    answer["jtis"].as_array().unwrap().iter().map(|j| j.as_str().unwrap().to_owned()).collect()
}

async fn poll(reference: &Reference, token: &str, body: &str) -> reqwest::Response {
    client()
        .post(reference.poll_url())
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// A 200 poll answer's JSON object.
async fn sets_of(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    response.json().await.unwrap()
}

fn names(answer: &Value) -> Vec<String> {
    answer["sets"].as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn an_empty_poll_is_held_until_the_hold_time_ends() {
    let reference = start().await;
    let (_, token) = poller(&reference).await;
    let started = Instant::now();
    let answer = sets_of(poll(&reference, &token, "{}").await).await;
    assert!(started.elapsed() >= Duration::from_secs(1), "answered after {:?}", started.elapsed());
    assert_eq!(answer, json!({ "sets": {} }));
}

#[tokio::test]
async fn a_held_poll_returns_the_set_queued_meanwhile() {
    let reference = start().await;
    let (peer, token) = poller(&reference).await;
    let started = Instant::now();
    let held = poll(&reference, &token, "{}");
    let queued = async {
        // Queue once the poll is under way; the poll is judged by when it comes back.
        tokio::time::sleep(Duration::from_millis(300)).await;
        queue(&reference, &peer, 1).await
    };
    let (response, jtis) = tokio::join!(held, queued);
    let answer = sets_of(response).await;
    assert!(started.elapsed() < HOLD, "held for {:?} although a SET was queued", started.elapsed());
    assert_eq!(names(&answer), jtis);
}

#[tokio::test]
async fn return_immediately_is_answered_at_once() {
    let reference = start().await;
    let (_, token) = poller(&reference).await;
    let started = Instant::now();
    let answer = sets_of(poll(&reference, &token, r#"{"returnImmediately":true}"#).await).await;
    assert!(started.elapsed() < Duration::from_secs(1), "answered after {:?}", started.elapsed());
    assert_eq!(answer, json!({ "sets": {} }));
}

#[tokio::test]
async fn max_events_limits_and_acks_retire() {
    let reference = start().await;
    let (peer, token) = poller(&reference).await;
    let jtis = queue(&reference, &peer, 5).await;

    let first = sets_of(poll(&reference, &token, r#"{"maxEvents":2,"returnImmediately":true}"#).await).await;
    assert_eq!(names(&first), jtis[..2]);
    assert_eq!(first["moreAvailable"], json!(true));

    // Acknowledged SETs are not returned again; the rest come without moreAvailable.
    let ack = json!({ "ack": names(&first), "returnImmediately": true }).to_string();
    let second = sets_of(poll(&reference, &token, &ack).await).await;
    assert_eq!(names(&second), jtis[2..]);
    assert!(second.get("moreAvailable").is_none());

    // Unacknowledged SETs are delivered again.
    let third = sets_of(poll(&reference, &token, r#"{"returnImmediately":true}"#).await).await;
    assert_eq!(names(&third), jtis[2..]);
}

#[tokio::test]
async fn invalid_polls_are_refused_with_400() {
    let reference = start().await;
    let (_, token) = poller(&reference).await;
    for body in [r#"{"maxEvents":"x"}"#, "[]", "not json", r#"{"ack":"j1"}"#, r#"{"returnImmediately":"yes"}"#] {
        assert_eq!(poll(&reference, &token, body).await.status(), StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn unauthenticated_polls_are_challenged() {
    let reference = start().await;
    let answer = client().post(reference.poll_url()).body("{}").send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(answer.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let answer = client().get(reference.poll_url()).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers()[header::ALLOW], "POST");
}

/// One poll as the transmitter served here saw it.
#[derive(Debug)]
struct Seen {
    method: Method,
    headers: HeaderMap,
    body: Value,
    at: Instant,
}

/// A transmitter that answers polls in turn from a script; the last answer repeats.
struct Transmitter {
    answers: Vec<(StatusCode, &'static str, String)>,
    served: AtomicUsize,
    seen: mpsc::UnboundedSender<Seen>,
}

async fn transmit(State(tx): State<Arc<Transmitter>>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = tx.seen.send(Seen { method, headers, body, at: Instant::now() });
    let n = tx.served.fetch_add(1, Ordering::SeqCst).min(tx.answers.len() - 1);
    let (status, content_type, body) = tx.answers[n].clone();
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Serves `answers` over HTTPS with the reference's own test certificate; returns the URL.
async fn serve_transmitter(
    answers: Vec<(StatusCode, &'static str, String)>,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let (seen, polls) = mpsc::unbounded_channel();
    let state = Arc::new(Transmitter { answers, served: AtomicUsize::new(0), seen });
    let router = Router::new().route("/events", any(transmit)).with_state(state);
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let tls = setconform_tls::server_config(
        include_bytes!("../keys/tls/server.pem"),
        include_bytes!("../keys/tls/server-key.pem"),
    )
    .unwrap();
    let listener = setconform_tls::TlsListener::new(tcp, tls, false).unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("https://{addr}/events"), polls)
}

async fn next(polls: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(PATIENCE, polls.recv()).await.expect("the reference polled in time").unwrap()
}

#[tokio::test]
async fn the_recipient_acks_reports_errors_and_outlasts_an_error_answer() {
    let reference = start().await;
    // A SET the reference will accept: one it minted itself, for its own audience,
    // from an issuer whose keys (its own) the recipient peer names.
    let probe = register(&reference, json!({ "issuer": "urn:unused", "jwks": { "keys": [] }, "audience": "" })).await;
    let own_audience = probe["audience"].clone();
    let source = register(
        &reference,
        json!({ "issuer": "urn:unused", "jwks": { "keys": [] }, "audience": own_audience, "binding": "poll" }),
    )
    .await;
    let (source_peer, source_token) = (source["peer"].as_str().unwrap(), source["token"].as_str().unwrap());
    let jti = queue(&reference, source_peer, 1).await.remove(0);
    let minted = sets_of(poll(&reference, source_token, r#"{"returnImmediately":true}"#).await).await;
    let good = minted["sets"][&jti].as_str().unwrap().to_owned();

    let json_type = "application/json";
    let (url, mut polls) = serve_transmitter(vec![
        (StatusCode::OK, json_type, json!({ "sets": { &jti: good, "bad-1": "not-a-jws" } }).to_string()),
        (StatusCode::OK, json_type, json!({ "sets": {} }).to_string()),
        (StatusCode::BAD_REQUEST, "text/html", "<html><body>no</body></html>".into()),
        (StatusCode::OK, json_type, json!({ "sets": {}, "somethingElse": 1 }).to_string()),
    ])
    .await;
    let recipient = register(
        &reference,
        json!({
            "issuer": source["issuer"],
            "jwks": source["jwks"],
            "audience": "urn:test:transmitter",
            "binding": "poll",
            "endpoint": url,
            "endpoint_token": "harness-token",
            "endpoint_ca": String::from_utf8(Reference::ca_pem().to_vec()).unwrap(),
        }),
    )
    .await;

    // The first poll asks for SETs and acknowledges nothing (§2.4).
    let first = next(&mut polls).await;
    assert_eq!(first.method, Method::POST);
    assert_eq!(first.headers[header::CONTENT_TYPE], json_type);
    assert_eq!(first.headers[header::AUTHORIZATION], "Bearer harness-token");
    assert_eq!(first.body, json!({ "maxEvents": 25 }));

    // Then an acknowledge-only poll with the verdicts (§2.4.2, §2.6).
    let ack_only = next(&mut polls).await;
    assert_eq!(ack_only.body["ack"], json!([jti]));
    assert_eq!(ack_only.body["setErrs"]["bad-1"]["err"], "invalid_request");
    assert!(ack_only.body["setErrs"]["bad-1"]["description"].is_string());
    assert_eq!(ack_only.body["maxEvents"], 0);
    assert_eq!(ack_only.body["returnImmediately"], true);
    assert_eq!(ack_only.headers[header::CONTENT_LANGUAGE], "en");

    // Back to long polls; the one answered 400 with HTML is followed, after a pause, by another.
    let refused = next(&mut polls).await;
    assert_eq!(refused.body, json!({ "maxEvents": 25 }));
    let after = next(&mut polls).await;
    assert_eq!(after.method, Method::POST);
    assert_eq!(after.body, json!({ "maxEvents": 25 }));
    assert!(after.at.duration_since(refused.at) >= Duration::from_millis(200), "no backoff after the 400");

    let state_url = format!("{}/peers/{}", reference.control_url(), recipient["peer"].as_str().unwrap());
    let state: Value = client().get(state_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["received"][&jti], "ack");
    assert_eq!(state["received"]["bad-1"]["err"], "invalid_request");
}

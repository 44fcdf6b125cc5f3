//! A responder may send the SETs it holds as soon as a socket opens, unasked
//! (pushpull §7: either side may send at any time), and need not send them
//! again in answer to an empty message at once (§9: redelivery comes "in a
//! reasonable time"). Over WebSocket that first message is the answer to the
//! twin's bare request for SETs, so such a responder returns its SETs
//! (PP-CONF-004); one that never returns any fails the rule.

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use setconform_reports::Verdict;
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

const SCENARIO: &str = "pushpull.ws.responder.redelivery.acked-retired";

/// How many SETs the harness asked the fake to queue for it.
type Queue = Arc<Mutex<usize>>;

/// The control API: a registration, then `queue` requests that add to the queue.
async fn control(mut tcp: tokio::net::TcpStream, queue: Queue) {
    let Some(request) = common::read_control(&mut tcp).await else { return };
    if request.line.contains("/queue") {
        *queue.lock().unwrap() += request.body["count"].as_u64().unwrap_or(1) as usize;
    }
    common::answer_control(&mut tcp, &request).await;
}

// The handshake callback's error type is tungstenite's, large or not.
#[allow(clippy::result_large_err)]
async fn socket(tcp: tokio::net::TcpStream, queue: Queue, speaks_first: bool) {
    let agree = |_: &Request, mut resp: Response| {
        resp.headers_mut().insert("Sec-WebSocket-Protocol", "pushpull".parse().unwrap());
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, agree).await else { return };
    let held = std::mem::take(&mut *queue.lock().unwrap());
    if speaks_first && held > 0 {
        let sets: Map<String, Value> = (1..=held).map(|i| (format!("j{i}"), json!(compact_set(i)))).collect();
        if ws.send(Message::Text(json!({ "sets": sets }).to_string().into())).await.is_err() {
            return;
        }
    }
    // Every message is answered with an empty object: no SET is sent twice at once.
    while let Some(Ok(Message::Text(_))) = ws.next().await {
        if ws.send(Message::Text("{}".into())).await.is_err() {
            return;
        }
    }
}

/// An unsigned compact SET with jti `j{i}`: its content is judged by other rules.
fn compact_set(i: usize) -> String {
    use base64::Engine;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let header = b64(json!({ "alg": "none", "typ": "secevent+jwt" }));
    let claims = b64(json!({ "iss": "https://fake.invalid/", "iat": 1, "jti": format!("j{i}"), "events": {} }));
    format!("{header}.{claims}.")
}

fn judge(speaks_first: bool) -> Verdict {
    let queue: Queue = Arc::default();
    let q = queue.clone();
    let ws_port = common::serve_on_own_runtime(move |tcp| socket(tcp, q.clone(), speaks_first));
    let control_port = common::serve_on_own_runtime(move |tcp| control(tcp, queue.clone()));
    let path = common::ws_responder_sut(ws_port, 6000);
    let text = std::fs::read_to_string(&path).unwrap()
        + &format!(
            "capabilities: [push-pull-class]\ntrigger: {{ http: {{ url: 'http://127.0.0.1:{control_port}/control' }} }}\n"
        );
    std::fs::write(&path, text).unwrap();
    let run = common::run_exact(path, SCENARIO);
    let s = &run.scenarios[0];
    let on: Vec<Verdict> =
        s.expectations.iter().filter(|e| e.requirement == "PP-CONF-004").map(|e| e.verdict).collect();
    assert_eq!(on.len(), 1, "{:?} {:?}", s.reason, s.expectations);
    on[0]
}

#[test]
fn sets_sent_unasked_at_the_socket_s_opening_are_the_answer_to_a_bare_request() {
    assert_eq!(judge(true), Verdict::Pass);
}

#[test]
fn a_push_pull_responder_that_never_returns_sets_over_websocket_fails_pp_conf_004() {
    assert_eq!(judge(false), Verdict::Fail);
}

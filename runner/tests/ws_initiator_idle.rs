//! An idle message from a WebSocket initiator is not the message that carries
//! its SETs. Pushpull §6.1 lets a Communication Object carry nothing; a
//! hand-made initiator, asked to queue SETs, opens its socket and first sends
//! `{}` (as one on a timer would), then its SETs. The step that waits for the
//! SETs passes the idle message over and judges the next one; an initiator
//! that only ever sends `{}` still breaks the rule.

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use setconform_reports::Verdict;
use std::sync::{Arc, Mutex};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const SCENARIO: &str = "pushpull.ws.initiator.handshake.offers-pushpull";

/// The harness's registration, once it came.
type Peer = Arc<Mutex<Option<Value>>>;

async fn control(mut tcp: TcpStream, peer: Peer, delivers: bool) {
    let Some(request) = common::read_control(&mut tcp).await else { return };
    let registration = if request.registers() {
        *peer.lock().unwrap() = Some(request.body.clone());
        None
    } else {
        peer.lock().unwrap().clone()
    };
    common::answer_control(&mut tcp, &request).await;
    if let Some(registration) = registration {
        tokio::spawn(session(registration, delivers));
    }
}

/// Opens a pushpull socket, sends an idle `{}`, then (if it `delivers`) two SETs.
async fn session(registration: Value, delivers: bool) {
    let Some(mut ws) = common::pushpull_socket_to_harness(&registration).await else { return };
    let mut messages = vec![json!({})];
    if delivers {
        messages.push(json!({ "sets": { "jti-1": "e30.e30.c2ln", "jti-2": "e30.e30.c2ln" } }));
    }
    for m in messages {
        if ws.send(Message::Text(m.to_string().into())).await.is_err() {
            return;
        }
    }
    while let Some(Ok(_)) = ws.next().await {}
}

fn count_verdict(delivers: bool) -> Verdict {
    let peer: Peer = Arc::default();
    let port = common::serve_on_own_runtime(move |tcp| control(tcp, peer.clone(), delivers));
    let path = common::scratch("ws-initiator-idle").join("sut.yaml");
    let text = format!(
        "name: idle ws initiator\nprofiles: [pushpull-ws-initiator]\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: 6000, observation_ms: 1500 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    let run = common::run_exact(path, SCENARIO);
    let s = &run.scenarios[0];
    let counted = s.expectations.iter().find(|e| e.requirement == "PP-WS-012" && e.check.as_deref() == Some("count"));
    counted.unwrap_or_else(|| panic!("PP-WS-012 not judged: {:?}", common::findings(&run))).verdict
}

#[test]
fn an_idle_message_before_the_sets_is_passed_over() {
    assert_eq!(count_verdict(true), Verdict::Pass);
}

#[test]
fn an_initiator_that_only_ever_sends_idle_messages_fails() {
    assert_eq!(count_verdict(false), Verdict::Fail);
}

//! The Communication Object rules over WebSocket with the SUT as initiator,
//! against a hand-made one: asked to initiate, it opens a pushpull socket to
//! the harness's endpoint and says nothing; every SET the harness sends it over
//! the socket is acknowledged in its next message (pushpull §7, §9). One keeps
//! the rules; one also acknowledges a jti it was never sent (PP-CO-005); one
//! sends an empty message before its ack, as a message that crossed the
//! harness's in flight would be (kept: the ack still counts); one never
//! acknowledges anything (PP-REL-007).

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use setconform_reports::Verdict;
use std::sync::{Arc, Mutex};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const SCENARIO: &str = "pushpull.ws.initiator.returned-sets.acknowledged";

#[derive(Clone, Copy, PartialEq)]
enum Initiator {
    Keeping,
    FabricatingAcks,
    EmptyBeforeAck,
    NeverAcking,
}

/// The harness's registration, once it came, and whether a socket is open.
type Peer = Arc<Mutex<(Option<Value>, bool)>>;

/// One control request: a registration is kept; the first `initiate` opens the socket.
async fn control(mut tcp: TcpStream, peer: Peer, kind: Initiator) {
    let Some(request) = common::read_control(&mut tcp).await else { return };
    let open = {
        let mut state = peer.lock().unwrap();
        if request.registers() {
            *state = (Some(request.body.clone()), false);
            None
        } else if !state.1 {
            state.1 = true;
            state.0.clone()
        } else {
            None
        }
    };
    if let Some(registration) = open {
        tokio::spawn(session(registration, kind));
    }
    common::answer_control(&mut tcp, &request).await;
}

/// The socket's life: an empty first message, then an ack for every SET that comes.
async fn session(registration: Value, kind: Initiator) {
    let Some(mut ws) = common::pushpull_socket_to_harness(&registration).await else { return };
    if ws.send(Message::Text("{}".into())).await.is_err() {
        return;
    }
    while let Some(Ok(Message::Text(text))) = ws.next().await {
        let object: Value = serde_json::from_str(&text).unwrap_or_default();
        let mut ack: Vec<Value> = object["sets"].as_object().into_iter().flatten().map(|(k, _)| json!(k)).collect();
        if ack.is_empty() {
            continue;
        }
        if kind == Initiator::FabricatingAcks {
            ack.push(json!("a-jti-nobody-sent"));
        }
        let mut messages = Vec::new();
        if matches!(kind, Initiator::EmptyBeforeAck | Initiator::NeverAcking) {
            messages.push(json!({}));
        }
        if kind != Initiator::NeverAcking {
            messages.push(json!({ "ack": ack }));
        }
        for m in messages {
            if ws.send(Message::Text(m.to_string().into())).await.is_err() {
                return;
            }
        }
    }
}

/// Runs the scenario against `kind`: the rules in `broken` FAIL with the
/// scenario, and the others pass.
fn judge(kind: Initiator, broken: &[&str]) {
    let peer: Peer = Arc::default();
    let port = common::serve_on_own_runtime(move |tcp| control(tcp, peer.clone(), kind));
    let path = common::scratch("ws-initiator-objects").join("sut.yaml");
    let text = format!(
        "name: ws initiator\nprofiles: [pushpull-ws-initiator]\ncapabilities: [push-pull-class]\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: 6000, observation_ms: 1500 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    let run = common::run_exact(path, SCENARIO);
    let s = &run.scenarios[0];
    let on = |requirement: &str| {
        let verdicts: Vec<Verdict> =
            s.expectations.iter().filter(|e| e.requirement == requirement).map(|e| e.verdict).collect();
        assert!(!verdicts.is_empty(), "{requirement} not judged: {:?} {:?}", s.reason, s.expectations);
        verdicts.into_iter().max_by_key(|v| *v == Verdict::Fail).unwrap()
    };
    for requirement in ["PP-CO-005", "PP-REL-006", "PP-REL-007", "PP-CONF-004"] {
        let expected = if broken.contains(&requirement) { Verdict::Fail } else { Verdict::Pass };
        assert_eq!(on(requirement), expected, "{requirement}: {:?}", common::findings(&run));
    }
    assert_eq!(s.verdict, if broken.is_empty() { Verdict::Pass } else { Verdict::Fail });
}

#[test]
fn an_initiator_that_acknowledges_what_it_got_over_websocket_passes() {
    judge(Initiator::Keeping, &[]);
}

#[test]
fn an_initiator_that_acknowledges_a_set_it_was_not_sent_over_websocket_fails_pp_co_005() {
    judge(Initiator::FabricatingAcks, &["PP-CO-005"]);
}

/// On a socket an empty message may cross the harness's SETs in flight: it is
/// passed over, and the ack after it counts.
#[test]
fn an_empty_message_before_the_ack_is_passed_over() {
    judge(Initiator::EmptyBeforeAck, &[]);
}

#[test]
fn an_initiator_that_never_acknowledges_over_websocket_fails_pp_rel_007() {
    judge(Initiator::NeverAcking, &["PP-REL-006", "PP-REL-007", "PP-CONF-004"]);
}

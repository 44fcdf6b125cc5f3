//! Initiators that misbehave on the WebSocket they open to the harness: every
//! one ends in a verdict within the scenario deadline, never a hang or a panic.
//!
//! The fake SUT here has the `http` trigger's control API; asked to queue SETs,
//! it connects to the harness's endpoint and does its one bad thing.

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use setconform_reports::{Run, Verdict};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Clone, Copy)]
enum Behaviour {
    /// Connects and never sends its handshake.
    SilentHandshake,
    /// POSTs its SETs instead of asking for the upgrade.
    PostInstead,
    NotJson,
    CloseAtOnce,
    Huge,
    PingFlood,
}

/// Serves the fake SUT's control API on a loopback port, on a runtime of its own.
fn hostile_initiator(behaviour: Behaviour) -> u16 {
    let peer: Arc<std::sync::Mutex<Option<Value>>> = Arc::default();
    common::serve_on_own_runtime(move |tcp| control(tcp, peer.clone(), behaviour))
}

/// One control request: `register` keeps the harness's endpoint; `queue` sets the behaviour off.
async fn control(mut tcp: TcpStream, peer: Arc<std::sync::Mutex<Option<Value>>>, behaviour: Behaviour) {
    let Some(request) = common::read_control(&mut tcp).await else { return };
    if request.registers() {
        *peer.lock().unwrap() = Some(request.body.clone());
    } else if let Some(registration) = peer.lock().unwrap().clone() {
        tokio::spawn(misbehave(registration, behaviour));
    }
    common::answer_control(&mut tcp, &request).await;
}

/// Connects to the harness's endpoint over TLS and does the one bad thing.
async fn misbehave(registration: Value, behaviour: Behaviour) {
    let Some((tls, url, authority, path)) = common::tls_to_harness(&registration).await else { return };
    if matches!(behaviour, Behaviour::SilentHandshake) {
        let _held = tls;
        return tokio::time::sleep(Duration::from_secs(10)).await;
    }
    if matches!(behaviour, Behaviour::PostInstead) {
        let mut tls = tls;
        let body = "{}";
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = tls.write_all(head.as_bytes()).await;
        let mut answer = [0u8; 1024];
        let _ = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut answer)).await;
        return;
    }
    let mut request = url.replacen("https://", "wss://", 1).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "pushpull".parse().unwrap());
    let Ok((mut ws, _)) = tokio_tungstenite::client_async(request, tls).await else { return };
    match behaviour {
        Behaviour::NotJson => {
            let _ = ws.send(Message::Text("this is not json".into())).await;
        }
        Behaviour::CloseAtOnce => {
            let _ = ws.close(None).await;
        }
        Behaviour::Huge => {
            let _ = ws.send(Message::Text("x".repeat(5 * 1024 * 1024).into())).await;
        }
        Behaviour::PingFlood => {
            for _ in 0..20_000 {
                if ws.send(Message::Ping(vec![0u8; 16].into())).await.is_err() {
                    return;
                }
            }
        }
        Behaviour::SilentHandshake | Behaviour::PostInstead => {}
    }
    // Keep the socket open a while so the harness, not the peer, ends the exchange.
    let _ = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
}

fn sut(port: u16) -> PathBuf {
    let path = common::scratch("hostile-ws-initiator").join("sut.yaml");
    let text = format!(
        "name: hostile ws initiator\nprofiles: [pushpull-ws-initiator]\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: 4000, observation_ms: 1500 }}\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run_against(behaviour: Behaviour) -> (Run, Duration) {
    let mut req = common::request(Some(sut(hostile_initiator(behaviour))), None, Some(1));
    req.args = common::args(Some("ws.initiator.handshake.offers-pushpull"));
    let started = Instant::now();
    let (run, _) = common::execute(req);
    (run, started.elapsed())
}

fn verdict_of(behaviour: Behaviour) -> (Verdict, Run) {
    let (run, took) = run_against(behaviour);
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert_eq!(run.scenarios.len(), 1);
    (run.scenarios[0].verdict, run)
}

#[test]
fn a_handshake_never_sent_is_judged_after_the_observation_window() {
    let (v, run) = verdict_of(Behaviour::SilentHandshake);
    let s = &run.scenarios[0];
    // A broken rule outranks the step that could not go on for want of a socket.
    assert_eq!(v, Verdict::Fail, "{:?}", s.reason);
    assert!(s.reason.as_deref().unwrap_or("").contains("no handshake came"), "{:?}", s.reason);
    assert!(s.expectations.iter().any(|e| e.requirement == "PP-WS-003" && e.verdict == Verdict::Fail));
}

#[test]
fn a_message_that_is_not_json_fails_the_rule() {
    let (_, run) = verdict_of(Behaviour::NotJson);
    let failed: Vec<_> = run.scenarios[0].expectations.iter().filter(|e| e.verdict == Verdict::Fail).collect();
    assert!(failed.iter().any(|e| e.requirement == "PP-WS-010"), "{failed:?}");
}

#[test]
fn a_close_mid_exchange_is_judged_not_awaited() {
    let (v, run) = verdict_of(Behaviour::CloseAtOnce);
    assert_eq!(v, Verdict::Fail, "{:?}", run.scenarios[0].reason);
    assert!(run.scenarios[0].reason.as_deref().unwrap_or("").contains("closed"), "{:?}", run.scenarios[0].reason);
}

#[test]
fn an_oversized_message_is_refused_at_the_cap() {
    let (v, run) = verdict_of(Behaviour::Huge);
    assert_eq!(v, Verdict::Error, "{:?}", run.scenarios[0].reason);
    assert!(run.scenarios[0].reason.as_deref().unwrap_or("").contains("WebSocket receive"));
}

#[test]
fn a_ping_flood_does_not_outlast_the_window() {
    let (v, run) = verdict_of(Behaviour::PingFlood);
    assert!(matches!(v, Verdict::Fail | Verdict::Error), "{v:?} {:?}", run.scenarios[0].reason);
}

/// Asking for the upgrade is a MAY (PP-WS-002): a SUT that POSTs instead is
/// recorded as INFO, and the rules it had to keep once upgraded are not judged.
#[test]
fn an_initiator_that_posts_instead_of_upgrading_is_recorded() {
    let (_, run) = verdict_of(Behaviour::PostInstead);
    let e = &run.scenarios[0].expectations;
    assert!(e.iter().any(|e| e.requirement == "PP-WS-002" && e.verdict == Verdict::Info), "{e:?}");
    assert!(e.iter().all(|e| e.requirement != "PP-WS-002" || e.actual.starts_with("POST request")), "{e:?}");
}

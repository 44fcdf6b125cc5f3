//! WebSocket peers that misbehave: every one ends in a verdict within the
//! scenario deadline, never a hang or a panic.

mod common;

use futures_util::{SinkExt, StreamExt};
use setconform_reports::{Run, Verdict};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

#[derive(Clone, Copy)]
enum Behaviour {
    Silent,
    Garbage,
    NotJson,
    CloseAtOnce,
    Huge,
    PingFlood,
    /// Answers in binary frames and negotiates an extension nobody offered.
    BinaryWithExtension,
}

/// Serves `behaviour` on a loopback port, on a runtime of its own.
fn hostile_peer(behaviour: Behaviour) -> u16 {
    common::serve_on_own_runtime(move |tcp| serve(tcp, behaviour))
}

// The handshake callback's error type is tungstenite's, large or not.
#[allow(clippy::result_large_err)]
async fn serve(mut tcp: tokio::net::TcpStream, behaviour: Behaviour) {
    match behaviour {
        Behaviour::Silent => {
            let mut buf = [0u8; 4096];
            let _ = tcp.read(&mut buf).await;
            std::future::pending::<()>().await
        }
        Behaviour::Garbage => {
            let mut buf = [0u8; 4096];
            let _ = tcp.read(&mut buf).await;
            let _ = tcp.write_all(b"\x00\x01 this is not HTTP\r\n\r\n").await;
        }
        _ => {
            let agree = move |_: &Request, mut resp: Response| {
                resp.headers_mut().insert("Sec-WebSocket-Protocol", "pushpull".parse().unwrap());
                if matches!(behaviour, Behaviour::BinaryWithExtension) {
                    resp.headers_mut().insert("Sec-WebSocket-Extensions", "x-setconform-test".parse().unwrap());
                }
                Ok(resp)
            };
            let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, agree).await else { return };
            match behaviour {
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
                Behaviour::BinaryWithExtension => {
                    while let Some(Ok(_)) = ws.next().await {
                        if ws.send(Message::Binary(b"{}".to_vec().into())).await.is_err() {
                            return;
                        }
                    }
                }
                _ => {
                    while let Some(Ok(_)) = ws.next().await {
                        if ws.send(Message::Text("this is not json".into())).await.is_err() {
                            return;
                        }
                    }
                }
            }
            // Keep the socket open a while so the harness, not the peer, ends the exchange.
            let _ = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
        }
    }
}

fn run_against(behaviour: Behaviour) -> (Run, Duration) {
    run_scenario(behaviour, "ws.responder.exchange.acknowledged")
}

fn run_scenario(behaviour: Behaviour, filter: &str) -> (Run, Duration) {
    let mut req = common::request(Some(common::ws_responder_sut(hostile_peer(behaviour), 4000)), None, Some(1));
    req.args = common::args(Some(filter));
    let started = Instant::now();
    let (run, _) = common::execute(req);
    (run, started.elapsed())
}

fn assert_verdict(behaviour: Behaviour, expected: Verdict, reason_contains: Option<&str>) {
    let (run, took) = run_against(behaviour);
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let s = &run.scenarios[0];
    assert_eq!(s.verdict, expected, "{:?} {:?}", s.reason, s.expectations);
    if let Some(text) = reason_contains {
        assert!(s.reason.as_deref().unwrap_or("").contains(text), "{:?}", s.reason);
    }
}

#[test]
fn a_handshake_never_answered_times_out() {
    assert_verdict(Behaviour::Silent, Verdict::Timeout, Some("WebSocket handshake"));
}

#[test]
fn a_handshake_answered_with_garbage_is_an_error() {
    assert_verdict(Behaviour::Garbage, Verdict::Error, Some("not an HTTP status line"));
}

#[test]
fn a_message_that_is_not_json_fails_the_rule() {
    let (run, _) = run_against(Behaviour::NotJson);
    let failed: Vec<_> = run.scenarios[0].expectations.iter().filter(|e| e.verdict == Verdict::Fail).collect();
    assert!(failed.iter().any(|e| e.requirement == "PP-WS-010"), "{failed:?}");
}

#[test]
fn a_close_mid_exchange_is_judged_not_awaited() {
    assert_verdict(Behaviour::CloseAtOnce, Verdict::Fail, None);
}

#[test]
fn an_oversized_message_is_refused_at_the_cap() {
    assert_verdict(Behaviour::Huge, Verdict::Error, Some("WebSocket receive"));
}

#[test]
fn a_ping_flood_does_not_outlast_the_window() {
    // The flooding peer may give up and reset the connection first: ERROR then, else FAIL.
    let (run, took) = run_against(Behaviour::PingFlood);
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let v = run.scenarios[0].verdict;
    assert!(matches!(v, Verdict::Fail | Verdict::Error), "{v:?}");
}

/// Binary frames and an unoffered extension are readings the specs leave open
/// (AMB-03): recorded as INFO on PP-WS-010, not passed silently.
#[test]
fn binary_frames_and_unoffered_extensions_are_recorded() {
    let info_on = |run: &Run, expected: &str| {
        run.scenarios[0]
            .expectations
            .iter()
            .any(|e| e.requirement == "PP-WS-010" && e.verdict == Verdict::Info && e.expected.contains(expected))
    };
    let (run, _) = run_scenario(Behaviour::BinaryWithExtension, "ws.responder.handshake.pushpull");
    assert!(info_on(&run, "Sec-WebSocket-Extensions"), "{:?}", run.scenarios[0].expectations);
    let (run, _) = run_scenario(Behaviour::BinaryWithExtension, "ws.responder.exchange.acknowledged");
    assert!(info_on(&run, "a text message"), "{:?}", run.scenarios[0].expectations);
}

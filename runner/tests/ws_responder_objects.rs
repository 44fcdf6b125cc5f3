//! The Communication Object rules over WebSocket, against a hand-made
//! responder: each message it gets is answered with one Communication Object
//! that acknowledges the sound SETs and reports in `setErrs` those missing a
//! claim (pushpull §5, §7). One keeps the rules; one also acknowledges a jti
//! it was never sent (PP-CO-005); one leaves `description` out of its error
//! objects (PP-CO-008, AMB-09: FAIL under pushpull -03).

mod common;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use setconform_reports::{Run, Verdict};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

const SCENARIO: &str = "pushpull.ws.responder.set-errs.missing-claims";

#[derive(Clone, Copy, PartialEq)]
enum Responder {
    Keeping,
    FabricatingAcks,
    WithoutDescription,
}

// The handshake callback's error type is tungstenite's, large or not.
#[allow(clippy::result_large_err)]
async fn serve(tcp: tokio::net::TcpStream, kind: Responder) {
    let agree = |_: &Request, mut resp: Response| {
        resp.headers_mut().insert("Sec-WebSocket-Protocol", "pushpull".parse().unwrap());
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, agree).await else { return };
    while let Some(Ok(Message::Text(text))) = ws.next().await {
        let request: Value = serde_json::from_str(&text).unwrap_or_default();
        if ws.send(Message::Text(answer(&request, kind).to_string().into())).await.is_err() {
            return;
        }
    }
}

/// The answer to one message: an ack for each SET with every required claim,
/// an error object for each without.
fn answer(request: &Value, kind: Responder) -> Value {
    let (mut ack, mut errs) = (Vec::new(), Map::new());
    for (key, token) in request["sets"].as_object().into_iter().flatten() {
        if has_required_claims(token.as_str().unwrap_or_default()) {
            ack.push(json!(key));
        } else if kind == Responder::WithoutDescription {
            errs.insert(key.clone(), json!({ "err": "invalid_request" }));
        } else {
            errs.insert(key.clone(), json!({ "err": "invalid_request", "description": "a required claim is missing" }));
        }
    }
    if kind == Responder::FabricatingAcks && !ack.is_empty() {
        ack.push(json!("a-jti-nobody-sent"));
    }
    let mut object = Map::new();
    if !ack.is_empty() {
        object.insert("ack".into(), Value::Array(ack));
    }
    if !errs.is_empty() {
        object.insert("setErrs".into(), Value::Object(errs));
    }
    Value::Object(object)
}

/// Whether a compact SET's payload has iss, iat, jti and events (RFC 8417 §2.2).
fn has_required_claims(token: &str) -> bool {
    let payload = token.split('.').nth(1).unwrap_or_default();
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload) else { return false };
    let claims: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    ["iss", "iat", "jti", "events"].iter().all(|c| claims.get(c).is_some())
}

/// Runs the scenario against `kind`, served on a loopback port: the rule it
/// breaks, if any, FAILs with the scenario, and every other rule passes.
fn judge(kind: Responder, broken: Option<&str>) {
    let port = common::serve_on_own_runtime(move |tcp| serve(tcp, kind));
    let run = common::run_exact(common::ws_responder_sut(port, 6000), SCENARIO);
    for requirement in ["PP-CO-005", "PP-CO-006", "PP-CO-007", "PP-CO-008", "PP-REL-007"] {
        let expected = if broken == Some(requirement) { Verdict::Fail } else { Verdict::Pass };
        assert_eq!(verdict_on(&run, requirement), expected, "{requirement}: {:?}", common::findings(&run));
    }
    let expected = if broken.is_some() { Verdict::Fail } else { Verdict::Pass };
    assert_eq!(run.scenarios[0].verdict, expected);
}

/// The verdict on `requirement` in the one scenario run.
fn verdict_on(run: &Run, requirement: &str) -> Verdict {
    let s = &run.scenarios[0];
    let on: Vec<Verdict> = s.expectations.iter().filter(|e| e.requirement == requirement).map(|e| e.verdict).collect();
    assert!(!on.is_empty(), "{requirement} not judged: {:?}", s.expectations);
    on.into_iter().max_by_key(|v| *v == Verdict::Fail).unwrap()
}

#[test]
fn a_responder_that_keeps_the_object_rules_over_websocket_passes() {
    judge(Responder::Keeping, None);
}

#[test]
fn a_responder_that_acknowledges_a_set_it_was_not_sent_over_websocket_fails_pp_co_005() {
    judge(Responder::FabricatingAcks, Some("PP-CO-005"));
}

#[test]
fn a_responder_whose_set_errs_lack_description_over_websocket_fails_pp_co_008() {
    judge(Responder::WithoutDescription, Some("PP-CO-008"));
}

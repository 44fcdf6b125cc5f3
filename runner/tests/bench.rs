//! `setconform bench` against SUTs other than the reference: fakes (over HTTP,
//! and pushpull on a WebSocket) that withhold acknowledgements, acknowledge
//! late, refuse, acknowledge twice or what was never sent, or never answer. The real binary runs a short load and
//! its `bench.json` must account for every SET the way the fake treated it.

mod common;

use common::bench_run::{Bench, bench};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use setconform_reports::bench::BenchVerdict;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The bearer token every fake expects.
const TOKEN: &str = "bench-fake-token";
/// A sut.yaml for a SUT configured by hand that receives SETs at `url` on
/// `binding`, expecting [`TOKEN`].
fn sut_yaml(binding: &str, url: &str) -> PathBuf {
    let (profile, section) = match binding {
        "push" => ("push-receiver", "push"),
        "msp" => ("multi-set-push-receiver", "multi_set_push"),
        _ => ("pushpull-http-responder", "pushpull"),
    };
    let dir = common::scratch("fake-sut");
    std::fs::write(dir.join("token"), TOKEN).unwrap();
    let text = format!(
        "name: fake {binding} receiver\nprofiles: [{profile}]\n\
         {section}: {{ endpoint: '{url}' }}\n\
         auth: {{ bearer_token: {{ file: token }} }}\n\
         sets: {{ audience: 'https://fake.setconform.invalid/' }}\n"
    );
    let path = dir.join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// What a fake was sent and did, for the test to hold the record against.
#[derive(Default)]
struct Seen {
    /// Requests that carried SETs.
    batches: AtomicU64,
    /// Requests with an empty `sets` object: asking for what is owed.
    collects: AtomicU64,
    /// SETs acknowledged (not counting acknowledgements given twice).
    acked: AtomicU64,
    /// Jtis the fake chose to treat otherwise (never acknowledged, or refused).
    singled_out: Mutex<BTreeSet<String>>,
    /// Acknowledgements owed to a later response.
    owed: Mutex<Vec<String>>,
}

impl Seen {
    fn singled_out(&self) -> BTreeSet<String> {
        self.singled_out.lock().unwrap().clone()
    }
}

/// A bench of 400 SETs in batches of 20 on two connections against a fake
/// `binding` receiver (msp or pushpull-http) answering as `behaviour` says.
fn against_batch_fake(binding: &str, behaviour: Behaviour) -> (Bench, Arc<Seen>) {
    let (url, seen) = batch_fake(behaviour);
    let sut = sut_yaml(binding, &url);
    (bench(binding, Some(&sut), &["--batch", "20", "--connections", "2"]), seen)
}

/// How a fake answers one request's jtis: the answer's `ack` and `setErrs`.
type Behaviour = fn(&Seen, Vec<String>) -> Value;

/// A fake multi-SET push or pushpull-over-HTTP receiver at `/sets` that reads
/// the `sets` object of each request and answers as `behaviour` says.
fn batch_fake(behaviour: Behaviour) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app =
        axum::Router::new().route("/sets", axum::routing::post(answer_batch)).with_state((seen.clone(), behaviour));
    let port = common::serve_router_on_own_runtime(app);
    (format!("http://127.0.0.1:{port}/sets"), seen)
}

async fn answer_batch(
    State((seen, behaviour)): State<(Arc<Seen>, Behaviour)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorised(&headers) {
        return (StatusCode::UNAUTHORIZED, "no").into_response();
    }
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"err": "invalid_request"}))).into_response();
    };
    axum::Json(answer(&seen, behaviour, &Value::Object(request))).into_response()
}

/// The answer to a request (or message) of `sets`, counted as a batch or, with none, a collect.
fn answer(seen: &Seen, behaviour: Behaviour, request: &Value) -> Value {
    let jtis: Vec<String> =
        request.get("sets").and_then(Value::as_object).map_or(vec![], |s| s.keys().cloned().collect());
    let counter = if jtis.is_empty() { &seen.collects } else { &seen.batches };
    counter.fetch_add(1, Ordering::Relaxed);
    behaviour(seen, jtis)
}

/// The same fake on a WebSocket at `/ws` (pushpull §7): each message's `sets`
/// answered with one message, as `behaviour` says.
fn websocket_fake(behaviour: Behaviour) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app =
        axum::Router::new().route("/ws", axum::routing::get(open_websocket)).with_state((seen.clone(), behaviour));
    let port = common::serve_router_on_own_runtime(app);
    (format!("http://127.0.0.1:{port}/ws"), seen)
}

async fn open_websocket(
    State((seen, behaviour)): State<(Arc<Seen>, Behaviour)>,
    headers: HeaderMap,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    use axum::extract::ws::Message;
    if !authorised(&headers) {
        return (StatusCode::UNAUTHORIZED, "no").into_response();
    }
    upgrade
        .protocols([setconform::wire::websocket::SUBPROTOCOL])
        .on_upgrade(move |mut socket| async move {
            while let Some(Ok(message)) = socket.recv().await {
                let Message::Text(text) = message else { continue };
                let request: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                let answer = answer(&seen, behaviour, &request).to_string();
                if socket.send(Message::Text(answer.into())).await.is_err() {
                    break;
                }
            }
        })
        .into_response()
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

/// The SET number a harness jti ends in.
fn number(jti: &str) -> u64 {
    jti.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{jti}: no number"))
}

/// Acknowledges what it is sent, except every 7th SET, which it never mentions.
fn withholds_some(seen: &Seen, jtis: Vec<String>) -> Value {
    let (withheld, acked): (Vec<String>, Vec<String>) = jtis.into_iter().partition(|j| number(j) % 7 == 3);
    seen.acked.fetch_add(acked.len() as u64, Ordering::Relaxed);
    seen.singled_out.lock().unwrap().extend(withheld);
    json!({ "ack": acked })
}

/// Acknowledges each request's SETs in the answer to the next request (pushpull
/// allows an acknowledgement in a later response), whichever connection it comes on.
fn acknowledges_next_time(seen: &Seen, jtis: Vec<String>) -> Value {
    let mut owed = seen.owed.lock().unwrap();
    let now: Vec<String> = std::mem::take(&mut *owed);
    seen.acked.fetch_add(now.len() as u64, Ordering::Relaxed);
    owed.extend(jtis);
    json!({ "ack": now })
}

/// Refuses every 5th SET with `invalid_key` and acknowledges the rest.
fn refuses_some(seen: &Seen, jtis: Vec<String>) -> Value {
    let (refused, acked): (Vec<String>, Vec<String>) = jtis.into_iter().partition(|j| number(j).is_multiple_of(5));
    seen.acked.fetch_add(acked.len() as u64, Ordering::Relaxed);
    let errs: serde_json::Map<String, Value> = refused
        .iter()
        .map(|j| (j.clone(), json!({"err": "invalid_key", "description": "the fake refuses this one"})))
        .collect();
    seen.singled_out.lock().unwrap().extend(refused);
    json!({ "ack": acked, "setErrs": errs })
}

/// Acknowledges every SET, the first of each request twice, and [`STRAYS`]
/// jtis never sent: one of another shape, one of the harness's shape past its
/// pool, and the first's number written with a leading zero and with a sign.
fn acknowledges_twice_and_strays(seen: &Seen, jtis: Vec<String>) -> Value {
    let Some(first) = jtis.first().cloned() else { return json!({ "ack": [] }) };
    seen.acked.fetch_add(jtis.len() as u64, Ordering::Relaxed);
    let prefix = first.trim_end_matches(|c: char| c.is_ascii_digit());
    let n = number(&first);
    let strays =
        ["never-sent".to_owned(), format!("{prefix}9999999"), format!("{prefix}0{n}"), format!("{prefix}+{n}")];
    let mut ack = jtis;
    ack.push(first.clone());
    ack.extend(strays);
    json!({ "ack": ack })
}

/// Jtis never sent that [`acknowledges_twice_and_strays`] acknowledges per request.
const STRAYS: u64 = 4;

/// A fake push receiver answering every SET with `status` and `body`.
fn push_fake(status: StatusCode, body: Value) -> String {
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move |headers: HeaderMap| async move {
            if !authorised(&headers) {
                return (StatusCode::UNAUTHORIZED, "no").into_response();
            }
            (status, axum::Json(body)).into_response()
        }),
    );
    format!("http://127.0.0.1:{}/push", common::serve_router_on_own_runtime(app))
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Every SET was sent, each acknowledged once, each acknowledgement timed.
fn assert_all_acked(b: &Bench) {
    let r = b.record();
    assert_eq!(b.code, 0, "{}", b.output);
    assert_eq!(r.result.verdict, BenchVerdict::Accounted);
    assert!(r.ledger.sent > 0, "{:?}", r.ledger);
    assert_eq!((r.ledger.acked, r.ledger.lost), (r.ledger.sent, 0), "{:?}", r.ledger);
    assert!(r.ledger.lost_sample.is_empty());
    assert_eq!(r.steps.len(), 1);
    let step = &r.steps[0];
    assert_eq!(step.latency.count, r.ledger.acked);
    assert!(!step.timeline.is_empty());
    assert_eq!(step.timeline.iter().map(|t| t.acked).sum::<u64>(), r.ledger.acked);
    assert_eq!(step.timeline.iter().map(|t| t.sent).sum::<u64>(), r.ledger.sent);
}

fn reference_accounts_for_every_set(binding: &str) {
    let b = bench(binding, None, &[]);
    assert_all_acked(&b);
    let r = b.record();
    assert_eq!(r.sut.kind, "embedded-reference");
    assert_eq!(r.binding.name(), binding);
    assert_eq!(r.ledger.sent, 400, "400/s for 1s");
    assert!(r.result.cpu.sut_ms.is_some(), "the embedded SUT's CPU time is told apart");
    assert!(r.steps[0].cpu.sut_ms.is_some());
}

#[test]
fn the_reference_takes_every_set_by_push() {
    reference_accounts_for_every_set("push");
}

#[test]
fn the_reference_takes_every_set_by_multi_set_push() {
    reference_accounts_for_every_set("msp");
}

#[test]
fn the_reference_takes_every_set_by_pushpull_over_http() {
    reference_accounts_for_every_set("pushpull-http");
}

#[test]
fn the_reference_takes_every_set_by_pushpull_over_a_websocket() {
    reference_accounts_for_every_set("pushpull-ws");
}

#[test]
fn sets_a_receiver_never_acknowledges_are_lost_and_named() {
    let (b, seen) = against_batch_fake("msp", withholds_some);
    let r = b.record();
    let withheld = seen.singled_out();
    assert!(!withheld.is_empty() && withheld.len() <= 100, "{}", withheld.len());
    assert_eq!(b.code, 1, "{}", b.output);
    assert_eq!(r.result.verdict, BenchVerdict::Lost);
    assert_eq!(r.sut.kind, "external");
    assert_eq!(r.ledger.lost, withheld.len() as u64, "{:?}", r.ledger);
    assert_eq!(r.ledger.lost_sample.iter().cloned().collect::<BTreeSet<_>>(), withheld);
    assert_eq!(r.ledger.acked, seen.acked.load(Ordering::Relaxed));
    assert_eq!(r.ledger.sent, r.ledger.acked + r.ledger.lost);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(b.output.contains("SETs LOST"), "{}", b.output);
}

#[test]
fn sets_never_acknowledged_on_a_websocket_are_lost_and_named() {
    let (url, seen) = websocket_fake(withholds_some);
    let b = bench("pushpull-ws", Some(&sut_yaml("pushpull-ws", &url)), &["--batch", "20", "--connections", "2"]);
    let r = b.record();
    let withheld = seen.singled_out();
    assert!(!withheld.is_empty());
    assert_eq!(b.code, 1, "{}", b.output);
    assert_eq!(r.ledger.lost, withheld.len() as u64, "{:?}", r.ledger);
    assert_eq!(r.ledger.lost_sample.iter().cloned().collect::<BTreeSet<_>>(), withheld);
    assert_eq!(r.ledger.acked, seen.acked.load(Ordering::Relaxed));
}

#[test]
fn acknowledgements_in_a_later_message_are_collected_after_the_last_batch() {
    let (url, seen) = websocket_fake(acknowledges_next_time);
    let b = bench("pushpull-ws", Some(&sut_yaml("pushpull-ws", &url)), &["--batch", "20", "--connections", "2"]);
    assert_all_acked(&b);
    assert_eq!(b.record().ledger.sent, 400);
    assert!(seen.collects.load(Ordering::Relaxed) > 0, "the owed acknowledgements were asked for");
}

#[test]
fn acknowledgements_in_a_later_response_are_collected_after_the_last_batch() {
    let (b, seen) = against_batch_fake("pushpull-http", acknowledges_next_time);
    assert_all_acked(&b);
    let r = b.record();
    assert_eq!(r.ledger.acked, seen.acked.load(Ordering::Relaxed));
    assert_eq!(r.ledger.sent, 400);
    assert!(seen.collects.load(Ordering::Relaxed) > 0, "the owed acknowledgements were asked for");
    assert!(seen.owed.lock().unwrap().is_empty(), "nothing left owed");
}

#[test]
fn sets_refused_with_set_errs_are_counted_by_code_and_not_lost() {
    let (b, seen) = against_batch_fake("pushpull-http", refuses_some);
    let r = b.record();
    let refused = seen.singled_out().len() as u64;
    assert!(refused > 0);
    assert_eq!(b.code, 0, "{}", b.output);
    assert_eq!(r.result.verdict, BenchVerdict::Accounted);
    assert_eq!(r.ledger.refused.get("invalid_key"), Some(&refused), "{:?}", r.ledger);
    assert_eq!(r.ledger.refused.len(), 1);
    assert_eq!(r.ledger.lost, 0);
    assert_eq!(r.ledger.acked, seen.acked.load(Ordering::Relaxed));
    assert_eq!(r.ledger.sent, r.ledger.acked + refused);
    assert_eq!(r.steps[0].refused, refused);
    assert_eq!(r.steps[0].latency.count, r.ledger.acked, "refusals are not timed as acknowledgements");
}

/// A push receiver refusing every SET: all are accounted for as refused, under
/// the answer's `err` code or, without one, its status; none acknowledged (exit 3).
fn push_refuses_all(status: StatusCode, body: Value, code: &str) {
    let sut = sut_yaml("push", &push_fake(status, body));
    let b = bench("push", Some(&sut), &["--rate", "200/s"]);
    let r = b.record();
    assert_eq!(b.code, 3, "{}", b.output);
    assert_eq!(r.result.verdict, BenchVerdict::NothingMeasured);
    assert!(r.ledger.sent > 0);
    assert_eq!(r.ledger.refused.get(code), Some(&r.ledger.sent), "{:?}", r.ledger);
    assert_eq!((r.ledger.acked, r.ledger.lost), (0, 0), "{:?}", r.ledger);
}

#[test]
fn a_push_receiver_refusing_with_an_err_code_refuses_and_loses_nothing() {
    push_refuses_all(
        StatusCode::BAD_REQUEST,
        json!({"err": "invalid_request", "description": "no"}),
        "invalid_request",
    );
}

#[test]
fn a_push_receiver_answering_503_refuses_under_the_status() {
    push_refuses_all(StatusCode::SERVICE_UNAVAILABLE, json!({}), "http-503");
}

#[test]
fn acknowledgements_given_twice_or_for_sets_never_sent_are_counted() {
    let (b, seen) = against_batch_fake("msp", acknowledges_twice_and_strays);
    assert_all_acked(&b);
    let r = b.record();
    let batches = seen.batches.load(Ordering::Relaxed);
    assert_eq!(batches, 20, "400 SETs in batches of 20");
    assert_eq!(r.ledger.duplicated, batches, "{:?}", r.ledger);
    assert_eq!(r.ledger.unknown, STRAYS * batches, "{:?}", r.ledger);
    assert!(b.output.contains(&format!("{batches} duplicated, {} unknown", STRAYS * batches)), "{}", b.output);
}

/// Longest a bench of 1 s with a grace of 3 s may take against a SUT that never
/// answers: the load, the grace, a request's timeout (10 s), and room for a loaded machine.
const NEVER_ANSWERED: Duration = Duration::from_secs(35);

#[test]
fn receivers_that_never_answer_end_the_bench_in_bounded_time() {
    let port = common::silent_server();
    // The three wait on their timeouts together, not one after the other.
    let benches: Vec<_> = ["push", "msp", "pushpull-ws"]
        .into_iter()
        .map(|binding| {
            let sut = sut_yaml(binding, &format!("http://127.0.0.1:{port}/sets"));
            (binding, std::thread::spawn(move || bench(binding, Some(&sut), &[])))
        })
        .collect();
    for (binding, b) in benches {
        let b = b.join().unwrap();
        assert!(b.took < NEVER_ANSWERED, "{binding}: {:?}", b.took);
        assert_eq!(b.code, 3, "{binding}: nothing acknowledged\n{}", b.output);
        assert!(b.output.contains("timeout"), "{binding}: {}", b.output);
        if binding == "pushpull-ws" {
            // No stream could be opened: nothing was measured, and the bench says why.
            assert!(b.record.is_none());
            assert!(b.output.contains("cannot open a pushpull WebSocket"), "{}", b.output);
            continue;
        }
        let r = b.record();
        assert!(r.ledger.sent > 0 && r.ledger.lost == r.ledger.sent, "{binding}: {:?}", r.ledger);
        assert!(r.errors.get("timeout").is_some_and(|n| *n > 0), "{binding}: {:?}", r.errors);
        if binding == "push" {
            // Each connection is held by its first SET: the rest are never sent, and say so.
            let not_sent = r.errors.get("not-sent").copied().unwrap_or(0);
            assert_eq!(r.ledger.sent + not_sent, 400, "{:?} {:?}", r.ledger, r.errors);
        }
    }
}

#[test]
fn a_receiver_not_listening_ends_the_bench_naming_the_failure() {
    let port = closed_port();
    let sut = sut_yaml("msp", &format!("http://127.0.0.1:{port}/sets"));
    let b = bench("msp", Some(&sut), &[]);
    let r = b.record();
    assert_eq!(b.code, 3, "{}", b.output);
    assert_eq!(r.ledger.lost, r.ledger.sent);
    assert!(r.errors.get("connect").is_some_and(|n| *n > 0), "{:?}", r.errors);
    // A WebSocket that cannot be opened measures nothing: the bench says why.
    let sut = sut_yaml("pushpull-ws", &format!("http://127.0.0.1:{port}/sets"));
    let b = bench("pushpull-ws", Some(&sut), &[]);
    assert_eq!(b.code, 3, "{}", b.output);
    assert!(b.record.is_none());
    assert!(b.output.contains("cannot open a pushpull WebSocket") && b.output.contains("connect"), "{}", b.output);
}

#[test]
fn impossible_flags_exit_2_naming_the_flag() {
    for (flags, named) in
        [(&["--binding", "msp", "--shard", "3/2"][..], "--shard"), (&["--binding", "carrier-pigeon"][..], "--binding")]
    {
        let b = bench_with(flags);
        assert_eq!(b.0, 2, "{flags:?}: {}", b.1);
        assert!(b.1.contains(named), "{flags:?}: {}", b.1);
    }
}

#[test]
fn a_binding_the_sut_yaml_gives_no_endpoint_for_exits_2_naming_the_field() {
    let sut = sut_yaml("push", "http://127.0.0.1:9/push");
    let sut = sut.to_str().unwrap();
    let (code, output) = bench_with(&["--binding", "msp", "--sut", sut, "--duration", "1s"]);
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("--binding msp") && output.contains("multi_set_push.endpoint"), "{output}");
}

/// `setconform bench` with exactly `flags`: its exit code and output.
fn bench_with(flags: &[&str]) -> (i32, String) {
    let out = common::scratch("flags").join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .arg("bench")
        .args(flags)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!out.join("bench.json").exists(), "{flags:?}: nothing is benched");
    (o.status.code().unwrap(), String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr))
}

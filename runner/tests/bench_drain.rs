//! `setconform bench --direction drain`: the harness has a transmitting SUT
//! queue SETs through its trigger and takes them as the binding has them
//! travel. Against the reference on every binding nothing is lost and every
//! judged SET is sound; against a fake poll transmitter that never delivers
//! some SETs and serves broken ones, the ledger names the missing jtis and the
//! judged sample names what the SETs break.

mod common;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use common::bench_run::bench;
use serde_json::{Value, json};
use setconform_reports::bench::BenchVerdict;
use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

#[test]
fn the_reference_drained_on_every_binding_delivers_every_set_and_each_judged_set_is_sound() {
    let runs: Vec<_> = ["push", "msp", "poll", "pushpull-http", "pushpull-ws"]
        .into_iter()
        .map(|binding| {
            let args = ["--direction", "drain", "--verify", "all", "--rate", "300/s", "--batch", "30"];
            (binding, std::thread::spawn(move || bench(binding, None, &args)))
        })
        .collect();
    for (binding, run) in runs {
        let b = run.join().unwrap();
        assert_eq!(b.code, 0, "{binding}: {}", b.output);
        let r = b.record();
        assert_eq!((r.ledger.sent, r.ledger.acked, r.ledger.lost), (300, 300, 0), "{binding}: {:?}", r.ledger);
        // A SET sent again before the harness's acknowledgement reached the SUT is a legal
        // redelivery (counted as duplicated, no failure); one never queued is not.
        assert_eq!(r.ledger.unknown, 0, "{binding}: {:?}", r.ledger);
        assert_eq!(r.result.latency.count, 300, "{binding}: every SET timed from its queue call");
        let judged = r.judged.as_ref().expect("a drain judges");
        assert_eq!(judged.sets, 300, "{binding}: --verify all");
        assert!(judged.broken.is_empty(), "{binding}: {:?}", judged.broken);
    }
}

/// Every fifth SET the fake queues it never delivers.
const WITHHELD_EVERY: usize = 5;
const TOKEN: &str = "drain-fake-token";

#[derive(Default)]
struct Transmitter {
    queued: Mutex<usize>,
    outbox: Mutex<VecDeque<String>>,
    withheld: Mutex<BTreeSet<String>>,
}

async fn register() -> Response {
    let answer = json!({
        "peer": "p1", "token": TOKEN,
        "sut_issuer": "https://fake-transmitter.setconform.invalid/",
        "sut_audience": "https://fake-transmitter.setconform.invalid/",
        "jwks": { "keys": [] },
    });
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn queue(State(t): State<Arc<Transmitter>>, Json(body): Json<Value>) -> Json<Value> {
    let count = body["count"].as_u64().unwrap_or(0) as usize;
    let mut jtis = Vec::new();
    let mut queued = t.queued.lock().unwrap();
    for _ in 0..count {
        *queued += 1;
        let jti = format!("fake-{}", *queued);
        if *queued % WITHHELD_EVERY == 0 {
            t.withheld.lock().unwrap().insert(jti.clone());
        } else {
            t.outbox.lock().unwrap().push_back(jti.clone());
        }
        jtis.push(jti);
    }
    Json(json!({ "jtis": jtis }))
}

/// RFC 8936 §2.4: acknowledged SETs leave the outbox; the rest are served, up to
/// `maxEvents`. Every SET it serves is no SET at all (not a JWS).
async fn poll(State(t): State<Arc<Transmitter>>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {TOKEN}")) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let acked: BTreeSet<&str> = body["ack"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut outbox = t.outbox.lock().unwrap();
    outbox.retain(|jti| !acked.contains(jti.as_str()));
    let most = body["maxEvents"].as_u64().unwrap_or(10) as usize;
    let sets: serde_json::Map<String, Value> =
        outbox.iter().take(most).map(|jti| (jti.clone(), json!("not-a-signed-set"))).collect();
    Json(json!({ "sets": sets, "moreAvailable": outbox.len() > most })).into_response()
}

fn fake_transmitter() -> (u16, Arc<Transmitter>) {
    let transmitter = Arc::new(Transmitter::default());
    let router = axum::Router::new()
        .route("/control/peers", post(register))
        .route("/control/peers/{peer}/queue", post(queue))
        .route("/control/peers/{peer}", delete(|| async { StatusCode::NO_CONTENT }))
        .route("/poll", post(poll))
        .with_state(transmitter.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    (port, transmitter)
}

#[test]
fn sets_a_transmitter_never_delivers_are_lost_and_named_and_broken_ones_are_judged() {
    let (port, transmitter) = fake_transmitter();
    let dir = common::scratch("drain-fake");
    let sut = dir.join("sut.yaml");
    let text = format!(
        "name: fake poll transmitter\nprofiles: [poll-transmitter]\n\
         poll: {{ endpoint: 'http://127.0.0.1:{port}/poll' }}\n\
         trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n"
    );
    std::fs::write(&sut, text).unwrap();
    let args = ["--direction", "drain", "--verify", "1/2", "--batch", "20", "--grace", "1s"];
    let b = bench("poll", Some(&sut), &args);
    let r = b.record();
    assert_eq!(b.code, 1, "SETs lost: {}", b.output);
    assert_eq!(r.result.verdict, BenchVerdict::Lost);
    let withheld = transmitter.withheld.lock().unwrap().clone();
    assert_eq!(r.ledger.sent, 400);
    assert_eq!(r.ledger.lost, withheld.len() as u64, "{:?}", r.ledger);
    assert_eq!(r.ledger.lost_sample.iter().cloned().collect::<BTreeSet<_>>(), withheld);
    assert_eq!(r.ledger.acked, 400 - withheld.len() as u64);
    let judged = r.judged.as_ref().unwrap();
    assert_eq!(judged.sets, r.ledger.acked / 2, "one delivered SET in two is judged");
    assert!(judged.broken.values().all(|n| *n == judged.sets), "each judged SET is broken: {judged:?}");
    assert!(!judged.broken.is_empty());
    assert!(b.output.contains("rule(s) broken"), "{}", b.output);
}

#[test]
fn a_bench_cut_short_by_sigterm_writes_its_record_and_exits_143() {
    let dir = common::scratch("bench-sigterm");
    let out = dir.join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["bench", "--binding", "push", "--rate", "200/s", "--duration", "30s", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    // SAFETY: kill(2) on the id of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed().as_secs() < 20, "the bench did not stop");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(143));
    let record: setconform_reports::bench::BenchRecord =
        serde_json::from_slice(&std::fs::read(out.join("bench.json")).unwrap()).unwrap();
    assert_eq!(record.interrupted.as_deref(), Some("interrupted by SIGTERM"));
    assert!(record.ledger.sent < 6000, "no batch started after the signal: {:?}", record.ledger);
    assert_eq!(record.ledger.lost, 0, "what was sent was still answered");
}

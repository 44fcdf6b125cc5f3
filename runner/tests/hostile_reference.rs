//! The reference's `hostile-*` faults, each against the whole pushpull
//! responder profile (HTTP, or WebSocket for the socket faults): every scenario
//! ends in a verdict within its deadline, the run completes and writes its
//! report, and the harness process stays under the memory bound the README states.

mod common;

use setconform_reference::Fault;
use setconform_reports::Verdict;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The peak resident memory the README promises for a run against any SUT.
const MEMORY_BOUND_MIB: u64 = 320;
const REQUEST_MS: u64 = 1500;
const SCENARIO_MS: u64 = 6000;

fn sut_yaml(port: u16, profile: &str) -> PathBuf {
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let dir = common::scratch("hostile-reference");
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: hostile reference\nprofiles: [{profile}]\ncapabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
         pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\n\
         trigger: {{ http: {{ url: 'https://127.0.0.1:{port}/control' }} }}\n\
         tls: {{ ca_file: '{}' }}\n\
         timeouts: {{ connect_ms: 500, request_ms: {REQUEST_MS}, scenario_ms: {SCENARIO_MS}, observation_ms: 1000 }}\n",
        ca.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

struct Outcome {
    run: serde_json::Value,
    took: Duration,
    peak_mib: u64,
}

/// Measures a command's peak resident memory from a small parent: a child
/// forked from this test process (which hosts the references) would count
/// this process's memory as its own until it execs.
const PEAK_RSS: &str = "import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";

/// Runs the profile against a reference with `fault`, in a process of its own
/// whose peak resident memory is read when it ends.
fn run_against(fault: Fault, profile: &str) -> Outcome {
    let port = common::standalone_reference_with(Some(fault));
    let out = common::scratch(fault.name()).join("out");
    let began = Instant::now();
    let measured = Command::new("python3")
        .args(["-c", PEAK_RSS, env!("CARGO_BIN_EXE_setconform")])
        .args(["run", "--sut", sut_yaml(port, profile).to_str().unwrap(), "--profile", profile, "--quiet"])
        .args(["--test-threads", "8", "--out", out.to_str().unwrap()])
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let took = began.elapsed();
    let run = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    // ru_maxrss is in KiB on Linux.
    let peak_kib: u64 = String::from_utf8_lossy(&measured.stdout).trim().parse().unwrap();
    Outcome { run, took, peak_mib: peak_kib / 1024 }
}

/// Every scenario of `profile` ends within its deadline; `expected` is the
/// verdict the hostility earns, and at least one scenario gets it.
fn check(fault: Fault, profile: &str, expected: Verdict) {
    let Outcome { run, took, peak_mib } = run_against(fault, profile);
    eprintln!("{}: {took:?}, peak RSS {peak_mib} MiB", fault.name());
    let all = run["scenarios"].as_array().unwrap();
    assert_eq!(run["summary"]["total"], all.len(), "{}: the run completed", fault.name());
    // The other profiles' scenarios are listed as N/A.
    let scenarios: Vec<_> = all.iter().filter(|s| s["profile"] == profile).collect();
    assert!(!scenarios.is_empty(), "{}: scenarios ran", fault.name());
    for s in &scenarios {
        let ms = s["duration_ms"].as_u64().unwrap();
        // The deadline, and the time it takes to judge what did arrive (an
        // unoptimised build, several scenarios at once on a small machine).
        assert!(ms <= SCENARIO_MS + 3000, "{} {}: {ms} ms", fault.name(), s["id"]);
    }
    let verdicts: Vec<&str> = scenarios.iter().map(|s| s["verdict"].as_str().unwrap()).collect();
    assert!(verdicts.contains(&expected.to_string().as_str()), "{}: no {expected} in {verdicts:?}", fault.name());
    assert!(peak_mib < MEMORY_BOUND_MIB, "{}: peak RSS {peak_mib} MiB", fault.name());
    assert!(took < Duration::from_secs(120), "{}: {took:?}", fault.name());
}

const HTTP: &str = "pushpull-http-responder";
const WS: &str = "pushpull-ws-responder";

#[test]
fn a_responder_that_never_answers_times_out() {
    check(Fault::HostileSilent, HTTP, Verdict::Timeout);
}

#[test]
fn a_responder_that_answers_a_byte_a_second_times_out() {
    check(Fault::HostileDrip, HTTP, Verdict::Timeout);
}

#[test]
fn a_gigabyte_body_is_cut_at_the_cap_and_judged() {
    check(Fault::HostileHugeBody, HTTP, Verdict::Fail);
}

#[test]
fn bytes_that_are_not_utf8_fail() {
    check(Fault::HostileNotUtf8, HTTP, Verdict::Fail);
}

#[test]
fn json_nested_too_deep_fails() {
    check(Fault::HostileDeepJson, HTTP, Verdict::Fail);
}

#[test]
fn a_million_members_fail_in_bounded_time() {
    check(Fault::HostileWideJson, HTTP, Verdict::Fail);
}

#[test]
fn a_body_cut_midway_is_an_error() {
    check(Fault::HostileCutBody, HTTP, Verdict::Error);
}

#[test]
fn a_redirect_loop_is_judged_not_followed() {
    check(Fault::HostileRedirectLoop, HTTP, Verdict::Fail);
}

#[test]
fn ten_thousand_headers_are_an_error() {
    check(Fault::HostileManyHeaders, HTTP, Verdict::Error);
}

#[test]
fn a_ping_flood_ends_at_the_deadline() {
    check(Fault::HostilePingFlood, WS, Verdict::Fail);
}

#[test]
fn an_oversized_websocket_message_is_refused_at_the_cap() {
    check(Fault::HostileHugeWsMessage, WS, Verdict::Error);
}

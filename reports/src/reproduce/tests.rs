//! The commands read back by a POSIX shell (`sh`) as the very words they
//! were made of, whatever the record holds.

use super::*;
use crate::{Body, Exchange, FrameRecord, Header, HttpRequest, Summary, SutInfo, Tool, Verdict};

fn run(kind: &str, file: Option<&str>) -> Run {
    Run {
        schema_version: crate::SCHEMA_VERSION.to_owned(),
        tool: Tool { name: "setconform".into(), version: "0".into() },
        started_at: String::new(),
        duration_ms: 0,
        seed: 42,
        sut: SutInfo {
            name: "sut".into(),
            kind: kind.into(),
            file: file.map(str::to_owned),
            fault: None,
            endpoints: Vec::new(),
            insecure: false,
            cleartext_endpoints: Vec::new(),
        },
        profiles: Vec::new(),
        fail_on: FailOn::Fail,
        set_profile: None,
        suite: None,
        summary: Summary::default(),
        requirements: Vec::new(),
        scenarios: Vec::new(),
        waivers: Vec::new(),
        ambiguities: Vec::new(),
        interrupted: None,
    }
}

fn scenario(id: &str) -> ScenarioResult {
    ScenarioResult {
        id: id.into(),
        title: String::new(),
        description: None,
        profile: "push-receiver".into(),
        requirements: Vec::new(),
        tags: Vec::new(),
        steps: Vec::new(),
        verdict: Verdict::Fail,
        reason: None,
        duration_ms: 0,
        expectations: Vec::new(),
        na_kind: None,
        transcript: Vec::new(),
    }
}

/// The words a POSIX shell (`sh`) reads in `command`: it prints each,
/// NUL-terminated, in place of running the command.
fn words(command: &str) -> Vec<String> {
    let (program, rest) = command.split_once(' ').unwrap_or((command, ""));
    let script = format!("printf '%s\\0' {program} {rest}");
    let out = std::process::Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
    assert!(out.status.success(), "sh could not read {command}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8 words");
    text.strip_suffix('\0').unwrap_or(&text).split('\0').map(str::to_owned).collect()
}

#[test]
fn the_embedded_reference_runs_again_with_its_fault_and_seed() {
    let mut r = run("embedded-reference", None);
    r.sut.fault = Some("push-status-200".into());
    let command = command(&r, &scenario("push.receiver.accept.valid")).unwrap().unwrap();
    assert_eq!(
        command,
        "setconform run --exact push.receiver.accept.valid --seed 42 --profile push-receiver --fault push-status-200"
    );
}

#[test]
fn options_that_change_verdicts_come_along() {
    let mut r = run("external", Some("sut.yaml"));
    r.sut.fault = Some("ignored for an external SUT".into());
    r.sut.insecure = true;
    r.fail_on = FailOn::Warn;
    r.set_profile = Some("caep-interop".into());
    r.suite = Some("my suite".into());
    let command = command(&r, &scenario("a.b")).unwrap().unwrap();
    assert_eq!(
        words(&command),
        [
            "setconform",
            "run",
            "--sut",
            "sut.yaml",
            "--exact",
            "a.b",
            "--seed",
            "42",
            "--profile",
            "push-receiver",
            "--set-profile",
            "caep-interop",
            "--fail-on",
            "warn",
            "--suite",
            "my suite",
            "--insecure"
        ]
    );
}

#[test]
fn hostile_ids_and_paths_stay_one_word_each() {
    // Were the quoting broken, the shell would only echo, or fail to parse.
    let path = "/tmp/it's $(echo injected) `echo injected` \"x\"\n;|&*?~{a,b}.yaml";
    let id = "x'; echo injected #\n$HOME `echo injected` \\ \"q\" é";
    let r = run("external", Some(path));
    let line = command(&r, &scenario(id)).unwrap().unwrap();
    let w = words(&line);
    assert_eq!((w[3].as_str(), w[5].as_str()), (path, id), "{line}");
    // An id that looks like an option goes after `--`, last.
    let line = command(&r, &scenario("--help")).unwrap().unwrap();
    let w = words(&line);
    assert_eq!(w[4], "--exact");
    assert_eq!(w[w.len() - 2..], ["--", "--help"], "{line}");
}

#[test]
fn no_command_where_the_record_cannot_tell_one() {
    assert_eq!(command(&run("external", None), &scenario("a")), None, "no sut.yaml path");
    let mut pairing = scenario("a");
    pairing.tags = vec!["pairing".into()];
    assert_eq!(command(&run("embedded-reference", None), &pairing), None, "a pairing's scenario");
    let nul = command(&run("embedded-reference", None), &scenario("a\0b")).unwrap();
    assert_eq!(nul, Err(Unquotable { what: "the scenario id" }));
}

fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Exchange {
    Exchange {
        seq: 3,
        channel: "sut".into(),
        step: 1,
        at_ms: 0,
        duration_ms: 0,
        request: HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: headers.iter().map(|(n, v)| Header { name: (*n).into(), value: (*v).into() }).collect(),
            body: Body { size: body.len(), text: body.into(), truncated: false, sets: Vec::new() },
        },
        response: None,
        process: None,
        frame: None,
        error: None,
    }
}

#[test]
fn a_request_of_the_harness_is_a_curl_command_a_shell_reads_back() {
    let body = "{\"sets\":{\"j'1\":\"$(id)`x`\"},\n\"ack\":[]}";
    let x = request(
        "POST",
        "https://127.0.0.1:8443/pushpull?a=1&b=[2]",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer [redacted]"),
            ("Content-Length", "40"),
            ("X-Empty", ""),
        ],
        body,
    );
    let curl = curl(&x).unwrap().unwrap();
    assert!(!curl.body_differs);
    assert!(curl.command.contains(" \\\n  -H "), "one header a line: {}", curl.command);
    assert_eq!(
        words(&curl.command),
        [
            "curl",
            "--globoff",
            "https://127.0.0.1:8443/pushpull?a=1&b=[2]",
            "-H",
            "Content-Type: application/json",
            "-H",
            "Authorization: Bearer [redacted]",
            "-H",
            "X-Empty;",
            "--data-binary",
            body
        ]
    );
}

#[test]
fn curl_is_told_the_method_and_never_reads_a_file() {
    let get = curl(&request("GET", "http://127.0.0.1/x", &[], "")).unwrap().unwrap();
    assert_eq!(get.command, "curl http://127.0.0.1/x");
    let delete = curl(&request("DELETE", "http://127.0.0.1/x", &[], "")).unwrap().unwrap();
    assert_eq!(words(&delete.command), ["curl", "-X", "DELETE", "http://127.0.0.1/x"]);
    let at = curl(&request("POST", "http://127.0.0.1/x", &[], "@/etc/passwd")).unwrap().unwrap();
    assert_eq!(words(&at.command), ["curl", "http://127.0.0.1/x", "--data-raw", "@/etc/passwd"]);
    let mut cut = request("POST", "http://127.0.0.1/x", &[], "{\"a\":");
    cut.request.body.truncated = true;
    assert!(curl(&cut).unwrap().unwrap().body_differs);
}

#[test]
fn only_requests_the_harness_sent_become_curl() {
    let mut inbound = request("POST", "https://127.0.0.1/x", &[], "");
    inbound.channel = "harness".into();
    let mut frame = request("WS", "wss://127.0.0.1/x", &[], "{}");
    frame.frame = Some(FrameRecord { direction: "sent".into(), opcode: "text".into(), size: 2 });
    let handshake = request("GET", "https://127.0.0.1/x", &[("Upgrade", "websocket")], "");
    let not_web = request("POST", "-K/etc/passwd", &[], "");
    for x in [inbound, frame, handshake, not_web] {
        assert!(curl(&x).is_none(), "{} {}", x.channel, x.request.url);
    }
    let nul = request("POST", "https://127.0.0.1/x", &[], "a\0b");
    assert_eq!(curl(&nul).unwrap(), Err(Unquotable { what: "the body" }));
}

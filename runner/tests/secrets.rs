//! Credentials never reach an output: known secrets are planted in every place
//! a credential enters the harness (sut.yaml's bearer token and SSF client
//! secret from the environment, a trigger answer's token and client secret, the
//! harness's endpoint tokens and OAuth clients, its signing keys) and echoed
//! where no field redaction looks (a trigger's stderr, answer and error
//! message, a URL, a SUT's error body and response header), a whole run is
//! made, and every file it writes and everything it prints is searched for them.

mod common;

use std::path::Path;
use std::process::Command;

const PLANTED_BEARER: &str = "planted-bearer-5b1f0c9e";
const PLANTED_CLIENT_SECRET: &str = "planted-client-secret-77d2";
/// A token the SUT issues at registration (`access_token`), echoed elsewhere in its answer.
const PLANTED_SUT_TOKEN: &str = "planted-sut-issued-3a9c";
/// A token the SUT puts, percent-encoded, in a URL of its answer.
const PLANTED_URL_TOKEN: &str = "planted/url+token=e41b";
/// sut.yaml's `harness.client_secret` (the SUT's client at the harness's SSF transmitter).
const PLANTED_SSF_CLIENT_SECRET: &str = "planted-ssf-client-secret-d05e";

/// Forwards each trigger action to the reference's control API. The
/// registration answer loses the reference's token (so the harness presents
/// the planted bearer token from sut.yaml) and gains a client secret, a token
/// the SUT issued (echoed in another member) and a URL carrying a token. Like
/// a command under `set -x`, it prints the bearer token from the environment
/// on stderr and echoes it in its answer; it fails `initiate` with the token
/// in its error message.
const FORWARDER: &str = r#"
import json, os, ssl, sys, urllib.parse, urllib.request
base, ca, secret = sys.argv[1], sys.argv[2], os.environ["PLANTED_CLIENT_SECRET"]
action, peer = os.environ["SETCONFORM_ACTION"], os.environ.get("SETCONFORM_PEER", "")
bearer = os.environ["SETCONFORM_PLANTED_TOKEN"]
print(f"+ curl -H 'Authorization: Bearer {bearer}' {base}", file=sys.stderr)
print("+ export SSF_CLIENT_SECRET=" + os.environ["PLANTED_SSF_CLIENT_SECRET"], file=sys.stderr)
if action == "initiate":
    print(f"curl: (22) The requested URL returned error: 500 for token={bearer}", file=sys.stderr)
    sys.exit(22)
path = {"register": "/peers", "queue": f"/peers/{peer}/queue", "initiate": f"/peers/{peer}/initiate"}[action]
req = urllib.request.Request(base + path, data=os.environ["SETCONFORM_REQUEST"].encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(req, timeout=5, context=ssl.create_default_context(cafile=ca)) as resp:
    answer = json.loads(resp.read().decode() or "{}")
if action == "register":
    answer.pop("token", None)
    answer["client_secret"] = secret
    answer["access_token"] = os.environ["PLANTED_SUT_TOKEN"]
    answer["note"] = "issued " + os.environ["PLANTED_SUT_TOKEN"]
    answer["peer_url"] = "https://127.0.0.1/peers?token=" + urllib.parse.quote(os.environ["PLANTED_URL_TOKEN"], safe="")
    answer["refresh_token"] = os.environ["PLANTED_URL_TOKEN"]
answer["echo"] = f"Authorization: Bearer {bearer}"
print(json.dumps(answer))
"#;

#[test]
fn no_planted_secret_appears_in_any_output() {
    // Unknown tokens are let through, so the planted one is used on every request.
    let port = common::standalone_reference_with(Some(setconform_reference::Fault::NoAuthCheck));
    let dir = common::scratch("secrets");
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    std::fs::write(dir.join("forward.py"), FORWARDER).unwrap();
    let sut = dir.join("sut.yaml");
    std::fs::write(
        &sut,
        format!(
            "name: reference behind a secret-planting trigger\nprofiles: [{profiles}]\n\
             capabilities: [push-pull-class, also-responder, http-auth, access-tokens, mutual-tls, jwks-uri-refresh]\n\
             pushpull: {{ endpoint: 'https://127.0.0.1:{port}/pushpull' }}\n\
             push: {{ endpoint: 'https://127.0.0.1:{port}/push' }}\n\
             multi_set_push: {{ endpoint: 'https://127.0.0.1:{port}/msp' }}\n\
             poll: {{ endpoint: 'https://127.0.0.1:{port}/poll' }}\n\
             tls: {{ ca_file: '{ca}' }}\n\
             auth: {{ bearer_token: {{ env: SETCONFORM_PLANTED_TOKEN }} }}\n\
             harness: {{ client_secret: {{ env: PLANTED_SSF_CLIENT_SECRET }} }}\n\
             trigger: {{ exec: {{ command: [python3, ./forward.py, 'https://127.0.0.1:{port}/control', '{ca}'], \
             timeout_ms: 5000 }} }}\n",
            // Every profile but ssf-transmitter, whose SUT is driven by `trigger.ssf`, not by this exec trigger.
            profiles = setconform::run::REFERENCE_PROFILES
                .iter()
                .filter(|p| **p != "ssf-transmitter")
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            ca = ca.display()
        ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["run", "--sut", sut.to_str().unwrap(), "--seed", "3", "--out", out_dir.to_str().unwrap()])
        .env("SETCONFORM_PLANTED_TOKEN", PLANTED_BEARER)
        .env("PLANTED_CLIENT_SECRET", PLANTED_CLIENT_SECRET)
        .env("PLANTED_SUT_TOKEN", PLANTED_SUT_TOKEN)
        .env("PLANTED_URL_TOKEN", PLANTED_URL_TOKEN)
        .env("PLANTED_SSF_CLIENT_SECRET", PLANTED_SSF_CLIENT_SECRET)
        .output()
        .unwrap();
    let outputs = outputs_of(&out, &out_dir);
    let run: serde_json::Value =
        serde_json::from_str(&outputs.iter().find(|(n, _)| n.ends_with("run.json")).unwrap().1).unwrap();
    assert_eq!(run["summary"]["total"], run["scenarios"].as_array().unwrap().len(), "the run completed");
    let record = &outputs.iter().find(|(n, _)| n.ends_with("run.json")).unwrap().1;
    assert!(record.contains("Bearer [redacted]"), "the planted token went out, redacted in the transcript");
    let hs256 = include_str!("../keys/hs256.secret").trim().to_owned();
    let secrets: Vec<(&str, String)> = vec![
        (
            "the bearer token from sut.yaml (request headers, the trigger's stderr and answer, its error)",
            PLANTED_BEARER.to_owned(),
        ),
        ("the trigger's client secret", PLANTED_CLIENT_SECRET.to_owned()),
        ("a token the SUT issued, echoed in its answer", PLANTED_SUT_TOKEN.to_owned()),
        ("a token the SUT issued", PLANTED_URL_TOKEN.to_owned()),
        ("a token percent-encoded in a URL", "planted%2Furl%2Btoken%3De41b".to_owned()),
        ("sut.yaml's SSF client secret, printed by the trigger", PLANTED_SSF_CLIENT_SECRET.to_owned()),
        ("a token the reference issued", "ref-token-".to_owned()),
        ("a private key", "PRIVATE KEY".to_owned()),
        ("the harness's HS256 secret", hs256),
    ];
    let mut leaks: Vec<String> = outputs
        .iter()
        .flat_map(|(name, text)| {
            secrets.iter().filter(|(_, s)| text.contains(s.as_str())).map(move |(what, _)| format!("{what} in {name}"))
        })
        .collect();
    leaks.extend(
        outputs
            .iter()
            .filter(|(_, text)| has_endpoint_token(text))
            .map(|(name, _)| format!("a harness endpoint token in {name}")),
    );
    // The oauth client secret given at registration, and the access tokens its server issues.
    for (what, prefix) in [("an oauth client secret", "secret-"), ("an issued access token", "harness-at-")] {
        leaks.extend(
            outputs
                .iter()
                .filter(|(_, text)| has_hex_secret(text, prefix))
                .map(|(name, _)| format!("{what} in {name}")),
        );
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
    // Each placement was made, and redacted where it was echoed.
    for echoed in [
        "Bearer [redacted]' ",
        "for token=[redacted]",
        "issued [redacted]",
        "peers?token=[redacted]",
        "SSF_CLIENT_SECRET=[redacted]",
    ] {
        assert!(record.contains(echoed), "{echoed} in run.json");
    }
}

const ECHOED_BEARER: &str = "echoed-bearer-0c4f9a1d";
const ECHOED_SUT_TOKEN: &str = "echoed-sut-token-62b8e7";

/// A fake push receiver that echoes the harness's bearer token in its answers'
/// bodies and in a header, and a registration whose token it echoes in another
/// member: no output of the run shows either.
#[test]
fn a_sut_echoing_tokens_in_bodies_and_headers_leaks_none() {
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(MockServer::start());
    let registered =
        serde_json::json!({ "peer": "p0", "token": ECHOED_SUT_TOKEN, "note": format!("use {ECHOED_SUT_TOKEN}") });
    let echo = ResponseTemplate::new(400)
        .insert_header("x-debug-echo", format!("Bearer {ECHOED_BEARER}").as_str())
        .set_body_json(serde_json::json!({ "err": "invalid_request", "description": format!("{ECHOED_BEARER} / {ECHOED_SUT_TOKEN}") }));
    for mock in [
        Mock::given(method("POST"))
            .and(path("/control/peers"))
            .respond_with(ResponseTemplate::new(201).set_body_json(registered)),
        Mock::given(method("POST")).and(path_regex("^/control/peers/[^/]+/")).respond_with(ResponseTemplate::new(204)),
        Mock::given(method("POST")).and(path("/push")).respond_with(echo),
    ] {
        runtime.block_on(mock.mount(&server));
    }
    let dir = common::scratch("secrets-echo");
    let port = server.address().port();
    let sut = dir.join("sut.yaml");
    std::fs::write(
        &sut,
        format!(
            "name: an echoing push receiver\nprofiles: [push-receiver]\ncapabilities: []\n\
             push: {{ endpoint: 'http://127.0.0.1:{port}/push' }}\n\
             auth: {{ bearer_token: {{ env: SETCONFORM_ECHOED_TOKEN }} }}\n\
             trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
             timeouts: {{ connect_ms: 1000, request_ms: 3000, scenario_ms: 8000, retry_window_ms: 500, \
             observation_ms: 500 }}\n"
        ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["run", "--sut", sut.to_str().unwrap(), "--seed", "3", "--out", out_dir.to_str().unwrap()])
        .env("SETCONFORM_ECHOED_TOKEN", ECHOED_BEARER)
        .output()
        .unwrap();
    let outputs = outputs_of(&out, &out_dir);
    let record = &outputs.iter().find(|(n, _)| n.ends_with("run.json")).unwrap().1;
    assert!(record.contains("x-debug-echo"), "the echoing answers were recorded");
    let leaks: Vec<String> = outputs
        .iter()
        .flat_map(|(name, text)| {
            [ECHOED_BEARER, ECHOED_SUT_TOKEN]
                .into_iter()
                .filter(|s| text.contains(s))
                .map(move |s| format!("{s} in {name}"))
        })
        .collect();
    assert!(leaks.is_empty(), "{leaks:#?}");
}

/// What a run printed (stdout, stderr) and every file it wrote, by name.
fn outputs_of(out: &std::process::Output, out_dir: &Path) -> Vec<(String, String)> {
    let mut outputs = vec![
        ("stdout".to_owned(), String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr".to_owned(), String::from_utf8_lossy(&out.stderr).into_owned()),
    ];
    let written = std::fs::read_dir(out_dir)
        .unwrap_or_else(|e| panic!("no reports in {} ({e}); stderr:\n{}", out_dir.display(), outputs[1].1));
    for entry in written {
        let path = entry.unwrap().path();
        outputs
            .push((path.display().to_string(), String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()));
    }
    outputs
}

/// Whether `text` holds a token the harness hands the SUT for its endpoint:
/// `harness-` followed by a random UUID.
fn has_endpoint_token(text: &str) -> bool {
    text.match_indices("harness-").any(|(at, prefix)| {
        let rest = &text.as_bytes()[at + prefix.len()..];
        rest.len() >= 36
            && rest[..36].iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    })
}

/// Whether `text` holds `prefix` followed by 32 hex digits: a random value the
/// harness generated (`harness::listener::private_segment`).
fn has_hex_secret(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix).any(|(at, _)| {
        let rest = &text.as_bytes()[at + prefix.len()..];
        rest.len() >= 32 && rest[..32].iter().all(u8::is_ascii_hexdigit)
    })
}

#[test]
fn the_hex_secret_pattern_matches_generated_values_only() {
    assert!(has_hex_secret(r#""client_secret":"secret-00112233445566778899aabbccddeeff""#, "secret-"));
    assert!(!has_hex_secret(r#""client_secret":"[redacted]""#, "secret-"));
}

#[test]
fn the_endpoint_token_pattern_matches_a_uuid_only() {
    assert!(has_endpoint_token(r#"{"endpoint_token":"harness-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}"#));
    assert!(!has_endpoint_token("harness-jwks.json harness-ca.pem harness-[redacted]"));
}

//! Configuration errors as a CI pipeline meets them: `check` and `run` refuse a
//! sut.yaml (or waivers, or catalogue file) that is wrong with exit 2, naming
//! the file, the field and what is wrong, in the user's terms, quoting at most
//! a short prefix of a value and never a secret.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the binary; (exit code, stdout and stderr together).
fn setconform(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_setconform")).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Writes `text` as `sut.yaml` in a fresh folder.
fn sut_file(name: &str, text: &str) -> PathBuf {
    let path = common::scratch(name).join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `check --sut` and `run --sut` on `path`: both exit 2, and each output contains every one of `says`.
fn both_refuse(path: &Path, says: &[&str]) -> Vec<String> {
    let out = common::scratch("config-errors-out");
    let sut = path.to_str().unwrap();
    let runs = [
        setconform(&["check", "--sut", sut]),
        setconform(&["run", "--sut", sut, "--quiet", "--out", out.to_str().unwrap()]),
    ];
    runs.into_iter()
        .map(|(code, text)| {
            assert_eq!(code, 2, "{text}");
            for said in says {
                assert!(text.contains(said), "{said:?} not in:\n{text}");
            }
            text
        })
        .collect()
}

const RESPONDER: &str = "pushpull: { endpoint: 'https://127.0.0.1:9/pushpull' }\n";

#[test]
fn a_misspelt_profile_or_capability_is_an_error_with_the_closest_name() {
    let text = format!(
        "name: x\nprofiles: [pushpull-http-responder, pushpull-http-responderr]\ncapabilities: [push-pull-clas]\n{RESPONDER}"
    );
    let sut = sut_file("misspelt", &text);
    both_refuse(
        &sut,
        &[
            "sut.yaml: /profiles/1: unknown profile \"pushpull-http-responderr\": did you mean pushpull-http-responder?",
            "sut.yaml: /capabilities/0: unknown capability \"push-pull-clas\": did you mean push-pull-class?",
        ],
    );
    // A correct claim with a correct capability still passes.
    let good = sut_file(
        "spelt",
        &format!("name: x\nprofiles: [pushpull-http-responder]\ncapabilities: [push-pull-class]\n{RESPONDER}"),
    );
    let (code, text) = setconform(&["check", "--sut", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    // The command line's --profile says what was meant too.
    let (code, text) = setconform(&["run", "--profile", "push-reciever", "--quiet"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--profile push-reciever: unknown profile: did you mean push-receiver?"), "{text}");
}

#[test]
fn a_claimed_profile_without_its_endpoint_is_refused_before_any_scenario() {
    let sut = sut_file("no-endpoint", "name: x\nprofiles: [push-receiver]\n");
    both_refuse(&sut, &["sut.yaml: /push/endpoint: profile push-receiver is claimed", "(push.endpoint) is not given"]);
    let sut = sut_file("no-ssf", "name: x\nprofiles: [ssf-transmitter]\n");
    both_refuse(&sut, &["sut.yaml: /trigger/ssf: profile ssf-transmitter is claimed"]);
    let sut = sut_file("no-trigger", "name: x\nprofiles: [ssf-receiver]\n");
    both_refuse(&sut, &["sut.yaml: /trigger: profile ssf-receiver is claimed"]);
    // An SSF receiver configured by hand needs no trigger.
    let sut = sut_file("by-hand", "name: x\nsetup: static\nprofiles: [ssf-receiver]\n");
    let (code, text) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    // A sender needs no endpoint of its own; a poll transmitter may name its endpoint at registration.
    let sut = sut_file(
        "senders",
        "name: x\nprofiles: [push-transmitter, poll-transmitter]\ntrigger: { http: { url: 'https://127.0.0.1:9/control' } }\n",
    );
    let (code, text) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn every_file_sut_yaml_names_is_parsed_by_check() {
    let sut = sut_file(
        "files",
        "name: x\nprofiles: [push-receiver]\npush: { endpoint: 'https://127.0.0.1:9/push' }\n\
         tls: { ca_file: ca.pem }\nsets: { jwks_file: jwks.json }\nauth: { bearer_token: { file: token } }\n",
    );
    let dir = sut.parent().unwrap();
    std::fs::write(dir.join("ca.pem"), "not a certificate\n").unwrap();
    std::fs::write(dir.join("jwks.json"), "{\"keys\": 5}").unwrap();
    std::fs::write(dir.join("token"), "\n").unwrap();
    both_refuse(
        &sut,
        &[
            "sut.yaml: /tls/ca_file: \"ca.pem\": not PEM",
            "sut.yaml: /sets/jwks_file: \"jwks.json\": not a JWKS: ",
            "sut.yaml: /auth/bearer_token/file: \"token\": it is empty",
        ],
    );
    // PEM, and no certificate in it.
    let key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\n-----END PRIVATE KEY-----\n";
    std::fs::write(dir.join("ca.pem"), key).unwrap();
    let (code, text) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(text.contains("/tls/ca_file: \"ca.pem\": no certificate in it (PEM blocks: PRIVATE KEY)"), "{text}");
    // The harness's own CA, when it is the user's: a certificate and a key, each PEM.
    let harness = sut.with_file_name("harness.yaml");
    let text = "name: x\nprofiles: [push-transmitter]\nharness: { ca_file: ca.pem, ca_key_file: token }\n";
    std::fs::write(&harness, text).unwrap();
    let (code, text) = setconform(&["check", "--sut", harness.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(text.contains("harness.yaml: /harness/ca_file: \"ca.pem\": no certificate in it"), "{text}");
    // The reference's CA passes.
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    std::fs::copy(ca, dir.join("ca.pem")).unwrap();
    std::fs::write(dir.join("jwks.json"), "{\"keys\": []}").unwrap();
    std::fs::write(dir.join("token"), "t0k3n\n").unwrap();
    let (code, text) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_duplicate_key_or_an_alias_bomb_is_said_in_the_users_terms() {
    let sut = sut_file("duplicate", &format!("name: x\nprofiles: [pushpull-http-responder]\n{RESPONDER}name: y\n"));
    for text in both_refuse(&sut, &["sut.yaml: line 4, column 1: key `name` appears twice"]) {
        assert!(!text.contains("DuplicateKeyPolicy"), "{text}");
    }
    let mut bomb = String::from("name: x\nprofiles: [push-receiver]\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        let p = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", [p.as_str(); 10].join(", ")));
    }
    let sut = sut_file("bomb", &bomb);
    for text in both_refuse(&sut, &["sut.yaml: line ", "too many aliases"]) {
        assert!(!text.contains("budget") && !text.contains("Nodes {"), "{text}");
    }
    // A waivers file goes through the same reader.
    let waivers = sut.with_file_name("waivers.yaml");
    std::fs::write(&waivers, "waivers: []\nwaivers: []\n").unwrap();
    let (code, text) = setconform(&["run", "--waivers", waivers.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("waivers.yaml: line 2, column 1: key `waivers` appears twice"), "{text}");
}

#[test]
fn a_duplicate_key_in_a_catalogue_file_is_said_in_the_users_terms() {
    let root = common::scratch("suite-duplicate");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for dir in ["suite", "profiles"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::copy(repo.join("suite/requirements.yaml"), root.join("suite/requirements.yaml")).unwrap();
    let profile = std::fs::read_to_string(repo.join("profiles/push-receiver.yaml")).unwrap();
    std::fs::write(root.join("profiles/push-receiver.yaml"), format!("{profile}\ntitle: again\n")).unwrap();
    let (code, text) = setconform(&["check", "--suite", root.to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("push-receiver.yaml: line ") && text.contains("key `title` appears twice"), "{text}");
}

#[test]
fn a_long_value_is_quoted_by_a_short_prefix_only() {
    let long = "A".repeat(300_000);
    let sut = sut_file(
        "long",
        &format!("name: {long}\nprofiles: [push-receiver]\npush: {{ endpoint: 'https://127.0.0.1:9/push' }}\n"),
    );
    for text in both_refuse(&sut, &["sut.yaml: /name: \"AAAA", "… (300000 bytes) is longer than 200 characters"]) {
        assert!(text.len() < 2_000, "{} bytes of error", text.len());
    }
    let issuer = format!("https://127.0.0.1:9/{}?q", "a".repeat(300_000));
    let sut = sut_file(
        "long-issuer",
        &format!(
            "name: x\nprofiles: [ssf-transmitter]\ntrigger: {{ ssf: {{ issuer: '{issuer}', auth: {{ bearer_token: {{ env: HOME }} }} }} }}\n"
        ),
    );
    for text in both_refuse(
        &sut,
        &["sut.yaml: /trigger/ssf/issuer: the issuer \"https://127.0.0.1:9/aaa", "… (300022 bytes) has a query"],
    ) {
        assert!(text.len() < 2_000, "{} bytes of error", text.len());
    }
    let sut = sut_file("long-profile", &format!("name: x\nprofiles: [{long}]\n"));
    for text in both_refuse(&sut, &["sut.yaml: /profiles/0: unknown profile \"AAAA", "… (300000 bytes)"]) {
        assert!(text.len() < 2_000, "{} bytes of error", text.len());
    }
}

#[test]
fn an_inline_secret_is_refused_without_being_shown() {
    let secret = "hunter2-very-secret-value";
    let ssf = format!(
        "trigger:\n  ssf:\n    issuer: https://127.0.0.1:9/\n    auth:\n      client_credentials:\n        \
         token_endpoint: https://127.0.0.1:9/token\n        client_id: me\n        client_secret: {secret}\n"
    );
    let cases = [
        format!(
            "name: x\nprofiles: [push-receiver]\npush: {{ endpoint: 'https://127.0.0.1:9/push' }}\nauth: {{ bearer_token: {secret} }}\n"
        ),
        format!(
            "name: x\nprofiles: [push-receiver]\npush: {{ endpoint: 'https://127.0.0.1:9/push' }}\nharness: {{ endpoint_token: {secret} }}\n"
        ),
        format!("name: x\nprofiles: [ssf-transmitter]\n{ssf}"),
        // Pasted where the variable's name goes.
        format!(
            "name: x\nprofiles: [push-receiver]\npush: {{ endpoint: 'https://127.0.0.1:9/push' }}\nauth: {{ bearer_token: {{ env: {secret} }} }}\n"
        ),
        format!(
            "name: x\nprofiles: [ssf-transmitter]\ntrigger: {{ ssf: {{ issuer: 'https://127.0.0.1:9/', auth: {{ bearer_token: {secret} }} }} }}\n"
        ),
    ];
    for (i, text) in cases.iter().enumerate() {
        let sut = sut_file(&format!("inline-secret-{i}"), text);
        for out in both_refuse(&sut, &["sut.yaml: /"]) {
            assert!(!out.contains(secret), "case {i} shows the secret:\n{out}");
            // Written in place of where it is read from: the error says how to name its source.
            if i != 3 {
                assert!(out.contains("{ env: VARIABLE } or { file: PATH }"), "case {i}:\n{out}");
            }
        }
    }
}

#[test]
fn out_a_file_and_no_test_threads_are_refused_clearly() {
    let file = common::scratch("out-file").join("taken");
    std::fs::write(&file, "").unwrap();
    let (code, text) = setconform(&["run", "--out", file.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(&format!("--out {} is a file, not a folder", file.display())), "{text}");
    assert!(!text.contains("os error"), "{text}");
    let (code, text) = setconform(&["run", "--test-threads", "0", "--quiet"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("at least 1 scenario must run at a time"), "{text}");
}

#[test]
fn check_warns_of_every_cleartext_endpoint_and_still_exits_0() {
    let sut = sut_file(
        "cleartext",
        "name: x\nprofiles: [pushpull-ws-responder]\n\
         pushpull: { endpoint: 'https://127.0.0.1:9/pushpull', websocket: 'ws://127.0.0.1:9/ws' }\n",
    );
    let (code, text) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("warning: /pushpull/websocket: ws://127.0.0.1:9/ws is not TLS"), "{text}");
    assert!(!text.contains("/pushpull/endpoint:"), "{text}");
}

//! How a SUT is set up (sut.yaml `setup:`, `concurrency:`, `harness.listen`
//! with a port): a SUT configured once with the harness's fixed identity and
//! endpoint, a SUT registered once per run, and the stable listener routing
//! each request to its scenario.

mod common;

use setconform_reports::{Run, Verdict};
use std::path::{Path, PathBuf};

/// The audience the reference expects in SETs for it (its control API).
const REFERENCE_AUDIENCE: &str = "https://reference.setconform.invalid/pushpull";

/// A loopback port free now (the stable listener binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path).display().to_string()
}

/// The verdicts that are neither PASS nor INFO nor N/A.
fn troubles(run: &Run) -> Vec<String> {
    let bad = |v: Verdict| !matches!(v, Verdict::Pass | Verdict::Info | Verdict::NotApplicable);
    run.scenarios.iter().filter(|s| bad(s.verdict)).map(|s| format!("{} {}: {:?}", s.verdict, s.id, s.reason)).collect()
}

fn na_reason<'r>(run: &'r Run, id: &str) -> &'r str {
    let s = run.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("{id} planned"));
    assert_eq!(s.verdict, Verdict::NotApplicable, "{id}: {:?}", s.reason);
    assert_eq!(s.na_kind, Some(setconform_reports::NaKind::CannotTest), "{id}: claimed, not testable here");
    s.reason.as_deref().unwrap_or_default()
}

/// What a person would do once by hand: tell the reference (a standalone SUT)
/// of the harness, at the stable endpoint, with the values `setconform keys
/// --sut` prints; returns the reference's answer (its peer id, token, keys).
fn configure_reference_by_hand(reference: u16, configuration: &serde_json::Value, ca_pem: &str) -> serde_json::Value {
    let body = serde_json::json!({
        "issuer": configuration["issuer"],
        "jwks": configuration["jwks"],
        "audience": configuration["audience_the_harness_wants"],
        "endpoint": configuration["endpoints"]["push-transmitter"],
        "endpoint_token": configuration["endpoint_token"],
        "endpoint_ca": ca_pem,
        "jwks_uri": configuration["jwks_uri"],
        "binding": "push",
    });
    let ca = reqwest::Certificate::from_pem(&std::fs::read(repo("reference/keys/tls/ca.pem")).unwrap()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap();
        let url = format!("https://127.0.0.1:{reference}/control/peers");
        let answer = client.post(url).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 201);
        answer.json().await.unwrap()
    })
}

/// A sut.yaml set up by hand for the reference at `reference`, with the
/// harness's stable endpoint on `port` and a CA of the user's in `dir`.
fn static_sut(dir: &Path, reference: u16, port: u16) -> PathBuf {
    let (cert, key) = setconform::harness::pki::HarnessPki::generate_kept_ca().unwrap();
    std::fs::write(dir.join("ca.pem"), &cert).unwrap();
    std::fs::write(dir.join("ca-key.pem"), key).unwrap();
    std::fs::write(dir.join("endpoint-token"), "token-configured-in-the-sut\n").unwrap();
    let head = format!(
        "name: reference configured once\nsetup: static\n\
         profiles: [push-transmitter, push-receiver]\ncapabilities: [http-auth, jwks-uri-refresh]\n\
         push: {{ endpoint: 'https://127.0.0.1:{reference}/push' }}\n\
         trigger: {{ http: {{ url: 'https://127.0.0.1:{reference}/control' }} }}\n\
         tls: {{ ca_file: '{}' }}\n\
         harness: {{ listen: '127.0.0.1:{port}', path: /conform, ca_file: ca.pem, ca_key_file: ca-key.pem, \
         endpoint_token: {{ file: endpoint-token }} }}\n",
        repo("reference/keys/tls/ca.pem")
    );
    let path = dir.join("sut.yaml");
    std::fs::write(&path, &head).unwrap();
    // The user prints what the SUT needs and configures it by hand.
    let sut = setconform::sut::SutSetup::load(&path).unwrap();
    let catalogue = setconform::run::load_catalogue(None).unwrap();
    let configuration = setconform::sut::hand::configuration(&sut, &catalogue);
    assert_eq!(configuration["endpoints"]["push-transmitter"], format!("https://127.0.0.1:{port}/conform/push"));
    assert_eq!(configuration["jwks_uri"], format!("https://127.0.0.1:{port}/conform/jwks.json"));
    assert_eq!(configuration["endpoint_token"], "token-configured-in-the-sut");
    let answer = configure_reference_by_hand(reference, &configuration, &cert);
    std::fs::write(dir.join("sut-token"), answer["token"].as_str().unwrap()).unwrap();
    std::fs::write(dir.join("sut-jwks.json"), answer["jwks"].to_string()).unwrap();
    let tail = format!(
        "auth: {{ bearer_token: {{ file: sut-token }} }}\n\
         sets: {{ issuer: '{}', audience: '{}', jwks_file: sut-jwks.json }}\n",
        answer["issuer"].as_str().unwrap(),
        REFERENCE_AUDIENCE
    );
    let peer = answer["peer"].as_str().unwrap();
    let text = head.replace("endpoint_token: {", &format!("peer: '{peer}', endpoint_token: {{")) + &tail;
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_sut_configured_once_runs_push_both_ways_against_the_stable_endpoint_without_timeout_or_fail() {
    let reference = common::standalone_reference();
    let dir = common::scratch("static");
    let sut = static_sut(&dir, reference, free_port());
    let (run, _) = common::execute(common::request(Some(sut), None, Some(11)));
    assert!(troubles(&run).is_empty(), "{:#?}", common::findings(&run));
    let passed =
        |prefix: &str| run.scenarios.iter().filter(|s| s.id.starts_with(prefix) && s.verdict == Verdict::Pass).count();
    assert!(passed("push.transmitter.") >= 3 && passed("push.receiver.") >= 3, "{:#?}", common::findings(&run));
    // What one peer set up once cannot give is N/A, with the reason.
    assert!(na_reason(&run, "push.transmitter.tls.expired-certificate").contains("certificate the SUT must refuse"));
    assert!(na_reason(&run, "push.transmitter.tls.cleartext-endpoint").contains("without TLS"));
    // No registration: the trigger only queued.
    let registrations = run
        .scenarios
        .iter()
        .flat_map(|s| &s.transcript)
        .filter(|e| format!("{e:?}").contains("/control/peers\""))
        .count();
    assert_eq!(registrations, 0);
}

/// A sut.yaml for the reference at `reference`, registered through its
/// control API, with `extra` lines (setup, concurrency, harness).
fn registered_sut(reference: u16, profiles: &str, extra: &str) -> PathBuf {
    let text = format!(
        "name: reference\nprofiles: [{profiles}]\ncapabilities: [http-auth]\n{extra}\
         push: {{ endpoint: 'https://127.0.0.1:{reference}/push' }}\n\
         trigger: {{ http: {{ url: 'https://127.0.0.1:{reference}/control' }} }}\n\
         tls: {{ ca_file: '{}' }}\n",
        repo("reference/keys/tls/ca.pem")
    );
    let path = common::scratch("registered").join("sut.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Per scenario, the endpoint URL each registration gave the SUT.
fn registered_endpoints(run: &Run) -> Vec<(String, String)> {
    run.scenarios
        .iter()
        .flat_map(|s| s.transcript.iter().map(move |e| (s, e)))
        .filter(|(_, e)| e.request.url.ends_with("/control/peers"))
        .map(|(s, e)| {
            let body = serde_json::to_value(&e.request.body).unwrap();
            let text = body.get("text").and_then(|t| t.as_str()).unwrap_or_default().to_owned();
            let sent: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            (s.id.clone(), sent["endpoint"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

#[test]
fn per_run_registers_once_with_the_bare_stable_url_and_runs_one_scenario_at_a_time() {
    let reference = common::standalone_reference();
    let port = free_port();
    let extra = format!("setup: per-run\nconcurrency: 4\nharness: {{ listen: '127.0.0.1:{port}' }}\n");
    let sut = registered_sut(reference, "push-transmitter, push-receiver", &extra);
    assert_eq!(setconform::sut::SutSetup::load(&sut).unwrap().scenario_concurrency(), Some(1));
    let (run, _) = common::execute(common::request(Some(sut), None, Some(12)));
    assert!(troubles(&run).is_empty(), "{:#?}", common::findings(&run));
    // One registration per direction for the whole run: the peer the SUT sends
    // to (at the bare stable URL) and the peer it is sent to (no endpoint).
    let mut registrations: Vec<String> = registered_endpoints(&run).into_iter().map(|(_, url)| url).collect();
    registrations.sort();
    assert_eq!(registrations, ["".to_owned(), format!("https://127.0.0.1:{port}/setconform/push")]);
    let passed = run.scenarios.iter().filter(|s| s.id.starts_with("push.") && s.verdict == Verdict::Pass).count();
    assert!(passed >= 15, "{:#?}", common::findings(&run));
    assert!(na_reason(&run, "push.transmitter.tls.wrong-name-certificate").contains("setup: per-run"));
    // The shared peer outlives each scenario: no scenario releases it.
    let released = run.scenarios.iter().flat_map(|s| &s.transcript).filter(|e| e.request.method == "DELETE");
    assert_eq!(released.count(), 0);
}

#[test]
fn per_scenario_setups_share_the_stable_port_by_path_and_certificate_scenarios_keep_their_own() {
    let reference = common::standalone_reference();
    let port = free_port();
    let extra = format!("concurrency: 2\nharness: {{ listen: '127.0.0.1:{port}' }}\n");
    let sut = registered_sut(reference, "push-transmitter", &extra);
    assert_eq!(setconform::sut::SutSetup::load(&sut).unwrap().scenario_concurrency(), Some(2));
    let (run, _) = common::execute(common::request(Some(sut), None, Some(13)));
    assert!(troubles(&run).is_empty(), "{:#?}", common::findings(&run));
    let stable = format!("https://127.0.0.1:{port}/setconform/");
    let endpoints = registered_endpoints(&run);
    assert_eq!(endpoints.len(), 12, "{endpoints:?}");
    for (id, url) in &endpoints {
        let own_certificate = id.contains(".tls.");
        assert_eq!(!url.starts_with(&stable), own_certificate, "{id}: {url}");
        if !own_certificate {
            // A private segment of its own under the base path, then the binding's path.
            let segment = url.strip_prefix(&stable).and_then(|rest| rest.strip_suffix("/push")).unwrap_or_default();
            assert_eq!(segment.len(), 32, "{id}: {url}");
        }
    }
    let distinct: std::collections::BTreeSet<_> = endpoints.iter().map(|(_, u)| u).collect();
    assert_eq!(distinct.len(), endpoints.len());
}

fn setconform(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_setconform")).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn keys_and_check_tell_a_user_what_a_static_setup_needs() {
    let dir = common::scratch("keys");
    let sut = dir.join("sut.yaml");
    // A push receiver names the endpoint the harness sends to (claimed without it, check refuses it).
    let text = "name: by hand\nsetup: static\nprofiles: [push-transmitter, push-receiver]\n\
                push: { endpoint: 'https://127.0.0.1:9/push' }\n";
    std::fs::write(&sut, text).unwrap();
    let (code, stdout, _) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "warnings only");
    assert!(stdout.contains("warning: /harness/listen") && stdout.contains("push-transmitter"), "{stdout}");
    assert!(
        !stdout.contains("warning: /harness/listen: setup: static needs the stable harness endpoint for push-receiver")
    );
    assert!(stdout.contains("warning: /harness/ca_file") && stdout.contains("setconform keys --write-ca"), "{stdout}");

    let (code, _, stderr) = setconform(&["keys", "--write-ca", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let (cert, key) = (dir.join("harness-ca.pem"), dir.join("harness-ca-key.pem"));
    assert!(std::fs::read_to_string(&cert).unwrap().contains("BEGIN CERTIFICATE"));
    assert!(stderr.contains("ca_file:") && stderr.contains("ca_key_file:"), "{stderr}");
    let usable = setconform::harness::pki::HarnessPki::from_ca(
        &std::fs::read_to_string(&cert).unwrap(),
        &std::fs::read_to_string(&key).unwrap(),
    );
    assert!(usable.is_ok(), "the CA signs the harness's certificates");

    let configured =
        "harness: { listen: '127.0.0.1:9443', ca_file: harness-ca.pem, ca_key_file: harness-ca-key.pem }\n";
    std::fs::write(&sut, std::fs::read_to_string(&sut).unwrap() + configured).unwrap();
    let (_, stdout, _) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert!(!stdout.contains("warning: /harness"), "{stdout}");
    let (code, stdout, _) = setconform(&["keys", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0);
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed["endpoints"]["push-transmitter"], "https://127.0.0.1:9443/setconform/push");
    assert_eq!(printed["jwks_uri"], "https://127.0.0.1:9443/setconform/jwks.json");
    assert_eq!(printed["issuer"], "https://harness.setconform.invalid/");
    assert_eq!(printed["jwks"]["keys"].as_array().map(Vec::len), Some(3));
    assert!(printed["endpoint_token_note"].as_str().unwrap().contains("test token"));
    assert!(printed["endpoints"].get("push-receiver").is_none(), "the harness sends there, it has no endpoint");
    // A setup or listen address that is none of the known is refused, naming the field.
    let bad = dir.join("bad.yaml");
    for (text, field) in [
        ("setup: sometimes\n", "/setup"),
        ("harness: { listen: '10.1.2.3:9443' }\n", "/harness/listen"),
        ("harness: { listen: 'localhost:9443' }\n", "/harness/listen"),
    ] {
        std::fs::write(&bad, format!("name: x\nprofiles: [push-receiver]\n{text}")).unwrap();
        let (code, _, stderr) = setconform(&["check", "--sut", bad.to_str().unwrap()]);
        assert_eq!(code, 2, "{text}");
        assert!(stderr.contains(field), "{text}: {stderr}");
    }
    // Without options, the JWKS alone, as before.
    let (_, stdout, _) = setconform(&["keys"]);
    assert!(serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["keys"].is_array());
}

#[test]
fn the_static_example_is_a_valid_configuration() {
    let dir = common::scratch("static-example");
    let text = std::fs::read_to_string(repo("examples/sut-static.yaml")).unwrap();
    std::fs::write(
        dir.join("sut.yaml"),
        text.replace("../reference/keys/tls/ca.pem", &repo("reference/keys/tls/ca.pem")),
    )
    .unwrap();
    let (cert, key) = setconform::harness::pki::HarnessPki::generate_kept_ca().unwrap();
    for (file, content) in [
        ("harness-ca.pem", cert.as_str()),
        ("harness-ca-key.pem", &key),
        ("sut-token", "t"),
        ("endpoint-token", "e"),
        ("sut-jwks.json", r#"{"keys": []}"#),
    ] {
        std::fs::write(dir.join(file), content).unwrap();
    }
    let sut = setconform::sut::SutSetup::load(&dir.join("sut.yaml")).unwrap();
    assert_eq!((sut.setup, sut.scenario_concurrency()), (setconform::sut::SetupMode::Static, Some(1)));
    assert_eq!(sut.fixed_endpoint_token(), "e");
    assert_eq!(sut.harness_stable.map(|s| s.addr.port()), Some(9443));
}

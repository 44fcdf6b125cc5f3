//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod bench_run;

use setconform::run::{self, Console, FailOn, Finished, RunRequest};
use setconform_reports::{Run, Verdict};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system temp dir, unique to this test process and call.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "setconform-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Libtest arguments for a quiet run, optionally filtered.
pub fn args(filter: Option<&str>) -> libtest_mimic::Arguments {
    let mut a = libtest_mimic::Arguments::from_iter(["setconform", "--quiet"]);
    a.filter = filter.map(str::to_owned);
    a
}

pub fn request(sut: Option<PathBuf>, fault: Option<&str>, seed: Option<u64>) -> RunRequest {
    RunRequest {
        sut_file: sut,
        profiles: Vec::new(),
        only: None,
        waivers: None,
        set_profile: None,
        fault: fault.map(str::to_owned),
        seed,
        out_dir: scratch("out"),
        suite_dir: None,
        fail_on: FailOn::Fail,
        insecure: false,
        args: args(None),
        console: Console::Silent,
    }
}

pub fn execute(req: RunRequest) -> (Run, i32) {
    let Finished { run, exit_code } = run::execute(req).expect("run configuration is valid");
    (run.expect("a run record"), exit_code)
}

/// The README's example sut.yaml with the reference's port and `edit` applied.
pub fn example_sut(port: u16, edit: impl Fn(String) -> String) -> PathBuf {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sut.yaml");
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let text = std::fs::read_to_string(example)
        .unwrap()
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
        .replace("../reference/keys/tls/ca.pem", &ca.display().to_string());
    let path = scratch("example").join("sut.yaml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// Runs the one scenario `id` against the SUT of `sut_file` (seed 1).
pub fn run_exact(sut_file: PathBuf, id: &str) -> Run {
    let mut req = request(Some(sut_file), None, Some(1));
    req.args = args(Some(id));
    req.args.exact = true;
    let (run, _) = execute(req);
    assert_eq!(run.scenarios.len(), 1, "{id} ran alone");
    assert_eq!(run.scenarios[0].id, id);
    run
}

/// Every (scenario, requirement, verdict, actual) that is not PASS.
pub fn findings(run: &Run) -> Vec<String> {
    run.scenarios
        .iter()
        .flat_map(|s| {
            let own = s.reason.iter().map(move |r| format!("{} {}: {r}", s.verdict, s.id));
            let exp = s
                .expectations
                .iter()
                .filter(|e| e.verdict != Verdict::Pass)
                .map(move |e| format!("{} {} {}: {}", e.verdict, s.id, e.requirement, e.actual));
            own.chain(exp)
        })
        .collect()
}

/// The findings that are neither INFO nor N/A for a SET profile or a profile the run does
/// not claim (a reference minting rfc8417 SETs leaves the SSF and CAEP-interop rules N/A).
pub fn beyond_info(run: &Run) -> Vec<String> {
    let set_aside = |f: &String| f.starts_with("N/A") && (f.contains("SET profile") || f.contains("is not claimed"));
    findings(run).into_iter().filter(|f| !f.starts_with("INFO") && !set_aside(f)).collect()
}

/// Starts a reference on its own runtime, as a standalone SUT; returns its port.
pub fn standalone_reference() -> u16 {
    standalone_reference_with(None)
}

/// Starts a reference running with `fault`, as a standalone SUT; returns its port.
pub fn standalone_reference_with(fault: Option<setconform_reference::Fault>) -> u16 {
    standalone_reference_configured(setconform_reference::ReferenceConfig { fault, ..Default::default() })
}

/// Starts a reference that behaves as `variant` says, a legal way other than its default.
pub fn standalone_reference_as(variant: setconform_reference::Variant) -> u16 {
    standalone_reference_configured(setconform_reference::ReferenceConfig {
        variant: Some(variant),
        ..Default::default()
    })
}

/// Starts a reference with `config`, as a standalone SUT; returns its port.
pub fn standalone_reference_configured(config: setconform_reference::ReferenceConfig) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let reference = setconform_reference::Reference::start(config).await.unwrap();
            tx.send(reference.addr().port()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

/// Serves every connection to a fresh loopback port with `serve`, on a tokio
/// runtime of its own (a thread that lives as long as the test process);
/// returns the port.
pub fn serve_on_own_runtime<F, Fut>(serve: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    listen_on_own_runtime(move |listener| async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            tokio::spawn(serve(tcp));
        }
    })
}

/// Serves `app` over plain HTTP on a loopback port, on a runtime of its own; returns the port.
pub fn serve_router_on_own_runtime(app: axum::Router) -> u16 {
    listen_on_own_runtime(move |listener| async move {
        let _ = axum::serve(listener, app).await;
    })
}

/// Binds a loopback port and hands the listener to `serve` on a runtime of its
/// own (a thread that lives as long as the test process); returns the port.
fn listen_on_own_runtime<F, Fut>(serve: F) -> u16
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            serve(listener).await;
        });
    });
    rx.recv().unwrap()
}

/// A sut.yaml for a pushpull WebSocket responder on a loopback `port`, in the
/// clear, with short timeouts and `scenario_ms` for each scenario.
pub fn ws_responder_sut(port: u16, scenario_ms: u64) -> PathBuf {
    let path = scratch("ws-responder").join("sut.yaml");
    let text = format!(
        "name: ws responder\nprofiles: [pushpull-ws-responder]\n\
         pushpull: {{ endpoint: 'http://127.0.0.1:{port}/pushpull', websocket: 'ws://127.0.0.1:{port}/pushpull' }}\n\
         timeouts: {{ connect_ms: 500, request_ms: 1000, scenario_ms: {scenario_ms} }}\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// One request to a fake SUT's control API (README: `POST {url}/peers`, `/peers/{peer}/queue`,
/// `/peers/{peer}/initiate`): its request line and JSON body.
pub struct ControlRequest {
    pub line: String,
    pub body: serde_json::Value,
}

impl ControlRequest {
    /// Whether it registers a peer (and is answered with 201 and the peer's id).
    pub fn registers(&self) -> bool {
        self.line.contains("/control/peers ")
    }
}

/// Reads one control request from `tcp`.
pub async fn read_control(tcp: &mut tokio::net::TcpStream) -> Option<ControlRequest> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let n = tcp.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (i + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let n = tcp.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = String::from_utf8_lossy(&buf[..head_end]).lines().next().unwrap_or_default().to_owned();
    let body = serde_json::from_slice(&buf[head_end..head_end + length]).unwrap_or(serde_json::Value::Null);
    Some(ControlRequest { line, body })
}

/// Answers a control request: 201 with the peer's id for a registration, else 200 `{}`.
pub async fn answer_control(tcp: &mut tokio::net::TcpStream, request: &ControlRequest) {
    use tokio::io::AsyncWriteExt;
    let (status, answer) = if request.registers() { ("201 Created", "{\"peer\": \"h1\"}") } else { ("200 OK", "{}") };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = tcp.write_all(response.as_bytes()).await;
}

/// A TLS connection to the harness's endpoint named in `registration`, trusting
/// the CA it names; with the endpoint's URL, authority and path.
pub async fn tls_to_harness(
    registration: &serde_json::Value,
) -> Option<(tokio_rustls::client::TlsStream<tokio::net::TcpStream>, String, String, String)> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};
    let url = registration["endpoint"].as_str().unwrap_or_default().to_owned();
    let ca = registration["endpoint_ca"].as_str().unwrap_or_default().to_owned();
    let (authority, path) = url.trim_start_matches("https://").split_once('/').unwrap_or_default();
    let (authority, path) = (authority.to_owned(), format!("/{path}"));
    let tcp = tokio::net::TcpStream::connect(&authority).await.ok()?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca.as_bytes()).flatten() {
        let _ = roots.add(cert);
    }
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)).connect(name, tcp).await.ok()?;
    Some((tls, url, authority, path))
}

/// A pushpull WebSocket opened to the harness's endpoint named in
/// `registration`, as an initiator SUT opens it: offering `pushpull` and
/// presenting the `endpoint_token` it was given.
pub async fn pushpull_socket_to_harness(
    registration: &serde_json::Value,
) -> Option<tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let (tls, url, _, _) = tls_to_harness(registration).await?;
    let mut request = url.replacen("https://", "wss://", 1).into_client_request().ok()?;
    request.headers_mut().insert("Sec-WebSocket-Protocol", "pushpull".parse().ok()?);
    if let Some(token) = registration["endpoint_token"].as_str() {
        request.headers_mut().insert("Authorization", format!("Bearer {token}").parse().ok()?);
    }
    tokio_tungstenite::client_async(request, tls).await.ok().map(|(ws, _)| ws)
}

/// A standalone reference (in `variant`, if any) whose SSF push streams trust
/// a CA kept for the harness, and the sut.yaml lines that make the harness use
/// that CA and trust the reference's certificate.
pub fn ssf_reference_with_kept_ca(variant: Option<setconform_reference::Variant>) -> (u16, String) {
    let dir = scratch("ssf-ca");
    let (cert, key) = setconform::harness::pki::HarnessPki::generate_kept_ca().unwrap();
    std::fs::write(dir.join("ca.pem"), &cert).unwrap();
    std::fs::write(dir.join("ca-key.pem"), key).unwrap();
    let config = setconform_reference::ReferenceConfig { ssf_endpoint_ca: Some(cert), variant, ..Default::default() };
    let port = standalone_reference_configured(config);
    let reference_ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/keys/tls/ca.pem");
    let lines = format!(
        "harness: {{ ca_file: '{}', ca_key_file: '{}' }}\ntls: {{ ca_file: '{}' }}\n",
        dir.join("ca.pem").display(),
        dir.join("ca-key.pem").display(),
        reference_ca.display()
    );
    (port, lines)
}

/// The reference's profiles a control API or command drives, comma-separated:
/// all but `ssf-transmitter`, which is driven through the SSF API (`tests/ssf_trigger.rs`).
pub fn control_api_profiles() -> String {
    let driven = setconform::run::REFERENCE_PROFILES.iter().filter(|p| **p != "ssf-transmitter");
    driven.copied().collect::<Vec<_>>().join(", ")
}

/// The expectations of `run` whose expected text names a rule instead of
/// stating what was expected: one that says a SET "keeps" a requirement id,
/// or that is no more than an id. Each as `scenario requirement: expected`.
pub fn circular_expected_texts(run: &Run) -> Vec<String> {
    run.scenarios
        .iter()
        .flat_map(|s| s.expectations.iter().map(move |e| (s, e)))
        .filter(|(_, e)| names_a_rule_only(&e.expected))
        .map(|(s, e)| format!("{} {}: {:?}", s.id, e.requirement, e.expected))
        .collect()
}

/// Whether `expected` is a requirement id alone, or says something "keeps" one.
pub fn names_a_rule_only(expected: &str) -> bool {
    let words: Vec<&str> =
        expected.split_whitespace().map(|w| w.trim_matches(|c: char| ",.;:()`".contains(c))).collect();
    words.len() == 1 && is_requirement_id(words[0])
        || words.windows(2).any(|pair| pair[0].eq_ignore_ascii_case("keeps") && is_requirement_id(pair[1]))
}

/// A requirement id: capitalised parts joined by `-`, the last one digits (`SET-021`, `PP-CO-003`).
fn is_requirement_id(word: &str) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    let Some((number, prefix)) = parts.split_last() else { return false };
    !prefix.is_empty()
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && prefix.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// A listener that accepts connections and never says a word.
pub fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

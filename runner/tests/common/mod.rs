//! Helpers shared by the integration tests.
#![allow(dead_code)]

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

/// Starts a reference on its own runtime, as a standalone SUT; returns its port.
pub fn standalone_reference() -> u16 {
    standalone_reference_with(None)
}

/// Starts a reference running with `fault`, as a standalone SUT; returns its port.
pub fn standalone_reference_with(fault: Option<setconform_reference::Fault>) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let config = setconform_reference::ReferenceConfig { fault, ..Default::default() };
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
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                tokio::spawn(serve(tcp));
            }
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

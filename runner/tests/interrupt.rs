//! A run cut short by SIGINT or SIGTERM: within 2 s it ends the running
//! scenarios as ERROR "interrupted", writes every report marked INTERRUPTED
//! and exits 130 (SIGINT) or 143 (SIGTERM); a second signal ends it at once.
#![cfg(unix)]

mod common;

use setconform_reports::{StopSignal, Verdict};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a signalled run may take to end.
const WITHIN: Duration = Duration::from_secs(2);

/// A push endpoint that takes every connection and never answers: each scenario
/// that pushes waits for its 30 s request timeout. Tells `started` of the first connection.
fn silent_endpoint(started: mpsc::Sender<()>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            let _ = started.send(());
            held.push(stream);
        }
    });
    port
}

/// Starts `setconform run` against the silent endpoint (with `extra` flags),
/// and returns once a scenario has started.
fn start_run(name: &str, extra: &[&str]) -> (Child, PathBuf) {
    let (started, first) = mpsc::channel();
    let port = silent_endpoint(started);
    let dir = common::scratch(name);
    let sut = dir.join("sut.yaml");
    let text = format!(
        "name: silent\nprofiles: [push-receiver]\npush: {{ endpoint: 'http://127.0.0.1:{port}/push' }}\n\
         timeouts: {{ connect_ms: 1000, request_ms: 30000, scenario_ms: 60000 }}\n"
    );
    std::fs::write(&sut, text).unwrap();
    let (child, out) = spawn_run(&sut, extra);
    first.recv_timeout(Duration::from_secs(60)).expect("a scenario pushed to the endpoint");
    // Let the other scenarios of the first batch start too.
    std::thread::sleep(Duration::from_millis(300));
    (child, out)
}

/// `setconform run --sut sut` with reports into `out` beside it.
fn spawn_run(sut: &Path, extra: &[&str]) -> (Child, PathBuf) {
    let out = sut.with_file_name("out");
    let child = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["run", "--seed", "1", "--sut"])
        .arg(sut)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (child, out)
}

/// Whether process `pid` still runs (a zombie nobody reaped has ended).
fn runs(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

fn signal(child: &Child, signal: StopSignal) {
    let number = match signal {
        StopSignal::Interrupt => libc::SIGINT,
        StopSignal::Terminate => libc::SIGTERM,
    };
    // SAFETY: kill(2) on the id of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, number) }, 0);
}

/// Waits for the child to end, at most [`WITHIN`] after `since`; its exit code and stdout.
fn ends_within(mut child: Child, since: Instant) -> (i32, String) {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stdout = String::new();
            std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
            return (status.code().expect("exited, not killed"), stdout);
        }
        if since.elapsed() > WITHIN {
            let _ = child.kill();
            panic!("still running {WITHIN:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every report exists and is marked; the record holds the interrupted scenarios.
fn reports_are_marked(out: &Path, signal: StopSignal) {
    let run = setconform_reports::json::read(&out.join("run.json")).expect("run.json parses");
    let value: serde_json::Value = serde_json::to_value(&run).unwrap();
    let violations = setconform::schema::Schemas::embedded().validate("run", &value).unwrap();
    assert!(violations.is_empty(), "the interrupted record keeps the run schema: {violations:?}");
    let cut = run.interrupted.as_ref().expect("the record is marked interrupted");
    assert_eq!(cut.signal, signal);
    assert_eq!(run.summary.exit_code, signal.exit_code());
    let interrupted: Vec<_> =
        run.scenarios.iter().filter(|s| s.reason.as_deref().is_some_and(|r| r.starts_with("interrupted"))).collect();
    assert!(!interrupted.is_empty(), "the running scenarios are in the record");
    assert!(interrupted.iter().all(|s| s.verdict == Verdict::Error));
    let others = run.scenarios.iter().filter(|s| !s.reason.as_deref().is_some_and(|r| r.starts_with("interrupted")));
    assert!(others.into_iter().all(|s| !cut.not_started.contains(&s.id)), "a finished scenario is not 'not started'");
    let headline = format!("INTERRUPTED by {}", signal.name());
    for file in ["report.html", "summary.md"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(&headline), "{file} carries the marker");
    }
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(junit.contains(&format!(r#"name="interrupted" value="{}""#, signal.name())), "{junit}");
}

#[test]
fn sigint_ends_the_run_with_its_reports_and_exit_code_130() {
    let (child, out) = start_run("sigint", &[]);
    signal(&child, StopSignal::Interrupt);
    let (code, stdout) = ends_within(child, Instant::now());
    assert_eq!(code, 130);
    assert!(stdout.contains("INTERRUPTED by SIGINT"), "the console summary carries the marker:\n{stdout}");
    reports_are_marked(&out, StopSignal::Interrupt);
    // The push the endpoint never answered is in the transcript, ended by the signal.
    let run = setconform_reports::json::read(&out.join("run.json")).unwrap();
    let cut_short = run
        .scenarios
        .iter()
        .flat_map(|s| &s.transcript)
        .filter(|e| e.response.is_none() && e.error.as_deref().is_some_and(|r| r.starts_with("interrupted")));
    assert!(cut_short.count() > 0, "the interrupted scenarios keep their transcript so far");
}

/// One scenario at a time: the first that pushes blocks, and those after it are never started.
#[test]
fn sigterm_ends_the_run_with_its_reports_and_exit_code_143() {
    let (child, out) = start_run("sigterm", &["--test-threads", "1"]);
    signal(&child, StopSignal::Terminate);
    let (code, _) = ends_within(child, Instant::now());
    assert_eq!(code, 143);
    reports_are_marked(&out, StopSignal::Terminate);
    let run = setconform_reports::json::read(&out.join("run.json")).unwrap();
    let not_started = &run.interrupted.as_ref().unwrap().not_started;
    assert!(!not_started.is_empty(), "scenarios after the blocked one were not started");
    assert!(run.scenarios.iter().all(|s| !not_started.contains(&s.id)), "a scenario with a result was started");
    let finished = run.scenarios.iter().filter(|s| !s.reason.as_deref().is_some_and(|r| r.starts_with("interrupted")));
    assert!(finished.count() > 0, "the scenarios that ended before the signal keep their verdicts");
    // Running again what failed there takes up what was never started, and what the signal ended.
    let again = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["run", "--list", "--rerun-failed"])
        .arg(out.join("run.json"))
        .arg("--sut")
        .arg(out.with_file_name("sut.yaml"))
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&again.stdout);
    let interrupted =
        run.scenarios.iter().filter(|s| s.reason.as_deref().is_some_and(|r| r.starts_with("interrupted")));
    for id in not_started.iter().chain(interrupted.map(|s| &s.id)) {
        assert!(listed.contains(id.as_str()), "{id} is run again:\n{listed}");
    }
}

/// Two signals at once: the run hears one first (either), then ends on the
/// other at once, with the exit code of the first.
#[test]
fn a_second_signal_ends_the_run_at_once() {
    let (child, _) = start_run("twice", &[]);
    let since = Instant::now();
    signal(&child, StopSignal::Terminate);
    signal(&child, StopSignal::Interrupt);
    let (code, _) = ends_within(child, since);
    assert!([130, 143].contains(&code), "exit code {code}");
}

/// A trigger command that hangs (it would be killed only after 60 s) is
/// killed with its scenario: nothing the run started outlives it.
#[test]
fn a_hanging_trigger_command_is_killed_with_the_run() {
    let dir = common::scratch("exec");
    let sut = dir.join("sut.yaml");
    let trigger = "trigger: { exec: { command: [sh, -c, 'echo $$ >> pids; exec sleep 60'], timeout_ms: 60000 } }";
    std::fs::write(&sut, format!("name: hanging trigger\nprofiles: [push-transmitter]\n{trigger}\n")).unwrap();
    let (child, out) = spawn_run(&sut, &[]);
    let pids = dir.join("pids");
    let waited = Instant::now();
    while !std::fs::read_to_string(&pids).is_ok_and(|p| p.ends_with('\n')) {
        assert!(waited.elapsed() < Duration::from_secs(60), "no trigger command started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, StopSignal::Interrupt);
    let (code, _) = ends_within(child, Instant::now());
    assert_eq!(code, 130);
    let pids = std::fs::read_to_string(&pids).unwrap();
    let left: Vec<&str> = pids.lines().filter(|pid| runs(pid)).collect();
    assert!(left.is_empty(), "trigger commands still running: {left:?}");
    reports_are_marked(&out, StopSignal::Interrupt);
}

/// A pairing whose SUTs' control APIs never answer, interrupted: both sides
/// are ERROR "interrupted" and the reports are marked.
#[test]
fn sigint_ends_a_pairing_with_its_reports() {
    let (started, first) = mpsc::channel();
    let port = silent_endpoint(started);
    let dir = common::scratch("pair");
    let sut = |side: &str, profile: &str| {
        let path = dir.join(format!("{side}.yaml"));
        let text = format!(
            "name: silent {side}\nprofiles: [{profile}]\npushpull: {{ endpoint: 'http://127.0.0.1:{port}/pushpull' }}\n\
             trigger: {{ http: {{ url: 'http://127.0.0.1:{port}/control' }} }}\n\
             timeouts: {{ connect_ms: 1000, request_ms: 30000, scenario_ms: 60000 }}\n"
        );
        std::fs::write(&path, text).unwrap();
        path
    };
    let (initiator, responder) =
        (sut("initiator", "pushpull-http-initiator"), sut("responder", "pushpull-http-responder"));
    let out = dir.join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .arg("pair")
        .arg("--initiator")
        .arg(&initiator)
        .arg("--responder")
        .arg(&responder)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    first.recv_timeout(Duration::from_secs(60)).expect("the pairing called a control API");
    signal(&child, StopSignal::Interrupt);
    let (code, _) = ends_within(child, Instant::now());
    assert_eq!(code, 130);
    reports_are_marked(&out, StopSignal::Interrupt);
}

//! Stopping a run on SIGINT or SIGTERM. The first signal asks the run to stop:
//! no scenario starts after it, the running ones end as ERROR "interrupted",
//! and the run writes its reports as an interrupted run. A second signal ends
//! the process at once, with the exit code of the first.

use setconform_reports::{Interruption, Run, StopSignal};
use std::time::Duration;
use tokio::sync::watch;

/// How long an interrupted run waits for the async tasks its scenarios left behind.
pub(super) const SHUTDOWN_GRACE: Duration = Duration::from_millis(200);

/// Whether, and by which signal, the run was asked to stop; cheap to clone.
#[derive(Clone)]
pub(super) struct Stop {
    asked: watch::Receiver<Option<StopSignal>>,
}

impl Stop {
    /// A run no signal stops (a run embedded in another program).
    pub(super) fn never() -> Stop {
        Stop { asked: watch::channel(None).1 }
    }

    /// The signal that asked the run to stop, if one did.
    pub(super) fn signal(&self) -> Option<StopSignal> {
        *self.asked.borrow()
    }

    /// Resolves when the run is asked to stop; never, for [`Stop::never`].
    pub(super) async fn asked(&self) -> StopSignal {
        let mut asked = self.asked.clone();
        match asked.wait_for(Option::is_some).await {
            Ok(signal) => signal.unwrap_or(StopSignal::Interrupt),
            Err(_) => std::future::pending().await,
        }
    }
}

/// Marks `run` as cut short by `signal`: the `selected` scenarios without a
/// result were never started, and the exit code is the signal's.
pub(super) fn mark(run: &mut Run, signal: StopSignal, selected: Vec<String>) {
    let ended: std::collections::BTreeSet<&str> = run.scenarios.iter().map(|s| s.id.as_str()).collect();
    let not_started = selected.into_iter().filter(|id| !ended.contains(id.as_str())).collect();
    run.interrupted = Some(Interruption { signal, not_started });
    run.summary.exit_code = signal.exit_code();
}

/// The two sides of a pairing the signal ended: ERROR, nothing judged.
pub(super) fn unfinished_pairing(signal: StopSignal) -> Vec<setconform_reports::ScenarioResult> {
    let reason = setconform_reports::interruption::scenario_reason(signal);
    let side = |id: &str, profile: &str| setconform_reports::ScenarioResult {
        id: id.to_owned(),
        title: format!("The {profile} side of a pair"),
        description: None,
        profile: profile.to_owned(),
        requirements: Vec::new(),
        tags: vec!["pairing".to_owned()],
        steps: Vec::new(),
        verdict: setconform_reports::Verdict::Error,
        reason: Some(reason.clone()),
        na_kind: None,
        duration_ms: 0,
        expectations: Vec::new(),
        transcript: Vec::new(),
    };
    vec![
        side(crate::pair::INITIATOR_ID, "pushpull-http-initiator"),
        side(crate::pair::RESPONDER_ID, "pushpull-http-responder"),
    ]
}

/// Whether SIGINT and SIGTERM stop the run (the command line) or are left to the process.
pub(super) enum Signals {
    Ignored,
    Stop,
}

impl Signals {
    pub(super) fn stop(self) -> Result<Stop, super::ConfigError> {
        match self {
            Signals::Ignored => Ok(Stop::never()),
            Signals::Stop => {
                on_signals().map_err(|e| super::ConfigError(vec![format!("cannot listen for SIGINT and SIGTERM: {e}")]))
            }
        }
    }
}

/// Listens for SIGINT and SIGTERM until the process ends, on a thread of its
/// own: a second signal still ends the process while the reports are written.
pub(super) fn on_signals() -> std::io::Result<Stop> {
    let (tell, asked) = watch::channel(None);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut signals = {
        let _entered = runtime.enter();
        Listeners::listen()?
    };
    let listen = async move {
        let first = signals.next().await;
        tell.send_replace(Some(first));
        eprintln!(
            "\nsetconform: {}: ending the running scenarios and writing the reports (a second signal ends at once)",
            first.name()
        );
        let _second = signals.next().await;
        clear_status_line();
        std::process::exit(first.exit_code());
    };
    std::thread::Builder::new().name("signals".into()).spawn(move || runtime.block_on(listen))?;
    Ok(Stop { asked })
}

/// The terminal's two status lines (see [`crate::progress`]) are not left behind by an abrupt end.
fn clear_status_line() {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if out.is_terminal() {
        // The cursor ends the second line: clear it, then the one above.
        let _ = out.write_all(b"\r\x1b[2K\x1b[1A\x1b[2K");
        let _ = out.flush();
    }
}

#[cfg(unix)]
struct Listeners {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Listeners {
    fn listen() -> std::io::Result<Listeners> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Listeners { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    async fn next(&mut self) -> StopSignal {
        tokio::select! {
            _ = self.interrupt.recv() => StopSignal::Interrupt,
            _ = self.terminate.recv() => StopSignal::Terminate,
        }
    }
}

/// Elsewhere only Ctrl-C is heard.
#[cfg(not(unix))]
struct Listeners;

#[cfg(not(unix))]
impl Listeners {
    fn listen() -> std::io::Result<Listeners> {
        Ok(Listeners)
    }

    async fn next(&mut self) -> StopSignal {
        match tokio::signal::ctrl_c().await {
            Ok(()) => StopSignal::Interrupt,
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_run_lists_what_never_started_and_exits_as_the_signal_says() {
        let text = r#"{"schema_version": "1", "tool": {"name": "setconform", "version": "0"}, "started_at": "x",
            "duration_ms": 0, "seed": 1, "sut": {"name": "s", "kind": "external"}, "profiles": [],
            "summary": {"total": 1, "pass": 1, "fail": 0, "warn": 0, "info": 0, "not_applicable": 0,
                        "error": 0, "timeout": 0, "exit_code": 0},
            "requirements": [], "scenarios": [{"id": "ran", "title": "t", "profile": "p", "requirements": [],
                "verdict": "PASS", "duration_ms": 0, "expectations": [], "transcript": []}]}"#;
        let mut run: Run = serde_json::from_str(text).unwrap();
        assert_eq!(run.interrupted, None, "an older record reads as a run that ended by itself");
        mark(&mut run, StopSignal::Terminate, vec!["ran".into(), "never".into()]);
        let expected = Interruption { signal: StopSignal::Terminate, not_started: vec!["never".into()] };
        assert_eq!(run.interrupted, Some(expected));
        assert_eq!(run.summary.exit_code, 143);
    }

    #[test]
    fn a_run_no_signal_stops_is_never_asked() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let stop = Stop::never();
        assert_eq!(stop.signal(), None);
        let waited =
            runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_millis(20), stop.asked()).await });
        assert!(waited.is_err(), "never resolves");
    }
}

//! The run's console: one plain line per finished scenario, in the order they
//! finish, for CI logs and people alike; on a terminal, a status line below
//! them shows how far the run has got and which scenarios are running.
//! Verdict words are coloured when the command line says so ([`colour`]).

pub mod colour;
mod running;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use running::{REFRESH, Running};
use setconform_reports::Verdict;
use setconform_reports::paint::Paint;
use setconform_reports::verdict::{FailOn, Outcome};
use std::io::{IsTerminal, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What the run tells its console about a scenario.
pub enum Event {
    /// The scenario (by id) has started.
    Started { id: String },
    /// The scenario has finished.
    Finished(Done),
}

/// A scenario that has finished, as the console shows it.
pub struct Done {
    pub id: String,
    pub profile: String,
    pub verdict: Verdict,
    pub duration_ms: u64,
    /// Why it is N/A, ERROR or TIMEOUT.
    pub reason: Option<String>,
}

/// Longest reason shown on a line.
const MAX_REASON: usize = 160;

/// The status lines below the results, on a terminal: how far the run has got,
/// then what is running, cut to the terminal's width.
const STATUS: &str = "[{bar:20}] {pos}/{len} scenarios done, {prefix}\n{wide_msg}";

/// How often the terminal redraws the status line, whether or not an event came.
const TICK: Duration = Duration::from_secs(1);

/// Prints each scenario as it finishes until the sender side closes.
/// `quiet`: no per-scenario lines, only the terminal's status line.
pub fn print(events: Receiver<Event>, total: usize, quiet: bool, paint: Paint) {
    let status = status_line(total);
    let mut running = Running::default();
    let mut finished = 0;
    let mut failing = 0;
    loop {
        match events.recv_timeout(REFRESH) {
            Ok(Event::Started { id }) => running.start(id, Instant::now()),
            Ok(Event::Finished(d)) => {
                running.finish(&d.id);
                finished += 1;
                if d.verdict.outcome(FailOn::Fail) != Outcome::Conformant {
                    failing += 1;
                }
                if let Some(line) = line(&d, finished, total, quiet, paint) {
                    // The status line makes way while the result is printed, then comes back below it.
                    status.suspend(|| {
                        let mut out = std::io::stdout().lock();
                        let _ = writeln!(out, "{line}");
                        let _ = out.flush();
                    });
                }
                status.set_prefix(format!("{failing} failing or incomplete"));
                status.inc(1);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        status.set_message(running.describe(Instant::now()).unwrap_or_default());
    }
    status.finish_and_clear();
}

/// The status line: drawn on stdout when it is a terminal, hidden otherwise (CI logs, pipes).
fn status_line(total: usize) -> ProgressBar {
    if !std::io::stdout().is_terminal() {
        return ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template(STATUS).map(|s| s.progress_chars("=> "));
    let status = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stdout());
    status.set_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()));
    status.set_prefix("0 failing or incomplete");
    // A long scenario's time keeps counting, so a wait does not look like a hang.
    status.enable_steady_tick(TICK);
    status
}

/// The line for a finished scenario, or none: with `quiet`, and for scenarios
/// of profiles nobody claimed (counted, not listed: the summary has them).
fn line(d: &Done, finished: usize, total: usize, quiet: bool, paint: Paint) -> Option<String> {
    let unclaimed =
        d.verdict == Verdict::NotApplicable && d.reason.as_deref().is_some_and(|r| r.contains("not claimed"));
    if quiet || unclaimed {
        return None;
    }
    let reason = match (&d.reason, d.verdict) {
        (Some(r), Verdict::NotApplicable | Verdict::Error | Verdict::Timeout) => format!(": {}", clip(r)),
        _ => String::new(),
    };
    let width = total.to_string().len();
    // Padded before it is painted: escape sequences take no room on the screen.
    let word = paint.verdict(d.verdict, &format!("{:<7}", d.verdict.as_str()));
    Some(format!("[{finished:>width$}/{total}] {word} {:<28} {} ({} ms){reason}", d.profile, d.id, d.duration_ms))
}

fn clip(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(MAX_REASON) {
        None => one_line,
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(verdict: Verdict, reason: Option<&str>) -> Done {
        let reason = reason.map(str::to_owned);
        Done { id: "a.scenario".into(), profile: "push-receiver".into(), verdict, duration_ms: 7, reason }
    }

    #[test]
    fn the_status_line_template_is_valid() {
        assert!(ProgressStyle::with_template(STATUS).is_ok());
    }

    #[test]
    fn a_line_per_scenario_with_the_reason_it_was_not_judged() {
        let pass = line(&done(Verdict::Pass, None), 3, 12, false, Paint::Plain);
        assert_eq!(pass.as_deref(), Some("[ 3/12] PASS    push-receiver                a.scenario (7 ms)"));
        let error = line(&done(Verdict::Error, Some("no\nanswer")), 12, 12, false, Paint::Plain);
        assert_eq!(error.as_deref(), Some("[12/12] ERROR   push-receiver                a.scenario (7 ms): no answer"));
        assert_eq!(line(&done(Verdict::Pass, None), 1, 1, true, Paint::Plain), None, "quiet");
        let unclaimed = done(Verdict::NotApplicable, Some("profile not claimed by the SUT"));
        assert_eq!(line(&unclaimed, 1, 1, false, Paint::Plain), None);
    }

    #[test]
    fn in_colour_the_verdict_word_is_painted_and_the_columns_stay() {
        let fail = line(&done(Verdict::Fail, None), 3, 12, false, Paint::Ansi);
        assert_eq!(
            fail.as_deref(),
            Some("[ 3/12] \x1b[31mFAIL   \x1b[0m push-receiver                a.scenario (7 ms)")
        );
    }
}

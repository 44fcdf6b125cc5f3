//! The run's console: one plain line per finished scenario, in the order they
//! finish, for CI logs and people alike; on a terminal, a status line below
//! them shows how far the run has got.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use setconform_reports::Verdict;
use setconform_reports::verdict::{FailOn, Outcome};
use std::io::{IsTerminal, Write};
use std::sync::mpsc::Receiver;

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

/// The status line below the results, on a terminal: how far the run has got.
const STATUS: &str = "[{bar:30}] {pos}/{len} scenarios done, {msg}";

/// Prints each scenario as it finishes until the sender side closes.
/// `quiet`: no per-scenario lines, only the terminal's status line.
pub fn print(done: Receiver<Done>, total: usize, quiet: bool) {
    let status = status_line(total);
    let mut finished = 0;
    let mut failing = 0;
    for d in done {
        finished += 1;
        if d.verdict.outcome(FailOn::Fail) != Outcome::Conformant {
            failing += 1;
        }
        if let Some(line) = line(&d, finished, total, quiet) {
            // The status line makes way while the result is printed, then comes back below it.
            status.suspend(|| {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            });
        }
        status.set_message(format!("{failing} failing or incomplete"));
        status.inc(1);
    }
    status.finish_and_clear();
}

/// The status line: drawn on stdout when it is a terminal, hidden otherwise (CI logs, pipes).
fn status_line(total: usize) -> ProgressBar {
    let target =
        if std::io::stdout().is_terminal() { ProgressDrawTarget::stdout() } else { ProgressDrawTarget::hidden() };
    let style = ProgressStyle::with_template(STATUS).map(|s| s.progress_chars("=> "));
    let status = ProgressBar::with_draw_target(Some(total as u64), target);
    status.set_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()));
    status.set_message("0 failing or incomplete");
    status
}

/// The line for a finished scenario, or none: with `quiet`, and for scenarios
/// of profiles nobody claimed (counted, not listed: the summary has them).
fn line(d: &Done, finished: usize, total: usize, quiet: bool) -> Option<String> {
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
    Some(format!(
        "[{finished:>width$}/{total}] {:<7} {:<28} {} ({} ms){reason}",
        d.verdict.as_str(),
        d.profile,
        d.id,
        d.duration_ms
    ))
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
        let pass = line(&done(Verdict::Pass, None), 3, 12, false);
        assert_eq!(pass.as_deref(), Some("[ 3/12] PASS    push-receiver                a.scenario (7 ms)"));
        let error = line(&done(Verdict::Error, Some("no\nanswer")), 12, 12, false);
        assert_eq!(error.as_deref(), Some("[12/12] ERROR   push-receiver                a.scenario (7 ms): no answer"));
        assert_eq!(line(&done(Verdict::Pass, None), 1, 1, true), None, "quiet");
        let unclaimed = done(Verdict::NotApplicable, Some("profile not claimed by the SUT"));
        assert_eq!(line(&unclaimed, 1, 1, false), None);
    }
}

//! The run's console: one plain line per finished scenario, in the order they
//! finish, for CI logs and people alike; on a terminal, a status line below
//! them shows how far the run has got.

use setconform_reports::Verdict;
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

/// Prints each scenario as it finishes until the sender side closes.
/// `quiet`: no per-scenario lines, only the terminal's status line.
pub fn print(done: Receiver<Done>, total: usize, quiet: bool) {
    let terminal = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    let width = total.to_string().len();
    let mut finished = 0;
    let mut failing = 0;
    for d in done {
        finished += 1;
        if matches!(d.verdict, Verdict::Fail | Verdict::Error | Verdict::Timeout) {
            failing += 1;
        }
        if terminal {
            // Clear the status line before the next result takes its place.
            let _ = write!(out, "\r\x1b[2K");
        }
        // Scenarios of profiles nobody claimed are counted, not listed: the summary has them.
        let unclaimed =
            d.verdict == Verdict::NotApplicable && d.reason.as_deref().is_some_and(|r| r.contains("not claimed"));
        if !quiet && !unclaimed {
            let reason = match (&d.reason, d.verdict) {
                (Some(r), Verdict::NotApplicable | Verdict::Error | Verdict::Timeout) => format!(": {}", clip(r)),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "[{finished:>width$}/{total}] {:<7} {:<28} {} ({} ms){reason}",
                d.verdict.as_str(),
                d.profile,
                d.id,
                d.duration_ms
            );
        }
        if terminal {
            let _ = write!(out, "{finished}/{total} scenarios done, {failing} failing or incomplete");
        }
        let _ = out.flush();
    }
    if terminal {
        let _ = write!(out, "\r\x1b[2K");
        let _ = out.flush();
    }
}

fn clip(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(MAX_REASON) {
        None => one_line,
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
    }
}

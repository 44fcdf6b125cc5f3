//! The plain-text summary printed after the per-scenario lines.

use crate::{Run, Verdict};
use std::fmt::Write;

/// Longest piece of SUT-controlled text shown on a console line.
const MAX_FIELD: usize = 300;

/// Renders the closing summary: verdict counts, then every non-passing
/// expectation as Expected / Actual, then scenarios that could not be judged.
/// The exit code follows once the reports are written ([`closing`]).
pub fn summary(run: &Run) -> String {
    let mut out = String::new();
    let s = &run.summary;
    let _ = writeln!(out, "\nsetconform {} against {}", run.tool.version, run.sut.name);
    if let Some(cut) = &run.interrupted {
        let _ = writeln!(out, "{}", cut.headline());
    }
    if let Some(why) = run.sut.not_certifiable() {
        let _ = writeln!(out, "{why}");
    }
    if let Some(fault) = &run.sut.fault {
        let _ = writeln!(out, "reference fault injected: {fault}");
    }
    let na = crate::NaCounts::of(&run.scenarios);
    let _ = write!(
        out,
        "scenarios: {} total | {} PASS | {} FAIL | {} WARN | {} INFO | {} N/A not claimed | {} N/A cannot test",
        s.total, s.pass, s.fail, s.warn, s.info, na.not_claimed, na.cannot_test
    );
    if na.unsaid > 0 {
        let _ = write!(out, " | {} N/A", na.unsaid);
    }
    let _ = write!(out, " | {} ERROR | {} TIMEOUT", s.error, s.timeout);
    let _ = if s.waived > 0 { writeln!(out, " | {} WAIVED", s.waived) } else { writeln!(out) };
    if run.fail_on == crate::verdict::FailOn::Warn {
        let _ = writeln!(out, "fails on: {}", crate::headline::gate(run.fail_on));
    }
    for sc in &run.scenarios {
        let findings: Vec<_> =
            sc.expectations.iter().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)).collect();
        if findings.is_empty() && !sc.verdict.is_incomplete() {
            continue;
        }
        let _ = writeln!(out, "\n{} {}", sc.verdict, sc.id);
        if let Some(reason) = &sc.reason {
            let _ = writeln!(out, "  reason:   {}", clip(reason));
        }
        for e in findings {
            let _ = writeln!(out, "  {} {} (step {})", e.verdict, e.requirement, e.step);
            let _ = writeln!(out, "    expected: {}", clip(&e.expected));
            let _ = writeln!(out, "    actual:   {}", clip(&e.actual));
        }
    }
    for w in run.waivers.iter().filter(|w| w.status != crate::WaiverStatus::Applied) {
        let why = match w.status {
            crate::WaiverStatus::Stale => "stale: nothing it names failed; remove it",
            _ => "expired: not applied",
        };
        let _ = writeln!(out, "\nwaiver {} {why}", clip(&w.target));
    }
    out
}

/// The last lines, printed once the reports are written: the run's headline
/// and the exit code the command ends with, which is the run's unless a report
/// could not be written.
pub fn closing(run: &Run, exit_code: i32) -> String {
    let h = crate::headline::Headline::of(run);
    let mut out = format!("\n{}: {}\nexit code {exit_code}", h.word(), h.reason());
    if exit_code != run.summary.exit_code {
        out.push_str(" (not every report could be written)");
    }
    out.push('\n');
    out
}

/// Bounds SUT-controlled text and keeps it on one line.
fn clip(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.chars().count() > MAX_FIELD {
        let cut: String = one_line.chars().take(MAX_FIELD).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_a_is_counted_by_kind() {
        let mut run: Run = serde_json::from_str(include_str!("../tests/fixtures/run-mixed.json")).unwrap();
        let counts = "| 1 INFO | 1 N/A not claimed | 0 N/A cannot test | 1 ERROR |";
        assert!(summary(&run).contains(counts), "{}", summary(&run));
        // A record that does not say why counts it as plain N/A.
        run.scenarios.iter_mut().for_each(|s| s.na_kind = None);
        assert!(summary(&run).contains("| 0 N/A not claimed | 0 N/A cannot test | 1 N/A | 1 ERROR |"));
    }

    #[test]
    fn clip_bounds_and_flattens_hostile_text() {
        let hostile = format!("a\r\nb\x1b[31m{}", "x".repeat(1000));
        let c = clip(&hostile);
        assert!(!c.contains('\n') && !c.contains('\x1b'));
        assert_eq!(c.chars().count(), MAX_FIELD + 1);
    }
}

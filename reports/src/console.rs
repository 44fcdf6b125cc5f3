//! The text summary printed after the per-scenario lines, its verdict words
//! and headline painted as the console asks ([`Paint`]).

use crate::paint::Paint;
use crate::{Run, Verdict};
use std::fmt::Write;

/// Longest piece of SUT-controlled text shown on a console line.
const MAX_FIELD: usize = 300;

/// Renders the closing summary: verdict counts, then every non-passing
/// expectation as Expected / Actual, then scenarios that could not be judged.
/// The exit code follows once the reports are written ([`closing`]).
pub fn summary(run: &Run, paint: Paint) -> String {
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
    let _ = write!(out, "scenarios: {} total", s.total);
    let counts = [
        (s.pass, Verdict::Pass, ""),
        (s.fail, Verdict::Fail, ""),
        (s.warn, Verdict::Warn, ""),
        (s.info, Verdict::Info, ""),
        (na.not_claimed, Verdict::NotApplicable, " not claimed"),
        (na.cannot_test, Verdict::NotApplicable, " cannot test"),
    ];
    let unsaid = (na.unsaid > 0).then_some((na.unsaid, Verdict::NotApplicable, ""));
    let rest = [(s.error, Verdict::Error, ""), (s.timeout, Verdict::Timeout, "")];
    let waived = (s.waived > 0).then_some((s.waived, Verdict::Waived, ""));
    for (n, verdict, kind) in counts.into_iter().chain(unsaid).chain(rest).chain(waived) {
        let _ = write!(out, " | {}", count(paint, n, verdict, kind));
    }
    let _ = writeln!(out);
    if run.fail_on == crate::verdict::FailOn::Warn {
        let _ = writeln!(out, "fails on: {}", crate::headline::gate(run.fail_on));
    }
    for sc in &run.scenarios {
        let findings: Vec<_> =
            sc.expectations.iter().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)).collect();
        if findings.is_empty() && !sc.verdict.is_incomplete() {
            continue;
        }
        let _ = writeln!(out, "\n{} {}", paint.word(sc.verdict), sc.id);
        if let Some(reason) = &sc.reason {
            let _ = writeln!(out, "  reason:   {}", clip(reason));
        }
        for e in findings {
            let _ = writeln!(out, "  {} {} (step {})", paint.word(e.verdict), e.requirement, e.step);
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
pub fn closing(run: &Run, exit_code: i32, paint: Paint) -> String {
    let h = crate::headline::Headline::of(run);
    let word = paint.headline(h, &h.word());
    let mut out = format!("\n{word}: {}\nexit code {exit_code}", h.reason());
    if exit_code != run.summary.exit_code {
        out.push_str(" (not every report could be written)");
    }
    out.push('\n');
    out
}

/// `n VERDICT` (with `kind`, e.g. " not claimed"), coloured when there are any.
fn count(paint: Paint, n: usize, verdict: Verdict, kind: &str) -> String {
    let text = format!("{n} {}{kind}", verdict.as_str());
    if n == 0 { text } else { paint.verdict(verdict, &text) }
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

    fn failed_run() -> Run {
        serde_json::from_value(serde_json::json!({
            "schema_version": "1", "tool": { "name": "setconform", "version": "0" }, "started_at": "x",
            "duration_ms": 0, "seed": 1, "sut": { "name": "s", "kind": "external" }, "profiles": [],
            "summary": { "total": 2, "pass": 1, "fail": 1, "warn": 0, "info": 0,
                         "not_applicable": 0, "error": 0, "timeout": 0, "exit_code": 1 },
            "requirements": [], "scenarios": []
        }))
        .unwrap()
    }

    #[test]
    fn plain_has_no_escapes_and_ansi_colours_the_counts_there_are_and_the_headline() {
        let run = failed_run();
        let plain = summary(&run, Paint::Plain) + &closing(&run, 1, Paint::Plain);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(plain.contains("| 1 PASS | 1 FAIL | 0 WARN |") && plain.contains("\nFailed: "), "{plain}");
        let painted = summary(&run, Paint::Ansi);
        assert!(painted.contains("| \x1b[32m1 PASS\x1b[0m | \x1b[31m1 FAIL\x1b[0m | 0 WARN |"), "{painted}");
        assert!(closing(&run, 1, Paint::Ansi).contains("\x1b[31mFailed\x1b[0m: "));
    }

    #[test]
    fn n_a_is_counted_by_kind() {
        let mut run: Run = serde_json::from_str(include_str!("../tests/fixtures/run-mixed.json")).unwrap();
        let counts = "| 1 INFO | 1 N/A not claimed | 0 N/A cannot test | 1 ERROR |";
        assert!(summary(&run, Paint::Plain).contains(counts), "{}", summary(&run, Paint::Plain));
        // A record that does not say why counts it as plain N/A.
        run.scenarios.iter_mut().for_each(|s| s.na_kind = None);
        assert!(summary(&run, Paint::Plain).contains("| 0 N/A not claimed | 0 N/A cannot test | 1 N/A | 1 ERROR |"));
    }

    #[test]
    fn clip_bounds_and_flattens_hostile_text() {
        let hostile = format!("a\r\nb\x1b[31m{}", "x".repeat(1000));
        let c = clip(&hostile);
        assert!(!c.contains('\n') && !c.contains('\x1b'));
        assert_eq!(c.chars().count(), MAX_FIELD + 1);
    }
}

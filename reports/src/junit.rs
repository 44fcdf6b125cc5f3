//! The JUnit XML report, for CI test views (GitHub Actions test reporters,
//! GitLab's `junit` artifact, Jenkins).
//!
//! One `<testsuite>` per profile, one `<testcase>` per scenario. JUnit knows
//! only pass, failure, error and skipped, so the eight verdicts fold into those:
//!
//! | verdict  | testcase                                                        |
//! |----------|-----------------------------------------------------------------|
//! | PASS     | passes                                                          |
//! | FAIL     | `<failure type="FAIL">`, every FAIL and WARN expectation listed |
//! | WARN     | passes; the warnings in `<system-out>`                          |
//! | INFO     | passes; the recorded behaviour in `<system-out>`                |
//! | N/A      | `<skipped message=reason>`                                      |
//! | ERROR    | `<error type="ERROR" message=reason>`                           |
//! | TIMEOUT  | `<error type="TIMEOUT" message=reason>`                         |
//! | WAIVED   | passes; the waived finding and the waiver's reason in `<system-out>` |
//!
//! A WARN is a pass here even when the run was started with `--fail-on warn`:
//! the report shows what was found, the exit code says whether the run gates on
//! it. A CI job that fails on warnings does so through the exit code.

use crate::{ExpectationResult, Run, ScenarioResult, Verdict, WaiverStatus};
use std::fmt::Write;

/// Longest `message` attribute; the full text goes in the element's body.
const MAX_MESSAGE: usize = 500;
/// Longest piece of SUT-controlled text in one line of a body.
const MAX_FIELD: usize = 2000;
/// Most expectations listed in one failure or `<system-out>`.
const MAX_LINES: usize = 50;

/// Renders the run as a JUnit XML document.
pub fn render(run: &Run) -> String {
    let suites = by_profile(run);
    let all = Counts::of(run.scenarios.iter());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">",
        attr(&run.tool.name),
        all.tests,
        all.failures,
        all.errors,
        all.skipped,
        seconds(run.duration_ms)
    );
    for (profile, scenarios) in &suites {
        suite(&mut out, run, profile, scenarios);
    }
    out.push_str("</testsuites>\n");
    out
}

/// Scenarios grouped by profile: the planned profiles first, in their order,
/// then any other profile a scenario names, in order of appearance.
fn by_profile(run: &Run) -> Vec<(&str, Vec<&ScenarioResult>)> {
    let mut groups: Vec<(&str, Vec<&ScenarioResult>)> = run.profiles.iter().map(|p| (p.as_str(), vec![])).collect();
    for sc in &run.scenarios {
        match groups.iter_mut().find(|(p, _)| *p == sc.profile) {
            Some((_, list)) => list.push(sc),
            None => groups.push((&sc.profile, vec![sc])),
        }
    }
    groups.retain(|(_, list)| !list.is_empty());
    groups
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    duration_ms: u64,
}

impl Counts {
    fn of<'a>(scenarios: impl IntoIterator<Item = &'a ScenarioResult>) -> Counts {
        let mut c = Counts::default();
        for sc in scenarios {
            c.tests += 1;
            c.duration_ms += sc.duration_ms;
            match sc.verdict {
                Verdict::Fail => c.failures += 1,
                Verdict::Error | Verdict::Timeout => c.errors += 1,
                Verdict::NotApplicable => c.skipped += 1,
                Verdict::Pass | Verdict::Warn | Verdict::Info | Verdict::Waived => {}
            }
        }
        c
    }
}

fn suite(out: &mut String, run: &Run, profile: &str, scenarios: &[&ScenarioResult]) {
    let c = Counts::of(scenarios.iter().copied());
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\">",
        attr(profile),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        seconds(c.duration_ms),
        attr(&run.started_at)
    );
    out.push_str("    <properties>\n");
    let mut props = vec![
        ("setconform.version", run.tool.version.clone()),
        ("sut", run.sut.name.clone()),
        ("sut.kind", run.sut.kind.clone()),
        ("seed", run.seed.to_string()),
    ];
    if run.sut.insecure {
        props.push(("certifiable", "false".to_owned()));
    }
    if let Some(fault) = &run.sut.fault {
        props.push(("fault", fault.clone()));
    }
    for (name, value) in props {
        let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", attr(name), attr(&value));
    }
    out.push_str("    </properties>\n");
    for sc in scenarios {
        case(out, run, sc);
    }
    out.push_str("  </testsuite>\n");
}

fn case(out: &mut String, run: &Run, sc: &ScenarioResult) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
        attr(&sc.profile),
        attr(&format!("{}: {}", sc.id, sc.title)),
        seconds(sc.duration_ms)
    );
    let reason = sc.reason.as_deref().unwrap_or("");
    let mut inner = String::new();
    match sc.verdict {
        Verdict::Fail => {
            let findings: Vec<String> = sc
                .expectations
                .iter()
                .filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn))
                .map(finding)
                .collect();
            let message = match findings.len() {
                0 => "FAIL".to_owned(),
                1 => findings[0].clone(),
                n => format!("{} (and {} more)", findings[0], n - 1),
            };
            let _ = writeln!(
                inner,
                "      <failure message=\"{}\" type=\"FAIL\">{}</failure>",
                attr(&clip(&message, MAX_MESSAGE)),
                text(&bounded_lines(&findings))
            );
        }
        Verdict::Error | Verdict::Timeout => {
            let _ = writeln!(
                inner,
                "      <error message=\"{}\" type=\"{}\">{}</error>",
                attr(&clip(reason, MAX_MESSAGE)),
                sc.verdict,
                text(&clip(reason, MAX_FIELD))
            );
        }
        Verdict::NotApplicable => {
            let _ = writeln!(inner, "      <skipped message=\"{}\"/>", attr(&clip(reason, MAX_MESSAGE)));
        }
        Verdict::Pass | Verdict::Warn | Verdict::Info | Verdict::Waived => {}
    }
    let notes = notes(run, sc);
    if !notes.is_empty() {
        let _ = writeln!(inner, "      <system-out>{}</system-out>", text(&bounded_lines(&notes)));
    }
    if inner.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        out.push_str(&inner);
        out.push_str("    </testcase>\n");
    }
}

/// What a reader of a passing (or failing) case should still know: warnings
/// outside a failure, INFO records, waived findings and the waivers behind them.
fn notes(run: &Run, sc: &ScenarioResult) -> Vec<String> {
    let mut lines = Vec::new();
    match sc.verdict {
        Verdict::Warn => {
            lines.push("WARN: a SHOULD-level rule is broken; the run fails on it only with --fail-on warn".into())
        }
        Verdict::Info => lines.push("INFO: behaviour recorded where the spec allows more than one reading".into()),
        Verdict::Waived => lines.push("WAIVED: a finding the SUT's owner expects and has waived".into()),
        _ => {}
    }
    for e in &sc.expectations {
        match e.verdict {
            Verdict::Warn if sc.verdict != Verdict::Fail => lines.push(finding(e)),
            Verdict::Info => lines.push(finding(e)),
            Verdict::Waived => lines.push(finding(e)),
            _ => {}
        }
    }
    let waived_here = sc.expectations.iter().any(|e| e.waiver.is_some());
    if sc.verdict == Verdict::Waived && !waived_here {
        for w in run.waivers.iter().filter(|w| w.status == WaiverStatus::Applied) {
            if w.target == sc.id || sc.requirements.contains(&w.target) {
                lines.push(format!("waiver for {}: {}", w.target, flat(&w.reason)));
            }
        }
    }
    if let (Some(reason), Verdict::Pass | Verdict::Warn | Verdict::Info | Verdict::Waived) = (&sc.reason, sc.verdict) {
        lines.push(format!("note: {}", clip(reason, MAX_FIELD)));
    }
    lines
}

/// One expectation as `VERDICT REQ (step N): expected: ... / actual: ...`.
fn finding(e: &ExpectationResult) -> String {
    let mut line = format!(
        "{} {} (step {}): expected: {} / actual: {}",
        e.verdict,
        e.requirement,
        e.step,
        clip(&e.expected, MAX_FIELD),
        clip(&e.actual, MAX_FIELD)
    );
    if let Some(amb) = &e.ambiguity {
        let _ = write!(line, " [ambiguity {}]", flat(amb));
    }
    if let Some(reason) = &e.waiver {
        let _ = write!(line, " [waived: {}]", clip(reason, MAX_FIELD));
    }
    line
}

/// The lines, one per line, the first [`MAX_LINES`] of them.
fn bounded_lines(lines: &[String]) -> String {
    let mut body: Vec<&str> = lines.iter().take(MAX_LINES).map(String::as_str).collect();
    let more = lines.len().saturating_sub(MAX_LINES);
    let tail = format!("... and {more} more");
    if more > 0 {
        body.push(&tail);
    }
    body.join("\n")
}

/// Milliseconds as JUnit's seconds.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Text kept on one line: control characters become spaces.
fn flat(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// [`flat`], then bounded to `max` characters.
fn clip(s: &str, max: usize) -> String {
    let one_line = flat(s);
    if one_line.chars().count() > max {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Whether XML 1.0 allows the character at all (§2.2 `Char`).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes element content; characters XML cannot carry are dropped.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value; whitespace is kept as character references,
/// which attribute-value normalisation would otherwise turn into spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if in_attr => out.push_str("&#9;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        let hostile = "a<b>&\"c'\u{0}\u{7}\u{1b}\u{b}\u{c}\u{fffe}\u{ffff}\td\r\n😀";
        assert_eq!(text(hostile), "a&lt;b&gt;&amp;&quot;c&apos;\td&#13;\n😀");
        assert_eq!(attr(hostile), "a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#13;&#10;😀");
    }

    #[test]
    fn long_lists_are_cut() {
        let lines: Vec<String> = (0..MAX_LINES + 7).map(|i| i.to_string()).collect();
        let body = bounded_lines(&lines);
        assert_eq!(body.lines().count(), MAX_LINES + 1);
        assert!(body.ends_with("... and 7 more"));
    }

    #[test]
    fn seconds_keep_milliseconds() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(5003), "5.003");
    }
}

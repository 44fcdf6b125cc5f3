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
//! | WARN     | passes; the warnings in `<system-out>` (under `--fail-on warn`: `<failure type="WARN">`, the warnings listed) |
//! | INFO     | passes; the recorded behaviour in `<system-out>`                |
//! | N/A      | `<skipped message=reason>`                                      |
//! | ERROR    | `<error type="ERROR" message=reason>`                           |
//! | TIMEOUT  | `<error type="TIMEOUT" message=reason>`                         |
//! | WAIVED   | passes; the waived finding and the waiver's reason in `<system-out>` |
//!
//! Texts are plain: the backticks that mark code in expected texts stay as
//! they are, as in the JSON record, and quick-junit escapes what XML needs.
//!
//! The file follows the gate the run was made under (the record's `fail_on`):
//! a CI test view counts as failures exactly the scenarios that made the exit
//! code 1, and `setconform report` renders the same file again.

use crate::verdict::Outcome;
use crate::{ExpectationResult, Run, ScenarioResult, Verdict, WaiverStatus};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString};
use std::fmt::Write;
use std::time::Duration;

/// Longest `message` attribute; the full text goes in the element's body.
const MAX_MESSAGE: usize = 500;
/// Longest piece of SUT-controlled text in one line of a body.
const MAX_FIELD: usize = 2000;
/// Most expectations listed in one failure or `<system-out>`.
const MAX_LINES: usize = 50;

/// Renders the run as a JUnit XML document.
pub fn render(run: &Run) -> String {
    let mut report = Report::new(xml(&run.tool.name));
    report.set_time(Duration::from_millis(run.duration_ms));
    report.add_test_suites(by_profile(run).into_iter().map(|(profile, scenarios)| suite(run, profile, &scenarios)));
    // Into memory, from `str`s: no write can fail and the bytes are UTF-8.
    report.to_string().expect("a report serialises into memory")
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

fn suite(run: &Run, profile: &str, scenarios: &[&ScenarioResult]) -> TestSuite {
    let mut suite = TestSuite::new(xml(profile));
    suite.set_time(Duration::from_millis(scenarios.iter().map(|sc| sc.duration_ms).sum()));
    // The record's own start time, as it is written there; quick-junit's
    // `set_timestamp` would write it again in another form.
    suite.extra.insert(xml("timestamp"), xml(&run.started_at));
    let mut props = vec![
        ("setconform.version", run.tool.version.clone()),
        ("sut", run.sut.name.clone()),
        ("sut.kind", run.sut.kind.clone()),
        ("seed", run.seed.to_string()),
    ];
    if run.sut.not_certifiable().is_some() || run.interrupted.is_some() {
        props.push(("certifiable", "false".to_owned()));
    }
    if let Some(cut) = &run.interrupted {
        props.push(("interrupted", cut.signal.name().to_owned()));
    }
    if let Some(fault) = &run.sut.fault {
        props.push(("fault", fault.clone()));
    }
    suite.add_properties(props.into_iter().map(|(name, value)| Property::new(xml(name), xml(&value))));
    suite.add_test_cases(scenarios.iter().map(|sc| case(run, sc)));
    suite
}

fn case(run: &Run, sc: &ScenarioResult) -> TestCase {
    let reason = sc.reason.as_deref().unwrap_or("");
    let status = match sc.verdict {
        Verdict::Fail => failure(run, sc),
        Verdict::Warn if fails_the_run(run, sc) => failure(run, sc),
        Verdict::Error | Verdict::Timeout => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(xml(&clip(reason, MAX_MESSAGE)));
            status.set_type(xml(sc.verdict.as_str()));
            status.set_description(xml(&clip(reason, MAX_FIELD)));
            status
        }
        Verdict::NotApplicable => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(xml(&clip(reason, MAX_MESSAGE)));
            status
        }
        Verdict::Pass | Verdict::Warn | Verdict::Info | Verdict::Waived => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(xml(&format!("{}: {}", sc.id, sc.title)), status);
    case.set_classname(xml(&sc.profile));
    case.set_time(Duration::from_millis(sc.duration_ms));
    let notes = notes(run, sc);
    if !notes.is_empty() {
        case.set_system_out(xml(&bounded_lines(&notes)));
    }
    case
}

/// A `<failure>` typed by the scenario's verdict, its FAIL and WARN findings listed.
fn failure(run: &Run, sc: &ScenarioResult) -> TestCaseStatus {
    let findings: Vec<String> = sc
        .expectations
        .iter()
        .filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn))
        .map(|e| finding(run, e))
        .collect();
    let message = match findings.len() {
        0 => sc.verdict.as_str().to_owned(),
        1 => findings[0].clone(),
        n => format!("{} (and {} more)", findings[0], n - 1),
    };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(xml(&clip(&message, MAX_MESSAGE)));
    status.set_type(xml(sc.verdict.as_str()));
    status.set_description(xml(&bounded_lines(&findings)));
    status
}

/// Whether the scenario fails the run under the gate it was made under.
fn fails_the_run(run: &Run, sc: &ScenarioResult) -> bool {
    sc.verdict.outcome(run.fail_on) == Outcome::Failed
}

/// What a reader of a passing (or failing) case should still know: warnings
/// outside a failure, INFO records, waived findings and the waivers behind them.
fn notes(run: &Run, sc: &ScenarioResult) -> Vec<String> {
    let mut lines = Vec::new();
    let failed = fails_the_run(run, sc);
    match sc.verdict {
        Verdict::Warn if !failed => {
            lines.push("WARN: a SHOULD-level rule is broken; the run fails on it only with --fail-on warn".into())
        }
        Verdict::Info => lines.push("INFO: behaviour recorded where the spec allows more than one reading".into()),
        Verdict::Waived => lines.push("WAIVED: a finding the SUT's owner expects and has waived".into()),
        _ => {}
    }
    for e in &sc.expectations {
        match e.verdict {
            Verdict::Warn if !failed => lines.push(finding(run, e)),
            Verdict::Info => lines.push(finding(run, e)),
            Verdict::Waived => lines.push(finding(run, e)),
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

/// One expectation as `VERDICT REQ (step N): expected: ... / actual: ...`,
/// with the ambiguity it cites and the suite's reading of it.
fn finding(run: &Run, e: &ExpectationResult) -> String {
    let mut line = format!(
        "{} {} (step {}): expected: {} / actual: {}",
        e.verdict,
        e.requirement,
        e.step,
        clip(&e.expected, MAX_FIELD),
        clip(&e.actual, MAX_FIELD)
    );
    if let Some(amb) = &e.ambiguity {
        match run.ambiguity(amb) {
            Some(a) => {
                let _ =
                    write!(line, " [ambiguity {}; suite's reading: {}]", flat(amb), clip(&a.suite_reading, MAX_FIELD));
            }
            None => {
                let _ = write!(line, " [ambiguity {}]", flat(amb));
            }
        }
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

/// Text as quick-junit takes it. quick-junit escapes markup and drops the
/// controls XML cannot carry, but it reads ESC as the start of a terminal
/// escape sequence and drops the text that follows with it: ESC is dropped
/// here, alone. So are U+FFFE and U+FFFF, which XML 1.0 excludes too (§2.2
/// `Char`) and quick-junit would write.
fn xml(s: &str) -> XmlString {
    XmlString::new(s.replace(['\u{1b}', '\u{FFFE}', '\u{FFFF}'], ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_what_xml_cannot_carry() {
        let hostile = "a<b>&\"c'\u{0}\u{7}\u{b}\u{c}\u{fffe}\u{ffff}\nd😀";
        assert_eq!(xml(hostile).as_str(), "a<b>&\"c'\nd😀");
        // A stray ESC takes nothing with it.
        assert_eq!(xml("red\u{1b}[31m !\"#0 text").as_str(), "red[31m !\"#0 text");
    }

    /// A run with one WARN scenario, made under `fail_on`.
    fn warned(fail_on: &str) -> Run {
        let warn = serde_json::json!({
            "step": 1, "requirement": "SET-001", "verdict": "WARN", "expected": "e", "actual": "a"
        });
        serde_json::from_value(serde_json::json!({
            "schema_version": "1", "tool": { "name": "setconform", "version": "0" }, "started_at": "x",
            "duration_ms": 0, "seed": 1, "sut": { "name": "s", "kind": "external" }, "profiles": ["p"],
            "fail_on": fail_on,
            "summary": { "total": 1, "pass": 0, "fail": 0, "warn": 1, "info": 0, "not_applicable": 0,
                         "error": 0, "timeout": 0, "exit_code": if fail_on == "warn" { 1 } else { 0 } },
            "requirements": [],
            "scenarios": [{ "id": "w", "title": "w", "profile": "p", "requirements": ["SET-001"], "verdict": "WARN",
                            "duration_ms": 0, "expectations": [warn], "transcript": [] }]
        }))
        .unwrap()
    }

    /// The file counts as failures what the exit code failed on.
    #[test]
    fn a_warning_is_a_failure_only_under_fail_on_warn() {
        let gated = render(&warned("warn"));
        assert!(gated.contains("failures=\"1\"") && gated.contains("type=\"WARN\""), "{gated}");
        assert!(gated.contains("WARN SET-001 (step 1)"), "{gated}");
        let default = render(&warned("fail"));
        assert!(default.contains("failures=\"0\"") && !default.contains("<failure"), "{default}");
        assert!(default.contains("the run fails on it only with --fail-on warn"), "{default}");
    }

    /// Texts keep their backticks as they are (plain text, as in the JSON
    /// record); whatever they hold, the file parses and gives them back.
    #[test]
    fn texts_stay_plain_and_the_file_stays_well_formed() {
        let mut run = warned("warn");
        let expected = "in every SET: `a `b` c` | `typ` is `<script>alert(1)</script>` & ` alone";
        let actual = "]]><script>x</script>`|`\u{1b}\u{0}";
        let e = &mut run.scenarios[0].expectations[0];
        (e.expected, e.actual) = (expected.to_owned(), actual.to_owned());
        let xml = render(&run);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
        let failure = doc.descendants().find(|n| n.has_tag_name("failure")).expect("a failure");
        let text = failure.text().unwrap_or("");
        assert!(text.contains(&format!("expected: {expected} / actual: ]]><script>x</script>`|`")), "{text}");
        assert!(failure.attribute("message").is_some_and(|m| m.contains(expected)), "{xml}");
        assert!(!xml.contains("<script>") && !xml.contains("<code>"), "{xml}");
    }

    #[test]
    fn long_lists_are_cut() {
        let lines: Vec<String> = (0..MAX_LINES + 7).map(|i| i.to_string()).collect();
        let body = bounded_lines(&lines);
        assert_eq!(body.lines().count(), MAX_LINES + 1);
        assert!(body.ends_with("... and 7 more"));
    }
}

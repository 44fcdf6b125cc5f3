//! The Markdown summary, for a CI job's summary page (GitHub's
//! `$GITHUB_STEP_SUMMARY`, or any Markdown viewer).
//!
//! CI sites render inline HTML and links in Markdown, and much of what is shown
//! here is text the system under test chose, so every piece of it is escaped:
//! it cannot end a table cell, start a new row, open a tag or make a link.

use crate::{ExpectationResult, Run, ScenarioResult, Verdict, WaiverStatus};
use std::fmt::Write;

/// Most rows in the findings table; the rest are counted, not shown.
const MAX_ROWS: usize = 50;
/// Longest piece of SUT-controlled text in one table cell.
const MAX_CELL: usize = 300;
/// Most distinct N/A reasons listed.
const MAX_REASONS: usize = 10;

/// Renders the run's summary as Markdown.
pub fn summary(run: &Run) -> String {
    let mut out = String::new();
    let s = &run.summary;
    let _ = writeln!(out, "## {} against {}\n", md(&run.tool.name), md(&run.sut.name));
    if let Some(cut) = &run.interrupted {
        let _ = writeln!(out, "**{}**\n", md(&cut.headline()));
    }
    let _ = writeln!(out, "{}\n", outcome(run));
    if let Some(why) = run.sut.not_certifiable() {
        let _ = writeln!(out, "**{}**\n", md(&why));
    }
    if let Some(fault) = &run.sut.fault {
        let _ = writeln!(out, "Reference fault injected: {}\n", md(fault));
    }

    out.push_str("| Verdict | Scenarios |\n|:--|--:|\n");
    for (v, n) in Verdict::ALL.iter().zip(counts(s)) {
        let _ = writeln!(out, "| {} | {} |", v, n);
    }
    let _ = writeln!(out, "| **Total** | **{}** |\n", s.total);

    profiles(&mut out, run);
    findings(&mut out, run);
    reproduce(&mut out, run);
    not_applicable(&mut out, run);
    not_exercised(&mut out, run);
    waivers(&mut out, run);

    let _ = writeln!(
        out,
        "<sub>{} {} · seed {} · started {} · {}.{:03} s</sub>",
        md(&run.tool.name),
        md(&run.tool.version),
        run.seed,
        md(&run.started_at),
        run.duration_ms / 1000,
        run.duration_ms % 1000
    );
    out
}

/// The verdict line, from the exit code the run ended with and the gate it was made under.
fn outcome(run: &Run) -> String {
    let h = crate::headline::Headline::of(run);
    let mut line = format!("**{}** (exit code {}): {}.", h.word(), run.summary.exit_code, h.reason());
    if run.fail_on == crate::verdict::FailOn::Warn {
        let _ = write!(line, " The run fails on {}.", crate::headline::gate(run.fail_on));
    }
    line
}

/// The summary's counts in [`Verdict::ALL`] order.
fn counts(s: &crate::Summary) -> [usize; 8] {
    [s.pass, s.fail, s.warn, s.info, s.not_applicable, s.error, s.timeout, s.waived]
}

fn profiles(out: &mut String, run: &Run) {
    let mut names: Vec<&str> = run.profiles.iter().map(String::as_str).collect();
    for sc in &run.scenarios {
        if !names.contains(&sc.profile.as_str()) {
            names.push(&sc.profile);
        }
    }
    out.push_str("### By profile\n\n| Profile | Total |");
    for v in Verdict::ALL {
        let _ = write!(out, " {v} |");
    }
    out.push_str("\n|:--|--:|");
    out.push_str(&"--:|".repeat(Verdict::ALL.len()));
    out.push('\n');
    for name in names {
        let mine: Vec<Verdict> = run.scenarios.iter().filter(|sc| sc.profile == name).map(|sc| sc.verdict).collect();
        let c = crate::Summary::count(mine);
        let _ = write!(out, "| {} | {} |", md(name), c.total);
        for n in counts(&c) {
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

/// Rank of a scenario verdict in the findings table: what blocks a pass first.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Fail => 0,
        Verdict::Error => 1,
        Verdict::Timeout => 2,
        Verdict::Warn => 3,
        Verdict::Waived => 4,
        Verdict::Info => 5,
        Verdict::NotApplicable | Verdict::Pass => 6,
    }
}

struct Row<'a> {
    verdict: Verdict,
    scenario: &'a str,
    requirement: String,
    expected: String,
    actual: String,
}

fn rows(sc: &ScenarioResult) -> Vec<Row<'_>> {
    let mut rows: Vec<Row> = sc
        .expectations
        .iter()
        .filter(|e| !matches!(e.verdict, Verdict::Pass | Verdict::NotApplicable))
        .map(|e| expectation_row(sc, e))
        .collect();
    if sc.verdict.is_incomplete() {
        rows.insert(
            0,
            Row {
                verdict: sc.verdict,
                scenario: &sc.id,
                requirement: sc.requirements.join(", "),
                expected: "the scenario runs to the end".into(),
                actual: sc.reason.clone().unwrap_or_default(),
            },
        );
    }
    rows
}

fn expectation_row<'a>(sc: &'a ScenarioResult, e: &ExpectationResult) -> Row<'a> {
    let mut requirement = format!("{} (step {})", e.requirement, e.step);
    if let Some(amb) = &e.ambiguity {
        let _ = write!(requirement, ", {amb}");
    }
    let mut actual = e.actual.clone();
    if let Some(reason) = &e.waiver {
        let _ = write!(actual, " (waived: {reason})");
    }
    Row { verdict: e.verdict, scenario: &sc.id, requirement, expected: e.expected.clone(), actual }
}

fn findings(out: &mut String, run: &Run) {
    let mut open: Vec<&ScenarioResult> =
        run.scenarios.iter().filter(|sc| !matches!(sc.verdict, Verdict::Pass | Verdict::NotApplicable)).collect();
    if open.is_empty() {
        return;
    }
    open.sort_by_key(|sc| rank(sc.verdict));
    let all: Vec<Row> = open.iter().flat_map(|sc| rows(sc)).collect();
    out.push_str("### Findings\n\n| Verdict | Scenario | Requirement | Expected | Actual |\n|:--|:--|:--|:--|:--|\n");
    for r in all.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            r.verdict,
            md(r.scenario),
            cell(&r.requirement),
            cell(&r.expected),
            cell(&r.actual)
        );
    }
    if all.len() > MAX_ROWS {
        let _ = writeln!(out, "\n…and {} more, in the JSON report.", all.len() - MAX_ROWS);
    }
    out.push('\n');
}

/// For each scenario that failed, warned or could not be judged, the command
/// that runs it again alone, in a code block whose fence no backticks of the
/// command can close. A command the block cannot show as it is (a control
/// character in it) is left to the HTML report.
fn reproduce(out: &mut String, run: &Run) {
    let failing = |v: Verdict| matches!(v, Verdict::Fail | Verdict::Warn | Verdict::Error | Verdict::Timeout);
    let commands: Vec<(&ScenarioResult, String)> = run
        .scenarios
        .iter()
        .filter(|sc| failing(sc.verdict))
        .filter_map(|sc| Some((sc, crate::reproduce::command(run, sc)?.ok()?)))
        .filter(|(_, command)| !command.contains(char::is_control))
        .collect();
    if commands.is_empty() {
        return;
    }
    out.push_str("### Reproduce\n\nEach command runs one scenario again, alone, with the run's seed.\n\n");
    for (sc, command) in commands.iter().take(MAX_ROWS) {
        let longest = command.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let _ = writeln!(out, "- {} ({}):\n\n  {fence}sh\n  {command}\n  {fence}\n", md(&sc.id), sc.verdict);
    }
    if commands.len() > MAX_ROWS {
        let _ = writeln!(out, "…and {} more, in the HTML report.\n", commands.len() - MAX_ROWS);
    }
}

/// N/A scenarios, grouped by reason: usually many, rarely interesting one by one.
fn not_applicable(out: &mut String, run: &Run) {
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for sc in run.scenarios.iter().filter(|sc| sc.verdict == Verdict::NotApplicable) {
        let reason = sc.reason.as_deref().unwrap_or("no reason given");
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    if reasons.is_empty() {
        return;
    }
    out.push_str("### Not applicable\n\n");
    for (reason, n) in reasons.iter().take(MAX_REASONS) {
        let _ = writeln!(out, "- {n} × {}", cell(reason));
    }
    if reasons.len() > MAX_REASONS {
        let _ = writeln!(out, "- …and {} other reasons", reasons.len() - MAX_REASONS);
    }
    out.push('\n');
}

/// SET content rules no SET of the run was subject to, by id: the run does not show them kept.
fn not_exercised(out: &mut String, run: &Run) {
    let ids: Vec<String> = run.requirements.iter().filter(|r| r.not_exercised.is_some()).map(|r| md(&r.id)).collect();
    if ids.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### SET rules not exercised\n\nThe SUT sent no SET these {} rules apply to (see the JSON report for when \
         each applies): {}\n",
        ids.len(),
        ids.join(", ")
    );
}

fn waivers(out: &mut String, run: &Run) {
    if run.waivers.is_empty() {
        return;
    }
    out.push_str("### Waivers\n\n| Target | Status | Expires | Reason |\n|:--|:--|:--|:--|\n");
    for w in &run.waivers {
        let status = match w.status {
            WaiverStatus::Applied => "applied",
            WaiverStatus::Stale => "**stale**: nothing it names failed, it can go",
            WaiverStatus::Expired => "**expired**: not applied, the findings stand",
        };
        let expires = w.expires.as_deref().map_or_else(|| "never".to_owned(), md);
        let _ = writeln!(out, "| {} | {} | {} | {} |", md(&w.target), status, expires, cell(&w.reason));
    }
    out.push('\n');
}

/// [`md`] of SUT text bounded to [`MAX_CELL`] characters.
fn cell(s: &str) -> String {
    if s.chars().count() > MAX_CELL {
        let cut: String = s.chars().take(MAX_CELL).collect();
        format!("{}…", md(&cut))
    } else {
        md(s)
    }
}

/// Escapes text for one line of Markdown, table cells included: HTML's
/// `<`, `>` and `&` become entities, Markdown's punctuation is backslashed,
/// line breaks and other control characters become spaces.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '~' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sut_text_cannot_break_a_table_or_open_a_tag() {
        let hostile = "a|b\n| x |<img src=x onerror=alert(1)>`code`[link](http://e)&amp;\r\u{7}";
        let e = md(hostile);
        assert!(!e.contains('\n') && !e.contains('\r') && !e.contains('<') && !e.contains('>'));
        assert!(!e.replace("\\|", "").contains('|'));
        assert!(!e.replace("\\`", "").contains('`'));
        assert_eq!(md("a&b"), "a&amp;b");
        assert_eq!(md("[x](y)"), "\\[x\\](y)");
    }

    #[test]
    fn a_failing_scenario_gets_a_command_no_backticks_can_break_out_of() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-mixed.json");
        let mut run = crate::json::read(&path).expect("the fixture reads");
        run.scenarios.retain(|sc| matches!(sc.verdict, Verdict::Fail | Verdict::Pass));
        let mut hostile = run.scenarios[0].clone();
        (hostile.id, hostile.verdict) = ("a```b <i>".into(), Verdict::Fail);
        run.scenarios.push(hostile);
        let out = summary(&run);
        let section = &out[out.find("### Reproduce").expect("a Reproduce section")..];
        let fail = &run.scenarios.iter().find(|sc| sc.verdict == Verdict::Fail).unwrap().id;
        let made = crate::reproduce::command(&run, &run.scenarios[2]).unwrap().unwrap();
        assert!(section.contains(&format!("  ```sh\n  setconform run --exact {fail} --seed 1234567890")), "{section}");
        assert!(
            section.contains(&format!("- a\\`\\`\\`b &lt;i&gt; (FAIL):\n\n  ````sh\n  {made}\n  ````\n")),
            "{section}"
        );
        assert_eq!(section.matches("```sh").count(), 2, "one per failing scenario, none for a passing one");
    }

    #[test]
    fn cells_are_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(cell(&long).chars().count(), MAX_CELL + 1);
    }
}

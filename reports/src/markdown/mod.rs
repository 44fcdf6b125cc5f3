//! The Markdown summary, for a CI job's summary page (GitHub's
//! `$GITHUB_STEP_SUMMARY`, or any Markdown viewer).
//!
//! CI sites render inline HTML and links in Markdown, and much of what is shown
//! here is text the system under test chose, so every piece of it is escaped:
//! it cannot end a table cell, start a new row, open a tag or make a link.

use crate::finding_rule::{Rules, citation};
use crate::html::text::web_link;
use crate::inline::{Span, spans};
use crate::{ExpectationResult, NaCounts, NaKind, RequirementResult, Run, ScenarioResult, Verdict, WaiverStatus};
use std::fmt::Write;

/// Most rows in the findings table; the rest are counted, not shown.
const MAX_ROWS: usize = 50;
/// Longest piece of SUT-controlled text in one table cell.
const MAX_CELL: usize = 300;
/// Longest piece of text in an ambiguity's footnote.
const MAX_NOTE: usize = 1000;
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
    let na = NaCounts::of(&run.scenarios);
    for (v, n) in Verdict::ALL.iter().zip(counts(s)) {
        if *v != Verdict::NotApplicable {
            let _ = writeln!(out, "| {v} | {n} |");
            continue;
        }
        for kind in NaKind::ALL {
            let _ = writeln!(out, "| {v}, {} | {} |", kind.label(), na.get(kind));
        }
        if na.unsaid > 0 {
            let _ = writeln!(out, "| {v} | {} |", na.unsaid);
        }
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
    ambiguity_notes(&mut out, run);
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
    /// Markdown already: escaped ids, and footnote references to ambiguities.
    requirement: String,
    expected: String,
    actual: String,
    /// The rule the finding is about, as Markdown ([`rule_line`]).
    rule: Option<String>,
}

fn rows<'a>(run: &Run, sc: &'a ScenarioResult, rules: &Rules) -> Vec<Row<'a>> {
    let mut rows: Vec<Row> = sc
        .expectations
        .iter()
        .filter(|e| !matches!(e.verdict, Verdict::Pass | Verdict::NotApplicable))
        .map(|e| expectation_row(run, sc, e, rules))
        .collect();
    if sc.verdict.is_incomplete() {
        rows.insert(
            0,
            Row {
                verdict: sc.verdict,
                scenario: &sc.id,
                requirement: cell(&sc.requirements.join(", ")),
                expected: "the scenario runs to the end".into(),
                actual: sc.reason.clone().unwrap_or_default(),
                rule: None,
            },
        );
    }
    rows
}

fn expectation_row<'a>(run: &Run, sc: &'a ScenarioResult, e: &ExpectationResult, rules: &Rules) -> Row<'a> {
    let mut requirement = cell(&format!("{} (step {})", e.requirement, e.step));
    if let Some(amb) = &e.ambiguity {
        let _ = write!(requirement, ", {}", cite(run, amb));
    }
    let mut actual = e.actual.clone();
    if let Some(reason) = &e.waiver {
        let _ = write!(actual, " (waived: {reason})");
    }
    let rule = rules.behind(e).map(rule_line);
    Row { verdict: e.verdict, scenario: &sc.id, requirement, expected: e.expected.clone(), actual, rule }
}

fn findings(out: &mut String, run: &Run) {
    let mut open: Vec<&ScenarioResult> =
        run.scenarios.iter().filter(|sc| !matches!(sc.verdict, Verdict::Pass | Verdict::NotApplicable)).collect();
    if open.is_empty() {
        return;
    }
    open.sort_by_key(|sc| rank(sc.verdict));
    let rules = Rules::of(run);
    let all: Vec<Row> = open.iter().flat_map(|sc| rows(run, sc, &rules)).collect();
    out.push_str("### Findings\n\n| Verdict | Scenario | Requirement | Expected | Actual |\n|:--|:--|:--|:--|:--|\n");
    for r in all.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            r.verdict,
            md(r.scenario),
            r.requirement,
            expected_cell(r),
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

/// N/A scenarios, by kind and then by reason: usually many, rarely
/// interesting one by one.
fn not_applicable(out: &mut String, run: &Run) {
    let na: Vec<&ScenarioResult> = run.scenarios.iter().filter(|sc| sc.verdict == Verdict::NotApplicable).collect();
    if na.is_empty() {
        return;
    }
    out.push_str("### Not applicable\n\n");
    let kinds = NaKind::ALL.map(Some).into_iter().chain([None]);
    for kind in kinds {
        let mine: Vec<&ScenarioResult> = na.iter().copied().filter(|sc| sc.na_kind == kind).collect();
        if mine.is_empty() {
            continue;
        }
        let heading = match kind {
            Some(NaKind::NotClaimed) => "Not claimed by the SUT",
            Some(NaKind::CannotTest) => "Claimed, but cannot be tested in this run",
            None => "Not applicable",
        };
        let _ = writeln!(out, "**{heading}** ({}):\n", mine.len());
        reasons(out, &mine);
        out.push('\n');
    }
}

/// The reasons of `scenarios`, each with how many scenarios gave it.
fn reasons(out: &mut String, scenarios: &[&ScenarioResult]) {
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for sc in scenarios {
        let reason = sc.reason.as_deref().unwrap_or("no reason given");
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    for (reason, n) in reasons.iter().take(MAX_REASONS) {
        let _ = writeln!(out, "- {n} × {}", cell(reason));
    }
    if reasons.len() > MAX_REASONS {
        let _ = writeln!(out, "- …and {} other reasons", reasons.len() - MAX_REASONS);
    }
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

/// The ambiguity `id` as a finding cites it: a reference to its footnote,
/// or the id alone when the record has no entry for it.
fn cite(run: &Run, id: &str) -> String {
    match run.ambiguity(id) {
        Some(_) => format!("{}[^{}]", md(id), footnote_label(id)),
        None => md(id),
    }
}

/// `id` as a footnote label: only ASCII letters, digits and `-`.
fn footnote_label(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// The footnotes of the ambiguities the run cites, one paragraph each.
fn ambiguity_notes(out: &mut String, run: &Run) {
    if run.ambiguities.is_empty() {
        return;
    }
    out.push('\n');
    for a in &run.ambiguities {
        let note = |s: &str| bounded(s, MAX_NOTE, md);
        let readings: Vec<String> =
            a.readings.iter().enumerate().map(|(i, r)| format!("({}) {}", i + 1, note(r))).collect();
        let sources: Vec<String> = a.sources.iter().map(|s| note(s)).collect();
        let _ = writeln!(
            out,
            "[^{}]: **{}** ({}): {} Readings: {} **Suite's reading:** {} Why: {}\n",
            footnote_label(&a.id),
            md(&a.id),
            sources.join("; "),
            note(&a.question),
            readings.join(" "),
            note(&a.suite_reading),
            note(&a.why)
        );
    }
}

/// A finding's Expected cell: the expected text with its code marks, then
/// on a line of its own the rule it is about.
fn expected_cell(r: &Row) -> String {
    let expected = bounded(&r.expected, MAX_CELL, md_inline);
    match &r.rule {
        Some(rule) => format!("{expected}<br><sub>{rule}</sub>"),
        None => expected,
    }
}

/// The rule behind a finding on one line: its level, its paraphrase, and
/// where the spec states it, linked when the record has a plain `http(s)` address.
fn rule_line(r: &RequirementResult) -> String {
    let mut line = format!("Rule ({}): {}", md(&r.level), bounded(&r.text, MAX_CELL, md_inline));
    let cited = citation(r);
    match (cited.is_empty(), r.link.as_deref().and_then(web_link)) {
        (true, _) => {}
        (false, Some(url)) => {
            let _ = write!(line, " · [{}](<{}>)", md(&cited), url.replace('\\', "%5C").replace('|', "%7C"));
        }
        (false, None) => {
            let _ = write!(line, " · {}", md(&cited));
        }
    }
    line
}

/// [`md`] of SUT text bounded to [`MAX_CELL`] characters.
fn cell(s: &str) -> String {
    bounded(s, MAX_CELL, md)
}

/// `escape` of `s` cut to `max` characters.
fn bounded(s: &str, max: usize, escape: fn(&str) -> String) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max).collect();
        format!("{}…", escape(&cut))
    } else {
        escape(s)
    }
}

/// Text the harness or the catalogue wrote, for one line of Markdown: each
/// backtick pair stays a code span, everything else is [`md`]. Inside a span
/// Markdown shows `<`, `&` and the like as they are; only `|`, which would end
/// a table cell even there, is backslashed, and line breaks become spaces. A
/// span holding a backslash, which could undo that, is shown as plain text.
fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for span in spans(s) {
        match span {
            Span::Code(code) if !code.contains('\\') => {
                out.push('`');
                for c in code.chars() {
                    match c {
                        '|' => out.push_str("\\|"),
                        c if c.is_control() => out.push(' '),
                        c => out.push(c),
                    }
                }
                out.push('`');
            }
            Span::Code(code) => out.push_str(&md(&format!("`{code}`"))),
            Span::Plain(text) => out.push_str(&md(text)),
        }
    }
    out
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
mod tests;

//! The run page's summary: what was tested and how it went, verdict counts,
//! waivers that need attention, and the findings to look at first.

use super::super::page::{badge, millis, needs_attention, section};
use super::super::text::{Text, clip, expected as expected_text, finding as finding_text};
use super::super::{requirement_anchor, scenario_anchor};
use super::groups::Group;
use super::{code_link, rule, wire};
use crate::finding_rule::Rules;
use crate::headline::{Headline, gate};
use crate::{NaCounts, Run, ScenarioResult, Verdict, WaiverStatus};
use maud::{Markup, html};

/// Most characters of a scenario's reason shown in the summary's findings.
const FINDING_TEXT: usize = 240;

pub(super) fn summary(run: &Run) -> Markup {
    let sut = &run.sut;
    let s = &run.summary;
    let code = s.exit_code;
    let headline = Headline::of(run);
    let class = match headline {
        Headline::Conformant => "ok",
        Headline::Failed { .. } => "bad",
        _ => "inc",
    };
    let meaning = format!("{}: {}", headline.word().to_lowercase(), headline.reason());
    let na = NaCounts::of(&run.scenarios);
    let counts = Group::all().into_iter().filter_map(|g| {
        let n = match g {
            Group::Na(kind) => na.get(kind),
            Group::Verdict(Verdict::NotApplicable) if na.unsaid == 0 => return None,
            Group::Verdict(Verdict::NotApplicable) => na.unsaid,
            Group::Verdict(v) => verdict_count(s, v),
        };
        Some((g, n))
    });
    let content = html! {
        dl class="facts" {
            "\n"
            (fact("System under test", html! {
                strong { (Text(&sut.name)) } " " span class="muted" { "(" (Text(&sut.kind)) ")" }
            }))
            @if let Some(cut) = &run.interrupted {
                (fact("Interrupted", html! { strong { (Text(&cut.headline())) } }))
            }
            @if let Some(why) = sut.not_certifiable() {
                (fact("Certifiable", html! { strong { (Text(&why)) } }))
            }
            @if let Some(fault) = &sut.fault {
                (fact("Reference fault", html! { code { (Text(fault)) } }))
            }
            @for (role, url) in &sut.endpoints {
                (fact("Endpoint", html! { (Text(role)) ": " code { (Text(url)) } }))
            }
            (fact("Profiles", html! {
                @for (i, p) in run.profiles.iter().enumerate() {
                    @if i > 0 { " " }
                    span class="tag" { (Text(p)) }
                }
            }))
            (fact("Tool", html! { (Text(&run.tool.name)) " " (Text(&run.tool.version)) }))
            (fact("Started", html! { (Text(&run.started_at)) }))
            (fact("Duration", html! { (millis(run.duration_ms)) }))
            (fact("Seed", html! {
                code { (run.seed) } " "
                span class="muted" { "(repeat with " code { "--seed " (run.seed) } ")" }
            }))
            (fact("Fails on", html! { (gate(run.fail_on)) }))
            (fact("Exit status", html! {
                span class={ "exit " (class) } { "exit code " (code) } " " (meaning)
            }))
        }
        "\n" div class="cards" {
            "\n"
            div class="card" { div class="n" { (s.total) } div class="l" { "scenarios" } }
            "\n"
            @for (g, n) in counts {
                div class={ "card " (g.classes()) @if n == 0 { " zero" } } {
                    div class="n" { (n) } div class="l" { (g.label()) }
                }
                "\n"
            }
        }
        "\n"
        (super::charts::bars(run))
        @for w in run.waivers.iter().filter(|w| w.status != WaiverStatus::Applied) {
            @let (class, what) = match w.status {
                WaiverStatus::Expired => ("alert expired", "Expired waiver: not applied, the findings stand"),
                _ => ("alert", "Stale waiver: nothing it names failed any more; it can be removed"),
            };
            div class=(class) { strong { (what) } ": " code { (Text(&w.target)) } }
            "\n"
        }
        (findings(run))
    };
    section("summary", html! { "Summary" }, content)
}

/// The summary's count of scenarios with verdict `v`.
fn verdict_count(s: &crate::Summary, v: Verdict) -> usize {
    match v {
        Verdict::Pass => s.pass,
        Verdict::Fail => s.fail,
        Verdict::Warn => s.warn,
        Verdict::Info => s.info,
        Verdict::NotApplicable => s.not_applicable,
        Verdict::Error => s.error,
        Verdict::Timeout => s.timeout,
        Verdict::Waived => s.waived,
    }
}

/// One line of the summary's facts.
fn fact(name: &str, value: Markup) -> Markup {
    html! { dt { (name) } dd { (value) } "\n" }
}

/// The scenarios to look at first, each with its broken expectations
/// (h2spec style); then, folded, the INFO scenarios with what they noted.
fn findings(run: &Run) -> Markup {
    let open: Vec<&ScenarioResult> = run.scenarios.iter().filter(|s| needs_attention(s.verdict)).collect();
    let info: Vec<&ScenarioResult> = run.scenarios.iter().filter(|s| s.verdict == Verdict::Info).collect();
    if open.is_empty() && info.is_empty() {
        return html! {};
    }
    let rules = Rules::of(run);
    html! {
        h4 { "Findings" }
        "\n"
        @if !open.is_empty() {
            ul class="findings" {
                "\n"
                @for s in open { (finding(s, needs_attention, &rules)) }
            }
            "\n"
        }
        @if !info.is_empty() {
            details class="info-findings" {
                "\n"
                summary { (badge(Verdict::Info)) " " (info.len()) " scenario(s) with something noted" }
                "\n"
                ul class="findings" {
                    "\n"
                    @for s in info { (finding(s, |v| v == Verdict::Info, &rules)) }
                }
                "\n"
            }
            "\n"
        }
    }
}

/// One scenario of the findings, with its expectations whose verdict is `shown`.
fn finding(s: &ScenarioResult, shown: fn(Verdict) -> bool, rules: &Rules) -> Markup {
    html! {
        li {
            (badge(s.verdict)) " " (code_link(&scenario_anchor(&s.id), &s.id)) " " (Text(&s.title))
            @if let Some(reason) = &s.reason {
                div class="ex" { (Text(&clip(reason, FINDING_TEXT))) }
            }
            @for e in s.expectations.iter().filter(|e| shown(e.verdict)) {
                div class="ex" {
                    (e.verdict.as_str()) " "
                    a href={ "#" (requirement_anchor(&e.requirement)) } { (Text(&e.requirement)) }
                    ": expected " (expected_text(&e.expected))
                    "; actual " strong { (finding_text(&e.actual)) }
                    (wire::evidence_link(s, e))
                    (rule::line(rules.behind(e)))
                }
            }
        }
        "\n"
    }
}

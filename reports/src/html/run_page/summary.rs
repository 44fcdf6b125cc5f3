//! The run page's summary: what was tested and how it went, verdict counts,
//! waivers that need attention, and the findings to look at first.

use super::super::page::{badge, millis, needs_attention, section, verdict_class};
use super::super::text::{Text, clip, finding};
use super::super::{requirement_anchor, scenario_anchor};
use super::{code_link, wire};
use crate::headline::{Headline, gate};
use crate::{Run, ScenarioResult, Verdict, WaiverStatus};
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
    let counts = [
        (Verdict::Pass, s.pass),
        (Verdict::Fail, s.fail),
        (Verdict::Warn, s.warn),
        (Verdict::Info, s.info),
        (Verdict::NotApplicable, s.not_applicable),
        (Verdict::Error, s.error),
        (Verdict::Timeout, s.timeout),
        (Verdict::Waived, s.waived),
    ];
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
            @for (v, n) in counts {
                div class={ "card " (verdict_class(v)) @if n == 0 { " zero" } } {
                    div class="n" { (n) } div class="l" { (v.as_str()) }
                }
                "\n"
            }
        }
        "\n"
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

/// One line of the summary's facts.
fn fact(name: &str, value: Markup) -> Markup {
    html! { dt { (name) } dd { (value) } "\n" }
}

/// The scenarios to look at first, each with its broken expectations (h2spec style).
fn findings(run: &Run) -> Markup {
    let open: Vec<&ScenarioResult> = run.scenarios.iter().filter(|s| needs_attention(s.verdict)).collect();
    if open.is_empty() {
        return html! {};
    }
    html! {
        h4 { "Findings" }
        "\n"
        ul class="findings" {
            "\n"
            @for s in open {
                li {
                    (badge(s.verdict)) " " (code_link(&scenario_anchor(&s.id), &s.id)) " " (Text(&s.title))
                    @if let Some(reason) = &s.reason {
                        div class="ex" { (Text(&clip(reason, FINDING_TEXT))) }
                    }
                    @for e in s.expectations.iter().filter(|e| needs_attention(e.verdict)) {
                        div class="ex" {
                            (e.verdict.as_str()) " "
                            a href={ "#" (requirement_anchor(&e.requirement)) } { (Text(&e.requirement)) }
                            ": expected " (finding(&e.expected))
                            "; actual " strong { (finding(&e.actual)) }
                            (wire::evidence_link(s, e))
                        }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

//! The run page's scenario details: one folding block per scenario with its
//! facts, steps, expectations and wire transcript; a scenario to look at
//! shows how to run it again, and its findings before its steps.

use super::super::page::{badge, millis, needs_attention, section, table, verdict_class};
use super::super::text::{Text, expected, finding};
use super::super::{requirement_anchor, scenario_anchor};
use super::{ambiguities, code_link, filter_classes, reproduce, rule, tag_list, wire};
use crate::finding_rule::Rules;
use crate::{Run, ScenarioResult};
use maud::{Markup, html};

pub(super) fn details(run: &Run, tags: &[&str]) -> Markup {
    let rules = Rules::of(run);
    let scenarios = html! { @for s in &run.scenarios { (scenario(run, s, tags, &rules)) } };
    section("details", html! { "Scenario details" }, scenarios)
}

fn scenario(run: &Run, s: &ScenarioResult, tags: &[&str], rules: &Rules) -> Markup {
    let attention = needs_attention(s.verdict);
    html! {
        details class={ "scn " (filter_classes(s, tags)) } id=(scenario_anchor(&s.id)) open[attention] {
            "\n"
            summary {
                (badge(s.verdict)) " " h3 { (Text(&s.title)) } " " code class="muted" { (Text(&s.id)) } " "
                span class="muted" { "· " (millis(s.duration_ms)) }
            }
            "\n"
            div class="inner" {
                "\n"
                @if let Some(d) = &s.description {
                    p { (Text(d)) }
                    "\n"
                }
                (facts(s))
                @if attention {
                    (reproduce::command(run, s))
                    (expectations(run, s, rules))
                    (steps(s))
                } @else {
                    (steps(s))
                    (expectations(run, s, rules))
                }
                (super::timeline::timeline(s))
                (wire::transcript(s, attention))
            }
            "\n"
        }
        "\n"
    }
}

fn facts(s: &ScenarioResult) -> Markup {
    html! {
        dl class="facts" {
            "\n"
            dt { "Profile" } dd { code { (Text(&s.profile)) } }
            "\n"
            @if !s.tags.is_empty() {
                dt { "Tags" } dd { (tag_list(&s.tags)) }
                "\n"
            }
            dt { "Requirements" }
            dd {
                @for (i, r) in s.requirements.iter().enumerate() {
                    @if i > 0 { ", " }
                    (code_link(&requirement_anchor(r), r))
                }
            }
            "\n"
            @if let Some(reason) = &s.reason {
                dt { "Reason" } dd { strong { (Text(reason)) } }
                "\n"
            }
        }
        "\n"
    }
}

fn steps(s: &ScenarioResult) -> Markup {
    if s.steps.is_empty() {
        return html! {};
    }
    html! {
        h4 { "Steps" }
        "\n"
        ol class="steps" {
            "\n"
            @for st in &s.steps {
                li value=(st.step) {
                    strong { (Text(&st.action)) } " " code { (Text(&st.detail)) }
                    @if let Some(note) = &st.note {
                        " " span class="muted" { "— " (Text(note)) }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn expectations(run: &Run, s: &ScenarioResult, rules: &Rules) -> Markup {
    if s.expectations.is_empty() {
        return html! {};
    }
    let head = html! {
        th class="num" { "Step" } th { "Verdict" } th { "Requirement" } th { "Expected" } th { "Actual" }
    };
    let rows = html! {
        @for e in &s.expectations {
            tr class=(verdict_class(e.verdict)) {
                td class="num" { (e.step) }
                td { (badge(e.verdict)) }
                td class="nowrap" { (code_link(&requirement_anchor(&e.requirement), &e.requirement)) }
                td class="ev" { (expected(&e.expected)) (rule::line(rules.behind(e))) }
                td class="ev" {
                    (finding(&e.actual))
                    (wire::evidence_link(s, e))
                    @if let Some(a) = &e.ambiguity { div class="note" { "Ambiguity: " (ambiguities::cite(run, a)) } }
                    @if let Some(w) = &e.waiver { div class="note" { "Waived: " (Text(w)) } }
                }
            }
            "\n"
        }
    };
    html! {
        h4 { "Expectations" }
        "\n"
        (table(Some("expect"), head, rows))
    }
}

//! The run page's tables: requirements with their verdicts and coverage,
//! scenarios, and waivers.

use super::super::page::{badge, millis, needs_attention, section, table};
use super::super::text::{Inline, Text};
use super::super::{requirement_anchor, scenario_anchor};
use super::groups::Group;
use super::{code_link, filter_classes, rule, tag_list};
use crate::{RequirementResult, Run, ScenarioResult, Verdict, WaiverStatus};
use maud::{Markup, html};
use std::collections::{HashMap, HashSet};

pub(super) fn requirements(run: &Run) -> Markup {
    let by_id: HashMap<&str, &ScenarioResult> = run.scenarios.iter().map(|s| (s.id.as_str(), s)).collect();
    let head = html! {
        th { "Verdict" } th { "Id" } th { "Level" } th { "Spec" } th { "Role" } th { "Rule" } th { "Scenarios" }
    };
    let rows = html! {
        @for r in &run.requirements {
            tr id=(requirement_anchor(&r.id)) class={ "fv " (Group::of_requirement(r).classes()) } {
                td { (badge(r.verdict)) }
                td class="nowrap" { code { (Text(&r.id)) } }
                td { (Text(&r.level)) }
                td class="nowrap" { (rule::section(r)) }
                td title=[role_codes(&r.role)] { (Text(&crate::role::spelled_out(&r.role))) }
                td class="rule" { (Inline(&r.text)) }
                td class="refs" {
                    (covering(r, &by_id))
                    // Coverage: a requirement no scenario tests says why.
                    @if let Some(why) = &r.untestable {
                        span class="untested" { "no scenario: " (Text(why)) }
                    }
                    // A SET content rule no SET of the run was subject to.
                    @if let Some(when) = &r.not_exercised {
                        span class="untested" { (Text(when)) }
                    }
                }
            }
            "\n"
        }
    };
    let heading = html! { "Requirements (" (run.requirements.len()) ")" };
    section("requirements", heading, table(None, head, rows))
}

/// The catalogue's codes behind a requirement's role, for its tooltip: only
/// the legend's fixed words, never other text of the record.
fn role_codes(field: &str) -> Option<String> {
    let codes = crate::role::legend_codes(field);
    (!codes.is_empty()).then(|| format!("catalogue role: {}", codes.join(", ")))
}

/// The scenarios that judged `r`, each with the verdict it gave `r` and
/// linked to its details; those that found it broken or could not finish
/// first (FAIL, ERROR, TIMEOUT, WARN), the others as the record lists them.
fn covering(r: &RequirementResult, by_id: &HashMap<&str, &ScenarioResult>) -> Markup {
    let mut listed: Vec<(&str, Option<Verdict>)> =
        r.scenarios.iter().map(|id| (id.as_str(), by_id.get(id.as_str()).map(|s| verdict_for(s, &r.id)))).collect();
    listed.sort_by_key(|(_, v)| match v {
        Some(Verdict::Fail) => 0,
        Some(Verdict::Error) => 1,
        Some(Verdict::Timeout) => 2,
        Some(Verdict::Warn) => 3,
        _ => 4,
    });
    html! {
        @for (id, verdict) in listed {
            @let hit = verdict.is_some_and(needs_attention);
            div class={ "cov" @if hit { " hit" } } {
                @if let Some(v) = verdict { (badge(v)) " " }
                (code_link(&scenario_anchor(id), id))
            }
        }
    }
}

/// The verdict scenario `s` gave requirement `req`: the worst of its
/// expectations on it, and its own verdict when it did not run to the end.
fn verdict_for(s: &ScenarioResult, req: &str) -> Verdict {
    let judged = s.expectations.iter().filter(|e| e.requirement == req).map(|e| e.verdict);
    let unfinished = (s.verdict.is_incomplete() || s.verdict == Verdict::NotApplicable).then_some(s.verdict);
    Verdict::roll_up(judged.chain(unfinished))
}

pub(super) fn scenarios(run: &Run, tags: &[&str]) -> Markup {
    let head = html! {
        th { "Verdict" } th { "Id" } th { "Title" } th { "Profile" } th { "Tags" } th class="num" { "Duration" }
    };
    let rows = html! {
        @for s in &run.scenarios {
            tr class=(filter_classes(s, tags)) {
                td { (badge(s.verdict)) }
                td { (code_link(&scenario_anchor(&s.id), &s.id)) }
                td { (Text(&s.title)) }
                td class="nowrap" { (Text(&s.profile)) }
                td { (tag_list(&s.tags)) }
                td class="num" { (millis(s.duration_ms)) }
            }
            "\n"
        }
    };
    let heading = html! { "Scenarios (" (run.scenarios.len()) ")" };
    section("scenarios", heading, table(None, head, rows))
}

pub(super) fn waivers(run: &Run) -> Markup {
    if run.waivers.is_empty() {
        return html! {};
    }
    let scenarios: HashSet<&str> = run.scenarios.iter().map(|s| s.id.as_str()).collect();
    let requirements: HashSet<&str> = run.requirements.iter().map(|r| r.id.as_str()).collect();
    let head = html! { th { "Status" } th { "Target" } th { "Reason" } th { "Expires" } };
    let rows = html! {
        @for w in &run.waivers {
            @let (class, word) = match w.status {
                WaiverStatus::Applied => ("applied", "applied"),
                WaiverStatus::Stale => ("stale", "stale: remove it"),
                WaiverStatus::Expired => ("expired", "expired: not applied"),
            };
            tr {
                td { span class={ "status " (class) } { (word) } }
                td {
                    @if scenarios.contains(w.target.as_str()) {
                        (code_link(&scenario_anchor(&w.target), &w.target))
                    } @else if requirements.contains(w.target.as_str()) {
                        (code_link(&requirement_anchor(&w.target), &w.target))
                    } @else {
                        code { (Text(&w.target)) }
                    }
                }
                td { (Text(&w.reason)) }
                td class="nowrap" {
                    @match &w.expires {
                        Some(expires) => (Text(expires)),
                        None => span class="muted" { "never" },
                    }
                }
            }
            "\n"
        }
    };
    section("waivers", html! { "Waivers" }, table(None, head, rows))
}

//! The page of one run: summary, requirements, scenarios, waivers, then every
//! scenario in detail with its expectations and wire transcript, and the
//! ambiguities its findings cite. This module
//! puts the page together and holds its filters; each part has its own module.

mod ambiguities;
mod charts;
mod detail;
mod groups;
mod reproduce;
mod rule;
mod summary;
mod tables;
#[cfg(test)]
mod tests;
mod timeline;
mod wire;

use super::page::document;
use super::text::Text;
use crate::{Run, ScenarioResult};
use groups::Group;
use maud::{Markup, html};
use std::collections::BTreeSet;
use std::fmt::Write;

pub(super) fn render(run: &Run) -> String {
    let tags: Vec<&str> = run
        .scenarios
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let groups: Vec<Group> =
        Group::all().into_iter().filter(|g| run.scenarios.iter().any(|s| Group::of_scenario(s) == *g)).collect();
    let body = html! {
        (filter_inputs(&groups, tags.len()))
        (top(run))
        (filter_bar(run, &groups, &tags))
        main {
            "\n"
            (summary::summary(run))
            (tables::requirements(run))
            (tables::scenarios(run, &tags))
            (tables::waivers(run))
            (detail::details(run, &tags))
            (ambiguities::ambiguities(run))
        }
        "\n"
    };
    let fails = run.summary.fail;
    let title = format!(
        "setconform: {} — {}",
        run.sut.name,
        if fails > 0 { format!("{fails} FAIL") } else { format!("exit {}", run.summary.exit_code) }
    );
    document(&title, &filter_css(&groups, tags.len()), body)
}

/// The radio buttons the filters are made of. They come first, so that
/// `:checked ~` selectors reach everything after them; no script is needed.
fn filter_inputs(groups: &[Group], tags: usize) -> Markup {
    html! {
        input class="flt" type="radio" name="fv" id="fv-all" checked aria-label="all verdicts";
        "\n"
        @for g in groups {
            input class="flt" type="radio" name="fv" id={ "f" (g.class()) } aria-label=(g.label());
            "\n"
        }
        input class="flt" type="radio" name="ft" id="ft-all" checked aria-label="all tags";
        "\n"
        @for i in 0..tags {
            input class="flt" type="radio" name="ft" id={ "ft-" (i) } aria-label={ "tag " (i) };
            "\n"
        }
    }
}

/// The filter rules, from fixed verdict words and tag indices only.
fn filter_css(groups: &[Group], tags: usize) -> String {
    let mut css = String::new();
    let on = "{ background: #1f2937; color: #fff; border-color: #1f2937; }";
    let _ = writeln!(
        css,
        "#fv-all:checked ~ .filters label[for=fv-all], #ft-all:checked ~ .filters label[for=ft-all] {on}"
    );
    for g in groups {
        let c = g.class();
        let _ = writeln!(css, "#f{c}:checked ~ main .fv:not(.{c}) {{ display: none; }}");
        let _ = writeln!(css, "#f{c}:checked ~ .filters label[for=f{c}] {on}");
    }
    for i in 0..tags {
        let _ = writeln!(css, "#ft-{i}:checked ~ main .ft:not(.t{i}) {{ display: none; }}");
        let _ = writeln!(css, "#ft-{i}:checked ~ .filters label[for=ft-{i}] {on}");
    }
    css
}

fn top(run: &Run) -> Markup {
    html! {
        header class="top" {
            "\n" h1 { "setconform report: " (Text(&run.sut.name)) }
            "\n" div class="sub" {
                (Text(&run.tool.name)) " " (Text(&run.tool.version)) " · " (Text(&run.started_at)) " · "
                (run.scenarios.len()) " scenarios"
            }
            "\n" nav {
                a href="#summary" { "Summary" }
                a href="#requirements" { "Requirements" }
                a href="#scenarios" { "Scenarios" }
                @if !run.waivers.is_empty() { a href="#waivers" { "Waivers" } }
                a href="#details" { "Scenario details" }
                @if !run.ambiguities.is_empty() { a href="#ambiguities" { "Ambiguities" } }
            }
            "\n"
        }
        "\n"
    }
}

fn filter_bar(run: &Run, groups: &[Group], tags: &[&str]) -> Markup {
    html! {
        div class="filters" {
            "\n"
            div class="grp" {
                span { "Verdict:" }
                label for="fv-all" { "all" }
                @for g in groups {
                    label for={ "f" (g.class()) } {
                        (g.label()) " (" (run.scenarios.iter().filter(|s| Group::of_scenario(s) == *g).count()) ")"
                    }
                }
            }
            "\n"
            @if !tags.is_empty() {
                div class="grp" {
                    span { "Tag:" }
                    label for="ft-all" { "all" }
                    @for (i, t) in tags.iter().enumerate() {
                        label for={ "ft-" (i) } { (Text(t)) }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// Classes a scenario is filtered by: its verdict (N/A with its kind), and the index of each tag.
fn filter_classes(s: &ScenarioResult, tags: &[&str]) -> String {
    let mut c = format!("fv ft {}", Group::of_scenario(s).classes());
    for t in &s.tags {
        if let Ok(i) = tags.binary_search(&t.as_str()) {
            let _ = write!(c, " t{i}");
        }
    }
    c
}

fn tag_list(tags: &[String]) -> Markup {
    html! { @for t in tags { span class="tag" { (Text(t)) } } }
}

/// An id of the record, in code type, linked to its anchor on this page.
fn code_link(anchor: &str, id: &str) -> Markup {
    html! { a href={ "#" (anchor) } { code { (Text(id)) } } }
}

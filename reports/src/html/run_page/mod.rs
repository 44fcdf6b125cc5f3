//! The page of one run: summary, requirements, scenarios, waivers, then every
//! scenario in detail with its expectations and wire transcript. This module
//! puts the page together and holds its filters; each part has its own module.

mod detail;
mod reproduce;
mod summary;
mod tables;
mod wire;

use super::page::{document, verdict_class};
use super::text::Text;
use crate::{Run, ScenarioResult, Verdict};
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
    let verdicts: Vec<Verdict> =
        Verdict::ALL.into_iter().filter(|v| run.scenarios.iter().any(|s| s.verdict == *v)).collect();
    let body = html! {
        (filter_inputs(&verdicts, tags.len()))
        (top(run))
        (filter_bar(run, &verdicts, &tags))
        main {
            "\n"
            (summary::summary(run))
            (tables::requirements(run))
            (tables::scenarios(run, &tags))
            (tables::waivers(run))
            (detail::details(run, &tags))
        }
        "\n"
    };
    let fails = run.summary.fail;
    let title = format!(
        "setconform: {} — {}",
        run.sut.name,
        if fails > 0 { format!("{fails} FAIL") } else { format!("exit {}", run.summary.exit_code) }
    );
    document(&title, &filter_css(&verdicts, tags.len()), body)
}

/// The radio buttons the filters are made of. They come first, so that
/// `:checked ~` selectors reach everything after them; no script is needed.
fn filter_inputs(verdicts: &[Verdict], tags: usize) -> Markup {
    html! {
        input class="flt" type="radio" name="fv" id="fv-all" checked aria-label="all verdicts";
        "\n"
        @for v in verdicts {
            input class="flt" type="radio" name="fv" id={ "f" (verdict_class(*v)) } aria-label=(v.as_str());
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
fn filter_css(verdicts: &[Verdict], tags: usize) -> String {
    let mut css = String::new();
    let on = "{ background: #1f2937; color: #fff; border-color: #1f2937; }";
    let _ = writeln!(
        css,
        "#fv-all:checked ~ .filters label[for=fv-all], #ft-all:checked ~ .filters label[for=ft-all] {on}"
    );
    for v in verdicts {
        let c = verdict_class(*v);
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
            }
            "\n"
        }
        "\n"
    }
}

fn filter_bar(run: &Run, verdicts: &[Verdict], tags: &[&str]) -> Markup {
    html! {
        div class="filters" {
            "\n"
            div class="grp" {
                span { "Verdict:" }
                label for="fv-all" { "all" }
                @for v in verdicts {
                    label for={ "f" (verdict_class(*v)) } {
                        (v.as_str()) " (" (run.scenarios.iter().filter(|s| s.verdict == *v).count()) ")"
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

/// Classes a scenario is filtered by: its verdict, and the index of each tag.
fn filter_classes(s: &ScenarioResult, tags: &[&str]) -> String {
    let mut c = format!("fv ft {}", verdict_class(s.verdict));
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

//! The interop matrix: implementations across, scenarios and requirements
//! down, and for pairings, initiator against responder.

use super::page::{badge, document, section, table, verdict_class};
use super::text::{Inline, Text, report_href};
use super::{MatrixEntry, requirement_anchor, scenario_anchor};
use crate::{Run, Verdict};
use maud::{Markup, html};
use std::collections::HashSet;

/// What the pairing harness tags its two scenarios with.
const PAIRING_TAG: &str = "pairing";
const INITIATOR_PROFILE: &str = "pushpull-http-initiator";
const RESPONDER_PROFILE: &str = "pushpull-http-responder";

/// One row of a matrix: an id, its label, and each implementation's verdict.
struct Row<'a> {
    id: &'a str,
    label: &'a str,
    cells: Vec<Option<Verdict>>,
}

impl Row<'_> {
    fn differs(&self) -> bool {
        self.cells.iter().flatten().collect::<HashSet<_>>().len() > 1
            || (self.cells.iter().any(Option::is_some) && self.cells.iter().any(Option::is_none))
    }
}

pub(super) fn render(entries: &[MatrixEntry<'_>]) -> String {
    let hrefs: Vec<Option<&str>> = entries.iter().map(|e| e.report_href.as_deref().and_then(report_href)).collect();
    let pairings = pairing_cells(entries);
    let scenarios =
        rows(entries, |run| run.scenarios.iter().map(|s| (s.id.as_str(), s.title.as_str(), s.verdict)).collect());
    let requirements =
        rows(entries, |run| run.requirements.iter().map(|r| (r.id.as_str(), r.text.as_str(), r.verdict)).collect());
    let body = html! {
        input class="flt" type="checkbox" id="only-differ" aria-label="only rows that differ";
        "\n"
        header class="top" {
            "\n" h1 { "setconform interop matrix" }
            "\n" div class="sub" { (entries.len()) " implementations" }
            "\n" nav {
                a href="#m-scenarios" { "Scenarios" }
                a href="#m-requirements" { "Requirements" }
                @if !pairings.is_empty() { a href="#m-pairings" { "Pairings" } }
            }
            "\n"
        }
        "\n"
        div class="filters" {
            div class="grp" {
                span { "Rows:" }
                label for="only-differ" { "only where implementations differ" }
            }
        }
        "\n"
        main {
            "\n"
            (implementations(entries, &hrefs))
            p class="legend" {
                "Each cell is the implementation's verdict; a highlighted row is one where the implementations \
                 differ (or one did not run it: —)."
            }
            "\n"
            (matrix_table("m-scenarios", "Scenarios", entries, &hrefs, &scenarios, scenario_anchor))
            (matrix_table("m-requirements", "Requirements", entries, &hrefs, &requirements, requirement_anchor))
            (pairing_table(&pairings, &hrefs))
        }
        "\n"
    };
    let css = "#only-differ:checked ~ main tr.same { display: none; }\n\
               #only-differ:checked ~ .filters label[for=only-differ] { background: #1f2937; color: #fff; }\n";
    document("setconform interop matrix", css, body)
}

/// One row per implementation: what ran, and how it ended.
fn implementations(entries: &[MatrixEntry<'_>], hrefs: &[Option<&str>]) -> Markup {
    let head = html! {
        th { "Implementation" } th { "System under test" } th { "Fault" } th { "Tool" } th { "Started" }
        th class="num" { "Scenarios" } th class="num" { "FAIL" } th class="num" { "Exit" }
    };
    let rows = html! {
        @for (e, href) in entries.iter().zip(hrefs) {
            @let run = e.run;
            tr {
                td { (linked(html! { (Text(&e.label)) }, *href, None)) }
                td { (Text(&run.sut.name)) " " span class="muted" { "(" (Text(&run.sut.kind)) ")" } }
                td { @if let Some(fault) = &run.sut.fault { (Text(fault)) } }
                td { (Text(&run.tool.name)) " " (Text(&run.tool.version)) }
                td { (Text(&run.started_at)) }
                td class="num" { (run.summary.total) }
                td class="num" { (run.summary.fail) }
                td class="num" { (run.summary.exit_code) }
            }
            "\n"
        }
    };
    section("m-implementations", html! { "Implementations" }, table(None, head, rows))
}

/// Rows in the order they first appear across the runs.
fn rows<'a>(entries: &[MatrixEntry<'a>], of: impl Fn(&'a Run) -> Vec<(&'a str, &'a str, Verdict)>) -> Vec<Row<'a>> {
    let per_run: Vec<Vec<(&str, &str, Verdict)>> = entries.iter().map(|e| of(e.run)).collect();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for items in &per_run {
        for (id, label, _) in items {
            if seen.insert(*id) {
                let cells =
                    per_run.iter().map(|other| other.iter().find(|(i, _, _)| i == id).map(|(_, _, v)| *v)).collect();
                rows.push(Row { id, label, cells });
            }
        }
    }
    rows
}

fn linked(text: Markup, href: Option<&str>, anchor: Option<&str>) -> Markup {
    html! {
        @match (href, anchor) {
            (Some(h), Some(a)) => a href={ (h) "#" (a) } { (text) },
            (Some(h), None) => a href=(h) { (text) },
            _ => (text),
        }
    }
}

fn cell(v: Option<Verdict>, href: Option<&str>, anchor: &str) -> Markup {
    html! {
        @match v {
            Some(v) => td class={ "cell " (verdict_class(v)) } { (linked(html! { (v.as_str()) }, href, Some(anchor))) },
            None => td class="cell none" { "—" },
        }
    }
}

fn matrix_table(
    id: &str,
    heading: &str,
    entries: &[MatrixEntry<'_>],
    hrefs: &[Option<&str>],
    rows: &[Row<'_>],
    anchor: fn(&str) -> String,
) -> Markup {
    let differing = rows.iter().filter(|r| r.differs()).count();
    let head = html! { th { "Id" } @for e in entries { th { (Text(&e.label)) } } };
    let body = html! {
        @for r in rows {
            @let a = anchor(r.id);
            tr class=(if r.differs() { "differ" } else { "same" }) {
                td class="rowh" { code { (Text(r.id)) } div class="note" { (Inline(r.label)) } }
                @for (v, href) in r.cells.iter().zip(hrefs) { (cell(*v, *href, &a)) }
            }
            "\n"
        }
    };
    let heading = html! { (heading) " (" (rows.len()) " rows, " (differing) " differ)" };
    section(id, heading, table(Some("matrix"), head, body))
}

/// One pairing run: which implementation initiated, which responded, and
/// the verdict of each side.
struct Pairing {
    entry: usize,
    initiator: String,
    responder: String,
    initiator_side: Option<(Verdict, String)>,
    responder_side: Option<(Verdict, String)>,
}

/// The runs that came from a pairing: their scenarios are tagged `pairing`.
fn pairing_cells(entries: &[MatrixEntry<'_>]) -> Vec<Pairing> {
    let mut found = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let side = |profile: &str| {
            let sides: Vec<_> = e
                .run
                .scenarios
                .iter()
                .filter(|s| s.profile == profile && s.tags.iter().any(|t| t == PAIRING_TAG))
                .collect();
            (!sides.is_empty())
                .then(|| (Verdict::roll_up(sides.iter().map(|s| s.verdict)), scenario_anchor(&sides[0].id)))
        };
        let (initiator_side, responder_side) = (side(INITIATOR_PROFILE), side(RESPONDER_PROFILE));
        if initiator_side.is_none() && responder_side.is_none() {
            continue;
        }
        // The pairing names its SUT "initiator -> responder".
        let (initiator, responder) = match e.run.sut.name.split_once(" -> ") {
            Some((i, r)) => (i.trim().to_owned(), r.trim().to_owned()),
            None => (format!("{} (initiator)", e.label), format!("{} (responder)", e.label)),
        };
        found.push(Pairing { entry: i, initiator, responder, initiator_side, responder_side });
    }
    found
}

fn pairing_table(pairings: &[Pairing], hrefs: &[Option<&str>]) -> Markup {
    if pairings.is_empty() {
        return html! {};
    }
    let mut initiators: Vec<&str> = Vec::new();
    let mut responders: Vec<&str> = Vec::new();
    for p in pairings {
        if !initiators.contains(&p.initiator.as_str()) {
            initiators.push(&p.initiator);
        }
        if !responders.contains(&p.responder.as_str()) {
            responders.push(&p.responder);
        }
    }
    let head = html! { th { "Initiator ↓ / Responder →" } @for r in &responders { th { (Text(r)) } } };
    let rows = html! {
        @for i in &initiators {
            tr {
                td class="rowh" { strong { (Text(i)) } }
                @for r in &responders {
                    @match pairings.iter().find(|p| p.initiator == *i && p.responder == *r) {
                        Some(p) => (pairing_cell(p, hrefs[p.entry])),
                        None => td class="cell none" { "—" },
                    }
                }
            }
            "\n"
        }
    };
    let content = html! {
        p class="legend" {
            "The harness sat between the two implementations and judged both sides. Each cell: the pairing's \
             verdict, then the initiator's side (I) and the responder's side (R)."
        }
        "\n"
        (table(Some("matrix"), head, rows))
    };
    section("m-pairings", html! { "Pairings: initiator (transmitting requests) × responder" }, content)
}

/// A pairing's verdict, then each side's, linked to its scenario.
fn pairing_cell(p: &Pairing, href: Option<&str>) -> Markup {
    let overall = Verdict::roll_up([&p.initiator_side, &p.responder_side].into_iter().flatten().map(|(v, _)| *v));
    let side = |name: &str, s: &Option<(Verdict, String)>| match s {
        Some((v, a)) => html! { (name) ": " (linked(badge(*v), href, Some(a))) },
        None => html! { (name) ": —" },
    };
    html! {
        td class={ "cell " (verdict_class(overall)) } {
            (overall.as_str())
            div class="note" { (side("I", &p.initiator_side)) " " (side("R", &p.responder_side)) }
        }
    }
}

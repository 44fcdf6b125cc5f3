//! The interop matrix: implementations across, scenarios and requirements
//! down, and for pairings, initiator against responder.

use super::escape::{esc, report_href};
use super::page::{badge, document, verdict_class};
use super::{MatrixEntry, requirement_anchor, scenario_anchor};
use crate::{Run, Verdict};
use std::collections::HashSet;
use std::fmt::Write;

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
    let hrefs: Vec<Option<String>> = entries.iter().map(|e| e.report_href.as_deref().and_then(report_href)).collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<input class=\"flt\" type=\"checkbox\" id=\"only-differ\" aria-label=\"only rows that differ\">\n");
    let _ = write!(
        out,
        "<header class=\"top\">\n<h1>setconform interop matrix</h1>\n<div class=\"sub\">{} implementations</div>\n<nav>\
         <a href=\"#m-scenarios\">Scenarios</a><a href=\"#m-requirements\">Requirements</a>",
        entries.len()
    );
    let pairings = pairing_cells(entries);
    if !pairings.is_empty() {
        out.push_str("<a href=\"#m-pairings\">Pairings</a>");
    }
    out.push_str(
        "</nav>\n</header>\n<div class=\"filters\"><div class=\"grp\"><span>Rows:</span><label for=\"only-differ\">\
         only where implementations differ</label></div></div>\n<main>\n",
    );
    out.push_str("<section id=\"m-implementations\">\n<h2>Implementations</h2>\n<table>\n<thead><tr><th>Implementation</th>\
                   <th>System under test</th><th>Fault</th><th>Tool</th><th>Started</th><th class=\"num\">Scenarios</th>\
                   <th class=\"num\">FAIL</th><th class=\"num\">Exit</th></tr></thead>\n<tbody>\n");
    for (e, href) in entries.iter().zip(&hrefs) {
        let run = e.run;
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{} <span class=\"muted\">({})</span></td><td>{}</td><td>{} {}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            linked(&esc(&e.label), href.as_deref(), None),
            esc(&run.sut.name),
            esc(&run.sut.kind),
            run.sut.fault.as_deref().map(esc).unwrap_or_default(),
            esc(&run.tool.name),
            esc(&run.tool.version),
            esc(&run.started_at),
            run.summary.total,
            run.summary.fail,
            run.summary.exit_code
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out.push_str(
        "<p class=\"legend\">Each cell is the implementation's verdict; a highlighted row is one where the \
         implementations differ (or one did not run it: —).</p>\n",
    );
    let scenarios =
        rows(entries, |run| run.scenarios.iter().map(|s| (s.id.as_str(), s.title.as_str(), s.verdict)).collect());
    table(&mut out, "m-scenarios", "Scenarios", entries, &hrefs, &scenarios, scenario_anchor);
    let requirements =
        rows(entries, |run| run.requirements.iter().map(|r| (r.id.as_str(), r.text.as_str(), r.verdict)).collect());
    table(&mut out, "m-requirements", "Requirements", entries, &hrefs, &requirements, requirement_anchor);
    pairing_table(&mut out, &pairings, &hrefs);
    out.push_str("</main>\n");
    let css = "#only-differ:checked ~ main tr.same { display: none; }\n\
               #only-differ:checked ~ .filters label[for=only-differ] { background: #1f2937; color: #fff; }\n";
    document("setconform interop matrix", css, &out)
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

fn linked(text: &str, href: Option<&str>, anchor: Option<&str>) -> String {
    match (href, anchor) {
        (Some(h), Some(a)) => format!("<a href=\"{h}#{a}\">{text}</a>"),
        (Some(h), None) => format!("<a href=\"{h}\">{text}</a>"),
        _ => text.to_owned(),
    }
}

fn cell(v: Option<Verdict>, href: Option<&str>, anchor: &str) -> String {
    match v {
        Some(v) => {
            format!("<td class=\"cell {}\">{}</td>", verdict_class(v), linked(&esc(v.as_str()), href, Some(anchor)))
        }
        None => "<td class=\"cell none\">—</td>".to_owned(),
    }
}

fn table(
    out: &mut String,
    id: &str,
    heading: &str,
    entries: &[MatrixEntry<'_>],
    hrefs: &[Option<String>],
    rows: &[Row<'_>],
    anchor: fn(&str) -> String,
) {
    let differing = rows.iter().filter(|r| r.differs()).count();
    let _ = write!(
        out,
        "<section id=\"{id}\">\n<h2>{heading} ({} rows, {differing} differ)</h2>\n<table class=\"matrix\">\n<thead><tr><th>Id</th>",
        rows.len()
    );
    for e in entries {
        let _ = write!(out, "<th>{}</th>", esc(&e.label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        let a = anchor(r.id);
        let _ = write!(
            out,
            "<tr class=\"{}\"><td class=\"rowh\"><code>{}</code><div class=\"note\">{}</div></td>",
            if r.differs() { "differ" } else { "same" },
            esc(r.id),
            esc(r.label)
        );
        for (v, href) in r.cells.iter().zip(hrefs) {
            out.push_str(&cell(*v, href.as_deref(), &a));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
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

fn pairing_table(out: &mut String, pairings: &[Pairing], hrefs: &[Option<String>]) {
    if pairings.is_empty() {
        return;
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
    out.push_str(
        "<section id=\"m-pairings\">\n<h2>Pairings: initiator (transmitting requests) × responder</h2>\n\
         <p class=\"legend\">The harness sat between the two implementations and judged both sides. \
         Each cell: the pairing's verdict, then the initiator's side (I) and the responder's side (R).</p>\n\
         <table class=\"matrix\">\n<thead><tr><th>Initiator ↓ / Responder →</th>",
    );
    for r in &responders {
        let _ = write!(out, "<th>{}</th>", esc(r));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for i in &initiators {
        let _ = write!(out, "<tr><td class=\"rowh\"><strong>{}</strong></td>", esc(i));
        for r in &responders {
            let Some(p) = pairings.iter().find(|p| p.initiator == *i && p.responder == *r) else {
                out.push_str("<td class=\"cell none\">—</td>");
                continue;
            };
            let href = hrefs[p.entry].as_deref();
            let overall =
                Verdict::roll_up([&p.initiator_side, &p.responder_side].into_iter().flatten().map(|(v, _)| *v));
            let side = |name: &str, s: &Option<(Verdict, String)>| match s {
                Some((v, a)) => format!("{name}: {}", linked(&badge(*v), href, Some(a))),
                None => format!("{name}: —"),
            };
            let _ = write!(
                out,
                "<td class=\"cell {}\">{}<div class=\"note\">{} {}</div></td>",
                verdict_class(overall),
                esc(overall.as_str()),
                side("I", &p.initiator_side),
                side("R", &p.responder_side)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

//! The run at a glance: one horizontal stacked bar of verdicts per profile
//! (scenario verdicts, by `ScenarioResult::profile`) and per requirement
//! family (requirement verdicts, by the id without its trailing `-NNN`:
//! `PP-HTTP-006` is in `PP-HTTP`, `SSF-STRM-001` in `SSF-STRM`).
//!
//! Each bar is inline SVG coloured by the page's verdict classes, with a
//! `<title>` per bar and per segment for hover and screen readers, and the
//! counts written out beside it as text. PASS, FAIL, WARN, INFO and N/A are
//! always counted; ERROR, TIMEOUT and WAIVED only where they occur.

use super::super::page::verdict_class;
use super::super::text::Text;
use crate::{Run, Verdict};
use maud::{Markup, html};

/// Width of a bar, in SVG user units (pixels at 100 %).
const BAR_WIDTH: usize = 240;
/// Height of a bar.
const BAR_HEIGHT: usize = 12;

/// Verdicts counted in every row, shown even at zero.
const ALWAYS: [Verdict; 5] = [Verdict::Pass, Verdict::Fail, Verdict::Warn, Verdict::Info, Verdict::NotApplicable];

/// How many of a group's results have each verdict, in [`Verdict::ALL`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tally([usize; Verdict::ALL.len()]);

impl Tally {
    pub(super) fn add(&mut self, v: Verdict) {
        self.0[index(v)] += 1;
    }

    pub(super) fn get(&self, v: Verdict) -> usize {
        self.0[index(v)]
    }

    pub(super) fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// The verdicts a row shows: the five always counted, then any other that occurs.
    fn shown(&self) -> impl Iterator<Item = (Verdict, usize)> + '_ {
        Verdict::ALL.into_iter().map(|v| (v, self.get(v))).filter(|(v, n)| *n > 0 || ALWAYS.contains(v))
    }
}

fn index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|w| *w == v).unwrap_or_default()
}

/// Groups keyed by name in the order the names first come, each with its tally.
fn tally<'a>(
    first: impl IntoIterator<Item = &'a str>,
    items: impl IntoIterator<Item = (&'a str, Verdict)>,
) -> Vec<(&'a str, Tally)> {
    let mut groups: Vec<(&str, Tally)> = first.into_iter().map(|k| (k, Tally::default())).collect();
    for (key, v) in items {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => t.add(v),
            None => {
                let mut t = Tally::default();
                t.add(v);
                groups.push((key, t));
            }
        }
    }
    groups.retain(|(_, t)| t.total() > 0);
    groups
}

/// Scenario verdicts per profile: the run's planned profiles in their order,
/// then any other a scenario names; profiles without scenarios are left out.
pub(super) fn by_profile(run: &Run) -> Vec<(&str, Tally)> {
    tally(run.profiles.iter().map(String::as_str), run.scenarios.iter().map(|s| (s.profile.as_str(), s.verdict)))
}

/// Requirement verdicts per family, in the order the families first come.
pub(super) fn by_family(run: &Run) -> Vec<(&str, Tally)> {
    tally([], run.requirements.iter().map(|r| (family(&r.id), r.verdict)))
}

/// A requirement id without its number: what comes before the last `-` when
/// only digits follow it; an id without such a number is its own family.
pub(super) fn family(id: &str) -> &str {
    match id.rsplit_once('-') {
        Some((head, num)) if !head.is_empty() && !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => id,
    }
}

/// The summary's bars: scenarios by profile, requirements by family.
pub(super) fn bars(run: &Run) -> Markup {
    html! {
        (bar_table("Scenarios by profile", "Profile", &by_profile(run)))
        (bar_table("Requirements by family", "Family", &by_family(run)))
    }
}

fn bar_table(heading: &str, what: &str, rows: &[(&str, Tally)]) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    html! {
        h4 { (heading) }
        "\n"
        table class="bars" {
            "\n"
            thead { tr { th { (what) } th { "Verdicts" } th { "Counts" } } }
            "\n"
            tbody {
                "\n"
                @for (label, t) in rows {
                    tr {
                        td class="nowrap" { code { (Text(label)) } }
                        td { (bar(label, t)) }
                        td class="counts" { (counts(t)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// Counts as words: `3 PASS · 1 FAIL · …`, zeros muted.
fn counts(t: &Tally) -> Markup {
    html! {
        @for (i, (v, n)) in t.shown().enumerate() {
            @if i > 0 { " · " }
            span class={ "cnt " (verdict_class(v)) @if n == 0 { " zero" } } { (n) " " (v.as_str()) }
        }
        " " span class="muted" { "(" (t.total()) ")" }
    }
}

/// `label, n PASS, …`: what a bar says to a reader that cannot see it.
fn spoken(label: &str, t: &Tally) -> String {
    let parts: Vec<String> = t.shown().map(|(v, n)| format!("{n} {}", v.as_str())).collect();
    format!("{label}: {}", parts.join(", "))
}

/// One stacked bar: a segment per verdict that occurs, widths in proportion,
/// the edges rounded so that segments meet and fill the bar.
fn bar(label: &str, t: &Tally) -> Markup {
    let total = t.total().max(1);
    let mut before = 0;
    let segments: Vec<(Verdict, usize, usize, usize)> = Verdict::ALL
        .into_iter()
        .filter_map(|v| {
            let n = t.get(v);
            if n == 0 {
                return None;
            }
            let x = before * BAR_WIDTH / total;
            before += n;
            Some((v, n, x, before * BAR_WIDTH / total - x))
        })
        .collect();
    html! {
        svg class="bar" role="img" width=(BAR_WIDTH) height=(BAR_HEIGHT)
            viewBox={ "0 0 " (BAR_WIDTH) " " (BAR_HEIGHT) } {
            title { (Text(&spoken(label, t))) }
            @for (v, n, x, w) in segments {
                rect class=(verdict_class(v)) x=(x) y="0" width=(w) height=(BAR_HEIGHT) {
                    title { (n) " " (v.as_str()) }
                }
            }
        }
    }
}

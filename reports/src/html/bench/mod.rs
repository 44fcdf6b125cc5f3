//! The page of one bench: the headline (binding, direction, SUT, sustained
//! rate, latency percentiles, whether every SET is accounted for), the load
//! asked for, the ledger, errors by kind, the steps, the latency percentiles
//! from the histogram, and two plots over time. This module puts the page
//! together and writes its headline; the tables and the plots have modules of
//! their own. Like the run page it has no script, and every string of the
//! record goes through maud's escaping.

mod plots;
mod tables;
#[cfg(test)]
mod tests;

use super::page::{document, section};
use super::text::Text;
use crate::bench::units::{grouped, micros};
use crate::bench::{BenchRecord, BenchVerdict};
use maud::{Markup, html};

pub(super) fn render(record: &BenchRecord) -> String {
    let body = html! {
        (top(record))
        main {
            "\n"
            (headline(record))
            (tables::load(record))
            (tables::ledger(&record.ledger))
            (tables::errors(&record.errors))
            @if let Some(judged) = &record.judged { (tables::judged(judged)) }
            (tables::steps(record))
            (tables::percentiles(&record.result.latency))
            (plots::plots(record))
        }
        "\n"
    };
    let title = format!(
        "setconform bench: {} {} {} — {}",
        record.sut.name,
        record.binding.name(),
        record.direction.name(),
        verdict_text(record)
    );
    document(&title, CSS, body)
}

/// The verdict in words: every SET accounted for, how many were lost, or that nothing was measured.
fn verdict_text(record: &BenchRecord) -> String {
    match record.result.verdict {
        BenchVerdict::Accounted => "every SET accounted for".to_owned(),
        BenchVerdict::Lost => format!("{} SETs lost", grouped(record.ledger.lost as f64)),
        BenchVerdict::NothingMeasured => "nothing measured: no SET was acknowledged".to_owned(),
    }
}

fn top(record: &BenchRecord) -> Markup {
    html! {
        header class="top" {
            "\n" h1 {
                "setconform bench: " (Text(&record.sut.name)) " · "
                (record.binding.name()) " · " (record.direction.name())
            }
            "\n" div class="sub" {
                (Text(&record.tool)) " · " (Text(&record.started_at)) " · " (record.steps.len()) " step(s)"
            }
            "\n" nav {
                a href="#headline" { "Headline" }
                a href="#load" { "Load" }
                a href="#ledger" { "Ledger" }
                a href="#errors" { "Errors" }
                a href="#steps" { "Steps" }
                a href="#percentiles" { "Percentiles" }
                a href="#over-time" { "Over time" }
            }
            "\n"
        }
        "\n"
    }
}

/// The answer first: rate, latencies and the ledger's verdict.
fn headline(record: &BenchRecord) -> Markup {
    let r = &record.result;
    let class = match r.verdict {
        BenchVerdict::Accounted => "ok",
        BenchVerdict::Lost => "bad",
        BenchVerdict::NothingMeasured => "inc",
    };
    let cards = [
        ("p50", micros(r.latency.p50_us)),
        ("p90", micros(r.latency.p90_us)),
        ("p99", micros(r.latency.p99_us)),
        ("p99.9", micros(r.latency.p999_us)),
        ("max", micros(r.latency.max_us)),
    ];
    section(
        "headline",
        html! { "Headline" },
        html! {
            p { span class={ "exit " (class) } { (verdict_text(record)) } }
            "\n"
            @if let Some(why) = &record.interrupted {
                div class="alert" { "Cut short: " strong { (Text(why)) } ". The numbers cover what ran until then." }
                "\n"
            }
            dl class="facts" {
                "\n"
                dt { "System under test" } dd { strong { (Text(&record.sut.name)) } " " span class="muted" { "(" (Text(&record.sut.kind)) ")" } }
                "\n"
                dt { "Binding" } dd { code { (record.binding.name()) } }
                "\n"
                dt { "Direction" } dd { (direction_words(record)) }
                "\n"
            }
            div class="cards" {
                "\n"
                div class="card rate" {
                    div class="n" { (grouped(r.sustained_rate)) } div class="l" { "sustained SETs/s" }
                }
                "\n"
                @for (label, value) in &cards {
                    div class="card" { div class="n" { (value) } div class="l" { (label) " latency" } }
                    "\n"
                }
            }
            p class="note" {
                "Latency: from sending a SET to its acknowledgement, over " (grouped(r.latency.count as f64))
                " SETs measured."
            }
            "\n"
        },
    )
}

fn direction_words(record: &BenchRecord) -> &'static str {
    match record.direction {
        crate::bench::Direction::Send => "send: the harness sends SETs to the SUT",
        crate::bench::Direction::Drain => "drain: the SUT transmits the SETs the harness had it queue",
    }
}

/// The page's own rules, on top of the shared stylesheet: fixed words only.
const CSS: &str = r#".card.rate { border-left-color: var(--info); }
svg.plot { display: block; max-width: 100%; height: auto; margin: 4px 0 2px; font: 10px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
svg.plot .frame { fill: var(--soft); }
svg.plot .ax, svg.plot .tk { stroke: #94a3b8; } svg.plot .grid { stroke: #e2e8f0; }
svg.plot .tl { fill: var(--muted); }
svg.plot .stepline { stroke: #94a3b8; stroke-dasharray: 3 3; }
svg.plot polyline { fill: none; stroke-width: 1.5; stroke-linejoin: round; }
.s-sent { stroke: #64748b; background: #64748b; } .s-acked { stroke: var(--pass); background: var(--pass); }
.s-p50 { stroke: var(--info); background: var(--info); } .s-p99 { stroke: var(--timeout); background: var(--timeout); }
td.indent { padding-left: 24px; }
td.yes { color: var(--pass); font-weight: 600; } td.no { color: var(--fail); font-weight: 600; }
ul.jtis { columns: 3 18em; margin: 4px 0; padding-left: 18px; }
"#;

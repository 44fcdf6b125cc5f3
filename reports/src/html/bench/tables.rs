//! The bench page's facts and tables: the load asked for, the ledger of every
//! SET, errors by kind, one row per step, and the latency percentiles read
//! from the histogram.

use super::super::page::{millis, section, table};
use super::super::text::Text;
use crate::bench::histogram::Latency;
use crate::bench::units::{grouped, micros, share};
use crate::bench::{BenchRecord, Direction, Judged, Ledger, Shape};
use maud::{Markup, html};
use std::collections::BTreeMap;

/// The quantiles of the percentile table, with their labels.
const QUANTILES: [(f64, &str); 7] =
    [(0.50, "p50"), (0.75, "p75"), (0.90, "p90"), (0.95, "p95"), (0.99, "p99"), (0.999, "p99.9"), (0.9999, "p99.99")];

/// A SETs/s figure: `1,200 SETs/s`.
fn per_second(rate: f64) -> String {
    format!("{} SETs/s", grouped(rate))
}

fn fact(term: &str, value: Markup) -> Markup {
    html! { dt { (term) } dd { (value) } "\n" }
}

/// The load as it was asked for.
pub(super) fn load(record: &BenchRecord) -> Markup {
    let l = &record.load;
    let shape = match &l.shape {
        Shape::Fixed { rate, duration_ms } => {
            format!("a fixed {} for {}", per_second(*rate), millis(*duration_ms))
        }
        Shape::Ramp { max_p99_us, start_rate, step_ms } => format!(
            "a ramp from {}, each rate held {}, up to the highest whose p99 stays within {}",
            per_second(*start_rate),
            millis(*step_ms),
            micros(*max_p99_us)
        ),
    };
    let shards = match record.shards.as_slice() {
        [] => "not split".to_owned(),
        all => {
            let names: Vec<String> = all.iter().map(|s| format!("{}/{}", s.index, s.count)).collect();
            format!("{} of {}: {}", all.len(), all[0].count, names.join(", "))
        }
    };
    section(
        "load",
        html! { "Load asked for" },
        html! {
            dl class="facts" {
                "\n"
                (fact("Shape", html! { (shape) }))
                (fact("SETs per request", html! { (l.batch) }))
                (fact("Connections", html! { (l.connections) }))
                @if record.direction == Direction::Drain {
                    (fact("SUT's SETs judged", html! {
                        @match l.verify_one_in { 0 => "none", 1 => "every SET", n => { "1 SET in " (n) } }
                    }))
                }
                (fact("Shards", html! { (shards) }))
            }
            "\n"
        },
    )
}

/// Where every SET sent ended up.
pub(super) fn ledger(l: &Ledger) -> Markup {
    let refused: u64 = l.refused.values().sum();
    let row = |what: Markup, n: u64, note: Markup| {
        html! { tr { td { (what) } td class="num" { (grouped(n as f64)) } td { (note) } } "\n" }
    };
    let by_code = |code: &str, n: u64| {
        html! {
            tr { td class="indent" { "refused: " code { (Text(code)) } } td class="num" { (grouped(n as f64)) } td {} }
            "\n"
        }
    };
    let rows = html! {
        (row(html! { "Sent" }, l.sent, html! {}))
        (row(html! { "Acknowledged" }, l.acked, html! {}))
        (row(html! { "Refused" }, refused, html! { span class="muted" { "by the SUT, with an error code" } }))
        @for (code, n) in &l.refused {
            (by_code(code, *n))
        }
        (row(html! { strong { "Lost" } }, l.lost, lost_note(l)))
        (row(html! { "Duplicated" }, l.duplicated, html! { span class="muted" { "acknowledged or received more than once" } }))
        (row(html! { "Unknown" }, l.unknown, html! { span class="muted" { "naming a jti never sent or queued" } }))
    };
    section(
        "ledger",
        html! { "Ledger: where every SET went" },
        table(Some("ledger"), html! { th { "SETs" } th class="num" { "Count" } th { "" } }, rows),
    )
}

/// The lost SETs' sample, to look for in the SUT's logs.
fn lost_note(l: &Ledger) -> Markup {
    if l.lost == 0 {
        return html! { span class="muted" { "none: every SET was acknowledged or refused" } };
    }
    html! {
        "neither acknowledged nor refused by the end"
        @if !l.lost_sample.is_empty() {
            details {
                summary { "jtis of " (l.lost_sample.len()) " of them" }
                ul class="jtis" { @for jti in &l.lost_sample { li { code { (Text(jti)) } } } }
            }
        }
    }
}

/// Requests that got no usable answer, by kind.
pub(super) fn errors(errors: &BTreeMap<String, u64>) -> Markup {
    let content = if errors.is_empty() {
        html! { p class="muted" { "Every request got an answer." } "\n" }
    } else {
        table(
            None,
            html! { th { "Kind" } th class="num" { "Count" } },
            html! {
                @for (kind, n) in errors {
                    tr { td { code { (Text(kind)) } } td class="num" { (grouped(*n as f64)) } } "\n"
                }
            },
        )
    };
    section("errors", html! { "Errors by kind" }, content)
}

/// A drained SUT's sampled SETs and the rules they broke.
pub(super) fn judged(judged: &Judged) -> Markup {
    let content = html! {
        p { (grouped(judged.sets as f64)) " of the SUT's SETs judged as they arrived (signature, header, claims)." } "\n"
        @if judged.broken.is_empty() {
            p class="muted" { "None of them broke a rule." } "\n"
        } @else {
            (table(
                None,
                html! { th { "Requirement" } th class="num" { "SETs breaking it" } },
                html! {
                    @for (req, n) in &judged.broken {
                        tr { td { code { (Text(req)) } } td class="num" { (grouped(*n as f64)) } } "\n"
                    }
                },
            ))
        }
    };
    section("judged", html! { "SETs judged" }, content)
}

/// One row per step: the rate offered and achieved, its latency, whether it was
/// sustained, and the CPU the harness (and the SUT, where measured) used.
pub(super) fn steps(record: &BenchRecord) -> Markup {
    let sut_cpu = record.steps.iter().any(|s| s.cpu.sut_ms.is_some());
    let head = html! {
        th class="num" { "Step" } th class="num" { "Offered" } th class="num" { "Achieved" }
        th class="num" { "Sent" } th class="num" { "Acked" } th class="num" { "Refused" }
        th class="num" { "p50" } th class="num" { "p99" } th { "Sustained" }
        th class="num" { "Harness CPU" }
        @if sut_cpu { th class="num" { "SUT CPU" } }
    };
    let rows = html! {
        @for (i, s) in record.steps.iter().enumerate() {
            tr {
                td class="num" { (i + 1) }
                td class="num" { (per_second(s.offered_rate)) }
                td class="num" { (per_second(s.achieved_rate)) }
                td class="num" { (grouped(s.sent as f64)) }
                td class="num" { (grouped(s.acked as f64)) }
                td class="num" { (grouped(s.refused as f64)) }
                td class="num" { (micros(s.latency.p50_us)) }
                td class="num" { (micros(s.latency.p99_us)) }
                @if s.sustained { td class="yes" { "yes" } } @else { td class="no" { "no" } }
                td class="num" { (share(s.cpu.harness_share())) }
                @if sut_cpu { td class="num" { (s.cpu.sut_share().map_or_else(|| "—".to_owned(), share)) } }
            }
            "\n"
        }
    };
    section(
        "steps",
        html! { "Steps" },
        html! {
            (table(Some("steps"), head, rows))
            p class="note" {
                "A step is sustained when the SUT acknowledged at least 95% of the offered rate"
                @if let Some(bound) = record.load.shape.max_p99_us() { " with its p99 within " (micros(bound)) }
                ". CPU: a share of all the cores of the harness's machine(s) over the step's wall time."
            }
            "\n"
        },
    )
}

/// The latency percentiles of every measured SET, read from its histogram;
/// the record's summary when the histogram cannot be read.
pub(super) fn percentiles(latency: &Latency) -> Markup {
    let rows: Vec<(&str, u64)> = match latency.histogram() {
        Ok(h) if !h.is_empty() => {
            let mut rows: Vec<(&str, u64)> = QUANTILES.iter().map(|(q, l)| (*l, h.value_at_quantile(*q))).collect();
            rows.push(("max", h.max()));
            rows
        }
        _ => vec![
            ("p50", latency.p50_us),
            ("p90", latency.p90_us),
            ("p99", latency.p99_us),
            ("p99.9", latency.p999_us),
            ("max", latency.max_us),
        ],
    };
    let unreadable = latency.histogram().is_err();
    section(
        "percentiles",
        html! { "Latency percentiles" },
        html! {
            (table(
                Some("percentiles"),
                html! { th { "Percentile" } th class="num" { "Latency" } },
                html! { @for (label, us) in &rows { tr { td { (label) } td class="num" { (micros(*us)) } } "\n" } },
            ))
            p class="note" {
                @if unreadable {
                    "The histogram in the record cannot be read: the record's own summary is shown."
                } @else {
                    "From the HDR histogram of " (grouped(latency.count as f64)) " SETs, to 0.1%."
                }
            }
            "\n"
        },
    )
}

//! The bench over time, as inline SVG built from the ticks of all steps (ticks
//! of one second merged): SETs sent and acknowledged per second on a linear
//! axis, and the p50 and p99 latency of each second on a logarithmic one,
//! with labelled ticks. A line has one point per tick (per tick that
//! acknowledged something, for latency); where a ramp changes its rate, a
//! dashed line marks the next step. Each `<svg>` has the class `plot`, an id
//! (`plot-rate`, `plot-latency`) and a `<title>`; each line has a class naming
//! its series (`s-sent`, `s-acked`, `s-p50`, `s-p99`).

use super::super::page::{at, tick_step, time_axis};
use crate::bench::merge::merge_timelines;
use crate::bench::units::grouped;
use crate::bench::{BenchRecord, Tick};
use maud::{Markup, html};

/// Room left of the plot for the value labels.
const LEFT: f64 = 68.0;
const PLOT_W: f64 = 680.0;
/// Room right of the plot for the last tick's label.
const RIGHT: f64 = 24.0;
const TOP: f64 = 14.0;
const PLOT_H: f64 = 180.0;
const AXIS_H: f64 = 22.0;

/// One line of a plot: its class and, per point, the second and the value.
struct Series {
    class: &'static str,
    what: &'static str,
    points: Vec<(u64, f64)>,
}

/// How a plot maps seconds and values to the picture, and its value axis's ticks.
struct Frame {
    first_s: u64,
    span_s: u64,
    /// A value's height in the plot, 0..=1.
    height: Box<dyn Fn(f64) -> f64>,
    /// Value ticks: the value, and its label.
    ticks: Vec<(f64, String)>,
}

impl Frame {
    fn x(&self, unix_s: u64) -> f64 {
        LEFT + unix_s.saturating_sub(self.first_s).min(self.span_s) as f64 * PLOT_W / self.span_s as f64
    }

    fn y(&self, value: f64) -> f64 {
        TOP + PLOT_H * (1.0 - (self.height)(value).clamp(0.0, 1.0))
    }
}

/// The ticks of all steps in time order, one per second.
fn ticks(record: &BenchRecord) -> Vec<Tick> {
    let all = || record.steps.iter().flat_map(|s| &s.timeline);
    merge_timelines(all()).unwrap_or_else(|_| {
        let mut ticks: Vec<Tick> = all().cloned().collect();
        ticks.sort_by_key(|t| t.unix_s);
        ticks
    })
}

pub(super) fn plots(record: &BenchRecord) -> Markup {
    let ticks = ticks(record);
    let content = match (ticks.first(), ticks.last()) {
        (Some(first), Some(last)) => {
            let (first_s, span_s) = (first.unix_s, (last.unix_s - first.unix_s).max(1));
            let steps: Vec<u64> = record.steps.iter().skip(1).map(|s| s.started_unix_ms / 1000).collect();
            html! {
                h4 { "SETs per second" }
                "\n"
                (rate_plot(&ticks, first_s, span_s, &steps))
                h4 { "Latency per second" }
                "\n"
                (latency_plot(&ticks, first_s, span_s, &steps))
            }
        }
        _ => html! { p class="muted" { "The record holds no ticks: there is nothing to plot." } "\n" },
    };
    super::super::page::section("over-time", html! { "Over time" }, content)
}

fn rate_plot(ticks: &[Tick], first_s: u64, span_s: u64, steps: &[u64]) -> Markup {
    let series = [
        Series { class: "s-sent", what: "sent", points: ticks.iter().map(|t| (t.unix_s, t.sent as f64)).collect() },
        Series {
            class: "s-acked",
            what: "acknowledged",
            points: ticks.iter().map(|t| (t.unix_s, t.acked as f64)).collect(),
        },
    ];
    let most = ticks.iter().map(|t| t.sent.max(t.acked)).max().unwrap_or(0).max(1);
    let step = tick_step(most);
    let top = most.div_ceil(step) * step;
    let frame = Frame {
        first_s,
        span_s,
        height: Box::new(move |v| v / top as f64),
        ticks: (0..=top / step).map(|i| ((i * step) as f64, grouped((i * step) as f64))).collect(),
    };
    plot("plot-rate", "SETs sent and acknowledged per second", &frame, &series, steps)
}

fn latency_plot(ticks: &[Tick], first_s: u64, span_s: u64, steps: &[u64]) -> Markup {
    let measured: Vec<&Tick> = ticks.iter().filter(|t| t.latency.count > 0).collect();
    if measured.is_empty() {
        return html! { p class="muted" { "No SET was acknowledged: there is no latency to plot." } "\n" };
    }
    let of =
        |f: fn(&Tick) -> u64| -> Vec<(u64, f64)> { measured.iter().map(|t| (t.unix_s, f(t).max(1) as f64)).collect() };
    let series = [
        Series { class: "s-p50", what: "p50", points: of(|t| t.latency.p50_us) },
        Series { class: "s-p99", what: "p99", points: of(|t| t.latency.p99_us) },
    ];
    let values = || series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let low = values().fold(f64::MAX, f64::min).log10().floor() as i32;
    let high = (values().fold(1.0, f64::max).log10().ceil() as i32).max(low + 1);
    let frame = Frame {
        first_s,
        span_s,
        height: Box::new(move |us| (us.log10() - f64::from(low)) / f64::from(high - low)),
        ticks: (low..=high).map(|e| (10f64.powi(e), decade(e))).collect(),
    };
    plot("plot-latency", "p50 and p99 latency of the SETs acknowledged each second (log scale)", &frame, &series, steps)
}

/// A power of ten of microseconds, as an axis label: `100 µs`, `1 ms`, `10 s`.
fn decade(exponent: i32) -> String {
    match exponent {
        ..=2 => format!("{} µs", 10u64.pow(exponent.max(0) as u32)),
        3..=5 => format!("{} ms", 10u64.pow(exponent as u32 - 3)),
        _ => format!("{} s", 10u64.pow(exponent as u32 - 6)),
    }
}

/// A plot: frame, grid and value labels, time axis, step marks, one polyline per series, legend.
fn plot(id: &str, title: &str, frame: &Frame, series: &[Series], steps: &[u64]) -> Markup {
    let width = LEFT + PLOT_W + RIGHT;
    let axis_y = TOP + PLOT_H;
    let height = axis_y + AXIS_H;
    let step = tick_step(frame.span_s);
    let seconds: Vec<(f64, String)> =
        (0..=frame.span_s / step).map(|i| i * step).map(|s| (frame.x(frame.first_s + s), format!("{s} s"))).collect();
    html! {
        svg class="plot" id=(id) role="img" width=(at(width)) height=(at(height))
            viewBox={ "0 0 " (at(width)) " " (at(height)) } {
            title { (title) }
            "\n"
            rect class="frame" x=(at(LEFT)) y=(at(TOP)) width=(at(PLOT_W)) height=(at(PLOT_H)) {}
            "\n"
            @for (value, label) in &frame.ticks {
                @let y = frame.y(*value);
                line class="grid" x1=(at(LEFT)) y1=(at(y)) x2=(at(LEFT + PLOT_W)) y2=(at(y)) {}
                text class="tl" x=(at(LEFT - 6.0)) y=(at(y + 3.0)) text-anchor="end" { (label) }
                "\n"
            }
            (time_axis(LEFT, PLOT_W, axis_y, &seconds))
            @for (i, start) in steps.iter().enumerate() {
                @let x = frame.x(*start);
                line class="stepline" x1=(at(x)) y1=(at(TOP)) x2=(at(x)) y2=(at(axis_y)) {}
                text class="tl" x=(at(x + 3.0)) y=(at(TOP - 4.0)) { "step " (i + 2) }
                "\n"
            }
            @for s in series {
                polyline class=(s.class) points=(points(frame, &s.points)) {
                    title { (s.what) }
                }
                "\n"
            }
        }
        "\n"
        p class="note" {
            "Seconds since the first tick. "
            @for s in series { span class={ "sw " (s.class) } {} (s.what) " " }
        }
        "\n"
    }
}

/// A polyline's points: `x,y` per point, space-separated.
fn points(frame: &Frame, points: &[(u64, f64)]) -> String {
    let each: Vec<String> = points.iter().map(|(s, v)| format!("{},{}", at(frame.x(*s)), at(frame.y(*v)))).collect();
    each.join(" ")
}

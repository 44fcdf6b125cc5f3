//! A timing scenario's exchanges on a time axis: one lane per channel
//! (`trigger`, `sut`, `harness`, `transmitter`, … in the order they first
//! come), each exchange a mark from its start (`Exchange::at_ms`, time since
//! the scenario started) as long as it took (`duration_ms`), coloured by how
//! it ended (response status class, transport error, failed command) and
//! labelled with its sequence number and status where there is room.
//!
//! Which scenarios get one: those whose verdict rests on time, decided from
//! the record alone, so that catalogues the renderer has never seen follow
//! the same rule. A scenario is a timing scenario when it has at least one
//! exchange and
//! - a tag names a timing behaviour: `retry`, `backoff`, `long-poll`,
//!   `redelivery`, `timing` or `delay`; or
//! - an expectation was judged by a check of time or of a repeat: `delay`,
//!   `delay_grows` (the spacing of retries, RFC 8935 §2), `held` (a long poll
//!   held open, RFC 8936 §2.4) or `redelivered`; or
//! - a step holds an answer back (a `delay_ms` member anywhere in its
//!   parameters) or asks for a long poll (`return_immediately: false`,
//!   RFC 8936 §2.4).
//!
//! The picture stays small whatever the transcript: at most [`MAX_LANES`]
//! lanes (later channels share the last, `other`), and past [`MAX_MARKS`]
//! exchanges those of one lane that fall in one time bucket are drawn as a
//! single mark saying how many it stands for. The `<svg>` has the class
//! `timeline` and the id `tl-` followed by the scenario's anchor; each mark
//! has a `<title>` (sequence number, channel, method, status, start).

use super::super::page::{at, millis, tick_step, time_axis};
use super::super::scenario_anchor;
use super::super::text::Text;
use crate::{Exchange, ScenarioResult};
use maud::{Markup, html};
use serde_json::Value;

/// Tags of scenarios about time.
const TIMING_TAGS: [&str; 6] = ["retry", "backoff", "long-poll", "redelivery", "timing", "delay"];
/// Checks that judge time or a repeat over time.
const TIMING_CHECKS: [&str; 4] = ["delay", "delay_grows", "held", "redelivered"];

/// Most lanes drawn; channels after the last share it.
pub(super) const MAX_LANES: usize = 6;
/// Most marks drawn; longer transcripts are grouped into time buckets.
pub(super) const MAX_MARKS: usize = 80;

/// Where the plot starts: the lane labels are left of it.
const LABEL_W: f64 = 96.0;
const PLOT_W: f64 = 640.0;
/// Room right of the plot for the last tick's label.
const RIGHT_W: f64 = 28.0;
const TOP: f64 = 4.0;
const LANE_H: f64 = 26.0;
const AXIS_H: f64 = 22.0;
/// Approximate advance of one character of a mark label (9 px monospace).
const CHAR_W: f64 = 5.6;
/// Most characters of a channel name shown as a lane label.
const LANE_LABEL: usize = 14;

/// The colours of the marks, as the note under a timeline names those it shows.
const LEGEND: [(Ending, &str); 7] = [
    (Ending::Success, "2xx or exit 0"),
    (Ending::Redirect, "3xx"),
    (Ending::ClientError, "4xx"),
    (Ending::ServerError, "5xx"),
    (Ending::Failed, "error or failed command"),
    (Ending::Frame, "WebSocket frame"),
    (Ending::Open, "no answer"),
];

/// Whether a scenario's verdict rests on time (see the module doc).
pub(super) fn is_timed(s: &ScenarioResult) -> bool {
    !s.transcript.is_empty()
        && (s.tags.iter().any(|t| TIMING_TAGS.contains(&t.as_str()))
            || s.expectations.iter().any(|e| e.check.as_deref().is_some_and(|c| TIMING_CHECKS.contains(&c)))
            || s.steps.iter().any(|st| serde_json::from_str(&st.detail).is_ok_and(|v| waits(&v))))
}

/// A step's parameters hold an answer back or ask for a long poll.
fn waits(v: &Value) -> bool {
    match v {
        Value::Object(o) => {
            o.contains_key("delay_ms")
                || o.get("return_immediately") == Some(&Value::Bool(false))
                || o.values().any(waits)
        }
        Value::Array(a) => a.iter().any(waits),
        _ => false,
    }
}

/// How an exchange ended, mildest first: a group of marks shows its worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ending {
    /// No response, error or process: still open, or dropped by the harness.
    Open,
    /// A WebSocket frame, which has no answer of its own.
    Frame,
    Success,
    Redirect,
    ClientError,
    ServerError,
    /// A transport error, or a command that failed or was killed.
    Failed,
}

impl Ending {
    fn of(x: &Exchange) -> Ending {
        if x.error.is_some() {
            return Ending::Failed;
        }
        if let Some(r) = &x.response {
            return match r.status {
                200..=299 => Ending::Success,
                300..=399 => Ending::Redirect,
                400..=499 => Ending::ClientError,
                _ => Ending::ServerError,
            };
        }
        if let Some(p) = &x.process {
            return if p.exit_code == Some(0) && !p.timed_out { Ending::Success } else { Ending::Failed };
        }
        if x.frame.is_some() { Ending::Frame } else { Ending::Open }
    }

    /// The class that colours a mark: a fixed word, never record text.
    fn class(self) -> &'static str {
        match self {
            Ending::Open => "e-open",
            Ending::Frame => "e-frame",
            Ending::Success => "e-2",
            Ending::Redirect => "e-3",
            Ending::ClientError => "e-4",
            Ending::ServerError => "e-5",
            Ending::Failed => "e-err",
        }
    }
}

/// What ended an exchange, in a few characters: `503`, `error`, `exit 0`.
fn status_word(x: &Exchange) -> String {
    if x.error.is_some() {
        return "error".to_owned();
    }
    if let Some(r) = &x.response {
        return r.status.to_string();
    }
    if let Some(p) = &x.process {
        return match p.exit_code {
            Some(code) if !p.timed_out => format!("exit {code}"),
            _ => "killed".to_owned(),
        };
    }
    match &x.frame {
        Some(f) => f.opcode.clone(),
        None => "no answer".to_owned(),
    }
}

/// One mark: an exchange, or a group of exchanges close in time on one lane.
#[derive(Debug, Clone)]
struct Mark {
    lane: usize,
    start: u64,
    end: u64,
    first_seq: usize,
    last_seq: usize,
    count: usize,
    ending: Ending,
    /// The mark's label and its `<title>`.
    label: String,
    title: String,
}

impl Mark {
    fn single(lane: usize, x: &Exchange) -> Mark {
        let status = status_word(x);
        let what = match &x.frame {
            Some(f) => format!("{} {} frame ({} bytes)", f.direction, f.opcode, f.size),
            None => format!("{} {}", x.request.method, x.request.url),
        };
        Mark {
            lane,
            start: x.at_ms,
            end: x.at_ms + x.duration_ms,
            first_seq: x.seq,
            last_seq: x.seq,
            count: 1,
            ending: Ending::of(x),
            label: format!("#{} {status}", x.seq),
            title: format!(
                "#{} {} {what} → {status}, at +{}, took {}",
                x.seq,
                x.channel,
                millis(x.at_ms),
                millis(x.duration_ms)
            ),
        }
    }

    fn absorb(&mut self, x: &Exchange) {
        self.start = self.start.min(x.at_ms);
        self.end = self.end.max(x.at_ms + x.duration_ms);
        self.first_seq = self.first_seq.min(x.seq);
        self.last_seq = self.last_seq.max(x.seq);
        self.count += 1;
        self.ending = self.ending.max(Ending::of(x));
        self.label = format!("#{}–{}", self.first_seq, self.last_seq);
        self.title = format!(
            "#{} to #{}: {} exchanges from +{} to +{}",
            self.first_seq,
            self.last_seq,
            self.count,
            millis(self.start),
            millis(self.end)
        );
    }
}

/// The lanes, by channel in the order they first come, and each exchange's lane.
fn lanes(s: &ScenarioResult) -> (Vec<String>, Vec<usize>) {
    let mut names: Vec<&str> = Vec::new();
    let mut of = Vec::with_capacity(s.transcript.len());
    for x in &s.transcript {
        let lane = match names.iter().position(|n| *n == x.channel) {
            Some(i) => i,
            None => {
                names.push(&x.channel);
                names.len() - 1
            }
        };
        of.push(lane.min(MAX_LANES - 1));
    }
    let mut shown: Vec<String> = names.iter().take(MAX_LANES).map(|n| (*n).to_owned()).collect();
    if names.len() > MAX_LANES {
        shown[MAX_LANES - 1] = "other".to_owned();
    }
    (shown, of)
}

/// The marks: one per exchange, or past [`MAX_MARKS`] one per lane and time bucket.
fn marks(s: &ScenarioResult, lane_of: &[usize], lanes: usize, span: u64) -> Vec<Mark> {
    if s.transcript.len() <= MAX_MARKS {
        return s.transcript.iter().zip(lane_of).map(|(x, lane)| Mark::single(*lane, x)).collect();
    }
    let buckets = (MAX_MARKS / lanes.max(1)).max(1) as u64;
    let mut marks: Vec<(usize, u64, Mark)> = Vec::new();
    for (x, &lane) in s.transcript.iter().zip(lane_of) {
        let bucket = (x.at_ms.min(span) * buckets / span.max(1)).min(buckets - 1);
        match marks.iter_mut().find(|(l, b, _)| *l == lane && *b == bucket) {
            Some((_, _, m)) => m.absorb(x),
            None => marks.push((lane, bucket, Mark::single(lane, x))),
        }
    }
    marks.into_iter().map(|(_, _, m)| m).collect()
}

/// The marks, in the order they start.
fn marks_in_time(s: &ScenarioResult, lane_of: &[usize], lanes: usize, span: u64) -> Vec<Mark> {
    let mut marks = marks(s, lane_of, lanes, span);
    marks.sort_by_key(|m| (m.start, m.first_seq));
    marks
}

/// A tick's time: milliseconds under a second, else seconds to the ms.
fn tick_label(t: u64) -> String {
    if t < 1000 {
        return format!("{t} ms");
    }
    let secs = format!("{}.{:03}", t / 1000, t % 1000);
    format!("{} s", secs.trim_end_matches('0').trim_end_matches('.'))
}

/// A channel name cut to fit its lane label.
fn lane_label(name: &str) -> String {
    if name.chars().count() <= LANE_LABEL {
        name.to_owned()
    } else {
        name.chars().take(LANE_LABEL - 1).chain(['…']).collect()
    }
}

/// The timeline of a timing scenario; nothing for any other.
pub(super) fn timeline(s: &ScenarioResult) -> Markup {
    if !is_timed(s) {
        return html! {};
    }
    let span = s.transcript.iter().map(|x| x.at_ms + x.duration_ms).max().unwrap_or(0).max(1);
    let (lanes, lane_of) = lanes(s);
    let marks = marks_in_time(s, &lane_of, lanes.len(), span);
    let x_of = |t: u64| LABEL_W + t.min(span) as f64 * PLOT_W / span as f64;
    let lane_y = |lane: usize| TOP + lane as f64 * LANE_H;
    let axis_y = lane_y(lanes.len()) + 2.0;
    let width = LABEL_W + PLOT_W + RIGHT_W;
    let height = axis_y + AXIS_H;
    let step = tick_step(span);
    let ticks: Vec<(f64, String)> = (0..=span / step).map(|i| (x_of(i * step), tick_label(i * step))).collect();
    // A label only where it does not run into the previous one of its lane.
    // Labels start at their mark, moved left where they would leave the picture.
    let mut free_from = vec![0.0_f64; lanes.len()];
    let labels: Vec<Option<f64>> = marks
        .iter()
        .map(|m| {
            let long = m.label.chars().count() as f64 * CHAR_W;
            let x = x_of(m.start).min(width - long);
            let fits = x >= free_from[m.lane];
            if fits {
                free_from[m.lane] = x + long + 4.0;
            }
            fits.then_some(x)
        })
        .collect();
    let grouped = marks.len() < s.transcript.len();
    html! {
        h4 { "Timeline" }
        "\n"
        svg class="timeline" id={ "tl-" (scenario_anchor(&s.id)) } role="img"
            width=(at(width)) height=(at(height)) viewBox={ "0 0 " (at(width)) " " (at(height)) } {
            title { "Exchanges over " (millis(span)) ", by channel" }
            "\n"
            @for (i, name) in lanes.iter().enumerate() {
                rect class="lane" x=(at(LABEL_W)) y=(at(lane_y(i))) width=(at(PLOT_W)) height=(at(LANE_H - 2.0)) {}
                text class="ll" x=(at(LABEL_W - 6.0)) y=(at(lane_y(i) + 16.0)) text-anchor="end" {
                    (Text(&lane_label(name)))
                }
                "\n"
            }
            (time_axis(LABEL_W, PLOT_W, axis_y, &ticks))
            @for (m, label_x) in marks.iter().zip(labels) {
                @let x = x_of(m.start);
                @let w = (x_of(m.end) - x).max(2.0);
                rect class={ "m " (m.ending.class()) } x=(at(x)) y=(at(lane_y(m.lane) + 12.0)) width=(at(w)) height="10" {
                    title { (Text(&m.title)) }
                }
                @if let Some(lx) = label_x {
                    text class="ml" x=(at(lx)) y=(at(lane_y(m.lane) + 10.0)) { (Text(&m.label)) }
                }
                "\n"
            }
        }
        "\n"
        p class="note" {
            "Time since the scenario started; a bar per exchange, as long as it took. "
            @for (ending, what) in LEGEND.iter().filter(|(e, _)| marks.iter().any(|m| m.ending == *e)) {
                span class={ "sw " (ending.class()) } {} (what) " "
            }
            @if grouped {
                " " (s.transcript.len()) " exchanges drawn as " (marks.len())
                " marks: those close in time on one channel share a mark."
            }
        }
        "\n"
    }
}

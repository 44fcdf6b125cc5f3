//! The bench page: its sections, its plots drawn from the ticks, and that no
//! string of a record, however hostile, becomes markup.

use super::super::bench_report;
use super::super::tests::{HOSTILE, assert_inert};
use crate::bench::sample::{self, Second};
use crate::bench::{BenchRecord, Binding, Shape};

fn second(sent: u64, acked: usize, latency_us: u64) -> Second {
    Second { sent, latencies_us: vec![latency_us; acked] }
}

/// A ramp of two steps: three seconds at 100/s, then two at 200/s, the last
/// of which acknowledged nothing.
fn ramp() -> BenchRecord {
    let shape = Shape::Ramp { max_p99_us: 5_000, start_rate: 100.0, step_ms: 3000 };
    let steps = vec![
        sample::step(100.0, 1000, &[second(100, 100, 800), second(100, 100, 900), second(100, 100, 1200)]),
        sample::step(200.0, 1003, &[second(200, 150, 40_000), second(200, 0, 0)]),
    ];
    sample::record(Binding::PushpullHttp, shape, None, steps)
}

/// The points of the polyline of class `class` in the plot `id`.
fn points(html: &str, id: &str, class: &str) -> Vec<(f64, f64)> {
    let plot = &html[html.find(&format!("id=\"{id}\"")).unwrap()..];
    let plot = &plot[..plot.find("</svg>").unwrap()];
    let at = plot.find(&format!("<polyline class=\"{class}\" points=\"")).unwrap_or_else(|| panic!("{class} in {id}"));
    let list = &plot[at..].split('"').nth(3).unwrap();
    list.split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn a_bench_page_has_its_sections_and_fetches_nothing() {
    let html = bench_report(&ramp());
    for id in ["headline", "load", "ledger", "errors", "steps", "percentiles", "over-time", "plot-rate", "plot-latency"]
    {
        assert!(html.contains(&format!(" id=\"{id}\"")), "section {id}");
    }
    for fetch in ["src=", "@import", "url(", "<link", "<script", "<img", "<iframe"] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'"), "the run page's CSP");
    assert!(html.contains("<h1>setconform bench: reference · pushpull-http · send</h1>"), "{html}");
    assert!(html.contains("<span class=\"exit bad\">250 SETs lost</span>"), "the verdict says how many");
    assert!(
        html.contains(
            "a ramp from 100 SETs/s, each rate held 3.00 s, up to the highest whose p99 stays within 5.00 ms"
        )
    );
}

#[test]
fn each_plot_has_a_point_per_tick_in_time_order() {
    let html = bench_report(&ramp());
    let (sent, acked) = (points(&html, "plot-rate", "s-sent"), points(&html, "plot-rate", "s-acked"));
    assert_eq!((sent.len(), acked.len()), (5, 5), "five seconds over both steps");
    assert!(sent.windows(2).all(|w| w[0].0 < w[1].0), "left to right: {sent:?}");
    assert!(sent[4].1 < sent[0].1, "200/s is drawn higher than 100/s (y grows downwards)");
    assert_eq!(acked[4].1, 194.0, "nothing acknowledged sits on the axis");
    let p99 = points(&html, "plot-latency", "s-p99");
    assert_eq!(p99.len(), 4, "a second that acknowledged nothing has no latency");
    assert!(p99[3].1 < p99[0].1, "40 ms above 800 µs");
    assert!(html.contains(">100 µs</text>") && html.contains(">100 ms</text>"), "decades labelled");
    assert!(html.contains(">step 2</text>"), "the second step is marked");
}

#[test]
fn a_merged_second_of_two_shards_is_one_point() {
    let shard = |index| {
        let step = sample::step(50.0, 1000, &[second(50, 50, 700), second(50, 50, 700)]);
        let shape = Shape::Fixed { rate: 100.0, duration_ms: 2000 };
        sample::record(Binding::Push, shape, Some(crate::bench::Shard { index, count: 2 }), vec![step])
    };
    let mut record = shard(1);
    record.steps.extend(shard(2).steps);
    assert_eq!(points(&bench_report(&record), "plot-rate", "s-sent").len(), 2, "ticks of one second merge");
}

#[test]
fn tables_show_the_ledger_steps_and_percentiles() {
    let mut record = ramp();
    record.ledger.refused.insert("invalid_key".to_owned(), 3);
    record.ledger.lost_sample = vec!["jti-17".to_owned()];
    record.errors.insert("http-503".to_owned(), 7);
    let html = bench_report(&record);
    assert!(
        html.contains("<td class=\"indent\">refused: <code>invalid_key</code></td><td class=\"num\">3</td>"),
        "{html}"
    );
    assert!(html.contains("<li><code>jti-17</code></li>"));
    assert!(html.contains("<td><code>http-503</code></td><td class=\"num\">7</td>"));
    for label in ["p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99", "max"] {
        assert!(html.contains(&format!("<tr><td>{label}</td>")), "percentile {label}");
    }
    let steps = &html[html.find("id=\"steps\"").unwrap()..html.find("id=\"percentiles\"").unwrap()];
    assert!(steps.contains("<td class=\"yes\">yes</td>") && steps.contains("<td class=\"no\">no</td>"), "{steps}");
    assert!(steps.contains("<th class=\"num\">SUT CPU</th>") && steps.contains("<td class=\"num\">10.0%</td>"));
    record.steps.iter_mut().for_each(|s| s.cpu.sut_ms = None);
    assert!(!bench_report(&record).contains("SUT CPU"), "no column when the SUT's CPU was not measured");
}

#[test]
fn a_hostile_record_renders_with_nothing_live() {
    let mut record = ramp();
    record.sut.name = HOSTILE.to_owned();
    record.sut.kind = HOSTILE.to_owned();
    record.tool = HOSTILE.to_owned();
    record.started_at = HOSTILE.to_owned();
    record.interrupted = Some(HOSTILE.to_owned());
    record.ledger.refused.insert(HOSTILE.to_owned(), 1);
    record.ledger.lost_sample = vec![HOSTILE.to_owned()];
    record.errors.insert(HOSTILE.to_owned(), 1);
    let html = bench_report(&record);
    assert_inert(&html, &[]);
    assert!(html.contains("<title>setconform bench: &lt;script&gt;"), "the title too");
}

#[test]
fn a_bench_without_ticks_or_a_readable_histogram_still_renders() {
    let mut record = ramp();
    record.steps.iter_mut().for_each(|s| s.timeline.clear());
    record.result.latency.histogram = "not base64!".to_owned();
    let html = bench_report(&record);
    assert!(html.contains("The record holds no ticks"));
    assert!(html.contains("The histogram in the record cannot be read"));
    let p99 = crate::bench::units::micros(record.result.latency.p99_us);
    assert!(html.contains(&format!("<tr><td>p99</td><td class=\"num\">{p99}</td></tr>")), "{html}");
}

#[test]
fn a_drain_shows_what_its_judged_sets_broke_and_a_send_shows_no_sampling() {
    let send = bench_report(&ramp());
    assert!(!send.contains("id=\"judged\"") && !send.contains("SUT's SETs judged"), "nothing judged in a send");
    let mut drain = ramp();
    drain.direction = crate::bench::Direction::Drain;
    drain.load.verify_one_in = 100;
    let broken = [("SET-001".to_owned(), 3)].into_iter().collect();
    drain.judged = Some(crate::bench::Judged { sets: 10, broken });
    let html = bench_report(&drain);
    assert!(html.contains("1 SET in 100"), "the sampling asked for");
    let judged = &html[html.find("id=\"judged\"").expect("a judged section")..];
    assert!(judged.contains("SET-001") && judged.contains(">3<"), "the rule and how many SETs broke it");
}

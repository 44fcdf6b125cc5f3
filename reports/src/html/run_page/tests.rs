//! The run page's pictures: verdict bars per profile and requirement family,
//! and the timeline of a timing scenario.

use super::super::tests::{HOSTILE, assert_inert, record};
use super::charts::{self, Tally, family};
use super::timeline::{self, MAX_LANES, MAX_MARKS};
use crate::{Body, Exchange, HttpRequest, HttpResponse, Run, ScenarioResult, StepRecord, Verdict};

/// Every `<svg>…</svg>` of a page, parsed as XML: each must be well-formed.
fn svgs(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("svg is closed") + start + "</svg>".len();
        let svg = &rest[start..end];
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
        found.push(svg.to_owned());
        rest = &rest[end..];
    }
    found
}

/// The svg whose opening tag has this attribute text.
fn svg_with(html: &str, attr: &str) -> Option<String> {
    svgs(html).into_iter().find(|s| s[..s.find('>').unwrap()].contains(attr))
}

fn exchange(seq: usize, channel: &str, at_ms: u64, status: Option<u16>) -> Exchange {
    Exchange {
        seq,
        channel: channel.to_owned(),
        step: 1,
        at_ms,
        duration_ms: 5,
        request: HttpRequest {
            method: "POST".to_owned(),
            url: "https://127.0.0.1/events".to_owned(),
            headers: Vec::new(),
            body: Body::default(),
        },
        response: status.map(|status| HttpResponse { status, headers: Vec::new(), body: Body::default() }),
        process: None,
        frame: None,
        error: status.is_none().then(|| "connection reset".to_owned()),
    }
}

/// A scenario with no timing tag, check or step, and no transcript.
fn plain(run: &Run, id: &str, profile: &str, verdict: Verdict) -> ScenarioResult {
    let mut s = run.scenarios[1].clone();
    s.id = id.to_owned();
    s.profile = profile.to_owned();
    s.verdict = verdict;
    s.tags = vec!["push".to_owned()];
    s.steps.clear();
    for e in &mut s.expectations {
        e.check = Some("status".to_owned());
    }
    s.transcript.clear();
    s
}

/// A retry scenario: 503, 503, then 200, on two channels.
fn retry_scenario(run: &Run) -> ScenarioResult {
    let mut s = plain(run, "push.transmitter.retry.backoff", "push-transmitter", Verdict::Pass);
    s.tags = vec!["push".to_owned(), "retry".to_owned()];
    s.transcript = vec![
        exchange(1, "trigger", 0, Some(200)),
        exchange(2, "harness", 40, Some(503)),
        exchange(3, "harness", 700, Some(503)),
        exchange(4, "harness", 1900, Some(200)),
    ];
    s
}

fn tally(counts: &[(Verdict, usize)]) -> Tally {
    let mut t = Tally::default();
    for &(v, n) in counts {
        for _ in 0..n {
            t.add(v);
        }
    }
    t
}

fn run_for_bars() -> Run {
    let mut run = record("plain", "https://example.com/");
    run.profiles = vec!["push-receiver".to_owned(), "push-transmitter".to_owned(), "poll-receiver".to_owned()];
    let mut scenarios = Vec::new();
    for (i, (profile, verdict)) in [
        ("push-transmitter", Verdict::Pass),
        ("push-receiver", Verdict::Fail),
        ("push-transmitter", Verdict::Pass),
        ("push-receiver", Verdict::Timeout),
        ("push-transmitter", Verdict::Warn),
        ("unplanned", Verdict::NotApplicable),
    ]
    .into_iter()
    .enumerate()
    {
        scenarios.push(plain(&run, &format!("s{i}"), profile, verdict));
    }
    run.scenarios = scenarios;
    let template = run.requirements[0].clone();
    run.requirements = [
        ("PP-HTTP-006", Verdict::Info),
        ("PUSH-001", Verdict::Pass),
        ("PP-HTTP-008", Verdict::Fail),
        ("SSF-STRM-010", Verdict::Waived),
        ("PUSH-002", Verdict::Pass),
        ("PP-HTTP-011", Verdict::Pass),
    ]
    .into_iter()
    .map(|(id, verdict)| crate::RequirementResult { id: id.to_owned(), verdict, ..template.clone() })
    .collect();
    run
}

#[test]
fn families_are_ids_without_their_number() {
    assert_eq!(family("PP-HTTP-006"), "PP-HTTP");
    assert_eq!(family("SSF-STRM-010"), "SSF-STRM");
    assert_eq!(family("PUSH-1"), "PUSH");
    for whole in ["SET", "PUSH-", "-001", "A-1b", ""] {
        assert_eq!(family(whole), whole);
    }
}

#[test]
fn bars_count_scenarios_per_profile_and_requirements_per_family() {
    let run = run_for_bars();
    let profiles = charts::by_profile(&run);
    assert_eq!(
        profiles,
        [
            ("push-receiver", tally(&[(Verdict::Fail, 1), (Verdict::Timeout, 1)])),
            ("push-transmitter", tally(&[(Verdict::Pass, 2), (Verdict::Warn, 1)])),
            ("unplanned", tally(&[(Verdict::NotApplicable, 1)])),
        ],
        "planned profiles first, none without scenarios"
    );
    let families = charts::by_family(&run);
    assert_eq!(
        families,
        [
            ("PP-HTTP", tally(&[(Verdict::Info, 1), (Verdict::Fail, 1), (Verdict::Pass, 1)])),
            ("PUSH", tally(&[(Verdict::Pass, 2)])),
            ("SSF-STRM", tally(&[(Verdict::Waived, 1)])),
        ]
    );
    assert_eq!(profiles.iter().map(|(_, t)| t.total()).sum::<usize>(), run.scenarios.len());
    assert_eq!(families.iter().map(|(_, t)| t.get(Verdict::Pass)).sum::<usize>(), 3);
}

#[test]
fn bars_are_svg_segments_in_proportion_with_counts_as_text() {
    let html = super::render(&run_for_bars());
    let summary = &html[html.find("id=\"summary\"").unwrap()..html.find("id=\"requirements\"").unwrap()];
    let bars = svgs(summary);
    assert_eq!(bars.len(), 6, "three profiles and three families");
    // push-transmitter: 2 PASS and 1 WARN over the 240 units of the bar.
    let doc = roxmltree::Document::parse(&bars[1]).unwrap();
    let title = doc.root_element().first_element_child().unwrap();
    assert_eq!(title.text(), Some("push-transmitter: 2 PASS, 0 FAIL, 1 WARN, 0 INFO, 0 N/A"));
    let segments: Vec<(&str, &str, &str, String)> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("rect"))
        .map(|n| {
            let title = n.first_element_child().and_then(|t| t.text()).unwrap_or("").to_owned();
            (n.attribute("class").unwrap(), n.attribute("x").unwrap(), n.attribute("width").unwrap(), title)
        })
        .collect();
    assert_eq!(segments, [("v-pass", "0", "160", "2 PASS".to_owned()), ("v-warn", "160", "80", "1 WARN".to_owned())]);
    // Counts as text: the five always, TIMEOUT where it occurs, zeros muted.
    let row = &summary[summary.find("<code>push-receiver</code>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<span class=\"cnt v-fail\">1 FAIL</span>"), "{row}");
    assert!(row.contains("<span class=\"cnt v-pass zero\">0 PASS</span>"));
    assert!(row.contains("<span class=\"cnt v-timeout\">1 TIMEOUT</span>"));
    assert!(!row.contains("WAIVED") && !row.contains("ERROR"));
    assert!(summary.contains("<code>SSF-STRM</code>") && summary.contains("1 WAIVED"));
}

#[test]
fn only_timing_scenarios_get_a_timeline() {
    let run = record("plain", "https://example.com/");
    let retry = retry_scenario(&run);
    assert!(timeline::is_timed(&retry));

    let mut other = retry.clone();
    other.tags = vec!["push".to_owned()];
    assert!(!timeline::is_timed(&other), "no tag, check or step about time");
    let mut by_check = other.clone();
    by_check.expectations[0].check = Some("delay_grows".to_owned());
    assert!(timeline::is_timed(&by_check));
    let mut long_poll = other.clone();
    long_poll.steps = vec![StepRecord {
        step: 1,
        action: "send".into(),
        detail: r#"{"return_immediately":false}"#.into(),
        note: None,
    }];
    assert!(timeline::is_timed(&long_poll));
    let mut held = other.clone();
    held.steps = vec![StepRecord {
        step: 1,
        action: "await_request".into(),
        detail: r#"{"respond":{"sets":1,"delay_ms":1000}}"#.into(),
        note: None,
    }];
    assert!(timeline::is_timed(&held));
    let mut silent = retry.clone();
    silent.transcript.clear();
    assert!(!timeline::is_timed(&silent), "nothing to draw");

    let mut run = run;
    other.id = "push.transmitter.request.shape".to_owned();
    run.scenarios = vec![retry, other];
    let html = super::render(&run);
    let tl = svg_with(&html, "id=\"tl-s-push.transmitter.retry.backoff\"").expect("timeline of the retry scenario");
    assert!(tl.starts_with("<svg class=\"timeline\""));
    assert!(!html.contains("tl-s-push.transmitter.request.shape"));
    assert_eq!(html.matches("<svg class=\"timeline\"").count(), 1);
}

/// The marks of a timeline: class, x and the title text, in document order.
fn marks(svg: &str) -> Vec<(String, f64, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class").is_some_and(|c| c.starts_with("m ")))
        .map(|n| {
            let title = n.first_element_child().and_then(|t| t.text()).unwrap_or("").to_owned();
            (n.attribute("class").unwrap().to_owned(), n.attribute("x").unwrap().parse().unwrap(), title)
        })
        .collect()
}

#[test]
fn marks_stand_where_their_exchanges_started() {
    let mut run = record("plain", "https://example.com/");
    let mut s = retry_scenario(&run);
    // Out of sequence order on the wire: the marks still follow time.
    s.transcript.swap(1, 2);
    s.transcript.push(exchange(5, "sut", 300, None));
    run.scenarios = vec![s];
    let tl = svg_with(&super::render(&run), "class=\"timeline\"").unwrap();
    let marks = marks(&tl);
    let at: Vec<u64> = marks
        .iter()
        .map(|(_, _, title)| {
            let ms = title.split("at +").nth(1).unwrap().split(',').next().unwrap();
            if let Some(s) = ms.strip_suffix(" s") {
                (s.parse::<f64>().unwrap() * 1000.0).round() as u64
            } else {
                ms.trim_end_matches(" ms").parse().unwrap()
            }
        })
        .collect();
    assert_eq!(at, [0, 40, 300, 700, 1900]);
    assert!(marks.windows(2).all(|w| w[0].1 < w[1].1), "x grows with at_ms: {marks:?}");
    // The plot is 640 wide from x = 96 and spans the last exchange's end (1905 ms).
    let expected = |t: f64| 96.0 + t * 640.0 / 1905.0;
    for ((_, x, _), t) in marks.iter().zip(&at) {
        assert!((x - expected(*t as f64)).abs() < 0.06, "{x} for {t} ms");
    }
    let classes: Vec<&str> = marks.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(classes, ["m e-2", "m e-5", "m e-err", "m e-5", "m e-2"]);
    assert!(marks[1].2.starts_with("#2 harness POST https://127.0.0.1/events → 503, at +40 ms"), "{}", marks[1].2);
    // One lane per channel, labelled, and a tick axis.
    for lane in ["trigger", "harness", "sut"] {
        assert!(tl.contains(&format!(">{lane}</text>")), "lane {lane}");
    }
    assert!(tl.contains(">0 ms</text>") && tl.contains(">500 ms</text>") && tl.contains(">1.5 s</text>"), "{tl}");
    assert!(tl.contains(">#2 503</text>"), "label with seq and status");
}

#[test]
fn a_long_transcript_stays_a_small_picture() {
    let mut run = record("plain", "https://example.com/");
    let mut s = retry_scenario(&run);
    s.transcript = (1..=500)
        .map(|i| exchange(i, &format!("channel-{}", i % 9), i as u64 * 37, Some(200 + (i % 4) as u16 * 100)))
        .collect();
    run.scenarios = vec![s];
    let html = super::render(&run);
    let tl = svg_with(&html, "class=\"timeline\"").unwrap();
    let doc = roxmltree::Document::parse(&tl).unwrap();
    let elements = doc.descendants().filter(|n| n.is_element()).count();
    assert!(elements <= 400, "{elements} elements");
    let marks = marks(&tl);
    assert!(marks.len() <= MAX_MARKS && marks.len() >= 9 * 5, "{} marks", marks.len());
    assert!(marks.windows(2).all(|w| w[0].1 <= w[1].1), "marks in time order");
    let lanes = doc.descendants().filter(|n| n.attribute("class") == Some("lane")).count();
    assert_eq!(lanes, MAX_LANES);
    assert!(tl.contains(">other</text>"));
    assert!(html.contains(&format!("500 exchanges drawn as {} marks", marks.len())));
    assert!(marks.iter().any(|(c, _, t)| c == "m e-5" && t.contains(" exchanges from +")), "a group shows its worst");
}

#[test]
fn hostile_text_in_a_timeline_and_bars_stays_text() {
    let mut run = record(HOSTILE, "javascript:alert('pwned')");
    for s in &mut run.scenarios {
        s.tags.push("retry".to_owned());
    }
    let html = super::render(&run);
    let tl = svg_with(&html, "class=\"timeline\"").expect("a timeline");
    assert!(!tl.contains("<script") && !tl.contains("<img"));
    let doc = roxmltree::Document::parse(&tl).unwrap();
    // The record's text reads back whole from the titles: escaped, not cut up.
    let titles: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert!(titles.iter().any(|t| t.starts_with(&format!("#1 {HOSTILE} {HOSTILE} {HOSTILE} → error"))), "{titles:?}");
    let bar = svg_with(&html, "class=\"bar\"").expect("bars");
    let doc = roxmltree::Document::parse(&bar).unwrap();
    assert_eq!(
        doc.root_element().first_element_child().unwrap().text(),
        Some(format!("{HOSTILE}: 1 PASS, 1 FAIL, 0 WARN, 0 INFO, 0 N/A").as_str())
    );
    assert_inert(&html, &[]);
}

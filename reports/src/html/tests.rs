//! The pages as a whole: sections and anchors, filters, and that no string of
//! a record, however hostile, becomes markup, script or a fetch.

use super::*;
use crate::{
    Body, DecodedSet, Exchange, ExpectationResult, FrameRecord, Header, HttpRequest, HttpResponse, ProcessRecord,
    RequirementResult, ScenarioResult, StepRecord, Summary, SutInfo, Tool, Verdict, WaiverRecord, WaiverStatus,
};
use serde_json::json;

/// Markup a SUT or a user's catalogue could put into any field of a record.
const HOSTILE: &str = "<script>document.title='pwned'</script><img src=x onerror=\"alert('pwned')\">\"'><b>pwned</b>";

fn body(text: &str) -> Body {
    Body {
        size: text.len(),
        text: text.to_owned(),
        truncated: true,
        sets: vec![DecodedSet {
            key: text.to_owned(),
            header: Some(json!({ "alg": text })),
            claims: Some(json!({ "iss": text, text: { "sub": text } })),
            error: Some(text.to_owned()),
        }],
    }
}

fn headers(text: &str) -> Vec<Header> {
    vec![Header { name: text.to_owned(), value: text.to_owned() }]
}

/// A run with `text` in every string field and `link` as the requirement's link.
fn record(text: &str, link: &str) -> Run {
    let t = || text.to_owned();
    let exchange = |seq, frame: bool| Exchange {
        seq,
        channel: t(),
        step: 1,
        at_ms: 12,
        duration_ms: 3,
        request: HttpRequest { method: t(), url: t(), headers: headers(text), body: body(text) },
        response: (!frame).then(|| HttpResponse { status: 400, headers: headers(text), body: body(text) }),
        process: (!frame).then(|| ProcessRecord {
            exit_code: None,
            timed_out: true,
            stdout: body(text),
            stderr: body(text),
        }),
        frame: frame.then(|| FrameRecord { direction: t(), opcode: t(), size: 9 }),
        error: Some(t()),
    };
    let scenario = |id: String, verdict| ScenarioResult {
        id,
        title: t(),
        description: Some(t()),
        profile: t(),
        requirements: vec![t()],
        tags: vec![t(), "tls".to_owned()],
        steps: vec![StepRecord { step: 1, action: t(), detail: t(), note: Some(t()) }],
        verdict,
        reason: Some(t()),
        duration_ms: 1500,
        expectations: vec![ExpectationResult {
            step: 1,
            requirement: t(),
            verdict,
            expected: t(),
            actual: t(),
            ambiguity: Some(t()),
            waiver: Some(t()),
            broken: false,
            check: Some(t()),
            expectation: Some(1),
            exchange: Some(1),
        }],
        transcript: vec![exchange(1, false), exchange(2, true)],
    };
    Run {
        schema_version: crate::SCHEMA_VERSION.to_owned(),
        tool: Tool { name: t(), version: t() },
        started_at: t(),
        duration_ms: 2500,
        seed: 7,
        sut: SutInfo {
            name: t(),
            kind: t(),
            file: Some(t()),
            fault: Some(t()),
            endpoints: vec![(t(), t())],
            insecure: true,
            cleartext_endpoints: vec![t()],
        },
        profiles: vec![t()],
        fail_on: crate::verdict::FailOn::Fail,
        set_profile: Some(t()),
        suite: Some(t()),
        summary: Summary { total: 2, pass: 1, fail: 1, exit_code: 1, ..Summary::default() },
        requirements: vec![RequirementResult {
            id: t(),
            level: t(),
            spec: t(),
            section: t(),
            role: t(),
            text: t(),
            link: Some(link.to_owned()),
            untestable: Some(t()),
            not_exercised: Some(t()),
            verdict: Verdict::Fail,
            scenarios: vec![t()],
        }],
        scenarios: vec![scenario(t(), Verdict::Fail), scenario(format!("{text}.2"), Verdict::Pass)],
        waivers: [WaiverStatus::Applied, WaiverStatus::Stale, WaiverStatus::Expired]
            .into_iter()
            .map(|status| WaiverRecord { target: t(), reason: t(), expires: Some(t()), status })
            .collect(),
        interrupted: Some(crate::Interruption { signal: crate::StopSignal::Terminate, not_started: vec![t()] }),
    }
}

/// One start tag or end tag: its name and its attributes.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Every tag of a page written by these renderers (values always in double
/// quotes; text never holds a raw `<`, so each `<` starts a tag).
fn tags(html: &str) -> Vec<Tag> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag is closed") + start;
        let inner = rest[start + 1..end].trim_start_matches('/');
        rest = &rest[end + 1..];
        if inner.starts_with("!DOCTYPE") {
            continue;
        }
        let (name, mut attrs_text) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut attrs = Vec::new();
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let stop = attrs_text.find([' ', '=']).unwrap_or(attrs_text.len());
            let attr = attrs_text[..stop].to_owned();
            attrs_text = &attrs_text[stop..];
            let value = if let Some(v) = attrs_text.strip_prefix("=\"") {
                let close = v.find('"').expect("quoted value is closed");
                attrs_text = &v[close + 1..];
                v[..close].to_owned()
            } else {
                String::new()
            };
            attrs.push((attr, value));
        }
        found.push(Tag { name: name.to_owned(), attrs });
    }
    found
}

const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "div", "nav", "a", "input",
    "label", "main", "section", "dl", "dt", "dd", "strong", "span", "code", "ul", "ol", "li", "table", "thead",
    "tbody", "tr", "th", "td", "br", "p", "details", "summary", "pre",
];
const ATTRS: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "href",
    "rel",
    "type",
    "checked",
    "aria-label",
    "for",
    "open",
    "value",
];

/// No element or attribute but ours, no href but fragments, plain web links
/// and `allowed`, and nothing of the hostile text inside any tag.
fn assert_inert(html: &str, allowed_href: &[&str]) {
    for tag in tags(html) {
        assert!(TAGS.contains(&tag.name.as_str()), "element <{}> in the page", tag.name);
        for (attr, value) in &tag.attrs {
            assert!(ATTRS.contains(&attr.as_str()), "attribute {attr} on <{}>", tag.name);
            // Anchors may carry an id, made safe; other attributes carry no record text at all.
            let safe = |f: &str| f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            match attr.as_str() {
                "id" => assert!(safe(value), "{attr}={value:?}"),
                "href" => assert!(value.rsplit_once('#').is_none_or(|(_, f)| safe(f)), "{attr}={value:?}"),
                _ => assert!(!value.contains("pwned"), "record text in attribute {attr}={value:?}"),
            }
            if attr == "href" {
                let ok = value.starts_with('#')
                    || value.starts_with("https://")
                    || allowed_href.iter().any(|h| value.starts_with(h));
                assert!(ok, "href {value:?}");
            }
        }
    }
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(!style.contains("pwned") && !style.contains("script"), "record text in the stylesheet");
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"), "shown, escaped");
}

#[test]
fn anchors_keep_only_safe_characters() {
    assert_eq!(scenario_anchor("push.receiver.err-code_2"), "s-push.receiver.err-code_2");
    assert_eq!(requirement_anchor("PUSH-034"), "r-PUSH-034");
    assert_eq!(scenario_anchor("a b/\"<x>é#"), "s-a_b___x___");
    assert_eq!(requirement_anchor(""), "r-");
}

#[test]
fn a_hostile_record_renders_with_nothing_live() {
    let run = record(HOSTILE, "javascript:alert('pwned')");
    let html = run_report(&run);
    assert_inert(&html, &[]);
    assert!(!html.contains("javascript:"), "a non-web link is not linked");
    // The escaped text is there for a reader, in each kind of place.
    assert!(html.contains("&lt;img src=x onerror=&quot;alert(&#39;pwned&#39;)&quot;&gt;"));
}

#[test]
fn a_hostile_matrix_renders_with_nothing_live() {
    let a = record(HOSTILE, "https://example.com/spec#s1");
    let mut b = record(HOSTILE, "https://example.com/spec#s1");
    b.scenarios[0].verdict = Verdict::Pass;
    let entries = [
        MatrixEntry { label: HOSTILE.to_owned(), report_href: Some("impl-a/report.html".to_owned()), run: &a },
        MatrixEntry { label: HOSTILE.to_owned(), report_href: Some("javascript:alert('pwned')".to_owned()), run: &b },
    ];
    let html = matrix(&entries);
    assert_inert(&html, &["impl-a/report.html"]);
    assert!(!html.contains("javascript:"));
}

#[test]
fn a_run_page_has_its_sections_and_fetches_nothing() {
    let run = record("plain", "https://www.rfc-editor.org/rfc/rfc8935#section-2.3");
    let html = run_report(&run);
    for id in ["summary", "requirements", "scenarios", "waivers", "details", "s-plain", "s-plain.2", "r-plain"] {
        assert!(html.contains(&format!(" id=\"{id}\"")), "section {id}");
    }
    assert!(html.contains("href=\"https://www.rfc-editor.org/rfc/rfc8935#section-2.3\""), "spec link");
    assert!(html.contains("href=\"#s-plain\"") && html.contains("href=\"#r-plain\""), "cross links");
    for fetch in ["src=", "@import", "url(", "<link", "<script", "<img", "<iframe"] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    // The failing scenario starts open, the passing one folded.
    assert!(html.contains("<details class=\"scn fv ft v-fail t0 t1\" id=\"s-plain\" open>"), "{html}");
    assert!(html.contains("<details class=\"scn fv ft v-pass t0 t1\" id=\"s-plain.2\">"));
    assert!(html.contains("stale: remove it") && html.contains("expired: not applied"));
}

#[test]
fn filters_are_radio_buttons_read_by_css() {
    let html = run_report(&record("plain", "https://example.com/"));
    // One radio per verdict present and per tag, before the filtered content.
    let main = html.find("<main>").unwrap();
    for id in ["fv-all", "fv-fail", "fv-pass", "ft-all", "ft-0", "ft-1"] {
        let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("radio {id}"));
        assert!(at < main);
        assert!(html.contains(&format!("<label for=\"{id}\"")), "label for {id}");
    }
    assert!(html.contains("#fv-fail:checked ~ main .fv:not(.v-fail) { display: none; }"));
    assert!(html.contains("#ft-1:checked ~ main .ft:not(.t1) { display: none; }"));
    assert!(!html.contains("fv-warn"), "no filter for a verdict no scenario has");
}

#[test]
fn the_matrix_links_cells_and_marks_differences() {
    let a = record("plain", "https://example.com/");
    let mut b = record("plain", "https://example.com/");
    b.scenarios[0].verdict = Verdict::Pass;
    b.scenarios.pop();
    let entries = [
        MatrixEntry { label: "impl A".to_owned(), report_href: Some("a.html".to_owned()), run: &a },
        MatrixEntry { label: "impl B".to_owned(), report_href: None, run: &b },
    ];
    let html = matrix(&entries);
    assert!(html.contains("<a href=\"a.html#s-plain\">FAIL</a>"), "{html}");
    assert!(html.contains("<a href=\"a.html#r-plain\">FAIL</a>"));
    assert_eq!(html.matches("<tr class=\"differ\">").count(), 2, "both scenarios differ; the requirement agrees");
    assert!(html.contains("<td class=\"cell none\">—</td>"));
    assert!(!html.contains("m-pairings"), "no pairing view without pairing runs");
}

#[test]
fn pairing_runs_get_an_initiator_by_responder_view() {
    let mut run = record("plain", "https://example.com/");
    run.sut.name = "ref A -> ref B".to_owned();
    for (s, (id, profile, verdict)) in run.scenarios.iter_mut().zip([
        ("pair.initiator", "pushpull-http-initiator", Verdict::Pass),
        ("pair.responder", "pushpull-http-responder", Verdict::Fail),
    ]) {
        s.id = id.to_owned();
        s.profile = profile.to_owned();
        s.tags = vec!["pairing".to_owned()];
        s.verdict = verdict;
    }
    let entries = [MatrixEntry { label: "pair".to_owned(), report_href: Some("pair.html".to_owned()), run: &run }];
    let html = matrix(&entries);
    let view = &html[html.find("id=\"m-pairings\"").expect("pairing view")..];
    assert!(view.contains("<th>ref B</th>") && view.contains("<strong>ref A</strong>"));
    assert!(view.contains("<td class=\"cell v-fail\">FAIL"));
    assert!(view.contains("href=\"pair.html#s-pair.responder\""));
}

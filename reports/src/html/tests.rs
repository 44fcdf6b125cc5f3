//! The pages as a whole: sections and anchors, filters, and that no string of
//! a record, however hostile, becomes markup, script or a fetch.

use super::*;
use crate::{
    Ambiguity, Body, DecodedSet, Exchange, ExpectationResult, FrameRecord, Header, HttpRequest, HttpResponse,
    ProcessRecord, RequirementResult, ScenarioResult, StepRecord, Summary, SutInfo, Tool, Verdict, WaiverRecord,
    WaiverStatus,
};
use serde_json::json;

/// Markup a SUT or a user's catalogue could put into any field of a record.
pub(super) const HOSTILE: &str =
    "<script>document.title='pwned'</script><img src=x onerror=\"alert('pwned')\">\"'><b>pwned</b>";

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
pub(super) fn record(text: &str, link: &str) -> Run {
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
        na_kind: None,
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
            na_kind: None,
            scenarios: vec![t()],
        }],
        scenarios: vec![scenario(t(), Verdict::Fail), scenario(format!("{text}.2"), Verdict::Pass)],
        waivers: [WaiverStatus::Applied, WaiverStatus::Stale, WaiverStatus::Expired]
            .into_iter()
            .map(|status| WaiverRecord { target: t(), reason: t(), expires: Some(t()), status })
            .collect(),
        interrupted: Some(crate::Interruption { signal: crate::StopSignal::Terminate, not_started: vec![t()] }),
        ambiguities: vec![Ambiguity {
            id: t(),
            question: t(),
            sources: vec![t()],
            readings: vec![t(), t()],
            suite_reading: t(),
            why: t(),
        }],
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
            } else if attrs_text.starts_with('=') {
                // maud always quotes: an unquoted value is markup the page did not mean to make.
                panic!("unquoted attribute value in <{name}>: {attrs_text}")
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
    "tbody", "tr", "th", "td", "br", "p", "details", "summary", "pre", "svg", "rect", "text", "line", "polyline",
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
    "role",
    "width",
    "height",
    "viewBox",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "text-anchor",
    "title",
    "points",
];

/// No element or attribute but ours, no href but fragments, plain web links
/// and `allowed`, and nothing of the hostile text inside any tag.
pub(super) fn assert_inert(html: &str, allowed_href: &[&str]) {
    for tag in tags(html) {
        assert!(TAGS.contains(&tag.name.as_str()), "element <{}> in the page", tag.name);
        for (attr, value) in &tag.attrs {
            assert!(ATTRS.contains(&attr.as_str()), "attribute {attr} on <{}>", tag.name);
            // Anchors may carry an id, made safe, and a tooltip, escaped like any text;
            // other attributes carry no record text at all.
            let safe = |f: &str| f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            match attr.as_str() {
                "id" => assert!(safe(value), "{attr}={value:?}"),
                "href" => assert!(value.rsplit_once('#').is_none_or(|(_, f)| safe(f)), "{attr}={value:?}"),
                "title" => assert!(!value.contains(['<', '>', '\'']), "{attr}={value:?}"),
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
    for id in ["summary", "requirements", "scenarios", "waivers", "details", "ambiguities", "s-plain", "r-plain"] {
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

/// A finding that cites an ambiguity links to its entry, with the question and
/// the suite's reading as tooltip; the entry says all the catalogue says.
#[test]
fn a_cited_ambiguity_is_linked_with_a_tooltip_and_explained_in_its_section() {
    let mut run = record("plain", "https://example.com/");
    run.ambiguities = vec![Ambiguity {
        id: "AMB-06".to_owned(),
        question: "What does maxResponseEvents 0 mean?".to_owned(),
        sources: vec!["pushpull §6.1".to_owned(), "pushpull §5".to_owned()],
        readings: vec!["no SETs".to_owned(), "an error".to_owned()],
        suite_reading: "0 is INFO whatever the SUT does".to_owned(),
        why: "no meaning is defined".to_owned(),
    }];
    for s in &mut run.scenarios {
        s.expectations[0].ambiguity = Some("AMB-06".to_owned());
    }
    let html = run_report(&run);
    assert!(html.contains("<a href=\"#ambiguities\">Ambiguities</a>"), "in the page's nav");
    let link = "<a href=\"#amb-AMB-06\" title=\"What does maxResponseEvents 0 mean?\nSuite&#39;s reading: \
                0 is INFO whatever the SUT does\">AMB-06</a>";
    assert_eq!(html.matches(link).count(), 2, "each citing finding links to the entry:\n{html}");
    let section = &html[html.find("<section id=\"ambiguities\">").expect("the section")..];
    let entry = &section[section.find("<div class=\"amb\" id=\"amb-AMB-06\">").expect("the entry")..];
    for text in [
        "What does maxResponseEvents 0 mean?",
        "pushpull §6.1; pushpull §5",
        "<li>no SETs</li><li>an error</li>",
        "0 is INFO whatever the SUT does",
        "no meaning is defined",
    ] {
        assert!(entry.contains(text), "{text} in {entry}");
    }
    assert_eq!(ambiguity_anchor("AMB-06"), "amb-AMB-06");
}

/// A record that names an ambiguity it has no entry for (made before records
/// carried them) shows the id without a link, and the page has no section.
#[test]
fn an_ambiguity_without_an_entry_is_shown_unlinked() {
    let mut run = record("plain", "https://example.com/");
    run.ambiguities.clear();
    run.scenarios[0].expectations[0].ambiguity = Some("AMB-06".to_owned());
    let html = run_report(&run);
    assert!(html.contains("Ambiguity: AMB-06"), "{html}");
    assert!(!html.contains("amb-AMB-06") && !html.contains("id=\"ambiguities\""));
}

#[test]
fn code_marks_become_code_only_in_texts_the_harness_wrote() {
    let text = "`typ` is `<script>alert('pwned')</script>` ` | `a `b` c`";
    let html = run_report(&record(text, "https://example.com/"));
    // Backticks pair in order; the last one, left alone, stays a backtick.
    let coded = "<code>typ</code> is <code>&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;</code> <code> | </code>a \
                 <code>b</code> c`";
    // Expected texts (in the details and the summary) and rule texts.
    assert!(html.matches(coded).count() >= 3, "{html}");
    assert!(html.contains(&format!("<td class=\"rule\">{coded}</td>")), "the requirements table");
    // What the SUT sent keeps its backticks as text.
    assert!(html.contains("`typ` is `&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;` ` | `a `b` c`"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    let entries =
        [MatrixEntry { label: "a".to_owned(), report_href: None, run: &record(text, "https://example.com/") }];
    assert!(matrix(&entries).contains(&format!("<div class=\"note\">{coded}</div>")), "a matrix label");
}

#[test]
fn each_finding_shows_its_rule_level_and_section() {
    let mut run = record("plain", "https://www.rfc-editor.org/rfc/rfc8417#section-2.3");
    let r = &mut run.requirements[0];
    (r.level, r.spec, r.section, r.text) =
        ("SHOULD".into(), "rfc8417".into(), "2.3".into(), "the `typ` is short".into());
    let line = "<div class=\"ruleline\">Rule (SHOULD): the <code>typ</code> is short · \
                <a href=\"https://www.rfc-editor.org/rfc/rfc8417#section-2.3\" rel=\"noreferrer\">rfc8417 §2.3</a></div>";
    // The FAIL finding, in the summary and in the details; the passing scenario has none.
    assert_eq!(run_report(&run).matches(line).count(), 2);
    run.requirements[0].link = Some("javascript:alert(1)".into());
    let html = run_report(&run);
    assert_eq!(
        html.matches("<div class=\"ruleline\">Rule (SHOULD): the <code>typ</code> is short · rfc8417 §2.3</div>")
            .count(),
        2
    );
    run.scenarios[0].expectations[0].verdict = Verdict::Pass;
    assert!(!run_report(&run).contains("ruleline\""), "a kept rule is no finding");
}

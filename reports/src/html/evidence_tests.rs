//! A scenario to look at, on the run page: the exchanges its findings were
//! judged on open, marked and linked; JSON bodies laid out; findings whole;
//! the command that runs it again, and its request as curl.

use super::*;
use crate::reproduce;
use crate::{
    Body, Exchange, ExpectationResult, Header, HttpRequest, HttpResponse, ScenarioResult, Summary, SutInfo, Tool,
    Verdict,
};

const ID: &str = "push.receiver.status'; echo injected #";

fn body(text: &str, truncated: bool) -> Body {
    Body { size: text.len(), text: text.to_owned(), truncated, sets: Vec::new() }
}

fn exchange(seq: usize, response: &str, truncated: bool) -> Exchange {
    Exchange {
        seq,
        channel: "sut".into(),
        step: 1,
        at_ms: 0,
        duration_ms: 1,
        request: HttpRequest {
            method: "POST".into(),
            url: "https://127.0.0.1:8443/events".into(),
            headers: vec![Header { name: "Content-Type".into(), value: "application/secevent+jwt".into() }],
            body: body("e30.e30.c2ln", false),
        },
        response: Some(HttpResponse { status: 200, headers: Vec::new(), body: body(response, truncated) }),
        process: None,
        frame: None,
        error: None,
    }
}

fn expectation(verdict: Verdict, actual: String, exchange: Option<usize>) -> ExpectationResult {
    ExpectationResult {
        step: 1,
        requirement: "PUSH-020".into(),
        verdict,
        expected: "status 202".into(),
        actual,
        ambiguity: None,
        waiver: None,
        broken: verdict == Verdict::Fail,
        check: Some("status".into()),
        expectation: Some(1),
        exchange,
    }
}

fn run() -> Run {
    let scenario = ScenarioResult {
        id: ID.into(),
        title: "status".into(),
        description: None,
        profile: "push-receiver".into(),
        requirements: vec!["PUSH-020".into()],
        tags: Vec::new(),
        steps: Vec::new(),
        verdict: Verdict::Fail,
        reason: None,
        duration_ms: 5,
        expectations: vec![
            expectation(Verdict::Pass, "a JSON body".into(), Some(1)),
            expectation(Verdict::Fail, format!("status 200: {}", "x".repeat(70_000)), Some(2)),
        ],
        na_kind: None,
        transcript: vec![
            exchange(1, r#"{"err":"a","description":"b"}"#, false),
            exchange(2, r#"{"ack":["j1"],"setErrs":{}}"#, false),
            exchange(3, r#"{"cut":"#, true),
        ],
    };
    Run {
        schema_version: crate::SCHEMA_VERSION.into(),
        tool: Tool { name: "setconform".into(), version: "0".into() },
        started_at: String::new(),
        duration_ms: 5,
        seed: 9,
        sut: SutInfo {
            name: "ref".into(),
            kind: "embedded-reference".into(),
            file: None,
            fault: Some("push-status-200".into()),
            endpoints: Vec::new(),
            insecure: false,
            cleartext_endpoints: Vec::new(),
        },
        profiles: vec!["push-receiver".into()],
        fail_on: crate::verdict::FailOn::Fail,
        set_profile: None,
        suite: None,
        summary: Summary { total: 1, fail: 1, exit_code: 1, ..Summary::default() },
        requirements: Vec::new(),
        scenarios: vec![scenario],
        waivers: Vec::new(),
        ambiguities: Vec::new(),
        interrupted: None,
    }
}

/// The text of the first `<pre class="cmd">` after `from`, unescaped.
fn command_after(html: &str, from: &str) -> String {
    let rest = &html[html.find(from).unwrap_or_else(|| panic!("{from} in the page"))..];
    let start = rest.find("<pre class=\"cmd\">").expect("a command") + "<pre class=\"cmd\">".len();
    let text = &rest[start..start + rest[start..].find("</pre>").unwrap()];
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[test]
fn the_evidence_of_a_finding_opens_marked_and_is_linked() {
    let html = run_report(&run());
    let anchor = |seq| exchange_anchor(ID, seq);
    assert!(html.contains(&format!("<details class=\"x evid\" id=\"{}\" open>", anchor(2))), "{html}");
    // The other exchanges of the step stay folded: the evidence is what to read first.
    for seq in [1, 3] {
        assert!(html.contains(&format!("<details class=\"x\" id=\"{}\">", anchor(seq))), "#{seq}");
    }
    assert!(html.contains(&format!("<a href=\"#{}\">exchange #2</a>", anchor(2))));
    assert!(html.contains(&format!("<a href=\"#{}\">exchange #1</a>", anchor(1))), "a kept rule links too");
    assert!(html.find("<h4>Expectations</h4>") < html.find("Wire transcript"), "findings before the wire");
}

#[test]
fn json_bodies_are_laid_out_unless_cut() {
    let html = run_report(&run());
    assert!(html.contains("{\n  &quot;ack&quot;: [\n    &quot;j1&quot;\n  ],\n  &quot;setErrs&quot;: {}\n}"));
    assert!(html.contains("{&quot;cut&quot;:</pre>"), "a cut body as it is");
    assert!(html.contains("e30.e30.c2ln"), "a body that is no JSON object as it is");
}

#[test]
fn findings_are_shown_whole() {
    let html = run_report(&run());
    assert!(!html.contains("more characters not shown"));
    assert!(html.contains(&format!("<div class=\"long\">status 200: {}</div>", "x".repeat(70_000))));
}

#[test]
fn a_failing_scenario_says_how_to_run_it_again() {
    let run = run();
    let html = run_report(&run);
    let shown = command_after(&html, "<h4>Reproduce</h4>");
    let made = reproduce::command(&run, &run.scenarios[0]).unwrap().unwrap();
    assert_eq!(shown, made);
    assert!(made.starts_with("setconform run --exact \"push.receiver.status'; echo injected #\""), "{made}");
    assert!(made.ends_with("--seed 9 --profile push-receiver --fault push-status-200"), "{made}");
    let mut passed = run.clone();
    passed.scenarios[0].verdict = Verdict::Pass;
    passed.scenarios[0].expectations.truncate(1);
    assert!(!run_report(&passed).contains("<h4>Reproduce</h4>"), "only for a scenario to look at");
}

#[test]
fn the_request_in_the_evidence_is_shown_as_curl() {
    let run = run();
    let html = run_report(&run);
    let shown = command_after(&html, &format!("id=\"{}\"", exchange_anchor(ID, 2)));
    let made = reproduce::curl(&run.scenarios[0].transcript[1]).unwrap().unwrap().command;
    assert_eq!(shown, made);
    assert_eq!(
        made,
        "curl https://127.0.0.1:8443/events \\\n  -H 'Content-Type: application/secevent+jwt' \\\n  --data-binary e30.e30.c2ln"
    );
    assert_eq!(html.matches("The request as curl").count(), 1, "for the evidence only");
}

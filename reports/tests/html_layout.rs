//! The run page read from `tests/fixtures/run-mixed.json`: the requirements
//! table says which scenario broke a rule, roles read in one vocabulary, N/A
//! is told apart by why, and INFO findings are there, folded.

use setconform_reports::html::{requirement_anchor, run_report, scenario_anchor};
use setconform_reports::{Run, Verdict, json};
use std::path::Path;

fn fixture() -> Run {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-mixed.json");
    json::read(&path).expect("fixture reads as a Run record")
}

/// The markup of the element that starts with `start`, up to `end`.
fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html.find(start).unwrap_or_else(|| panic!("{start} in the page"));
    let len = html[from..].find(end).unwrap_or_else(|| panic!("{end} after {start}"));
    &html[from..from + len]
}

/// The requirements table's row of `id`.
fn row(html: &str, id: &str) -> String {
    between(html, &format!("<tr id=\"{}\"", requirement_anchor(id)), "</tr>").to_owned()
}

#[test]
fn a_requirement_row_lists_the_scenarios_that_broke_it_first_with_their_verdicts() {
    let mut run = fixture();
    let req = run.requirements.iter_mut().find(|r| r.id == "PP-HTTP-008").unwrap();
    // The waived scenario first in the record: the failing one still leads the list.
    req.scenarios = vec!["pushpull.http.responder.batch.1".into(), "pushpull.http.responder.ack.asynchronous".into()];
    let row = row(&run_report(&run), "PP-HTTP-008");
    let failing = format!(
        "<div class=\"cov hit\"><span class=\"b v-fail\">FAIL</span> <a href=\"#{}\">",
        scenario_anchor("pushpull.http.responder.ack.asynchronous")
    );
    let waived = format!(
        "<div class=\"cov\"><span class=\"b v-waived\">WAIVED</span> <a href=\"#{}\">",
        scenario_anchor("pushpull.http.responder.batch.1")
    );
    let (f, w) = (row.find(&failing), row.find(&waived));
    assert!(f.is_some() && w.is_some() && f < w, "failing first, then the waived one: {row}");
}

#[test]
fn a_scenario_that_did_not_finish_gives_the_requirements_it_cites_its_own_verdict() {
    let html = run_report(&fixture());
    let row = row(&html, "PUSH-001");
    let timeout = format!(
        "<span class=\"b v-timeout\">TIMEOUT</span> <a href=\"#{}\"",
        scenario_anchor("push.receiver.accept.valid")
    );
    assert!(row.contains(&format!("<div class=\"cov hit\">{timeout}")), "{row}");
}

#[test]
fn roles_are_spelled_out_with_the_catalogue_codes_in_the_tooltip() {
    let html = run_report(&fixture());
    let responder = row(&html, "PP-HTTP-008");
    assert!(responder.contains("<td title=\"catalogue role: R\">Responder</td>"), "{responder}");
    let receiver = row(&html, "MSP-007");
    assert!(receiver.contains("<td title=\"catalogue role: Rcv\">Receiver</td>"), "{receiver}");
}

#[test]
fn not_claimed_and_cannot_test_are_counted_and_filtered_apart() {
    let mut run = fixture();
    let html = run_report(&run);
    let cards = between(&html, "<div class=\"cards\">", "\n</div>");
    assert!(
        cards.contains(
            "<div class=\"card v-na v-na-unclaimed\"><div class=\"n\">1</div><div class=\"l\">N/A not claimed</div>"
        ),
        "{cards}"
    );
    assert!(cards.contains("<div class=\"card v-na v-na-untestable zero\"><div class=\"n\">0</div><div class=\"l\">N/A cannot test</div>"), "{cards}");
    assert!(!cards.contains("<div class=\"l\">N/A</div>"), "no N/A without a kind: {cards}");
    assert!(html.contains("<label for=\"fv-na-unclaimed\">N/A not claimed (1)</label>"));
    assert!(html.contains("#fv-na-unclaimed:checked ~ main .fv:not(.v-na-unclaimed) { display: none; }"));
    let msp = between(&html, "<details class=\"scn fv ft v-na v-na-unclaimed", ">");
    assert!(msp.contains(&scenario_anchor("msp.receiver.ack.asynchronous")), "{msp}");
    assert!(row(&html, "PUSH-009").contains("class=\"fv v-na v-na-untestable\""));

    // An N/A scenario of a record that does not say why is plain N/A.
    let na = run.scenarios.iter_mut().find(|s| s.verdict == Verdict::NotApplicable).unwrap();
    na.na_kind = None;
    let html = run_report(&run);
    assert!(html.contains("<div class=\"l\">N/A</div>") && html.contains("<label for=\"fv-na\">N/A (1)</label>"));
}

#[test]
fn info_findings_are_listed_folded_and_failures_open() {
    let mut run = fixture();
    let html = run_report(&run);
    let findings = between(&html, "<h4>Findings</h4>", "</section>");
    assert!(findings.starts_with("<h4>Findings</h4>\n<ul class=\"findings\">"), "failures open first: {findings}");
    let folded = between(findings, "<details class=\"info-findings\">", "</details>");
    assert!(folded.contains(&scenario_anchor("pushpull.http.responder.max-response-events.fraction")), "{folded}");
    assert!(folded.contains("INFO <a href=\"#r-PP-HTTP-006\">PP-HTTP-006</a>"), "{folded}");

    // A clean run with one INFO still shows its findings, folded.
    run.scenarios.retain(|s| matches!(s.verdict, Verdict::Pass | Verdict::Info));
    let html = run_report(&run);
    let findings = between(&html, "<h4>Findings</h4>", "</section>");
    assert!(findings.starts_with("<h4>Findings</h4>\n<details class=\"info-findings\">\n<summary>"), "{findings}");
    assert!(!findings.contains("<ul class=\"findings\">\n<li><span class=\"b v-fail\""));
}

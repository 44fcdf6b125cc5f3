//! The HTML report of a failing run, looked at in a real browser: a reader who
//! follows a link to a scenario or a requirement sees it whole, below the
//! sticky filter bar, at a desktop width and at a narrow one where the bar
//! wraps. Screenshots of each view are kept in the test's scratch folder.

mod browser;
mod common;

use browser::{Browser, by_id};
use setconform_reports::html::{requirement_anchor, run_report, scenario_anchor};
use setconform_reports::{NaKind, Run, Verdict};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Viewports every case is looked at in: a desktop, and a narrow window
/// where the filter bar takes several lines.
const VIEWPORTS: [(u32, u32); 2] = [(1280, 800), (560, 800)];

/// A run against the reference with a fault that fails rules
/// (`hostile-markup`), and its HTML report on disk; made once per process.
fn report() -> &'static (Run, PathBuf) {
    static REPORT: OnceLock<(Run, PathBuf)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let mut req = common::request(None, Some("hostile-markup"), Some(7));
        req.profiles = vec!["push-receiver".into()];
        let (run, code) = common::execute(req);
        assert_eq!(code, 1, "{:?}", common::findings(&run));
        // Only push-receiver is run: every other scenario is N/A as not claimed.
        let na = run.scenarios.iter().filter(|s| s.verdict == Verdict::NotApplicable);
        assert!(na.clone().count() > 0 && na.clone().all(|s| s.na_kind == Some(NaKind::NotClaimed)));
        let page = common::scratch("report-browser").join("report.html");
        std::fs::write(&page, run_report(&run)).unwrap();
        (run, page)
    })
}

#[test]
fn a_failing_scenario_opened_by_its_anchor_shows_its_title_below_the_filter_bar() {
    let Some(mut browser) = Browser::start_or_skip("scenario anchor below the filter bar") else { return };
    let (run, page) = report();
    let failing = run.scenarios.iter().find(|s| s.verdict == Verdict::Fail).expect("a failing scenario");
    let anchor = scenario_anchor(&failing.id);
    for (width, height) in VIEWPORTS {
        browser.viewport(width, height);
        let mut shot = browser.view(page, &anchor);
        shot.assert_clear_of_filters(&format!("{} > summary", by_id(&anchor)));
        shot.assert_clear_of_filters(&format!("{} > summary h3", by_id(&anchor)));
        let open = shot.eval(&format!("document.getElementById({:?}).open", anchor));
        assert_eq!(open, true, "the failing scenario's details are open ({})", shot.path.display());
    }
}

#[test]
fn a_failing_requirement_row_marks_its_failing_scenario_below_the_filter_bar() {
    let Some(mut browser) = Browser::start_or_skip("requirement row below the filter bar") else { return };
    let (run, page) = report();
    let (requirement, scenario) = run
        .scenarios
        .iter()
        .find_map(|s| {
            let broken = s.expectations.iter().find(|e| e.verdict == Verdict::Fail)?;
            Some((broken.requirement.as_str(), s.id.as_str()))
        })
        .expect("an expectation that failed");
    let row_id = requirement_anchor(requirement);
    let row = by_id(&row_id);
    let detail = scenario_anchor(scenario);
    for (width, height) in VIEWPORTS {
        browser.viewport(width, height);
        let mut shot = browser.view(page, &row_id);
        shot.assert_clear_of_filters(&format!("{row} > td"));
        let (cov, hits) = (format!("{row} td.refs .cov"), format!("{row} td.refs .cov.hit a"));
        // The first scenario listed is one that failed the requirement, marked so and linked to its detail.
        let first = shot.eval(&format!(
            "(() => {{ const c = document.querySelector({cov:?}); return c && {{ \
               hit: c.classList.contains('hit'), \
               badge: c.querySelector('.b') && c.querySelector('.b').textContent, \
               href: c.querySelector('a') && c.querySelector('a').getAttribute('href') }}; }})()"
        ));
        assert_eq!(first["hit"], true, "the first scenario of {requirement} is marked failing: {first}");
        assert_eq!(first["badge"], "FAIL", "{first}");
        let linked =
            shot.eval(&format!("Array.from(document.querySelectorAll({hits:?})).map(a => a.getAttribute('href'))"));
        let target = format!("#{detail}");
        assert!(
            linked.as_array().is_some_and(|hrefs| hrefs.iter().any(|h| h == target.as_str())),
            "{requirement}'s failing scenarios link {target}: {linked}"
        );
        let detail_exists =
            shot.eval(&format!("!!document.querySelector({:?})", format!("details.scn{}", by_id(&detail))));
        assert_eq!(detail_exists, true, "{target} is a scenario's detail block");
    }
}

/// A run of `only` against the reference with no fault, and its HTML report
/// on disk under `name`.
fn clean_report(name: &str, only: &[&str]) -> (Run, PathBuf) {
    let mut req = common::request(None, None, Some(7));
    req.only = Some(only.iter().map(|id| (*id).to_owned()).collect());
    let (run, code) = common::execute(req);
    assert_eq!(code, 0, "{:?}", common::findings(&run));
    let page = common::scratch(name).join("report.html");
    std::fs::write(&page, run_report(&run)).unwrap();
    (run, page)
}

#[test]
fn an_ambiguity_a_finding_cites_is_explained_where_its_link_leads() {
    let Some(mut browser) = Browser::start_or_skip("ambiguity explanation") else { return };
    let (run, page) = clean_report("report-browser-amb", &["pushpull.http.responder.max-response-events.fraction"]);
    let amb = run.ambiguity("AMB-06").expect("the run cites AMB-06 and carries its entry");
    let block = "amb-AMB-06";
    for (width, height) in VIEWPORTS {
        browser.viewport(width, height);
        let mut shot = browser.view(&page, block);
        shot.assert_clear_of_filters(&format!("{} h3", by_id(block)));
        // The finding links to the explanation, its tooltip giving the question.
        let link = shot.eval(&format!(
            "(() => {{ const a = document.querySelector('a[href=\"#{block}\"]'); \
               return a && {{ text: a.textContent, title: a.getAttribute('title') }}; }})()"
        ));
        assert_eq!(link["text"], "AMB-06", "a finding links the ambiguity: {link}");
        let title = link["title"].as_str().unwrap_or_default();
        assert!(title.contains(amb.question.split_whitespace().next().unwrap()), "tooltip {title:?}");
        // The block says what is open and which reading the suite takes.
        let text = shot.eval(&format!("document.querySelector({:?}).textContent", by_id(block)));
        let text = text.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
        for part in [&amb.question, &amb.suite_reading, &amb.why] {
            let words = part.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&words), "{block} shows {words:?}: {text}");
        }
    }
}

#[test]
fn a_retry_scenario_shows_its_exchanges_on_a_timeline() {
    let Some(mut browser) = Browser::start_or_skip("retry timeline") else { return };
    let id = "push.transmitter.retry.backoff";
    let (run, page) = clean_report("report-browser-timeline", &[id]);
    let scenario = run.scenarios.iter().find(|s| s.id == id).expect("the retry scenario ran");
    // The SUT retried: at least two pushes to the harness's endpoint, the first ones refused.
    let statuses: Vec<u16> = scenario.transcript.iter().filter_map(|x| x.response.as_ref()).map(|r| r.status).collect();
    assert!(statuses.iter().filter(|s| **s == 503).count() >= 2 && statuses.contains(&202), "{statuses:?}");
    let anchor = scenario_anchor(id);
    let timeline = format!("tl-{anchor}");
    browser.viewport(1280, 800);
    let mut shot = browser.view(&page, &anchor);
    // A passing scenario starts folded; a reader opens it.
    shot.eval(&format!("document.getElementById({anchor:?}).open = true"));
    shot.eval(&format!("document.getElementById({timeline:?}).scrollIntoView({{block: 'center'}})"));
    shot.retake("open");
    let svg = by_id(&timeline);
    shot.assert_clear_of_filters(&svg);
    let rect = shot.rect(&svg).expect("the timeline is on the page");
    assert!(rect.right - rect.left > 200.0, "the timeline is drawn wide enough to read: {rect:?}");
    // One mark per exchange, each titled with its status, in the order they happened.
    let marks = shot.eval(&format!(
        "Array.from(document.querySelectorAll('{svg} .m')).map(m => ({{ x: m.getBBox().x, \
           title: (m.querySelector('title') || {{}}).textContent || '' }}))",
        svg = svg.replace('\'', "\\'")
    ));
    let marks = marks.as_array().expect("marks");
    let refused: Vec<f64> = marks
        .iter()
        .filter(|m| m["title"].as_str().is_some_and(|t| t.contains("503")))
        .filter_map(|m| m["x"].as_f64())
        .collect();
    let accepted = marks.iter().find(|m| m["title"].as_str().is_some_and(|t| t.contains("202")));
    assert!(refused.len() >= 2, "two refused pushes on the timeline: {marks:?}");
    let accepted_x = accepted.and_then(|m| m["x"].as_f64()).expect("the accepted push is on the timeline");
    assert!(refused.iter().all(|x| *x < accepted_x), "the retries come before the accepted push: {marks:?}");
}

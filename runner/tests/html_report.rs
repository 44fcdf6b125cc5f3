//! The HTML report of a run against a SUT that answers with markup and script
//! (`hostile-markup`): the page shows that text, and no browser runs it.

mod browser;
mod common;

use setconform_reports::Verdict;
use setconform_reports::html::{run_report, scenario_anchor};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the headless browser may take to load and dump the page.
const BROWSER_DEADLINE: Duration = Duration::from_secs(60);

#[test]
fn markup_from_the_sut_stays_text_in_the_html_report() {
    let mut req = common::request(None, Some("hostile-markup"), Some(7));
    req.profiles = vec!["push-receiver".into()];
    let (run, code) = common::execute(req);
    assert_eq!(code, 1, "{:?}", common::findings(&run));
    let push_034 = run.requirements.iter().find(|r| r.id == "PUSH-034").expect("PUSH-034 judged");
    assert_eq!(push_034.verdict, Verdict::Fail);

    let html = run_report(&run);
    let dir = common::scratch("html");
    let page = dir.join("report.html");
    std::fs::write(&page, &html).unwrap();

    for id in ["summary", "requirements", "scenarios"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id}");
    }
    let failing = run.scenarios.iter().find(|s| s.verdict == Verdict::Fail).expect("a failing scenario");
    assert!(html.contains(&format!("id=\"{}\" open>", scenario_anchor(&failing.id))), "failing details open");
    // The SUT's markup is in the page, escaped, and nowhere as markup.
    assert!(html.contains("&lt;img src=x onerror=") && html.contains("document.title=&#39;pwned&#39;"));
    assert!(html.contains("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;"));
    let lower = html.to_ascii_lowercase();
    for live in ["<script", "<img", "onerror=\"", "data-pwned=\""] {
        assert!(!lower.contains(live), "{live} is live in the page");
    }

    match browser::chromium() {
        Some(browser) => check_in_browser(&browser, &page, &failing.id),
        None if std::env::var("SETCONFORM_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("SETCONFORM_REQUIRE_BROWSER=1 but neither chromium nor chromium-browser is on PATH")
        }
        None => println!("skipped: chromium not installed (browser check of the HTML report)"),
    }
}

/// Loads the page in headless Chromium and reads back the DOM it built: the
/// sections are there, and nothing of the SUT's ran or became an element.
fn check_in_browser(browser: &Path, page: &Path, failing: &str) {
    let profile = common::scratch("chromium-profile");
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Read stdout on a thread so a full pipe cannot stall the browser.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut dom).map(|_| dom)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {BROWSER_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let dom = reader.join().unwrap().expect("chromium's output is UTF-8");
    assert!(status.success(), "chromium exited with {status}");
    for id in ["summary", "requirements", "scenarios", &scenario_anchor(failing)] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "{id} is in the DOM");
    }
    let lower = dom.to_ascii_lowercase();
    assert!(!lower.contains("data-pwned=\""), "a SUT script set an attribute");
    assert!(!lower.contains("<script") && !lower.contains("<img"), "SUT markup became an element");
    let title = dom.split_once("<title>").and_then(|(_, t)| t.split_once("</title>")).map(|(t, _)| t);
    assert!(title.is_some_and(|t| t.starts_with("setconform: ") && t != "pwned"), "title {title:?}");
    assert!(dom.contains("&lt;img src=x onerror="), "the SUT's text is shown as text");
    println!("chromium: the report loaded, sections present, no SUT script ran");
}

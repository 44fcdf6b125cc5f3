//! The JUnit report is well-formed XML whose counts agree with the run's summary,
//! whatever text the system under test put into the record.

use setconform_reports::{Run, Verdict, json, junit};
use std::path::Path;

fn fixture() -> Run {
    json::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-mixed.json")).unwrap()
}

fn count_attr(node: roxmltree::Node, name: &str) -> usize {
    node.attribute(name).unwrap_or_else(|| panic!("no {name} on <{}>", node.tag_name().name())).parse().unwrap()
}

/// Parses the report and checks every count against the record; with `names`,
/// also that suites and cases carry the profile and scenario names unchanged.
fn check_counts(run: &Run, names: bool) {
    let xml = junit::render(run);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");

    let s = &run.summary;
    assert_eq!(count_attr(root, "tests"), s.total);
    assert_eq!(count_attr(root, "failures"), s.fail);
    assert_eq!(count_attr(root, "errors"), s.error + s.timeout);
    assert_eq!(count_attr(root, "skipped"), s.not_applicable);

    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let mut profiles: Vec<&str> = run.scenarios.iter().map(|sc| sc.profile.as_str()).collect();
    profiles.sort();
    profiles.dedup();
    assert_eq!(suites.len(), profiles.len());

    let cases: Vec<_> = root.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), s.total);
    let under = |tag: &str| cases.iter().filter(|c| c.children().any(|n| n.has_tag_name(tag))).count();
    assert_eq!(under("failure"), s.fail);
    assert_eq!(under("error"), s.error + s.timeout);
    assert_eq!(under("skipped"), s.not_applicable);

    for suite in &suites {
        let name = suite.attribute("name").unwrap();
        assert!(suite.attribute("timestamp").is_some());
        let mine: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(count_attr(*suite, "tests"), mine.len());
        let failures = mine.iter().filter(|c| c.children().any(|n| n.has_tag_name("failure"))).count();
        assert_eq!(count_attr(*suite, "failures"), failures);
        if names {
            let expected: Vec<_> = run.scenarios.iter().filter(|sc| sc.profile == name).collect();
            assert_eq!(mine.len(), expected.len());
            for (case, sc) in mine.iter().zip(expected) {
                assert_eq!(case.attribute("classname"), Some(name));
                assert_eq!(case.attribute("name").unwrap(), format!("{}: {}", sc.id, sc.title));
            }
        }
    }
}

#[test]
fn fixture_report_parses_with_the_right_counts() {
    let run = fixture();
    check_counts(&run, true);
    let xml = junit::render(&run);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        assert_eq!(suite.attribute("timestamp"), Some(run.started_at.as_str()));
    }
}

#[test]
fn verdicts_map_to_the_junit_elements() {
    let run = fixture();
    let xml = junit::render(&run);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for sc in &run.scenarios {
        let name = format!("{}: {}", sc.id, sc.title);
        let case =
            doc.descendants().find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(&name)).unwrap();
        let child = |tag: &str| case.children().find(|n| n.has_tag_name(tag));
        match sc.verdict {
            Verdict::Fail => {
                let f = child("failure").unwrap();
                assert_eq!(f.attribute("type"), Some("FAIL"));
                let body = f.text().unwrap();
                for e in sc.expectations.iter().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)) {
                    assert!(body.contains(&format!("{} (step {}): expected: ", e.requirement, e.step)), "{body}");
                }
            }
            Verdict::Error | Verdict::Timeout => {
                let e = child("error").unwrap();
                assert_eq!(e.attribute("type"), Some(sc.verdict.as_str()));
                assert_eq!(e.attribute("message"), sc.reason.as_deref());
            }
            Verdict::NotApplicable => assert_eq!(child("skipped").unwrap().attribute("message"), sc.reason.as_deref()),
            Verdict::Warn | Verdict::Info | Verdict::Waived => {
                let out = child("system-out").unwrap().text().unwrap();
                assert!(out.contains(sc.verdict.as_str()), "{out}");
                if sc.verdict == Verdict::Waived {
                    let reason = sc.expectations.iter().find_map(|e| e.waiver.as_deref()).unwrap();
                    assert!(out.contains(reason), "{out}");
                }
            }
            Verdict::Pass => assert!(case.children().all(|n| !n.is_element())),
        }
        if sc.verdict != Verdict::Fail {
            assert!(child("failure").is_none());
        }
    }
}

/// Every character that can reach a `String` in the record, in every field the
/// report shows: the document must still parse.
#[test]
fn hostile_sut_text_stays_well_formed() {
    let nasty: String = (0u32..0x300)
        .chain([0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF])
        .filter_map(char::from_u32)
        .collect::<String>()
        + "]]><![CDATA[</testcase>&amp;&#0;";
    let mut run = fixture();
    run.tool.name = nasty.clone();
    run.started_at = nasty.clone();
    run.sut.name = nasty.clone();
    run.sut.fault = Some(nasty.clone());
    run.profiles.push(nasty.clone());
    for sc in &mut run.scenarios {
        sc.title = nasty.clone();
        sc.reason = Some(nasty.clone());
        for e in &mut sc.expectations {
            e.expected = nasty.clone();
            e.actual = nasty.clone();
            e.requirement = nasty.clone();
            if e.waiver.is_some() {
                e.waiver = Some(nasty.clone());
            }
        }
    }
    run.scenarios[0].profile = nasty;
    check_counts(&run, false);
}

//! Snapshot tests: the reports rendered from `tests/fixtures/run-mixed.json`
//! (every verdict, and SUT text with markup and control characters) must
//! equal the files in `tests/snapshots/`: Markdown and JSON byte for byte,
//! JUnit XML as a parsed document (attribute order and the indentation
//! between elements are the XML writer's business, not the report's).
//!
//! After an intended change to a renderer, rewrite the snapshots and review
//! the diff before committing it:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p setconform-reports --test snapshots
//! ```

use setconform_reports::{Run, Verdict, json, junit, markdown};
use std::path::{Path, PathBuf};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(sub)
}

fn fixture() -> Run {
    json::read(&dir("fixtures").join("run-mixed.json")).expect("fixture reads as a Run record")
}

/// Compares `actual` with the snapshot file, or rewrites it under `UPDATE_SNAPSHOTS=1`.
fn check(name: &str, actual: &str) {
    check_as(name, actual, |text| text.lines().map(str::to_owned).collect());
}

/// [`check`], comparing the two as [`xml_nodes`].
fn check_xml(name: &str, actual: &str) {
    check_as(name, actual, xml_nodes);
}

/// An XML document as one line per element, attribute (sorted) and piece of
/// text; whitespace between elements is indentation and left out.
fn xml_nodes(text: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}"));
    let mut nodes = Vec::new();
    for node in doc.root_element().descendants() {
        if node.is_element() {
            let depth = node.ancestors().count();
            nodes.push(format!("{depth} <{}>", node.tag_name().name()));
            let mut attrs: Vec<String> =
                node.attributes().map(|a| format!("{depth} @{}={:?}", a.name(), a.value())).collect();
            attrs.sort();
            nodes.extend(attrs);
        } else if node.is_text() && node.text().is_some_and(|t| !t.trim().is_empty()) {
            nodes.push(format!("{} text {:?}", node.ancestors().count(), node.text().unwrap_or("")));
        }
    }
    nodes
}

/// Compares the snapshot with `actual` as the lists `parts` makes of them.
fn check_as(name: &str, actual: &str, parts: impl Fn(&str) -> Vec<String>) {
    let path = dir("snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    let (expected, actual) = (parts(&expected), parts(actual));
    if expected != actual {
        let at = expected.iter().zip(&actual).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
        panic!(
            "{} differs from the rendered output from part {}:\n  snapshot: {:?}\n  rendered: {:?}\n\
             run with UPDATE_SNAPSHOTS=1 to accept the new output",
            path.display(),
            at + 1,
            expected.get(at).map_or("", String::as_str),
            actual.get(at).map_or("", String::as_str)
        );
    }
}

#[test]
fn fixture_covers_every_verdict() {
    let run = fixture();
    for v in Verdict::ALL {
        assert!(run.scenarios.iter().any(|s| s.verdict == v), "no {v} scenario in the fixture");
    }
}

#[test]
fn junit_matches_snapshot() {
    check_xml("run-mixed.junit.xml", &junit::render(&fixture()));
}

#[test]
fn markdown_matches_snapshot() {
    check("run-mixed.md", &markdown::summary(&fixture()));
}

/// The JSON report after a read/write round trip, with the run's clock
/// readings set to fixed values: what is left must not move.
#[test]
fn json_round_trip_matches_snapshot() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("snapshots");
    let first = tmp.join("first.json");
    let second = tmp.join("second.json");

    let mut run = fixture();
    run.started_at = "2000-01-01T00:00:00.000Z".into();
    run.duration_ms = 1000;
    for sc in &mut run.scenarios {
        sc.duration_ms = 10;
        for ex in &mut sc.transcript {
            ex.at_ms = 1;
            ex.duration_ms = 1;
        }
    }
    json::write(&run, &first).unwrap();
    let reread = json::read(&first).unwrap();
    json::write(&reread, &second).unwrap();

    let once = std::fs::read_to_string(&first).unwrap();
    let twice = std::fs::read_to_string(&second).unwrap();
    assert_eq!(once, twice, "writing a read record changes it");
    check("run-mixed.json", &twice);
}

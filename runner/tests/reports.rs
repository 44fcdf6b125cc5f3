//! The reports a run writes, rendered again from the saved record, and the
//! interop matrix of several runs.

mod common;

use setconform::output::{self, Format};

/// Three runs of the same profiles (the reference, and two faulted references):
/// the matrix has a column each, links every cell to that run's case, and marks
/// the rows where the implementations differ.
#[test]
fn a_matrix_of_three_runs_shows_where_they_differ() {
    let root = common::scratch("matrix");
    let mut saved = Vec::new();
    for (name, fault) in
        [("reference", None), ("success-200", Some("push-success-200")), ("ignore-ack", Some("poll-ignore-ack"))]
    {
        let mut req = common::request(None, fault, Some(11));
        req.profiles = vec!["push-receiver".into(), "poll-transmitter".into()];
        let (run, _) = common::execute(req);
        let dir = root.join(name);
        assert!(output::write_reports(&run, &dir, &[Format::Json]).failed.is_empty());
        saved.push(dir.join("run.json"));
    }
    let page = root.join("matrix.html");
    output::write_matrix(&saved, &[], &page).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    for label in ["(fault push-success-200)", "(fault poll-ignore-ack)"] {
        assert!(html.contains(label), "column {label} missing");
    }
    // The clean reference against each fault: the scenarios that fault breaks differ.
    let differing = html.matches("class=\"differ\"").count();
    assert!(differing >= 4, "only {differing} rows marked as differing");
    assert!(html.contains("href=\"success-200/report.html#s-push.receiver.accept.valid\""), "cells link to cases");
    for dir in ["reference", "success-200", "ignore-ack"] {
        assert!(root.join(dir).join("report.html").exists(), "the run's page is written beside its record");
    }
}

/// `setconform report` renders every format again from a saved record, and the
/// renderings agree with the record.
#[test]
fn reports_are_rendered_again_from_the_saved_record() {
    let dir = common::scratch("rerender");
    let mut req = common::request(None, Some("push-success-200"), Some(12));
    req.profiles = vec!["push-receiver".into()];
    let (run, _) = common::execute(req);
    assert!(output::write_reports(&run, &dir, &[Format::Json]).failed.is_empty());
    let again = dir.join("again");
    let bin = env!("CARGO_BIN_EXE_setconform");
    let status = std::process::Command::new(bin)
        .args(["report", dir.join("run.json").to_str().unwrap(), "--out", again.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let junit = std::fs::read_to_string(again.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<failure").count(), run.summary.fail);
    let md = std::fs::read_to_string(again.join("summary.md")).unwrap();
    assert!(md.contains("push.receiver.accept.valid"), "{md}");
    let html = std::fs::read_to_string(again.join("report.html")).unwrap();
    assert!(html.contains("id=\"s-push.receiver.accept.valid\""));
    let json = setconform_reports::json::read(&again.join("run.json")).unwrap();
    assert_eq!(json.summary.fail, run.summary.fail);
}

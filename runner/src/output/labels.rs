//! The column labels of the interop matrix: the ones given on the command
//! line, in the order of the runs; otherwise each run's SUT (and fault), with
//! the minute the run started (UTC) added where two runs would otherwise share
//! a label, and a number after that where they still would.

use setconform_reports::Run;
use std::collections::HashMap;

/// One label per run: `given[i]` where given, else the default.
pub fn columns(runs: &[&Run], given: &[String]) -> Vec<String> {
    let mut labels: Vec<String> = runs.iter().map(|run| base(run)).collect();
    for i in shared(&labels) {
        labels[i] = format!("{} {}", labels[i], started_minute(&runs[i].started_at));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for i in shared(&labels) {
        let n = seen.entry(labels[i].clone()).or_default();
        *n += 1;
        labels[i] = format!("{} #{n}", labels[i]);
    }
    for (label, given) in labels.iter_mut().zip(given) {
        label.clone_from(given);
    }
    labels
}

/// What a column is called before the runs are compared: the SUT, and the fault it was given.
fn base(run: &Run) -> String {
    match &run.sut.fault {
        Some(fault) => format!("{} (fault {fault})", run.sut.name),
        None => run.sut.name.clone(),
    }
}

/// The indexes, in order, of the labels another label equals.
fn shared(labels: &[String]) -> Vec<usize> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for l in labels {
        *count.entry(l.as_str()).or_default() += 1;
    }
    (0..labels.len()).filter(|&i| count[labels[i].as_str()] > 1).collect()
}

/// `2026-12-04T13:38:38Z` as `2026-12-04 13:38 UTC`; a time in another form as it is.
fn started_minute(started_at: &str) -> String {
    let utc = started_at.ends_with('Z') && started_at.get(10..11) == Some("T");
    match (utc, started_at.get(..10), started_at.get(11..16)) {
        (true, Some(day), Some(minute)) => format!("{day} {minute} UTC"),
        _ => started_at.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, fault: Option<&str>, started_at: &str) -> Run {
        serde_json::from_value(serde_json::json!({
            "schema_version": "1", "tool": { "name": "setconform", "version": "0" }, "started_at": started_at,
            "duration_ms": 0, "seed": 1, "sut": { "name": name, "kind": "external", "fault": fault },
            "profiles": [],
            "summary": { "total": 0, "pass": 0, "fail": 0, "warn": 0, "info": 0,
                         "not_applicable": 0, "error": 0, "timeout": 0, "exit_code": 0 },
            "requirements": [], "scenarios": []
        }))
        .unwrap()
    }

    #[test]
    fn distinct_suts_keep_their_names_and_shared_ones_get_the_minute_they_started() {
        let a = run("acme", None, "2026-12-04T13:38:38Z");
        let b = run("acme", None, "2026-12-04T14:02:05.123Z");
        let c = run("other", Some("success-202"), "2026-12-04T14:02:05Z");
        let labels = columns(&[&a, &b, &c], &[]);
        assert_eq!(labels, ["acme 2026-12-04 13:38 UTC", "acme 2026-12-04 14:02 UTC", "other (fault success-202)"]);
    }

    #[test]
    fn runs_of_one_minute_are_numbered_and_given_labels_win() {
        let a = run("acme", None, "2026-12-04T13:38:38Z");
        let b = run("acme", None, "2026-12-04T13:38:59Z");
        assert_eq!(columns(&[&a, &b], &[]), ["acme 2026-12-04 13:38 UTC #1", "acme 2026-12-04 13:38 UTC #2"]);
        let given = ["before".to_owned(), "after".to_owned()];
        assert_eq!(columns(&[&a, &b], &given), ["before", "after"]);
        assert_eq!(started_minute("2026-12-04T13:38:38+02:00"), "2026-12-04T13:38:38+02:00");
    }
}

//! Comparing two runs of the same catalogue: which scenarios and requirements
//! got worse (regressions), which got better (fixes), and which came or went.

use crate::{Run, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How bad a verdict is for a gate: a softer finding or a waived one does not count.
fn badness(v: Verdict) -> u8 {
    match v {
        Verdict::Pass | Verdict::Info | Verdict::NotApplicable | Verdict::Waived => 0,
        Verdict::Warn => 1,
        Verdict::Timeout | Verdict::Error => 2,
        Verdict::Fail => 3,
    }
}

/// One scenario or requirement whose verdict changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `scenario` or `requirement`.
    pub kind: &'static str,
    pub id: String,
    /// `None`: not in that run.
    pub old: Option<Verdict>,
    pub new: Option<Verdict>,
}

#[derive(Debug, Default)]
pub struct Diff {
    pub regressions: Vec<Change>,
    pub fixes: Vec<Change>,
    /// Other changes: verdicts that moved without crossing a gate, scenarios added or removed.
    pub other: Vec<Change>,
}

impl Diff {
    /// Compares `old` with `new`, scenario by scenario and requirement by requirement.
    pub fn between(old: &Run, new: &Run) -> Diff {
        let mut diff = Diff::default();
        let scenarios = |run: &Run| run.scenarios.iter().map(|s| (s.id.clone(), s.verdict)).collect();
        let requirements = |run: &Run| run.requirements.iter().map(|r| (r.id.clone(), r.verdict)).collect();
        diff.compare("scenario", scenarios(old), scenarios(new));
        diff.compare("requirement", requirements(old), requirements(new));
        diff
    }

    fn compare(&mut self, kind: &'static str, old: BTreeMap<String, Verdict>, new: BTreeMap<String, Verdict>) {
        let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let (o, n) = (old.get(id).copied(), new.get(id).copied());
            if o == n {
                continue;
            }
            let change = Change { kind, id: id.clone(), old: o, new: n };
            // Something that now fails counts as a regression even if it is new.
            let before = o.map_or(0, badness);
            let after = n.map_or(0, badness);
            if after > before {
                self.regressions.push(change);
            } else if after < before && n.is_some() {
                self.fixes.push(change);
            } else {
                self.other.push(change);
            }
        }
    }

    /// Plain text for a console or a CI log.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let word = |v: Option<Verdict>| v.map_or("(absent)", Verdict::as_str);
        for (title, changes) in
            [("regressions", &self.regressions), ("fixes", &self.fixes), ("other changes", &self.other)]
        {
            let _ = writeln!(out, "{title}: {}", changes.len());
            for c in changes {
                let _ = writeln!(out, "  {:<11} {:<60} {} -> {}", c.kind, c.id, word(c.old), word(c.new));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(verdicts: &[(&str, Verdict)]) -> Run {
        let scenarios: Vec<serde_json::Value> = verdicts
            .iter()
            .map(|(id, v)| {
                serde_json::json!({
                    "id": id, "title": id, "profile": "p", "requirements": [], "verdict": v,
                    "duration_ms": 0, "expectations": [], "transcript": []
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema_version": "1", "tool": { "name": "setconform", "version": "0" }, "started_at": "x",
            "duration_ms": 0, "seed": 1, "sut": { "name": "s", "kind": "external" }, "profiles": [],
            "summary": { "total": 0, "pass": 0, "fail": 0, "warn": 0, "info": 0, "not_applicable": 0,
                         "error": 0, "timeout": 0, "exit_code": 0 },
            "requirements": [], "scenarios": scenarios
        }))
        .unwrap()
    }

    #[test]
    fn a_pass_turned_fail_is_a_regression_and_the_reverse_a_fix() {
        let old = run(&[("a", Verdict::Pass), ("b", Verdict::Fail), ("c", Verdict::Info), ("d", Verdict::Pass)]);
        let new = run(&[("a", Verdict::Fail), ("b", Verdict::Pass), ("c", Verdict::Pass), ("e", Verdict::Error)]);
        let d = Diff::between(&old, &new);
        let ids = |c: &[Change]| c.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&d.regressions), ["a", "e"]);
        assert_eq!(ids(&d.fixes), ["b"]);
        assert_eq!(ids(&d.other), ["c", "d"], "INFO to PASS and a removed scenario cross no gate");
        assert!(d.render().contains("regressions: 2"));
    }

    #[test]
    fn a_waived_failure_is_no_regression() {
        let d = Diff::between(&run(&[("a", Verdict::Pass)]), &run(&[("a", Verdict::Waived)]));
        assert!(d.regressions.is_empty());
    }
}

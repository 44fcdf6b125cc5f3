//! Comparing two runs of the same catalogue: which scenarios and requirements
//! got worse (regressions), which got better (fixes), and which came or went.
//!
//! A run that tests less is a regression for a gate too: a scenario that was
//! judged and is now N/A or gone, and a requirement that was covered and is not
//! now, hide whatever they would find. They are listed among the regressions
//! with what was lost, unless the caller accepts the narrowing
//! ([`Narrowing::Accepted`]), which lists them as other changes.

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

/// What a run that tests less lost: why a change is a narrowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// Judged before, N/A now.
    NoLongerJudged,
    /// In the earlier run, not in the later one.
    Gone,
}

/// Whether scenarios and requirements that are no longer tested count as regressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Narrowing {
    /// They are regressions (the default: a gate sees less tested as worse).
    #[default]
    Regression,
    /// They are other changes (`setconform diff --accept-narrowing`).
    Accepted,
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
    /// What the later run no longer tests, if it tests less.
    pub lost: Option<Lost>,
}

impl Change {
    /// What was lost, in words, for a narrowing.
    fn lost_words(&self) -> Option<&'static str> {
        Some(match (self.lost?, self.kind) {
            (Lost::NoLongerJudged, "requirement") => "no longer covered",
            (Lost::NoLongerJudged, _) => "no longer judged",
            (Lost::Gone, "requirement") => "requirement gone",
            (Lost::Gone, _) => "scenario gone",
        })
    }
}

#[derive(Debug, Default)]
pub struct Diff {
    pub regressions: Vec<Change>,
    pub fixes: Vec<Change>,
    /// Other changes: verdicts that moved without crossing a gate, scenarios added,
    /// and (when accepted) what is no longer tested.
    pub other: Vec<Change>,
}

impl Diff {
    /// Compares `old` with `new`, scenario by scenario and requirement by requirement;
    /// what is no longer tested is a regression.
    pub fn between(old: &Run, new: &Run) -> Diff {
        Diff::with(old, new, Narrowing::Regression)
    }

    /// Compares `old` with `new`, counting what is no longer tested as `narrowing` says.
    pub fn with(old: &Run, new: &Run, narrowing: Narrowing) -> Diff {
        let mut diff = Diff::default();
        let scenarios = |run: &Run| run.scenarios.iter().map(|s| (s.id.clone(), s.verdict)).collect();
        let requirements = |run: &Run| run.requirements.iter().map(|r| (r.id.clone(), r.verdict)).collect();
        diff.compare("scenario", scenarios(old), scenarios(new), narrowing);
        diff.compare("requirement", requirements(old), requirements(new), narrowing);
        diff
    }

    fn compare(
        &mut self,
        kind: &'static str,
        old: BTreeMap<String, Verdict>,
        new: BTreeMap<String, Verdict>,
        narrowing: Narrowing,
    ) {
        let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let (o, n) = (old.get(id).copied(), new.get(id).copied());
            if o == n {
                continue;
            }
            let lost = match (o, n) {
                (None | Some(Verdict::NotApplicable), _) => None,
                (Some(_), None) => Some(Lost::Gone),
                (Some(_), Some(Verdict::NotApplicable)) => Some(Lost::NoLongerJudged),
                (Some(_), Some(_)) => None,
            };
            let change = Change { kind, id: id.clone(), old: o, new: n, lost };
            // Something that now fails counts as a regression even if it is new.
            let before = o.map_or(0, badness);
            let after = n.map_or(0, badness);
            if lost.is_some() {
                match narrowing {
                    Narrowing::Regression => self.regressions.push(change),
                    Narrowing::Accepted => self.other.push(change),
                }
            } else if after > before {
                self.regressions.push(change);
            } else if after < before {
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
                let _ = write!(out, "  {:<11} {:<60} {} -> {}", c.kind, c.id, word(c.old), word(c.new));
                let _ = match c.lost_words() {
                    Some(lost) => writeln!(out, " ({lost})"),
                    None => writeln!(out),
                };
            }
        }
        if self.regressions.iter().any(|c| c.lost.is_some()) {
            out.push_str("(what is no longer tested counts as a regression; --accept-narrowing accepts it)\n");
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
        let old = run(&[("a", Verdict::Pass), ("b", Verdict::Fail), ("c", Verdict::Info)]);
        let new = run(&[("a", Verdict::Fail), ("b", Verdict::Pass), ("c", Verdict::Pass), ("e", Verdict::Error)]);
        let d = Diff::between(&old, &new);
        assert_eq!(ids(&d.regressions), ["a", "e"]);
        assert_eq!(ids(&d.fixes), ["b"]);
        assert_eq!(ids(&d.other), ["c"], "INFO to PASS crosses no gate");
        assert!(d.render().contains("regressions: 2"));
    }

    fn ids(changes: &[Change]) -> Vec<String> {
        changes.iter().map(|c| c.id.clone()).collect()
    }

    /// A scenario judged before and N/A or gone now, even a FAIL, is less tested,
    /// not fixed; a scenario N/A before that is gone now lost nothing.
    #[test]
    fn what_is_no_longer_tested_is_a_regression_unless_accepted() {
        let old =
            run(&[("a", Verdict::Pass), ("b", Verdict::Pass), ("c", Verdict::Fail), ("d", Verdict::NotApplicable)]);
        let new = run(&[("a", Verdict::NotApplicable), ("c", Verdict::NotApplicable)]);
        let d = Diff::between(&old, &new);
        assert_eq!(ids(&d.regressions), ["a", "b", "c"]);
        assert!(d.fixes.is_empty());
        assert_eq!(ids(&d.other), ["d"]);
        let text = d.render();
        assert!(text.contains("PASS -> N/A (no longer judged)"), "{text}");
        assert!(text.contains("PASS -> (absent) (scenario gone)"), "{text}");
        assert!(text.contains("--accept-narrowing"), "{text}");

        let accepted = Diff::with(&old, &new, Narrowing::Accepted);
        assert!(accepted.regressions.is_empty() && accepted.fixes.is_empty());
        assert_eq!(ids(&accepted.other), ["a", "b", "c", "d"]);
    }

    /// A requirement covered before and not now is a lost requirement.
    #[test]
    fn a_requirement_no_longer_covered_is_a_regression() {
        let mut old = run(&[]);
        let mut new = run(&[]);
        let requirement = |v: &str| -> crate::RequirementResult {
            serde_json::from_value(serde_json::json!({
                "id": "PUSH-001", "level": "MUST", "verdict": v, "scenarios": []
            }))
            .unwrap()
        };
        old.requirements.push(requirement("PASS"));
        new.requirements.push(requirement("N/A"));
        let d = Diff::between(&old, &new);
        assert_eq!(ids(&d.regressions), ["PUSH-001"]);
        assert!(d.render().contains("PASS -> N/A (no longer covered)"));
        assert_eq!(ids(&Diff::with(&old, &new, Narrowing::Accepted).other), ["PUSH-001"]);
    }

    #[test]
    fn a_waived_failure_is_no_regression() {
        let d = Diff::between(&run(&[("a", Verdict::Pass)]), &run(&[("a", Verdict::Waived)]));
        assert!(d.regressions.is_empty());
    }
}

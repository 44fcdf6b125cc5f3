//! The rule behind a finding: an expectation names its requirement by id, and
//! the run's requirement of that id says what the rule is, at which level,
//! and where the spec states it. Reports show it under each finding.

use crate::{ExpectationResult, RequirementResult, Run, Verdict};
use std::collections::HashMap;

/// The run's requirements by id.
pub(crate) struct Rules<'r>(HashMap<&'r str, &'r RequirementResult>);

impl<'r> Rules<'r> {
    pub(crate) fn of(run: &'r Run) -> Rules<'r> {
        Rules(run.requirements.iter().map(|r| (r.id.as_str(), r)).collect())
    }

    /// The requirement a finding is about: for an expectation found broken,
    /// recorded or waived (FAIL, WARN, INFO, WAIVED) whose requirement the run
    /// lists with its text; `None` for any other.
    pub(crate) fn behind(&self, e: &ExpectationResult) -> Option<&'r RequirementResult> {
        let finding = matches!(e.verdict, Verdict::Fail | Verdict::Warn | Verdict::Info | Verdict::Waived);
        self.0.get(e.requirement.as_str()).copied().filter(|r| finding && !r.text.trim().is_empty())
    }
}

/// Where a requirement's section is stated, as the record names it: the spec
/// and `§section`, when there is a section.
pub(crate) fn citation(r: &RequirementResult) -> String {
    match (r.spec.is_empty(), r.section.is_empty()) {
        (false, false) => format!("{} §{}", r.spec, r.section),
        (false, true) => r.spec.clone(),
        (true, false) => format!("§{}", r.section),
        (true, true) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(id: &str, text: &str) -> RequirementResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "level": "MUST", "spec": "rfc8417", "section": "2.3", "text": text,
            "verdict": "FAIL", "scenarios": []
        }))
        .unwrap()
    }

    fn expectation(req: &str, verdict: &str) -> ExpectationResult {
        serde_json::from_value(serde_json::json!({
            "step": 1, "requirement": req, "verdict": verdict, "expected": "e", "actual": "a"
        }))
        .unwrap()
    }

    #[test]
    fn findings_name_their_rule_and_passes_do_not() {
        let mut run: Run = serde_json::from_str(include_str!("../tests/fixtures/run-mixed.json")).unwrap();
        run.requirements = vec![requirement("SET-021", "the typ is short"), requirement("SET-020", " ")];
        let rules = Rules::of(&run);
        for verdict in ["FAIL", "WARN", "INFO", "WAIVED"] {
            assert_eq!(
                rules.behind(&expectation("SET-021", verdict)).map(|r| r.text.as_str()),
                Some("the typ is short")
            );
        }
        for verdict in ["PASS", "N/A", "ERROR", "TIMEOUT"] {
            assert!(rules.behind(&expectation("SET-021", verdict)).is_none(), "{verdict}");
        }
        assert!(rules.behind(&expectation("SET-099", "FAIL")).is_none(), "a requirement the run does not list");
        assert!(rules.behind(&expectation("SET-020", "FAIL")).is_none(), "a requirement without text");
        assert_eq!(citation(&run.requirements[0]), "rfc8417 §2.3");
    }
}

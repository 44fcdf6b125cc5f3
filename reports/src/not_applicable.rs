//! Why something is N/A: the SUT did not claim it, or it was claimed and
//! cannot be tested here. Both are the one verdict N/A (exit codes and run
//! comparisons read verdicts only); the reports show them apart.

use crate::{ScenarioResult, Verdict};
use serde::{Deserialize, Serialize};

/// The kind of reason an N/A scenario or requirement was not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NaKind {
    /// The SUT does not claim what it takes: the profile, a capability, the
    /// SET profile (or the run left the profile out).
    NotClaimed,
    /// Claimed, but not testable in this run: the SUT cannot be driven to it
    /// (its setup, a missing piece of sut.yaml), it sent nothing the rule
    /// applies to, or the rule cannot be observed from outside.
    CannotTest,
}

impl NaKind {
    pub const ALL: [NaKind; 2] = [NaKind::NotClaimed, NaKind::CannotTest];

    /// A few words for people, after "N/A".
    pub fn label(self) -> &'static str {
        match self {
            NaKind::NotClaimed => "not claimed",
            NaKind::CannotTest => "cannot test",
        }
    }

    /// The N/A kind of a scenario: its own, for an N/A scenario; `None` for
    /// any other verdict, and for a record written before kinds were kept.
    pub fn of(s: &ScenarioResult) -> Option<NaKind> {
        (s.verdict == Verdict::NotApplicable).then_some(s.na_kind).flatten()
    }
}

/// N/A scenarios counted by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NaCounts {
    pub not_claimed: usize,
    pub cannot_test: usize,
    /// N/A with no kind recorded (records from before kinds were kept).
    pub unsaid: usize,
}

impl NaCounts {
    pub fn of(scenarios: &[ScenarioResult]) -> NaCounts {
        let mut c = NaCounts::default();
        for s in scenarios.iter().filter(|s| s.verdict == Verdict::NotApplicable) {
            *match s.na_kind {
                Some(NaKind::NotClaimed) => &mut c.not_claimed,
                Some(NaKind::CannotTest) => &mut c.cannot_test,
                None => &mut c.unsaid,
            } += 1;
        }
        c
    }

    /// The count of one kind.
    pub fn get(&self, kind: NaKind) -> usize {
        match kind {
            NaKind::NotClaimed => self.not_claimed,
            NaKind::CannotTest => self.cannot_test,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_snake_case_words() {
        let words: Vec<String> = NaKind::ALL.iter().map(|k| serde_json::to_string(k).unwrap()).collect();
        assert_eq!(words, ["\"not_claimed\"", "\"cannot_test\""]);
    }
}

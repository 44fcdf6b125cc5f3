//! The verdict vocabulary shared by expectations, scenarios and requirements.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Outcome of one expectation, rolled up per scenario and per requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// The rule was kept.
    #[serde(rename = "PASS")]
    Pass,
    /// A MUST-level rule was broken.
    #[serde(rename = "FAIL")]
    Fail,
    /// A SHOULD-level rule was broken.
    #[serde(rename = "WARN")]
    Warn,
    /// Behaviour recorded where the spec allows several readings, or a MAY.
    #[serde(rename = "INFO")]
    Info,
    /// Not claimed by the profile or the SUT's capabilities.
    #[serde(rename = "N/A")]
    NotApplicable,
    /// The harness could not run it (configuration, unreachable SUT).
    #[serde(rename = "ERROR")]
    Error,
    /// The SUT did not answer within the deadline.
    #[serde(rename = "TIMEOUT")]
    Timeout,
    /// A FAIL or WARN the user expects and has waived, with a reason.
    #[serde(rename = "WAIVED")]
    Waived,
}

impl Verdict {
    pub const ALL: [Verdict; 8] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Warn,
        Verdict::Info,
        Verdict::NotApplicable,
        Verdict::Error,
        Verdict::Timeout,
        Verdict::Waived,
    ];

    /// Rank used for roll-ups: the worst verdict of a group wins.
    /// A broken rule outranks an incomplete run, which outranks softer findings;
    /// a waived finding shows above a note and below anything still open.
    fn severity(self) -> u8 {
        match self {
            Verdict::NotApplicable => 0,
            Verdict::Pass => 1,
            Verdict::Info => 2,
            Verdict::Waived => 3,
            Verdict::Warn => 4,
            Verdict::Timeout => 5,
            Verdict::Error => 6,
            Verdict::Fail => 7,
        }
    }

    /// The worse of two verdicts.
    pub fn worst(self, other: Verdict) -> Verdict {
        if other.severity() > self.severity() { other } else { self }
    }

    /// Roll a group of verdicts up to one; an empty group is `N/A`.
    pub fn roll_up(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        verdicts.into_iter().fold(Verdict::NotApplicable, Verdict::worst)
    }

    /// Whether the run could not judge this (the exit code 3 family).
    pub fn is_incomplete(self) -> bool {
        matches!(self, Verdict::Error | Verdict::Timeout)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Warn => "WARN",
            Verdict::Info => "INFO",
            Verdict::NotApplicable => "N/A",
            Verdict::Error => "ERROR",
            Verdict::Timeout => "TIMEOUT",
            Verdict::Waived => "WAIVED",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_outranks_incomplete_and_soft_findings() {
        assert_eq!(Verdict::roll_up([Verdict::Pass, Verdict::Timeout, Verdict::Fail, Verdict::Info]), Verdict::Fail);
        assert_eq!(Verdict::roll_up([Verdict::Pass, Verdict::Warn, Verdict::Info]), Verdict::Warn);
        assert_eq!(Verdict::roll_up([]), Verdict::NotApplicable);
        assert_eq!(Verdict::roll_up([Verdict::Pass, Verdict::NotApplicable]), Verdict::Pass);
    }

    #[test]
    fn serialises_as_the_documented_words() {
        let words: Vec<String> = Verdict::ALL.iter().map(|v| serde_json::to_string(v).unwrap()).collect();
        assert_eq!(
            words,
            ["\"PASS\"", "\"FAIL\"", "\"WARN\"", "\"INFO\"", "\"N/A\"", "\"ERROR\"", "\"TIMEOUT\"", "\"WAIVED\""]
        );
    }
}

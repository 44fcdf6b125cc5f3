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

    /// What this verdict does to the run it is part of: the one place that
    /// decides which verdicts fail a run. PASS, INFO, N/A and WAIVED never do;
    /// FAIL always does; WARN only with `--fail-on warn`; ERROR and TIMEOUT
    /// leave the run incomplete.
    pub fn outcome(self, fail_on: FailOn) -> Outcome {
        match self {
            Verdict::Fail => Outcome::Failed,
            Verdict::Warn if fail_on == FailOn::Warn => Outcome::Failed,
            Verdict::Error | Verdict::Timeout => Outcome::Incomplete,
            Verdict::Pass | Verdict::Warn | Verdict::Info | Verdict::NotApplicable | Verdict::Waived => {
                Outcome::Conformant
            }
        }
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

/// `--fail-on`: the lowest verdict that fails a run. The Run record keeps it
/// (`fail_on`), so that every rendering shows the run under the same gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Only a broken MUST (FAIL) fails the run.
    #[default]
    Fail,
    /// A broken SHOULD (WARN) fails it too.
    Warn,
}

impl FailOn {
    pub const ALL: [FailOn; 2] = [FailOn::Fail, FailOn::Warn];

    /// The setting's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Fail => "fail",
            FailOn::Warn => "warn",
        }
    }

    pub fn from_name(name: &str) -> Option<FailOn> {
        FailOn::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// How a run ends, from its verdicts; worst last, so that the worst of a
/// run's verdicts is its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing failed and everything applicable was judged.
    Conformant,
    /// Nothing failed, but something could not be judged (ERROR, TIMEOUT), or
    /// nothing was judged at all (every scenario N/A).
    Incomplete,
    /// Something failed (FAIL; WARN with `--fail-on warn`).
    Failed,
}

impl Outcome {
    /// The outcome of a run with these verdicts: failed if any fails it,
    /// else incomplete if any could not be judged, else conformant. A run that
    /// judged nothing (no verdict but N/A) is incomplete: it shows no conformance.
    pub fn of(verdicts: impl IntoIterator<Item = Verdict>, fail_on: FailOn) -> Outcome {
        let mut judged = false;
        let worst = verdicts
            .into_iter()
            .inspect(|v| judged |= *v != Verdict::NotApplicable)
            .map(|v| v.outcome(fail_on))
            .max()
            .unwrap_or(Outcome::Conformant);
        if judged { worst } else { Outcome::Incomplete }
    }

    /// The process exit code for this outcome (DESIGN.md, README).
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Conformant => exit::CONFORMANT,
            Outcome::Failed => exit::FAILED,
            Outcome::Incomplete => exit::INCOMPLETE,
        }
    }
}

/// Exit codes (DESIGN.md, README).
pub mod exit {
    pub const CONFORMANT: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INCOMPLETE: i32 = 3;
    /// A run stopped by SIGINT (128 + 2, as shells report it).
    pub const INTERRUPTED_SIGINT: i32 = 130;
    /// A run stopped by SIGTERM (128 + 15).
    pub const INTERRUPTED_SIGTERM: i32 = 143;
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

    /// Every verdict under every `--fail-on` setting.
    #[test]
    fn what_each_verdict_does_to_the_run() {
        use Outcome::{Conformant, Failed, Incomplete};
        let table = [
            //                     --fail-on fail  --fail-on warn
            (Verdict::Pass, Conformant, Conformant),
            (Verdict::Fail, Failed, Failed),
            (Verdict::Warn, Conformant, Failed),
            (Verdict::Info, Conformant, Conformant),
            (Verdict::NotApplicable, Conformant, Conformant),
            (Verdict::Error, Incomplete, Incomplete),
            (Verdict::Timeout, Incomplete, Incomplete),
            (Verdict::Waived, Conformant, Conformant),
        ];
        assert_eq!(table.len(), Verdict::ALL.len());
        for (verdict, on_fail, on_warn) in table {
            assert_eq!(verdict.outcome(FailOn::Fail), on_fail, "{verdict} with --fail-on fail");
            assert_eq!(verdict.outcome(FailOn::Warn), on_warn, "{verdict} with --fail-on warn");
        }
    }

    #[test]
    fn a_run_is_incomplete_only_when_nothing_failed() {
        let code = |verdicts: &[Verdict], fail_on| Outcome::of(verdicts.iter().copied(), fail_on).exit_code();
        assert_eq!(code(&[Verdict::Pass, Verdict::NotApplicable], FailOn::Fail), exit::CONFORMANT);
        assert_eq!(
            code(&[Verdict::Pass, Verdict::Info, Verdict::Waived, Verdict::Warn], FailOn::Fail),
            exit::CONFORMANT
        );
        assert_eq!(code(&[Verdict::Pass, Verdict::Warn], FailOn::Warn), exit::FAILED);
        assert_eq!(code(&[Verdict::Timeout, Verdict::Pass], FailOn::Fail), exit::INCOMPLETE);
        assert_eq!(code(&[Verdict::Error, Verdict::Fail, Verdict::Timeout], FailOn::Fail), exit::FAILED);
        assert_eq!(code(&[Verdict::Error, Verdict::Warn], FailOn::Fail), exit::INCOMPLETE);
        assert_eq!(code(&[Verdict::Error, Verdict::Warn], FailOn::Warn), exit::FAILED);
    }

    /// Nothing judged is no evidence of conformance.
    #[test]
    fn a_run_that_judged_nothing_is_incomplete() {
        let code = |verdicts: &[Verdict]| Outcome::of(verdicts.iter().copied(), FailOn::Fail).exit_code();
        assert_eq!(code(&[]), exit::INCOMPLETE);
        assert_eq!(code(&[Verdict::NotApplicable, Verdict::NotApplicable]), exit::INCOMPLETE);
        assert_eq!(code(&[Verdict::NotApplicable, Verdict::Info]), exit::CONFORMANT);
        assert_eq!(code(&[Verdict::NotApplicable, Verdict::Waived]), exit::CONFORMANT);
    }

    #[test]
    fn fail_on_names_read_back() {
        for f in FailOn::ALL {
            assert_eq!(FailOn::from_name(f.as_str()), Some(f));
        }
        assert_eq!(FailOn::from_name("info"), None);
        assert_eq!(serde_json::to_string(&FailOn::Warn).unwrap(), "\"warn\"");
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

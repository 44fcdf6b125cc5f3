//! What a run's exit code means, said once for every rendering (console,
//! summary.md, report.html), so that none of them tells a gate's result other
//! than the exit code does: under `--fail-on warn` warnings are why a run
//! failed, and a run that judged nothing is no evidence of conformance.

use crate::Run;
use crate::verdict::{FailOn, exit};

/// The run's outcome as its reports state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline {
    /// Exit 0: nothing failed, every applicable scenario judged.
    Conformant,
    /// Exit 1: `must` scenarios FAIL; `warnings` scenarios WARN and the run fails on them.
    Failed { must: usize, warnings: usize },
    /// Exit 3: `unjudged` scenarios ended in ERROR or TIMEOUT.
    Incomplete { unjudged: usize },
    /// Exit 3: every one of the run's `total` scenarios is N/A.
    NothingJudged { total: usize },
    /// Exit 130 or 143: a signal stopped the run before it ended.
    Interrupted { signal: crate::StopSignal },
    /// An exit code a run does not end with.
    Other(i32),
}

impl Headline {
    pub fn of(run: &Run) -> Headline {
        let s = &run.summary;
        if let Some(cut) = &run.interrupted {
            return Headline::Interrupted { signal: cut.signal };
        }
        match s.exit_code {
            exit::CONFORMANT => Headline::Conformant,
            exit::FAILED => {
                let warnings = if run.fail_on == FailOn::Warn { s.warn } else { 0 };
                Headline::Failed { must: s.fail, warnings }
            }
            exit::INCOMPLETE if s.error + s.timeout == 0 && s.not_applicable == s.total => {
                Headline::NothingJudged { total: s.total }
            }
            exit::INCOMPLETE => Headline::Incomplete { unjudged: s.error + s.timeout },
            code => Headline::Other(code),
        }
    }

    /// One word for it: `Conformant`, `Failed`, `Incomplete`, `Nothing judged`.
    pub fn word(self) -> String {
        match self {
            Headline::Conformant => "Conformant".into(),
            Headline::Failed { .. } => "Failed".into(),
            Headline::Incomplete { .. } => "Incomplete".into(),
            Headline::NothingJudged { .. } => "Nothing judged".into(),
            Headline::Interrupted { .. } => "Interrupted".into(),
            Headline::Other(code) => format!("Exit code {code}"),
        }
    }

    /// Why, in a sentence.
    pub fn reason(self) -> String {
        match self {
            Headline::Conformant => "no MUST-level rule broken, every applicable scenario judged".into(),
            Headline::Failed { must, warnings: 0 } => format!("{must} scenario(s) break a MUST-level rule"),
            Headline::Failed { must: 0, warnings } => {
                format!("{warnings} scenario(s) break a SHOULD-level rule, and the run fails on them (--fail-on warn)")
            }
            Headline::Failed { must, warnings } => format!(
                "{must} scenario(s) break a MUST-level rule, {warnings} a SHOULD-level rule (the run fails on both: --fail-on warn)"
            ),
            Headline::Incomplete { unjudged } => format!("{unjudged} scenario(s) could not be judged"),
            Headline::NothingJudged { total } => {
                format!("all {total} scenario(s) are N/A: no rule was judged, so nothing shows conformance")
            }
            Headline::Interrupted { signal } => {
                format!("{} stopped the run before it ended; it cannot certify the SUT", signal.name())
            }
            Headline::Other(_) => "the run did not complete".into(),
        }
    }
}

/// What a run fails on, as its reports say it.
pub fn gate(fail_on: FailOn) -> &'static str {
    match fail_on {
        FailOn::Fail => "FAIL (a broken MUST)",
        FailOn::Warn => "FAIL or WARN (--fail-on warn)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(exit_code: i32, fail_on: FailOn, counts: [usize; 4]) -> Run {
        let [fail, warn, not_applicable, error] = counts;
        let total = fail + warn + not_applicable + error;
        serde_json::from_value(serde_json::json!({
            "schema_version": "1", "tool": { "name": "setconform", "version": "0" }, "started_at": "x",
            "duration_ms": 0, "seed": 1, "sut": { "name": "s", "kind": "external" }, "profiles": [],
            "fail_on": fail_on,
            "summary": { "total": total, "pass": 0, "fail": fail, "warn": warn, "info": 0,
                         "not_applicable": not_applicable, "error": error, "timeout": 0, "exit_code": exit_code },
            "requirements": [], "scenarios": []
        }))
        .unwrap()
    }

    #[test]
    fn warnings_fail_a_run_only_under_their_gate() {
        let h = Headline::of(&run(1, FailOn::Warn, [0, 2, 0, 0]));
        assert_eq!(h, Headline::Failed { must: 0, warnings: 2 });
        assert!(h.reason().contains("--fail-on warn"));
        assert_eq!(Headline::of(&run(1, FailOn::Fail, [1, 2, 0, 0])), Headline::Failed { must: 1, warnings: 0 });
    }

    #[test]
    fn every_scenario_n_a_is_nothing_judged_not_incomplete_by_errors() {
        assert_eq!(Headline::of(&run(3, FailOn::Fail, [0, 0, 5, 0])), Headline::NothingJudged { total: 5 });
        assert_eq!(Headline::of(&run(3, FailOn::Fail, [0, 0, 5, 1])), Headline::Incomplete { unjudged: 1 });
        assert_eq!(Headline::of(&run(0, FailOn::Fail, [0, 0, 5, 0])).word(), "Conformant", "as the record says");
    }

    #[test]
    fn a_signal_outranks_every_verdict() {
        let mut cut = run(143, FailOn::Fail, [1, 0, 2, 1]);
        cut.interrupted = Some(crate::Interruption { signal: crate::StopSignal::Terminate, not_started: vec![] });
        let h = Headline::of(&cut);
        assert_eq!(h, Headline::Interrupted { signal: crate::StopSignal::Terminate });
        assert_eq!(h.word(), "Interrupted");
        assert!(h.reason().contains("SIGTERM"));
    }
}

//! A scenario the SUT dropped out of: once the SUT could not be reached, or
//! the trigger failed to make it act, what the scenario judged before then is
//! no finding on the SUT. A SET that never arrived may have been lost with
//! the SUT, not withheld by it; the report says ERROR (DESIGN.md, Verdicts:
//! the harness could not run it), never FAIL or WARN.

use super::clip;
use setconform_reports::{ExpectationResult, Verdict};

/// Turns every FAIL and WARN among `expectations` into ERROR, saying it was
/// not judged because of `why` (e.g. "the SUT could not be reached") and
/// keeping what was seen. PASS and INFO stand: nothing was held against the SUT.
pub fn not_judged_after_stop(expectations: &mut [ExpectationResult], why: &str) {
    for e in expectations.iter_mut().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)) {
        e.verdict = Verdict::Error;
        e.actual = clip(format!("not judged: {why} later in the scenario; seen until then: {}", e.actual));
        // No longer a violation, softened by an ambiguity or not.
        e.ambiguity = None;
        e.broken = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(verdict: Verdict, actual: &str) -> ExpectationResult {
        ExpectationResult {
            step: 3,
            requirement: "MSP-019".into(),
            verdict,
            expected: "the SETs received in step 2, not yet answered, delivered again".into(),
            actual: actual.into(),
            ambiguity: Some("AMB-11".into()),
            waiver: None,
            broken: true,
            check: Some("redelivered".into()),
            expectation: Some(1),
            exchange: None,
        }
    }

    #[test]
    fn fail_and_warn_become_error_naming_the_stop_and_keeping_what_was_seen() {
        let mut results = vec![
            result(Verdict::Fail, "no unanswered SETs were received in step 2 to look for"),
            result(Verdict::Warn, "1 of 2 not delivered again: a"),
            result(Verdict::Pass, "all 2 delivered again"),
            result(Verdict::Info, "not judged: no keys"),
        ];
        not_judged_after_stop(&mut results, "the SUT could not be reached");
        let verdicts: Vec<Verdict> = results.iter().map(|r| r.verdict).collect();
        assert_eq!(verdicts, [Verdict::Error, Verdict::Error, Verdict::Pass, Verdict::Info]);
        assert_eq!(
            results[0].actual,
            "not judged: the SUT could not be reached later in the scenario; \
             seen until then: no unanswered SETs were received in step 2 to look for"
        );
        assert!(results[1].actual.ends_with("seen until then: 1 of 2 not delivered again: a"), "{}", results[1].actual);
        assert_eq!((results[0].ambiguity.as_deref(), results[1].ambiguity.as_deref()), (None, None));
        assert!(!results[0].broken && !results[1].broken, "an ERROR is no broken rule");
        assert_eq!(results[2].actual, "all 2 delivered again");
        assert_eq!(results[3].actual, "not judged: no keys");
        assert_eq!(results[0].expected, result(Verdict::Fail, "").expected, "what was expected stays");
    }
}

//! The one judge: what a check saw becomes a verdict here and nowhere else.
//!
//! A [`Judgement`] says, for one requirement, what was expected, what was
//! seen, and whether the rule was kept. [`Judge`] turns it into an
//! [`ExpectationResult`]: a kept rule is PASS, a broken one takes the
//! verdict of the requirement's level (MUST → FAIL, SHOULD → WARN, MAY →
//! INFO), softened to INFO (or WARN) where the expectation cites an ambiguity
//! (AMB-nn). The same judge serves scenario steps, the SET content rules
//! judged after a scenario, and both sides of a pairing. [`requirements`]
//! rolls the results up per requirement for the Run record.

pub mod requirements;
mod stopped;

pub use stopped::not_judged_after_stop;

use crate::catalogue::{Catalogue, Soften};
use crate::set::SetProfile;
use setconform_reports::{ExpectationResult, Verdict};

/// Longest `expected` / `actual` text kept in a report: SUT-controlled text is bounded.
const MAX_TEXT: usize = 2000;

/// Whether a rule was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    Kept,
    Broken,
    /// Kept, with something worth recording (INFO whatever the level).
    Noted,
    /// The rule could not be judged from what the SUT gave (INFO whatever
    /// the level): nothing was found broken, but nothing was shown kept either.
    NotJudged,
    /// The harness could not apply the rule (ERROR): its own failure, not the SUT's.
    HarnessFailed,
    /// The rule belongs to a SET profile the SUT does not claim (N/A): not judged.
    OutOfProfile,
}

/// A check's result for one requirement.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub req: String,
    /// The step it belongs to (1 = first).
    pub step: usize,
    pub expected: String,
    pub actual: String,
    pub finding: Finding,
    /// The transcript exchange (its `seq`) that holds the one message judged, if one was.
    pub exchange: Option<usize>,
}

impl Judgement {
    /// From a check's outcome: `Ok` kept, `Err` broken, each with what was seen.
    pub fn of(req: String, step: usize, expected: String, outcome: Result<String, String>) -> Judgement {
        let (finding, actual) = match outcome {
            Ok(a) => (Finding::Kept, a),
            Err(a) => (Finding::Broken, a),
        };
        Judgement { req, step, expected, actual, finding, exchange: None }
    }

    /// This judgement set aside when its requirement belongs to a SET profile
    /// the SUT does not claim (N/A, with why); otherwise unchanged.
    pub fn within(self, catalogue: &Catalogue, claimed: SetProfile) -> Judgement {
        match catalogue.requirements.get(&self.req).and_then(|r| r.outside(claimed)) {
            Some(why) => Judgement { actual: why, finding: Finding::OutOfProfile, ..self },
            None => self,
        }
    }

    /// A rule that could not be judged, and why: INFO, its text "not judged: <why>".
    pub fn not_judged(req: String, step: usize, expected: String, why: &str) -> Judgement {
        Judgement {
            req,
            step,
            expected,
            actual: format!("not judged: {why}"),
            finding: Finding::NotJudged,
            exchange: None,
        }
    }
}

/// How an expectation reads a broken rule: by the requirement's level, or
/// softened under an ambiguity.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading<'e> {
    pub amb: Option<&'e str>,
    pub soften_to: Option<Soften>,
    /// The check is a heuristic: a violation is INFO whatever the level.
    pub heuristic: bool,
}

impl<'e> Reading<'e> {
    /// How `e` reads what its check finds broken.
    pub fn of(e: &'e crate::catalogue::Expectation) -> Reading<'e> {
        Reading { amb: e.amb.as_deref(), soften_to: e.soften_to, heuristic: e.heuristic }
    }
}

/// Level → verdict, for the requirements of one catalogue.
#[derive(Clone, Copy)]
pub struct Judge<'c> {
    catalogue: &'c Catalogue,
}

impl<'c> Judge<'c> {
    pub fn new(catalogue: &'c Catalogue) -> Judge<'c> {
        Judge { catalogue }
    }

    /// The verdict of `j` as `reading` takes it.
    pub fn verdict(&self, j: &Judgement, reading: Reading<'_>) -> Verdict {
        match (j.finding, reading.amb) {
            (Finding::Kept, _) => Verdict::Pass,
            (Finding::Noted | Finding::NotJudged, _) => Verdict::Info,
            (Finding::HarnessFailed, _) => Verdict::Error,
            (Finding::OutOfProfile, _) => Verdict::NotApplicable,
            (Finding::Broken, _) if reading.heuristic => Verdict::Info,
            (Finding::Broken, Some(_)) => match reading.soften_to {
                Some(Soften::Warn) => Verdict::Warn,
                Some(Soften::Info) | None => Verdict::Info,
            },
            // A requirement the catalogue lacks is the harness's own fault.
            (Finding::Broken, None) => {
                self.catalogue.requirements.get(&j.req).map_or(Verdict::Error, |r| r.level.violation_verdict())
            }
        }
    }

    /// The judged result of `j` for the expectation `e` at `position` (1 = first)
    /// of its step: read as `e` reads it, naming its check and position.
    pub fn result_for(&self, j: Judgement, e: &crate::catalogue::Expectation, position: usize) -> ExpectationResult {
        let check: &'static str = (&e.check).into();
        ExpectationResult {
            check: Some(check.to_owned()),
            expectation: Some(position),
            ..self.result(j, Reading::of(e))
        }
    }

    /// The judged result of `j`, its texts bounded.
    pub fn result(&self, j: Judgement, reading: Reading<'_>) -> ExpectationResult {
        let verdict = self.verdict(&j, reading);
        let broken = j.finding == Finding::Broken;
        ExpectationResult {
            step: j.step,
            requirement: j.req,
            verdict,
            expected: clip(j.expected),
            actual: clip(j.actual),
            ambiguity: reading.amb.filter(|_| broken).map(str::to_owned),
            waiver: None,
            broken,
            check: None,
            expectation: None,
            exchange: j.exchange,
        }
    }
}

/// A scenario's verdict: the worst of its expectations and of what stopped it
/// early. A scenario that ran and judged nothing wrong is PASS, never N/A; one
/// that ran to its end and judged nothing at all is INFO (not judged), never PASS.
pub fn scenario_verdict(expectations: &[ExpectationResult], stopped: Option<Verdict>) -> Verdict {
    if expectations.is_empty() && stopped.is_none() {
        return Verdict::Info;
    }
    match Verdict::roll_up(expectations.iter().map(|e| e.verdict).chain(stopped)) {
        Verdict::NotApplicable => Verdict::Pass,
        v => v,
    }
}

fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        None => text,
        Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sut_text_is_cut_on_a_char_boundary() {
        let long = "ü".repeat(MAX_TEXT + 10);
        let c = clip(long);
        assert!(c.starts_with(&"ü".repeat(MAX_TEXT)) && c.ends_with("(20 more bytes)"), "{}", &c[c.len() - 30..]);
        assert_eq!(clip("short".into()), "short");
    }

    #[test]
    fn a_broken_rule_takes_its_level_or_its_ambiguity() {
        let catalogue = Catalogue::load(crate::catalogue::Origin::Embedded).expect("the embedded catalogue loads");
        let judge = Judge::new(&catalogue);
        let broken = |req: &str| Judgement::of(req.into(), 1, "x".into(), Err("y".into()));
        let must = catalogue.requirements.values().find(|r| r.level.violation_verdict() == Verdict::Fail).unwrap();
        let should = catalogue.requirements.values().find(|r| r.level.violation_verdict() == Verdict::Warn).unwrap();
        assert_eq!(judge.verdict(&broken(&must.id), Reading::default()), Verdict::Fail);
        assert_eq!(judge.verdict(&broken(&should.id), Reading::default()), Verdict::Warn);
        assert_eq!(judge.verdict(&broken("NO-SUCH-REQ"), Reading::default()), Verdict::Error);
        let amb = Reading { amb: Some("AMB-01"), ..Reading::default() };
        assert_eq!(judge.verdict(&broken(&must.id), amb), Verdict::Info);
        let warn = Reading { amb: Some("AMB-01"), soften_to: Some(Soften::Warn), heuristic: false };
        assert_eq!(judge.verdict(&broken(&must.id), Reading { heuristic: true, ..Reading::default() }), Verdict::Info);
        assert_eq!(judge.verdict(&broken(&must.id), warn), Verdict::Warn);
        let kept = Judgement::of(must.id.clone(), 1, "x".into(), Ok("y".into()));
        assert_eq!(judge.verdict(&kept, amb), Verdict::Pass);
        let result = judge.result(broken(&must.id), amb);
        assert_eq!(result.ambiguity.as_deref(), Some("AMB-01"));
        assert_eq!(judge.result(kept, amb).ambiguity, None);
    }

    #[test]
    fn a_scenario_is_its_worst_expectation_and_never_not_applicable() {
        let na = ExpectationResult {
            step: 1,
            requirement: "X".into(),
            verdict: Verdict::NotApplicable,
            expected: String::new(),
            actual: String::new(),
            ambiguity: None,
            waiver: None,
            broken: false,
            check: None,
            expectation: None,
            exchange: None,
        };
        assert_eq!(scenario_verdict(&[na], None), Verdict::Pass);
        assert_eq!(scenario_verdict(&[], Some(Verdict::Timeout)), Verdict::Timeout);
    }

    #[test]
    fn a_scenario_that_judged_nothing_is_info_never_pass() {
        assert_eq!(scenario_verdict(&[], None), Verdict::Info);
    }

    #[test]
    fn a_rule_not_judged_is_info_and_a_harness_failure_is_error_whatever_the_level() {
        let catalogue = Catalogue::load(crate::catalogue::Origin::Embedded).expect("the embedded catalogue loads");
        let judge = Judge::new(&catalogue);
        let must = catalogue.requirements.values().find(|r| r.level.violation_verdict() == Verdict::Fail).unwrap();
        let unjudged = Judgement::not_judged(must.id.clone(), 1, "x".into(), "no keys");
        assert_eq!(unjudged.actual, "not judged: no keys");
        assert_eq!(judge.verdict(&unjudged, Reading::default()), Verdict::Info);
        let failed = Judgement { finding: Finding::HarnessFailed, ..unjudged };
        assert_eq!(judge.verdict(&failed, Reading::default()), Verdict::Error);
    }
}

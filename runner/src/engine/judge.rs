//! Judgement: a check's result becomes a verdict through the level of the
//! requirement it names, softened where an ambiguity (AMB-nn) applies.

use super::context::Context;
use super::expect::Judgement;
use crate::catalogue::{Expectation, Soften};
use setconform_reports::{ExpectationResult, Verdict};

pub fn judge(ctx: &Context<'_>, e: &Expectation, judgements: Vec<Judgement>) -> Vec<ExpectationResult> {
    judgements
        .into_iter()
        .map(|j| {
            let verdict = if j.kept {
                Verdict::Pass
            } else if e.amb.is_some() {
                match e.soften_to {
                    Some(Soften::Warn) => Verdict::Warn,
                    Some(Soften::Info) | None => Verdict::Info,
                }
            } else {
                ctx.env.catalogue.requirements.get(&j.req).map_or(Verdict::Error, |r| r.level.violation_verdict())
            };
            ExpectationResult {
                step: ctx.step,
                requirement: j.req,
                verdict,
                expected: j.expected,
                actual: j.actual,
                ambiguity: if j.kept { None } else { e.amb.clone() },
            }
        })
        .collect()
}

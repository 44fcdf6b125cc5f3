//! Judgement: a check's result becomes a verdict through the level of the
//! requirement it names, softened where an ambiguity (AMB-nn) applies.

use super::context::Context;
use super::expect::Judgement;
use crate::catalogue::{Expectation, Soften};
use setconform_reports::{ExpectationResult, Verdict};

/// Longest `expected` / `actual` text kept in a report: SUT-controlled text is bounded.
const MAX_TEXT: usize = 2000;

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
                expected: clip(j.expected),
                actual: clip(j.actual),
                ambiguity: if j.kept { None } else { e.amb.clone() },
                waiver: None,
            }
        })
        .collect()
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
}

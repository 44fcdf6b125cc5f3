//! The content of every SET the SUT sent in a scenario, judged after its last
//! step by the rules of [`crate::set::content`], one judgement per rule. A jti
//! is held unique per issuer across the whole run.

use super::checks::list;
use super::context::Context;
use crate::judge::{Finding, Judgement};
use crate::set::SetProfile;
use crate::set::content::{self, Emitted};

/// The check name of these judgements in a run record: no step lists them.
pub const CHECK: &str = "set_content";

/// One judgement per rule over every SET the SUT sent in the scenario (none
/// when it sent none).
pub fn judge(ctx: &Context<'_>) -> Vec<Judgement> {
    let emitted = &ctx.ledger.emitted;
    if emitted.is_empty() {
        return Vec::new();
    }
    let profile = ctx.set_profile;
    let carriers = &ctx.ledger.carriers;
    let sets = emitted.iter().map(|(key, token, step, message)| Emitted {
        key,
        token,
        step: *step,
        exchange: carriers.get(message).copied(),
    });
    let reused = |token: &str| reused_jti(ctx, token);
    let last_step = emitted.iter().map(|(_, _, s, _)| *s).max().unwrap_or(1);
    let count = emitted.len();
    content::judge(sets, &ctx.session.sut_trust, profile, reused)
        .into_iter()
        .map(|rule| {
            let expected = expected(rule.req, profile);
            // A breach decides; short of one, a rule the harness could not apply, or
            // could not judge on every SET, is not shown kept.
            let (finding, step, actual) = if let Some(step) = rule.problem_step {
                (Finding::Broken, step, list(rule.problems.iter().cloned()))
            } else if let Some(step) = rule.failure_step {
                (Finding::HarnessFailed, step, list(rule.failures.iter().cloned()))
            } else if let Some(step) = rule.unjudged_step {
                (Finding::NotJudged, step, not_judged(&rule, count))
            } else if let Some(step) = rule.remark_step {
                (Finding::Noted, step, list(rule.remarks.iter().cloned()))
            } else {
                (Finding::Kept, last_step, format!("{count} SETs checked, none breaks it"))
            };
            let exchange = rule.problem_exchange.filter(|_| finding == Finding::Broken);
            Judgement { req: rule.req.to_owned(), step, expected, actual, finding, exchange }
        })
        .collect()
}

/// The expected text of rule `req`'s judgement: what every SET of the scenario
/// is expected to show, and what judges it (RFC 8417, or the SET profile).
fn expected(req: &str, profile: SetProfile) -> String {
    let source =
        if req.starts_with("SET-") { "RFC 8417".to_owned() } else { format!("SET profile {}", profile.name()) };
    format!("in every SET the SUT sent in this scenario: {} ({source})", expects(req))
}

/// What every SET is expected to show under `req`, as [`crate::set::expectation`] states it.
pub(crate) fn expects(req: &str) -> &'static str {
    crate::set::expectation(req).unwrap_or("no breach the SET inspector can find")
}

/// Why a rule was not judged, and on how many of the scenario's SETs.
fn not_judged(rule: &content::RuleFindings, count: usize) -> String {
    format!("not judged: {} ({} of {count} SETs)", rule.unjudged.join("; "), rule.unjudged_sets)
}

/// The scenario that first saw this SET's jti with other claims from the same issuer.
fn reused_jti(ctx: &Context<'_>, token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let claims = crate::set::decode_claims(token)?;
    let issuer = claims.get("iss")?.as_str()?;
    let jti = claims.get("jti")?.as_str()?;
    ctx.env.jtis.record(issuer, jti, payload, &ctx.scenario_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::{INSPECTED_REQUIREMENTS, every_set_rules, expectation};

    /// Every rule judged on SET content, under any SET profile, and every rule the inspector judges.
    fn content_rules() -> Vec<&'static str> {
        every_set_rules(SetProfile::CaepInterop).chain(INSPECTED_REQUIREMENTS).collect()
    }

    #[test]
    fn every_content_rule_states_what_it_expects_not_its_id() {
        let rules = content_rules();
        assert!(rules.len() > 50, "{rules:?}");
        for id in &rules {
            let phrase = expectation(id).unwrap_or_else(|| panic!("{id} has no expectation phrase"));
            assert!(!phrase.trim().is_empty(), "{id}");
            for text in [expected(id, SetProfile::CaepInterop), super::super::checks::sets::expected(id)] {
                assert!(!text.contains(id), "{id}: {text}");
                assert!(!text.contains("keeps"), "{id}: {text}");
                assert!(text.contains(phrase), "{id}: {text}");
            }
            // A phrase names no other rule either: it says what is expected.
            assert!(rules.iter().all(|other| !phrase.contains(other)), "{id}: {phrase}");
        }
    }
}

//! The content of every SET the SUT sent in a scenario, judged after its last
//! step, whatever the binding (RFC 8417): the same rules for a SET in a
//! pushpull object, a push body, a multi-SET batch, a poll response or a
//! WebSocket message. A jti is held unique per issuer across the whole run.

use super::context::Context;
use crate::set::{decode_claims, inspect, judge_profile};
use setconform_reports::{ExpectationResult, Verdict};
use std::collections::BTreeMap;

/// The RFC 8417 rules judged on every SET a SUT sends, and where in the SET
/// each one looks (a JSON pointer into the claims, or into the JOSE header).
pub(crate) const RULES: [(&str, &str); 14] = [
    ("SET-001", "(token)"),
    ("SET-002", "/events"),
    ("SET-003", "/events"),
    ("SET-004", "/events"),
    ("SET-005", "/events"),
    ("SET-010", "/iss"),
    ("SET-011", "/iat"),
    ("SET-012", "/jti"),
    ("SET-013", "/aud"),
    ("SET-015", "/exp"),
    ("SET-017", "/txn"),
    ("SET-018", "/toe"),
    ("SET-020", "header /typ"),
    ("SET-021", "header /typ"),
];
/// Problems named in one expectation before the rest is counted.
const SHOWN: usize = 5;

/// One expectation per rule over every SET the SUT sent in the scenario
/// (none when it sent none), and the rules judged.
pub fn judge(ctx: &Context<'_>) -> (Vec<ExpectationResult>, Vec<String>) {
    if ctx.emitted.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // The step of the first problem with each rule, and the problems themselves.
    let mut problems: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    let mut note = |req: &'static str, step: usize, text: String| {
        let entry = problems.entry(req).or_insert((step, Vec::new()));
        entry.1.push(text);
    };
    // Kept rules with something worth reporting (INFO): the step of the first, and the remarks.
    let mut remarks: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    // The content profile's rules (SSF, CAEP, subject identifiers), in the order they first apply.
    let mut profile_rules: Vec<&'static str> = Vec::new();
    let profile = ctx.env.sut.set_profile;
    // A SET delivered again, byte for byte, is judged once.
    let mut judged = std::collections::HashSet::new();
    for (key, token, step) in ctx.emitted.iter().filter(|(k, t, _)| judged.insert((k, t))) {
        let header = token.split('.').next().and_then(crate::set::decode_header);
        if let (Some(header), Some(claims)) = (header, decode_claims(token)) {
            for f in judge_profile(profile, &header, &claims, &ctx.sut_trust) {
                if !profile_rules.contains(&f.req) && !RULES.iter().any(|(r, _)| *r == f.req) {
                    profile_rules.push(f.req);
                }
                if let Some(problem) = f.problem {
                    note(f.req, *step, format!("{key} {}: {problem}", f.at));
                }
                if let Some(remark) = f.note {
                    remarks.entry(f.req).or_insert((*step, Vec::new())).1.push(format!("{key} {}: {remark}", f.at));
                }
            }
        }
        for f in inspect(key, token, &ctx.sut_trust) {
            if let Some((req, at)) = RULES.iter().find(|(r, _)| *r == f.req) {
                note(req, *step, format!("{key} {at}: {}", f.detail));
            }
        }
        if let Some(reused_in) = reused_jti(ctx, token) {
            note("SET-012", *step, format!("{key} /jti: the same jti carried other claims in {reused_in}"));
        }
    }
    let last_step = ctx.emitted.iter().map(|(_, _, s)| *s).max().unwrap_or(1);
    let count = ctx.emitted.len();
    let rules: Vec<&str> = RULES.iter().map(|(r, _)| *r).chain(profile_rules).collect();
    let source = |req: &str| {
        if req.starts_with("SET-") { "RFC 8417".to_owned() } else { format!("SET profile {}", profile.name()) }
    };
    let results = rules
        .iter()
        .map(|req| {
            let expected = format!("every SET the SUT sent in this scenario keeps {req} ({})", source(req));
            match problems.get(req) {
                None if remarks.contains_key(req) => {
                    let (step, found) = &remarks[req];
                    ExpectationResult {
                        step: *step,
                        requirement: (*req).to_owned(),
                        verdict: Verdict::Info,
                        expected,
                        actual: shown(found),
                        ambiguity: None,
                        waiver: None,
                    }
                }
                None => ExpectationResult {
                    step: last_step,
                    requirement: (*req).to_owned(),
                    verdict: Verdict::Pass,
                    expected,
                    actual: format!("{count} SETs checked, none breaks it"),
                    ambiguity: None,
                    waiver: None,
                },
                Some((step, found)) => {
                    let level = ctx.env.catalogue.requirements.get(*req).map(|r| r.level.violation_verdict());
                    ExpectationResult {
                        step: *step,
                        requirement: (*req).to_owned(),
                        verdict: level.unwrap_or(Verdict::Error),
                        expected,
                        actual: shown(found),
                        ambiguity: None,
                        waiver: None,
                    }
                }
            }
        })
        .collect();
    (results, rules.iter().map(|r| (*r).to_owned()).collect())
}

/// The first few findings, and how many more there were.
fn shown(found: &[String]) -> String {
    let more = found.len().saturating_sub(SHOWN);
    let mut actual = found.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
    if more > 0 {
        actual.push_str(&format!("; and {more} more"));
    }
    actual
}

/// The scenario that first saw this SET's jti with other claims from the same issuer.
fn reused_jti(ctx: &Context<'_>, token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let claims = crate::set::decode_claims(token)?;
    let issuer = claims.get("iss")?.as_str()?;
    let jti = claims.get("jti")?.as_str()?;
    ctx.env.jtis.record(issuer, jti, payload, &ctx.scenario_id)
}

//! The rules judged on the content of every SET a SUT sends, whatever the
//! binding (RFC 8417, and the content profile's SSF, CAEP and subject
//! identifier rules), and the judging of a scenario's SETs against them.

use super::{SetProfile, SetTrust, decode_claims, decode_header, inspect, judge_profile};
use std::collections::BTreeMap;

/// One RFC 8417 rule judged on every SET a SUT sends.
#[derive(Debug, Clone, Copy)]
pub struct ContentRule {
    pub id: &'static str,
    /// Where in the SET it looks: a JSON pointer into the claims, or into the JOSE header.
    pub at: &'static str,
    /// What every SET is expected to show, in words a finding can state.
    pub expects: &'static str,
}

const fn rule(id: &'static str, at: &'static str, expects: &'static str) -> ContentRule {
    ContentRule { id, at, expects }
}

/// The RFC 8417 rules judged on every SET a SUT sends (RFC 8417 §2, §2.2, §2.3).
pub const RULES: [ContentRule; 14] = [
    rule(
        "SET-001",
        "(token)",
        "it is a compact JWS (unsecured, or signed and verified with the SUT's keys) or a well-formed compact JWE",
    ),
    rule("SET-002", "/events", "the `events` claim is a JSON object holding at least one event"),
    rule("SET-003", "/events", "every member of `events` is named by an event-type URI and holds an object"),
    rule(
        "SET-004",
        "/events",
        "an event with nothing more to say holds `{}`, not null, a boolean or an empty string or array",
    ),
    rule("SET-005", "/events", "no event-type URI occurs twice in `events`"),
    rule("SET-010", "/iss", "an `iss` claim is present, a string naming the SUT as the issuer"),
    rule("SET-011", "/iat", "an `iat` claim is present, a NumericDate (seconds) that is a plausible issue time"),
    rule(
        "SET-012",
        "/jti",
        "a string `jti` claim is present, and the issuer never used it for a SET with other claims",
    ),
    rule(
        "SET-013",
        "/aud",
        "`aud` names at least one recipient, as a string or an array of strings, the harness among them when its audience is known",
    ),
    rule("SET-015", "/exp", "no `exp` claim"),
    rule("SET-017", "/txn", "a `txn` claim, when present, is a string"),
    rule("SET-018", "/toe", "a `toe` claim, when present, is a NumericDate"),
    rule("SET-020", "header /typ", "the JOSE header carries `typ`, marking the JWT explicitly as a SET"),
    rule(
        "SET-021",
        "header /typ",
        "a `typ` in the JOSE header is `secevent+jwt`, the short form without `application/`",
    ),
];

/// The SETs [`RULES`] apply to, under every SET profile: each is judged on
/// every SET, whatever its events and subject (RFC 8417 §2).
pub const APPLIES_WHEN: &str = "every SET the SUT sends";

/// The ids of [`RULES`].
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// A SET the SUT sent: its key in the message, its compact form, the step,
/// and the transcript exchange that carried it, if known.
pub struct Emitted<'a> {
    pub key: &'a str,
    pub token: &'a str,
    pub step: usize,
    pub exchange: Option<usize>,
}

/// What one rule found over all the SETs of a scenario.
#[derive(Debug, Default)]
pub struct RuleFindings {
    pub req: &'static str,
    /// Breaches, each naming the SET and where in it; and the step of the
    /// first, and the exchange that carried it.
    pub problems: Vec<String>,
    pub problem_step: Option<usize>,
    pub problem_exchange: Option<usize>,
    /// Remarks on a kept rule worth recording (INFO); and the step of the first.
    pub remarks: Vec<String>,
    pub remark_step: Option<usize>,
    /// Why the rule could not be judged on some SETs (each reason once), how
    /// many SETs that was, and the step of the first.
    pub unjudged: Vec<String>,
    pub unjudged_sets: usize,
    pub unjudged_step: Option<usize>,
    /// Where the harness could not apply the rule, and the step of the first.
    pub failures: Vec<String>,
    pub failure_step: Option<usize>,
}

/// Judges every SET in `sets` by the RFC 8417 rules and those of `profile`;
/// `reused` names where a SET's jti was first seen with other claims.
/// One entry per rule: RFC 8417's first, then the profile's in the order they first applied.
pub fn judge<'a>(
    sets: impl Iterator<Item = Emitted<'a>>,
    trust: &SetTrust,
    profile: SetProfile,
    mut reused: impl FnMut(&str) -> Option<String>,
) -> Vec<RuleFindings> {
    let mut found: BTreeMap<&'static str, RuleFindings> = BTreeMap::new();
    let mut profile_rules: Vec<&'static str> = Vec::new();
    // A SET delivered again, byte for byte, is judged once.
    let mut judged = std::collections::HashSet::new();
    for set in sets.filter(|s| judged.insert((s.key, s.token))) {
        let Emitted { key, token, step, exchange } = set;
        let header = token.split('.').next().and_then(decode_header);
        if let (Some(header), Some(claims)) = (header, decode_claims(token)) {
            for f in judge_profile(profile, &header, &claims, trust) {
                if !profile_rules.contains(&f.req) && !rule_ids().any(|r| r == f.req) {
                    profile_rules.push(f.req);
                }
                let e = entry(&mut found, f.req);
                if let Some(problem) = f.problem {
                    e.problem(step, exchange, format!("{key} {}: {problem}", f.at));
                }
                if let Some(failure) = f.failure {
                    e.failure_step.get_or_insert(step);
                    e.failures.push(format!("{key} {}: {failure}", f.at));
                }
                if let Some(remark) = f.note {
                    e.remark_step.get_or_insert(step);
                    e.remarks.push(format!("{key} {}: {remark}", f.at));
                }
            }
        }
        for f in inspect(key, token, trust) {
            if let Some(ContentRule { id: req, at, .. }) = RULES.iter().find(|r| r.id == f.req) {
                let e = entry(&mut found, req);
                if f.not_judged {
                    e.unjudged_step.get_or_insert(step);
                    e.unjudged_sets += 1;
                    if !e.unjudged.contains(&f.detail) {
                        e.unjudged.push(f.detail);
                    }
                } else {
                    e.problem(step, exchange, format!("{key} {at}: {}", f.detail));
                }
            }
        }
        if let Some(reused_in) = reused(token) {
            let e = entry(&mut found, "SET-012");
            e.problem(step, exchange, format!("{key} /jti: the same jti carried other claims in {reused_in}"));
        }
    }
    rule_ids()
        .chain(profile_rules)
        .map(|req| found.remove(req).unwrap_or(RuleFindings { req, ..Default::default() }))
        .collect()
}

impl RuleFindings {
    /// A breach found in a SET of `step` that exchange `exchange` carried.
    fn problem(&mut self, step: usize, exchange: Option<usize>, what: String) {
        if self.problem_step.is_none() {
            (self.problem_step, self.problem_exchange) = (Some(step), exchange);
        }
        self.problems.push(what);
    }
}

fn entry<'m>(found: &'m mut BTreeMap<&'static str, RuleFindings>, req: &'static str) -> &'m mut RuleFindings {
    found.entry(req).or_insert_with(|| RuleFindings { req, ..Default::default() })
}

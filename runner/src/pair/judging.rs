//! Judging both sides of a pairing: each relayed message by the same check
//! functions a scenario uses (pushpull §6), SETs sent again after their
//! answer (§9), and at the end every SET the other side delivered accounted
//! for (§9.1). The judgements go through the one judge in [`super::verdicts`].

use crate::catalogue::{Reqs, StatusSpec};
use crate::engine::checks::{http, sets};
use crate::engine::state::{LastMessage, Seen};
use crate::harness::endpoint::Captured;
use crate::judge::Judgement;
use crate::set::{INSPECTED_REQUIREMENTS, SetTrust};
use crate::wire::Observed;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What one side did during the conversation, and every judgement of its messages.
#[derive(Default)]
pub(super) struct Ledger {
    /// SET keys it delivered, with the round they first came.
    pub(super) delivered: BTreeMap<String, usize>,
    /// SET keys it answered (ack or setErrs), with the round.
    pub(super) answered: BTreeMap<String, usize>,
    /// Per requirement: what is expected, how many messages were judged, what broke it.
    findings: BTreeMap<String, Finding>,
}

/// One rule judged over every message of one side.
struct Finding {
    expected: String,
    checked: usize,
    problems: Vec<String>,
    /// Why the rule could not be judged in some message, or could not be applied.
    unjudged: Vec<String>,
    failures: Vec<String>,
}

impl Ledger {
    /// Takes in the judgements of one message, by requirement.
    fn note(&mut self, judgements: impl IntoIterator<Item = Judgement>) {
        for j in judgements {
            let f = self.findings.entry(j.req).or_insert_with(|| Finding {
                expected: format!("in every message: {}", j.expected),
                checked: 0,
                problems: Vec::new(),
                unjudged: Vec::new(),
                failures: Vec::new(),
            });
            f.checked += 1;
            match j.finding {
                crate::judge::Finding::Broken => f.problems.push(j.actual),
                crate::judge::Finding::NotJudged if !f.unjudged.contains(&j.actual) => f.unjudged.push(j.actual),
                crate::judge::Finding::HarnessFailed => f.failures.push(j.actual),
                _ => {}
            }
        }
    }

    /// One judgement per requirement over the whole conversation.
    pub(super) fn judgements(&self) -> Vec<Judgement> {
        self.findings
            .iter()
            .map(|(req, f)| {
                // Short of a breach, a rule not judged or not applied in some message is not shown kept.
                if f.problems.is_empty() {
                    if let Some(first) = f.failures.first() {
                        let actual = format!("{} of {}: {first}", f.failures.len(), f.checked);
                        return Judgement {
                            req: req.clone(),
                            step: 1,
                            expected: f.expected.clone(),
                            actual,
                            finding: crate::judge::Finding::HarnessFailed,
                            exchange: None,
                        };
                    }
                    if !f.unjudged.is_empty() {
                        let why = f.unjudged.iter().map(|a| a.trim_start_matches("not judged: ")).collect::<Vec<_>>();
                        return Judgement::not_judged(req.clone(), 1, f.expected.clone(), &why.join("; "));
                    }
                }
                let outcome = if f.problems.is_empty() {
                    Ok(format!("{} checked, all kept", f.checked))
                } else {
                    let shown = f.problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
                    Err(format!("{} of {}: {shown}", f.problems.len(), f.checked))
                };
                Judgement::of(req.clone(), 1, f.expected.clone(), outcome)
            })
            .collect()
    }
}

/// The initiator's request, by the checks a scenario would use (pushpull §6.1).
pub(super) fn judge_request(me: &mut Ledger, peer: &mut Ledger, req: &Captured, trust: &SetTrust, round: usize) {
    let seen = message(None, Some(req.method.clone()), req.headers.clone(), &req.body, round);
    note_checks(
        me,
        1,
        [
            ("PP-HTTP-001", http::method(&seen, "POST")),
            ("PP-HTTP-002", http::content_type(&seen, "application/json")),
            ("PP-HTTP-003", http::schema(&seen, "pushpull-request")),
        ],
    );
    judge_sets(me, peer, &seen, trust, round);
}

/// The responder's answer, by the checks a scenario would use (pushpull §6.2).
pub(super) fn judge_response(me: &mut Ledger, peer: &mut Ledger, obs: &Observed, trust: &SetTrust, round: usize) {
    let seen = message(Some(obs.status), None, obs.headers.clone(), &obs.body, round);
    note_checks(
        me,
        1,
        [
            ("PP-HTTP-008", http::status(&seen, &StatusSpec::Exact(200))),
            ("PP-HTTP-010", http::content_type(&seen, "application/json")),
            ("PP-HTTP-011", http::schema(&seen, "communication-object")),
        ],
    );
    judge_sets(me, peer, &seen, trust, round);
}

/// A relayed message as the checks see it.
fn message(
    status: Option<u16>,
    method: Option<String>,
    headers: Vec<(String, String)>,
    body: &[u8],
    seq: usize,
) -> Seen {
    let json = serde_json::from_slice::<Value>(body).ok();
    let sets = json.as_ref().and_then(|j| j.get("sets")).cloned();
    let last = LastMessage { status, method, headers, body: body.to_vec(), json, sets, step: 1, seq, exchange: None };
    Seen { last: Some(last), ..Seen::default() }
}

/// A check's expected text and outcome.
type Checked = (String, Result<String, String>);

fn note_checks<const N: usize>(me: &mut Ledger, step: usize, checks: [(&str, Checked); N]) {
    me.note(
        checks.into_iter().map(|(req, (expected, outcome))| Judgement::of(req.to_owned(), step, expected, outcome)),
    );
}

/// The SETs a message carries and the answers it gives; retirement after an answer (§9).
fn judge_sets(me: &mut Ledger, peer: &mut Ledger, seen: &Seen, trust: &SetTrust, round: usize) {
    let reqs = Reqs::Many(INSPECTED_REQUIREMENTS.iter().map(|r| (*r).to_owned()).collect());
    if !seen.last_sets().is_empty() {
        me.note(sets::sets_valid(seen, trust, &reqs, 1));
    }
    let Some(Value::Object(obj)) = seen.last.as_ref().and_then(|l| l.json.as_ref()) else { return };
    for key in answers(obj) {
        me.answered.entry(key).or_insert(round);
    }
    for (key, _) in seen.last_sets() {
        // §9: once the peer answered a SET it is never sent again.
        let again = peer.answered.get(key).is_some_and(|r| *r < round);
        let outcome = if again { Err(format!("{key} sent again")) } else { Ok(format!("{key} not answered before")) };
        me.note([Judgement::of(
            "PP-REL-002".into(),
            1,
            "no SET sent again after the peer answered it".into(),
            outcome,
        )]);
        me.delivered.entry(key.clone()).or_insert(round);
    }
}

fn answers(obj: &serde_json::Map<String, Value>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if let Some(Value::Array(acks)) = obj.get("ack") {
        keys.extend(acks.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::Object(errs)) = obj.get("setErrs") {
        keys.extend(errs.keys().cloned());
    }
    keys
}

/// §9.1: every SET the peer delivered is answered by `me`.
pub(super) fn accounted(me: &Ledger, peer: &Ledger) -> Judgement {
    let expected = "every SET the other side delivered acknowledged or reported".to_owned();
    let unanswered: Vec<String> = peer
        .delivered
        .keys()
        .filter(|k| !me.answered.contains_key(*k))
        .map(|k| format!("{k} never answered"))
        .collect();
    let outcome = match (peer.delivered.len(), unanswered.len()) {
        (0, _) => Err("the other side delivered no SET (nothing to judge)".to_owned()),
        (n, 0) => Ok(format!("{n} checked, all kept")),
        (n, k) => Err(format!("{k} of {n}: {}", unanswered.iter().take(5).cloned().collect::<Vec<_>>().join("; "))),
    };
    Judgement::of("PP-REL-007".into(), 1, expected, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> Observed {
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        Observed { status: 200, headers, body: body.as_bytes().to_vec(), truncated: false }
    }

    fn broken(ledger: &Ledger) -> Vec<&str> {
        ledger.findings.iter().filter(|(_, f)| !f.problems.is_empty()).map(|(r, _)| r.as_str()).collect()
    }

    #[test]
    fn a_body_the_schema_refuses_is_a_finding_of_the_message_rule() {
        let (mut me, mut peer) = (Ledger::default(), Ledger::default());
        judge_response(&mut me, &mut peer, &response(r#"{"sets": []}"#), &SetTrust::default(), 1);
        judge_response(&mut me, &mut peer, &response("not json"), &SetTrust::default(), 2);
        assert_eq!(broken(&me), ["PP-HTTP-011"]);
        assert_eq!(me.findings["PP-HTTP-011"].checked, 2);
        let judged = me.judgements();
        let schema = judged.iter().find(|j| j.req == "PP-HTTP-011").unwrap();
        assert!(schema.actual.starts_with("2 of 2:"), "{}", schema.actual);
    }

    #[test]
    fn sets_the_harness_cannot_judge_are_not_judged_never_kept() {
        let jwe = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.ZWs.aXY.Y3Q.dGFn";
        let (mut me, mut peer) = (Ledger::default(), Ledger::default());
        let body = format!(r#"{{"sets": {{"j-1": "{jwe}"}}}}"#);
        judge_response(&mut me, &mut peer, &response(&body), &SetTrust::default(), 1);
        let judged = me.judgements();
        let claims = judged.iter().find(|j| j.req == "SET-010").expect("SET-010 is judged in a pairing");
        assert_eq!(claims.finding, crate::judge::Finding::NotJudged, "{}", claims.actual);
        assert!(claims.actual.starts_with("not judged: an encrypted SET"), "{}", claims.actual);
    }

    #[test]
    fn a_set_sent_again_after_its_answer_breaks_retirement() {
        let (mut initiator, mut responder) = (Ledger::default(), Ledger::default());
        responder.answered.insert("j-1".into(), 1);
        let again = response(r#"{"sets": {"j-1": "a.b.c"}}"#);
        judge_response(&mut initiator, &mut responder, &again, &SetTrust::default(), 2);
        assert!(broken(&initiator).contains(&"PP-REL-002"), "{:?}", broken(&initiator));
        assert_eq!(accounted(&responder, &initiator).finding, crate::judge::Finding::Kept);
        responder.answered.clear();
        assert_eq!(accounted(&responder, &initiator).finding, crate::judge::Finding::Broken);
    }
}

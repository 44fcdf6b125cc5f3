//! Pairing: the harness sits between two real implementations, an initiator
//! and a responder, relays every Communication Object between them, and judges
//! both directions (pushpull §6, §9).
//!
//! Each side is introduced to the other through its `http` trigger: the
//! harness learns the responder's SET identity, gives it to the initiator with
//! the relay endpoint, then registers the initiator's identity with the
//! responder. Both then queue SETs; the harness keeps the conversation going
//! until every SET each side sent is answered by the other.

use crate::catalogue::Catalogue;
use crate::catalogue::{Reqs, StatusSpec};
use crate::engine::checks::{http, sets};
use crate::engine::state::{LastMessage, Seen};
use crate::harness::endpoint::Captured;
use crate::harness::endpoint::{ClientCredentials, EndpointAuth, HarnessEndpoint, Reply, Transport};
use crate::harness::pki::HarnessPki;
use crate::judge::{Judge, Judgement, Reading, scenario_verdict};
use crate::set::{HarnessKeys, INSPECTED_REQUIREMENTS, SetTrust};
use crate::sut::SutSetup;
use crate::trigger::{HarnessEndpointGrant, HarnessIdentity, Registration, TriggerAction, TriggerConfig};
use crate::wire::{self, Observed, Outgoing, Wire};
use serde_json::Value;
use setconform_reports::{Exchange, ExpectationResult, ScenarioResult, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// SETs each side is asked to queue.
const SETS_PER_SIDE: usize = 3;
/// Most request/response rounds relayed before the harness judges what it has.
const MAX_ROUNDS: usize = 8;

pub const INITIATOR_ID: &str = "pair.initiator";
pub const RESPONDER_ID: &str = "pair.responder";

/// Why a pairing could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum PairError {
    #[error("{side}: {message}")]
    Setup { side: &'static str, message: String },
}

fn setup_error(side: &'static str, message: impl Into<String>) -> PairError {
    PairError::Setup { side, message: message.into() }
}

/// A side's SET identity: the `iss` and keys of its SETs and the `aud` it expects.
#[derive(Debug, Clone)]
struct Identity {
    peer: String,
    token: Option<String>,
    issuer: String,
    audience: String,
    jwks: jsonwebtoken::jwk::JwkSet,
}

/// What one side did during the conversation, and every judgement of its messages.
#[derive(Default)]
struct Ledger {
    /// SET keys it delivered, with the round they first came.
    delivered: BTreeMap<String, usize>,
    /// SET keys it answered (ack or setErrs), with the round.
    answered: BTreeMap<String, usize>,
    /// Per requirement: what is expected, how many messages were judged, what broke it.
    findings: BTreeMap<String, Finding>,
}

/// One rule judged over every message of one side.
struct Finding {
    expected: String,
    checked: usize,
    problems: Vec<String>,
}

impl Ledger {
    /// Takes in the judgements of one message, by requirement.
    fn note(&mut self, judgements: impl IntoIterator<Item = Judgement>) {
        for j in judgements {
            let f = self.findings.entry(j.req).or_insert_with(|| Finding {
                expected: format!("in every message: {}", j.expected),
                checked: 0,
                problems: Vec::new(),
            });
            f.checked += 1;
            if j.finding == crate::judge::Finding::Broken {
                f.problems.push(j.actual);
            }
        }
    }

    /// One judgement per requirement over the whole conversation.
    fn judgements(&self) -> Vec<Judgement> {
        self.findings
            .iter()
            .map(|(req, f)| {
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

/// The conversation as both sides conducted it, ready to be judged.
struct Conversation {
    transcript: Vec<Exchange>,
    initiator: Ledger,
    responder: Ledger,
    started: Instant,
}

impl Conversation {
    fn record(&mut self, channel: &str, req: &Outgoing, at: Instant, result: &Result<Observed, wire::WireError>) {
        let seq = self.transcript.len() + 1;
        let at_ms = at.saturating_duration_since(self.started).as_millis() as u64;
        let took = at.elapsed().as_millis() as u64;
        self.transcript.push(wire::record(seq, channel, 1, at_ms, took, req, result));
    }
}

/// Runs a pairing and returns one scenario result per side.
pub async fn run(
    initiator: &SutSetup,
    responder: &SutSetup,
    catalogue: &Catalogue,
    wire: &Wire,
    pki: &HarnessPki,
) -> Result<Vec<ScenarioResult>, PairError> {
    let started = Instant::now();
    let mut conv =
        Conversation { transcript: Vec::new(), initiator: Ledger::default(), responder: Ledger::default(), started };
    let observation = initiator.timeouts.observation;
    let listen = std::net::SocketAddr::new(initiator.harness_listen, 0);
    let patience = initiator.timeouts.request;
    let mut relay = HarnessEndpoint::start(
        listen,
        initiator.harness_public_base.as_deref(),
        patience,
        Transport::Tls,
        "/pushpull",
        relay_auth(),
        pki,
    )
    .await
    .map_err(|e| setup_error("harness", format!("cannot open the relay endpoint: {e}")))?;
    let relay_token = "setconform-relay".to_owned();

    // Introductions: the responder's identity first, then the initiator's.
    let harness = HarnessIdentity {
        issuer: initiator.harness_issuer.clone(),
        audience: initiator.harness_audience.clone(),
        jwks: HarnessKeys::get().jwks().clone(),
        jwks_uri: None,
        endpoint_ca: pki.ca_pem.clone(),
        client_certificate: None,
    };
    let scout = register(&mut conv, wire, responder, "responder", &harness, None).await?;
    let as_responder = HarnessIdentity {
        issuer: scout.issuer.clone(),
        audience: scout.audience.clone(),
        jwks: scout.jwks,
        jwks_uri: None,
        endpoint_ca: pki.ca_pem.clone(),
        client_certificate: None,
    };
    let endpoint = Some(HarnessEndpointGrant { url: relay.url.clone(), token: relay_token, oauth_client: None });
    let a = register(&mut conv, wire, initiator, "initiator", &as_responder, endpoint).await?;
    let as_initiator = HarnessIdentity {
        issuer: a.issuer.clone(),
        audience: a.audience.clone(),
        jwks: a.jwks.clone(),
        jwks_uri: None,
        endpoint_ca: pki.ca_pem.clone(),
        client_certificate: None,
    };
    let b = register(&mut conv, wire, responder, "responder", &as_initiator, None).await?;
    let Some(responder_url) = responder.pushpull_endpoint.clone() else {
        return Err(setup_error("responder", "its configuration names no pushpull endpoint"));
    };

    act(&mut conv, wire, responder, "responder", TriggerAction::Queue { peer: b.peer.clone(), count: SETS_PER_SIDE })
        .await?;
    act(&mut conv, wire, initiator, "initiator", TriggerAction::Queue { peer: a.peer.clone(), count: SETS_PER_SIDE })
        .await?;

    let trust_a = SetTrust {
        issuer: Some(a.issuer.clone()),
        audience: Some(b.audience.clone()),
        jwks: Some(a.jwks.clone()),
        jwks_uri: None,
    };
    let trust_b = SetTrust {
        issuer: Some(b.issuer.clone()),
        audience: Some(a.audience.clone()),
        jwks: Some(b.jwks.clone()),
        jwks_uri: None,
    };
    let mut stalled = None;
    for round in 1..=MAX_ROUNDS {
        if round > 1 {
            if settled(&conv) {
                break;
            }
            act(&mut conv, wire, initiator, "initiator", TriggerAction::Initiate { peer: a.peer.clone() }).await?;
        }
        let Some(inbound) = relay.next(observation).await else {
            stalled = Some(format!("the initiator sent no request within {} ms", observation.as_millis()));
            break;
        };
        let request = inbound.request;
        judge_request(&mut conv.initiator, &mut conv.responder, &request, &trust_a, round);
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(token) = &b.token {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        let forward =
            Outgoing { method: "POST".into(), url: responder_url.clone(), headers, body: request.body.clone() };
        let at = Instant::now();
        let answer = wire.exchange(&forward, responder.timeouts.request).await;
        conv.record("sut", &forward, at, &answer);
        let reply = match &answer {
            Ok(obs) => {
                judge_response(&mut conv.responder, &mut conv.initiator, obs, &trust_b, round);
                let content_type = obs.header("content-type").unwrap_or("application/json").to_owned();
                Reply { status: obs.status, content_type, body: obs.body.clone(), headers: Vec::new() }
            }
            Err(e) => {
                stalled = Some(format!("the responder did not answer a relayed request: {e}"));
                Reply {
                    status: 502,
                    content_type: "text/plain".into(),
                    body: b"responder unreachable".to_vec(),
                    headers: Vec::new(),
                }
            }
        };
        let captured =
            Outgoing { method: request.method, url: request.url, headers: request.headers, body: request.body };
        let relayed = Observed {
            status: reply.status,
            headers: vec![("content-type".into(), reply.content_type.clone())],
            body: reply.body.clone(),
            truncated: false,
        };
        let _ = inbound.reply.send(reply);
        conv.record("harness", &captured, request.at, &Ok(relayed));
        if stalled.is_some() {
            break;
        }
    }
    Ok(verdicts(conv, catalogue, stalled))
}

/// Every SET either side delivered has been answered by the other.
fn settled(conv: &Conversation) -> bool {
    let answered_all = |from: &Ledger, by: &Ledger| from.delivered.keys().all(|k| by.answered.contains_key(k));
    !conv.initiator.delivered.is_empty()
        && answered_all(&conv.initiator, &conv.responder)
        && answered_all(&conv.responder, &conv.initiator)
}

/// The initiator's request, by the checks a scenario would use (pushpull §6.1).
fn judge_request(me: &mut Ledger, peer: &mut Ledger, req: &Captured, trust: &SetTrust, round: usize) {
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
fn judge_response(me: &mut Ledger, peer: &mut Ledger, obs: &Observed, trust: &SetTrust, round: usize) {
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
    let last = LastMessage { status, method, headers, body: body.to_vec(), json, sets, step: 1, seq };
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

/// Turns both ledgers into one scenario result per side, through the one judge.
fn verdicts(conv: Conversation, catalogue: &Catalogue, stalled: Option<String>) -> Vec<ScenarioResult> {
    let duration_ms = conv.started.elapsed().as_millis() as u64;
    let judge = Judge::new(catalogue);
    let sides = [
        (
            INITIATOR_ID,
            "The initiator of a pair, judged by the harness relaying for it",
            &conv.initiator,
            &conv.responder,
        ),
        (
            RESPONDER_ID,
            "The responder of a pair, judged by the harness relaying for it",
            &conv.responder,
            &conv.initiator,
        ),
    ];
    sides
        .into_iter()
        .map(|(id, title, me, peer)| {
            let mut judgements = me.judgements();
            judgements.push(accounted(me, peer));
            let results: Vec<ExpectationResult> =
                judgements.into_iter().map(|j| judge.result(j, Reading::default())).collect();
            let verdict = scenario_verdict(&results, stalled.as_ref().map(|_| Verdict::Error));
            ScenarioResult {
                id: id.to_owned(),
                title: title.to_owned(),
                profile: if id == INITIATOR_ID { "pushpull-http-initiator" } else { "pushpull-http-responder" }
                    .to_owned(),
                requirements: results.iter().map(|r| r.requirement.clone()).collect(),
                description: None,
                tags: vec!["pairing".to_owned()],
                steps: Vec::new(),
                verdict,
                reason: stalled.clone(),
                duration_ms,
                expectations: results,
                transcript: conv.transcript.clone(),
            }
        })
        .collect()
}

/// §9.1: every SET the peer delivered is answered by `me`.
fn accounted(me: &Ledger, peer: &Ledger) -> Judgement {
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

async fn register(
    conv: &mut Conversation,
    wire: &Wire,
    sut: &SutSetup,
    side: &'static str,
    identity: &HarnessIdentity,
    endpoint: Option<HarnessEndpointGrant>,
) -> Result<Identity, PairError> {
    let body = act(conv, wire, sut, side, TriggerAction::register(identity, endpoint, "http")).await?;
    let reg: Registration = serde_json::from_slice(&body)
        .map_err(|e| setup_error(side, format!("registration answer is not understood: {e}")))?;
    let missing =
        |what: &str| setup_error(side, format!("neither its registration nor its configuration gives its {what}"));
    Ok(Identity {
        peer: reg.peer,
        token: reg.token.or_else(|| sut.bearer_token.clone()),
        issuer: reg.issuer.or_else(|| sut.sut_sets.issuer.clone()).ok_or_else(|| missing("issuer"))?,
        audience: reg.audience.or_else(|| sut.sut_audience.clone()).ok_or_else(|| missing("audience"))?,
        jwks: reg.jwks.or_else(|| sut.sut_sets.jwks.clone()).ok_or_else(|| missing("JWKS"))?,
    })
}

/// One trigger action over the `http` adapter (pairing drives both sides that way).
async fn act(
    conv: &mut Conversation,
    wire: &Wire,
    sut: &SutSetup,
    side: &'static str,
    action: TriggerAction,
) -> Result<Vec<u8>, PairError> {
    let Some(TriggerConfig::Http { url }) = &sut.trigger else {
        return Err(setup_error(side, "pairing needs the http trigger"));
    };
    let body = action.body().to_string().into_bytes();
    let req = Outgoing {
        method: "POST".into(),
        url: action.http_url(url),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    };
    let at = Instant::now();
    let result = wire.exchange(&req, sut.timeouts.request.min(Duration::from_secs(30))).await;
    conv.record("trigger", &req, at, &result);
    match result {
        Ok(obs) if (200..300).contains(&obs.status) => Ok(obs.body),
        Ok(obs) => Err(setup_error(side, format!("trigger {} answered HTTP {}", action.name(), obs.status))),
        Err(e) => Err(setup_error(side, format!("trigger {}: {e}", action.name()))),
    }
}

/// The relay publishes no protected-resource metadata: each SUT presents the
/// relay's bearer token. Its authorization server issues to no one the SUTs know.
fn relay_auth() -> EndpointAuth {
    let client = ClientCredentials {
        client_id: "setconform-relay".to_owned(),
        client_secret: crate::harness::listener::private_segment(),
    };
    EndpointAuth { publish_metadata: false, client }
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

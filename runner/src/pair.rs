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
use crate::harness::endpoint::{ClientCredentials, EndpointAuth, HarnessEndpoint, Reply, Transport};
use crate::harness::pki::HarnessPki;
use crate::schema::Schemas;
use crate::set::INSPECTED_REQUIREMENTS;
use crate::set::{HarnessKeys, SetTrust, inspect};
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

/// One rule judged over the whole conversation for one side.
struct Finding {
    req: &'static str,
    expected: String,
    problems: Vec<String>,
    checked: usize,
}

/// What one side did during the conversation.
#[derive(Default)]
struct Ledger {
    /// SET keys it delivered, with the round they first came.
    delivered: BTreeMap<String, usize>,
    /// SET keys it answered (ack or setErrs), with the round.
    answered: BTreeMap<String, usize>,
    findings: BTreeMap<&'static str, Finding>,
}

impl Ledger {
    fn note(&mut self, req: &'static str, expected: &str, problem: Option<String>) {
        let f = self.findings.entry(req).or_insert_with(|| Finding {
            req,
            expected: expected.to_owned(),
            problems: Vec::new(),
            checked: 0,
        });
        f.checked += 1;
        f.problems.extend(problem);
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

fn judge_request(
    me: &mut Ledger,
    peer: &mut Ledger,
    req: &crate::harness::endpoint::Captured,
    trust: &SetTrust,
    round: usize,
) {
    let ok_if = |cond: bool, what: String| if cond { None } else { Some(what) };
    me.note("PP-HTTP-001", "every request is a POST", ok_if(req.method == "POST", format!("{} request", req.method)));
    let ct = header(&req.headers, "content-type");
    let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    me.note(
        "PP-HTTP-002",
        "every request is application/json",
        ok_if(media == "application/json", format!("Content-Type {ct:?}")),
    );
    judge_body(me, peer, &req.body, "pushpull-request", "PP-HTTP-003", trust, round);
}

fn judge_response(me: &mut Ledger, peer: &mut Ledger, obs: &Observed, trust: &SetTrust, round: usize) {
    let ok_if = |cond: bool, what: String| if cond { None } else { Some(what) };
    me.note("PP-HTTP-008", "every response is 200", ok_if(obs.status == 200, format!("HTTP status {}", obs.status)));
    let ct = obs.header("content-type").unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    me.note(
        "PP-HTTP-010",
        "every 200 response is application/json",
        ok_if(media == "application/json", format!("Content-Type {ct:?}")),
    );
    judge_body(me, peer, &obs.body, "communication-object", "PP-HTTP-011", trust, round);
}

/// Schema, SETs, and the answers a message carries; retirement after an answer.
fn judge_body(
    me: &mut Ledger,
    peer: &mut Ledger,
    body: &[u8],
    schema: &str,
    schema_req: &'static str,
    trust: &SetTrust,
    round: usize,
) {
    let json = serde_json::from_slice::<Value>(body).ok();
    let violations = json.as_ref().map(|j| Schemas::embedded().validate(schema, j).unwrap_or_default());
    let problem = match violations {
        None => Some("the body is not JSON".to_owned()),
        Some(v) if v.is_empty() => None,
        Some(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
    };
    me.note(schema_req, &format!("every body valid against {schema}"), problem);
    let Some(Value::Object(obj)) = json else { return };
    for key in answers(&obj) {
        me.answered.entry(key).or_insert(round);
    }
    if let Some(Value::Object(sets)) = obj.get("sets") {
        for (key, token) in sets {
            // §9: once the peer answered a SET it is never sent again.
            let again = peer.answered.get(key).is_some_and(|r| *r < round);
            me.note(
                "PP-REL-002",
                "no SET is sent again after the peer answered it",
                again.then(|| format!("{key} sent again")),
            );
            me.delivered.entry(key.clone()).or_insert(round);
            let findings = match token.as_str() {
                Some(t) => inspect(key, t, trust),
                None => vec![crate::set::SetFinding { req: "PP-CO-003", detail: "the SET is not a string".into() }],
            };
            for req in INSPECTED_REQUIREMENTS {
                let bad: Vec<String> =
                    findings.iter().filter(|f| f.req == req).map(|f| format!("{key}: {}", f.detail)).collect();
                me.note(req, &format!("every SET keeps {req}"), (!bad.is_empty()).then(|| bad.join("; ")));
            }
        }
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

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.as_str())
}

/// Turns both ledgers into one scenario result per side.
fn verdicts(conv: Conversation, catalogue: &Catalogue, stalled: Option<String>) -> Vec<ScenarioResult> {
    let duration_ms = conv.started.elapsed().as_millis() as u64;
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
            let mut results: Vec<ExpectationResult> = me.findings.values().map(|f| judged(f, catalogue)).collect();
            // §9.1: every SET the peer delivered is answered.
            let unanswered: Vec<String> =
                peer.delivered.keys().filter(|k| !me.answered.contains_key(*k)).cloned().collect();
            let accounted = Finding {
                req: "PP-REL-007",
                expected: "every SET the other side delivered acknowledged or reported".into(),
                checked: peer.delivered.len(),
                problems: if peer.delivered.is_empty() {
                    vec!["the other side delivered no SET (nothing to judge)".into()]
                } else {
                    unanswered.into_iter().map(|k| format!("{k} never answered")).collect()
                },
            };
            results.push(judged(&accounted, catalogue));
            let incomplete = stalled.as_ref().map(|_| Verdict::Error);
            let verdict = Verdict::roll_up(results.iter().map(|r| r.verdict).chain(incomplete));
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

fn judged(f: &Finding, catalogue: &Catalogue) -> ExpectationResult {
    let verdict = if f.problems.is_empty() {
        Verdict::Pass
    } else {
        catalogue.requirements.get(f.req).map_or(Verdict::Error, |r| r.level.violation_verdict())
    };
    let actual = if f.problems.is_empty() {
        format!("{} checked, all kept", f.checked)
    } else {
        let shown: Vec<&String> = f.problems.iter().take(5).collect();
        format!(
            "{} of {}: {}",
            f.problems.len(),
            f.checked,
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
        )
    };
    ExpectationResult {
        step: 1,
        requirement: f.req.to_owned(),
        verdict,
        expected: f.expected.clone(),
        waiver: None,
        actual,
        ambiguity: None,
    }
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

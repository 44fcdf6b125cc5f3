//! Pairing: the harness sits between two real implementations, an initiator
//! and a responder, relays every Communication Object between them, and judges
//! both directions (pushpull §6, §9).
//!
//! Each side is introduced to the other through its `http` trigger: the
//! harness learns the responder's SET identity, gives it to the initiator with
//! the relay endpoint, then registers the initiator's identity with the
//! responder. Both then queue SETs; the harness keeps the conversation going
//! until every SET each side sent is answered by the other. The initiator's
//! trigger calls run beside the relay ([`Call`]): it may post inside them.

mod judging;

use judging::{Ledger, accounted, judge_request, judge_response};

use crate::catalogue::Catalogue;
use crate::harness::endpoint::{ClientCredentials, EndpointAuth, HarnessEndpoint, Reply, Transport};
use crate::harness::pki::HarnessPki;
use crate::judge::{Judge, Reading, scenario_verdict};
use crate::set::{HarnessKeys, SetTrust};
use crate::sut::SutSetup;
use crate::trigger::{HarnessEndpointGrant, HarnessIdentity, Registration, TriggerAction, TriggerConfig};
use crate::wire::{self, Observed, Outgoing, Wire};
use setconform_reports::{Exchange, ExpectationResult, ScenarioResult, Verdict};
use std::time::{Duration, Instant};

/// SETs each side is asked to queue.
const SETS_PER_SIDE: usize = 3;
/// How long a trigger call still under way at the end of a pairing is waited for.
const END_GRACE: Duration = Duration::from_secs(2);
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
    secrets: &crate::secrets::Secrets,
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
    // The tokens the two sides issued are secrets the outputs must not show.
    [&scout.token, &a.token, &b.token].into_iter().flatten().for_each(|t| secrets.add(t));
    let Some(responder_url) = responder.pushpull_endpoint.clone() else {
        return Err(setup_error("responder", "its configuration names no pushpull endpoint"));
    };

    act(&mut conv, wire, responder, "responder", TriggerAction::Queue { peer: b.peer.clone(), count: SETS_PER_SIDE })
        .await?;
    // The initiator's calls run beside the relay ([`Call`]).
    let queue = TriggerAction::Queue { peer: a.peer.clone(), count: SETS_PER_SIDE };
    let mut under_way = Some(start(wire, initiator, "initiator", queue)?);

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
            // An initiator still inside its last call is still sending: no new call until it ends.
            if under_way.as_ref().is_none_or(|c| c.task.is_finished()) {
                if let Some(call) = under_way.take() {
                    finish(&mut conv, call).await?;
                }
                let initiate = TriggerAction::Initiate { peer: a.peer.clone() };
                under_way = Some(start(wire, initiator, "initiator", initiate)?);
            }
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
    // A call still under way when the conversation is over gets a moment, then is left.
    match under_way {
        Some(call) if !call.task.is_finished() => {
            let _ = tokio::time::timeout(END_GRACE, finish(&mut conv, call)).await;
        }
        Some(call) => {
            finish(&mut conv, call).await?;
        }
        None => {}
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
            let results: Vec<ExpectationResult> = judgements.into_iter().map(|j| judged(judge, j)).collect();
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
                na_kind: None,
                duration_ms,
                expectations: results,
                transcript: conv.transcript.clone(),
            }
        })
        .collect()
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
    let (sut_issuer, sut_audience) = (reg.sut_issuer(), reg.sut_audience());
    Ok(Identity {
        peer: reg.peer,
        token: reg.token.or_else(|| sut.bearer_token.clone()),
        issuer: sut_issuer.or_else(|| sut.sut_sets.issuer.clone()).ok_or_else(|| missing("issuer"))?,
        audience: sut_audience.or_else(|| sut.sut_audience.clone()).ok_or_else(|| missing("audience"))?,
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
    let call = start(wire, sut, side, action)?;
    finish(conv, call).await
}

/// A trigger call under way. The initiator's run beside the relay: an
/// initiator may post to the relay inside the very call that asks it to, and
/// answer that call only once its request has been answered.
struct Call {
    side: &'static str,
    what: &'static str,
    req: Outgoing,
    at: Instant,
    task: tokio::task::JoinHandle<Result<Observed, wire::WireError>>,
}

/// Starts `action` on a task of its own.
fn start(wire: &Wire, sut: &SutSetup, side: &'static str, action: TriggerAction) -> Result<Call, PairError> {
    let Some(TriggerConfig::Http { url }) = &sut.trigger else {
        return Err(setup_error(side, "pairing needs the http trigger"));
    };
    let req = Outgoing {
        method: action.http_method().into(),
        url: action.http_url(url),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: action.body().to_string().into_bytes(),
    };
    let (wire, sent, limit) = (wire.clone(), req.clone(), sut.timeouts.request.min(Duration::from_secs(30)));
    let task = tokio::spawn(async move { wire.exchange(&sent, limit).await });
    Ok(Call { side, what: action.name(), req, at: Instant::now(), task })
}

/// Waits for the call to end, records it, and returns the SUT's answer.
async fn finish(conv: &mut Conversation, call: Call) -> Result<Vec<u8>, PairError> {
    let Call { side, what, req, at, task } = call;
    let result = task.await.unwrap_or_else(|e| Err(wire::WireError::Other(format!("the call was lost: {e}"))));
    conv.record("trigger", &req, at, &result);
    match result {
        Ok(obs) if (200..300).contains(&obs.status) => Ok(obs.body),
        Ok(obs) => Err(setup_error(side, format!("trigger {what} answered HTTP {}", obs.status))),
        Err(e) => Err(setup_error(side, format!("trigger {what}: {e}"))),
    }
}

/// The relay publishes no protected-resource metadata: each SUT presents the
/// relay's bearer token. Its authorization server issues to no one the SUTs know.
/// A pairing's judgement, judged and marked as a pairing's (no step lists it).
fn judged(judge: Judge<'_>, j: crate::judge::Judgement) -> ExpectationResult {
    ExpectationResult { check: Some("pairing".to_owned()), ..judge.result(j, Reading::default()) }
}

fn relay_auth() -> EndpointAuth {
    let client = ClientCredentials {
        client_id: "setconform-relay".to_owned(),
        client_secret: crate::harness::listener::private_segment(),
    };
    EndpointAuth { publish_metadata: false, client }
}

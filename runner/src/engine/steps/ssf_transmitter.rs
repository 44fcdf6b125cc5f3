//! The harness as the SUT's SSF transmitter (profile `ssf-receiver`): it
//! starts the transmitter and its authorization server, tells the SUT where
//! they are (the registration's `ssf` member), and waits for the SUT's calls
//! to them, each taken in as the SUT's last message for the step's checks.
//!
//! Once the SUT has made its stream, SETs go on it: pushed to the
//! `endpoint_url` it gave with the `authorization_header` it asked for
//! (SSF §6.1.1), or polled by it at the endpoint the transmitter named
//! (§6.1.2), minted as the metadata's issuer for the stream's `aud`.

use crate::catalogue::Binding;
use crate::catalogue::ssf_receiver_step::{CallKind, RxDelivery, SsfAwaitSpec, SsfTransmitterSpec};
use crate::engine::context::{Context, StepFailure};
use crate::engine::state::Awaited;
use crate::harness::authorization::ClientCredentials;
use crate::harness::endpoint::{EndpointAuth, Transport};
use crate::harness::key_server::KeyServer;
use crate::harness::listener::private_segment;
use crate::harness::ssf_transmitter::{Choices, Setup, SsfTransmitter, SutCall};
use crate::set::StreamMint;
use crate::trigger::TriggerAction;
use crate::wire::{Observed, Outgoing};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The subjects the SUT is told about at registration (SSF §8.1.3; the
/// interoperability profile's formats, §2.5).
fn subjects() -> Value {
    json!([
        { "format": "email", "email": "alice@receiver.setconform.invalid" },
        { "format": "iss_sub", "iss": "https://idp.setconform.invalid/", "sub": "alice" },
    ])
}

/// Starts the transmitter and registers it with the SUT.
pub async fn start(ctx: &mut Context<'_>, spec: &SsfTransmitterSpec) -> Result<(), StepFailure> {
    if let Some(fixed) = ctx.env.setup.ssf_transmitter.clone() {
        return attach(ctx, spec, fixed).await;
    }
    if ctx.env.sut.trigger.is_none() {
        return Err(StepFailure::error(
            "the SUT configuration has no trigger to tell the receiver where its transmitter is".into(),
        ));
    }
    let listen = std::net::SocketAddr::new(ctx.env.sut.harness_listen, 0);
    let keys = KeyServer::start(listen, ctx.env.sut.harness_public_base.as_deref(), &ctx.env.pki)
        .await
        .map_err(|e| StepFailure::error(format!("cannot serve the harness's JWKS on {listen}: {e}")))?;
    let client = ClientCredentials {
        client_id: format!("setconform-receiver-{}", &private_segment()[..8]),
        client_secret: private_segment(),
    };
    ctx.session.endpoint_token = format!("harness-{}", ctx.rng.uuid());
    ctx.binding = delivery_binding(spec.delivery);
    let poll_endpoint = if spec.delivery == RxDelivery::Poll {
        let auth = EndpointAuth { publish_metadata: false, client: client.clone() };
        ctx.open_endpoint(Transport::Tls, Binding::Poll.endpoint_path(), auth).await?;
        ctx.link.endpoint.as_ref().map(|e| e.url.clone())
    } else {
        None
    };
    let setup = Setup {
        jwks_uri: keys.url.clone(),
        poll_endpoint,
        client: client.clone(),
        access_token: ctx.session.endpoint_token.clone(),
        choices: Choices { metadata_issuer: spec.metadata_issuer, stream_iss: spec.stream_iss },
    };
    let server = SsfTransmitter::start(listen, &ctx.env.pki, setup)
        .await
        .map_err(|e| StepFailure::error(format!("cannot start the harness's SSF transmitter on {listen}: {e}")))?;
    // SETs on the stream are SSF SETs from the transmitter's issuer (SSF §4.1.6).
    ctx.session.minter.issuer = server.issuer.clone();
    ctx.session.minter.profile = ctx.set_profile;
    let identity = ctx.identity(keys.url.clone());
    ctx.session.key_server = Some(keys);
    let TriggerAction::Register { mut body } = TriggerAction::register(&identity, None, "ssf") else {
        unreachable!("register builds a registration")
    };
    body["ssf"] = json!({
        "configuration_url": server.metadata_url,
        "issuer": server.issuer,
        "token_endpoint": server.token_endpoint,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "delivery": spec.delivery.name(),
        "subjects": subjects(),
    });
    ctx.transmitter.server = Some(Arc::new(server));
    ctx.register_with(TriggerAction::Register { body }, false, ctx.binding).await
}

/// For a receiver configured by hand: the run's transmitter, whose stream the
/// SUT made once, whenever it did; the steps read the run's whole log.
async fn attach(
    ctx: &mut Context<'_>,
    spec: &SsfTransmitterSpec,
    fixed: Arc<SsfTransmitter>,
) -> Result<(), StepFailure> {
    ctx.binding = delivery_binding(spec.delivery);
    ctx.session.endpoint_token = ctx.env.sut.fixed_endpoint_token();
    if spec.delivery == RxDelivery::Poll {
        let auth = EndpointAuth { publish_metadata: false, client: ctx.env.sut.ssf_client.clone() };
        ctx.open_endpoint(Transport::Tls, Binding::Poll.endpoint_path(), auth).await?;
    }
    ctx.session.minter.issuer = fixed.issuer.clone();
    ctx.session.minter.profile = ctx.set_profile;
    ctx.transmitter.server = Some(fixed);
    ctx.transmitter.taken = 0;
    ctx.transmitter.by_hand = true;
    ctx.transmitter.delivery = Some(spec.delivery);
    Ok(())
}

fn delivery_binding(delivery: RxDelivery) -> Binding {
    match delivery {
        RxDelivery::Push => Binding::Push,
        RxDelivery::Poll => Binding::Poll,
    }
}

/// Waits for the SUT's next call of `spec.call`; the calls before it are recorded.
pub async fn await_call(ctx: &mut Context<'_>, spec: &SsfAwaitSpec) -> Result<(), StepFailure> {
    let wait = spec.within_ms.map_or(ctx.env.sut.timeouts.observation, Duration::from_millis).min(ctx.remaining());
    let Some(server) = ctx.transmitter.server.clone() else {
        return Err(StepFailure::error(
            "ssf_await: no `ssf_transmitter` step started the harness's transmitter".into(),
        ));
    };
    let began = Instant::now();
    let found = server.wait_for(spec.call, ctx.transmitter.taken, wait).await;
    let upto = found.as_ref().map_or_else(|| server.calls_from(0).len(), |(i, _)| i + 1);
    let calls = server.calls_from(ctx.transmitter.taken);
    for call in calls.iter().take(upto - ctx.transmitter.taken) {
        record(ctx, call);
    }
    ctx.transmitter.taken = upto;
    let what: &'static str = spec.call.into();
    let arrived_after = found.as_ref().map(|(_, c)| c.at.saturating_duration_since(began));
    ctx.clock.awaited = Some(Awaited { what: call_name(spec.call), arrived_after, within: wait, up_to: wait });
    let Some((_, call)) = found else {
        ctx.seen.last = None;
        if spec.judge_absence {
            return Ok(());
        }
        let why = format!("the SUT made no `{what}` call to the harness's transmitter within {} ms", wait.as_millis());
        return Err(if spec.optional {
            StepFailure::not_offered(format!("{why}; SSF leaves it to the receiver, so the rest is not judged"))
        } else {
            StepFailure::timeout(why)
        });
    };
    ctx.absorb_message(None, Some(call.method.clone()), call.headers.clone(), call.body.clone(), false);
    take_in(ctx, &call);
    other_delivery(ctx).map_or(Ok(()), |why| Err(StepFailure::not_offered(why)))
}

/// Why the rest of a scenario is not judged: the stream a receiver configured
/// by hand made delivers the other way (SSF §6.1: its choice, made once).
fn other_delivery(ctx: &Context<'_>) -> Option<String> {
    let (true, Some(wanted), Some(stream)) =
        (ctx.transmitter.by_hand, ctx.transmitter.delivery, &ctx.transmitter.stream)
    else {
        return None;
    };
    let method = stream.config.pointer("/delivery/method").and_then(Value::as_str).unwrap_or_default();
    let polled = method == "urn:ietf:rfc:8936";
    (polled != (wanted == RxDelivery::Poll)).then(|| {
        format!(
            "not judged: the receiver configured by hand made a stream delivering by {method:?}, and this scenario is about {} delivery",
            wanted.name()
        )
    })
}

/// What a call tells the harness about the SUT's stream.
fn take_in(ctx: &mut Context<'_>, call: &SutCall) {
    match call.kind {
        CallKind::Create if call.status == 201 => {
            let id = serde_json::from_slice::<Value>(&call.answer)
                .ok()
                .and_then(|a| a["stream_id"].as_str().map(str::to_owned));
            let streams = ctx.transmitter.server.as_ref().map(|s| s.streams()).unwrap_or_default();
            if let Some(stream) = streams.into_iter().find(|s| Some(&s.id) == id.as_ref()) {
                ctx.session.minter.audience = stream.audience();
                // SSF §8.1.1: the stream's `iss` is the `iss` of its SETs, whoever it names.
                if let Some(iss) = stream.config.get("iss").and_then(Value::as_str) {
                    ctx.session.minter.issuer = iss.to_owned();
                }
                ctx.session.minter.stream = Some(StreamMint { stream_id: stream.id.clone(), state: None });
                ctx.transmitter.stream = Some(stream);
            }
        }
        CallKind::Verify => {
            let state = call.json().and_then(|b| b.get("state").and_then(Value::as_str).map(str::to_owned));
            if let Some(mint) = ctx.session.minter.stream.as_mut() {
                mint.state = state;
            }
        }
        _ => {}
    }
}

fn call_name(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Discover => "metadata request",
        CallKind::Token => "token request",
        CallKind::Create => "create-stream request",
        CallKind::Verify => "verification request",
        CallKind::Status => "status request",
        _ => "management request",
    }
}

/// Puts a call into the transcript, as an exchange on the harness's side.
fn record(ctx: &mut Context<'_>, call: &SutCall) {
    let req = Outgoing {
        method: call.method.clone(),
        url: call.url.clone(),
        headers: call.headers.clone(),
        body: call.body.clone(),
    };
    let answered = Observed { status: call.status, headers: Vec::new(), body: call.answer.clone(), truncated: false };
    ctx.record_exchange(crate::wire::TRANSMITTER_CHANNEL, &req, call.at, &Ok(answered));
}

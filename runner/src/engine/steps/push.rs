//! RFC 8935 push toward a receiving SUT: one SET per POST; and the probe of
//! the SUT's TLS with legacy versions and cipher suites (RFC 7525).

use super::request::bearer;
use crate::catalogue::{Auth, PushSpec, TlsProbeSpec};
use crate::engine::context::{Context, StepFailure};
use crate::set::SetKind;
use crate::wire::{Outgoing, TlsPin, WireError};
use std::time::Instant;

/// The media type of a SET in an HTTP body (RFC 8417 §7.2, RFC 8935 §2.1).
const SET_MEDIA_TYPE: &str = "application/secevent+jwt";

/// One SET POSTed to the SUT's push endpoint (RFC 8935 §2.1).
pub async fn push(ctx: &mut Context<'_>, spec: &PushSpec) -> Result<(), StepFailure> {
    // On an SSF stream the SUT made, the endpoint and credentials are the ones it asked for (SSF §6.1.1).
    let stream = ctx.transmitter.push_target();
    let Some(mut url) = stream.as_ref().map(|(u, _)| u.clone()).or_else(|| ctx.env.sut.push_endpoint.clone()) else {
        return Err(StepFailure::error("the SUT configuration has no push endpoint (push.endpoint)".into()));
    };
    if spec.reach.cleartext
        && let Some(rest) = url.strip_prefix("https://")
    {
        url = format!("http://{rest}");
    }
    let body = match (&spec.raw, spec.again, &ctx.ledger.last_push) {
        (Some(raw), _, _) => raw.clone().into_bytes(),
        (None, true, Some(previous)) => previous.clone(),
        (None, true, None) => return Err(StepFailure::error("`again`: nothing was pushed before".into())),
        (None, false, _) => {
            let iat = ctx.iat();
            ctx.mint_event(spec.set.unwrap_or(SetKind::Valid), iat, spec.event.as_ref()).token.into_bytes()
        }
    };
    ctx.ledger.last_push = Some(body.clone());
    ctx.seen.last_url = Some(url.clone());
    let mut headers = vec![
        ("Content-Type".to_owned(), spec.content_type.clone().unwrap_or_else(|| SET_MEDIA_TYPE.to_owned())),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    let authorization = match (spec.reach.auth.unwrap_or(Auth::Valid), stream) {
        // A push body has no query form of the token in this suite (the schema allows it on `send` only).
        (Auth::Query, _) => None,
        // SSF §6.1.1 (SSF-DLV-004): the `authorization_header` value, as the receiver gave it.
        (Auth::Valid, Some((_, header))) => header,
        (Auth::None, Some(_)) => None,
        (auth, _) => bearer(ctx, auth, &url).map(|t| format!("Bearer {t}")),
    };
    if let Some(value) = authorization {
        headers.push(("Authorization".to_owned(), value));
    }
    ctx.seen.refused = None;
    let probe = spec.reach.cleartext || spec.reach.tls.is_some();
    if spec.reach.tls.is_some() {
        ctx.link.tls_pin = Some(TlsPin::Tls12);
    }
    match ctx.call("sut", Outgoing { method: "POST".into(), url, headers, body }).await {
        Ok(observed) => ctx.absorb(observed),
        // A probe (plain http, or an old TLS version) that gets no HTTP answer is an outcome to judge (§5.3).
        Err(f) if probe && f.verdict() == setconform_reports::Verdict::Error => {
            ctx.seen.refuse(f.reason);
        }
        Err(f) => return Err(f),
    }
    Ok(())
}

/// Offers the SUT's endpoint (the one its profile uses) a legacy handshake.
pub async fn tls_probe(ctx: &mut Context<'_>, spec: &TlsProbeSpec) -> Result<(), StepFailure> {
    use crate::wire::tls_probe::{self, Answer, Offer};
    let Some(offer) = Offer::parse(&spec.offer) else {
        return Err(StepFailure::error(format!("tls_probe: unknown offer {:?}", spec.offer)));
    };
    let (endpoint, _) = ctx.sut_endpoint();
    let Some(url) = endpoint else {
        return Err(StepFailure::error("tls_probe: the SUT configuration names no endpoint for this profile".into()));
    };
    let parsed = reqwest::Url::parse(&url).map_err(|e| StepFailure::error(format!("{url}: {e}")))?;
    let host = parsed.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let mut random = [0u8; 32];
    for chunk in random.chunks_mut(8) {
        chunk.copy_from_slice(&ctx.rng.next_u64().to_le_bytes());
    }
    let hello = tls_probe::client_hello(offer, random);
    let limit = ctx.env.sut.timeouts.request.min(ctx.remaining());
    let at = Instant::now();
    let result = tls_probe::probe(&host, port, &hello, limit).await;
    let request = Outgoing {
        method: "TLS".into(),
        url: format!("tls://{host}:{port}"),
        headers: vec![("offer".into(), spec.offer.clone())],
        body: hello,
    };
    // No HTTP response either way: what the SUT answered is told in words.
    let recorded = Err(match &result {
        Ok((Answer::Agreed { version, suite }, _)) => WireError::Other(format!(
            "TLS ServerHello: version {}.{}, cipher suite 0x{suite:04X}",
            version[0], version[1]
        )),
        Ok((Answer::Refused(why), _)) => WireError::Other(format!("TLS refused: {why}")),
        Ok((Answer::NotTls(start), _)) => WireError::Other(format!("not TLS: the answer began {start}")),
        Err(why) => WireError::Connect(why.clone()),
    });
    ctx.record_exchange("sut", &request, at, &recorded);
    match result {
        Ok((Answer::NotTls(start), _)) => Err(StepFailure::error(format!(
            "tls_probe {}: the SUT endpoint does not speak TLS (its answer began {start}), so its TLS cannot be judged",
            spec.offer
        ))),
        Ok((answer, _)) => {
            ctx.seen.tls_answer = Some(answer);
            ctx.seen.tls_exchange = ctx.transcript.latest();
            Ok(())
        }
        // Recorded above as a connection that could not be made.
        Err(why) => Err(StepFailure::unreachable(format!("tls_probe {}: {why}", spec.offer))),
    }
}

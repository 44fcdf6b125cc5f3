//! How the harness builds what it sends: the request to the SUT's endpoint
//! for the binding, the credential it presents, and the body a step describes
//! (a Communication Object, a poll, a batch, or raw bytes).

use crate::catalogue::{AckSpec, Auth, Binding, BodySpec, ObjectSpec};
use crate::engine::context::{Context, StepFailure};
use crate::set::{AccessTokenGrant, AccessTokenKind, access_token};
use crate::wire::Outgoing;
use serde_json::{Map, Value, json};

/// Bearer token sent when a scenario asks for bad credentials.
const INVALID_TOKEN: &str = "setconform-invalid-token";

/// Sends one request to the SUT and takes in its answer.
pub(super) async fn post(ctx: &mut Context<'_>, req: Outgoing) -> Result<(), StepFailure> {
    let observed = ctx.call("sut", req).await?;
    ctx.absorb(observed);
    Ok(())
}

/// A request to the SUT's endpoint for this binding, as a step describes it
/// (`cleartext`: http on the same host and port).
pub(super) fn request(
    ctx: &mut Context<'_>,
    method: &str,
    body: Vec<u8>,
    content_type: Option<&str>,
    auth: Auth,
    cleartext: bool,
) -> Result<Outgoing, StepFailure> {
    let msp = ctx.binding == Binding::Msp;
    let (endpoint, field) = ctx.sut_endpoint();
    let Some(mut url) = endpoint else {
        return Err(StepFailure::error(format!("the SUT configuration has no {field}")));
    };
    if cleartext && let Some(rest) = url.strip_prefix("https://") {
        url = format!("http://{rest}");
    }
    ctx.seen.last_url = Some(url.clone());
    // Multi-SET push batches carry their revision's media type (AMB-30) and ask for JSON.
    let default_type = if msp { ctx.env.sut.msp_revision.request_media_type() } else { "application/json" };
    let mut headers = vec![("Content-Type".to_owned(), content_type.unwrap_or(default_type).to_owned())];
    if msp {
        headers.push(("Accept".to_owned(), "application/json".to_owned()));
    }
    // RFC 8936 §2.6: a poll that reports errors names their language.
    let reports_errors = || serde_json::from_slice::<Value>(&body).ok().is_some_and(|v| v.get("setErrs").is_some());
    if ctx.binding == Binding::Poll && reports_errors() {
        headers.push(("Content-Language".to_owned(), "en".to_owned()));
    }
    let token = bearer(ctx, auth, &url);
    match (token, auth) {
        // RFC 6750 §2.3: the URI query form, which SSF interop transmitters refuse (SSF-IOP-008).
        (Some(t), Auth::Query) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{separator}access_token={t}");
        }
        (Some(t), _) => headers.push(("Authorization".to_owned(), format!("Bearer {t}"))),
        (None, _) => {}
    }
    Ok(Outgoing { method: method.to_owned(), url, headers, body })
}

/// The credential a request to `url` presents under `auth`.
pub(super) fn bearer(ctx: &mut Context<'_>, auth: Auth, url: &str) -> Option<String> {
    let kind = match auth {
        Auth::Valid | Auth::Query => return ctx.session.token.clone(),
        Auth::Invalid => return Some(INVALID_TOKEN.to_owned()),
        Auth::None => return None,
        Auth::AccessToken => AccessTokenKind::Valid,
        Auth::ExpiredAccessToken => AccessTokenKind::Expired,
        Auth::AccessTokenForAnotherResource => AccessTokenKind::ForAnotherResource,
    };
    // The resource is the URL without a query (RFC 8707 §2).
    let resource = url.split(['?', '#']).next().unwrap_or(url);
    let client_id = ctx.session.peer_id().unwrap_or("manual").to_owned();
    let grant = AccessTokenGrant {
        issuer: &ctx.env.sut.harness_issuer,
        client_id: &client_id,
        resource,
        alg: ctx.session.minter.alg,
    };
    // Wall-clock time even in a seeded run: the SUT judges expiry by its own clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let jti = ctx.rng.uuid();
    Some(access_token(&grant, kind, now, &jti))
}

/// The bytes of a body as a step describes it.
pub(super) fn body_bytes(ctx: &mut Context<'_>, spec: &BodySpec) -> Vec<u8> {
    match (&spec.raw, &spec.json) {
        (Some(raw), _) => raw.clone().into_bytes(),
        (None, Some(value)) => value.to_string().into_bytes(),
        (None, None) => communication_object(ctx, &spec.object).to_string().into_bytes(),
    }
}

/// Builds the Communication Object (pushpull §5, §6.1) a step describes.
fn communication_object(ctx: &mut Context<'_>, spec: &ObjectSpec) -> Value {
    let mut object = Map::new();
    if let Some(sets) = &spec.sets {
        let iat = ctx.iat();
        let mut members = Map::new();
        for kind in sets.kinds() {
            let set = ctx.mint(kind, iat);
            members.insert(set.key, json!(set.token));
        }
        object.insert("sets".into(), Value::Object(members));
    }
    if spec.resend {
        // The same SETs, byte for byte, that the SUT has acknowledged (RFC 8936 §2.4).
        let acked: Vec<String> =
            ctx.ledger.sut_acks.keys().filter(|k| ctx.ledger.sent_tokens.contains_key(*k)).cloned().collect();
        let members = object.entry("sets").or_insert_with(|| json!({}));
        for key in acked {
            if let (Some(token), Value::Object(m)) = (ctx.ledger.sent_tokens.get(&key), &mut *members) {
                m.insert(key.clone(), json!(token));
            }
            ctx.ledger.resent.push((key, ctx.ledger.messages));
        }
    }
    let ack_member = spec.ack_member.clone().unwrap_or_else(|| "ack".to_owned());
    match &spec.ack {
        // Under a misspelled name the SETs are not really answered: they stay pending.
        Some(AckSpec::Received(_)) if ack_member != "ack" => {
            object.insert(ack_member, json!(ctx.ledger.pending.clone()));
        }
        Some(AckSpec::Received(_)) => {
            object.insert(ack_member, json!(ctx.ledger.answer_pending()));
        }
        Some(AckSpec::Literal(list)) => {
            object.insert(ack_member, json!(list));
        }
        None => {}
    }
    if spec.set_errs.is_some() {
        let errs: Map<String, Value> = ctx
            .ledger
            .answer_pending()
            .into_iter()
            .map(|jti| {
                let entry =
                    json!({ "err": "invalid_request", "description": "rejected on purpose by the setconform harness" });
                (jti, entry)
            })
            .collect();
        object.insert("setErrs".into(), Value::Object(errs));
    }
    if let Some(max) = &spec.max_response_events {
        object.insert("maxResponseEvents".into(), max.clone());
    }
    // RFC 8936 §2.2, §2.3.
    if let Some(max) = &spec.max_events {
        object.insert("maxEvents".into(), max.clone());
    }
    if let Some(immediately) = spec.return_immediately {
        object.insert("returnImmediately".into(), json!(immediately));
    }
    if let Some(more) = spec.more_available {
        object.insert("moreAvailable".into(), json!(more));
    }
    if let Some(extra) = &spec.extra {
        object.extend(extra.clone());
    }
    // A multi-SET push request always has `sets`, empty when it carries none (§4.3.1).
    if ctx.binding == Binding::Msp {
        object.entry("sets").or_insert_with(|| json!({}));
    }
    Value::Object(object)
}

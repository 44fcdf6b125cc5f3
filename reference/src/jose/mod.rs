//! Minting the reference's own SETs and validating SETs sent to it (RFC 8417).

use crate::fault::Fault;
use crate::keys::{self, KID, ROGUE_KID, ROGUE_RS256_KID, RS256_KID};
use crate::set_ids::{EVENT_TYPE, serial};
use crate::set_profile::SetProfile;
use crate::ssf_claims::{SUBJECT_DOMAIN, ssf_event, subject_identifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value, json};
use std::str::FromStr;

/// Second event type, put into `events` by the `set-two-events` fault.
const SECOND_EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-established";
/// An event type of the reference's own, defined after CAEP and RISC: put into
/// `events` by the `set-subject-in-new-event` fault.
const NEW_EVENT_TYPE: &str = "https://reference.setconform.invalid/event-type/account-note";
/// Issuer named by the `sets-foreign-iss` fault.
const FOREIGN_ISSUER: &str = "https://someone-else.setconform.invalid/";

/// Receiver number the `aud-number` fault puts in `aud` instead of the peer's name.
const RECEIVER_NUMBER: u64 = 1;

/// Who the reference speaks to: the values it puts in SETs for a peer, and
/// the values it demands in SETs from that peer.
#[derive(Debug, Clone)]
pub struct Trust {
    /// `iss` the peer's SETs must carry.
    pub peer_issuer: String,
    /// `aud` the peer's SETs must name.
    pub own_audience: String,
    /// Keys the peer signs with.
    pub peer_jwks: JwkSet,
    /// The fault the reference runs with, for the validation rules it breaks
    /// (refusing unknown claims or the long form of typ).
    pub fault: Option<Fault>,
}

pub use crate::set_ids::ISSUER;

/// Mints a signed SET for `audience` (the peer) under `profile`, honouring SET-shaped faults.
pub fn mint(jti: &str, audience: &str, iat: u64, fault: Option<Fault>, profile: SetProfile) -> String {
    let ssf = profile != SetProfile::Rfc8417;
    let typ = if fault == Some(Fault::TypJwt) { "JWT" } else { "secevent+jwt" };
    let unknown_key = fault == Some(Fault::SignWithUnknownKey);
    // CAEP interop §2.6: RS256; everything else, and the fault, signs ES256.
    let rs256 = profile == SetProfile::CaepInterop && fault != Some(Fault::SetEs256UnderInterop);
    let (alg, kid) = match (rs256, unknown_key) {
        (false, false) => (Algorithm::ES256, KID),
        (false, true) => (Algorithm::ES256, ROGUE_KID),
        (true, false) => (Algorithm::RS256, RS256_KID),
        (true, true) => (Algorithm::RS256, ROGUE_RS256_KID),
    };
    let alg_name = if rs256 { "RS256" } else { "ES256" };
    let header = if fault == Some(Fault::SetNoTyp) {
        json!({ "alg": alg_name, "kid": kid })
    } else {
        json!({ "alg": alg_name, "typ": typ, "kid": kid })
    };

    let mut claims = Map::new();
    let iss = if fault == Some(Fault::SetsForeignIss) { FOREIGN_ISSUER } else { ISSUER };
    claims.insert("iss".into(), json!(iss));
    match fault {
        Some(Fault::SetsWithoutIat) => {}
        // Milliseconds where RFC 7519 §2 wants seconds.
        Some(Fault::SetsIatInMilliseconds) => {
            claims.insert("iat".into(), json!(iat * 1000));
        }
        _ => {
            claims.insert("iat".into(), json!(iat));
        }
    }
    if fault != Some(Fault::SetsWithoutJti) {
        claims.insert("jti".into(), json!(jti));
    }
    if fault == Some(Fault::AudNumber) {
        // RFC 8417 §2.2, RFC 7519 §4.1.3: aud is a string or an array of strings.
        claims.insert("aud".into(), json!(RECEIVER_NUMBER));
    } else {
        claims.insert("aud".into(), json!(audience));
    }
    if fault == Some(Fault::SetsWithExp) {
        claims.insert("exp".into(), json!(iat + 3600));
    }
    match fault {
        Some(Fault::SetSubPresent) => {
            claims.insert("sub".into(), json!(format!("user-{jti}")));
        }
        // RFC 9493 §4.1: sub and sub_id must name one subject; these differ.
        Some(Fault::SetSubIdMismatch) => {
            claims.insert("sub".into(), json!(format!("someone-else-{jti}")));
        }
        _ => {}
    }
    if fault == Some(Fault::JtiReusedNewContent) {
        // Every SET says something new, so a reused jti never looks like a redelivery.
        claims.insert("txn".into(), json!(format!("txn-{}", serial())));
    } else if fault == Some(Fault::TxnNumber) {
        // RFC 8417 §2.2: txn is a string.
        claims.insert("txn".into(), json!(serial()));
    } else if ssf && fault != Some(Fault::SetNoTxn) {
        // SSF §4.1.9: one txn per underlying event; each SET here reports its own.
        claims.insert("txn".into(), json!(format!("txn-{jti}")));
    }
    if fault == Some(Fault::ToeString) {
        // RFC 8417 §2.2: toe is a NumericDate, a JSON number of seconds.
        claims.insert("toe".into(), json!(iat.to_string()));
    }
    if ssf && fault != Some(Fault::SetNoSubId) {
        // SSF §3.1: the subject is the top-level sub_id (RFC 9493), not a member of the event.
        claims.insert("sub_id".into(), subject_identifier(jti, fault));
    }
    if fault != Some(Fault::SetsWithoutEvents) {
        let (event_type, payload) = if ssf {
            ssf_event(iat, fault)
        } else {
            let subject = json!({ "format": "opaque", "id": format!("session-{jti}") });
            (EVENT_TYPE.to_string(), json!({ "subject": subject, "event_timestamp": iat }))
        };
        let mut events = Map::new();
        if fault == Some(Fault::EventTypeNotUri) {
            // RFC 8417 §2.2: the names in `events` are event-type URIs.
            events.insert("session-revoked".into(), payload);
        } else if fault == Some(Fault::EventPayloadNull) {
            // RFC 8417 §2: an event's value is an object, `{}` when it has no payload.
            events.insert(EVENT_TYPE.into(), Value::Null);
        } else if fault == Some(Fault::SetSubjectInNewEvent) {
            // SSF §3.1.2: only CAEP and RISC events may carry `subject`; a newer type must not.
            let subject = json!({ "format": "email", "email": format!("user-{jti}@{SUBJECT_DOMAIN}") });
            events.insert(NEW_EVENT_TYPE.into(), json!({ "subject": subject, "note": "reviewed" }));
        } else {
            events.insert(event_type, payload);
        }
        if fault == Some(Fault::SetTwoEvents) {
            events.insert(SECOND_EVENT_TYPE.into(), json!({ "event_timestamp": iat }));
        }
        claims.insert("events".into(), Value::Object(events));
    }
    let mut payload = Value::Object(claims).to_string();
    if fault == Some(Fault::SetDuplicateEvent)
        && let Some(first) = payload.find(r#""events":{""#)
    {
        // RFC 8417 §2.2 (SET-005): an event type appears once in `events`; a JSON
        // object can hold it twice only in its text, which a map-based writer never does.
        let at = first + r#""events":{"#.len();
        let key_end = payload[at + 1..].find('"').map(|e| at + 1 + e + 1);
        if let Some(end) = key_end {
            let key = payload[at..end].to_owned();
            payload.insert_str(at, &format!("{key}:{{}},"));
        }
    }
    let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(payload));
    let keys = keys::keys();
    let key = match (rs256, unknown_key) {
        (false, false) => &keys.signing,
        (false, true) => &keys.rogue,
        (true, false) => &keys.rsa,
        (true, true) => &keys.rogue_rsa,
    };
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, alg)
        .expect("signing with an embedded key cannot fail");
    format!("{signing_input}.{signature}")
}

/// Why a received SET was not accepted/// Why a received SET was not accepted, as an RFC 8935 §2.4 error code and a description.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub err: &'static str,
    pub description: String,
}

fn reject(err: &'static str, description: impl Into<String>) -> Rejection {
    Rejection { err, description: description.into() }
}

/// Validates a SET filed under `key` in a peer's `sets`.
pub fn validate(key: &str, token: &str, trust: &Trust) -> Result<(), Rejection> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(reject("invalid_request", "not a JWS compact serialization"));
    };
    let header = decode_json(h).ok_or_else(|| reject("invalid_request", "header is not base64url JSON"))?;
    let claims = decode_json(p).ok_or_else(|| reject("invalid_request", "payload is not base64url JSON"))?;

    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg == "none" {
        return Err(reject("invalid_request", "unsecured SETs are not accepted"));
    }
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("");
    let typ = typ.to_ascii_lowercase();
    // RFC 7515 §4.1.9: the long form names the same media type (AMB-25).
    let long_form_ok = trust.fault != Some(Fault::RejectLongTyp);
    // RFC 8417 §2.3 (SET-020): the explicit type keeps a SET from being taken for another kind of JWT.
    let plain_jwt_ok = trust.fault == Some(Fault::AcceptJwtTyp) && typ == "jwt";
    if typ != "secevent+jwt" && !(long_form_ok && typ == "application/secevent+jwt") && !plain_jwt_ok {
        return Err(reject("invalid_request", "typ is not secevent+jwt"));
    }
    let algorithm = Algorithm::from_str(alg).map_err(|_| reject("invalid_key", format!("unsupported alg {alg:?}")))?;
    // The signing input is the token up to its second dot (RFC 7515 §5.2).
    let signing_input = &token[..h.len() + 1 + p.len()];
    verify_signature(&header, algorithm, signing_input, s, &trust.peer_jwks)?;

    match claims.get("iss").and_then(Value::as_str) {
        None => return Err(reject("invalid_issuer", "iss is missing")),
        Some(iss) if iss != trust.peer_issuer && trust.fault != Some(Fault::AcceptForeignIssuer) => {
            return Err(reject("invalid_issuer", "iss is not the expected issuer"));
        }
        Some(_) => {}
    }
    if !audience_matches(claims.get("aud"), &trust.own_audience) {
        return Err(reject("invalid_audience", "aud does not name this receiver"));
    }
    if !claims.get("iat").is_some_and(Value::is_number) {
        return Err(reject("invalid_request", "iat is missing or not a number"));
    }
    match claims.get("jti").and_then(Value::as_str) {
        None => return Err(reject("invalid_request", "jti is missing")),
        Some(jti) if jti != key => {
            return Err(reject("invalid_request", "sets member name differs from the jti claim"));
        }
        Some(_) => {}
    }
    let events_ok = claims
        .get("events")
        .and_then(Value::as_object)
        .is_some_and(|e| !e.is_empty() && e.values().all(Value::is_object));
    if !events_ok {
        return Err(reject("invalid_request", "events is missing, empty or malformed"));
    }
    if trust.fault == Some(Fault::RejectUnknownClaims)
        && let Some(unknown) = unknown_claim(&claims)
    {
        return Err(reject("invalid_request", format!("{unknown} is not understood")));
    }
    Ok(())
}

/// The verdict of [`validate`] on each member of a `sets` object (none when
/// it is absent or not an object), in its order; `None` for a member that is
/// not a string.
pub fn validate_members(sets: Option<&Value>, trust: &Trust) -> Vec<Option<Result<(), Rejection>>> {
    let members = sets.and_then(Value::as_object).into_iter().flatten();
    members.map(|(key, token)| token.as_str().map(|t| validate(key, t, trust))).collect()
}

/// The first envelope claim, event type or event member this reference does not know.
fn unknown_claim(claims: &Value) -> Option<String> {
    const ENVELOPE: [&str; 10] = ["iss", "iat", "jti", "aud", "events", "sub", "sub_id", "txn", "toe", "exp"];
    const EVENT_MEMBERS: [&str; 5] = ["subject", "event_timestamp", "initiating_entity", "reason_admin", "reason_user"];
    let object = claims.as_object()?;
    if let Some(name) = object.keys().find(|k| !ENVELOPE.contains(&k.as_str())) {
        return Some(format!("claim {name:?}"));
    }
    for (event, payload) in object.get("events")?.as_object()? {
        if event != EVENT_TYPE {
            return Some(format!("event type {event:?}"));
        }
        if let Some(name) = payload.as_object()?.keys().find(|k| !EVENT_MEMBERS.contains(&k.as_str())) {
            return Some(format!("event member {name:?}"));
        }
    }
    None
}

fn verify_signature(
    header: &Value,
    algorithm: Algorithm,
    signing_input: &str,
    signature: &str,
    jwks: &JwkSet,
) -> Result<(), Rejection> {
    let candidates: Vec<_> = match header.get("kid").and_then(Value::as_str) {
        Some(kid) => jwks.find(kid).into_iter().collect(),
        None => jwks.keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(reject("invalid_key", "no key in the issuer's JWKS matches kid"));
    }
    let verified = candidates.into_iter().any(|jwk| {
        DecodingKey::from_jwk(jwk)
            .ok()
            .and_then(|key| jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, algorithm).ok())
            .unwrap_or(false)
    });
    if verified { Ok(()) } else { Err(reject("invalid_key", "signature does not verify")) }
}

/// Verifies a JWS signature over `signing_input` with a key of `jwks`, the
/// algorithm taken from the header (never `none`).
pub fn verify_with(header: &Value, signing_input: &str, signature: &str, jwks: &JwkSet) -> Result<(), Rejection> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("none");
    let algorithm = Algorithm::from_str(alg).map_err(|_| reject("invalid_key", format!("unsupported alg {alg:?}")))?;
    verify_signature(header, algorithm, signing_input, signature, jwks)
}

/// Whether an `aud` claim (a string or an array) names `expected`.
pub fn audience_matches(aud: Option<&Value>, expected: &str) -> bool {
    match aud {
        Some(Value::String(a)) => a == expected,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
        _ => false,
    }
}

/// The `jti` claim of a compact JWS, read without validating anything.
pub fn jti_of(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    decode_json(payload)?.get("jti")?.as_str().map(str::to_owned)
}

/// The `kid` a SET's JOSE header names, if any.
pub fn kid_of(token: &str) -> Option<String> {
    decode_json(token.split('.').next()?)?.get("kid")?.as_str().map(str::to_owned)
}

/// A base64url-encoded JSON object: a JWS header or payload, not validated.
pub fn decode_part(part: &str) -> Option<Value> {
    decode_json(part)
}

fn decode_json(part: &str) -> Option<Value> {
    let bytes = B64.decode(part).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
}

#[cfg(test)]
mod tests;

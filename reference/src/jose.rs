//! Minting the reference's own SETs and validating SETs sent to it (RFC 8417).

use crate::fault::Fault;
use crate::keys::{self, KID, ROGUE_KID};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value, json};
use std::str::FromStr;

/// Event type the reference emits: a CAEP session revocation.
const EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

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

/// Issuer the reference puts in its own SETs.
pub const ISSUER: &str = "https://reference.setconform.invalid/";

/// Mints a signed SET for `audience` (the peer), honouring SET-shaped faults.
pub fn mint(jti: &str, audience: &str, iat: u64, fault: Option<Fault>) -> String {
    let typ = if fault == Some(Fault::TypJwt) { "JWT" } else { "secevent+jwt" };
    let unknown_key = fault == Some(Fault::SignWithUnknownKey);
    let kid = if unknown_key { ROGUE_KID } else { KID };
    let header = json!({ "alg": "ES256", "typ": typ, "kid": kid });

    let mut claims = Map::new();
    claims.insert("iss".into(), json!(ISSUER));
    if fault != Some(Fault::SetsWithoutIat) {
        claims.insert("iat".into(), json!(iat));
    }
    claims.insert("jti".into(), json!(jti));
    claims.insert("aud".into(), json!(audience));
    if fault == Some(Fault::SetsWithExp) {
        claims.insert("exp".into(), json!(iat + 3600));
    }
    if fault == Some(Fault::JtiReusedNewContent) {
        // Every SET says something new, so a reused jti never looks like a redelivery.
        static MINTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = MINTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        claims.insert("txn".into(), json!(format!("txn-{n}")));
    }
    if fault != Some(Fault::SetsWithoutEvents) {
        claims.insert(
            "events".into(),
            json!({ EVENT_TYPE: {
                "subject": { "format": "opaque", "id": format!("session-{jti}") },
                "event_timestamp": iat
            }}),
        );
    }
    let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(Value::Object(claims).to_string()));
    let keys = keys::keys();
    let key = if unknown_key { &keys.rogue } else { &keys.signing };
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, Algorithm::ES256)
        .expect("ES256 signing with an embedded key cannot fail");
    format!("{signing_input}.{signature}")
}

/// Why a received SET was not accepted, as an RFC 8935 §2.4 error code and a description.
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
    if typ != "secevent+jwt" && !(long_form_ok && typ == "application/secevent+jwt") {
        return Err(reject("invalid_request", "typ is not secevent+jwt"));
    }
    let algorithm = Algorithm::from_str(alg).map_err(|_| reject("invalid_key", format!("unsupported alg {alg:?}")))?;
    verify_signature(&header, algorithm, &format!("{h}.{p}"), s, &trust.peer_jwks)?;

    match claims.get("iss").and_then(Value::as_str) {
        None => return Err(reject("invalid_issuer", "iss is missing")),
        Some(iss) if iss != trust.peer_issuer => {
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

fn audience_matches(aud: Option<&Value>, expected: &str) -> bool {
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

fn decode_json(part: &str) -> Option<Value> {
    let bytes = B64.decode(part).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_trust() -> Trust {
        Trust {
            peer_issuer: ISSUER.into(),
            own_audience: "urn:test:peer".into(),
            peer_jwks: keys::keys().jwks.clone(),
            fault: None,
        }
    }

    #[test]
    fn own_sets_validate_and_faulty_ones_do_not() {
        let trust = self_trust();
        let good = mint("j1", "urn:test:peer", 1, None);
        assert_eq!(validate("j1", &good, &trust), Ok(()));
        assert_eq!(validate("other", &good, &trust).unwrap_err().err, "invalid_request");
        let rogue = mint("j1", "urn:test:peer", 1, Some(Fault::SignWithUnknownKey));
        assert_eq!(validate("j1", &rogue, &trust).unwrap_err().err, "invalid_key");
        let no_iat = mint("j1", "urn:test:peer", 1, Some(Fault::SetsWithoutIat));
        assert_eq!(validate("j1", &no_iat, &trust).unwrap_err().err, "invalid_request");
        let wrong_aud = mint("j1", "urn:test:else", 1, None);
        assert_eq!(validate("j1", &wrong_aud, &trust).unwrap_err().err, "invalid_audience");
    }
}

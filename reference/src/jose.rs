//! Minting the reference's own SETs and validating SETs sent to it (RFC 8417).

use crate::fault::Fault;
use crate::keys::{self, KID, ROGUE_KID, ROGUE_RS256_KID, RS256_KID};
use crate::set_profile::SetProfile;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value, json};
use std::str::FromStr;

/// Where CAEP 1.0 event types are named.
const CAEP_BASE: &str = "https://schemas.openid.net/secevent/caep/event-type/";
/// Event type the reference emits: a CAEP session revocation.
const EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
/// Second event type, put into `events` by the `set-two-events` fault.
const SECOND_EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-established";
/// An event type of the reference's own, defined after CAEP and RISC: put into
/// `events` by the `set-subject-in-new-event` fault.
const NEW_EVENT_TYPE: &str = "https://reference.setconform.invalid/event-type/account-note";
/// Issuer named by the `sets-foreign-iss` fault.
const FOREIGN_ISSUER: &str = "https://someone-else.setconform.invalid/";
/// Domain of the email subjects in SSF SETs (RFC 2606: never resolves).
const SUBJECT_DOMAIN: &str = "reference.setconform.invalid";

/// Receiver number the `aud-number` fault puts in `aud` instead of the peer's name.
const RECEIVER_NUMBER: u64 = 1;

/// A number no SET minted before has had, for claims that must differ from SET to SET.
fn serial() -> u64 {
    static MINTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    MINTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

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
    let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(Value::Object(claims).to_string()));
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

/// The `sub_id` of an SSF SET: an email subject, or the one a subject fault names.
fn subject_identifier(jti: &str, fault: Option<Fault>) -> Value {
    let email = format!("user-{jti}@{SUBJECT_DOMAIN}");
    let email_subject = json!({ "format": "email", "email": email });
    match fault {
        Some(Fault::SetBadSubject) => json!({ "format": "email" }),
        Some(Fault::SetUnlistedSubjectFormat) => json!({ "format": "account", "uri": format!("acct:{email}") }),
        Some(Fault::SetSubIdMismatch) => json!({ "format": "iss_sub", "iss": ISSUER, "sub": format!("user-{jti}") }),
        // RFC 9493 §3 (SUBID-001): an identifier names its format in `format`.
        Some(Fault::SetSubjectWithoutFormat) => json!({ "email": email }),
        // RFC 9493 §3 (SUBID-002): no member the format does not describe.
        Some(Fault::SetSubjectExtraMember) => {
            json!({ "format": "email", "email": email, "name": format!("User {jti}") })
        }
        // RFC 9493 §3.2.1 (SUBID-003): `uri` is an `acct:` URI.
        Some(Fault::SetAccountNotAcct) => json!({ "format": "account", "uri": format!("mailto:{email}") }),
        // RFC 9493 §3.2.3 (SUBID-005): both `iss` and `sub`.
        Some(Fault::SetIssSubWithoutSub) => json!({ "format": "iss_sub", "iss": ISSUER }),
        // RFC 9493 §3.2.4 (SUBID-006): `id` is a string.
        Some(Fault::SetOpaqueIdNumber) => json!({ "format": "opaque", "id": serial() }),
        // RFC 9493 §3.2.5 (SUBID-007): E.164, international prefix included.
        Some(Fault::SetPhoneNotE164) => json!({ "format": "phone_number", "phone_number": "(555) 010-0123" }),
        // RFC 9493 §3.2.6 (SUBID-008): `url` is a DID URL.
        Some(Fault::SetDidNotDid) => {
            json!({ "format": "did", "url": format!("https://{SUBJECT_DOMAIN}/users/user-{jti}") })
        }
        // RFC 9493 §3.2.7 (SUBID-009): `uri` is a URI, which has a scheme.
        Some(Fault::SetUriWithoutScheme) => json!({ "format": "uri", "uri": format!("/users/user-{jti}") }),
        // RFC 9493 §3.2.8 (SUBID-010): no aliases identifier inside another.
        Some(Fault::SetNestedAliases) => {
            let inner =
                json!({ "format": "aliases", "identifiers": [{ "format": "opaque", "id": format!("user-{jti}") }] });
            json!({ "format": "aliases", "identifiers": [email_subject, inner] })
        }
        // SSF §3.3 (SUBID-013): each member of a complex subject is a subject identifier.
        Some(Fault::SetComplexMemberString) => {
            json!({ "format": "complex", "user": email_subject, "device": format!("device-{jti}") })
        }
        // SSF §3.5.1 (SUBID-015): `iss` and `jti`.
        Some(Fault::SetJwtIdWithoutJti) => json!({ "format": "jwt_id", "iss": ISSUER }),
        // SSF §3.5.2 (SUBID-016): `issuer` and `assertion_id`.
        Some(Fault::SetSamlIdWithoutIssuer) => {
            json!({ "format": "saml_assertion_id", "assertion_id": format!("_assertion-{jti}") })
        }
        // SSF §3.5.3 (SUBID-017): `ip-addresses` is an array.
        Some(Fault::SetIpAddressesString) => json!({ "format": "ip-addresses", "ip-addresses": "192.0.2.10" }),
        _ => email_subject,
    }
}

/// The one event of an SSF SET: a session revocation, or the CAEP event a payload fault names.
fn ssf_event(iat: u64, fault: Option<Fault>) -> (String, Value) {
    let caep = |kind: &str| format!("{CAEP_BASE}{kind}");
    let common = |extra: Value| {
        let mut payload = json!({ "event_timestamp": iat, "initiating_entity": "policy" });
        payload.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        payload
    };
    match fault {
        // CAEP 1.0 §2 (CAEP-001): admin, user, policy or system.
        Some(Fault::SetInitiatingEntityUnlisted) => {
            (caep("session-revoked"), common(json!({ "initiating_entity": "scheduler" })))
        }
        // CAEP 1.0 §2 (CAEP-002): a reason is keyed by language tag.
        Some(Fault::SetReasonNotLocalized) => (
            caep("session-revoked"),
            common(json!({ "initiating_entity": "admin", "reason_admin": "Signed out by the help desk" })),
        ),
        // CAEP 1.0 §2 (CAEP-003): a NumericDate, a number.
        Some(Fault::SetEventTimestampString) => {
            (caep("session-revoked"), common(json!({ "event_timestamp": iat.to_string() })))
        }
        // CAEP 1.0 §3.2 (CAEP-004): `claims` gives each changed claim with its new value.
        Some(Fault::SetClaimsChangeNamesOnly) => (caep("token-claims-change"), common(json!({ "claims": ["role"] }))),
        // CAEP 1.0 §3.3 (CAEP-005): change_type is create, revoke, update or delete.
        Some(Fault::SetCredentialChangeUnlisted) => {
            (caep("credential-change"), common(json!({ "credential_type": "password", "change_type": "reset" })))
        }
        // CAEP 1.0 §3.4 (CAEP-006): `current_level` is a string.
        Some(Fault::SetAssuranceLevelNumber) => {
            (caep("assurance-level-change"), common(json!({ "namespace": "NIST-AAL", "current_level": 2 })))
        }
        // CAEP 1.0 §3.4 (CAEP-007): change_direction is increase or decrease.
        Some(Fault::SetChangeDirectionUnlisted) => (
            caep("assurance-level-change"),
            common(json!({
                "namespace": "NIST-AAL", "current_level": "nist-aal2", "previous_level": "nist-aal1", "change_direction": "up"
            })),
        ),
        // CAEP 1.0 §3.5 (CAEP-009): compliant or not-compliant.
        Some(Fault::SetComplianceMisspelled) => (
            caep("device-compliance-change"),
            common(json!({ "previous_status": "compliant", "current_status": "non-compliant" })),
        ),
        // CAEP 1.0 §3.6 (CAEP-010): `amr` is an array of strings.
        Some(Fault::SetAmrString) => (caep("session-established"), common(json!({ "amr": "pwd" }))),
        // CAEP 1.0 §3.8 (CAEP-011): LOW, MEDIUM or HIGH.
        Some(Fault::SetRiskLevelLowercase) => (
            caep("risk-level-change"),
            common(json!({ "principal": "USER", "current_level": "high", "previous_level": "low" })),
        ),
        _ => (EVENT_TYPE.to_string(), common(json!({}))),
    }
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
    verify_signature(&header, algorithm, &format!("{h}.{p}"), s, &trust.peer_jwks)?;

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

    const AUD: &str = "urn:test:peer";

    fn mint_as(fault: Option<Fault>, profile: SetProfile) -> String {
        mint("j1", AUD, 1_700_000_000, fault, profile)
    }

    /// Header and claims of a compact JWS, without checking anything.
    fn parts(token: &str) -> (Value, Value) {
        let mut it = token.split('.');
        let header = decode_json(it.next().unwrap()).unwrap();
        let claims = decode_json(it.next().unwrap()).unwrap();
        (header, claims)
    }

    /// Whether the signature verifies with the key the header names in the published JWKS.
    fn verifies(token: &str) -> bool {
        let (header, _) = parts(token);
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let algorithm = Algorithm::from_str(header["alg"].as_str().unwrap()).unwrap();
        let Some(jwk) = keys::keys().jwks.find(header["kid"].as_str().unwrap()) else { return false };
        let key = DecodingKey::from_jwk(jwk).unwrap();
        jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, algorithm).unwrap()
    }

    fn ssf_claims() -> Value {
        json!({
            "iss": ISSUER,
            "iat": 1_700_000_000,
            "jti": "j1",
            "aud": AUD,
            "txn": "txn-j1",
            "sub_id": { "format": "email", "email": "user-j1@reference.setconform.invalid" },
            "events": { EVENT_TYPE: { "event_timestamp": 1_700_000_000, "initiating_entity": "policy" } }
        })
    }

    #[test]
    fn rfc8417_sets_are_minted_as_before() {
        let token = mint_as(None, SetProfile::Rfc8417);
        let (h, p, _) = {
            let mut it = token.split('.');
            (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
        };
        // Byte for byte: the header and claims in this order, nothing more.
        assert_eq!(B64.decode(h).unwrap(), br#"{"alg":"ES256","typ":"secevent+jwt","kid":"reference-es256"}"#);
        let expected = format!(
            r#"{{"iss":"{ISSUER}","iat":1700000000,"jti":"j1","aud":"{AUD}","events":{{"{EVENT_TYPE}":{{"subject":{{"format":"opaque","id":"session-j1"}},"event_timestamp":1700000000}}}}}}"#
        );
        assert_eq!(String::from_utf8(B64.decode(p).unwrap()).unwrap(), expected);
        assert!(verifies(&token));
    }

    #[test]
    fn ssf_sets_carry_sub_id_txn_and_one_event_signed_es256() {
        let token = mint_as(None, SetProfile::Ssf);
        let (header, claims) = parts(&token);
        assert_eq!(header, json!({ "alg": "ES256", "typ": "secevent+jwt", "kid": KID }));
        assert_eq!(claims, ssf_claims());
        assert!(verifies(&token));
        // txn is unique per SET.
        let (_, other) = parts(&mint("j2", AUD, 1_700_000_000, None, SetProfile::Ssf));
        assert_ne!(claims["txn"], other["txn"]);
    }

    #[test]
    fn caep_interop_sets_are_ssf_sets_signed_rs256() {
        let token = mint_as(None, SetProfile::CaepInterop);
        let (header, claims) = parts(&token);
        assert_eq!(header, json!({ "alg": "RS256", "typ": "secevent+jwt", "kid": RS256_KID }));
        assert_eq!(claims, ssf_claims());
        assert!(verifies(&token));
        let jwk = keys::keys().jwks.find(RS256_KID).unwrap();
        let key = DecodingKey::from_jwk(jwk).unwrap();
        let validation = {
            let mut v = jsonwebtoken::Validation::new(Algorithm::RS256);
            v.set_audience(&[AUD]);
            v.required_spec_claims.clear();
            v.validate_exp = false;
            v
        };
        assert!(jsonwebtoken::decode::<Value>(&token, &key, &validation).is_ok());
    }

    #[test]
    fn every_profile_validates_against_the_published_jwks() {
        let trust = self_trust();
        for profile in SetProfile::ALL {
            assert_eq!(validate("j1", &mint_as(None, profile), &trust), Ok(()), "{profile:?}");
            let rogue = mint_as(Some(Fault::SignWithUnknownKey), profile);
            assert_eq!(validate("j1", &rogue, &trust).unwrap_err().err, "invalid_key", "{profile:?}");
        }
    }

    /// What each SET content fault changes, under the profile it is run in:
    /// the minted header and claims must be the clean ones with exactly that change.
    #[test]
    fn each_set_fault_changes_only_what_it_names() {
        type Change = fn(&mut Map<String, Value>, &mut Map<String, Value>);
        let cases: [(Fault, Change); 9] = [
            (Fault::SetNoTyp, |h, _| {
                h.shift_remove("typ");
            }),
            (Fault::SetSubPresent, |_, c| {
                c.insert("sub".into(), json!("user-j1"));
            }),
            (Fault::SetNoSubId, |_, c| {
                c.shift_remove("sub_id");
            }),
            (Fault::SetNoTxn, |_, c| {
                c.shift_remove("txn");
            }),
            (Fault::SetTwoEvents, |_, c| {
                let events = c["events"].as_object_mut().unwrap();
                events.insert(SECOND_EVENT_TYPE.into(), json!({ "event_timestamp": 1_700_000_000 }));
            }),
            (Fault::SetBadSubject, |_, c| {
                c["sub_id"] = json!({ "format": "email" });
            }),
            (Fault::SetEs256UnderInterop, |h, _| {
                h["alg"] = json!("ES256");
                h["kid"] = json!(KID);
            }),
            (Fault::SetUnlistedSubjectFormat, |_, c| {
                c["sub_id"] = json!({ "format": "account", "uri": "acct:user-j1@reference.setconform.invalid" });
            }),
            (Fault::SetsWithExp, |_, c| {
                c.insert("exp".into(), json!(1_700_003_600));
            }),
        ];
        for (fault, change) in cases {
            let profile = fault.set_profile();
            assert_ne!(profile, SetProfile::Rfc8417, "{fault:?}");
            let (Value::Object(mut header), Value::Object(mut claims)) = parts(&mint_as(None, profile)) else {
                unreachable!()
            };
            change(&mut header, &mut claims);
            let token = mint_as(Some(fault), profile);
            let (faulty_header, faulty_claims) = parts(&token);
            assert_eq!(faulty_header, Value::Object(header), "{fault:?}");
            assert_eq!(faulty_claims, Value::Object(claims), "{fault:?}");
            // The signature stays good: only the named rule is broken.
            assert!(verifies(&token), "{fault:?}");
        }
    }

    /// Subject and CAEP payload faults change only `sub_id`, or only the one event, and keep the signature.
    #[test]
    fn subject_and_payload_faults_change_only_the_subject_or_the_event() {
        let (_, clean) = parts(&mint_as(None, SetProfile::Ssf));
        // A fault that breaks only subject identifier rules, or only CAEP payload rules.
        let only = |fault: &Fault, family: &str| {
            !fault.breaks().is_empty() && fault.breaks().iter().all(|r| r.starts_with(family))
        };
        let subject_faults: Vec<Fault> = Fault::ALL.into_iter().filter(|f| only(f, "SUBID-")).collect();
        let event_faults: Vec<Fault> = Fault::ALL.into_iter().filter(|f| only(f, "CAEP-")).collect();
        assert!(subject_faults.len() >= 13 && event_faults.len() >= 10, "{subject_faults:?} {event_faults:?}");
        for (faults, changed) in [(&subject_faults[..], "sub_id"), (&event_faults[..], "events")] {
            for &fault in faults {
                assert_eq!(fault.set_profile(), SetProfile::Ssf, "{fault:?}");
                let token = mint_as(Some(fault), SetProfile::Ssf);
                let (_, mut claims) = parts(&token);
                assert_ne!(claims[changed], clean[changed], "{fault:?}");
                claims[changed] = clean[changed].clone();
                assert_eq!(claims, clean, "{fault:?}");
                assert!(verifies(&token), "{fault:?}");
                assert_eq!(
                    parts(&mint_as(Some(fault), SetProfile::Rfc8417)),
                    parts(&mint_as(None, SetProfile::Rfc8417))
                );
            }
        }
        let (_, claims) = parts(&mint_as(Some(Fault::SetAmrString), SetProfile::Ssf));
        assert_eq!(claims["events"].as_object().unwrap().len(), 1, "still one event");
    }

    #[test]
    fn claim_shape_faults_change_only_their_claim() {
        type Change = fn(&mut Map<String, Value>);
        let cases: [(Fault, Change); 6] = [
            (Fault::EventTypeNotUri, |c| {
                let payload = c["events"][EVENT_TYPE].take();
                c["events"] = json!({ "session-revoked": payload });
            }),
            (Fault::EventPayloadNull, |c| c["events"] = json!({ EVENT_TYPE: null })),
            (Fault::SetsWithoutJti, |c| drop(c.shift_remove("jti"))),
            (Fault::AudNumber, |c| c["aud"] = json!(RECEIVER_NUMBER)),
            (Fault::TxnNumber, |c| drop(c.insert("txn".into(), c["txn"].clone()))),
            (Fault::ToeString, |c| drop(c.insert("toe".into(), json!("1700000000")))),
        ];
        for (fault, change) in cases {
            let Value::Object(mut claims) = parts(&mint_as(None, SetProfile::Rfc8417)).1 else { unreachable!() };
            let token = mint_as(Some(fault), SetProfile::Rfc8417);
            let (_, mut faulty) = parts(&token);
            if fault == Fault::TxnNumber {
                assert!(faulty["txn"].is_u64(), "a number");
                claims.insert("txn".into(), faulty["txn"].clone());
            }
            change(&mut claims);
            if fault == Fault::TxnNumber {
                faulty["txn"] = claims["txn"].clone();
            }
            assert_eq!(faulty, Value::Object(claims), "{fault:?}");
            assert!(verifies(&token), "{fault:?}");
        }
    }

    #[test]
    fn existing_set_faults_work_under_every_profile() {
        for profile in SetProfile::ALL {
            let (_, claims) = parts(&mint_as(Some(Fault::SetsWithoutIat), profile));
            assert!(claims.get("iat").is_none(), "{profile:?}");
            let (_, claims) = parts(&mint_as(Some(Fault::SetsWithoutEvents), profile));
            assert!(claims.get("events").is_none(), "{profile:?}");
            let (_, claims) = parts(&mint_as(Some(Fault::SetsWithExp), profile));
            assert_eq!(claims["exp"], 1_700_003_600, "{profile:?}");
            let (header, _) = parts(&mint_as(Some(Fault::TypJwt), profile));
            assert_eq!(header["typ"], "JWT", "{profile:?}");
            let rogue = mint_as(Some(Fault::SignWithUnknownKey), profile);
            assert!(!verifies(&rogue), "{profile:?}");
            let (_, a) = parts(&mint_as(Some(Fault::JtiReusedNewContent), profile));
            let (_, b) = parts(&mint_as(Some(Fault::JtiReusedNewContent), profile));
            assert_ne!(a, b, "{profile:?}");
        }
    }

    #[test]
    fn own_sets_validate_and_faulty_ones_do_not() {
        let trust = self_trust();
        let good = mint("j1", "urn:test:peer", 1, None, SetProfile::Rfc8417);
        assert_eq!(validate("j1", &good, &trust), Ok(()));
        assert_eq!(validate("other", &good, &trust).unwrap_err().err, "invalid_request");
        let rogue = mint("j1", "urn:test:peer", 1, Some(Fault::SignWithUnknownKey), SetProfile::Rfc8417);
        assert_eq!(validate("j1", &rogue, &trust).unwrap_err().err, "invalid_key");
        let no_iat = mint("j1", "urn:test:peer", 1, Some(Fault::SetsWithoutIat), SetProfile::Rfc8417);
        assert_eq!(validate("j1", &no_iat, &trust).unwrap_err().err, "invalid_request");
        let wrong_aud = mint("j1", "urn:test:else", 1, None, SetProfile::Rfc8417);
        assert_eq!(validate("j1", &wrong_aud, &trust).unwrap_err().err, "invalid_audience");
    }
}

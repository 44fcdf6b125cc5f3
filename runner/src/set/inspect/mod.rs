//! Judging SETs a SUT sends against RFC 8417 and the SUT's published keys.
//!
//! Each finding names the requirement it breaks, so a report can say which
//! claim failed, not just that a token was rejected.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use setconform_reports::DecodedSet;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// What the harness knows about the SUT as an issuer of SETs.
#[derive(Debug, Clone, Default)]
pub struct SetTrust {
    /// `iss` the SUT's SETs must carry, when known.
    pub issuer: Option<String>,
    /// `aud` the SUT's SETs for the harness should name, when known.
    pub audience: Option<String>,
    /// The SUT's public keys; without them signatures are not checked.
    pub jwks: Option<JwkSet>,
    /// Where the SUT publishes its keys (SSF §7.1 `jwks_uri`): fetched again
    /// when a SET names a key id that `jwks` lacks (SSF-SET-012).
    pub jwks_uri: Option<String>,
}

/// One rule in one SET that is broken, or that could not be judged.
#[derive(Debug, Clone, PartialEq)]
pub struct SetFinding {
    pub req: &'static str,
    /// What breaks the rule; or, when `not_judged`, why it could not be judged.
    pub detail: String,
    /// The rule could not be judged on this SET: neither kept nor broken.
    pub not_judged: bool,
}

fn finding(req: &'static str, detail: impl Into<String>) -> SetFinding {
    SetFinding { req, detail: detail.into(), not_judged: false }
}

fn not_judged(req: &'static str, why: impl Into<String>) -> SetFinding {
    SetFinding { req, detail: why.into(), not_judged: true }
}

/// Why a signed SET's signature is not judged when the harness has no keys for the SUT.
pub const NO_SUT_KEYS: &str = "no keys for the SUT's SETs (sets.jwks_file, jwks_uri or the registration)";

/// Why nothing inside an encrypted SET is judged.
pub const ENCRYPTED: &str = "an encrypted SET (JWE), which the harness holds no key to decrypt";

/// Every rule that needs the SET's claims, its JWS header or its signature:
/// none can be judged on a SET the harness cannot decrypt. That is every rule
/// inspected here, and SET-005 (duplicate event identifiers, RFC 8417 §2.2).
fn needs_plaintext() -> impl Iterator<Item = &'static str> {
    super::INSPECTED_REQUIREMENTS.into_iter().chain(["SET-005"])
}

/// Every rule the SET filed under `key` breaks, and those it could not be
/// judged on; empty when it is sound.
pub fn inspect(key: &str, token: &str, trust: &SetTrust) -> Vec<SetFinding> {
    let mut out = Vec::new();
    let parts: Vec<&str> = token.split('.').collect();
    if let [header, rest @ ..] = &parts[..]
        && rest.len() == 4
    {
        // SET-001 (RFC 8417 §2): a SET may be encrypted, so a well-formed
        // compact JWE is a SET; a five-part token that is not one is no SET.
        match malformed_jwe(header, rest) {
            Some(why) => out.push(finding("SET-001", format!("not a compact JWE: {why}"))),
            None => out.extend(needs_plaintext().map(|req| not_judged(req, ENCRYPTED))),
        }
        return out;
    }
    let [h, p, s] = parts[..] else {
        out.push(finding("SET-001", format!("not a compact JWS: {} dot-separated parts", parts.len())));
        return out;
    };
    let Some(header) = decode_object(h) else {
        out.push(finding("SET-001", "JOSE header is not base64url-encoded JSON object"));
        return out;
    };
    let Some(payload_bytes) = super::unb64(p) else {
        out.push(finding("SET-001", "payload is not base64url"));
        return out;
    };
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(&payload_bytes) else {
        out.push(finding("SET-001", "payload is not a JSON object"));
        return out;
    };

    check_typ(&header, &mut out);
    check_signature(&header, &format!("{h}.{p}"), s, trust, &mut out);

    match claims.get("iss") {
        None => out.push(finding("SET-010", "iss claim is missing")),
        Some(Value::String(iss)) => {
            if let Some(expected) = trust.issuer.as_deref().filter(|e| e != iss) {
                out.push(finding("SET-010", format!("iss is {iss:?}, the SUT's issuer is {expected:?}")));
            }
        }
        Some(other) => out.push(finding("SET-010", format!("iss is not a string: {other}"))),
    }
    match claims.get("iat") {
        None => out.push(finding("SET-011", "iat claim is missing")),
        Some(v) if !v.is_number() => out.push(finding("SET-011", format!("iat is not a NumericDate: {v}"))),
        Some(v) => {
            if let Some(why) = v.as_f64().and_then(implausible_iat) {
                out.push(finding("SET-011", format!("iat {v} is not a plausible issue time: {why}")));
            }
        }
    }
    match claims.get("jti") {
        None => out.push(finding("SET-012", "jti claim is missing")),
        Some(Value::String(jti)) if jti != key => {
            out.push(finding("PP-CO-003", format!("filed under {key:?} but its jti is {jti:?}")))
        }
        Some(Value::String(_)) => {}
        Some(other) => out.push(finding("SET-012", format!("jti is not a string: {other}"))),
    }
    check_events(claims.get("events"), &payload_bytes, &mut out);
    match claims.get("aud") {
        None => out.push(finding("SET-013", "aud claim is missing")),
        Some(aud) => match audience_names(aud) {
            None => out.push(finding("SET-013", format!("aud is neither a string nor an array of strings: {aud}"))),
            Some(names) if names.is_empty() => {
                out.push(finding("SET-013", "aud is an empty array: it names no recipient"))
            }
            Some(names) => {
                if let Some(expected) = trust.audience.as_deref().filter(|e| !names.contains(e)) {
                    out.push(finding("SET-013", format!("aud {aud} does not name the harness ({expected:?})")));
                }
            }
        },
    }
    if claims.contains_key("exp") {
        out.push(finding("SET-015", "exp claim is present"));
    }
    if claims.get("txn").is_some_and(|t| !t.is_string()) {
        out.push(finding("SET-017", "txn is not a string"));
    }
    if claims.get("toe").is_some_and(|t| !t.is_number()) {
        out.push(finding("SET-018", "toe is not a NumericDate"));
    }
    out
}

/// The recipients `aud` names, when it is a string or an array of strings
/// (SET-013, RFC 7519 §4.1.3); `None` for any other shape, such as an array
/// with a member that is not a string.
fn audience_names(aud: &Value) -> Option<Vec<&str>> {
    match aud {
        Value::String(a) => Some(vec![a.as_str()]),
        Value::Array(list) => list.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Clock skew is allowed for: only an issue time a day ahead of the harness's
/// clock, or before 2000, says the SUT's clock or encoding is wrong (seconds, not ms).
const IAT_SKEW_SECS: f64 = 86_400.0;
const IAT_EARLIEST: f64 = 946_684_800.0;

fn implausible_iat(iat: f64) -> Option<String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    if iat > now + IAT_SKEW_SECS {
        Some(format!("{:.0} s ahead of the harness's clock", iat - now))
    } else if iat < IAT_EARLIEST {
        Some("before the year 2000".to_owned())
    } else {
        None
    }
}

fn check_typ(header: &serde_json::Map<String, Value>, out: &mut Vec<SetFinding>) {
    match header.get("typ").and_then(Value::as_str) {
        None => out.push(finding("SET-020", "JOSE header has no typ")),
        Some("secevent+jwt") => {}
        Some(t) if t.eq_ignore_ascii_case("application/secevent+jwt") => {
            out.push(finding("SET-021", format!("typ is {t:?}; the short form secevent+jwt is recommended")));
        }
        Some(t) => out.push(finding("SET-021", format!("typ is {t:?}, not secevent+jwt"))),
    }
}

fn check_signature(
    header: &serde_json::Map<String, Value>,
    signing_input: &str,
    signature: &str,
    trust: &SetTrust,
    out: &mut Vec<SetFinding>,
) {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    // An unsecured SET is a legal SET (RFC 8417 §2.4, AMB-26): nothing to verify.
    if alg == "none" {
        return;
    }
    let Some(jwks) = &trust.jwks else {
        out.push(not_judged("SET-001", NO_SUT_KEYS));
        return;
    };
    let Ok(algorithm) = Algorithm::from_str(alg) else {
        out.push(finding("SET-001", format!("unknown JWS alg {alg:?}")));
        return;
    };
    let kid = header.get("kid").and_then(Value::as_str);
    let candidates: Vec<_> = match kid {
        Some(kid) => jwks.find(kid).into_iter().collect(),
        None => jwks.keys.iter().collect(),
    };
    if candidates.is_empty() {
        out.push(finding("SET-001", format!("no key in the SUT's JWKS has kid {:?}", kid.unwrap_or(""))));
        return;
    }
    let verified = candidates.iter().any(|jwk| {
        DecodingKey::from_jwk(jwk)
            .ok()
            .and_then(|k| jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &k, algorithm).ok())
            .unwrap_or(false)
    });
    if !verified {
        out.push(finding("SET-001", format!("{alg} signature does not verify against the SUT's JWKS")));
    }
}

fn check_events(events: Option<&Value>, payload: &[u8], out: &mut Vec<SetFinding>) {
    let events = match events {
        None => return out.push(finding("SET-002", "events claim is missing")),
        Some(Value::Object(e)) if e.is_empty() => return out.push(finding("SET-002", "events is an empty object")),
        Some(Value::Object(e)) => e,
        Some(other) => return out.push(finding("SET-002", format!("events is not an object: {other}"))),
    };
    for (name, payload) in events {
        if !looks_like_uri(name) {
            out.push(finding("SET-003", format!("event identifier {name:?} is not a URI")));
        }
        // SET-003: every event's value is an object; SET-004: one with
        // nothing to say is `{}`, not a placeholder such as null or true.
        if !payload.is_object() {
            out.push(finding("SET-003", format!("event {name:?} payload is not an object: {payload}")));
        }
        if is_placeholder(payload) {
            out.push(finding(
                "SET-004",
                format!("event {name:?} has the placeholder {payload} for a payload, not {{}}"),
            ));
        }
    }
    if let Some(dup) = duplicate_event(payload) {
        out.push(finding("SET-005", format!("event identifier {dup:?} appears twice")));
    }
}

/// A value that stands for "no payload" (RFC 8417 §2: that is `{}`): null,
/// a boolean, or an empty string or array.
fn is_placeholder(payload: &Value) -> bool {
    match payload {
        Value::Null | Value::Bool(_) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A URI has a scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
fn looks_like_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
}

/// Finds a repeated member name inside the top-level `events` object, which a
/// JSON parser would silently collapse.
fn duplicate_event(payload: &[u8]) -> Option<String> {
    struct Top(Option<String>);
    impl<'de> Visitor<'de> for &mut Top {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "events" {
                    self.0 = map.next_value::<EventNames>()?.0;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }
    struct EventNames(Option<String>);
    impl<'de> de::Deserialize<'de> for EventNames {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = EventNames;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventNames, A::Error> {
                    let mut seen = HashSet::new();
                    let mut dup = None;
                    while let Some(key) = map.next_key::<String>()? {
                        map.next_value::<IgnoredAny>()?;
                        if !seen.insert(key.clone()) && dup.is_none() {
                            dup = Some(key);
                        }
                    }
                    Ok(EventNames(dup))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventNames, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(EventNames(None))
                }
                fn visit_str<E>(self, _: &str) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
                fn visit_bool<E>(self, _: bool) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
                fn visit_i64<E>(self, _: i64) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
                fn visit_u64<E>(self, _: u64) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
                fn visit_f64<E>(self, _: f64) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
                fn visit_unit<E>(self) -> Result<EventNames, E> {
                    Ok(EventNames(None))
                }
            }
            d.deserialize_any(V)
        }
    }
    let mut top = Top(None);
    let mut de = serde_json::Deserializer::from_slice(payload);
    de.deserialize_map(&mut top).ok()?;
    top.0
}

/// What makes five dot-separated parts no compact JWE (RFC 7516 §3.1, §7.1):
/// every part must be base64url, and the protected header a JSON object
/// naming its `alg` and `enc` (§4.1.1, §4.1.2); `None` when they are one.
fn malformed_jwe(header: &str, rest: &[&str]) -> Option<String> {
    let Some(header) = decode_object(header) else {
        return Some("the protected header is not a base64url-encoded JSON object".to_owned());
    };
    for member in ["alg", "enc"] {
        if !header.get(member).is_some_and(Value::is_string) {
            return Some(format!("the protected header has no {member}"));
        }
    }
    // The encrypted key is empty under direct encryption; the ciphertext never is.
    let names = ["encrypted key", "initialization vector", "ciphertext", "authentication tag"];
    for (part, name) in rest.iter().zip(names) {
        if super::unb64(part).is_none() {
            return Some(format!("the {name} is not base64url"));
        }
    }
    rest[2].is_empty().then(|| "the ciphertext is empty".to_owned())
}

pub(super) fn decode_object(part: &str) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(&super::unb64(part)?).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Header and claims of a SET, decoded without verification, for transcripts.
pub fn decode_for_transcript(key: &str, token: &str) -> DecodedSet {
    let mut parts = token.split('.');
    let header = parts.next().and_then(super::unb64).and_then(|b| serde_json::from_slice(&b).ok());
    let claims = parts.next().and_then(super::unb64).and_then(|b| serde_json::from_slice(&b).ok());
    let error = (header.is_none() || claims.is_none()).then(|| "not a decodable compact JWS".to_owned());
    DecodedSet { key: key.to_owned(), header, claims, error }
}

#[cfg(test)]
mod tests;

//! SET content profiles: which rules a SUT's SETs are held to beyond RFC 8417.
//!
//! `ssf` adds the Shared Signals Framework's SET profile (SSF 1.0 §3.1, §4.1,
//! §4.2), RFC 9493 subject identifiers and the CAEP 1.0 event payloads;
//! `caep-interop` adds the CAEP Interoperability Profile's narrower rules on
//! top (signing algorithm, one event, subject formats).

mod rules;
mod schemas;

use super::SetTrust;
use crate::schema::Schemas;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use schemas::{caep_payloads, subject_identifier};
use serde_json::{Map, Value};

pub use rules::{RULES, applies_when, rule};

/// The content profile a SUT's SETs are judged under (sut.yaml `sets.profile`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SetProfile {
    #[default]
    Rfc8417,
    Ssf,
    CaepInterop,
}

impl SetProfile {
    pub fn name(self) -> &'static str {
        match self {
            SetProfile::Rfc8417 => "rfc8417",
            SetProfile::Ssf => "ssf",
            SetProfile::CaepInterop => "caep-interop",
        }
    }

    pub fn from_name(name: &str) -> Option<SetProfile> {
        [SetProfile::Rfc8417, SetProfile::Ssf, SetProfile::CaepInterop].into_iter().find(|p| p.name() == name)
    }

    /// The least SET profile whose requirements a spec brings in: SSF 1.0,
    /// CAEP 1.0 and RFC 9493 come with `ssf`, the CAEP Interoperability
    /// Profile with `caep-interop`; every other spec binds under any profile.
    pub fn of_spec(spec: &str) -> SetProfile {
        match spec {
            "ssf-1_0" | "caep-1_0" | "rfc9493" => SetProfile::Ssf,
            "caep-interop-1_0" => SetProfile::CaepInterop,
            _ => SetProfile::Rfc8417,
        }
    }

    /// Whether the SSF SET profile's rules apply.
    pub fn is_ssf(self) -> bool {
        self != SetProfile::Rfc8417
    }

    /// Whether this profile judges every rule `other` does: `caep-interop`
    /// adds to `ssf`, which adds to `rfc8417`.
    pub fn includes(self, other: SetProfile) -> bool {
        let rank = |p: SetProfile| match p {
            SetProfile::Rfc8417 => 0,
            SetProfile::Ssf => 1,
            SetProfile::CaepInterop => 2,
        };
        rank(self) >= rank(other)
    }
}

/// One rule a SET was judged on under a profile: kept (`problem` None) or
/// broken; a kept rule may carry a `note` worth reporting (INFO). When the
/// harness could not apply the rule at all, `failure` says why (ERROR), and
/// the rule is neither kept nor broken.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileFinding {
    pub req: &'static str,
    /// Where in the SET: a JSON pointer into the claims, or `header /…`.
    pub at: String,
    pub problem: Option<String>,
    pub note: Option<String>,
    pub failure: Option<String>,
}

fn kept(req: &'static str, at: impl Into<String>) -> ProfileFinding {
    ProfileFinding { req, at: at.into(), problem: None, note: None, failure: None }
}

fn broken(req: &'static str, at: impl Into<String>, problem: impl Into<String>) -> ProfileFinding {
    ProfileFinding { problem: Some(problem.into()), ..kept(req, at) }
}

fn noted(req: &'static str, at: impl Into<String>, note: impl Into<String>) -> ProfileFinding {
    ProfileFinding { note: Some(note.into()), ..kept(req, at) }
}

const CAEP_BASE: &str = "https://schemas.openid.net/secevent/caep/event-type/";
const RISC_BASE: &str = "https://schemas.openid.net/secevent/risc/event-type/";
/// The CAEP 1.0 event types whose payloads `caep-event.json` describes.
const CAEP_TYPES: [&str; 8] = [
    "session-revoked",
    "token-claims-change",
    "credential-change",
    "assurance-level-change",
    "device-compliance-change",
    "session-established",
    "session-presented",
    "risk-level-change",
];

/// The rules of `profile` beyond RFC 8417 that apply to this SET, each kept or
/// broken; `trust` is what the harness knows of the SUT as an issuer.
pub fn judge(
    profile: SetProfile,
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    trust: &SetTrust,
) -> Vec<ProfileFinding> {
    if !profile.is_ssf() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // SSF §4.1.1: explicit typing (the long form is SET-021's matter, AMB-25).
    let typ = header.get("typ").and_then(Value::as_str).map(str::to_ascii_lowercase);
    out.push(match typ.as_deref() {
        Some("secevent+jwt" | "application/secevent+jwt") => kept("SSF-SET-001", "header /typ"),
        Some(other) => broken("SSF-SET-001", "header /typ", format!("typ is {other:?}")),
        None => broken("SSF-SET-001", "header /typ", "no typ"),
    });
    out.push(absent(claims, "sub", "SSF-SET-002"));
    out.push(absent(claims, "exp", "SSF-SET-003"));
    // SSF §4.1.6: the iss of the stream, which is the SUT's issuer.
    if let Some(issuer) = &trust.issuer {
        out.push(match claims.get("iss").and_then(Value::as_str) {
            Some(iss) if iss == issuer => kept("SSF-SET-004", "/iss"),
            Some(iss) => broken("SSF-SET-004", "/iss", format!("iss is {iss:?}, the stream's issuer is {issuer:?}")),
            None => broken("SSF-SET-004", "/iss", "no iss"),
        });
    }
    let sub_id = claims.get("sub_id");
    out.push(match sub_id {
        Some(Value::Object(_)) => kept("SSF-SET-005", "/sub_id"),
        Some(other) => broken("SSF-SET-005", "/sub_id", format!("sub_id is not an object: {other}")),
        None => broken("SSF-SET-005", "/sub_id", "no sub_id"),
    });
    out.push(if claims.contains_key("txn") {
        kept("SSF-SET-007", "/txn")
    } else {
        broken("SSF-SET-007", "/txn", "no txn")
    });
    let events = claims.get("events").and_then(Value::as_object);
    let count = events.map_or(0, Map::len);
    out.push(if count == 1 {
        kept("SSF-SET-008", "/events")
    } else {
        broken("SSF-SET-008", "/events", format!("{count} events in one SET"))
    });
    if let Some(events) = events {
        out.extend(subject_members(events));
        out.extend(unjudged_event_types(events));
    }
    if let Some(events) = events
        && events.keys().any(|k| k.starts_with(CAEP_BASE))
    {
        out.push(if sub_id.is_some() {
            kept("CAEP-013", "/sub_id")
        } else {
            broken("CAEP-013", "/sub_id", "a CAEP event without sub_id")
        });
        out.extend(caep_payloads(events, Schemas::embedded()));
    }
    if let Some(subject) = sub_id {
        out.extend(subject_identifier(subject, Schemas::embedded()));
        out.push(same_subject(claims, subject));
    }
    if profile == SetProfile::CaepInterop {
        out.extend(interop(header, claims, count, trust.jwks.as_ref()));
    }
    out
}

fn pointer_to_event(uri: &str) -> String {
    format!("/events/{}", uri.replace('~', "~0").replace('/', "~1"))
}

/// SSF §3.1.1, §3.1.2: only event types CAEP and RISC defined may name their
/// primary subject in an event member `subject`; for those it is noted, for
/// any newer type it is a violation.
fn subject_members(events: &Map<String, Value>) -> Vec<ProfileFinding> {
    let with_subject: Vec<&String> =
        events.iter().filter(|(_, payload)| payload.get("subject").is_some()).map(|(uri, _)| uri).collect();
    if with_subject.is_empty() {
        return vec![kept("SSF-SET-006", "/events")];
    }
    with_subject
        .into_iter()
        .map(|uri| {
            let at = format!("{}/subject", pointer_to_event(uri));
            if uri.starts_with(CAEP_BASE) || uri.starts_with(RISC_BASE) {
                noted(
                    "SSF-SET-006",
                    at,
                    "a CAEP or RISC event names its subject in `subject`, which SSF allows for them",
                )
            } else {
                broken("SSF-SET-006", at, "an event type newer than CAEP and RISC names its subject in `subject`")
            }
        })
        .collect()
}

/// SSF's own event types (SSF §8.1.4.1, §8.1.5), whose payloads the
/// `ssf-transmitter` checks judge (SSF-VER-002, SSF-VER-005, SSF-STAT-007).
const SSF_TYPES: [&str; 2] = [crate::ssf::VERIFICATION_EVENT, crate::ssf::STREAM_UPDATED_EVENT];

/// Event types whose payload this suite has no rules for pass, with a note
/// that only the envelope was judged.
fn unjudged_event_types(events: &Map<String, Value>) -> Vec<ProfileFinding> {
    events
        .keys()
        .filter(|uri| !uri.strip_prefix(CAEP_BASE).is_some_and(|kind| CAEP_TYPES.contains(&kind)))
        .filter(|uri| !SSF_TYPES.contains(&uri.as_str()))
        .map(|uri| {
            noted(
                "SET-003",
                pointer_to_event(uri),
                format!("event type {uri} is not one whose payload this suite knows; its payload was not judged"),
            )
        })
        .collect()
}

/// RFC 9493 §4.1: with `sub` present, `sub_id` names the same subject. That
/// shows only where `sub_id` is an `iss_sub` identifier (or has one among its aliases).
fn same_subject(claims: &Map<String, Value>, sub_id: &Value) -> ProfileFinding {
    let Some(sub) = claims.get("sub").and_then(Value::as_str) else {
        return kept("SUBID-011", "/sub_id");
    };
    let iss = claims.get("iss").and_then(Value::as_str);
    let iss_sub = |id: &Value| id.get("format").and_then(Value::as_str) == Some("iss_sub");
    let candidates: Vec<&Value> = match sub_id.get("identifiers").and_then(Value::as_array) {
        Some(aliases) => aliases.iter().filter(|id| iss_sub(id)).collect(),
        None => [sub_id].into_iter().filter(|id| iss_sub(id)).collect(),
    };
    let same = |id: &&Value| {
        id.get("sub").and_then(Value::as_str) == Some(sub) && id.get("iss").and_then(Value::as_str) == iss
    };
    if candidates.is_empty() || candidates.iter().any(same) {
        kept("SUBID-011", "/sub_id")
    } else {
        broken(
            "SUBID-011",
            "/sub_id",
            format!("sub is {sub:?}, and no iss_sub identifier in sub_id names that subject of this issuer"),
        )
    }
}

fn absent(claims: &Map<String, Value>, claim: &str, req: &'static str) -> ProfileFinding {
    match claims.get(claim) {
        None => kept(req, format!("/{claim}")),
        Some(v) => broken(req, format!("/{claim}"), format!("{claim} is present: {v}")),
    }
}

/// The CAEP Interoperability Profile: RS256 with 2048-bit keys, one event, three subject formats.
fn interop(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    events: usize,
    jwks: Option<&JwkSet>,
) -> Vec<ProfileFinding> {
    let mut out = Vec::new();
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let kid = header.get("kid").and_then(Value::as_str);
    let short_key = jwks.and_then(|set| kid.and_then(|k| set.find(k))).and_then(|jwk| match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let bits = crate::set::unb64(&rsa.n).map_or(0, |n| n.len() * 8);
            (bits < 2048).then_some(bits)
        }
        _ => None,
    });
    out.push(match (alg, short_key) {
        ("RS256", None) => kept("SSF-IOP-006", "header /alg"),
        ("RS256", Some(bits)) => broken("SSF-IOP-006", "header /kid", format!("the RSA key has {bits} bits")),
        (other, _) => broken("SSF-IOP-006", "header /alg", format!("alg is {other:?}, not RS256")),
    });
    out.push(if events == 1 {
        kept("SSF-IOP-007", "/events")
    } else {
        broken("SSF-IOP-007", "/events", format!("{events} events"))
    });
    let format = claims.get("sub_id").and_then(|s| s.get("format")).and_then(Value::as_str);
    out.push(match format {
        Some("email" | "iss_sub" | "opaque") | None => kept("SSF-IOP-005", "/sub_id/format"),
        Some(other) => {
            broken("SSF-IOP-005", "/sub_id/format", format!("format {other:?} is not email, iss_sub or opaque"))
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn ssf_claims() -> Value {
        json!({
            "iss": "https://t.example/", "iat": 1, "jti": "j1", "aud": "a", "txn": "t1",
            "sub_id": { "format": "email", "email": "user@example.com" },
            "events": { "https://schemas.openid.net/secevent/caep/event-type/session-revoked": { "event_timestamp": 1 } }
        })
    }

    fn trust() -> SetTrust {
        SetTrust { issuer: Some("https://t.example/".into()), ..SetTrust::default() }
    }

    fn broken_rules(f: &[ProfileFinding]) -> Vec<&'static str> {
        let listed = |req: &str| rule(req).is_some() || crate::set::content::rule_ids().any(|r| r == req);
        assert!(f.iter().all(|f| listed(f.req)), "every rule judged is listed in RULES: {f:?}");
        f.iter().filter(|f| f.problem.is_some()).map(|f| f.req).collect()
    }

    #[test]
    fn a_conforming_ssf_set_breaks_nothing() {
        let header = obj(json!({ "alg": "ES256", "typ": "secevent+jwt" }));
        let found = judge(SetProfile::Ssf, &header, &obj(ssf_claims()), &trust());
        assert!(broken_rules(&found).is_empty(), "{found:?}");
        assert!(found.iter().any(|f| f.req == "SUBID-004"));
        assert!(judge(SetProfile::Rfc8417, &header, &obj(ssf_claims()), &trust()).is_empty());
        let beyond = |f: &ProfileFinding| rule(f.req).is_some_and(|r| !SetProfile::Ssf.includes(r.profile));
        assert!(!found.iter().any(beyond), "ssf names only its own rules: {found:?}");
    }

    #[test]
    fn each_ssf_rule_is_named_when_broken() {
        let header = obj(json!({ "alg": "ES256" }));
        let mut claims = ssf_claims();
        claims["sub"] = json!("x");
        claims["exp"] = json!(2);
        claims.as_object_mut().unwrap().remove("txn");
        claims["sub_id"] = json!({ "format": "email" });
        claims["events"]["https://schemas.openid.net/secevent/caep/event-type/session-established"] =
            json!({ "amr": "pwd", "initiating_entity": "robot" });
        let found = broken_rules(&judge(SetProfile::CaepInterop, &header, &obj(claims), &trust()));
        for rule in [
            "SSF-SET-001",
            "SSF-SET-002",
            "SSF-SET-003",
            "SSF-SET-007",
            "SSF-SET-008",
            "SUBID-004",
            "CAEP-001",
            "CAEP-010",
            "SSF-IOP-006",
            "SSF-IOP-007",
        ] {
            assert!(found.contains(&rule), "{rule} not found in {found:?}");
        }
    }

    #[test]
    fn a_subject_member_is_noted_in_caep_events_and_broken_in_newer_ones() {
        let header = obj(json!({ "alg": "ES256", "typ": "secevent+jwt" }));
        let mut claims = ssf_claims();
        let caep = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
        claims["events"][caep]["subject"] = json!({ "format": "opaque", "id": "s" });
        let found = judge(SetProfile::Ssf, &header, &obj(claims.clone()), &trust());
        assert!(broken_rules(&found).is_empty(), "{found:?}");
        assert!(found.iter().any(|f| f.req == "SSF-SET-006" && f.note.is_some()));
        claims["events"] =
            json!({ "https://vendor.example/event-type/new": { "subject": { "format": "opaque", "id": "s" } } });
        let found = judge(SetProfile::Ssf, &header, &obj(claims), &trust());
        assert_eq!(broken_rules(&found), ["SSF-SET-006"]);
        let note = found.iter().find(|f| f.req == "SET-003").and_then(|f| f.note.as_deref());
        assert!(note.is_some_and(|n| n.contains("not judged")), "{found:?}");
    }

    #[test]
    fn iss_and_sub_must_agree_with_the_stream_and_sub_id() {
        let header = obj(json!({ "alg": "ES256", "typ": "secevent+jwt" }));
        let mut claims = ssf_claims();
        claims["iss"] = json!("https://other.example/");
        claims["sub"] = json!("alice");
        claims["sub_id"] = json!({ "format": "iss_sub", "iss": "https://other.example/", "sub": "bob" });
        let found = broken_rules(&judge(SetProfile::Ssf, &header, &obj(claims.clone()), &trust()));
        assert_eq!(found, ["SSF-SET-002", "SSF-SET-004", "SUBID-011"]);
        claims["sub_id"]["sub"] = json!("alice");
        let found = broken_rules(&judge(SetProfile::Ssf, &header, &obj(claims), &trust()));
        assert_eq!(found, ["SSF-SET-002", "SSF-SET-004"]);
    }

    #[test]
    fn interop_narrows_the_subject_formats() {
        let mut claims = ssf_claims();
        claims["sub_id"] = json!({ "format": "account", "uri": "acct:u@example.com" });
        let header = obj(json!({ "alg": "RS256", "typ": "secevent+jwt" }));
        assert_eq!(broken_rules(&judge(SetProfile::CaepInterop, &header, &obj(claims), &trust())), ["SSF-IOP-005"]);
    }
}

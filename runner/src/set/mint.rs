//! Minting SETs for the SUT: valid ones, and ones broken in exactly one way.

use super::keys::{Alg, HarnessKeys};
use crate::set::SetKind;
use serde_json::{Map, Value, json};

/// Event the harness sends: a CAEP session revocation for an opaque subject.
const EVENT_TYPE: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
/// An event type no specification defines: a recipient ignores what it does not understand.
const UNKNOWN_EVENT_TYPE: &str = "https://setconform.invalid/event-type/unknown-to-everyone";
const OTHER_AUDIENCE: &str = "https://someone-else.setconform.invalid/";
/// SSF's own event types (SSF §8.1.4, §8.1.5).
const VERIFICATION: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";
const STREAM_UPDATED: &str = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
const IMPOSTOR_ISSUER: &str = "https://impostor.setconform.invalid/";

/// A SET ready to go into `sets`.
#[derive(Debug, Clone)]
pub struct MintedSet {
    /// The member name it is filed under.
    pub key: String,
    pub kind: SetKind,
    pub token: String,
}

/// Mints SETs as the harness's issuer for one audience.
pub struct Minter {
    pub issuer: String,
    pub audience: String,
    pub alg: Alg,
    /// The content profile the SETs are minted in (SSF adds `sub_id` and `txn`).
    pub profile: super::SetProfile,
    /// The SSF stream the SETs go on, when the harness is the SUT's transmitter.
    pub stream: Option<StreamMint>,
}

/// What SSF's own events on a stream name: the stream, and the `state` of the
/// receiver's last verification request (SSF §8.1.4).
#[derive(Debug, Clone, Default)]
pub struct StreamMint {
    pub stream_id: String,
    pub state: Option<String>,
}

impl Minter {
    pub fn mint(&self, jti: &str, kind: SetKind, iat: u64) -> MintedSet {
        self.mint_event(jti, kind, iat, None)
    }

    /// The event a kind carries: SSF's own, or the harness's usual one.
    fn own_event(&self, kind: SetKind, jti: &str) -> Option<(String, Value, Value)> {
        let stream = self.stream.clone().unwrap_or_default();
        // SSF §8.1.4.1, §8.1.5: the stream itself is the subject.
        let sub_id = json!({ "format": "opaque", "id": stream.stream_id });
        let payload = match kind {
            SetKind::Verification => json!({ "state": stream.state.unwrap_or_default() }),
            SetKind::VerificationWrongState => json!({ "state": format!("not-asked-for-{jti}") }),
            SetKind::VerificationNoState => json!({}),
            SetKind::StreamUpdated => json!({ "status": "paused", "reason": "paused by the harness" }),
            _ => return None,
        };
        let event_type = if kind == SetKind::StreamUpdated { STREAM_UPDATED } else { VERIFICATION };
        Some((event_type.to_owned(), payload, sub_id))
    }

    /// Mints a SET of `kind`, carrying `event` instead of the usual event when given.
    pub fn mint_event(&self, jti: &str, kind: SetKind, iat: u64, event: Option<&super::EventSpec>) -> MintedSet {
        let keys = HarnessKeys::get();
        let alg_name = match kind {
            SetKind::AlgNone => "none".to_owned(),
            _ => format!("{:?}", self.alg.algorithm()),
        };
        let typ = match kind {
            SetKind::WrongTyp => "JWT",
            SetKind::LongTyp => "application/secevent+jwt",
            _ => "secevent+jwt",
        };
        let kid = match kind {
            SetKind::UnknownKid => "setconform-unknown",
            SetKind::RotatedKey => self.alg.next_kid(),
            _ => self.alg.kid(),
        };
        let mut header = json!({ "alg": alg_name, "typ": typ });
        if kind != SetKind::AlgNone {
            header["kid"] = json!(kid);
        }

        let mut claims = Map::new();
        let iss = if kind == SetKind::WrongIss { IMPOSTOR_ISSUER } else { &self.issuer };
        if kind != SetKind::MissingIss {
            claims.insert("iss".into(), json!(iss));
        }
        if kind != SetKind::MissingIat {
            claims.insert("iat".into(), json!(iat));
        }
        if kind != SetKind::MissingJti {
            claims.insert("jti".into(), json!(jti));
        }
        let aud = if kind == SetKind::WrongAud { OTHER_AUDIENCE } else { &self.audience };
        claims.insert("aud".into(), json!(aud));
        let chosen = match event {
            Some(e) => Some((e.event_type.clone(), Value::Object(e.payload.clone()), e.sub_id.clone())),
            None => self.own_event(kind, jti).map(|(t, p, s)| (t, p, Some(s))),
        };
        let mut sub_id = None;
        if kind != SetKind::MissingEvents {
            if let Some((event_type, payload, subject)) = chosen {
                sub_id = subject;
                claims.insert("events".into(), json!({ event_type: payload }));
            } else {
                let mut payload = json!({ "event_timestamp": iat, "initiating_entity": "policy" });
                if !self.profile.is_ssf() {
                    // Under SSF the subject travels in `sub_id` only (SSF §3.1.2).
                    payload["subject"] = json!({ "format": "opaque", "id": format!("subject-{jti}") });
                }
                let event_type = if kind == SetKind::UnknownEventType { UNKNOWN_EVENT_TYPE } else { EVENT_TYPE };
                if kind == SetKind::UnknownClaims {
                    payload["x_setconform_detail"] = json!({ "note": "a member no spec defines" });
                }
                claims.insert("events".into(), json!({ event_type: payload }));
            }
        }
        if self.profile.is_ssf() {
            // SSF §3.1, §4.1.9: the subject at the top level, and a transaction id.
            let email = || json!({ "format": "email", "email": format!("subject-{jti}@harness.setconform.invalid") });
            claims.insert("sub_id".into(), sub_id.unwrap_or_else(email));
            claims.insert("txn".into(), json!(format!("txn-{jti}")));
        }
        if kind == SetKind::UnknownClaims {
            // RFC 7519 §4: claims not understood are ignored.
            claims.insert("x_setconform_extra".into(), json!("a claim no spec defines"));
        }

        let input = format!("{}.{}", super::b64(header.to_string()), super::b64(Value::Object(claims).to_string()));
        let signature = match kind {
            SetKind::AlgNone => String::new(),
            SetKind::BadSignature | SetKind::UnknownKid => sign(&input, &keys.rogue, Alg::ES256),
            SetKind::RotatedKey => sign(&input, keys.next_signing_key(self.alg), self.alg),
            _ => sign(&input, keys.signing_key(self.alg), self.alg),
        };
        // A bad signature made with another key of another algorithm would be
        // caught as an alg mismatch; keep the claimed alg and just corrupt it.
        let signature = if kind == SetKind::BadSignature && self.alg != Alg::ES256 {
            corrupt(&sign(&input, keys.signing_key(self.alg), self.alg))
        } else {
            signature
        };
        let key = if kind == SetKind::KeyNotJti { format!("{jti}-renamed") } else { jti.to_owned() };
        MintedSet { key, kind, token: format!("{input}.{signature}") }
    }
}

/// An access token of the harness's authorization server (RFC 9068), as the
/// harness presents it to a SUT that takes such tokens (pushpull §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessTokenKind {
    /// For the SUT's endpoint, valid for five minutes.
    Valid,
    /// For the SUT's endpoint, expired ten minutes ago.
    Expired,
    /// Valid, for another resource than the SUT's endpoint.
    ForAnotherResource,
}

/// The who and what of an access token: issued by `issuer` to `client_id` for `resource`.
pub struct AccessTokenGrant<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub resource: &'a str,
    pub alg: Alg,
}

/// A signed JWT access token (RFC 9068 §2), `typ` at+jwt so that no SET passes for one.
pub fn access_token(grant: &AccessTokenGrant<'_>, kind: AccessTokenKind, now: u64, jti: &str) -> String {
    let header = json!({ "alg": format!("{:?}", grant.alg.algorithm()), "typ": "at+jwt", "kid": grant.alg.kid() });
    let (iat, exp) = match kind {
        AccessTokenKind::Expired => (now.saturating_sub(900), now.saturating_sub(600)),
        _ => (now, now + 300),
    };
    let aud = if kind == AccessTokenKind::ForAnotherResource { OTHER_AUDIENCE } else { grant.resource };
    let claims = json!({
        "iss": grant.issuer,
        "sub": grant.client_id,
        "client_id": grant.client_id,
        "aud": aud,
        "iat": iat,
        "exp": exp,
        "jti": jti,
    });
    let input = format!("{}.{}", super::b64(header.to_string()), super::b64(claims.to_string()));
    let signature = sign(&input, HarnessKeys::get().signing_key(grant.alg), grant.alg);
    format!("{input}.{signature}")
}

fn sign(input: &str, key: &jsonwebtoken::EncodingKey, alg: Alg) -> String {
    jsonwebtoken::crypto::sign(input.as_bytes(), key, alg.algorithm())
        .expect("signing with an embedded key cannot fail")
}

/// Flips bits of a base64url signature so that it no longer verifies.
fn corrupt(signature: &str) -> String {
    let mut bytes = super::unb64(signature).unwrap_or_default();
    if let Some(b) = bytes.first_mut() {
        *b ^= 0xff;
    }
    super::b64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::{SetTrust, inspect};

    fn minter(alg: Alg) -> Minter {
        Minter {
            issuer: "https://harness.test/".into(),
            audience: "https://sut.test/".into(),
            alg,
            profile: crate::set::SetProfile::default(),
            stream: None,
        }
    }

    fn harness_trust() -> SetTrust {
        SetTrust {
            issuer: Some("https://harness.test/".into()),
            audience: Some("https://sut.test/".into()),
            jwks: Some(HarnessKeys::get().jwks().clone()),
            jwks_uri: None,
        }
    }

    #[test]
    fn valid_sets_of_every_public_key_alg_pass_inspection() {
        for alg in [Alg::ES256, Alg::RS256, Alg::EdDSA] {
            let set = minter(alg).mint("j-1", SetKind::Valid, 1_700_000_000);
            let findings = inspect(&set.key, &set.token, &harness_trust());
            assert!(findings.is_empty(), "{alg:?}: {findings:?}");
        }
    }

    #[test]
    fn each_defect_is_named_by_the_rule_it_breaks() {
        let cases = [
            (SetKind::BadSignature, "SET-001"),
            (SetKind::UnknownKid, "SET-001"),
            (SetKind::WrongTyp, "SET-021"),
            (SetKind::MissingIss, "SET-010"),
            (SetKind::WrongIss, "SET-010"),
            (SetKind::MissingIat, "SET-011"),
            (SetKind::MissingJti, "SET-012"),
            (SetKind::MissingEvents, "SET-002"),
            (SetKind::WrongAud, "SET-013"),
            (SetKind::KeyNotJti, "PP-CO-003"),
        ];
        for alg in [Alg::ES256, Alg::RS256] {
            for (kind, req) in cases {
                let set = minter(alg).mint("j-1", kind, 1_700_000_000);
                let findings = inspect(&set.key, &set.token, &harness_trust());
                assert!(findings.iter().any(|f| f.req == req), "{alg:?} {kind:?}: {findings:?}");
            }
        }
    }

    #[test]
    fn a_rotated_key_set_verifies_only_against_the_rotated_jwks() {
        for alg in [Alg::ES256, Alg::RS256, Alg::EdDSA] {
            let set = minter(alg).mint("j-1", SetKind::RotatedKey, 1_700_000_000);
            let before = inspect(&set.key, &set.token, &harness_trust());
            assert!(before.iter().any(|f| f.req == "SET-001"), "{alg:?}: {before:?}");
            let after = SetTrust { jwks: Some(HarnessKeys::get().rotated_jwks().clone()), ..harness_trust() };
            assert_eq!(inspect(&set.key, &set.token, &after), [], "{alg:?}");
        }
    }

    #[test]
    fn alg_none_has_an_empty_signature_and_no_kid() {
        let set = minter(Alg::ES256).mint("j-1", SetKind::AlgNone, 1);
        assert!(set.token.ends_with('.'));
        let header = crate::set::decode_for_transcript("j-1", &set.token).header.unwrap();
        assert_eq!(header["alg"], "none");
        assert!(header.get("kid").is_none());
    }
}

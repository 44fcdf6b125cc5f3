//! The SSF subject (`sub_id`, RFC 9493) and the one event (CAEP 1.0) of a SET
//! the reference mints under the ssf profile, and how each content fault
//! changes them.

use crate::fault::Fault;
use crate::set_ids::{EVENT_TYPE, ISSUER, serial};
use serde_json::{Value, json};

/// Where CAEP 1.0 event types are named.
const CAEP_BASE: &str = "https://schemas.openid.net/secevent/caep/event-type/";
/// Domain of the email subjects in SSF SETs (RFC 2606: never resolves).
pub(crate) const SUBJECT_DOMAIN: &str = "reference.setconform.invalid";

/// The `sub_id` of an SSF SET: an email subject, or the one a subject fault names.
pub(crate) fn subject_identifier(jti: &str, fault: Option<Fault>) -> Value {
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
pub(crate) fn ssf_event(iat: u64, fault: Option<Fault>) -> (String, Value) {
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

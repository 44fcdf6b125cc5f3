//! The rules a SET content profile adds to RFC 8417's, each with the profile
//! that brings it in and the SETs it applies to: most only to SETs of one
//! kind (a subject identifier format, a CAEP event type or member).

use super::SetProfile;

/// One rule [`super::judge`] can name.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    /// The least profile that judges it; those that include that profile do too.
    pub profile: SetProfile,
    /// The SETs it is judged on, under that profile.
    pub sets: &'static str,
}

const fn ssf(id: &'static str, sets: &'static str) -> Rule {
    Rule { id, profile: SetProfile::Ssf, sets }
}

const fn interop(id: &'static str, sets: &'static str) -> Rule {
    Rule { id, profile: SetProfile::CaepInterop, sets }
}

const EVERY: &str = "every SET the SUT sends";

/// Every rule [`super::judge`] can name, under any profile, beyond RFC 8417's.
pub const RULES: [Rule; 37] = [
    // SSF 1.0 §4.1, §4.2: the SET envelope.
    ssf("SSF-SET-001", EVERY),
    ssf("SSF-SET-002", EVERY),
    ssf("SSF-SET-003", EVERY),
    ssf("SSF-SET-004", "every SET the SUT sends, once its issuer is known (sut.yaml `sets.issuer` or a registration)"),
    ssf("SSF-SET-005", EVERY),
    ssf("SSF-SET-006", "every SET the SUT sends whose `events` claim is an object"),
    ssf("SSF-SET-007", EVERY),
    ssf("SSF-SET-008", EVERY),
    // CAEP Interoperability Profile §2.5, §2.6, §2.8.1.
    interop("SSF-IOP-005", EVERY),
    interop("SSF-IOP-006", EVERY),
    interop("SSF-IOP-007", EVERY),
    // RFC 9493 §3, §4.1: the top-level `sub_id`, by format.
    ssf("SUBID-001", "every SET the SUT sends that carries a `sub_id` claim"),
    ssf("SUBID-002", "every SET the SUT sends whose `sub_id` has a format RFC 9493 registers"),
    ssf("SUBID-003", "every SET the SUT sends that carries an `account` subject"),
    ssf("SUBID-004", "every SET the SUT sends that carries an `email` subject"),
    ssf("SUBID-005", "every SET the SUT sends that carries an `iss_sub` subject"),
    ssf("SUBID-006", "every SET the SUT sends that carries an `opaque` subject"),
    ssf("SUBID-007", "every SET the SUT sends that carries a `phone_number` subject"),
    ssf("SUBID-008", "every SET the SUT sends that carries a `did` subject"),
    ssf("SUBID-009", "every SET the SUT sends that carries a `uri` subject"),
    ssf("SUBID-010", "every SET the SUT sends that carries an `aliases` subject"),
    ssf("SUBID-011", "every SET the SUT sends that carries a `sub_id` claim"),
    ssf("SUBID-013", "every SET the SUT sends that carries a `complex` subject"),
    ssf("SUBID-015", "every SET the SUT sends that carries a `jwt_id` subject"),
    ssf("SUBID-016", "every SET the SUT sends that carries a `saml_assertion_id` subject"),
    ssf("SUBID-017", "every SET the SUT sends that carries an `ip-addresses` subject"),
    // CAEP 1.0 §2 (members of any CAEP event), §3 (event types), SSF §3.1.1.
    ssf("CAEP-001", "every SET carrying a CAEP event with an `initiating_entity` member"),
    ssf("CAEP-002", "every SET carrying a CAEP event with a `reason_admin` or `reason_user` member"),
    ssf("CAEP-003", "every SET carrying a CAEP event with an `event_timestamp` member"),
    ssf("CAEP-004", "every SET carrying a CAEP token-claims-change event"),
    ssf("CAEP-005", "every SET carrying a CAEP credential-change event"),
    ssf("CAEP-006", "every SET carrying a CAEP assurance-level-change event"),
    ssf("CAEP-007", "every SET carrying a CAEP event with a `change_direction` member"),
    ssf("CAEP-009", "every SET carrying a CAEP device-compliance-change event"),
    ssf("CAEP-010", "every SET carrying a CAEP session-established event"),
    ssf("CAEP-011", "every SET carrying a CAEP risk-level-change event"),
    ssf("CAEP-013", "every SET carrying a CAEP event"),
];

/// The rule `id` of [`RULES`], if it is one.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// When `rule` applies: its SETs, and the SET profiles that judge it.
pub fn applies_when(rule: &Rule) -> String {
    let profiles = match rule.profile {
        SetProfile::CaepInterop => "the caep-interop SET profile",
        _ => "the ssf and caep-interop SET profiles",
    };
    format!("{}, under {profiles}", rule.sets)
}

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
    /// What each of those SETs is expected to show, in words a finding can state.
    pub expects: &'static str,
}

const fn ssf(id: &'static str, sets: &'static str, expects: &'static str) -> Rule {
    Rule { id, profile: SetProfile::Ssf, sets, expects }
}

const fn interop(id: &'static str, sets: &'static str, expects: &'static str) -> Rule {
    Rule { id, profile: SetProfile::CaepInterop, sets, expects }
}

const EVERY: &str = "every SET the SUT sends";

/// Every rule [`super::judge`] can name, under any profile, beyond RFC 8417's.
pub const RULES: [Rule; 37] = [
    // SSF 1.0 §4.1, §4.2: the SET envelope.
    ssf("SSF-SET-001", EVERY, "the JOSE header's `typ` is the SET media type, `secevent+jwt`"),
    ssf("SSF-SET-002", EVERY, "no `sub` claim (the subject is named in `sub_id`)"),
    ssf("SSF-SET-003", EVERY, "no `exp` claim"),
    ssf(
        "SSF-SET-004",
        "every SET the SUT sends, once its issuer is known (sut.yaml `sets.issuer` or a registration)",
        "`iss` is the issuer of the stream, the SUT's issuer",
    ),
    ssf("SSF-SET-005", EVERY, "a top-level `sub_id` object names the primary subject"),
    ssf(
        "SSF-SET-006",
        "every SET the SUT sends whose `events` claim is an object",
        "no event of a type newer than CAEP and RISC names its subject in a `subject` member",
    ),
    ssf("SSF-SET-007", EVERY, "a `txn` claim is present"),
    ssf("SSF-SET-008", EVERY, "`events` holds a single event"),
    // CAEP Interoperability Profile §2.5, §2.6, §2.8.1.
    interop("SSF-IOP-005", EVERY, "the `sub_id` format, when there is one, is `email`, `iss_sub` or `opaque`"),
    interop("SSF-IOP-006", EVERY, "the JOSE header's `alg` is `RS256`, with an RSA key of 2048 bits or more"),
    interop("SSF-IOP-007", EVERY, "`events` holds exactly one event"),
    // RFC 9493 §3, §4.1: the top-level `sub_id`, by format.
    ssf(
        "SUBID-001",
        "every SET the SUT sends that carries a `sub_id` claim",
        "`sub_id` is an object whose `format` member names its identifier format",
    ),
    ssf(
        "SUBID-002",
        "every SET the SUT sends whose `sub_id` has a format RFC 9493 registers",
        "`sub_id` has every member its format requires and none its format does not describe",
    ),
    ssf(
        "SUBID-003",
        "every SET the SUT sends that carries an `account` subject",
        "an `account` subject has a non-empty `uri` holding an `acct:` URI",
    ),
    ssf(
        "SUBID-004",
        "every SET the SUT sends that carries an `email` subject",
        "an `email` subject has a non-empty `email` holding an email address",
    ),
    ssf(
        "SUBID-005",
        "every SET the SUT sends that carries an `iss_sub` subject",
        "an `iss_sub` subject has non-empty `iss` and `sub` members",
    ),
    ssf(
        "SUBID-006",
        "every SET the SUT sends that carries an `opaque` subject",
        "an `opaque` subject has a non-empty string `id`",
    ),
    ssf(
        "SUBID-007",
        "every SET the SUT sends that carries a `phone_number` subject",
        "a `phone_number` subject has a non-empty `phone_number` in E.164 form",
    ),
    ssf(
        "SUBID-008",
        "every SET the SUT sends that carries a `did` subject",
        "a `did` subject has a non-empty `url` holding a DID URL",
    ),
    ssf(
        "SUBID-009",
        "every SET the SUT sends that carries a `uri` subject",
        "a `uri` subject has a non-empty `uri` member holding a URI",
    ),
    ssf(
        "SUBID-010",
        "every SET the SUT sends that carries an `aliases` subject",
        "an `aliases` subject has a non-empty `identifiers` array of subject identifiers, none of them `aliases` and none repeated",
    ),
    ssf(
        "SUBID-011",
        "every SET the SUT sends that carries a `sub_id` claim",
        "when `sub` is present too, `sub_id` names the same subject",
    ),
    ssf(
        "SUBID-013",
        "every SET the SUT sends that carries a `complex` subject",
        "a `complex` subject has one or more members, each a simple subject identifier",
    ),
    ssf(
        "SUBID-015",
        "every SET the SUT sends that carries a `jwt_id` subject",
        "a `jwt_id` subject has the `iss` and the `jti` of the JWT it names",
    ),
    ssf(
        "SUBID-016",
        "every SET the SUT sends that carries a `saml_assertion_id` subject",
        "a `saml_assertion_id` subject has the `issuer` and the `assertion_id` of the assertion it names",
    ),
    ssf(
        "SUBID-017",
        "every SET the SUT sends that carries an `ip-addresses` subject",
        "an `ip-addresses` subject has an `ip-addresses` array of IP address strings",
    ),
    // CAEP 1.0 §2 (members of any CAEP event), §3 (event types), SSF §3.1.1.
    ssf(
        "CAEP-001",
        "every SET carrying a CAEP event with an `initiating_entity` member",
        "a CAEP event's `initiating_entity`, when present, is `admin`, `user`, `policy` or `system`",
    ),
    ssf(
        "CAEP-002",
        "every SET carrying a CAEP event with a `reason_admin` or `reason_user` member",
        "a CAEP event's `reason_admin` and `reason_user`, when present, are non-empty objects keyed by language tags",
    ),
    ssf(
        "CAEP-003",
        "every SET carrying a CAEP event with an `event_timestamp` member",
        "a CAEP event's `event_timestamp`, when present, is a number of seconds since the epoch",
    ),
    ssf(
        "CAEP-004",
        "every SET carrying a CAEP token-claims-change event",
        "a token-claims-change event has a `claims` object",
    ),
    ssf(
        "CAEP-005",
        "every SET carrying a CAEP credential-change event",
        "a credential-change event has a `credential_type` and a `change_type` of `create`, `revoke`, `update` or `delete`",
    ),
    ssf(
        "CAEP-006",
        "every SET carrying a CAEP assurance-level-change event",
        "an assurance-level-change event has a `namespace` and a string `current_level`",
    ),
    ssf(
        "CAEP-007",
        "every SET carrying a CAEP event with a `change_direction` member",
        "a CAEP event's `change_direction`, when present, is `increase` or `decrease`",
    ),
    ssf(
        "CAEP-009",
        "every SET carrying a CAEP device-compliance-change event",
        "a device-compliance-change event has `previous_status` and `current_status`, each `compliant` or `not-compliant`",
    ),
    ssf(
        "CAEP-010",
        "every SET carrying a CAEP session-established event",
        "a session-established event's `amr`, when present, is an array of strings",
    ),
    ssf(
        "CAEP-011",
        "every SET carrying a CAEP risk-level-change event",
        "a risk-level-change event has a string `principal` and a `current_level` (and any `previous_level`) of `LOW`, `MEDIUM` or `HIGH`",
    ),
    ssf("CAEP-013", "every SET carrying a CAEP event", "a SET with a CAEP event has a top-level `sub_id` claim"),
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

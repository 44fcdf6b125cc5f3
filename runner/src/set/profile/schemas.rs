//! The profile rules judged by a JSON Schema: RFC 9493 subject identifiers and
//! CAEP 1.0 event payloads. A schema the harness cannot apply makes the rule
//! neither kept nor broken: the harness failed (ERROR).

use super::{CAEP_BASE, ProfileFinding, broken, kept, pointer_to_event};
use crate::schema::{SchemaError, Schemas};
use serde_json::{Map, Value};

/// The harness could not apply the schema that judges `req`.
fn unapplied(req: &'static str, at: impl Into<String>, error: &SchemaError) -> ProfileFinding {
    ProfileFinding { failure: Some(format!("the schema could not be applied: {error}")), ..kept(req, at) }
}

/// RFC 9493 §3 and SSF §3: the subject identifier's format and members.
pub(super) fn subject_identifier(subject: &Value, schemas: &Schemas) -> Vec<ProfileFinding> {
    let format = subject.get("format").and_then(Value::as_str);
    let Some(format) = format else {
        return vec![broken("SUBID-001", "/sub_id/format", "no format member")];
    };
    let row = match format {
        "account" => "SUBID-003",
        "email" => "SUBID-004",
        "iss_sub" => "SUBID-005",
        "opaque" => "SUBID-006",
        "phone_number" => "SUBID-007",
        "did" => "SUBID-008",
        "uri" => "SUBID-009",
        "aliases" => "SUBID-010",
        "complex" => "SUBID-013",
        "jwt_id" => "SUBID-015",
        "saml_assertion_id" => "SUBID-016",
        "ip-addresses" => "SUBID-017",
        // An unregistered format is allowed (extensibility); nothing more to judge.
        _ => return vec![kept("SUBID-001", "/sub_id/format")],
    };
    let mut out = vec![kept("SUBID-001", "/sub_id/format")];
    let violations = match schemas.validate("subject-identifier", subject) {
        Ok(v) => v,
        Err(e) => {
            out.extend(["SUBID-002", row].map(|req| unapplied(req, "/sub_id", &e)));
            return out;
        }
    };
    let (extra, other): (Vec<_>, Vec<_>) = violations.iter().partition(|v| v.message.contains("dditional"));
    let at = |p: &str| format!("/sub_id{p}");
    out.push(match extra.first() {
        None => kept("SUBID-002", "/sub_id"),
        Some(v) => broken("SUBID-002", at(&v.pointer), v.message.clone()),
    });
    out.push(match other.first() {
        None => kept(row, "/sub_id"),
        Some(v) => broken(row, at(&v.pointer), v.message.clone()),
    });
    out
}

/// CAEP 1.0 §2, §3: the payload of each CAEP event, judged by its type's row.
pub(super) fn caep_payloads(events: &Map<String, Value>, schemas: &Schemas) -> Vec<ProfileFinding> {
    let mut out = Vec::new();
    for (uri, payload) in events {
        let Some(kind) = uri.strip_prefix(CAEP_BASE) else { continue };
        let row = match kind {
            "token-claims-change" => Some("CAEP-004"),
            "credential-change" => Some("CAEP-005"),
            "assurance-level-change" => Some("CAEP-006"),
            "device-compliance-change" => Some("CAEP-009"),
            "session-established" => Some("CAEP-010"),
            "risk-level-change" => Some("CAEP-011"),
            _ => None,
        };
        let one = Value::Object(Map::from_iter([(uri.clone(), payload.clone())]));
        let violations = schemas.validate("caep-event", &one);
        let member_row = |member: &str| match member {
            "initiating_entity" => Some("CAEP-001"),
            "reason_admin" | "reason_user" => Some("CAEP-002"),
            "event_timestamp" => Some("CAEP-003"),
            "change_direction" => Some("CAEP-007"),
            _ => None,
        };
        let base = pointer_to_event(uri);
        let mut rows: Vec<&'static str> = row.into_iter().collect();
        rows.extend(payload.as_object().into_iter().flat_map(|p| p.keys()).filter_map(|k| member_row(k)));
        rows.sort_unstable();
        rows.dedup();
        let violations = match violations {
            Ok(v) => v,
            Err(e) => {
                out.extend(rows.into_iter().map(|req| unapplied(req, base.clone(), &e)));
                continue;
            }
        };
        for req in rows {
            let hit = violations.iter().find(|v| {
                let member = v.pointer.rsplit('/').next().unwrap_or_default();
                member_row(member).map_or(Some(req) == row, |r| r == req)
            });
            out.push(match hit {
                None => kept(req, base.clone()),
                Some(v) => broken(req, format!("/events{}", v.pointer), v.message.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_that_cannot_be_applied_is_a_failure_never_kept() {
        let none = Schemas::build(std::iter::empty()).unwrap();
        let found = subject_identifier(&json!({ "format": "email", "email": "user@example.com" }), &none);
        let failed: Vec<_> = found.iter().filter(|f| f.failure.is_some()).map(|f| f.req).collect();
        assert_eq!(failed, ["SUBID-002", "SUBID-004"], "{found:?}");
        assert!(found.iter().filter(|f| f.failure.is_some()).all(|f| f.problem.is_none() && f.note.is_none()));
        let events = json!({
            "https://schemas.openid.net/secevent/caep/event-type/credential-change": { "initiating_entity": "user" }
        });
        let events = events.as_object().unwrap();
        let found = caep_payloads(events, &none);
        let failed: Vec<_> = found.iter().filter(|f| f.failure.is_some()).map(|f| f.req).collect();
        assert_eq!(failed, ["CAEP-001", "CAEP-005"], "{found:?}");
        let reason = found[0].failure.as_deref().unwrap_or_default();
        assert!(reason.starts_with("the schema could not be applied"), "{reason}");
        assert!(caep_payloads(events, Schemas::embedded()).iter().all(|f| f.failure.is_none()));
    }
}

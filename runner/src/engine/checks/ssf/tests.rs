use super::*;
use crate::catalogue::ssf_step::SsfDelivery;
use crate::engine::state::{LastMessage, Stream, VerificationRequest};
use base64::Engine;

fn seen(body: Value) -> Seen {
    let last = LastMessage {
        status: Some(200),
        method: None,
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
        json: Some(body),
        sets: None,
        step: 1,
        seq: 1,
        exchange: None,
    };
    Seen { last: Some(last), ..Seen::default() }
}

/// An unsigned SET with these claims, as the ledger keeps what the SUT sent.
fn set(claims: Value) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims))
}

fn ledger(sets: &[Value]) -> Ledger {
    let emitted = sets.iter().enumerate().map(|(i, c)| (format!("j{i}"), set(c.clone()), 1, i + 1)).collect();
    Ledger { emitted, ..Ledger::default() }
}

fn verification_set(state: Option<&str>, stream: &str) -> Value {
    let payload = state.map_or(json!({}), |s| json!({ "state": s }));
    json!({ "sub_id": { "format": "opaque", "id": stream }, "events": { VERIFICATION_EVENT: payload } })
}

fn state_with_stream(id: &str) -> SsfState {
    let mut ssf = SsfState::default();
    let stream = Stream { id: id.into(), config: json!({ "stream_id": id }), delivery: SsfDelivery::Push };
    ssf.streams.insert("main".into(), stream);
    ssf.current = Some("main".into());
    ssf
}

fn kept(look: &Look) -> Option<bool> {
    match look {
        Look::Kept(_) => Some(true),
        Look::Broken(_) => Some(false),
        Look::NotJudged(_) => None,
    }
}

#[test]
fn an_optional_member_is_judged_only_when_present() {
    let spec: MemberSpec =
        serde_saphyr::from_str(r#"{ at: /default_subjects, one_of: [ALL, NONE], optional: true }"#).unwrap();
    let ssf = SsfState::default();
    assert_eq!(kept(&member(&ssf, &seen(json!({})), None, &spec).1), None);
    assert_eq!(kept(&member(&ssf, &seen(json!({ "default_subjects": "ALL" })), None, &spec).1), Some(true));
    assert_eq!(kept(&member(&ssf, &seen(json!({ "default_subjects": "SOME" })), None, &spec).1), Some(false));
}

#[test]
fn contains_looks_for_the_value_anywhere_in_the_array() {
    let spec: MemberSpec =
        serde_saphyr::from_str(r#"{ at: /authorization_schemes, contains: { spec_urn: "urn:ietf:rfc:6749" } }"#)
            .unwrap();
    let ssf = SsfState::default();
    let both =
        json!({ "authorization_schemes": [{ "spec_urn": "urn:ietf:rfc:8705" }, { "spec_urn": "urn:ietf:rfc:6749" }] });
    assert_eq!(kept(&member(&ssf, &seen(both), None, &spec).1), Some(true));
    let other = json!({ "authorization_schemes": [{ "spec_urn": "urn:ietf:rfc:6750" }] });
    assert_eq!(kept(&member(&ssf, &seen(other), None, &spec).1), Some(false));
}

#[test]
fn a_second_stream_with_the_first_ones_id_is_not_new() {
    let spec: MemberSpec = serde_saphyr::from_str("{ at: /stream_id, is: new-stream-id }").unwrap();
    let mut ssf = state_with_stream("s1");
    let second = Stream { id: "s1".into(), config: json!({}), delivery: SsfDelivery::Push };
    ssf.streams.insert("second".into(), second);
    ssf.current = Some("second".into());
    assert_eq!(kept(&member(&ssf, &seen(json!({ "stream_id": "s1" })), None, &spec).1), Some(false));
    ssf.streams.get_mut("second").unwrap().id = "s2".into();
    assert_eq!(kept(&member(&ssf, &seen(json!({ "stream_id": "s2" })), None, &spec).1), Some(true));
}

#[test]
fn empty_members_of_the_metadata_are_named() {
    let (_, look) = no_empty_arrays(&seen(json!({ "issuer": "https://t", "critical_subject_members": [] })));
    assert!(matches!(look, Look::Broken(ref a) if a.contains("critical_subject_members")));
    assert_eq!(kept(&no_empty_arrays(&seen(json!({ "issuer": "https://t" }))).1), Some(true));
}

#[test]
fn events_delivered_keeps_within_requested_and_supported() {
    let ssf = SsfState {
        last_sent: Some(json!({ "events_requested": ["a", "urn:setconform:unknown-event:x"] })),
        ..SsfState::default()
    };
    let good = json!({ "events_supported": ["a", "b"], "events_delivered": ["a"] });
    assert_eq!(kept(&events_delivered(&ssf, &seen(good.clone()), EventsDeliveredCheck::Subset).1), Some(true));
    assert_eq!(kept(&events_delivered(&ssf, &seen(good), EventsDeliveredCheck::WithoutUnknown).1), Some(true));
    let all = json!({ "events_supported": ["a", "b"], "events_delivered": ["a", "b"] });
    assert_eq!(kept(&events_delivered(&ssf, &seen(all), EventsDeliveredCheck::Subset).1), Some(false));
    let echoed = json!({ "events_supported": ["a", "b"], "events_delivered": ["a", "urn:setconform:unknown-event:x"] });
    assert_eq!(kept(&events_delivered(&ssf, &seen(echoed), EventsDeliveredCheck::WithoutUnknown).1), Some(false));
}

#[test]
fn the_echoed_state_is_found_behind_an_unsolicited_verification() {
    let mut ssf = state_with_stream("s1");
    ssf.requests.push(VerificationRequest { state: Some("st".into()), after: 0 });
    let both = ledger(&[verification_set(None, "s1"), verification_set(Some("st"), "s1")]);
    assert_eq!(kept(&verification(&ssf, &both, VerificationCheck::Echoed).1), Some(true));
    assert_eq!(kept(&verification(&ssf, &both, VerificationCheck::StatelessUnsolicited).1), Some(true));
    assert_eq!(kept(&verification(&ssf, &both, VerificationCheck::SubId).1), Some(true));
    let lost = ledger(&[verification_set(None, "s1")]);
    assert_eq!(kept(&verification(&ssf, &lost, VerificationCheck::Echoed).1), Some(false));
    let wrong_sub = ledger(&[verification_set(Some("st"), "other")]);
    assert_eq!(kept(&verification(&ssf, &wrong_sub, VerificationCheck::SubId).1), Some(false));
    let stated = ledger(&[verification_set(Some("unasked"), "s1"), verification_set(Some("st"), "s1")]);
    assert_eq!(kept(&verification(&ssf, &stated, VerificationCheck::StatelessUnsolicited).1), Some(false));
}

#[test]
fn an_event_held_through_a_disabled_stream_is_found() {
    let mut ssf = state_with_stream("s1");
    ssf.requests.push(VerificationRequest { state: Some("while-disabled".into()), after: 0 });
    ssf.requests.push(VerificationRequest { state: Some("after".into()), after: 0 });
    let dropped = ledger(&[verification_set(Some("after"), "s1")]);
    assert_eq!(kept(&verification(&ssf, &dropped, VerificationCheck::EarlierDropped).1), Some(true));
    let held = ledger(&[verification_set(Some("while-disabled"), "s1"), verification_set(Some("after"), "s1")]);
    assert_eq!(kept(&verification(&ssf, &held, VerificationCheck::EarlierDropped).1), Some(false));
    assert_eq!(kept(&verification(&ssf, &ledger(&[]), VerificationCheck::EarlierDropped).1), None);
}

#[test]
fn a_status_changed_by_the_transmitter_needs_a_stream_updated_event() {
    let ssf = state_with_stream("s1");
    let update = json!({ "sub_id": { "format": "opaque", "id": "s1" },
        "events": { STREAM_UPDATED_EVENT: { "status": "paused" } } });
    let paused = seen(json!({ "stream_id": "s1", "status": "paused" }));
    assert_eq!(
        kept(&stream_updated(&ssf, &paused, &ledger(std::slice::from_ref(&update)), StreamUpdatedCheck::Announced).1),
        Some(true)
    );
    assert_eq!(kept(&stream_updated(&ssf, &paused, &ledger(&[]), StreamUpdatedCheck::Announced).1), Some(false));
    let enabled = seen(json!({ "stream_id": "s1", "status": "enabled" }));
    assert_eq!(kept(&stream_updated(&ssf, &enabled, &ledger(&[]), StreamUpdatedCheck::Announced).1), None);
    let bare = json!({ "sub_id": { "format": "opaque", "id": "s1" }, "events": { STREAM_UPDATED_EVENT: {} } });
    assert_eq!(kept(&stream_updated(&ssf, &paused, &ledger(&[bare]), StreamUpdatedCheck::Payload).1), Some(false));
}

#[test]
fn every_push_must_carry_the_authorization_header() {
    let mut ssf = state_with_stream("s1");
    ssf.endpoint = Some(("https://h/push".into(), "Bearer t".into()));
    assert_eq!(kept(&push_authorization(&ssf).1), None);
    ssf.push_authorizations = vec![Some("Bearer t".into())];
    assert_eq!(kept(&push_authorization(&ssf).1), Some(true));
    ssf.push_authorizations.push(None);
    assert_eq!(kept(&push_authorization(&ssf).1), Some(false));
}

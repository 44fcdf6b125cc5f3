use super::*;

#[test]
fn duplicate_event_identifiers_are_found_in_the_raw_payload() {
    let raw = br#"{"iss":"x","events":{"urn:a":{},"urn:b":{},"urn:a":{"k":1}}}"#;
    assert_eq!(duplicate_event(raw), Some("urn:a".into()));
    assert_eq!(duplicate_event(br#"{"events":{"urn:a":{}}}"#), None);
    assert_eq!(duplicate_event(b"not json"), None);
}

#[test]
fn uri_shapes() {
    assert!(looks_like_uri("https://schemas.openid.net/x"));
    assert!(looks_like_uri("urn:ietf:params:scim:event:create"));
    assert!(!looks_like_uri("session-revoked"));
    assert!(!looks_like_uri("1http://x"));
}

#[test]
fn an_issue_time_far_ahead_or_in_milliseconds_or_before_2000_is_implausible() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert_eq!(implausible_iat(now), None);
    assert_eq!(implausible_iat(now + 3600.0), None, "an hour of clock skew is allowed");
    assert!(implausible_iat(now + 2.0 * 86_400.0).is_some());
    assert!(implausible_iat(now * 1000.0).is_some(), "milliseconds instead of seconds");
    assert!(implausible_iat(0.0).is_some());
}

fn broken(found: &[SetFinding]) -> Vec<&'static str> {
    found.iter().filter(|f| !f.not_judged).map(|f| f.req).collect()
}

#[test]
fn without_the_suts_keys_a_signed_sets_signature_is_not_judged() {
    let header = super::super::b64(r#"{"alg":"ES256","typ":"secevent+jwt","kid":"k1"}"#);
    let claims = super::super::b64(format!(
        r#"{{"iss":"https://sut.test/","iat":{},"jti":"j1","aud":"h","events":{{"urn:x:e":{{}}}}}}"#,
        1_767_225_600
    ));
    let token = format!("{header}.{claims}.c2ln");
    let found = inspect("j1", &token, &SetTrust::default());
    assert_eq!(found, [not_judged("SET-001", NO_SUT_KEYS)]);
    let unsecured = format!("{}.{claims}.", super::super::b64(r#"{"alg":"none","typ":"secevent+jwt"}"#));
    assert_eq!(inspect("j1", &unsecured, &SetTrust::default()), [], "an unsecured SET has no signature to judge");
}

#[test]
fn a_well_formed_jwe_is_not_judged_and_a_malformed_one_is_no_set() {
    let jwe_header = super::super::b64(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#);
    let jwe = format!("{jwe_header}.ZWs.aXY.Y3Q.dGFn");
    let found = inspect("j1", &jwe, &SetTrust::default());
    assert!(broken(&found).is_empty(), "{found:?}");
    assert!(found.iter().all(|f| f.detail == ENCRYPTED));
    let reqs: Vec<_> = found.iter().map(|f| f.req).collect();
    for rule in crate::set::INSPECTED_REQUIREMENTS.iter().chain(&crate::set::content::rule_ids().collect::<Vec<_>>()) {
        assert!(reqs.contains(rule), "{rule} is judged on a JWE: {found:?}");
    }
    let direct = format!("{jwe_header}..aXY.Y3Q.dGFn");
    assert!(broken(&inspect("j1", &direct, &SetTrust::default())).is_empty(), "direct encryption has no key");
    let no_enc = format!("{}.ZWs.aXY.Y3Q.dGFn", super::super::b64(r#"{"alg":"RSA-OAEP-256"}"#));
    for token in ["a.b.c.d.e", "....", &no_enc, &format!("{jwe_header}.ZWs.aXY..dGFn")] {
        let found = inspect("j1", token, &SetTrust::default());
        assert_eq!(broken(&found), ["SET-001"], "{token}: {found:?}");
        assert!(found[0].detail.starts_with("not a compact JWE"), "{found:?}");
    }
}

/// The rules an unsecured SET breaks whose claims are a sound SET's with `change` applied.
fn broken_by(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<&'static str> {
    let mut claims = serde_json::json!({
        "iss": "https://sut.test/", "iat": 1_767_225_600, "jti": "j1", "aud": "h",
        "events": { "urn:x:e": {} }
    });
    change(claims.as_object_mut().unwrap());
    let header = super::super::b64(r#"{"alg":"none","typ":"secevent+jwt"}"#);
    let token = format!("{header}.{}.", super::super::b64(claims.to_string()));
    broken(&inspect("j1", &token, &SetTrust::default()))
}

#[test]
fn each_claim_rule_finds_what_it_says() {
    assert!(broken_by(|_| {}).is_empty());
    let set =
        |name: &'static str, v: Value| move |c: &mut serde_json::Map<String, Value>| drop(c.insert(name.into(), v));
    let event = |v: Value| set("events", serde_json::json!({ "urn:x:e": v }));
    // SET-003: event types are URIs, payloads objects; SET-004: no placeholder for {}.
    assert_eq!(broken_by(set("events", serde_json::json!({ "session-revoked": {} }))), ["SET-003"]);
    assert_eq!(broken_by(event(Value::Null)), ["SET-003", "SET-004"]);
    assert_eq!(broken_by(event(Value::Bool(true))), ["SET-003", "SET-004"]);
    assert_eq!(broken_by(event(serde_json::json!([]))), ["SET-003", "SET-004"]);
    assert_eq!(broken_by(event(serde_json::json!("revoked"))), ["SET-003"]);
    // SET-012: every SET has a jti.
    assert_eq!(broken_by(|c| drop(c.remove("jti"))), ["SET-012"]);
    // SET-013: aud is a string or an array of strings.
    assert!(broken_by(set("aud", serde_json::json!(["h", "g"]))).is_empty());
    assert_eq!(broken_by(set("aud", serde_json::json!(7))), ["SET-013"]);
    assert_eq!(broken_by(set("aud", serde_json::json!(["h", 7]))), ["SET-013"]);
    assert_eq!(broken_by(set("aud", serde_json::json!([]))), ["SET-013"]);
    // SET-017, SET-018: txn, when present, a string; toe a NumericDate.
    assert!(broken_by(set("txn", serde_json::json!("t1"))).is_empty());
    assert_eq!(broken_by(set("txn", serde_json::json!(1))), ["SET-017"]);
    assert!(broken_by(set("toe", serde_json::json!(1_767_225_000))).is_empty());
    assert_eq!(broken_by(set("toe", serde_json::json!("2026-01-01T00:00:00Z"))), ["SET-018"]);
}

#[test]
fn garbage_tokens_give_findings_not_panics() {
    let trust = SetTrust::default();
    for token in ["", ".", "..", "a.b.c", "!!!.@@@.###", "e30.e30.", "e30.W10.x"] {
        let f = inspect("k", token, &trust);
        assert!(!f.is_empty(), "{token:?} gave no finding");
    }
}

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
            assert_eq!(parts(&mint_as(Some(fault), SetProfile::Rfc8417)), parts(&mint_as(None, SetProfile::Rfc8417)));
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

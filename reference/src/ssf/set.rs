//! The SETs a stream carries of its own (SSF §8.1.4.1 verification, §8.1.5
//! stream-updated): SSF profile claims (`iss` the SSF issuer, the stream's
//! `aud`, the stream as opaque `sub_id`, `txn`, one event, no `sub` or `exp`,
//! SSF §4.1), signed with the key published at `jwks_uri`.

use super::{FOREIGN_ISSUER, STREAM_UPDATED_EVENT, VERIFICATION_EVENT};
use crate::fault::Fault;
use crate::keys::{self, KID, RS256_KID};
use crate::peers::Outgoing;
use crate::set_profile::SetProfile;
use crate::state::App;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value, json};

/// The event type the `ssf-verification-type-misspelt` fault uses.
const MISSPELT_VERIFICATION: &str = "https://schemas.openid.net/secevent/ssf/event-type/verify";

/// The stream a SET is minted for.
pub struct For<'a> {
    pub stream_id: &'a str,
    pub aud: &'a str,
}

/// SSF §8.1.4.1: a verification event, echoing `state` when one was given (SSF-VER-002).
pub fn verification(app: &App, stream: &For<'_>, state: Option<&str>) -> Outgoing {
    let fault = app.fault;
    let event_type =
        if fault == Some(Fault::SsfVerificationTypeMisspelt) { MISSPELT_VERIFICATION } else { VERIFICATION_EVENT };
    let payload = match state {
        Some(state) => json!({ "state": state }),
        None => json!({}),
    };
    // SSF §8.1.4.1 (SSF-VER-004): the subject is the stream.
    let sub_id = match fault {
        Some(Fault::SsfVerificationSubIdWrong) => json!({ "format": "opaque", "id": stream.aud }),
        _ => json!({ "format": "opaque", "id": stream.stream_id }),
    };
    mint(app, stream, event_type, payload, sub_id)
}

/// SSF §8.1.5: a stream-updated event saying the stream is now `status`.
pub fn stream_updated(app: &App, stream: &For<'_>, status: &str, reason: &str) -> Outgoing {
    let payload = match app.fault {
        Some(Fault::SsfStreamUpdatedNoStatus) => json!({ "reason": reason }),
        _ => json!({ "status": status, "reason": reason }),
    };
    let sub_id = json!({ "format": "opaque", "id": stream.stream_id });
    mint(app, stream, STREAM_UPDATED_EVENT, payload, sub_id)
}

fn mint(app: &App, stream: &For<'_>, event_type: &str, payload: Value, sub_id: Value) -> Outgoing {
    let jti = format!("{}-{:04}", stream.stream_id, crate::set_ids::serial());
    // SSF §4.1.1 (SSF-SET-004): the issuer the metadata names.
    let iss = if app.fault == Some(Fault::SsfSetForeignIss) { FOREIGN_ISSUER.to_owned() } else { app.ssf.issuer() };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(iss));
    claims.insert("iat".into(), json!(crate::pushpull::now()));
    claims.insert("jti".into(), json!(jti));
    claims.insert("aud".into(), json!(stream.aud));
    claims.insert("sub_id".into(), sub_id);
    claims.insert("txn".into(), json!(format!("txn-{jti}")));
    claims.insert("events".into(), json!({ event_type: payload }));
    let token = sign(&Value::Object(claims), app.set_profile);
    Outgoing::new(jti, token)
}

/// RFC 8417 §2.3: `typ` secevent+jwt; ES256, or RS256 under the CAEP interop profile (§2.6).
fn sign(claims: &Value, profile: SetProfile) -> String {
    let rs256 = profile == SetProfile::CaepInterop;
    let (alg, alg_name, kid) =
        if rs256 { (Algorithm::RS256, "RS256", RS256_KID) } else { (Algorithm::ES256, "ES256", KID) };
    let header = json!({ "alg": alg_name, "typ": "secevent+jwt", "kid": kid });
    let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
    let keys = keys::keys();
    let key = if rs256 { &keys.rsa } else { &keys.signing };
    // An embedded key of the right type always signs; an empty signature would only fail validation.
    let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, alg).unwrap_or_default();
    format!("{signing_input}.{signature}")
}

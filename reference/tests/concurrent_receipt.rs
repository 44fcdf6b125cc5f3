//! SETs of one peer arriving on several connections at once: every pushpull
//! request (pushpull §5, §6.2), push (RFC 8935 §2.2, §2.3) and multi-SET push
//! batch is answered for exactly the SETs it carried, whatever else the peer
//! sends meanwhile; and a SET signed with a key the peer published only at its
//! `jwks_uri` is judged with that key (SSF 1.0 §7.1).

mod ssf_common;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use setconform_reference::Reference;
use ssf_common::{PATIENCE, client, serve_tls, start};
use std::collections::BTreeSet;
use tokio::task::JoinSet;

const ISSUER: &str = "https://peer.setconform.invalid/";
/// The `aud` the reference demands in SETs sent to it.
const REFERENCE_AUDIENCE: &str = "https://reference.setconform.invalid/pushpull";
/// The key id of `keys/es256.pem` in the reference's JWKS, which the test peer signs with too.
const KID: &str = "reference-es256";
/// Requests sent at once on each binding.
const REQUESTS: usize = 6;
/// Valid SETs in each pushpull or multi-SET push request: fewer than the
/// reference acknowledges in a later response.
const VALID_PER_REQUEST: usize = 4;

/// Registers a peer that signs with the reference's own test key; its bearer token.
async fn register(reference: &Reference, keys: Value) -> String {
    let body = json!({ "issuer": ISSUER, "audience": "urn:test:peer", "binding": "http" });
    let mut body = body.as_object().unwrap().clone();
    body.extend(keys.as_object().unwrap().clone());
    let answer = client().post(format!("{}/peers", reference.control_url())).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    answer.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn reference_jwks(reference: &Reference) -> Value {
    let url = format!("https://{}/jwks.json", reference.addr());
    client().get(url).send().await.unwrap().json().await.unwrap()
}

/// A SET from the test peer; `forged` spoils its signature.
fn set(jti: &str, forged: bool) -> String {
    let header = json!({ "alg": "ES256", "typ": "secevent+jwt", "kid": KID });
    let claims = json!({
        "iss": ISSUER, "aud": REFERENCE_AUDIENCE, "iat": 1_700_000_000, "jti": jti,
        "events": { "https://schemas.openid.net/secevent/caep/event-type/session-revoked": {} },
    });
    let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
    let key = jsonwebtoken::EncodingKey::from_ec_pem(include_bytes!("../keys/es256.pem")).unwrap();
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::ES256).unwrap();
    let mut signature = B64.decode(signature).unwrap();
    if forged {
        signature[10] ^= 0x01;
    }
    format!("{input}.{}", B64.encode(signature))
}

/// `sets` for request `n` on `binding`: valid SETs and one forged; the jtis of each.
fn batch(binding: &str, n: usize) -> (Value, BTreeSet<String>, BTreeSet<String>) {
    let valid: BTreeSet<String> = (0..VALID_PER_REQUEST).map(|i| format!("{binding}-{n}-{i}")).collect();
    let forged = BTreeSet::from([format!("{binding}-{n}-forged")]);
    let mut sets = serde_json::Map::new();
    for jti in &valid {
        sets.insert(jti.clone(), json!(set(jti, false)));
    }
    for jti in &forged {
        sets.insert(jti.clone(), json!(set(jti, true)));
    }
    (json!({ "sets": sets }), valid, forged)
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().into_iter().flat_map(|o| o.keys().cloned()).collect()
}

/// Posts one batch on the pushpull or multi-SET push endpoint; checks the answer names exactly its SETs.
async fn post_batch(url: String, content_type: &'static str, token: String, binding: &'static str, n: usize) {
    let (body, valid, forged) = batch(binding, n);
    let answer = client()
        .post(url)
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{binding} {n}: {}", answer.status());
    let object: Value = answer.json().await.unwrap();
    assert_eq!(strings(&object["ack"]), valid, "{binding} {n}: {object}");
    assert_eq!(keys(&object["setErrs"]), forged, "{binding} {n}: {object}");
    for entry in object["setErrs"].as_object().unwrap().values() {
        assert_eq!(entry["err"], "invalid_key", "{binding} {n}: {object}");
    }
}

/// Pushes one SET; checks it is taken, or refused for its signature when forged.
async fn push_one(url: String, token: String, n: usize) {
    let forged = n % 2 == 1;
    let answer = client()
        .post(url)
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/secevent+jwt")
        .body(set(&format!("push-{n}"), forged))
        .send()
        .await
        .unwrap();
    if forged {
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "push {n}");
        let error: Value = answer.json().await.unwrap();
        assert_eq!(error["err"], "invalid_key", "push {n}: {error}");
    } else {
        assert_eq!(answer.status(), StatusCode::ACCEPTED, "push {n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_of_one_peer_at_once_are_each_answered_for_their_own_sets() {
    let reference = start(None).await;
    let token = register(&reference, json!({ "jwks": reference_jwks(&reference).await })).await;
    let mut requests = JoinSet::new();
    for n in 0..REQUESTS {
        requests.spawn(post_batch(reference.pushpull_url(), "application/json", token.clone(), "pushpull", n));
        requests.spawn(post_batch(reference.msp_url(), "application/secevents+json", token.clone(), "msp", n));
        requests.spawn(push_one(reference.push_url(), token.clone(), n));
    }
    let answered = tokio::time::timeout(PATIENCE * 2, requests.join_all()).await;
    assert_eq!(answered.map(|all| all.len()).ok(), Some(REQUESTS * 3), "not every request was answered in time");
}

#[tokio::test]
async fn a_set_is_judged_with_keys_fetched_for_it() {
    let reference = start(None).await;
    let jwks = reference_jwks(&reference).await;
    let origin = serve_tls(move |_| Router::new().route("/jwks", get(move || async move { axum::Json(jwks) }))).await;
    let ca = String::from_utf8(Reference::ca_pem().to_vec()).unwrap();
    let keys = json!({ "jwks": { "keys": [] }, "jwks_uri": format!("{origin}/jwks"), "endpoint_ca": ca });
    let token = register(&reference, keys).await;
    post_batch(reference.pushpull_url(), "application/json", token, "rotated", 0).await;
}

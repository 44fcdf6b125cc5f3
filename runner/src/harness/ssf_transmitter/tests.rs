use super::*;
use crate::harness::pki::HarnessPki;
use serde_json::json;

async fn started(choices: Choices) -> (HarnessPki, SsfTransmitter) {
    let pki = HarnessPki::generate().unwrap();
    let setup = Setup {
        jwks_uri: "https://127.0.0.1:1/jwks.json".into(),
        poll_endpoint: Some("https://127.0.0.1:1/poll".into()),
        client: ClientCredentials { client_id: "rx".into(), client_secret: "s3cret".into() },
        access_token: "tok".into(),
        choices,
    };
    let server = SsfTransmitter::start("127.0.0.1:0".parse().unwrap(), &pki, setup).await.unwrap();
    (pki, server)
}

fn client(pki: &HarnessPki) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap()
}

#[tokio::test]
async fn a_receiver_discovers_authenticates_creates_and_verifies_and_every_call_is_logged() {
    let (pki, server) = started(Choices::default()).await;
    let http = client(&pki);
    // SSF §7.2: the well-known segment goes between the host and the issuer's path.
    let (origin, path) = server.issuer.split_at(server.issuer.find("/ssf/").unwrap());
    assert_eq!(server.metadata_url, format!("{origin}/.well-known/ssf-configuration{path}"));
    let metadata: Value = http.get(&server.metadata_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(metadata["issuer"], json!(server.issuer));
    let config = metadata["configuration_endpoint"].as_str().unwrap().to_owned();

    let refused = http.post(&config).json(&json!({})).send().await.unwrap();
    assert_eq!(refused.status(), 401, "no token, no stream");
    let form = |body: &'static str| {
        http.post(&server.token_endpoint).header("content-type", "application/x-www-form-urlencoded").body(body)
    };
    let wrong = form("grant_type=client_credentials").basic_auth("rx", Some("nope"));
    assert_eq!(wrong.send().await.unwrap().status(), 401);
    let token: Value = form("grant_type=client_credentials&client_id=rx&client_secret=s3cret")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["access_token"], "tok");

    let body = json!({ "delivery": { "method": "urn:ietf:rfc:8936" }, "events_requested": [
        "https://schemas.openid.net/secevent/caep/event-type/session-revoked", "urn:example:unknown" ] });
    let created = http.post(&config).bearer_auth("tok").json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let stream: Value = created.json().await.unwrap();
    assert_eq!(stream["iss"], json!(server.issuer));
    assert_eq!(stream["aud"], "rx");
    // SSF §6.1.2: the transmitter names the poll URL; SSF-STRM-004: delivered ⊆ supported ∩ requested.
    assert_eq!(stream["delivery"]["endpoint_url"], "https://127.0.0.1:1/poll");
    assert_eq!(stream["events_delivered"].as_array().unwrap().len(), 1);
    let id = stream["stream_id"].as_str().unwrap();

    let verify = metadata["verification_endpoint"].as_str().unwrap();
    let verified =
        http.post(verify).bearer_auth("tok").json(&json!({ "stream_id": id, "state": "abc" })).send().await.unwrap();
    assert_eq!(verified.status(), 204);
    let unknown = http.post(verify).bearer_auth("tok").json(&json!({ "stream_id": "nope" })).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    let kinds: Vec<CallKind> = server.calls_from(0).iter().map(|c| c.kind).collect();
    use CallKind::*;
    assert_eq!(kinds, [Discover, Create, Token, Token, Create, Verify, Verify]);
    let (at, call) = server.wait_for(Verify, 0, Duration::ZERO).await.unwrap();
    assert_eq!((at, call.json().unwrap()["state"].clone()), (5, json!("abc")));
    assert!(server.wait_for(Delete, 0, Duration::from_millis(50)).await.is_none());
    assert_eq!(server.streams().len(), 1);
}

#[tokio::test]
async fn a_scenario_can_make_the_metadata_and_the_stream_name_another_issuer() {
    let choices = Choices { metadata_issuer: IssuerChoice::Foreign, stream_iss: IssuerChoice::Foreign };
    let (pki, server) = started(choices).await;
    let http = client(&pki);
    let metadata: Value = http.get(&server.metadata_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(metadata["issuer"], FOREIGN_ISSUER);
    let config = metadata["configuration_endpoint"].as_str().unwrap();
    let stream: Value =
        http.post(config).bearer_auth("tok").json(&json!({})).send().await.unwrap().json().await.unwrap();
    assert_eq!(stream["iss"], FOREIGN_ISSUER);
    assert_eq!(stream["delivery"]["method"], "urn:ietf:rfc:8936", "SSF §8.1.1.1: no delivery is poll");
}

#[tokio::test]
async fn a_flooding_receiver_is_answered_and_only_its_first_calls_and_streams_are_kept() {
    let (pki, server) = started(Choices::default()).await;
    let http = client(&pki);
    let metadata: Value = http.get(&server.metadata_url).send().await.unwrap().json().await.unwrap();
    let config = metadata["configuration_endpoint"].as_str().unwrap().to_owned();
    let big = json!({ "description": "x".repeat(200_000) });
    let mut statuses = Vec::new();
    for _ in 0..(MAX_LOGGED_CALLS + 8) {
        statuses.push(http.post(&config).bearer_auth("tok").json(&big).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 32, "SSF-STRM-009: then 409");
    assert_eq!(*statuses.last().unwrap(), 409);
    assert_eq!(server.streams().len(), 32);
    let calls = server.calls_from(0);
    assert_eq!(calls.len(), MAX_LOGGED_CALLS);
    assert!(calls.iter().all(|c| c.body.len() <= MAX_LOGGED_BODY));
}

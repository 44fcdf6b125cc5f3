//! The receiver's token: each client authentication method at a token endpoint
//! (wiremock, in the clear), caching and renewal, and every way the token
//! endpoint can fail.

use super::assertion::{ASSERTION_TYPE, SigningKey};
use super::{ClientAuth, ClientCredentials, Receiver, SsfAuth, TokenError};
use crate::wire::{Wire, WireLimits};
use base64::Engine;
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const LIMIT: Duration = Duration::from_secs(2);

fn wire() -> Wire {
    Wire::new(WireLimits::default(), None, None).unwrap()
}

fn client(server: &MockServer, auth: ClientAuth) -> Receiver {
    Receiver::new(SsfAuth::ClientCredentials(ClientCredentials {
        token_endpoint: format!("{}/token", server.uri()),
        client_id: "receiver-a".into(),
        auth,
        scopes: vec!["ssf".into()],
    }))
}

fn issued(expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": "tok-1", "token_type": "Bearer", "expires_in": expires_in, "scope": "ssf"}),
    )
}

#[tokio::test]
async fn client_secret_basic_sends_the_form_encoded_pair_and_the_token_is_kept() {
    let server = MockServer::start().await;
    let basic = base64::engine::general_purpose::STANDARD.encode("receiver-a:s%26cret");
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("authorization", format!("Basic {basic}").as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=ssf"))
        .respond_with(issued(300))
        .expect(1)
        .mount(&server)
        .await;
    let receiver = client(&server, ClientAuth::SecretBasic("s&cret".into()));
    let first = receiver.bearer(&wire(), LIMIT).await.unwrap();
    assert_eq!((first.token.as_str(), first.hops.len()), ("tok-1", 1));
    let hop = &first.hops[0];
    assert_eq!(hop.result.as_ref().unwrap().status, 200);
    assert!(!String::from_utf8_lossy(&hop.result.as_ref().unwrap().body).contains("tok-1"), "the token is blanked");
    let again = receiver.bearer(&wire(), LIMIT).await.unwrap();
    assert_eq!((again.token.as_str(), again.hops.len()), ("tok-1", 0), "kept, not fetched again");
}

#[tokio::test]
async fn client_secret_post_sends_id_and_secret_in_the_body_and_never_in_the_transcript() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("client_id=receiver-a"))
        .and(body_string_contains("client_secret=secret-a"))
        .respond_with(issued(300))
        .expect(1)
        .mount(&server)
        .await;
    let receiver = client(&server, ClientAuth::SecretPost("secret-a".into()));
    let got = receiver.bearer(&wire(), LIMIT).await.unwrap();
    assert_eq!(got.token, "tok-1");
    let sent = String::from_utf8_lossy(&got.hops[0].req.body).into_owned();
    assert!(!sent.contains("secret-a") && sent.contains("client_secret=%5Bredacted%5D"), "{sent}");
}

#[tokio::test]
async fn private_key_jwt_presents_a_fresh_short_lived_assertion_for_the_token_endpoint() {
    let server = MockServer::start().await;
    let token_endpoint = format!("{}/token", server.uri());
    let expected_aud = token_endpoint.clone();
    Mock::given(method("POST"))
        .and(move |req: &Request| {
            let form: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(&req.body).into_owned().collect();
            let Some(jwt) = form.get("client_assertion") else { return false };
            let part = |i: usize| -> Value {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwt.split('.').nth(i).unwrap());
                serde_json::from_slice(&bytes.unwrap()).unwrap()
            };
            let (head, claims) = (part(0), part(1));
            let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
            form.get("client_assertion_type").map(String::as_str) == Some(ASSERTION_TYPE)
                && head["alg"] == "ES256"
                && claims["aud"] == expected_aud.as_str()
                && claims["iss"] == "receiver-a"
                && claims["sub"] == "receiver-a"
                && claims["jti"].as_str().is_some_and(|j| j.len() >= 16)
                && lifetime <= 300
        })
        .respond_with(issued(300))
        .expect(1)
        .mount(&server)
        .await;
    let key = SigningKey::from_pem(include_bytes!("../../keys/es256.pem")).unwrap();
    let receiver = client(&server, ClientAuth::PrivateKeyJwt(key));
    assert_eq!(receiver.bearer(&wire(), LIMIT).await.unwrap().token, "tok-1");
}

#[tokio::test]
async fn a_token_is_fetched_again_before_it_expires_and_after_it_was_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(issued(1)).expect(3).mount(&server).await;
    let receiver = client(&server, ClientAuth::SecretPost("secret-a".into()));
    assert_eq!(receiver.bearer(&wire(), LIMIT).await.unwrap().hops.len(), 1);
    assert_eq!(receiver.bearer(&wire(), LIMIT).await.unwrap().hops.len(), 0);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(receiver.bearer(&wire(), LIMIT).await.unwrap().hops.len(), 1, "renewed ahead of expiry");
    receiver.forget("tok-1");
    assert_eq!(receiver.bearer(&wire(), LIMIT).await.unwrap().hops.len(), 1, "fetched again after a 401");
}

#[tokio::test]
async fn a_static_token_needs_no_exchange() {
    let receiver = Receiver::new(SsfAuth::Bearer("static-token-a".into()));
    receiver.forget("static-token-a");
    let got = receiver.bearer(&wire(), LIMIT).await.unwrap();
    assert_eq!((got.token.as_str(), got.hops.len()), ("static-token-a", 0));
}

/// The token endpoint answering `answer`, and what the receiver makes of it.
async fn failure(answer: ResponseTemplate, limit: Duration) -> (TokenError, usize) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(answer).mount(&server).await;
    let obtained = client(&server, ClientAuth::SecretBasic("secret-a".into())).obtain(&wire(), limit).await;
    (obtained.token.expect_err("no token"), obtained.hops.len())
}

#[tokio::test]
async fn every_failing_token_endpoint_is_named_and_its_exchange_kept() {
    let (e, hops) = failure(ResponseTemplate::new(200).set_body_string("<html>hello</html>"), LIMIT).await;
    assert!(matches!(e, TokenError::NotJson(ref t) if t.contains("hello")) && hops == 1, "{e}");
    let big = ResponseTemplate::new(200).set_body_bytes(vec![b'{'; 50 * 1024 * 1024]);
    let (e, _) = failure(big, Duration::from_secs(10)).await;
    assert!(matches!(e, TokenError::TooLarge(_)), "{e}");
    let redirect = ResponseTemplate::new(302).insert_header("location", "/token");
    let (e, _) = failure(redirect, LIMIT).await;
    assert!(matches!(e, TokenError::Redirect { status: 302, .. }), "{e}");
    let slow = issued(300).set_delay(Duration::from_secs(3));
    let (e, hops) = failure(slow, Duration::from_millis(300)).await;
    assert!(matches!(e, TokenError::Timeout(300)) && hops == 1, "{e}");
    let refused = ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
    let (e, _) = failure(refused, LIMIT).await;
    assert!(matches!(e, TokenError::Status { status: 401, ref excerpt } if excerpt.contains("invalid_client")));
    let (e, _) = failure(ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer"})), LIMIT).await;
    assert!(matches!(e, TokenError::NoAccessToken), "{e}");
    let mac = json!({"access_token": "t", "token_type": "mac"});
    let (e, _) = failure(ResponseTemplate::new(200).set_body_json(mac), LIMIT).await;
    assert!(matches!(e, TokenError::NotBearer(_)), "{e}");
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_named() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let receiver = Receiver::new(SsfAuth::ClientCredentials(ClientCredentials {
        token_endpoint: format!("http://{closed}/token"),
        client_id: "receiver-a".into(),
        auth: ClientAuth::SecretPost("secret-a".into()),
        scopes: Vec::new(),
    }));
    let e = receiver.bearer(&wire(), LIMIT).await.unwrap_err();
    assert!(matches!(e, TokenError::Unreachable(_)), "{e}");
}

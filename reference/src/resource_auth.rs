//! How the reference authenticates when it initiates pushpull toward a peer
//! (pushpull §8.2): before its first request it asks for the endpoint's OAuth
//! protected-resource metadata (RFC 9728 §3.1). When there is some, it takes
//! an access token from the authorization server the metadata names (RFC 8414
//! metadata, then the client-credentials grant of RFC 6749 §4.4) with the
//! client credentials the peer gave at registration. Without metadata it
//! presents the bearer token the peer gave.

use crate::bounded;
use crate::fault::Fault;
use crate::peers::{Access, Endpoint, OAuthClient};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Longest each metadata or token request may take.
const PATIENCE: Duration = Duration::from_secs(3);
/// Largest metadata document or token answer the reference reads.
const MAX_DOCUMENT: usize = 64 * 1024;
/// A token is renewed this long before the expiry its issuer gave.
const RENEW_EARLY: Duration = Duration::from_secs(30);

/// The credentials the reference cannot obtain: the request is not sent.
#[derive(Debug)]
pub struct NoAccess(pub String);

/// The bearer token for the next request to `endpoint`.
pub async fn bearer(endpoint: &Endpoint, fault: Option<Fault>) -> Result<Option<String>, NoAccess> {
    if fault == Some(Fault::SkipResourceMetadata) {
        return Ok(endpoint.token.clone());
    }
    // One lookup at a time per endpoint: the metadata is asked for once, not once per request.
    let mut access = endpoint.access.lock().await;
    if matches!(*access, Access::Unknown) {
        *access = match discover(endpoint, fault).await {
            Some(token_endpoint) => Access::Server { token_endpoint, token: None },
            None => Access::NoMetadata,
        };
    }
    let Access::Server { token_endpoint, token } = &mut *access else {
        return Ok(endpoint.token.clone());
    };
    if fault == Some(Fault::IgnoreAuthorizationServer) {
        return Ok(endpoint.token.clone());
    }
    if let Some((value, _)) = token.as_ref().filter(|(_, until)| *until > Instant::now()) {
        return Ok(Some(value.clone()));
    }
    let client = endpoint.oauth_client.as_ref().ok_or_else(|| {
        NoAccess("the endpoint's metadata names an authorization server, and the peer gave no client".into())
    })?;
    let (value, lifetime) = request_token(endpoint, token_endpoint, client).await?;
    *token = Some((value.clone(), Instant::now() + lifetime.saturating_sub(RENEW_EARLY)));
    Ok(Some(value))
}

/// The token endpoint of the authorization server that the endpoint's metadata
/// names, when there is metadata that names one.
async fn discover(endpoint: &Endpoint, fault: Option<Fault>) -> Option<String> {
    let mut resource = reqwest::Url::parse(&endpoint.url).ok()?;
    if fault == Some(Fault::ResourceMetadataAtOrigin) {
        // AMB-10's other reading: the origin is the protected resource.
        resource.set_path("");
    }
    let metadata = document(endpoint, &well_known(&resource, "oauth-protected-resource")?).await?;
    // RFC 9728 §3.3: metadata for another resource is not this endpoint's.
    let named = metadata.get("resource").and_then(Value::as_str).and_then(|r| reqwest::Url::parse(r).ok());
    if named.as_ref() != Some(&resource) {
        return None;
    }
    let issuer = metadata.get("authorization_servers")?.as_array()?.first()?.as_str()?.to_owned();
    let issuer_url = reqwest::Url::parse(&issuer).ok()?;
    let server = document(endpoint, &well_known(&issuer_url, "oauth-authorization-server")?).await?;
    // RFC 8414 §3.3: the issuer in the metadata is the one it was asked for.
    if server.get("issuer").and_then(Value::as_str) != Some(issuer.as_str()) {
        return None;
    }
    let token_endpoint = server.get("token_endpoint")?.as_str()?;
    token_endpoint.starts_with("https://").then(|| token_endpoint.to_owned())
}

/// RFC 9728 §3.1, RFC 8414 §3.1: the well-known suffix goes between the host
/// and the URL's path.
fn well_known(url: &reqwest::Url, suffix: &str) -> Option<String> {
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    (url.scheme() == "https").then(|| format!("{origin}/.well-known/{suffix}{path}"))
}

async fn document(endpoint: &Endpoint, url: &str) -> Option<Value> {
    match bounded::json(endpoint.client.get(url), MAX_DOCUMENT, PATIENCE).await? {
        (200, doc @ Value::Object(_)) => Some(doc),
        _ => None,
    }
}

/// RFC 6749 §4.4.2, client authenticated with HTTP Basic (§2.3.1).
async fn request_token(
    endpoint: &Endpoint,
    token_endpoint: &str,
    client: &OAuthClient,
) -> Result<(String, Duration), NoAccess> {
    let form = url_encode(&[("grant_type", "client_credentials")]);
    let request = endpoint
        .client
        .post(token_endpoint)
        .basic_auth(form_value(&client.client_id), Some(form_value(&client.client_secret)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form);
    let answer = bounded::json(request, MAX_DOCUMENT, PATIENCE).await;
    let Some((200, answer)) = answer else {
        let error = answer.and_then(|(_, a)| a.get("error").and_then(Value::as_str).map(str::to_owned));
        return Err(NoAccess(format!("the token endpoint refused: {}", error.as_deref().unwrap_or("no answer"))));
    };
    let token = answer.get("access_token").and_then(Value::as_str);
    let bearer = answer.get("token_type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
    let lifetime =
        answer.get("expires_in").and_then(Value::as_u64).map_or(Duration::from_secs(300), Duration::from_secs);
    match (token, bearer) {
        (Some(token), true) => Ok((token.to_owned(), lifetime)),
        _ => Err(NoAccess("the token answer has no bearer access_token".into())),
    }
}

/// `application/x-www-form-urlencoded` (RFC 6749 Appendix B).
fn url_encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn form_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_suffix_goes_between_host_and_path() {
        let url = reqwest::Url::parse("https://127.0.0.1:8443/abc/pushpull").unwrap();
        assert_eq!(
            well_known(&url, "oauth-protected-resource").unwrap(),
            "https://127.0.0.1:8443/.well-known/oauth-protected-resource/abc/pushpull"
        );
        let bare = reqwest::Url::parse("https://as.example/").unwrap();
        assert_eq!(
            well_known(&bare, "oauth-authorization-server").unwrap(),
            "https://as.example/.well-known/oauth-authorization-server"
        );
        assert!(well_known(&reqwest::Url::parse("http://127.0.0.1/x").unwrap(), "x").is_none());
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(url_encode(&[("grant_type", "client_credentials")]), "grant_type=client_credentials");
        assert_eq!(form_value("a b:c/é"), "a+b%3Ac%2F%C3%A9");
    }
}

//! How a SUT that initiates toward the harness finds out how to authenticate
//! (pushpull §8.2): the harness's endpoint publishes OAuth protected-resource
//! metadata (RFC 9728) naming an authorization server the harness runs on the
//! same listener, with its own metadata (RFC 8414) and a token endpoint for the
//! client-credentials grant (RFC 6749 §4.4). The SUT is given its client
//! credentials at registration.
//!
//! None of these requests is a message to the endpoint: they are answered here
//! and only logged, for the checks of PP-AUTH-003 and PP-AUTH-004.

use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::sync::Mutex;
use std::time::Instant;

/// Lifetime of an access token the harness issues, in seconds.
const TOKEN_LIFETIME: u64 = 3600;
/// Well-known suffix of protected-resource metadata (RFC 9728 §3).
const RESOURCE_WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";
/// Well-known suffix of authorization-server metadata (RFC 8414 §3).
const SERVER_WELL_KNOWN: &str = "/.well-known/oauth-authorization-server";

/// The four URLs answered here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    MetadataAtPath,
    MetadataAtOrigin,
    ServerMetadata,
    Token,
}

/// The client credentials the SUT is given for the harness's authorization server.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

/// What the SUT asked of the harness's metadata and authorization server.
#[derive(Debug, Clone, Default)]
pub struct AuthLog {
    /// First fetch of the metadata at the endpoint URL's own well-known URL (RFC 9728 §3.1).
    pub metadata_at_path: Option<Instant>,
    /// First fetch of the metadata at the origin's well-known URL (the other reading of AMB-10).
    pub metadata_at_origin: Option<Instant>,
    /// First fetch of the authorization server's metadata.
    pub server_metadata: Option<Instant>,
    /// Token requests, and how many were refused.
    pub token_requests: usize,
    pub token_refusals: usize,
    /// The access tokens issued, in order.
    pub issued: Vec<String>,
}

/// The metadata and authorization server of one endpoint.
pub(crate) struct ResourceAuth {
    /// Whether the metadata exists; without it both well-known URLs answer 404.
    publish: bool,
    /// The endpoint URL: the protected resource's identifier.
    resource: String,
    origin: String,
    /// The authorization server's issuer identifier.
    issuer: String,
    /// The paths answered here, worked out once rather than per request.
    paths: [(String, Target); 5],
    client: ClientCredentials,
    log: Mutex<AuthLog>,
}

impl ResourceAuth {
    /// For the endpoint at `resource`, whose private path is `scope`.
    pub(crate) fn new(resource: &str, scope: &str, publish: bool, client: ClientCredentials) -> Self {
        let after_scheme = resource.find("://").map_or(0, |i| i + 3);
        let path_start = resource[after_scheme..].find('/').map_or(resource.len(), |i| after_scheme + i);
        let (origin, resource_path) = resource.split_at(path_start);
        let issuer_path = format!("{scope}/oauth");
        let paths = [
            (format!("{RESOURCE_WELL_KNOWN}{resource_path}"), Target::MetadataAtPath),
            (RESOURCE_WELL_KNOWN.to_owned(), Target::MetadataAtOrigin),
            (format!("{RESOURCE_WELL_KNOWN}/"), Target::MetadataAtOrigin),
            (format!("{SERVER_WELL_KNOWN}{issuer_path}"), Target::ServerMetadata),
            (format!("{issuer_path}/token"), Target::Token),
        ];
        ResourceAuth {
            publish,
            resource: resource.to_owned(),
            origin: origin.to_owned(),
            issuer: format!("{origin}{issuer_path}"),
            paths,
            client,
            log: Mutex::new(AuthLog::default()),
        }
    }

    pub(crate) fn log(&self) -> AuthLog {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Which of the metadata and authorization-server URLs `path` is, if any.
    pub(crate) fn target(&self, path: &str) -> Option<Target> {
        self.paths.iter().find(|(p, _)| p == path).map(|(_, target)| *target)
    }

    /// The answer to a request for `target`.
    pub(crate) fn answer(&self, target: Target, method: &Method, headers: &HeaderMap, body: &[u8]) -> Response {
        let now = Instant::now();
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        match target {
            Target::MetadataAtPath => {
                log.metadata_at_path.get_or_insert(now);
                self.resource_metadata(&self.resource)
            }
            Target::MetadataAtOrigin => {
                log.metadata_at_origin.get_or_insert(now);
                // The resource is then the origin itself (RFC 9728 §3.3 ties it to the URL asked).
                self.resource_metadata(&self.origin)
            }
            Target::ServerMetadata => {
                log.server_metadata.get_or_insert(now);
                self.server_metadata()
            }
            Target::Token => {
                log.token_requests += 1;
                match self.token(method, headers, body) {
                    Ok(token) => {
                        log.issued.push(token.clone());
                        token_response(&token)
                    }
                    Err(refusal) => {
                        log.token_refusals += 1;
                        refusal.into_response()
                    }
                }
            }
        }
    }

    fn resource_metadata(&self, resource: &str) -> Response {
        if !self.publish {
            return (StatusCode::NOT_FOUND, "no protected-resource metadata").into_response();
        }
        let body = json!({
            "resource": resource,
            "authorization_servers": [self.issuer],
            "bearer_methods_supported": ["header"],
        });
        json_response(StatusCode::OK, &body)
    }

    fn server_metadata(&self) -> Response {
        if !self.publish {
            return (StatusCode::NOT_FOUND, "no authorization server here").into_response();
        }
        let body = json!({
            "issuer": self.issuer,
            "token_endpoint": format!("{}/token", self.issuer),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        });
        json_response(StatusCode::OK, &body)
    }

    /// RFC 6749 §4.4.2: a POSTed client-credentials grant from the registered
    /// client, authenticated by Basic or in the form (§2.3.1).
    fn token(&self, method: &Method, headers: &HeaderMap, body: &[u8]) -> Result<String, Refusal> {
        if !self.publish {
            return Err(Refusal::NoServer);
        }
        if method != Method::POST {
            return Err(Refusal::NotPost);
        }
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        if field("grant_type") != Some("client_credentials") {
            return Err(Refusal::Grant);
        }
        let (id, secret) = match basic_credentials(headers) {
            Some((id, secret)) => (Some(id), Some(secret)),
            None => (field("client_id").map(str::to_owned), field("client_secret").map(str::to_owned)),
        };
        if id.as_deref() != Some(&self.client.client_id) || secret.as_deref() != Some(&self.client.client_secret) {
            return Err(Refusal::Client);
        }
        Ok(format!("harness-at-{}", super::listener::private_segment()))
    }
}

/// Why the token endpoint refused a request (RFC 6749 §5.2).
enum Refusal {
    NoServer,
    NotPost,
    Grant,
    Client,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoServer => (StatusCode::NOT_FOUND, "no authorization server here").into_response(),
            Refusal::NotPost => {
                oauth_error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "the token endpoint takes POST")
            }
            Refusal::Grant => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only client_credentials"),
            Refusal::Client => {
                let mut refusal =
                    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret");
                refusal.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic"));
                refusal
            }
        }
    }
}

/// The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1:
/// each form-encoded before the Basic encoding).
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (id, secret) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    let unform = |s: &str| url::form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unform(id)?, unform(secret)?))
}

fn token_response(token: &str) -> Response {
    let body = json!({ "access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME });
    let mut response = json_response(StatusCode::OK, &body);
    // RFC 6749 §5.1: a token response is never cached.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(status, &json!({ "error": error, "error_description": description }))
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(publish: bool) -> ResourceAuth {
        let client = ClientCredentials { client_id: "sut".into(), client_secret: "s3cret".into() };
        ResourceAuth::new("https://127.0.0.1:9/abc/pushpull", "/abc", publish, client)
    }

    async fn json_of(response: Response) -> (u16, serde_json::Value) {
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    fn get(auth: &ResourceAuth, path: &str) -> Option<Response> {
        auth.target(path).map(|target| auth.answer(target, &Method::GET, &HeaderMap::new(), b""))
    }

    fn post_token(auth: &ResourceAuth, headers: &HeaderMap, body: &[u8]) -> Response {
        auth.answer(auth.target("/abc/oauth/token").unwrap(), &Method::POST, headers, body)
    }

    #[tokio::test]
    async fn metadata_names_the_resource_and_a_server_whose_token_endpoint_issues_to_the_client() {
        let auth = auth(true);
        let (status, prm) = json_of(get(&auth, "/.well-known/oauth-protected-resource/abc/pushpull").unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(prm["resource"], "https://127.0.0.1:9/abc/pushpull");
        assert_eq!(prm["authorization_servers"][0], "https://127.0.0.1:9/abc/oauth");
        let (_, at_origin) = json_of(get(&auth, "/.well-known/oauth-protected-resource").unwrap()).await;
        assert_eq!(at_origin["resource"], "https://127.0.0.1:9");
        let (_, server) = json_of(get(&auth, "/.well-known/oauth-authorization-server/abc/oauth").unwrap()).await;
        assert_eq!(server["issuer"], "https://127.0.0.1:9/abc/oauth");
        assert_eq!(server["token_endpoint"], "https://127.0.0.1:9/abc/oauth/token");

        let mut basic = HeaderMap::new();
        basic.insert(header::AUTHORIZATION, "Basic c3V0OnMzY3JldA==".parse().unwrap());
        let grant = b"grant_type=client_credentials";
        let (status, token) = json_of(post_token(&auth, &basic, grant)).await;
        assert_eq!(status, 200);
        let in_form = b"grant_type=client_credentials&client_id=sut&client_secret=s3cret";
        let (status, _) = json_of(post_token(&auth, &HeaderMap::new(), in_form)).await;
        assert_eq!(status, 200);
        let wrong = b"grant_type=client_credentials&client_id=sut&client_secret=guess";
        let (status, error) = json_of(post_token(&auth, &HeaderMap::new(), wrong)).await;
        assert_eq!((status, error["error"].as_str()), (401, Some("invalid_client")));

        let log = auth.log();
        assert!(log.metadata_at_path.is_some() && log.metadata_at_origin.is_some() && log.server_metadata.is_some());
        assert_eq!((log.token_requests, log.token_refusals, log.issued.len()), (3, 1, 2));
        assert_eq!(log.issued[0], token["access_token"].as_str().unwrap());
        assert!(get(&auth, "/abc/pushpull").is_none(), "the endpoint's own URL is not answered here");
    }

    #[tokio::test]
    async fn without_metadata_the_well_known_urls_answer_404_and_are_still_logged() {
        let auth = auth(false);
        let (status, _) = json_of(get(&auth, "/.well-known/oauth-protected-resource/abc/pushpull").unwrap()).await;
        assert_eq!(status, 404);
        assert!(auth.log().metadata_at_path.is_some());
    }
}

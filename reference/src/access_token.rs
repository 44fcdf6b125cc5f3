//! OAuth access tokens as a way for an initiator to prove who it is to the
//! reference's pushpull endpoint (pushpull §8.2 leaves the mechanism open).
//! A peer may name, at registration, an authorization server it gets tokens
//! from; the reference then also takes JWT access tokens (RFC 9068) that the
//! server issued to that peer for this endpoint, signed with the peer's keys.

use crate::fault::Fault;
use crate::jose;
use crate::jose::Trust;
use crate::peers::{AuthorizationServer, Peer};
use serde_json::Value;
use std::sync::Arc;

/// Why an access token is refused (RFC 6750 §3.1 `invalid_token` in every case).
#[derive(Debug)]
pub struct Refused(pub &'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The peer `token` claims to be issued to (its `client_id`), not yet checked.
pub fn peer_id(token: &str) -> Option<String> {
    let claims = jose::decode_part(token.split('.').nth(1)?)?;
    claims.get("client_id")?.as_str().map(str::to_owned)
}

/// What checking a peer's access token takes of the peer: the authorization
/// server it named at registration, if any, and its keys.
pub struct Issuing {
    server: Option<AuthorizationServer>,
    trust: Arc<Trust>,
}

impl Issuing {
    /// Taken from `peer`, so that the token can be checked with no lock held.
    pub fn of(peer: &Peer) -> Issuing {
        Issuing { server: peer.authorization_server.clone(), trust: Arc::clone(&peer.trust) }
    }
}

/// RFC 9068 §4: what a resource server checks in a JWT access token, here
/// for the peer `issuing` was taken from.
pub fn check(issuing: &Issuing, token: &str, resource: &str, fault: Option<Fault>) -> Result<(), Refused> {
    let server = issuing.server.as_ref().ok_or(Refused("the peer named no authorization server"))?;
    if fault == Some(Fault::RefuseAccessTokens) {
        return Err(Refused("access tokens are not taken here"));
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else { return Err(Refused("not a JWT")) };
    let header = jose::decode_part(h).ok_or(Refused("the header is not JSON"))?;
    let claims = jose::decode_part(p).ok_or(Refused("the claims are not JSON"))?;
    // §2.1: typ at+jwt keeps other JWTs of the same issuer (its SETs) from passing as tokens.
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
    if typ != "at+jwt" && typ != "application/at+jwt" {
        return Err(Refused("typ is not at+jwt"));
    }
    jose::verify_with(&header, &format!("{h}.{p}"), s, &issuing.trust.peer_jwks)
        .map_err(|_| Refused("bad signature"))?;
    if claims.get("iss").and_then(Value::as_str) != Some(server.issuer.as_str()) {
        return Err(Refused("iss is not the peer's authorization server"));
    }
    if !jose::audience_matches(claims.get("aud"), resource) && fault != Some(Fault::AcceptAccessTokenForAnyResource) {
        return Err(Refused("aud does not name this endpoint"));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    match claims.get("exp").and_then(Value::as_u64) {
        None => return Err(Refused("exp is missing")),
        Some(exp) if exp <= now && fault != Some(Fault::AcceptExpiredAccessToken) => {
            return Err(Refused("the token has expired"));
        }
        Some(_) => {}
    }
    Ok(())
}

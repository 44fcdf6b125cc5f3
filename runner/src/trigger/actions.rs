//! What the harness asks of a SUT, and the request each adapter carries it in:
//! the JSON body (the same for every adapter) and the `SETCONFORM_*`
//! environment of an `exec` command.

use super::HarnessIdentity;
use serde_json::{Value, json};

/// One thing the harness asks of the SUT.
#[derive(Debug, Clone)]
pub enum TriggerAction {
    Register {
        body: Value,
    },
    Queue {
        peer: String,
        count: usize,
    },
    Initiate {
        peer: String,
    },
    /// The scenario is over: the SUT may forget the peer and stop sending to it.
    Release {
        peer: String,
    },
}

/// What the SUT is told about the harness's endpoint at registration.
#[derive(Debug, Clone)]
pub struct HarnessEndpointGrant {
    pub url: String,
    /// The bearer token to present there.
    pub token: String,
    /// Client credentials for the harness's authorization server.
    pub oauth_client: Option<crate::harness::endpoint::ClientCredentials>,
}

impl TriggerAction {
    /// The registration request. `binding` says how SETs travel between the
    /// two: "http" or "websocket" (pushpull; websocket upgrades at the endpoint's
    /// URL, §7.1, AMB-01 reading (a)), "push", "msp" or "poll". `endpoint` (URL,
    /// token) is the harness's, when the SUT is to send requests to it.
    /// `harness_issuer` and `harness_audience` are the `iss` and `aud` the SUT puts
    /// in SETs for the harness; `issuer` and `audience` repeat them for bridges
    /// written before those names.
    pub fn register(
        identity: &HarnessIdentity,
        endpoint: Option<HarnessEndpointGrant>,
        binding: &str,
    ) -> TriggerAction {
        let mut body = json!({
            "harness_issuer": identity.issuer,
            "harness_audience": identity.audience,
            "issuer": identity.issuer,
            "audience": identity.audience,
            "jwks": identity.jwks,
            "binding": binding,
        });
        let mut harness_urls = Vec::new();
        if let Some(certificate) = &identity.client_certificate {
            body["client_certificate"] = json!(certificate);
        }
        if let Some(uri) = &identity.jwks_uri {
            body["jwks_uri"] = json!(uri);
            // The harness is also an authorization server whose access tokens (RFC 9068) it signs
            // with the same keys: a SUT may take them in place of its own bearer token.
            body["authorization_server"] = json!({ "issuer": identity.issuer, "jwks_uri": uri });
            harness_urls.push(uri.clone());
        }
        if let Some(grant) = endpoint {
            body["endpoint"] = json!(grant.url);
            body["endpoint_token"] = json!(grant.token);
            // For the authorization server the endpoint's metadata may name (pushpull §8.2).
            if let Some(client) = grant.oauth_client {
                body["oauth_client"] = json!({ "client_id": client.client_id, "client_secret": client.client_secret });
            }
            harness_urls.push(grant.url);
        }
        // The CA that the harness's HTTPS URLs (endpoint, jwks_uri) chain to.
        if harness_urls.iter().any(|u| u.starts_with("https://")) {
            body["endpoint_ca"] = json!(identity.endpoint_ca);
        }
        TriggerAction::Register { body }
    }

    pub fn name(&self) -> &'static str {
        match self {
            TriggerAction::Register { .. } => "register",
            TriggerAction::Queue { .. } => "queue",
            TriggerAction::Initiate { .. } => "initiate",
            TriggerAction::Release { .. } => "release",
        }
    }

    /// The JSON request body, the same for every adapter.
    pub fn body(&self) -> Value {
        match self {
            TriggerAction::Register { body } => body.clone(),
            TriggerAction::Queue { count, .. } => json!({ "count": count }),
            TriggerAction::Initiate { .. } | TriggerAction::Release { .. } => json!({}),
        }
    }

    pub fn peer(&self) -> Option<&str> {
        match self {
            TriggerAction::Register { .. } => None,
            TriggerAction::Queue { peer, .. } | TriggerAction::Initiate { peer } | TriggerAction::Release { peer } => {
                Some(peer)
            }
        }
    }

    pub fn count(&self) -> Option<usize> {
        match self {
            TriggerAction::Queue { count, .. } => Some(*count),
            _ => None,
        }
    }

    /// Environment variables an `exec` trigger command gets.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("SETCONFORM_ACTION".to_owned(), self.name().to_owned()),
            ("SETCONFORM_REQUEST".to_owned(), self.body().to_string()),
        ];
        if let Some(peer) = self.peer() {
            env.push(("SETCONFORM_PEER".to_owned(), peer.to_owned()));
        }
        if let Some(count) = self.count() {
            env.push(("SETCONFORM_COUNT".to_owned(), count.to_string()));
        }
        env
    }
}

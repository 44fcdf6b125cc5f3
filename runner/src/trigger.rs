//! Trigger adapters: how the harness makes a SUT act (the SUT contract).
//!
//! The `http` adapter speaks the control API that the reference implements:
//! `POST {url}/peers` registers the harness as a peer and returns its bearer
//! token; `POST {url}/peers/{peer}/queue` asks the SUT to queue SETs for it;
//! `POST {url}/peers/{peer}/initiate` asks an initiator SUT to send a request now.

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::{Value, json};

/// What the harness tells the SUT about itself when it registers.
#[derive(Debug, Clone)]
pub struct HarnessIdentity {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwkSet,
}

/// The SUT's answer to a registration. Only `peer` is required.
#[derive(Debug, Clone, Deserialize)]
pub struct Registration {
    pub peer: String,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub jwks: Option<JwkSet>,
}

#[derive(Debug, Clone)]
pub struct HttpTrigger {
    pub base_url: String,
}

impl HttpTrigger {
    pub fn register_url(&self) -> String {
        format!("{}/peers", self.base_url.trim_end_matches('/'))
    }

    /// The registration request; `endpoint` (URL, token) when the SUT is to initiate toward the harness.
    pub fn register_body(identity: &HarnessIdentity, endpoint: Option<(String, String)>) -> Value {
        let mut body = json!({ "issuer": identity.issuer, "audience": identity.audience, "jwks": identity.jwks });
        if let Some((url, token)) = endpoint {
            body["endpoint"] = json!(url);
            body["endpoint_token"] = json!(token);
        }
        body
    }

    pub fn initiate_url(&self, peer: &str) -> String {
        format!("{}/peers/{}/initiate", self.base_url.trim_end_matches('/'), percent_encode(peer))
    }

    pub fn queue_url(&self, peer: &str) -> String {
        format!("{}/peers/{}/queue", self.base_url.trim_end_matches('/'), percent_encode(peer))
    }

    pub fn queue_body(count: usize) -> Value {
        json!({ "count": count })
    }
}

/// Keeps a SUT-chosen peer id from changing the URL's structure.
fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_ids_cannot_escape_their_path_segment() {
        let t = HttpTrigger { base_url: "http://127.0.0.1:9/control/".into() };
        assert_eq!(t.queue_url("../x?y"), "http://127.0.0.1:9/control/peers/..%2Fx%3Fy/queue");
    }
}

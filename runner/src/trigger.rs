//! Trigger adapters: how the harness makes a SUT act (the SUT contract).
//!
//! Three actions: `register` (the harness introduces itself as a peer: its
//! issuer, audience and keys, and, when the SUT is to initiate, its endpoint
//! and the token to present there), `queue` (queue SETs for the harness) and
//! `initiate` (send a request to the harness's endpoint now). Adapters:
//! - `http`: the control API the reference implements: `POST {url}/peers`,
//!   `POST {url}/peers/{peer}/queue`, `POST {url}/peers/{peer}/initiate`;
//! - `exec`: a command run with the action in `SETCONFORM_*` environment
//!   variables, bounded by a timeout, its output kept in the transcript;
//! - `manual`: instructions printed for a person; the next step then waits
//!   until its expectations are met or the deadline passes.

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// Most bytes of a trigger command's output kept.
const MAX_OUTPUT: usize = 64 * 1024;

/// How the SUT is made to act, from `sut.yaml`.
#[derive(Debug, Clone)]
pub enum TriggerConfig {
    Http {
        url: String,
    },
    /// `dir` is where the command runs: the folder of sut.yaml.
    Exec {
        command: Vec<String>,
        dir: std::path::PathBuf,
        timeout: Duration,
    },
    Manual,
}

/// What the harness tells the SUT about itself when it registers.
#[derive(Debug, Clone)]
pub struct HarnessIdentity {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwkSet,
    /// Where the harness publishes its keys (SSF §7.1), when it serves them.
    pub jwks_uri: Option<String>,
    /// The CA the harness's HTTPS URLs chain to (PEM).
    pub endpoint_ca: String,
    /// The certificate the harness presents as a TLS client (PEM), for a SUT that
    /// holds its peers to one (pushpull §8.2: mutual TLS).
    pub client_certificate: Option<String>,
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
    /// Where the SUT publishes its keys (SSF §7.1).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// The certificate (PEM) the SUT presents as a TLS client (pushpull §8.2: mutual TLS).
    #[serde(default)]
    pub client_certificate: Option<String>,
}

/// One thing the harness asks of the SUT.
#[derive(Debug, Clone)]
pub enum TriggerAction {
    Register { body: Value },
    Queue { peer: String, count: usize },
    Initiate { peer: String },
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
    pub fn register(
        identity: &HarnessIdentity,
        endpoint: Option<HarnessEndpointGrant>,
        binding: &str,
    ) -> TriggerAction {
        let mut body = json!({
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
        }
    }

    /// The JSON request body, the same for every adapter.
    pub fn body(&self) -> Value {
        match self {
            TriggerAction::Register { body } => body.clone(),
            TriggerAction::Queue { count, .. } => json!({ "count": count }),
            TriggerAction::Initiate { .. } => json!({}),
        }
    }

    fn peer(&self) -> Option<&str> {
        match self {
            TriggerAction::Register { .. } => None,
            TriggerAction::Queue { peer, .. } | TriggerAction::Initiate { peer } => Some(peer),
        }
    }

    /// The control API URL for this action under `base`.
    pub fn http_url(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        match self {
            TriggerAction::Register { .. } => format!("{base}/peers"),
            TriggerAction::Queue { peer, .. } => format!("{base}/peers/{}/queue", percent_encode(peer)),
            TriggerAction::Initiate { peer } => format!("{base}/peers/{}/initiate", percent_encode(peer)),
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
        if let TriggerAction::Queue { count, .. } = self {
            env.push(("SETCONFORM_COUNT".to_owned(), count.to_string()));
        }
        env
    }

    /// What a person has to do, for the `manual` adapter.
    pub fn instructions(&self, scenario: &str) -> String {
        match self {
            TriggerAction::Register { body } => format!(
                "[{scenario}] configure the SUT for the harness: issuer {}, audience {}, keys in harness-jwks.json{}{}",
                body["issuer"],
                body["audience"],
                body.get("jwks_uri").map(|u| format!(" and at {u}")).unwrap_or_default(),
                body.get("endpoint").map(|e| format!(", endpoint {e}")).unwrap_or_default()
            ),
            TriggerAction::Queue { count, .. } => {
                format!("[{scenario}] make the SUT queue {count} SET(s) for the harness now")
            }
            TriggerAction::Initiate { .. } => format!("[{scenario}] make the SUT send a request to the harness now"),
        }
    }
}

/// What a trigger command did.
#[derive(Debug, Clone)]
pub struct ExecOutcome {
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `command` for `action`, killing it if it outlives `timeout`.
pub async fn run_exec(
    command: &[String],
    dir: &std::path::Path,
    action: &TriggerAction,
    timeout: Duration,
) -> std::io::Result<ExecOutcome> {
    let (program, args) = command.split_first().ok_or_else(|| std::io::Error::other("empty trigger command"))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(action.env())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("no stdout"))?;
    let mut stderr = child.stderr.take().ok_or_else(|| std::io::Error::other("no stderr"))?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let run = async {
        let read_out = read_capped(&mut stdout, &mut out);
        let read_err = read_capped(&mut stderr, &mut err);
        let (_, _, status) = tokio::join!(read_out, read_err, child.wait());
        status
    };
    let (exit_code, timed_out) = match tokio::time::timeout(timeout, run).await {
        Ok(status) => (status?.code(), false),
        Err(_) => {
            let _ = child.kill().await;
            (None, true)
        }
    };
    Ok(ExecOutcome { exit_code, timed_out, stdout: out, stderr: err })
}

/// Reads a stream to its end, keeping at most `MAX_OUTPUT` bytes.
async fn read_capped(stream: &mut (impl AsyncReadExt + Unpin), into: &mut Vec<u8>) {
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = MAX_OUTPUT.saturating_sub(into.len());
        into.extend_from_slice(&buf[..n.min(room)]);
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
        let a = TriggerAction::Queue { peer: "../x?y".into(), count: 1 };
        assert_eq!(a.http_url("http://127.0.0.1:9/control/"), "http://127.0.0.1:9/control/peers/..%2Fx%3Fy/queue");
    }
}

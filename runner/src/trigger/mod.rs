//! Trigger adapters: how the harness makes a SUT act (the SUT contract).
//!
//! Four actions ([`actions`]): `register` (the harness introduces itself as a
//! peer: its issuer, audience and keys, and, when the SUT is to initiate, its
//! endpoint and the token to present there), `queue` (queue SETs for the
//! harness), `initiate` (send a request to the harness's endpoint now) and
//! `release` (the scenario is over: forget the peer; optional for the SUT).
//! Adapters:
//! - [`http`]: the control API the reference implements: `POST {url}/peers`,
//!   `POST {url}/peers/{peer}/queue`, `POST {url}/peers/{peer}/initiate`,
//!   `DELETE {url}/peers/{peer}`;
//! - [`exec`]: a command run per action with the action in `SETCONFORM_*`
//!   environment variables, bounded by a timeout, its output kept in the transcript;
//! - [`persistent`]: one command for the whole run that reads actions as JSON
//!   lines on stdin and answers each with a JSON line on stdout;
//! - [`manual`]: instructions printed for a person; the next step then waits
//!   until its expectations are met or the deadline passes;
//! - [`ssf`]: an SSF transmitter's own management API (streams, verification).

pub mod actions;
pub mod exec;
pub mod http;
pub mod manual;
pub mod persistent;
pub mod ssf;

pub use actions::{HarnessEndpointGrant, TriggerAction};
pub use exec::{ExecOutcome, run_exec};
pub use persistent::{Bridge, BridgeReply};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::time::Duration;

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
    /// One process for the run, shared by every scenario.
    Persistent(std::sync::Arc<Bridge>),
    Manual,
    /// The SUT's own SSF management API, the harness a receiver ([`ssf`]).
    Ssf(std::sync::Arc<crate::ssf::SsfSut>),
}

/// Whether the SUT can be asked to send a request now (`initiate`). Without
/// that switch, a step that would ask sends nothing, and the next
/// `await_request` takes the SUT's next request of its own (on its timer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Initiate {
    #[default]
    Supported,
    Unsupported,
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

/// The SUT's answer to a registration. Only `peer` is required. `sut_issuer`
/// and `sut_audience` (the `iss` of the SUT's SETs, the `aud` it expects in
/// SETs sent to it) may also be spelt `issuer` and `audience`.
#[derive(Debug, Clone, Deserialize)]
pub struct Registration {
    pub peer: String,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    sut_issuer: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    sut_audience: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    pub jwks: Option<JwkSet>,
    /// Where the SUT publishes its keys (SSF §7.1).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// The certificate (PEM) the SUT presents as a TLS client (pushpull §8.2: mutual TLS).
    #[serde(default)]
    pub client_certificate: Option<String>,
    /// The `aud` of the SETs the SUT sends the harness (an SSF stream's `aud`,
    /// SSF §8.1.1); it replaces the audience expected, unless sut.yaml names one.
    #[serde(default)]
    pub sets_audience: Option<String>,
    /// Where to poll in this scenario (an SSF stream's poll URL, SSF §6.1.2); it
    /// replaces sut.yaml's `poll.endpoint`.
    #[serde(default)]
    pub poll_endpoint: Option<String>,
}

impl Registration {
    /// The `iss` of the SUT's SETs, under its new name or its old one.
    pub fn sut_issuer(&self) -> Option<String> {
        self.sut_issuer.clone().or_else(|| self.issuer.clone())
    }

    /// The `aud` the SUT expects in SETs sent to it, under its new name or its old one.
    pub fn sut_audience(&self) -> Option<String> {
        self.sut_audience.clone().or_else(|| self.audience.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sut_identity_is_read_under_its_new_names_before_its_old_ones() {
        let both: Registration =
            serde_json::from_str(r#"{"peer":"p","sut_audience":"new","audience":"old","issuer":"iss"}"#).unwrap();
        assert_eq!((both.sut_audience().as_deref(), both.sut_issuer().as_deref()), (Some("new"), Some("iss")));
        let old: Registration = serde_json::from_str(r#"{"peer":"p","audience":"old"}"#).unwrap();
        assert_eq!(old.sut_audience().as_deref(), Some("old"));
    }
}

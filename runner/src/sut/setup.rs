//! How the SUT learns of the harness as its peer (sut.yaml `setup:`), and the
//! stable harness endpoint a SUT configured once can be pointed at
//! (`harness.listen` with a port, `harness.path`).

use crate::catalogue::Binding;
use std::net::SocketAddr;

/// The base path of the stable listener when sut.yaml names none.
pub const DEFAULT_STABLE_PATH: &str = "/setconform";
/// The peer id of the harness in a SUT configured by hand, when sut.yaml names none.
pub const DEFAULT_STATIC_PEER: &str = "static";
/// The endpoint token of a SUT configured by hand, when sut.yaml names none: a
/// test token, public by design, for it is printed by `setconform keys`.
pub const DEFAULT_STATIC_ENDPOINT_TOKEN: &str = "setconform-static-endpoint-token";
/// The client an SSF receiver configured by hand authenticates as when sut.yaml
/// names none; like the token above, a fixed test value that protects nothing.
pub const DEFAULT_SSF_CLIENT_ID: &str = "setconform-receiver";
pub const DEFAULT_SSF_CLIENT_SECRET: &str = "setconform-static-client-secret";

/// How the SUT is set up with the harness as its peer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SetupMode {
    /// Each scenario registers a peer of its own through the trigger adapter.
    #[default]
    PerScenario,
    /// One registration at the start of the run; scenarios run one at a time.
    PerRun,
    /// No registration: the SUT was configured by hand; scenarios run one at a time.
    Static,
}

impl SetupMode {
    pub fn from_name(name: &str) -> Option<SetupMode> {
        match name {
            "per-scenario" => Some(SetupMode::PerScenario),
            "per-run" => Some(SetupMode::PerRun),
            "static" => Some(SetupMode::Static),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SetupMode::PerScenario => "per-scenario",
            SetupMode::PerRun => "per-run",
            SetupMode::Static => "static",
        }
    }

    /// Whether every scenario shares one peer in the SUT: the SUT's requests
    /// cannot be told apart by scenario, so scenarios run one at a time.
    pub fn shares_peer(self) -> bool {
        self != SetupMode::PerScenario
    }
}

/// One listener for the whole run, at a fixed address and base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StableEndpoint {
    pub addr: SocketAddr,
    /// Starts with `/`, no trailing `/`.
    pub path: String,
}

impl StableEndpoint {
    /// The base URL the SUT is given (`public_base` when it reaches the harness another way).
    pub fn base_url(&self, public_base: Option<&str>) -> String {
        crate::harness::listener::public_url(public_base, "https", self.addr, &self.path)
    }
}

/// The path of the harness's SSF issuer on the stable listener whose base URL
/// is `base_url` (with base path `base_path`), for a receiver configured by
/// hand: the path of sut.yaml's `harness.issuer` when that names the listener,
/// else `<base path>/ssf` (SSF §7.2: metadata at the well-known URL built from it).
pub fn ssf_issuer_path(harness_issuer: &str, base_url: &str, base_path: &str) -> String {
    let origin = base_url.strip_suffix(base_path).unwrap_or(base_url);
    match harness_issuer.strip_prefix(origin) {
        Some(path) if path.starts_with('/') => path.trim_end_matches('/').to_owned(),
        _ => format!("{base_path}/ssf"),
    }
}

/// The path after the stable base URL of the endpoint for `binding`, when
/// the SUT shares one peer across scenarios: one per binding, so that a peer
/// of one binding still sending is not taken for another's (pushpull over
/// HTTP and over WebSocket differ here, their per-scenario paths do not).
pub fn shared_endpoint_path(binding: Binding) -> &'static str {
    match binding {
        Binding::Websocket => "/pushpull-ws",
        other => other.endpoint_path(),
    }
}

/// `harness.listen`: a bare IP or `IP:port`; `None` when it is neither.
pub fn parse_listen(text: &str) -> Option<(std::net::IpAddr, Option<u16>)> {
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return Some((ip, None));
    }
    let addr = text.parse::<SocketAddr>().ok()?;
    Some((addr.ip(), (addr.port() != 0).then_some(addr.port())))
}

/// `harness.path`, without a trailing `/`; the default when absent.
pub fn normal_path(path: Option<&str>) -> String {
    match path.map(|p| p.trim_end_matches('/')) {
        None => DEFAULT_STABLE_PATH.to_owned(),
        Some("") => String::new(),
        Some(p) => p.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_a_bare_ip_or_an_address_with_a_port() {
        assert_eq!(parse_listen("127.0.0.1"), Some(("127.0.0.1".parse().unwrap(), None)));
        assert_eq!(parse_listen("127.0.0.1:9443"), Some(("127.0.0.1".parse().unwrap(), Some(9443))));
        assert_eq!(parse_listen("[::1]:9443"), Some(("::1".parse().unwrap(), Some(9443))));
        assert_eq!(parse_listen("localhost:9443"), None);
        assert_eq!(normal_path(None), "/setconform");
        assert_eq!(normal_path(Some("/conf/")), "/conf");
    }
}

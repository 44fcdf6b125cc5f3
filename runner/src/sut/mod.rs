//! The SUT contract: `sut.yaml`, checked and resolved into what a run needs.

pub mod claims;
mod file;
mod files;
pub mod hand;
mod secret;
pub mod setup;
mod ssf_section;

use crate::catalogue::LoadError;
use crate::harness::pki::HarnessPki;
use crate::set::{Alg, SetTrust};
use crate::trigger::TriggerConfig;
pub use setup::{SetupMode, StableEndpoint};
use std::path::Path;
use std::time::Duration;

pub const DEFAULT_HARNESS_ISSUER: &str = "https://harness.setconform.invalid/";
pub const DEFAULT_HARNESS_AUDIENCE: &str = "https://harness.setconform.invalid/pushpull";
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
    pub scenario: Duration,
    /// The "reasonable time" within which an initiator SUT should retry (§9.1, AMB-11).
    pub retry_window: Duration,
    /// How long the harness watches for a request that may never come.
    pub observation: Duration,
    /// Longest the harness waits on a poll the SUT holds (RFC 8936 §2.5: the
    /// long-poll timeout is agreed out of band); above the SUT's own timeout.
    pub long_poll: Duration,
    /// How long a poll must stay unanswered to count as held (POLL-051).
    pub poll_held: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_secs(10),
            scenario: Duration::from_secs(30),
            retry_window: Duration::from_secs(2),
            observation: Duration::from_secs(5),
            long_poll: Duration::from_secs(20),
            poll_held: Duration::from_secs(1),
        }
    }
}

/// Everything a run needs to know about the SUT, resolved.
#[derive(Debug, Clone)]
pub struct SutSetup {
    pub name: String,
    /// `embedded-reference` or `external`.
    pub kind: &'static str,
    pub fault: Option<String>,
    pub profiles: Vec<String>,
    pub capabilities: Vec<String>,
    /// How the SUT learns of the harness as its peer.
    pub setup: SetupMode,
    /// How many scenarios run at once (sut.yaml `concurrency`).
    pub concurrency: Option<usize>,
    /// One listener for the whole run (`harness.listen` with a port).
    pub harness_stable: Option<StableEndpoint>,
    /// `setup: static`: the peer id the SUT knows the harness by.
    pub static_peer: String,
    /// `setup: static`: the endpoint token from sut.yaml, if it names one.
    pub static_endpoint_token: Option<String>,
    /// The client an SSF receiver configured by hand authenticates as at the
    /// harness's authorization server (`harness.client_id`, `harness.client_secret`).
    pub ssf_client: crate::harness::authorization::ClientCredentials,
    pub pushpull_endpoint: Option<String>,
    /// Where the WebSocket binding is (AMB-01); `None`: the endpoint URL itself.
    pub pushpull_websocket: Option<String>,
    /// The SUT's push endpoint, where it receives SETs (RFC 8935).
    pub push_endpoint: Option<String>,
    /// The SUT's multi-SET push endpoint, where it receives batches.
    pub msp_endpoint: Option<String>,
    /// The multi-SET push draft revision the SUT follows (AMB-30).
    pub msp_revision: MspRevision,
    /// The content profile the SUT's SETs are judged under, and the harness's minted in.
    pub set_profile: crate::set::SetProfile,
    /// The SUT's poll endpoint, where it serves SETs to pollers (RFC 8936).
    pub poll_endpoint: Option<String>,
    pub bearer_token: Option<String>,
    pub trigger: Option<TriggerConfig>,
    /// Whether the SUT has a "send now" switch (sut.yaml `trigger.initiate`).
    pub initiate: crate::trigger::Initiate,
    /// The SUT as an issuer of SETs (values from sut.yaml; registration fills gaps).
    pub sut_sets: SetTrust,
    /// `aud` the SUT expects in harness SETs.
    pub sut_audience: Option<String>,
    pub harness_issuer: String,
    pub harness_audience: String,
    pub harness_alg: Alg,
    /// Whether sut.yaml chose the harness's signing algorithm.
    pub harness_alg_configured: bool,
    /// The SUT's TLS certificates are not verified (`--insecure`).
    pub insecure: bool,
    pub harness_listen: std::net::IpAddr,
    pub harness_public_base: Option<String>,
    /// The user's CA for the harness's URLs; a CA is generated for the run without one.
    pub harness_pki: Option<std::sync::Arc<HarnessPki>>,
    pub ca_pem: Option<Vec<u8>>,
    pub timeouts: Timeouts,
    /// The SUT as an SSF transmitter (profile `ssf-transmitter`, the `ssf` trigger).
    pub ssf: Option<std::sync::Arc<crate::ssf::SsfSut>>,
}

/// Where a reference transceiver serves each of its endpoints.
#[derive(Debug, Clone)]
pub struct ReferenceUrls {
    pub pushpull: String,
    pub push: String,
    pub msp: String,
    pub poll: String,
    pub control: String,
    /// The issuer of its SSF transmitter (SSF §7.1).
    pub ssf_issuer: String,
    /// The token endpoint of that transmitter's receivers (RFC 6749 §3.2).
    pub ssf_token: String,
}

impl ReferenceUrls {
    pub fn of(reference: &setconform_reference::Reference) -> ReferenceUrls {
        ReferenceUrls {
            pushpull: reference.pushpull_url(),
            push: reference.push_url(),
            msp: reference.msp_url(),
            poll: reference.poll_url(),
            control: reference.control_url(),
            ssf_issuer: reference.ssf_issuer(),
            ssf_token: reference.ssf_token_url(),
        }
    }
}

/// Multi-SET push revisions differ in their media types (AMB-30).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MspRevision {
    /// The editor's copy after -03: `application/secevents+json` requests, problem+json failures.
    #[default]
    Post03,
    /// -02 and multi-push-00: `application/json` requests, `400` JSON failures.
    Draft02,
}

impl MspRevision {
    /// The media type of a batch request.
    pub fn request_media_type(self) -> &'static str {
        match self {
            MspRevision::Post03 => "application/secevents+json",
            MspRevision::Draft02 => "application/json",
        }
    }
}

impl SutSetup {
    /// The SUT's endpoint for SETs on `binding`, and the sut.yaml field that names it.
    pub fn endpoint_for(&self, binding: crate::catalogue::Binding) -> (Option<String>, &'static str) {
        use crate::catalogue::Binding;
        match binding {
            Binding::Push => (self.push_endpoint.clone(), "push.endpoint"),
            Binding::Msp => (self.msp_endpoint.clone(), "multi_set_push.endpoint"),
            Binding::Poll => (self.poll_endpoint.clone(), "poll.endpoint"),
            Binding::Http | Binding::Websocket => (self.pushpull_endpoint.clone(), "pushpull.endpoint"),
        }
    }

    /// The SUT's endpoints for SETs that are served without TLS (`http://`,
    /// `ws://`): their TLS cannot be judged, and a run against them certifies nothing.
    pub fn cleartext_endpoints(&self) -> Vec<String> {
        self.cleartext_endpoint_fields().into_iter().map(|(_, url)| url).collect()
    }

    /// The same, each with the sut.yaml field that names it.
    pub fn cleartext_endpoint_fields(&self) -> Vec<(&'static str, String)> {
        [
            ("/pushpull/endpoint", &self.pushpull_endpoint),
            ("/pushpull/websocket", &self.pushpull_websocket),
            ("/push/endpoint", &self.push_endpoint),
            ("/multi_set_push/endpoint", &self.msp_endpoint),
            ("/poll/endpoint", &self.poll_endpoint),
            ("/trigger/ssf/issuer", &self.ssf.as_ref().map(|s| s.issuer.clone())),
        ]
        .into_iter()
        .filter_map(|(field, url)| url.as_ref().filter(|u| is_cleartext(u)).map(|u| (field, u.clone())))
        .collect()
    }

    /// The WebSocket URL: as configured, or the endpoint's own URL upgraded (ws/wss).
    pub fn websocket_url(&self) -> Option<String> {
        self.pushpull_websocket.clone().or_else(|| {
            let e = self.pushpull_endpoint.as_deref()?;
            Some(match e.strip_prefix("https://") {
                Some(rest) => format!("wss://{rest}"),
                None => e.replacen("http://", "ws://", 1),
            })
        })
    }

    /// Reads and checks `sut.yaml`; every problem names the file and field.
    pub fn load(path: &Path) -> Result<SutSetup, Vec<LoadError>> {
        file::load(path)
    }

    /// The SUT setup for the embedded reference at the given URLs.
    pub fn embedded(urls: ReferenceUrls, profiles: Vec<String>, fault: Option<String>) -> SutSetup {
        SutSetup {
            name: "setconform reference transceiver".into(),
            kind: "embedded-reference",
            fault,
            profiles,
            capabilities: Vec::new(),
            setup: SetupMode::PerScenario,
            concurrency: None,
            harness_stable: None,
            static_peer: setup::DEFAULT_STATIC_PEER.into(),
            static_endpoint_token: None,
            ssf_client: crate::harness::authorization::ClientCredentials {
                client_id: setup::DEFAULT_SSF_CLIENT_ID.into(),
                client_secret: setup::DEFAULT_SSF_CLIENT_SECRET.into(),
            },
            pushpull_endpoint: Some(urls.pushpull),
            pushpull_websocket: None,
            push_endpoint: Some(urls.push),
            msp_endpoint: Some(urls.msp),
            msp_revision: MspRevision::Post03,
            set_profile: crate::set::SetProfile::default(),
            poll_endpoint: Some(urls.poll),
            bearer_token: None,
            trigger: Some(TriggerConfig::Http { url: urls.control }),
            initiate: crate::trigger::Initiate::Supported,
            sut_sets: SetTrust { audience: Some(DEFAULT_HARNESS_AUDIENCE.into()), ..SetTrust::default() },
            sut_audience: None,
            harness_issuer: DEFAULT_HARNESS_ISSUER.into(),
            harness_audience: DEFAULT_HARNESS_AUDIENCE.into(),
            harness_alg: Alg::ES256,
            harness_alg_configured: false,
            insecure: false,
            harness_listen: std::net::Ipv4Addr::LOCALHOST.into(),
            harness_public_base: None,
            harness_pki: None,
            ca_pem: Some(setconform_reference::Reference::ca_pem().to_vec()),
            timeouts: Timeouts::default(),
            ssf: Some(std::sync::Arc::new(embedded_ssf(urls.ssf_issuer, urls.ssf_token))),
        }
    }
}

/// The reference's SSF transmitter, with the harness as its first known
/// receiver (OAuth 2.0 client credentials, RFC 6749 §4.4) and the second as the
/// other receiver (its static token).
fn embedded_ssf(issuer: String, token_endpoint: String) -> crate::ssf::SsfSut {
    use crate::ssf::{ClientAuth, ClientCredentials, Receiver, SsfAuth};
    let [(client_id, secret, _), (_, _, second)] = setconform_reference::SSF_RECEIVERS;
    let client = ClientCredentials {
        token_endpoint,
        client_id: client_id.to_owned(),
        auth: ClientAuth::SecretBasic(secret.to_owned()),
        scopes: vec!["ssf".to_owned()],
    };
    crate::ssf::SsfSut {
        issuer,
        receiver: Receiver::new(SsfAuth::ClientCredentials(client)),
        other_receiver: Some(Receiver::new(SsfAuth::Bearer(second.to_owned()))),
    }
}

impl SutSetup {
    /// How many scenarios may run at once: one when they share the SUT's peer.
    pub fn scenario_concurrency(&self) -> Option<usize> {
        if self.setup.shares_peer() { Some(1) } else { self.concurrency }
    }

    /// The endpoint token of a SUT configured by hand.
    pub fn fixed_endpoint_token(&self) -> String {
        self.static_endpoint_token.clone().unwrap_or_else(|| setup::DEFAULT_STATIC_ENDPOINT_TOKEN.into())
    }
}

/// A URL whose scheme carries no TLS.
pub fn is_cleartext(url: &str) -> bool {
    let scheme = url.split_once("://").map_or("", |(s, _)| s);
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("ws")
}

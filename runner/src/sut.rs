//! The SUT contract: `sut.yaml`, checked and resolved into what a run needs.

use crate::catalogue::{LoadError, SourceFile};
use crate::harness::pki::{HarnessPki, PkiError};
use crate::schema::Schemas;
use crate::set::{Alg, SetTrust};
use crate::trigger::TriggerConfig;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_HARNESS_ISSUER: &str = "https://harness.setconform.invalid/";
pub const DEFAULT_HARNESS_AUDIENCE: &str = "https://harness.setconform.invalid/pushpull";
/// How long a trigger command may run when sut.yaml does not say.
const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
struct SutFile {
    name: String,
    profiles: Vec<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    pushpull: Option<PushpullSection>,
    #[serde(default)]
    push: Option<PushSection>,
    #[serde(default)]
    multi_set_push: Option<MspSection>,
    #[serde(default)]
    poll: Option<PollSection>,
    #[serde(default)]
    auth: Option<AuthSection>,
    #[serde(default)]
    trigger: Option<TriggerSection>,
    #[serde(default)]
    sets: Option<SetsSection>,
    #[serde(default)]
    harness: Option<HarnessSection>,
    #[serde(default)]
    tls: Option<TlsSection>,
    #[serde(default)]
    timeouts: Option<TimeoutsSection>,
}

#[derive(Debug, Deserialize)]
struct PushpullSection {
    endpoint: String,
    #[serde(default)]
    websocket: Option<String>,
}
#[derive(Debug, Deserialize)]
struct PushSection {
    endpoint: String,
}
#[derive(Debug, Deserialize)]
struct MspSection {
    endpoint: String,
    #[serde(default)]
    revision: Option<String>,
}
#[derive(Debug, Deserialize)]
struct PollSection {
    endpoint: String,
}
#[derive(Debug, Deserialize)]
struct AuthSection {
    #[serde(default)]
    bearer_token: Option<SecretRef>,
}
#[derive(Debug, Deserialize)]
struct SecretRef {
    #[serde(default)]
    env: Option<String>,
    #[serde(default)]
    file: Option<String>,
}
#[derive(Debug, Deserialize)]
struct TriggerSection {
    #[serde(default)]
    http: Option<HttpTriggerSection>,
    #[serde(default)]
    exec: Option<ExecTriggerSection>,
    #[serde(default)]
    manual: Option<serde_json::Value>,
}
#[derive(Debug, Deserialize)]
struct ExecTriggerSection {
    command: Vec<String>,
    #[serde(default)]
    timeout_ms: Option<u64>,
}
#[derive(Debug, Deserialize)]
struct HttpTriggerSection {
    url: String,
}
#[derive(Debug, Deserialize)]
struct SetsSection {
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    jwks_file: Option<String>,
    #[serde(default)]
    jwks_uri: Option<String>,
}
#[derive(Debug, Deserialize)]
struct HarnessSection {
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    alg: Option<Alg>,
    /// Address the harness's own endpoint listens on (a loopback address).
    #[serde(default)]
    listen: Option<std::net::IpAddr>,
    /// Base URL the SUT reaches that endpoint at, `{port}` standing for its port.
    #[serde(default)]
    public_base: Option<String>,
    /// A CA of the user's (PEM certificate and private key) to sign the harness's
    /// certificates with, instead of one generated for each run.
    #[serde(default)]
    ca_file: Option<String>,
    #[serde(default)]
    ca_key_file: Option<String>,
}
#[derive(Debug, Deserialize)]
struct TlsSection {
    #[serde(default)]
    ca_file: Option<String>,
}
#[derive(Debug, Deserialize)]
struct TimeoutsSection {
    #[serde(default)]
    connect_ms: Option<u64>,
    #[serde(default)]
    request_ms: Option<u64>,
    #[serde(default)]
    scenario_ms: Option<u64>,
    #[serde(default)]
    retry_window_ms: Option<u64>,
    #[serde(default)]
    observation_ms: Option<u64>,
    #[serde(default)]
    long_poll_ms: Option<u64>,
    #[serde(default)]
    poll_held_ms: Option<u64>,
}

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
}

/// Where a reference transceiver serves each of its endpoints.
#[derive(Debug, Clone)]
pub struct ReferenceUrls {
    pub pushpull: String,
    pub push: String,
    pub msp: String,
    pub poll: String,
    pub control: String,
}

impl ReferenceUrls {
    pub fn of(reference: &setconform_reference::Reference) -> ReferenceUrls {
        ReferenceUrls {
            pushpull: reference.pushpull_url(),
            push: reference.push_url(),
            msp: reference.msp_url(),
            poll: reference.poll_url(),
            control: reference.control_url(),
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
        let file = SourceFile::read(path).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let value = file.parse_checked(Schemas::embedded(), "sut-config", &mut errors).ok_or(errors)?;
        let raw: SutFile = file.typed(value).map_err(|e| vec![e])?;
        let base =
            path.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        resolve(raw, &file, &base)
    }

    /// The SUT setup for the embedded reference at the given URLs.
    pub fn embedded(urls: ReferenceUrls, profiles: Vec<String>, fault: Option<String>) -> SutSetup {
        SutSetup {
            name: "setconform reference transceiver".into(),
            kind: "embedded-reference",
            fault,
            profiles,
            capabilities: Vec::new(),
            pushpull_endpoint: Some(urls.pushpull),
            pushpull_websocket: None,
            push_endpoint: Some(urls.push),
            msp_endpoint: Some(urls.msp),
            msp_revision: MspRevision::Post03,
            set_profile: crate::set::SetProfile::default(),
            poll_endpoint: Some(urls.poll),
            bearer_token: None,
            trigger: Some(TriggerConfig::Http { url: urls.control }),
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
        }
    }
}

fn resolve(raw: SutFile, file: &SourceFile, base: &Path) -> Result<SutSetup, Vec<LoadError>> {
    let mut errors = Vec::new();
    let rel = |p: &str| -> PathBuf { base.join(p) };
    let bearer_token = raw.auth.and_then(|a| a.bearer_token).and_then(|secret| {
        if let Some(var) = secret.env {
            match std::env::var(&var) {
                Ok(v) if !v.trim().is_empty() => Some(v.trim().to_owned()),
                _ => {
                    errors.push(file.error("/auth/bearer_token/env", format!("environment variable {var} is not set")));
                    None
                }
            }
        } else if let Some(f) = secret.file {
            match std::fs::read_to_string(rel(&f)) {
                Ok(v) => Some(v.trim().to_owned()),
                Err(e) => {
                    errors.push(file.error("/auth/bearer_token/file", format!("{f}: {e}")));
                    None
                }
            }
        } else {
            None
        }
    });
    let sets = raw.sets.unwrap_or(SetsSection {
        profile: None,
        issuer: None,
        audience: None,
        jwks_file: None,
        jwks_uri: None,
    });
    let set_profile = match sets.profile.as_deref() {
        None => crate::set::SetProfile::default(),
        Some(name) => crate::set::SetProfile::from_name(name).unwrap_or_else(|| {
            errors.push(file.error("/sets/profile", format!("{name:?} is none of rfc8417, ssf, caep-interop")));
            crate::set::SetProfile::default()
        }),
    };
    let jwks = sets.jwks_file.and_then(|f| {
        let text = std::fs::read_to_string(rel(&f)).map_err(|e| e.to_string());
        match text.and_then(|t| serde_json::from_str::<JwkSet>(&t).map_err(|e| e.to_string())) {
            Ok(j) => Some(j),
            Err(e) => {
                errors.push(file.error("/sets/jwks_file", format!("{f}: {e}")));
                None
            }
        }
    });
    let ca_pem = raw.tls.and_then(|t| t.ca_file).and_then(|f| match std::fs::read(rel(&f)) {
        Ok(pem) => Some(pem),
        Err(e) => {
            errors.push(file.error("/tls/ca_file", format!("{f}: {e}")));
            None
        }
    });
    let harness = raw.harness.unwrap_or(HarnessSection {
        issuer: None,
        audience: None,
        alg: None,
        listen: None,
        public_base: None,
        ca_file: None,
        ca_key_file: None,
    });
    let harness_pki = match (&harness.ca_file, &harness.ca_key_file) {
        (None, None) => None,
        (Some(_), None) => {
            errors.push(file.error("/harness/ca_key_file", "ca_file is given, and the CA's private key is not"));
            None
        }
        (None, Some(_)) => {
            errors.push(file.error("/harness/ca_file", "ca_key_file is given, and the CA certificate is not"));
            None
        }
        (Some(cert), Some(key)) => match (std::fs::read_to_string(rel(cert)), std::fs::read_to_string(rel(key))) {
            (Err(e), _) => {
                errors.push(file.error("/harness/ca_file", format!("{cert}: {e}")));
                None
            }
            (_, Err(e)) => {
                errors.push(file.error("/harness/ca_key_file", format!("{key}: {e}")));
                None
            }
            (Ok(cert_pem), Ok(key_pem)) => match HarnessPki::from_ca(&cert_pem, &key_pem) {
                Ok(pki) => Some(std::sync::Arc::new(pki)),
                Err(e) => {
                    let at =
                        if matches!(e, PkiError::Certificate(_)) { "/harness/ca_file" } else { "/harness/ca_key_file" };
                    errors.push(file.error(at, e.to_string()));
                    None
                }
            },
        },
    };
    let harness_listen = harness.listen.unwrap_or(std::net::Ipv4Addr::LOCALHOST.into());
    if !harness_listen.is_loopback() {
        errors.push(file.error("/harness/listen", format!("{harness_listen} is not a loopback address")));
    }
    let harness_audience = harness.audience.unwrap_or_else(|| DEFAULT_HARNESS_AUDIENCE.into());
    let mut timeouts = Timeouts::default();
    if let Some(t) = raw.timeouts {
        let ms = Duration::from_millis;
        timeouts.connect = t.connect_ms.map_or(timeouts.connect, ms);
        timeouts.request = t.request_ms.map_or(timeouts.request, ms);
        timeouts.scenario = t.scenario_ms.map_or(timeouts.scenario, ms);
        timeouts.retry_window = t.retry_window_ms.map_or(timeouts.retry_window, ms);
        timeouts.observation = t.observation_ms.map_or(timeouts.observation, ms).max(timeouts.retry_window);
        timeouts.long_poll = t.long_poll_ms.map_or(timeouts.long_poll, ms);
        timeouts.poll_held = t.poll_held_ms.map_or(timeouts.poll_held, ms);
        if timeouts.poll_held >= timeouts.long_poll {
            errors.push(file.error("/timeouts/poll_held_ms", "must be shorter than long_poll_ms".to_owned()));
        }
    }
    let (pushpull_endpoint, pushpull_websocket) = match raw.pushpull {
        Some(p) => (Some(p.endpoint), p.websocket),
        None => (None, None),
    };
    let push_endpoint = raw.push.map(|p| p.endpoint);
    let poll_endpoint = raw.poll.map(|p| p.endpoint);
    let (msp_endpoint, msp_revision) = match raw.multi_set_push {
        Some(m) => {
            let revision = match m.revision.as_deref() {
                None | Some("post-03") => MspRevision::Post03,
                Some("02") => MspRevision::Draft02,
                Some(other) => {
                    errors.push(file.error("/multi_set_push/revision", format!("{other:?} is neither post-03 nor 02")));
                    MspRevision::Post03
                }
            };
            (Some(m.endpoint), revision)
        }
        None => (None, MspRevision::Post03),
    };
    for (pointer, url) in [
        ("/pushpull/endpoint", pushpull_endpoint.as_deref()),
        ("/push/endpoint", push_endpoint.as_deref()),
        ("/multi_set_push/endpoint", msp_endpoint.as_deref()),
        ("/poll/endpoint", poll_endpoint.as_deref()),
    ] {
        if let Some(url) = url
            && let Err(e) = reqwest::Url::parse(url)
        {
            errors.push(file.error(pointer, format!("{url:?} is not a URL: {e}")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SutSetup {
        name: raw.name,
        kind: "external",
        fault: None,
        profiles: raw.profiles,
        capabilities: raw.capabilities,
        pushpull_endpoint,
        pushpull_websocket,
        push_endpoint,
        msp_endpoint,
        msp_revision,
        set_profile,
        poll_endpoint,
        bearer_token,
        trigger: raw.trigger.and_then(|t| match (t.http, t.exec, t.manual) {
            (Some(h), _, _) => Some(TriggerConfig::Http { url: h.url }),
            (_, Some(e), _) => Some(TriggerConfig::Exec {
                // A relative program path is taken from sut.yaml's folder.
                command: resolve_program(e.command, base),
                dir: base.to_path_buf(),
                timeout: e.timeout_ms.map_or(DEFAULT_EXEC_TIMEOUT, Duration::from_millis),
            }),
            (_, _, Some(_)) => Some(TriggerConfig::Manual),
            _ => None,
        }),
        sut_sets: SetTrust {
            issuer: sets.issuer,
            audience: Some(harness_audience.clone()),
            jwks,
            jwks_uri: sets.jwks_uri,
        },
        sut_audience: sets.audience,
        harness_issuer: harness.issuer.unwrap_or_else(|| DEFAULT_HARNESS_ISSUER.into()),
        harness_audience,
        harness_alg_configured: harness.alg.is_some(),
        insecure: false,
        harness_alg: harness.alg.unwrap_or(Alg::ES256),
        harness_listen,
        harness_public_base: harness.public_base,
        harness_pki,
        ca_pem,
        timeouts,
    })
}

/// `./script.sh` in sut.yaml means the script beside sut.yaml.
fn resolve_program(mut command: Vec<String>, base: &Path) -> Vec<String> {
    if let Some(program) = command.first_mut()
        && (program.starts_with("./") || program.starts_with("../"))
    {
        *program = base.join(&*program).display().to_string();
    }
    command
}

//! `sut.yaml` as written, and its resolution into a [`SutSetup`]: secrets
//! read from the environment or files, paths taken relative to the file,
//! defaults filled in, every problem named by file and field.

use super::files;
use super::secret::{SecretRef, read_secret};
use super::setup::{self, SetupMode};
use super::{DEFAULT_HARNESS_AUDIENCE, DEFAULT_HARNESS_ISSUER, MspRevision, SutSetup, Timeouts};
use crate::catalogue::shown::text as shown;
use crate::catalogue::{LoadError, SourceFile};
use crate::schema::Schemas;
use crate::set::{Alg, SetTrust};
use crate::trigger::{Bridge, TriggerConfig};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a trigger command may run when sut.yaml does not say.
const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
struct SutFile {
    name: String,
    profiles: Vec<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    setup: Option<String>,
    #[serde(default)]
    concurrency: Option<usize>,
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
struct TriggerSection {
    #[serde(default)]
    http: Option<HttpTriggerSection>,
    #[serde(default)]
    exec: Option<ExecTriggerSection>,
    #[serde(default)]
    manual: Option<serde_json::Value>,
    /// The SUT is an SSF transmitter driven through its management API ([`crate::trigger::ssf`]).
    #[serde(default)]
    ssf: Option<super::ssf_section::SsfSection>,
    #[serde(default)]
    initiate: crate::trigger::Initiate,
}
#[derive(Debug, Deserialize)]
struct ExecTriggerSection {
    command: Vec<String>,
    #[serde(default)]
    timeout_ms: Option<u64>,
    /// One process for the run that reads actions as JSON lines ([`crate::trigger::persistent`]).
    #[serde(default)]
    persistent: bool,
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
    /// Address the harness's own endpoint listens on (a loopback address),
    /// with a port for one stable listener for the whole run.
    #[serde(default)]
    listen: Option<String>,
    /// Base path of the stable listener.
    #[serde(default)]
    path: Option<String>,
    /// The peer id a SUT configured by hand knows the harness by.
    #[serde(default)]
    peer: Option<String>,
    /// The endpoint token a SUT configured by hand presents.
    #[serde(default)]
    endpoint_token: Option<SecretRef>,
    /// The client id an SSF receiver configured by hand authenticates with at
    /// the harness's authorization server.
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<SecretRef>,
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

/// Reads, schema-checks and resolves `sut.yaml`.
pub(super) fn load(path: &Path) -> Result<SutSetup, Vec<LoadError>> {
    let file = SourceFile::read(path).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let value = file.parse_checked(Schemas::embedded(), "sut-config", &mut errors).ok_or(errors)?;
    let raw: SutFile = file.typed(value).map_err(|e| vec![e])?;
    let base =
        path.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    resolve(raw, &file, &base)
}

fn resolve(mut raw: SutFile, file: &SourceFile, base: &Path) -> Result<SutSetup, Vec<LoadError>> {
    let mut errors = Vec::new();
    let rel = |p: &str| -> PathBuf { base.join(p) };
    let bearer_token = raw
        .auth
        .and_then(|a| a.bearer_token)
        .and_then(|s| read_secret(s, "/auth/bearer_token", file, base, &mut errors));
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
            errors.push(file.error("/sets/profile", format!("{} is none of rfc8417, ssf, caep-interop", shown(name))));
            crate::set::SetProfile::default()
        }),
    };
    let jwks = sets.jwks_file.and_then(|f| {
        files::jwks(&rel(&f))
            .map_err(|e| errors.push(file.error("/sets/jwks_file", format!("{}: {e}", shown(&f)))))
            .ok()
    });
    let ca_pem = raw.tls.and_then(|t| t.ca_file).and_then(|f| {
        files::ca_bundle(&rel(&f))
            .map_err(|e| errors.push(file.error("/tls/ca_file", format!("{}: {e}", shown(&f)))))
            .ok()
    });
    let harness = raw.harness.unwrap_or(HarnessSection {
        issuer: None,
        audience: None,
        alg: None,
        listen: None,
        path: None,
        peer: None,
        endpoint_token: None,
        client_id: None,
        client_secret: None,
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
        (Some(cert), Some(key)) => match files::harness_ca(&rel(cert), &rel(key)) {
            Ok(pki) => Some(std::sync::Arc::new(pki)),
            Err((part, e)) => {
                let (at, name) = match part {
                    files::CaPart::Certificate => ("/harness/ca_file", cert),
                    files::CaPart::Key => ("/harness/ca_key_file", key),
                };
                errors.push(file.error(at, format!("{}: {e}", shown(name))));
                None
            }
        },
    };
    let (harness_listen, stable_port) = match harness.listen.as_deref().map(|l| (l, setup::parse_listen(l))) {
        None => (std::net::Ipv4Addr::LOCALHOST.into(), None),
        Some((_, Some(parsed))) => parsed,
        Some((text, None)) => {
            errors.push(file.error("/harness/listen", format!("{} is neither an IP address nor IP:port", shown(text))));
            (std::net::Ipv4Addr::LOCALHOST.into(), None)
        }
    };
    if !harness_listen.is_loopback() {
        errors.push(file.error("/harness/listen", format!("{harness_listen} is not a loopback address")));
    }
    let harness_stable = stable_port.map(|port| setup::StableEndpoint {
        addr: std::net::SocketAddr::new(harness_listen, port),
        path: setup::normal_path(harness.path.as_deref()),
    });
    let setup_mode = match raw.setup.as_deref() {
        None => SetupMode::default(),
        Some(name) => SetupMode::from_name(name).unwrap_or_else(|| {
            errors.push(file.error("/setup", format!("{} is none of per-scenario, per-run, static", shown(name))));
            SetupMode::default()
        }),
    };
    let static_endpoint_token =
        harness.endpoint_token.and_then(|s| read_secret(s, "/harness/endpoint_token", file, base, &mut errors));
    let harness_audience = harness.audience.unwrap_or_else(|| DEFAULT_HARNESS_AUDIENCE.into());
    let ssf_client = crate::harness::authorization::ClientCredentials {
        client_id: harness.client_id.unwrap_or_else(|| setup::DEFAULT_SSF_CLIENT_ID.into()),
        client_secret: harness
            .client_secret
            .and_then(|s| read_secret(s, "/harness/client_secret", file, base, &mut errors))
            .unwrap_or_else(|| setup::DEFAULT_SSF_CLIENT_SECRET.into()),
    };
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
                    errors.push(
                        file.error("/multi_set_push/revision", format!("{} is neither post-03 nor 02", shown(other))),
                    );
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
            errors.push(file.error(pointer, format!("{} is not a URL: {e}", shown(url))));
        }
    }
    let ssf = raw
        .trigger
        .as_mut()
        .and_then(|t| t.ssf.take())
        .and_then(|s| s.resolve(file, base, &mut errors))
        .map(std::sync::Arc::new);
    if !errors.is_empty() {
        return Err(errors);
    }
    let initiate = raw.trigger.as_ref().map(|t| t.initiate).unwrap_or_default();
    let trigger = raw.trigger.and_then(|t| match (t.http, t.exec, t.manual) {
        (Some(h), _, _) => Some(TriggerConfig::Http { url: h.url }),
        (_, Some(e), _) => {
            // A relative program path is taken from sut.yaml's folder.
            let (command, dir) = (resolve_program(e.command, base), base.to_path_buf());
            let timeout = e.timeout_ms.map_or(DEFAULT_EXEC_TIMEOUT, Duration::from_millis);
            Some(match e.persistent {
                true => TriggerConfig::Persistent(std::sync::Arc::new(Bridge::new(command, dir, timeout))),
                false => TriggerConfig::Exec { command, dir, timeout },
            })
        }
        (_, _, Some(_)) => Some(TriggerConfig::Manual),
        // Alone, `ssf` is also the adapter: the SUT's own management API.
        _ => ssf.clone().map(TriggerConfig::Ssf),
    });
    // SSF has no "send now" switch: a transmitter sends on its own schedule.
    let initiate = match trigger {
        Some(TriggerConfig::Ssf(_)) => crate::trigger::Initiate::Unsupported,
        _ => initiate,
    };
    Ok(SutSetup {
        name: raw.name,
        kind: "external",
        fault: None,
        profiles: raw.profiles,
        capabilities: raw.capabilities,
        setup: setup_mode,
        concurrency: raw.concurrency,
        harness_stable,
        static_peer: harness.peer.unwrap_or_else(|| setup::DEFAULT_STATIC_PEER.into()),
        static_endpoint_token,
        ssf_client,
        pushpull_endpoint,
        pushpull_websocket,
        push_endpoint,
        msp_endpoint,
        msp_revision,
        set_profile,
        poll_endpoint,
        bearer_token,
        initiate,
        trigger,
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
        ssf,
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

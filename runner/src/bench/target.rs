//! The system a bench loads: the embedded reference, started on a runtime of
//! its own (its threads named for [`super::cpu`]), or the SUT of a sut.yaml.
//! Either way the harness registers once, as a scenario would, through the
//! SUT's trigger (`http` control API or `exec` command), and learns the bearer
//! token and audience its SETs need; a SUT configured by hand gives both in
//! sut.yaml.

use super::BenchError;
use super::cpu::SUT_THREAD;
use crate::set::{Alg, HarnessKeys};
use crate::sut::{ReferenceUrls, SutSetup};
use crate::trigger::{HarnessEndpointGrant, HarnessIdentity, Registration, TriggerAction, TriggerConfig};
use crate::wire::{Outgoing, Wire, WireLimits};
use setconform_reference::{Reference, ReferenceConfig};
use setconform_reports::bench::{BenchSut, Binding, Direction};
use std::path::Path;
use std::time::Duration;

/// How long a registration may take.
const REGISTER_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and as whom the harness sends.
pub struct Target {
    pub sut: BenchSut,
    /// The binding's URL at the SUT.
    pub endpoint: String,
    pub token: Option<String>,
    /// The `aud` the SUT expects in the harness's SETs.
    pub audience: String,
    pub harness_issuer: String,
    pub alg: Alg,
    pub set_profile: crate::set::SetProfile,
    /// CA certificates the SUT's URLs chain to (PEM).
    pub roots_pem: Option<Vec<u8>>,
    pub insecure: bool,
    /// The embedded reference's threads, in this process.
    pub sut_in_process: bool,
    /// What the SUT's own SETs are held to (when the harness drains it).
    pub sut_sets: crate::set::SetTrust,
    /// The trigger and the peer id it registered the harness as: for `queue` and `release`.
    trigger: Option<(TriggerConfig, String)>,
    wire: Wire,
    /// The embedded reference: stopped when dropped.
    _reference: Option<(tokio::runtime::Runtime, Reference)>,
}

impl Target {
    /// The embedded reference, or the SUT of `sut_file`, registered for
    /// `binding`; when the harness drains it by push, `endpoint` is where the
    /// SUT sends (with the CA, PEM, its certificate chains to).
    pub async fn open(
        sut_file: Option<&Path>,
        binding: Binding,
        direction: Direction,
        endpoint: Option<(HarnessEndpointGrant, String)>,
    ) -> Result<Target, BenchError> {
        let (setup, reference) = match sut_file {
            Some(path) => (load(path)?, None),
            None => {
                let (runtime, reference) = start_reference()?;
                let setup = SutSetup::embedded(ReferenceUrls::of(&reference), Vec::new(), None);
                (setup, Some((runtime, reference)))
            }
        };
        let pushed_to_harness = direction == Direction::Drain && matches!(binding, Binding::Push | Binding::Msp);
        let url = match &endpoint {
            Some((grant, _)) if pushed_to_harness => grant.url.clone(),
            _ => endpoint_of(&setup, binding)?,
        };
        let limits = WireLimits { insecure: setup.insecure, ..WireLimits::default() };
        let wire = Wire::new(limits, setup.ca_pem.as_deref(), None).map_err(|e| BenchError::Sut(e.to_string()))?;
        let registration = register(&setup, &wire, binding, endpoint).await?;
        let token = registration.as_ref().and_then(|r| r.token.clone()).or_else(|| setup.bearer_token.clone());
        let audience = registration
            .as_ref()
            .and_then(Registration::sut_audience)
            .or_else(|| setup.sut_audience.clone())
            .ok_or_else(|| {
                BenchError::Sut("the SUT's audience is unknown: its registration answer and sut.yaml name none".into())
            })?;
        // Where a poll receiver polls in this registration (SSF §6.1.2: the transmitter may choose).
        let url = match (binding, direction, registration.as_ref().and_then(|r| r.poll_endpoint.clone())) {
            (Binding::Poll, Direction::Drain, Some(poll)) => poll,
            _ => url,
        };
        let mut sut_sets = setup.sut_sets.clone();
        if let Some(r) = &registration {
            sut_sets.issuer = sut_sets.issuer.clone().or_else(|| r.sut_issuer());
            sut_sets.jwks = sut_sets.jwks.clone().or_else(|| r.jwks.clone());
            sut_sets.jwks_uri = sut_sets.jwks_uri.clone().or_else(|| r.jwks_uri.clone());
            if let Some(aud) = &r.sets_audience {
                sut_sets.audience = Some(aud.clone());
            }
        }
        sut_sets.audience = sut_sets.audience.or_else(|| Some(setup.harness_audience.clone()));
        let trigger = match (&setup.trigger, &registration) {
            (Some(trigger @ (TriggerConfig::Http { .. } | TriggerConfig::Exec { .. })), Some(r)) => {
                Some((trigger.clone(), r.peer.clone()))
            }
            _ => None,
        };
        Ok(Target {
            sut: BenchSut { name: setup.name.clone(), kind: setup.kind.to_owned() },
            endpoint: url,
            token,
            audience,
            harness_issuer: setup.harness_issuer.clone(),
            alg: setup.harness_alg,
            set_profile: setup.set_profile,
            roots_pem: setup.ca_pem.clone(),
            insecure: setup.insecure,
            sut_in_process: reference.is_some(),
            sut_sets,
            trigger,
            wire,
            _reference: reference,
        })
    }

    /// Tells the SUT the harness is gone (`release`); an answer is not needed.
    pub async fn release(&self) {
        if let Some((trigger, peer)) = &self.trigger {
            let action = TriggerAction::Release { peer: peer.clone() };
            let _ = call(trigger, &self.wire, &action).await;
        }
    }

    /// Asks the SUT to queue `count` SETs for the harness; the jtis, when its answer lists them.
    pub async fn queue(&self, count: usize) -> Result<Option<Vec<String>>, String> {
        let Some((trigger, peer)) = &self.trigger else {
            return Err("the SUT has no trigger to queue SETs with (http or exec)".into());
        };
        let action = TriggerAction::Queue { peer: peer.clone(), count };
        let answer = call(trigger, &self.wire, &action).await.map_err(|e| e.to_string())?;
        let jtis = serde_json::from_slice::<serde_json::Value>(&answer).ok().and_then(|v| {
            let listed = v.get("jtis")?.as_array()?;
            Some(listed.iter().filter_map(|j| j.as_str().map(str::to_owned)).collect::<Vec<_>>())
        });
        Ok(jtis)
    }
}

fn load(path: &Path) -> Result<SutSetup, BenchError> {
    use crate::catalogue::{Catalogue, Origin};
    let catalogue = Catalogue::load(Origin::Embedded)
        .map_err(|errs| BenchError::Config(errs.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")))?;
    crate::sut::claims::load(path, &catalogue)
        .map_err(|errs| BenchError::Config(errs.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")))
}

/// The reference on a runtime of its own, so its CPU time is told apart.
fn start_reference() -> Result<(tokio::runtime::Runtime, Reference), BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(super::cpu::cores() as usize)
        .thread_name(SUT_THREAD)
        .enable_all()
        .build()
        .map_err(|e| BenchError::Sut(format!("cannot start the reference: {e}")))?;
    let reference = std::thread::scope(|s| {
        s.spawn(|| runtime.block_on(Reference::start(ReferenceConfig::default()))).join().expect("no panic")
    })
    .map_err(|e| BenchError::Sut(format!("cannot start the reference: {e}")))?;
    Ok((runtime, reference))
}

/// The SUT's URL for `binding`, from sut.yaml (or the reference).
fn endpoint_of(setup: &SutSetup, binding: Binding) -> Result<String, BenchError> {
    let (url, field) = match binding {
        Binding::Push => (setup.push_endpoint.clone(), "push.endpoint"),
        Binding::Msp => (setup.msp_endpoint.clone(), "multi_set_push.endpoint"),
        Binding::PushpullHttp => (setup.pushpull_endpoint.clone(), "pushpull.endpoint"),
        Binding::PushpullWs => {
            (setup.pushpull_websocket.clone().or_else(|| setup.pushpull_endpoint.clone()), "pushpull.endpoint")
        }
        Binding::Poll => (setup.poll_endpoint.clone(), "poll.endpoint"),
    };
    url.ok_or_else(|| BenchError::Config(format!("--binding {}: the SUT configuration has no {field}", binding.name())))
}

/// The binding's name in a registration (the SUT contract).
fn contract_binding(binding: Binding) -> &'static str {
    match binding {
        Binding::Push => "push",
        Binding::Msp => "msp",
        Binding::PushpullHttp => "http",
        Binding::PushpullWs => "websocket",
        Binding::Poll => "poll",
    }
}

/// Registers through the trigger; `None` for a SUT configured by hand.
async fn register(
    setup: &SutSetup,
    wire: &Wire,
    binding: Binding,
    endpoint: Option<(HarnessEndpointGrant, String)>,
) -> Result<Option<Registration>, BenchError> {
    let Some(trigger @ (TriggerConfig::Http { .. } | TriggerConfig::Exec { .. })) = &setup.trigger else {
        return Ok(None);
    };
    let identity = HarnessIdentity {
        issuer: setup.harness_issuer.clone(),
        audience: setup.harness_audience.clone(),
        jwks: HarnessKeys::get().jwks().clone(),
        jwks_uri: None,
        endpoint_ca: endpoint.as_ref().map(|(_, ca)| ca.clone()).unwrap_or_default(),
        client_certificate: None,
    };
    let action = TriggerAction::register(&identity, endpoint.map(|(grant, _)| grant), contract_binding(binding));
    let answer = call(trigger, wire, &action).await?;
    serde_json::from_slice(&answer)
        .map(Some)
        .map_err(|e| BenchError::Sut(format!("the registration answer is not understood: {e}")))
}

/// One trigger action; the answer's body.
async fn call(trigger: &TriggerConfig, wire: &Wire, action: &TriggerAction) -> Result<Vec<u8>, BenchError> {
    let failed = |why: String| BenchError::Sut(format!("trigger {}: {why}", action.name()));
    match trigger {
        TriggerConfig::Http { url } => {
            let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
            let req = Outgoing {
                method: action.http_method().to_owned(),
                url: action.http_url(url),
                headers,
                body: action.body().to_string().into_bytes(),
            };
            let answer = wire.exchange(&req, REGISTER_TIMEOUT).await.map_err(|e| failed(e.to_string()))?;
            match answer.status {
                200..=299 => Ok(answer.body),
                status => Err(failed(format!("HTTP {status}"))),
            }
        }
        TriggerConfig::Exec { command, dir, timeout } => {
            let outcome =
                crate::trigger::run_exec(command, dir, action, *timeout).await.map_err(|e| failed(e.to_string()))?;
            match (outcome.exit_code, outcome.timed_out) {
                (Some(0), false) => Ok(outcome.stdout),
                (_, true) => Err(failed("the command timed out".into())),
                (code, _) => Err(failed(format!("the command exited with {code:?}"))),
            }
        }
        _ => Err(failed("this trigger cannot be driven by bench".into())),
    }
}

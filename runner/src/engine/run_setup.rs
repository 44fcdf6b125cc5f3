//! What the scenarios of a run share when the SUT is set up once (sut.yaml
//! `setup: per-run` or `static`) or reached through one stable listener
//! (`harness.listen` with a port): the listener's router, the one endpoint
//! token, and the one registration per binding.
//!
//! Under `per-run` the first scenario of a binding and direction registers the harness with
//! the bare base URL of the stable endpoint, and the scenarios after it take
//! that registration; under `static` nothing registers and the SUT's peer id
//! comes from sut.yaml (`harness.peer`), like a person's configuration.

use super::context::Context;
use crate::catalogue::Binding;
use crate::harness::router::StableRouter;
use crate::harness::ssf_transmitter::{Choices, Setup, SsfTransmitter};
use crate::sut::{SetupMode, SutSetup};
use crate::trigger::Registration;
use std::collections::HashMap;
use std::sync::Arc;

/// Shared by the scenarios of a run.
#[derive(Default)]
pub struct RunSetup {
    /// The stable listener, when sut.yaml gives `harness.listen` a port.
    pub stable: Option<Arc<StableRouter>>,
    /// The endpoint token of every scenario, when the SUT shares one peer.
    pub endpoint_token: Option<String>,
    /// The run's fixed `jwks_uri` on the stable listener, served as long as the run.
    fixed_keys: Option<crate::harness::key_server::KeyServer>,
    /// Per binding and direction, the registration the SUT answered once (`per-run`).
    registered: tokio::sync::Mutex<HashMap<PeerKind, Registration>>,
    /// The harness's SSF transmitter on the stable listener, for an SSF receiver
    /// configured by hand (`setup: static`, profile `ssf-receiver`).
    pub ssf_transmitter: Option<Arc<SsfTransmitter>>,
}

impl RunSetup {
    /// For `sut`, with the stable listener if there is one.
    pub fn new(sut: &SutSetup, stable: Option<Arc<StableRouter>>) -> RunSetup {
        let endpoint_token = match sut.setup {
            SetupMode::PerScenario => None,
            SetupMode::PerRun => Some(format!("harness-{}", crate::harness::listener::private_segment())),
            SetupMode::Static => Some(sut.fixed_endpoint_token()),
        };
        let fixed_keys = stable.as_deref().map(|s| crate::harness::key_server::KeyServer::routed_at(s, "/jwks.json"));
        let ssf_transmitter = match (stable.as_deref(), &fixed_keys) {
            (Some(router), Some(keys))
                if sut.setup == SetupMode::Static && sut.profiles.iter().any(|p| p == RECEIVER) =>
            {
                Some(Arc::new(fixed_transmitter(sut, router, &keys.url)))
            }
            _ => None,
        };
        RunSetup { stable, endpoint_token, fixed_keys, registered: Default::default(), ssf_transmitter }
    }
}

/// The profile whose SUT the harness's SSF transmitter serves.
const RECEIVER: &str = "ssf-receiver";

/// The SSF transmitter of a run whose receiver was configured by hand: its
/// issuer is sut.yaml's `harness.issuer` when that is a URL of the stable
/// listener, else `<base URL>/ssf`; its keys are the run's fixed `jwks_uri`, its
/// poll endpoint the stable listener's shared one (SSF §6.1.2).
fn fixed_transmitter(sut: &SutSetup, router: &StableRouter, jwks_uri: &str) -> SsfTransmitter {
    let issuer_path = crate::sut::setup::ssf_issuer_path(&sut.harness_issuer, &router.base_url, router.base_path());
    let setup = Setup {
        jwks_uri: jwks_uri.to_owned(),
        poll_endpoint: Some(format!("{}{}", router.base_url, crate::sut::setup::shared_endpoint_path(Binding::Poll))),
        client: sut.ssf_client.clone(),
        access_token: sut.fixed_endpoint_token(),
        choices: Choices::default(),
    };
    SsfTransmitter::routed(router, &issuer_path, setup)
}

/// What a registration is for: the binding, and whether the SUT was given an
/// endpoint to send to (a responder's peer and an initiator's differ).
type PeerKind = (&'static str, bool);

/// How a scenario's setup goes once the run is set up once.
pub(super) enum Shared {
    /// Register as usual (per scenario).
    Register,
    /// Register, and keep the answer for the scenarios after this one.
    RegisterOnce,
    /// Done: the peer is known.
    Known,
}

impl Context<'_> {
    /// Under `static`, the peer from sut.yaml; under `per-run`, the registration
    /// made by an earlier scenario on the same binding, if any.
    pub(super) async fn shared_setup(&mut self) -> Shared {
        match self.env.sut.setup {
            SetupMode::PerScenario => Shared::Register,
            SetupMode::Static => {
                self.session.peer = Some(self.env.sut.static_peer.clone());
                Shared::Known
            }
            SetupMode::PerRun => {
                let known = self.env.setup.registered.lock().await.get(&self.peer_kind()).cloned();
                match known {
                    Some(reg) => match self.take_registration(reg) {
                        Ok(()) => Shared::Known,
                        Err(_) => Shared::RegisterOnce,
                    },
                    None => Shared::RegisterOnce,
                }
            }
        }
    }

    /// Keeps a registration answer for the scenarios after this one.
    pub(super) async fn keep_registration(&self, reg: Registration) {
        self.env.setup.registered.lock().await.insert(self.peer_kind(), reg);
    }

    fn peer_kind(&self) -> PeerKind {
        (self.binding.name(), self.link.endpoint.is_some())
    }

    /// The endpoint URL the SUT is told at a registration shared by the run:
    /// the bare base URL of the stable listener and the binding's path.
    pub(super) fn shared_endpoint_url(&self) -> Option<String> {
        let stable = self.env.setup.stable.as_ref()?;
        Some(format!("{}{}", stable.base_url, self.shared_bare_path()?))
    }

    /// The path after the stable base URL that a SUT sharing one peer sends to.
    pub(super) fn shared_bare_path(&self) -> Option<&'static str> {
        self.env.sut.setup.shares_peer().then(|| crate::sut::setup::shared_endpoint_path(self.binding))
    }

    /// The harness's `jwks_uri` on the stable listener, fixed for the run.
    pub(super) fn shared_jwks_uri(&self) -> Option<String> {
        self.env.setup.fixed_keys.as_ref().filter(|_| self.env.sut.setup.shares_peer()).map(|k| k.url.clone())
    }
}

//! Wiring: the reference's HTTP server on a loopback port.

use crate::control;
use crate::fault::Fault;
use crate::jose::Trust;
use crate::peers::Peers;
use crate::set_profile::SetProfile;
use crate::websocket;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use jsonwebtoken::jwk::JwkSet;
use setconform_tls::{ClientCertificate, TlsListener, server_config_for};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The reference's TLS identity: fixed test certificates for 127.0.0.1 and localhost.
const TLS_CHAIN: &[u8] = include_bytes!("../keys/tls/server.pem");
const TLS_KEY: &[u8] = include_bytes!("../keys/tls/server-key.pem");
const TLS_CA: &[u8] = include_bytes!("../keys/tls/ca.pem");

/// Largest request body the reference reads.
const BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ReferenceConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    pub fault: Option<Fault>,
    /// How often, as initiator, it retries what the peer has not answered (§9.1).
    pub retry_interval: Duration,
    /// How long, as poll transmitter, it holds a poll while it has nothing to
    /// return (RFC 8936 §2.5: the timeout is agreed out of band).
    pub poll_hold: Duration,
    /// Content profile of the SETs it mints (RFC 8417 alone, SSF, or the CAEP interop profile).
    pub set_profile: SetProfile,
}

impl Default for ReferenceConfig {
    fn default() -> Self {
        ReferenceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            fault: None,
            retry_interval: Duration::from_millis(250),
            poll_hold: Duration::from_millis(1500),
            set_profile: SetProfile::Rfc8417,
        }
    }
}

pub struct App {
    pub peers: Peers,
    pub fault: Option<Fault>,
    /// Peer that unauthenticated requests fall to under the `no-auth-check` fault.
    pub anonymous_token: String,
    pub retry_interval: Duration,
    /// How long a poll with nothing to return is held (RFC 8936 §2.5).
    pub poll_hold: Duration,
    /// Content profile of the SETs it mints.
    pub set_profile: SetProfile,
    /// Turns true when the reference stops; background tasks end then.
    pub stopped: watch::Receiver<bool>,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Live pushpull sockets toward peers (initiator over WebSocket).
    sockets: Mutex<HashMap<String, crate::ws_initiator::Kick>>,
    /// Peers whose endpoint the reference is polling now (RFC 8936, as Recipient).
    polling: Mutex<HashSet<String>>,
}

impl App {
    /// The lock that keeps requests to one peer from overlapping.
    pub fn initiating(&self, peer: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        gates.entry(peer.to_owned()).or_default().clone()
    }

    /// The live socket toward `peer`, if there is one.
    pub fn socket_to(&self, peer: &str) -> Option<crate::ws_initiator::Kick> {
        let sockets = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        sockets.get(peer).filter(|k| !k.is_closed()).cloned()
    }

    pub fn keep_socket(&self, peer: &str, kick: crate::ws_initiator::Kick) {
        self.sockets.lock().unwrap_or_else(|e| e.into_inner()).insert(peer.to_owned(), kick);
    }

    /// Marks a poll loop for `peer` as running; false when one already runs.
    pub fn start_polling(&self, peer: &str) -> bool {
        self.polling.lock().unwrap_or_else(|e| e.into_inner()).insert(peer.to_owned())
    }

    /// Marks the poll loop for `peer` as ended.
    pub fn stop_polling(&self, peer: &str) {
        self.polling.lock().unwrap_or_else(|e| e.into_inner()).remove(peer);
    }

    /// Forgets the socket toward `peer` once its session has ended (and not a newer one).
    pub fn drop_socket(&self, peer: &str) {
        let mut sockets = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        if sockets.get(peer).is_some_and(|k| k.is_closed()) {
            sockets.remove(peer);
        }
    }
}

/// A running reference transceiver. Dropping it stops the server and its timers.
pub struct Reference {
    addr: SocketAddr,
    _stop: watch::Sender<bool>,
}

impl Reference {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: ReferenceConfig) -> std::io::Result<Reference> {
        let peers = Peers::default();
        let nobody = Trust {
            peer_issuer: String::new(),
            own_audience: control::OWN_AUDIENCE.to_owned(),
            peer_jwks: JwkSet { keys: vec![] },
            fault: None,
        };
        let (_, anonymous_token) = peers.register(nobody, String::new(), None);
        let (stop, stopped) = watch::channel(false);
        let app = Arc::new(App {
            peers,
            fault: config.fault,
            anonymous_token,
            retry_interval: config.retry_interval,
            poll_hold: config.poll_hold,
            set_profile: config.set_profile,
            stopped: stopped.clone(),
            gates: Mutex::default(),
            sockets: Mutex::default(),
            polling: Mutex::default(),
        });
        let router = Router::new()
            .route("/pushpull", any(websocket::entry))
            .route("/push", any(crate::push::receive))
            .route("/msp", any(crate::msp::receive))
            .route("/poll", any(crate::poll::serve))
            .route("/control/peers", post(control::register))
            .route("/control/peers/{peer}", get(control::state))
            .route("/control/peers/{peer}/queue", post(control::queue))
            .route("/control/peers/{peer}/initiate", post(control::initiate))
            .route("/jwks.json", get(control::jwks))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(app);
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let tls = server_config_for(TLS_CHAIN, TLS_KEY, config.fault == Some(Fault::Tls13Only))?;
        let listener = TlsListener::new(listener, tls, config.fault == Some(Fault::AcceptCleartext))?;
        let mut stopped = stopped;
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.changed().await;
            };
            let service = router.into_make_service_with_connect_info::<ClientCertificate>();
            let _ = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        });
        Ok(Reference { addr, _stop: stop })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// URL of the push endpoint (RFC 8935).
    pub fn push_url(&self) -> String {
        format!("https://{}/push", self.addr)
    }

    /// URL of the multi-SET push endpoint.
    pub fn msp_url(&self) -> String {
        format!("https://{}/msp", self.addr)
    }

    /// URL of the poll endpoint (RFC 8936), where peers collect their SETs.
    pub fn poll_url(&self) -> String {
        format!("https://{}/poll", self.addr)
    }

    /// URL of the Pushpull endpoint.
    pub fn pushpull_url(&self) -> String {
        format!("https://{}/pushpull", self.addr)
    }

    /// Base URL of the control API (the `http` trigger).
    pub fn control_url(&self) -> String {
        format!("https://{}/control", self.addr)
    }

    /// The CA certificate (PEM) that the reference's server certificate chains to.
    pub fn ca_pem() -> &'static [u8] {
        TLS_CA
    }
}

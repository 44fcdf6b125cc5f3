//! Wiring: the reference's HTTP server on a loopback port.

use crate::control;
use crate::fault::Fault;
use crate::jose::Trust;
use crate::peers::Peers;
use crate::set_profile::SetProfile;
use crate::ssf::Ssf;
use crate::state::{App, Conduct};
use crate::websocket;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use jsonwebtoken::jwk::JwkSet;
use setconform_tls::{ClientCertificate, TlsListener, server_config_for};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The routes of the reference as an SSF transmitter (see [`crate::ssf`]).
fn ssf_routes() -> Router<Arc<App>> {
    use crate::ssf::{config, metadata, poll, status, subjects, token, verify};
    Router::new()
        .route("/.well-known/ssf-configuration/ssf", get(metadata::inserted))
        .route("/ssf/.well-known/ssf-configuration", get(metadata::appended))
        .route("/ssf/jwks.json", get(metadata::jwks))
        .route("/ssf/token", post(token::issue))
        .route(
            "/ssf/streams",
            get(config::read).post(config::create).patch(config::update).put(config::replace).delete(config::delete),
        )
        .route("/ssf/status", get(status::read).post(status::update))
        .route("/ssf/subjects/add", post(subjects::add))
        .route("/ssf/subjects/remove", post(subjects::remove))
        .route("/ssf/verify", post(verify::request))
        .route("/ssf/poll", any(poll::shared))
        .route("/ssf/poll/{stream_id}", any(poll::stream))
        .layer(DefaultBodyLimit::max(SSF_BODY_LIMIT))
}

/// The reference's TLS identity: fixed test certificates for 127.0.0.1 and localhost.
const TLS_CHAIN: &[u8] = include_bytes!("../keys/tls/server.pem");
const TLS_KEY: &[u8] = include_bytes!("../keys/tls/server-key.pem");
const TLS_CA: &[u8] = include_bytes!("../keys/tls/ca.pem");

/// Largest request body the reference reads.
const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Largest request body its SSF endpoints read: management objects and polls are small.
const SSF_BODY_LIMIT: usize = 256 * 1024;

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
    /// A legal behaviour other than the default, if any.
    pub variant: Option<crate::Variant>,
    /// PEM CA certificate(s) that the endpoints of SSF push streams may chain
    /// to, besides the usual roots and the reference's own test CA.
    pub ssf_endpoint_ca: Option<String>,
    /// An SSF transmitter the reference configures a stream at from its start,
    /// as a receiver configured by hand: the `ssf` member of a registration
    /// (`configuration_url`, `issuer`, `token_endpoint`, `client_id`,
    /// `client_secret`, `delivery`), trusting `ssf_endpoint_ca`.
    pub ssf_transmitter: Option<serde_json::Value>,
}

impl Default for ReferenceConfig {
    fn default() -> Self {
        ReferenceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            fault: None,
            retry_interval: Duration::from_millis(250),
            poll_hold: Duration::from_millis(1500),
            set_profile: SetProfile::Rfc8417,
            variant: None,
            ssf_endpoint_ca: None,
            ssf_transmitter: None,
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
        let conduct = Conduct {
            fault: config.fault,
            retry_interval: config.retry_interval,
            poll_hold: config.poll_hold,
            set_profile: config.set_profile,
            variant: config.variant,
        };
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let trusted = [TLS_CA, config.ssf_endpoint_ca.as_deref().unwrap_or_default().as_bytes()];
        let ssf = Ssf::new(format!("https://{addr}"), &trusted);
        let app = Arc::new(App::new(peers, anonymous_token, conduct, ssf, stopped.clone()));
        if let Some(member) = &config.ssf_transmitter {
            let registration =
                crate::ssf_receiver::Registration::parse(member).map_err(|e| std::io::Error::other(e.to_string()))?;
            let client = crate::ssf_receiver::client(config.ssf_endpoint_ca.as_deref(), config.fault)
                .map_err(std::io::Error::other)?;
            crate::ssf_receiver::add_by_hand(&app, registration, client);
        }
        let router = Router::new()
            .route("/pushpull", any(websocket::entry))
            .route("/push", any(crate::push::receive))
            .route("/msp", any(crate::msp::receive))
            .route("/poll", any(crate::poll::serve))
            .route("/control/peers", post(control::register))
            .route("/control/peers/{peer}", get(control::state).delete(control::release))
            .route("/control/peers/{peer}/queue", post(control::queue))
            .route("/control/peers/{peer}/initiate", post(control::initiate))
            .route("/jwks.json", get(control::jwks))
            .merge(ssf_routes())
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(app);
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

    /// The issuer of the reference as an SSF transmitter (SSF §7.1).
    pub fn ssf_issuer(&self) -> String {
        format!("https://{}/ssf", self.addr)
    }

    /// URL of its SSF transmitter metadata (SSF §7.2: the well-known path inserted after the host).
    pub fn ssf_metadata_url(&self) -> String {
        format!("https://{}/.well-known/ssf-configuration/ssf", self.addr)
    }

    /// URL of the OAuth 2.0 token endpoint of its SSF receivers ([`crate::SSF_RECEIVERS`]).
    pub fn ssf_token_url(&self) -> String {
        format!("https://{}/ssf/token", self.addr)
    }

    /// The CA certificate (PEM) that the reference's server certificate chains to.
    pub fn ca_pem() -> &'static [u8] {
        TLS_CA
    }
}

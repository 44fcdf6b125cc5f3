//! Per-peer state: who the peer is, what we owe it, what it sent us, where
//! its keys are and how to authenticate at its endpoint. The code that acts on
//! that state lives with the roles that use it.

use crate::jose::Trust;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;

/// A SET waiting in the outbox until the peer acknowledges or rejects it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub jti: String,
    pub token: String,
    pub deliveries: u32,
    /// When it last went out.
    pub last_sent: Option<std::time::Instant>,
    /// Not to be sent again before then (push retry backoff, RFC 8935 §2).
    pub not_before: Option<std::time::Instant>,
    /// Whether it went out in a pushpull response (pushpull §9).
    pub in_response: bool,
}

impl Outgoing {
    pub fn new(jti: String, token: String) -> Outgoing {
        Outgoing { jti, token, deliveries: 0, last_sent: None, not_before: None, in_response: false }
    }
}

/// How the reference talks to a peer's endpoint when it initiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// Pushpull requests over HTTP (pushpull §6.1).
    Pushpull,
    /// Pushpull over a WebSocket, upgraded at the endpoint's URL (pushpull §7.1).
    PushpullWebSocket,
    /// One SET per POST (RFC 8935).
    Push,
    /// Batches of SETs per POST (multi-SET push).
    MultiSetPush,
    /// The reference polls the peer's endpoint for its SETs (RFC 8936, as SET Recipient).
    Poll,
}

/// What the reference decided about a SET the peer sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Acked,
    Errored { err: String, description: String },
}

#[derive(Debug)]
pub struct Peer {
    pub id: String,
    /// Shared, so that SETs can be validated against a snapshot outside the peers lock;
    /// changed through [`Arc::make_mut`], which leaves a snapshot in use as it was.
    pub trust: Arc<Trust>,
    /// `aud` the reference puts in SETs for this peer.
    pub audience: String,
    pub outbox: Vec<Outgoing>,
    /// jtis the peer acknowledged or rejected; never sent again.
    pub retired: HashSet<String>,
    pub received: HashMap<String, Verdict>,
    /// Acks held back for the next response (asynchronous acknowledgement).
    pub deferred_acks: Vec<String>,
    /// Under the `late-acks` fault: acks held back, each with the responses left until they go out.
    pub late_acks: Vec<(u32, Vec<String>)>,
    /// When the reference is the initiator: the peer's Pushpull endpoint and the token to present.
    pub endpoint: Option<Endpoint>,
    /// Verdicts on SETs the peer returned in responses, owed in the next request.
    pub owed: Vec<(String, Verdict)>,
    /// Delivery to this peer has stopped (faults that give up on an unknown answer).
    pub push_halted: bool,
    /// Signalled whenever SETs are queued for the peer, to wake a held poll (RFC 8936 §2.5).
    pub arrivals: watch::Sender<()>,
    /// Where the peer publishes its keys, when it said (SSF §7.1 `jwks_uri`).
    pub key_source: Option<KeySource>,
    /// The authorization server whose access tokens prove the peer (pushpull §8.2), when it named one.
    pub authorization_server: Option<AuthorizationServer>,
    /// The certificate (DER) the peer presents over mutual TLS, when it named one: then its
    /// requests must come with it as well as with its token.
    pub client_certificate: Option<Vec<u8>>,
    /// When the peer is the reference's SSF transmitter: the stream the reference configures there.
    pub ssf: Option<crate::ssf_receiver::state::SsfPeer>,
    minted: u64,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub url: String,
    pub token: Option<String>,
    /// An `Authorization` value sent verbatim on every request instead of the
    /// bearer token (an SSF push stream's `authorization_header`, SSF §6.1.1).
    pub authorization: Option<String>,
    /// A client that trusts the CA the peer named for its endpoint.
    pub client: reqwest::Client,
    pub binding: Binding,
    /// The CA the peer named, for the WebSocket's TLS.
    pub ca_pem: Option<String>,
    /// The client the authorization server of the peer's endpoint knows us as (pushpull §8.2).
    pub oauth_client: Option<OAuthClient>,
    /// What the reference found out about authenticating there, shared by every copy.
    pub access: std::sync::Arc<tokio::sync::Mutex<Access>>,
}

impl Peer {
    pub fn next_jti(&mut self) -> String {
        self.minted += 1;
        format!("{}-{:04}", self.id, self.minted)
    }
}

/// All peers, keyed by their bearer token.
#[derive(Default)]
pub struct Peers {
    by_token: Mutex<HashMap<String, Peer>>,
    counter: AtomicU64,
}

impl Peers {
    /// Registers a new peer; returns its id and bearer token.
    pub fn register(&self, trust: Trust, audience: String, endpoint: Option<Endpoint>) -> (String, String) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let id = format!("p{n}");
        let token = format!("ref-token-{n}-{:016x}", token_salt(n));
        let peer = Peer {
            id: id.clone(),
            trust: Arc::new(trust),
            audience,
            outbox: Vec::new(),
            retired: HashSet::new(),
            received: HashMap::new(),
            deferred_acks: Vec::new(),
            late_acks: Vec::new(),
            endpoint,
            owed: Vec::new(),
            push_halted: false,
            arrivals: watch::Sender::new(()),
            key_source: None,
            authorization_server: None,
            client_certificate: None,
            ssf: None,
            minted: 0,
        };
        self.lock().insert(token.clone(), peer);
        (id, token)
    }

    /// Runs `f` on the peer holding `token`.
    pub fn with_token<R>(&self, token: &str, f: impl FnOnce(&mut Peer) -> R) -> Option<R> {
        self.lock().get_mut(token).map(f)
    }

    /// The trust of the peer holding `token` as it stands now: what validating its SETs
    /// takes, to be done without holding the lock.
    pub fn trust_by_token(&self, token: &str) -> Option<Arc<Trust>> {
        self.with_token(token, |p| Arc::clone(&p.trust))
    }

    /// The trust of the peer with id `id` as it stands now (see [`Peers::trust_by_token`]).
    pub fn trust_by_id(&self, id: &str) -> Option<Arc<Trust>> {
        self.with_id(id, |p| Arc::clone(&p.trust))
    }

    /// The bearer token of the peer with id `id`: what identifies it here.
    pub fn token_of(&self, id: &str) -> Option<String> {
        self.lock().iter().find(|(_, p)| p.id == id).map(|(token, _)| token.clone())
    }

    /// The bearer token of the first peer for which `f` holds.
    pub fn token_where(&self, f: impl Fn(&Peer) -> bool) -> Option<String> {
        self.lock().iter().find(|(_, p)| f(p)).map(|(token, _)| token.clone())
    }

    /// Runs `f` on the peer with id `id`.
    pub fn with_id<R>(&self, id: &str, f: impl FnOnce(&mut Peer) -> R) -> Option<R> {
        self.lock().values_mut().find(|p| p.id == id).map(f)
    }

    /// Forgets the peer with id `id`; whether there was one.
    pub fn remove(&self, id: &str) -> bool {
        let mut peers = self.lock();
        let before = peers.len();
        peers.retain(|_, p| p.id != id);
        peers.len() < before
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Peer>> {
        // A handler that panicked mid-update leaves plain data behind; keep serving.
        self.by_token.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Makes tokens unguessable enough for a loopback test peer without a RNG dependency.
fn token_salt(n: u64) -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    (nanos ^ n.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Where a peer publishes its keys, and the key ids already looked up there.
#[derive(Debug, Clone)]
pub struct KeySource {
    pub uri: String,
    pub client: reqwest::Client,
    /// Key ids already looked up there: each is fetched for once.
    pub looked_up: HashSet<String>,
}

impl KeySource {
    pub fn new(uri: String, client: reqwest::Client) -> KeySource {
        KeySource { uri, client, looked_up: HashSet::new() }
    }
}

/// The authorization server a peer gets its access tokens from.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizationServer {
    /// `iss` of its tokens.
    pub issuer: String,
}

/// The client the peer's authorization server knows the reference as.
#[derive(Debug, Clone, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
}

/// What the reference found out about authenticating to one endpoint.
#[derive(Debug, Default)]
pub enum Access {
    /// Not looked up yet.
    #[default]
    Unknown,
    /// No metadata: the registered bearer token is what to present.
    NoMetadata,
    /// The token endpoint the metadata led to, and the token it issued, if any yet.
    Server { token_endpoint: String, token: Option<(String, Instant)> },
}

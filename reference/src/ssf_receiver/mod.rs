//! The reference as an SSF 1.0 receiver. A peer registered with
//! `"binding": "ssf"` names its transmitter ([`registration`]); the reference
//! answers at once and then configures itself: it reads the metadata
//! ([`discovery`], SSF §7.2), gets an access token ([`token`]), creates a
//! stream ([`stream`], SSF §8.1.1.1) and asks for a verification event
//! (SSF §8.1.4.2). A push stream delivers to the reference's push endpoint
//! ([`crate::push`]) with the peer's own bearer token; a poll stream is polled
//! by [`crate::poll_receiver`] with the access token. Both apply
//! [`judge::judge`] to every valid SET. Releasing the peer deletes the stream.

mod calls;
mod discovery;
mod error;
pub mod judge;
mod registration;
pub mod state;
pub mod status;
mod stream;
mod token;

pub use calls::client;
pub use registration::{DeliveryChoice, Registration};

use crate::fault::Fault;
use crate::peers::{Binding, Endpoint, KeySource};
use crate::state::App;
use error::SetupError;
use state::{Phase, SsfPeer};
use std::sync::Arc;

/// Longest a push waits for the configuration of its stream to end.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// Longest the release of a peer waits for its stream's deletion.
const RELEASE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Starts configuring the peer's stream, in the background.
pub fn start(app: Arc<App>, peer_id: String) {
    tokio::spawn(async move {
        let result = configure(&app, &peer_id).await;
        settle(&app, &peer_id, result);
    });
}

/// How long a reference configured by hand keeps trying a transmitter that
/// does not answer yet, and how often.
const BY_HAND_PATIENCE: std::time::Duration = std::time::Duration::from_secs(600);
const BY_HAND_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// For a reference configured by hand: its transmitter (a harness whose run
/// starts later) may not listen yet, so a metadata request that gets no answer
/// is made again every second, for ten minutes at most.
pub fn start_by_hand(app: Arc<App>, peer_id: String) {
    tokio::spawn(async move {
        let until = std::time::Instant::now() + BY_HAND_PATIENCE;
        loop {
            match configure(&app, &peer_id).await {
                Err(SetupError::NoAnswer(error::Step::Metadata)) if std::time::Instant::now() < until => {
                    tokio::time::sleep(BY_HAND_RETRY).await;
                }
                result => return settle(&app, &peer_id, result),
            }
        }
    });
}

fn settle(app: &App, peer_id: &str, result: Result<(), SetupError>) {
    if let Err(e) = result {
        let phase = match e {
            SetupError::ForeignStreamIssuer(_) => Phase::Refused,
            e => Phase::Stopped(e),
        };
        app.peers.with_id(peer_id, |p| p.ssf.as_mut().map(|ssf| ssf.settle(phase)));
    }
}

/// A peer for the transmitter the reference was configured with by hand
/// (`ssf` as in a registration); its trust comes from the metadata and the
/// stream, as for a registered one. Returns the peer id.
pub fn add_by_hand(app: &Arc<App>, registration: Registration, client: reqwest::Client) -> String {
    let trust = crate::jose::Trust {
        peer_issuer: registration.issuer.clone(),
        own_audience: String::new(),
        peer_jwks: jsonwebtoken::jwk::JwkSet { keys: Vec::new() },
        fault: app.fault,
    };
    let (peer, _) = app.peers.register(trust, String::new(), None);
    app.peers.with_id(&peer, |p| p.ssf = Some(SsfPeer::new(registration, client)));
    start_by_hand(app.clone(), peer.clone());
    peer
}

/// The flow of "what a legal receiver does": discovery, token, stream, verification.
async fn configure(app: &Arc<App>, peer_id: &str) -> Result<(), SetupError> {
    let fault = app.fault;
    let Some((registration, client, peer_token)) = app
        .peers
        .with_id(peer_id, |p| p.ssf.as_ref().map(|s| (s.registration.clone(), s.client.clone())))
        .flatten()
        .zip(app.peers.token_of(peer_id))
        .map(|((r, c), t)| (r, c, t))
    else {
        return Ok(());
    };
    let metadata = discovery::discover(&client, &registration.configuration_url, &registration.issuer, fault).await?;
    // The SETs come from the discovered issuer, signed with keys from its jwks_uri (SSF-SET-012).
    app.peers.with_id(peer_id, |p| {
        Arc::make_mut(&mut p.trust).peer_issuer = metadata.issuer.clone();
        p.key_source = Some(KeySource::new(metadata.jwks_uri.clone(), client.clone()));
    });
    let access_token = token::fetch(&client, &registration).await?;
    let push =
        stream::PushTarget { endpoint_url: app.ssf.url("/push"), authorization_header: format!("Bearer {peer_token}") };
    let body = stream::create_body(registration.delivery, &push, fault);
    let created = stream::create(&client, &metadata.configuration_endpoint, &access_token, &body).await?;
    let foreign = created.iss != metadata.issuer;
    let kept = app.peers.with_id(peer_id, |p| {
        Arc::make_mut(&mut p.trust).own_audience = created.audience.clone();
        if foreign && fault == Some(Fault::SsfRcvAcceptForeignStream) {
            Arc::make_mut(&mut p.trust).peer_issuer = created.iss.clone();
        }
        if let Some(ssf) = p.ssf.as_mut() {
            ssf.metadata = Some(metadata.clone());
            ssf.access_token = Some(access_token.clone());
            ssf.stream_id = Some(created.stream_id.clone());
        }
    });
    // SSF §8.1.1.1 (SSF-STRM-007): a stream of another issuer is not used; a released peer needs none.
    if kept.is_none() || (foreign && fault != Some(Fault::SsfRcvAcceptForeignStream)) {
        let _ = stream::delete(&client, &metadata.configuration_endpoint, &access_token, &created.stream_id).await;
        return match kept {
            Some(()) => Err(SetupError::ForeignStreamIssuer(created.iss)),
            None => Ok(()),
        };
    }
    let poll_endpoint = match registration.delivery {
        DeliveryChoice::Poll => Some(
            created
                .endpoint_url
                .clone()
                .ok_or(SetupError::Malformed { step: error::Step::Create, field: "delivery.endpoint_url" })?,
        ),
        DeliveryChoice::Push => None,
    };
    let asked = crate::ssf::unguessable();
    app.peers.with_id(peer_id, |p| {
        if let Some(url) = poll_endpoint.clone() {
            p.endpoint = Some(poll_endpoint_of(url, &access_token, &client));
        }
        if let Some(ssf) = p.ssf.as_mut() {
            ssf.settle(Phase::Ready);
            ssf.asked_states.push(asked.clone());
        }
    });
    if poll_endpoint.is_some() {
        crate::poll_receiver::start(app.clone(), peer_id.to_owned());
    }
    // SSF §8.1.4.2: once created, the receiver asks for a verification event (its choice).
    if let Some(endpoint) = metadata.verification_endpoint.as_deref() {
        // Not verified is no reason to give the stream up: the SETs still count.
        let _ = stream::request_verification(&client, endpoint, &access_token, &created.stream_id, &asked).await;
    }
    Ok(())
}

/// The transmitter's poll endpoint, polled with the access token (SSF §6.1.2, RFC 8936).
fn poll_endpoint_of(url: String, access_token: &str, client: &reqwest::Client) -> Endpoint {
    Endpoint {
        url,
        token: Some(access_token.to_owned()),
        authorization: None,
        client: client.clone(),
        binding: Binding::Poll,
        ca_pem: None,
        oauth_client: None,
        access: Default::default(),
    }
}

/// The peer is released: deletes its stream (SSF §8.1.1.5), best effort and
/// bounded in time, before the peer is forgotten.
pub async fn release(app: &App, peer_id: &str) {
    let stream = app.peers.with_id(peer_id, |p| {
        let ssf = p.ssf.as_ref().filter(|s| s.phase == Phase::Ready)?;
        let endpoint = ssf.metadata.as_ref()?.configuration_endpoint.clone();
        Some((ssf.client.clone(), endpoint, ssf.access_token.clone()?, ssf.stream_id.clone()?))
    });
    if let Some(Some((client, endpoint, token, stream_id))) = stream {
        let _ = tokio::time::timeout(RELEASE_TIMEOUT, stream::delete(&client, &endpoint, &token, &stream_id)).await;
    }
}

/// Waits, a bounded time, for the configuration of the stream of the peer
/// holding `token` to end: a SET pushed right after the transmitter answered
/// the create request is judged against the stream it created.
pub async fn until_configured(app: &App, token: &str) {
    let Some(Some(mut settled)) = app.peers.with_token(token, |p| p.ssf.as_ref().and_then(SsfPeer::until_settled))
    else {
        return;
    };
    let _ = tokio::time::timeout(SETTLE_WAIT, settled.wait_for(|done| *done)).await;
}

/// Under the `ssf-rcv-no-authorization-header` fault: the SSF peer whose
/// issuer `set` claims, for a push that came without credentials.
pub fn unauthenticated_push(app: &App, set: &str) -> Option<String> {
    let claims = set.split('.').nth(1).and_then(crate::jose::decode_part)?;
    let iss = claims.get("iss")?.as_str()?;
    app.peers.token_where(|p| p.ssf.is_some() && p.trust.peer_issuer == iss)
}

//! A stream's peer: the push peer whose endpoint is the stream's
//! `endpoint_url`, with its `authorization_header` sent verbatim (SSF §6.1.1),
//! or the poll peer served at the stream's poll URL (SSF §6.1.2); and the
//! transmitter pausing a stream whose receiver refused a verification.

use super::outbox::change_status;
use super::set::{For, stream_updated};
use super::stream::{Delivery, Status};
use crate::jose::Trust;
use crate::peers::{Binding, Endpoint};
use crate::state::App;
use jsonwebtoken::jwk::JwkSet;
use std::sync::Arc;

/// The reason the reference gives when it pauses a stream on its own.
const PAUSE_REASON: &str = "the receiver refused a verification event with invalid_state";

/// Registers the peer that carries a new stream's SETs to `aud`; its id and token.
pub fn register(app: &Arc<App>, aud: &str, delivery: &Delivery) -> (String, String) {
    // The receiver sends the reference no SETs: it trusts nobody's.
    let trust = Trust {
        peer_issuer: String::new(),
        own_audience: String::new(),
        peer_jwks: JwkSet { keys: vec![] },
        fault: app.fault,
    };
    let (peer, token) = app.peers.register(trust, aud.to_owned(), endpoint(app, delivery));
    if matches!(delivery, Delivery::Push { .. }) {
        crate::delivery::spawn_retry_loop(app.clone(), peer.clone(), app.retry_interval);
    }
    (peer, token)
}

/// Points the stream's peer at its new delivery; a stream that becomes a push
/// stream gets the retry loop it lacked.
pub fn redirect(app: &Arc<App>, peer: &str, before: &Delivery, after: &Delivery) {
    if before == after {
        return;
    }
    app.peers.with_id(peer, |p| p.endpoint = endpoint(app, after));
    if !matches!(before, Delivery::Push { .. }) && matches!(after, Delivery::Push { .. }) {
        crate::delivery::spawn_retry_loop(app.clone(), peer.to_owned(), app.retry_interval);
    }
    tokio::spawn(crate::delivery::initiate(app.clone(), peer.to_owned(), crate::state::Reason::Asked));
}

fn endpoint(app: &App, delivery: &Delivery) -> Option<Endpoint> {
    let Delivery::Push { endpoint_url: Some(url), authorization_header } = delivery else { return None };
    Some(Endpoint {
        url: url.clone(),
        token: None,
        authorization: authorization_header.clone(),
        client: app.ssf.push_client(),
        binding: Binding::Push,
        ca_pem: None,
        oauth_client: None,
        access: Default::default(),
    })
}

/// A push of `jti` to `peer_id` was refused with `err`. When that is a
/// verification event of a stream refused with `invalid_state`, the reference
/// pauses the stream on its own: it first sends a stream-updated event, then
/// holds everything else (SSF §8.1.2, §8.1.5, SSF-STAT-006).
pub fn refused(app: &App, peer_id: &str, jti: &str, err: &str) {
    if err != "invalid_state" {
        return;
    }
    let fault = app.fault;
    app.ssf.with_streams(|streams| {
        let Some(stream) = streams.iter_mut().find(|s| s.peer == peer_id && s.verifications.contains(jti)) else {
            return;
        };
        if stream.status != Status::Enabled {
            return;
        }
        let notice = (fault != Some(crate::fault::Fault::SsfSilentSuspend))
            .then(|| stream_updated(app, &For { stream_id: &stream.id, aud: &stream.aud }, "paused", PAUSE_REASON));
        // Pausing only holds: nothing is released, so there is nothing to hand over.
        let _ = change_status(app, stream, Status::Paused, Some(PAUSE_REASON.to_owned()));
        if let Some(notice) = notice {
            // Sent as the stream pauses, ahead of everything now held.
            app.peers.with_id(peer_id, |p| p.outbox.insert(0, notice));
        }
    });
}

//! The control API: the `http` trigger adapter of the setconform SUT contract.
//!
//! `POST /control/peers` registers a peer (the harness) and returns its bearer
//! token; `POST /control/peers/{peer}/queue` queues SETs for it (a peer
//! without an endpoint collects them at the poll endpoint, RFC 8936);
//! `POST /control/peers/{peer}/initiate` makes it send a request to the peer's
//! endpoint now (for a peer whose endpoint it polls: polls again if its poll
//! loop has ended); `GET /control/peers/{peer}` reads what it holds for the peer;
//! `DELETE /control/peers/{peer}` forgets it (the scenario is over).
//! A registration names the harness's `iss` and `aud` as `harness_issuer` and
//! `harness_audience` (or, as before, `issuer` and `audience`); the answer
//! names the reference's as `sut_issuer` and `sut_audience` and repeats them
//! under the old names.
//! With `"binding": "ssf"` and an `ssf` member, the peer is an SSF transmitter:
//! the reference configures a stream there as its receiver ([`crate::ssf_receiver`]),
//! and deletes it when the peer is released.
//! A vendor can copy this small API into a test build of their product.

use crate::delivery;
use crate::jose::{self, Trust};
use crate::keys;
use crate::peers::{AuthorizationServer, Binding, Endpoint, KeySource, OAuthClient, Verdict};
use crate::poll_receiver;
use crate::pushpull;
use crate::ssf_receiver::state::SsfPeer;
use crate::ssf_receiver::{self, Registration};
use crate::state::{App, Reason};
use crate::variant::Variant;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Audience the reference expects in SETs addressed to it.
pub const OWN_AUDIENCE: &str = "https://reference.setconform.invalid/pushpull";
/// Most SETs one queue request may ask for.
const MAX_QUEUE: usize = 1000;

#[derive(Deserialize)]
pub struct NewPeer {
    /// `iss` of the SETs the peer will send (`issuer` in older requests).
    #[serde(default)]
    harness_issuer: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    /// The peer's public keys.
    jwks: JwkSet,
    /// `aud` to put in SETs for the peer (`audience` in older requests).
    #[serde(default)]
    harness_audience: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    /// The peer's own Pushpull endpoint, when the reference is to initiate toward it.
    #[serde(default)]
    endpoint: Option<String>,
    /// Bearer token to present at that endpoint.
    #[serde(default)]
    endpoint_token: Option<String>,
    /// PEM CA certificate(s) the certificates of the peer's endpoint and `jwks_uri` chain to.
    #[serde(default)]
    endpoint_ca: Option<String>,
    /// Where the peer publishes its keys (SSF §7.1): fetched again when one of its
    /// SETs names a key id the reference does not hold.
    #[serde(default)]
    jwks_uri: Option<String>,
    /// Client credentials for the authorization server that the endpoint's
    /// protected-resource metadata may name (pushpull §8.2).
    #[serde(default)]
    oauth_client: Option<OAuthClient>,
    /// The authorization server whose JWT access tokens (RFC 9068) the peer may
    /// present instead of its bearer token; signed with the peer's keys.
    #[serde(default)]
    authorization_server: Option<AuthorizationServer>,
    /// PEM certificate the peer presents as a TLS client (pushpull §8.2: mutual TLS).
    #[serde(default)]
    client_certificate: Option<String>,
    /// `http` (default): pushpull requests; `websocket`: pushpull upgraded at the
    /// endpoint's URL (pushpull §7.1); `push`: one SET per POST (RFC 8935); `msp`:
    /// batches of SETs (multi-SET push); `poll` (RFC 8936): without an endpoint the
    /// peer polls the reference's `/poll` for its SETs, with one the reference
    /// polls the endpoint for the peer's SETs.
    #[serde(default)]
    binding: Option<String>,
    /// With `"binding": "ssf"`: the SSF transmitter the reference is to configure a stream at, as its receiver.
    #[serde(default)]
    ssf: Option<Value>,
}

/// The first certificate of a PEM text, DER-encoded.
fn first_certificate(pem: &str) -> Option<Vec<u8>> {
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes()).next()?.ok().map(|c| c.to_vec())
}

pub async fn register(State(app): State<Arc<App>>, headers: HeaderMap, Json(req): Json<NewPeer>) -> Response {
    let cleartext =
        req.endpoint.as_deref().is_some_and(|u| u.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")));
    if cleartext && app.variant == Some(Variant::RefuseCleartext) {
        // Pushpull §8.1 (TLS required): a product may decline such a peer outright.
        let body = json!({ "error": "the endpoint is not served over TLS" });
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    }
    let ssf = match (req.binding.as_deref(), &req.ssf) {
        (Some("ssf"), Some(member)) => match Registration::parse(member) {
            Ok(registration) => Some(registration),
            Err(e) => {
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": e.to_string() }))).into_response();
            }
        },
        (Some("ssf"), None) => {
            let body = json!({ "error": "ssf: is required with the ssf binding" });
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
        }
        _ => None,
    };
    let (Some(peer_issuer), Some(audience)) =
        (req.harness_issuer.or(req.issuer), req.harness_audience.or(req.audience))
    else {
        let body = json!({ "error": "harness_issuer and harness_audience are required" });
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    };
    let trust = Trust { peer_issuer, own_audience: OWN_AUDIENCE.to_owned(), peer_jwks: req.jwks, fault: app.fault };
    let client = match peer_client(req.endpoint_ca.as_deref(), app.fault) {
        Ok(c) => c,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": format!("endpoint_ca: {e}") }))).into_response();
        }
    };
    let binding = match req.binding.as_deref() {
        None | Some("http") => Binding::Pushpull,
        Some("websocket") => Binding::PushpullWebSocket,
        Some("push") => Binding::Push,
        Some("msp") => Binding::MultiSetPush,
        Some("poll") => Binding::Poll,
        // The stream's delivery decides; the peer registers no endpoint.
        Some("ssf") => Binding::Push,
        Some(other) => {
            let body =
                json!({ "error": format!("binding: {other:?} is none of http, websocket, push, msp, poll, ssf") });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    let client_certificate = match req.client_certificate.as_deref().map(first_certificate) {
        None => None,
        Some(Some(der)) => Some(der),
        Some(None) => {
            let body = json!({ "error": "client_certificate: no PEM certificate in it" });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    let key_source = req.jwks_uri.map(|uri| KeySource::new(uri, client.clone()));
    let client_for_ssf = match ssf.as_ref().map(|_| ssf_receiver::client(req.endpoint_ca.as_deref(), app.fault)) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": format!("endpoint_ca: {e}") }))).into_response();
        }
    };
    let has_ssf = ssf.is_some();
    let endpoint = req.endpoint.filter(|_| ssf.is_none()).map(|url| Endpoint {
        url,
        token: req.endpoint_token,
        authorization: None,
        client,
        binding,
        ca_pem: req.endpoint_ca.clone(),
        oauth_client: req.oauth_client,
        access: Default::default(),
    });
    let role = endpoint.as_ref().map(|e| e.binding);
    let (peer, token) = app.peers.register(trust, audience, endpoint);
    app.peers.with_id(&peer, |p| {
        p.key_source = key_source;
        p.authorization_server = req.authorization_server;
        p.client_certificate = client_certificate;
        p.ssf = ssf.zip(client_for_ssf).map(|(registration, client)| SsfPeer::new(registration, client));
    });
    if has_ssf {
        ssf_receiver::start(app.clone(), peer.clone());
    }
    match role {
        // RFC 8936: a recipient polls on its own, from the start.
        Some(Binding::Poll) => poll_receiver::start(app.clone(), peer.clone()),
        Some(_) => delivery::spawn_retry_loop(app.clone(), peer.clone(), app.retry_interval),
        None => {}
    }
    let mut body = json!({
        "peer": peer,
        "token": token,
        "sut_issuer": jose::ISSUER,
        "sut_audience": OWN_AUDIENCE,
        "issuer": jose::ISSUER,
        "audience": OWN_AUDIENCE,
        "jwks": keys::keys().jwks,
        "client_certificate": keys::CLIENT_CERTIFICATE,
    });
    // SSF §7.1: where its keys live, on the address the peer reached it at.
    if let Some(host) = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()) {
        body["jwks_uri"] = json!(format!("https://{host}/jwks.json"));
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct QueueRequest {
    count: usize,
}

pub async fn queue(State(app): State<Arc<App>>, Path(peer): Path<String>, Json(req): Json<QueueRequest>) -> Response {
    if req.count > MAX_QUEUE {
        let body = json!({ "error": format!("count is limited to {MAX_QUEUE}") });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let (fault, profile) = (app.fault, app.set_profile);
    let queued = app.peers.with_id(&peer, |p| {
        let jtis = pushpull::queue(p, req.count, fault, profile);
        // Wakes a poll held while there was nothing to return (RFC 8936 §2.5).
        p.arrivals.send_replace(());
        (jtis, p.endpoint.is_some())
    });
    match queued {
        Some((jtis, initiates)) => {
            if initiates && app.variant == Some(Variant::DeliverInsideTrigger) {
                // Like a product that pushes inside its own API call: the caller
                // gets its answer once the peer has answered the delivery.
                delivery::initiate(app.clone(), peer, Reason::Asked).await;
            } else if initiates && !delivery::timer_driven(&app, &peer) {
                // Deliver now, without holding up the caller (who may be the peer itself);
                // a timer-driven initiator sends them on its next tick instead.
                tokio::spawn(delivery::initiate(app.clone(), peer, Reason::Asked));
            }
            Json(json!({ "jtis": jtis })).into_response()
        }
        None => unknown_peer(),
    }
}

/// Makes the reference send a request to the peer now, even with nothing to
/// deliver; for a peer it polls, restarts the poll loop if it has ended. The
/// timer-driven variant has no such switch for a pushpull peer: 501.
pub async fn initiate(State(app): State<Arc<App>>, Path(peer): Path<String>) -> Response {
    if app.peers.with_id(&peer, |p| p.ssf.is_some() && p.endpoint.is_none()) == Some(true) {
        // An SSF stream still being configured (or a push stream): a poll stream polls once it exists.
        return (StatusCode::ACCEPTED, Json(json!({}))).into_response();
    }
    match app.peers.with_id(&peer, |p| p.endpoint.as_ref().map(|e| e.binding == Binding::Poll)) {
        Some(Some(true)) => {
            poll_receiver::start(app.clone(), peer);
            (StatusCode::ACCEPTED, Json(json!({}))).into_response()
        }
        Some(Some(false)) if app.variant == Some(Variant::DeliverInsideTrigger) => {
            delivery::initiate(app.clone(), peer, Reason::Asked).await;
            (StatusCode::ACCEPTED, Json(json!({}))).into_response()
        }
        Some(Some(false)) if delivery::timer_driven(&app, &peer) => {
            let body = json!({ "error": "this initiator sends on its own timer and has no \"send now\" switch" });
            (StatusCode::NOT_IMPLEMENTED, Json(body)).into_response()
        }
        Some(Some(false)) => {
            tokio::spawn(delivery::initiate(app.clone(), peer, Reason::Asked));
            (StatusCode::ACCEPTED, Json(json!({}))).into_response()
        }
        Some(None) => {
            let body = json!({ "error": "the peer registered no endpoint to initiate toward" });
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        None => unknown_peer(),
    }
}

/// Forgets the peer: the scenario that registered it is over.
pub async fn release(State(app): State<Arc<App>>, Path(peer): Path<String>) -> Response {
    // SSF §8.1.1.5: an SSF receiver deletes the stream it no longer needs.
    ssf_receiver::release(&app, &peer).await;
    match app.forget(&peer) {
        true => StatusCode::NO_CONTENT.into_response(),
        false => unknown_peer(),
    }
}

pub async fn state(State(app): State<Arc<App>>, Path(peer): Path<String>) -> Response {
    let snapshot = app.peers.with_id(&peer, |p| {
        let received: Map<String, Value> = p
            .received
            .iter()
            .map(|(jti, v)| {
                let v = match v {
                    Verdict::Acked => json!("ack"),
                    Verdict::Errored { err, description } => json!({ "err": err, "description": description }),
                };
                (jti.clone(), v)
            })
            .collect();
        let mut snapshot = json!({
            "outbox": p.outbox.iter().map(|o| &o.jti).collect::<Vec<_>>(),
            "retired": p.retired.iter().collect::<Vec<_>>(),
            "received": received,
        });
        // An SSF peer: how far the configuration of its stream got.
        if let Some(ssf) = &p.ssf {
            snapshot["ssf"] = ssf.summary();
        }
        snapshot
    });
    match snapshot {
        Some(s) => Json(s).into_response(),
        None => unknown_peer(),
    }
}

/// A client for the peer's endpoint, trusting the CA it named (§8.1: the
/// initiator validates the responder's certificate).
/// A client for the peer's URLs that trusts the CA it named, and validates
/// certificates in full unless a fault says otherwise.
fn peer_client(ca_pem: Option<&str>, fault: Option<crate::fault::Fault>) -> Result<reqwest::Client, reqwest::Error> {
    use crate::fault::Fault;
    let mut builder = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(fault == Some(Fault::TrustAnyCertificate))
        .no_proxy();
    let certs = match ca_pem {
        Some(pem) => reqwest::Certificate::from_pem_bundle(pem.as_bytes())?,
        None => Vec::new(),
    };
    // §8.2: the certificate named at registration, for a peer that verifies initiators by mutual TLS.
    if fault != Some(Fault::InitiateWithoutClientCertificate) {
        let identity = format!("{}{}", keys::CLIENT_KEY, keys::CLIENT_CERTIFICATE);
        builder = builder.identity(reqwest::Identity::from_pem(identity.as_bytes())?);
    }
    builder = if fault == Some(Fault::IgnoreCertificateName) {
        // Chains are still checked against the peer's CA; only the host name is not.
        builder.tls_certs_only(certs).tls_danger_accept_invalid_hostnames(true)
    } else {
        builder.tls_certs_merge(certs)
    };
    builder.build()
}

pub async fn jwks() -> Response {
    Json(&keys::keys().jwks).into_response()
}

fn unknown_peer() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown peer" }))).into_response()
}

//! The initiator role over WebSocket (pushpull §7.1): the reference asks for
//! an upgrade at the peer's endpoint URL (AMB-01 reading (a)), offering the
//! `pushpull` subprotocol. Named in the reply, the socket carries every
//! Communication Object from then on, both ways, until it closes (§7.1);
//! not named, the socket is closed unused (§7.1.1) and the reference falls
//! back to an HTTP request (§7.1: MAY).

use crate::fault::Fault;
use crate::initiator;
use crate::key_refresh::{Who, learn_keys, set_tokens};
use crate::peers::Endpoint;
use crate::state::{App, Reason};
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};

/// The registered subprotocol name (pushpull §14).
const SUBPROTOCOL: &str = "pushpull";
/// Longest the handshake may take, connection included.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest handshake reply head the reference reads.
const MAX_HEAD: usize = 16 * 1024;
/// Largest message the reference reads.
const MAX_MESSAGE: usize = 4 * 1024 * 1024;
/// A socket with no message for this long is closed.
const IDLE: Duration = Duration::from_secs(60);
/// Longest one message may take to go out.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}
type Socket = WebSocketStream<Box<dyn Io>>;

/// Delivers to the peer over its pushpull socket, opening one if none is live.
pub async fn deliver(app: &Arc<App>, peer_id: &str, reason: Reason) {
    let fault = app.fault;
    // §7.1 (PP-WS-002): the initiator may propose the upgrade; the fault never does.
    if fault == Some(Fault::NoWebSocket) {
        return initiator::exchange(app, peer_id, reason).await;
    }
    if let Some(kick) = app.socket_to(peer_id) {
        // The fault sends SETs by HTTP; a request for nothing new (acks only) still goes on
        // the socket, after what the socket already carried, as it does without the fault.
        if fault == Some(Fault::WsHttpOnLiveSocket) && (reason == Reason::Retry || has_new_sets(app, peer_id)) {
            return initiator::exchange(app, peer_id, reason).await;
        }
        if kick.send(reason).is_ok() {
            return;
        }
    }
    let Some((endpoint, idle)) =
        app.peers.with_id(peer_id, |p| (p.endpoint.clone(), p.outbox.is_empty() && p.owed.is_empty()))
    else {
        return;
    };
    let Some(endpoint) = endpoint else { return };
    // A retry with nothing outstanding does not open a socket; §12.2: TLS only.
    if (reason == Reason::Retry && idle)
        || (!endpoint.url.starts_with("https://") && fault != Some(Fault::InitiateCleartext))
    {
        return;
    }
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, open(&endpoint, fault)).await {
        Ok(Ok((named, socket))) if named || fault == Some(Fault::WsIgnoreSubprotocol) => {
            let (kick, kicks) = mpsc::unbounded_channel();
            let _ = kick.send(reason);
            app.keep_socket(peer_id, kick);
            tokio::spawn(session(app.clone(), peer_id.to_owned(), socket, kicks));
        }
        Ok(Ok((_, mut socket))) => {
            let close = CloseFrame { code: CloseCode::Protocol, reason: "pushpull was not agreed".into() };
            let _ = tokio::time::timeout(SEND_TIMEOUT, socket.close(Some(close))).await;
            fall_back(app, peer_id, reason).await;
        }
        Ok(Err(_)) | Err(_) => fall_back(app, peer_id, reason).await,
    }
}

/// §7.1 (PP-WS-008): without a pushpull socket, the SETs go by an HTTP request.
async fn fall_back(app: &Arc<App>, peer_id: &str, reason: Reason) {
    if app.fault != Some(Fault::WsNoHttpFallback) {
        initiator::exchange(app, peer_id, reason).await;
    }
}

/// The socket's life: send when asked to, take in every message, and answer
/// what a message carried at once (§9: promptly).
async fn session(app: Arc<App>, peer_id: String, mut socket: Socket, mut kicks: mpsc::UnboundedReceiver<Reason>) {
    let fault = app.fault;
    let mut stopped = app.stopped.clone();
    loop {
        tokio::select! {
            // Messages first: an ack already on the wire is taken in before the next delivery.
            biased;
            _ = stopped.changed() => break,
            next = tokio::time::timeout(IDLE, socket.next()) => {
                let payload = match next {
                    Ok(Some(Ok(Message::Text(t)))) => t.as_bytes().to_vec(),
                    Ok(Some(Ok(Message::Binary(b)))) => b.to_vec(),
                    Ok(Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)))) => continue,
                    _ => break,
                };
                let Ok(object @ Value::Object(_)) = serde_json::from_slice::<Value>(&payload) else {
                    // RFC 6455 §7.4.1: a message that is not a Communication Object.
                    let close = CloseFrame { code: CloseCode::Invalid, reason: "not a Communication Object".into() };
                    let _ = tokio::time::timeout(SEND_TIMEOUT, socket.close(Some(close))).await;
                    break;
                };
                if let Value::Object(members) = &object {
                    learn_keys(&app, Who::Id(&peer_id), set_tokens(members)).await;
                }
                if let Some(checked) = initiator::check_sets(&app, &peer_id, &object) {
                    let profile = app.set_profile;
                    app.peers.with_id(&peer_id, |p| initiator::absorb_object(p, &object, checked, fault, profile));
                }
                if !send(&app, &peer_id, &mut socket, Reason::Retry).await {
                    break;
                }
            }
            kick = kicks.recv() => {
                let Some(reason) = kick else { break };
                if !send(&app, &peer_id, &mut socket, reason).await {
                    break;
                }
            }
        }
    }
    drop(kicks);
    app.drop_socket(&peer_id);
}

/// Whether the peer has SETs queued that never went out.
fn has_new_sets(app: &App, peer_id: &str) -> bool {
    app.peers.with_id(peer_id, |p| p.outbox.iter().any(|o| o.last_sent.is_none())).unwrap_or(false)
}

/// Sends what the peer is due, if anything; false when the socket failed.
async fn send(app: &Arc<App>, peer_id: &str, socket: &mut Socket, reason: Reason) -> bool {
    let fault = app.fault;
    let interval = Some(app.retry_interval);
    let Some(prepared) = app.peers.with_id(peer_id, |p| initiator::prepare(p, reason, fault, interval)).flatten()
    else {
        return true;
    };
    let text = prepared.body.to_string();
    let message = if fault == Some(Fault::WsBinaryFrames) {
        Message::Binary(text.into_bytes().into())
    } else {
        Message::Text(text.into())
    };
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await {
        Ok(Ok(())) => true,
        _ => {
            app.peers.with_id(peer_id, |p| initiator::restore(p, &prepared, fault));
            false
        }
    }
}

/// The opening handshake (RFC 6455 §4.1), written and read here so that a
/// reply without the subprotocol still yields the socket; returns whether the
/// reply named `pushpull`.
async fn open(endpoint: &Endpoint, fault: Option<Fault>) -> Result<(bool, Socket), String> {
    // §8.2: the credentials come from the endpoint's metadata when it has some.
    let token = crate::resource_auth::bearer(endpoint, fault).await.map_err(|e| e.0)?;
    let url = reqwest::Url::parse(&endpoint.url).map_err(|e| e.to_string())?;
    let host = url.host_str().ok_or("no host")?.trim_matches(['[', ']']).to_owned();
    let secure = url.scheme() == "https";
    let port = url.port_or_known_default().ok_or("no port")?;
    let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(|e| e.to_string())?;
    let mut io: Box<dyn Io> = if secure {
        let config = client_config(endpoint.ca_pem.as_deref(), fault)?;
        let name = ServerName::try_from(host.clone()).map_err(|e| e.to_string())?;
        Box::new(TlsConnector::from(config).connect(name, tcp).await.map_err(|e| e.to_string())?)
    } else {
        Box::new(tcp)
    };
    let key = base64::engine::general_purpose::STANDARD.encode(nonce());
    let authority = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    let mut head = format!(
        "GET {} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n",
        url.path()
    );
    if fault != Some(Fault::WsOfferMissing) {
        head.push_str(&format!("Sec-WebSocket-Protocol: {SUBPROTOCOL}\r\n"));
    }
    if let Some(token) = &token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    head.push_str("\r\n");
    io.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;

    let mut buf = Vec::new();
    let end = loop {
        let mut chunk = [0u8; 2048];
        let n = io.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed during the handshake".into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err("handshake reply too long".into());
        }
    };
    let reply = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = reply.split("\r\n");
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or_default();
    if status != "101" {
        return Err(format!("handshake refused with {status}"));
    }
    let header = |name: &str| {
        reply
            .split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    if header("sec-websocket-accept") != Some(derive_accept_key(key.as_bytes())) {
        return Err("wrong Sec-WebSocket-Accept".into());
    }
    let named = header("sec-websocket-protocol").as_deref() == Some(SUBPROTOCOL);
    let config = WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE)).max_frame_size(Some(MAX_MESSAGE));
    let socket = WebSocketStream::from_partially_read(io, buf[end..].to_vec(), Role::Client, Some(config)).await;
    Ok((named, socket))
}

/// A client that trusts only the CA the peer named (§8.1).
fn client_config(ca_pem: Option<&str>, fault: Option<Fault>) -> Result<Arc<ClientConfig>, String> {
    let pem = ca_pem.ok_or("the peer named no CA for its endpoint")?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    // §8.2: the certificate named at registration, for a peer that verifies initiators by mutual TLS.
    let config = if fault == Some(Fault::InitiateWithoutClientCertificate) {
        builder.with_no_client_auth()
    } else {
        let chain = CertificateDer::pem_slice_iter(crate::keys::CLIENT_CERTIFICATE.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let key = PrivateKeyDer::from_pem_slice(crate::keys::CLIENT_KEY.as_bytes()).map_err(|e| e.to_string())?;
        builder.with_client_auth_cert(chain, key).map_err(|e| e.to_string())?
    };
    Ok(Arc::new(config))
}

/// Sixteen bytes for Sec-WebSocket-Key: it need only differ per handshake.
fn nonce() -> [u8; 16] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&t.to_le_bytes());
    out[8..].copy_from_slice(&n.to_le_bytes());
    out
}

//! A TLS listener for axum (pushpull §4: the endpoint is TLS-only), shared by
//! the reference transceiver and the harness's own endpoint for initiator SUTs.
//!
//! Handshakes run in their own tasks, each bounded by a timeout, so a slow or
//! hostile client cannot hold up the others. Transport only: this crate judges
//! nothing, so sharing it does not let a bug in the judging code hide itself
//! behind the same bug in the reference.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::client::danger::HandshakeSignatureValid;
use tokio_rustls::rustls::pki_types::UnixTime;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use tokio_rustls::rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use tokio_rustls::server::TlsStream;

/// Longest a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections whose handshake finished and that wait to be served.
const BACKLOG: usize = 64;
/// First byte of a TLS handshake record.
const TLS_HANDSHAKE: u8 = 0x16;

/// Builds a server configuration from a PEM certificate chain and key.
pub fn server_config(chain_pem: &[u8], key_pem: &[u8]) -> io::Result<Arc<ServerConfig>> {
    server_config_for(chain_pem, key_pem, false)
}

/// As `server_config`; with `tls13_only`, TLS 1.2 handshakes fail.
pub fn server_config_for(chain_pem: &[u8], key_pem: &[u8], tls13_only: bool) -> io::Result<Arc<ServerConfig>> {
    let chain = CertificateDer::pem_slice_iter(chain_pem).collect::<Result<Vec<_>, _>>().map_err(io::Error::other)?;
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(io::Error::other)?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let builder = ServerConfig::builder_with_provider(provider);
    let builder = if tls13_only {
        builder.with_protocol_versions(&[&tokio_rustls::rustls::version::TLS13])
    } else {
        builder.with_safe_default_protocol_versions()
    };
    let mut config = builder
        .map_err(io::Error::other)?
        .with_client_cert_verifier(Arc::new(OptionalClientCertificate::new()))
        .with_single_cert(chain, key)
        .map_err(io::Error::other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Asks every client for a certificate and takes whatever it presents, or
/// none: which certificate identifies which peer is for the application to
/// judge (`ClientCertificate`). The handshake still proves the client holds
/// the certificate's key.
#[derive(Debug)]
struct OptionalClientCertificate {
    algorithms: tokio_rustls::rustls::crypto::WebPkiSupportedAlgorithms,
}

impl OptionalClientCertificate {
    fn new() -> Self {
        let provider = tokio_rustls::rustls::crypto::aws_lc_rs::default_provider();
        OptionalClientCertificate { algorithms: provider.signature_verification_algorithms }
    }
}

impl ClientCertVerifier for OptionalClientCertificate {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, tokio_rustls::rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        tokio_rustls::rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        tokio_rustls::rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The certificate the client presented on a connection, if any (DER), for
/// handlers: `Router::into_make_service_with_connect_info::<ClientCertificate>()`.
#[derive(Debug, Clone, Default)]
pub struct ClientCertificate {
    /// Whether the connection is TLS at all (a cleartext one only under a fault).
    pub over_tls: bool,
    pub der: Option<Arc<Vec<u8>>>,
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>> for ClientCertificate {
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> Self {
        let over_tls = matches!(stream.io(), Conn::Tls(_));
        ClientCertificate { over_tls, der: stream.io().client_certificate().map(Arc::new) }
    }
}

/// A TLS connection, or (only when cleartext is allowed) a plain one.
pub enum Conn {
    Tls(Box<TlsStream<TcpStream>>),
    Plain(TcpStream),
}

/// Accepts TCP connections and completes their TLS handshakes.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(Conn, SocketAddr)>,
}

impl TlsListener {
    /// Listens on `listener`. With `allow_cleartext`, a connection that does not
    /// start a TLS handshake is served in the clear (a deliberate fault).
    pub fn new(listener: TcpListener, config: Arc<ServerConfig>, allow_cleartext: bool) -> io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let acceptor = TlsAcceptor::from(config);
        let (tx, ready) = mpsc::channel(BACKLOG);
        tokio::spawn(async move {
            loop {
                // Ends when the server (the receiving side) is gone, freeing the port.
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = tx.closed() => break,
                };
                let Ok((tcp, peer)) = accepted else { continue };
                // Small writes (a WebSocket frame, an answer) go at once, not after the
                // peer's delayed acknowledgement (Nagle's algorithm).
                let _ = tcp.set_nodelay(true);
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let conn =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake(tcp, &acceptor, allow_cleartext)).await;
                    if let Ok(Ok(conn)) = conn {
                        let _ = tx.send((conn, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener { local, ready })
    }
}

async fn handshake(tcp: TcpStream, acceptor: &TlsAcceptor, allow_cleartext: bool) -> io::Result<Conn> {
    if allow_cleartext {
        let mut first = [0u8; 1];
        tcp.peek(&mut first).await?;
        if first[0] != TLS_HANDSHAKE {
            return Ok(Conn::Plain(tcp));
        }
    }
    Ok(Conn::Tls(Box::new(acceptor.accept(tcp).await?)))
}

impl Conn {
    /// The end-entity certificate the client presented (DER), if any.
    pub fn client_certificate(&self) -> Option<Vec<u8>> {
        match self {
            Conn::Tls(s) => s.get_ref().1.peer_certificates()?.first().map(|c| c.to_vec()),
            Conn::Plain(_) => None,
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accept task only ends with the process; wait for shutdown.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

impl AsyncRead for Conn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

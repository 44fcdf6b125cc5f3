//! The WebSocket side of the wire (pushpull §7): an opening handshake the
//! harness writes and reads itself, bounded in size and time, so the
//! transcript holds exactly what the SUT answered, then a socket for frames.

use super::client::{Outgoing, WireError};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// The registered subprotocol name (pushpull §14).
pub const SUBPROTOCOL: &str = "pushpull";
/// Largest handshake response head the harness reads.
const MAX_HEAD: usize = 16 * 1024;
/// What a socket reads into at first (the library's default is 128 KiB).
const READ_BUFFER: usize = 8 * 1024;
/// Largest message the harness reads from a socket.
pub const MAX_MESSAGE: usize = 4 * 1024 * 1024;

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type Socket = WebSocketStream<Box<dyn Io>>;

/// What the SUT answered to the opening handshake.
#[derive(Debug, Clone)]
pub struct HandshakeAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl HandshakeAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The opening handshake request for `url` (ws, wss, http or https).
pub fn handshake_request(
    url: &str,
    protocols: &[String],
    token: Option<&str>,
    key: &str,
) -> Result<Outgoing, WireError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| WireError::Other(format!("{url}: {e}")))?;
    let host = parsed.host_str().ok_or_else(|| WireError::Other(format!("{url}: no host")))?;
    let authority = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    let mut headers = vec![
        ("Host".to_owned(), authority),
        ("Upgrade".to_owned(), "websocket".to_owned()),
        ("Connection".to_owned(), "Upgrade".to_owned()),
        ("Sec-WebSocket-Key".to_owned(), key.to_owned()),
        ("Sec-WebSocket-Version".to_owned(), "13".to_owned()),
    ];
    if !protocols.is_empty() {
        headers.push(("Sec-WebSocket-Protocol".to_owned(), protocols.join(", ")));
    }
    if let Some(t) = token {
        headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
    }
    Ok(Outgoing { method: "GET".into(), url: url.to_owned(), headers, body: Vec::new() })
}

/// Performs the handshake; on `101` the socket is returned for frames.
pub async fn connect(
    req: &Outgoing,
    roots_pem: Option<&[u8]>,
    timeout: Duration,
) -> Result<(HandshakeAnswer, Option<Socket>), WireError> {
    match tokio::time::timeout(timeout, connect_unbounded(req, roots_pem)).await {
        Ok(r) => r,
        Err(_) => Err(WireError::Timeout(timeout.as_millis())),
    }
}

async fn connect_unbounded(
    req: &Outgoing,
    roots_pem: Option<&[u8]>,
) -> Result<(HandshakeAnswer, Option<Socket>), WireError> {
    let url = reqwest::Url::parse(&req.url).map_err(|e| WireError::Other(e.to_string()))?;
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
    let secure = matches!(url.scheme(), "wss" | "https");
    let port = url.port().unwrap_or(if secure { 443 } else { 80 });
    let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(|e| WireError::Connect(e.to_string()))?;
    // A frame goes at once, not after the peer's delayed acknowledgement (Nagle's algorithm).
    let _ = tcp.set_nodelay(true);
    let mut io: Box<dyn Io> = if secure {
        let config = client_config(roots_pem)?;
        let name = ServerName::try_from(host.clone()).map_err(|e| WireError::Other(e.to_string()))?;
        let tls = TlsConnector::from(config).connect(name, tcp).await.map_err(|e| WireError::Connect(e.to_string()))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut head = format!("GET {path} HTTP/1.1\r\n");
    for (n, v) in &req.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    io.write_all(head.as_bytes()).await.map_err(|e| WireError::Other(e.to_string()))?;

    let mut buf = Vec::new();
    let end = loop {
        let mut chunk = [0u8; 2048];
        let n = io.read(&mut chunk).await.map_err(|e| WireError::Other(e.to_string()))?;
        if n == 0 {
            return Err(WireError::Other("the connection closed during the handshake".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(WireError::Other(format!("handshake answer longer than {MAX_HEAD} bytes")));
        }
    };
    let answer = parse_head(&buf[..end])?;
    if answer.status != 101 {
        return Ok((answer, None));
    }
    // A small read buffer, grown for larger messages: a bench holds a thousand sockets open.
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
        .read_buffer_size(READ_BUFFER);
    let socket = WebSocketStream::from_partially_read(io, buf[end..].to_vec(), Role::Client, Some(config)).await;
    Ok((answer, Some(socket)))
}

fn parse_head(head: &[u8]) -> Result<HandshakeAnswer, WireError> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| WireError::Other(format!("not an HTTP status line: {status_line:?}")))?;
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    Ok(HandshakeAnswer { status, headers })
}

fn client_config(roots_pem: Option<&[u8]>) -> Result<Arc<ClientConfig>, WireError> {
    let pem =
        roots_pem.ok_or_else(|| WireError::Other("wss needs the SUT's CA: set tls.ca_file in sut.yaml".into()))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        roots.add(cert.map_err(|e| WireError::Other(e.to_string()))?).map_err(|e| WireError::Other(e.to_string()))?;
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| WireError::Other(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_heads_parse_and_garbage_does_not() {
        let a = parse_head(b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Protocol: pushpull\r\n\r\n").unwrap();
        assert_eq!(a.status, 101);
        assert_eq!(a.header("sec-websocket-protocol"), Some("pushpull"));
        assert!(parse_head(b"\x00\x01 nonsense\r\n\r\n").is_err());
    }
}

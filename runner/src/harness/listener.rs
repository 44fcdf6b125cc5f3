//! What every listener of the harness shares: how it is served (TLS with
//! the run's certificates, or in the clear), the private path segment that
//! keeps its URLs unguessable, and the public URL it is reached at.

use super::pki::{HarnessPki, Presented};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::TcpListener;

/// How the endpoint is served (the certificates come from the run's `HarnessPki`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TLS with the harness's certificate, which chains to the run's CA.
    Tls,
    /// TLS with a self-signed certificate that chains to nothing the SUT was given.
    UntrustedTls,
    /// TLS with a certificate from a trusted CA for another host name.
    WrongNameTls,
    /// TLS with a certificate from a trusted CA that has expired.
    ExpiredTls,
    /// Plain HTTP.
    Cleartext,
}

/// Serves `listener` over TLS with the certificate `transport` names.
pub fn tls_listener(
    listener: TcpListener,
    pki: &HarnessPki,
    transport: Transport,
) -> std::io::Result<setconform_tls::TlsListener> {
    let presented = match transport {
        Transport::UntrustedTls => Presented::SelfSigned,
        Transport::WrongNameTls => Presented::WrongName,
        Transport::ExpiredTls => Presented::Expired,
        Transport::Tls | Transport::Cleartext => Presented::Harness,
    };
    let identity = pki.identity(presented);
    let config = setconform_tls::server_config(identity.chain_pem.as_bytes(), identity.key_pem.as_bytes())?;
    setconform_tls::TlsListener::new(listener, config, false)
}

/// Serves `router` on `listener` over TLS with the harness's certificate until
/// the returned sender drops.
pub fn serve_tls(
    listener: TcpListener,
    pki: &HarnessPki,
    router: axum::Router,
) -> std::io::Result<tokio::sync::watch::Sender<bool>> {
    let listener = tls_listener(listener, pki, Transport::Tls)?;
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.changed().await;
        };
        axum::serve(listener, router).with_graceful_shutdown(shutdown).await
    });
    Ok(stop)
}

/// A URL path segment no one can guess (128 random bits, hex), so that a URL
/// is only known to whom the harness gave it.
pub fn private_segment() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: still distinct per call within this process.
        use std::hash::{BuildHasher, Hasher};
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(CALLS.fetch_add(1, Ordering::SeqCst));
        hasher.write_u128(std::time::SystemTime::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_nanos()));
        bytes[..8].copy_from_slice(&hasher.finish().to_be_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The URL the SUT is told for `path` on a harness listener at `addr`: under
/// `public_base` (with `{port}` filled in) when the SUT reaches the harness another way.
pub fn public_url(public_base: Option<&str>, scheme: &str, addr: SocketAddr, path: &str) -> String {
    let base = match public_base {
        Some(b) => b.replace("{port}", &addr.port().to_string()).trim_end_matches('/').to_owned(),
        None => format!("{scheme}://{addr}"),
    };
    format!("{base}{path}")
}

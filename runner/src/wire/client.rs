//! One HTTP exchange with every read bounded in size and time.

use std::time::Duration;

/// Limits applied to every exchange.
#[derive(Debug, Clone, Copy)]
pub struct WireLimits {
    pub connect: Duration,
    /// Most bytes read of a response body; the rest is left unread.
    pub max_body: usize,
    /// Accept any certificate from the SUT (`--insecure`; the run is not certifiable).
    pub insecure: bool,
}

impl Default for WireLimits {
    fn default() -> Self {
        WireLimits { connect: Duration::from_secs(2), max_body: 4 * 1024 * 1024, insecure: false }
    }
}

#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Observed {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
}

impl Observed {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum WireError {
    #[error("no response within {0} ms")]
    Timeout(u128),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("{0}")]
    Other(String),
}

/// How one exchange's connection departs from the usual one, to probe the SUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPin {
    /// TLS 1.2 and nothing newer.
    Tls12,
    /// No client certificate, when the SUT asks for one.
    NoClientCertificate,
    /// A client certificate the SUT was never told of.
    StrangerClientCertificate,
}

/// The certificates the harness may present as a TLS client (PEM: certificate and key).
pub struct ClientCertificates<'a> {
    /// Its own, named to the SUT at registration.
    pub harness: &'a str,
    /// One the SUT was never told of.
    pub stranger: &'a str,
}

/// A shared HTTP client; cheap to clone.
#[derive(Clone)]
pub struct Wire {
    client: reqwest::Client,
    /// The same client held to TLS 1.2.
    tls12: reqwest::Client,
    /// The same client with no client certificate, and with a stranger's.
    anonymous: reqwest::Client,
    stranger: reqwest::Client,
    limits: WireLimits,
}

impl Wire {
    pub fn new(
        limits: WireLimits,
        extra_roots_pem: Option<&[u8]>,
        certificates: Option<ClientCertificates<'_>>,
    ) -> Result<Wire, WireError> {
        let (harness, stranger) = match &certificates {
            Some(c) => (Some(c.harness), Some(c.stranger)),
            None => (None, None),
        };
        let client = Wire::client(&limits, extra_roots_pem, None, harness)?;
        let tls12 = Wire::client(&limits, extra_roots_pem, Some(reqwest::tls::Version::TLS_1_2), harness)?;
        let anonymous = Wire::client(&limits, extra_roots_pem, None, None)?;
        let stranger = Wire::client(&limits, extra_roots_pem, None, stranger)?;
        Ok(Wire { client, tls12, anonymous, stranger, limits })
    }

    fn client(
        limits: &WireLimits,
        extra_roots_pem: Option<&[u8]>,
        max_tls: Option<reqwest::tls::Version>,
        identity_pem: Option<&str>,
    ) -> Result<reqwest::Client, WireError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(limits.connect)
            // A redirect is an answer to judge, not to follow.
            .redirect(reqwest::redirect::Policy::none())
            // A fresh connection per exchange: a pooled one that the SUT closed in the
            // meantime would turn into a spurious ERROR, and no verdict may hang on that race.
            .pool_max_idle_per_host(0)
            .tls_danger_accept_invalid_certs(limits.insecure)
            .no_proxy();
        if let Some(pem) = extra_roots_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| WireError::Other(e.to_string()))?;
            builder = builder.tls_certs_merge(certs);
        }
        if let Some(version) = max_tls {
            builder = builder.max_tls_version(version);
        }
        if let Some(pem) = identity_pem {
            let identity = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| WireError::Other(e.to_string()))?;
            builder = builder.identity(identity);
        }
        builder.build().map_err(|e| WireError::Other(e.to_string()))
    }

    /// Sends `req` and reads the response, all within `deadline`.
    pub async fn exchange(&self, req: &Outgoing, deadline: Duration) -> Result<Observed, WireError> {
        self.exchange_pinned(req, deadline, None).await
    }

    /// As `exchange`, over a connection held to `pin` when one is given.
    pub async fn exchange_pinned(
        &self,
        req: &Outgoing,
        deadline: Duration,
        pin: Option<TlsPin>,
    ) -> Result<Observed, WireError> {
        let client = match pin {
            Some(TlsPin::Tls12) => &self.tls12,
            Some(TlsPin::NoClientCertificate) => &self.anonymous,
            Some(TlsPin::StrangerClientCertificate) => &self.stranger,
            None => &self.client,
        };
        match tokio::time::timeout(deadline, self.exchange_unbounded(client, req)).await {
            Ok(result) => result,
            Err(_) => Err(WireError::Timeout(deadline.as_millis())),
        }
    }

    async fn exchange_unbounded(&self, client: &reqwest::Client, req: &Outgoing) -> Result<Observed, WireError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| WireError::Other(e.to_string()))?;
        let mut builder = client.request(method, &req.url).body(req.body.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let mut resp = builder.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        // Sized once from Content-Length (up to the cap), not by doubling: less to copy, less to hold.
        let announced = resp.content_length().unwrap_or(0).min(self.limits.max_body as u64) as usize;
        let mut body = Vec::with_capacity(announced);
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            let room = self.limits.max_body - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Observed { status, headers, body, truncated })
    }
}

fn classify(e: reqwest::Error) -> WireError {
    // The URL may carry a credential (RFC 6750 §2.3); the caller names the request itself.
    let e = e.without_url();
    if e.is_timeout() {
        WireError::Timeout(0)
    } else if e.is_connect() {
        WireError::Connect(error_chain(&e))
    } else {
        WireError::Other(error_chain(&e))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

//! Push, multi-SET push and pushpull over HTTP: one request per batch on a
//! keep-alive connection of its own.

use super::{Failure, Reply, read_answers, sets_body};
use setconform_reports::bench::Binding;
use std::time::Duration;

/// How long one request may take before its SETs count as unanswered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection's client.
pub struct HttpSender {
    client: reqwest::Client,
    binding: Binding,
    url: String,
    authorization: Option<String>,
}

impl HttpSender {
    pub fn new(
        binding: Binding,
        url: &str,
        token: Option<&str>,
        roots_pem: Option<&[u8]>,
        insecure: bool,
    ) -> Result<HttpSender, String> {
        Ok(HttpSender {
            client: client(roots_pem, insecure, REQUEST_TIMEOUT)?,
            binding,
            url: url.to_owned(),
            authorization: token.map(|t| format!("Bearer {t}")),
        })
    }

    /// Sends `sets` (one for push) and reads what the SUT said of each.
    pub async fn send(&self, sets: &[(String, &str)]) -> Result<Reply, Failure> {
        let (content_type, body) = match self.binding {
            // RFC 8935 §2: the SET itself is the body.
            Binding::Push => ("application/secevent+jwt", sets.first().map_or(String::new(), |s| s.1.to_owned())),
            Binding::Msp => ("application/secevents+json", sets_body(sets)),
            _ => ("application/json", sets_body(sets)),
        };
        let mut request = self.client.post(&self.url).header("Content-Type", content_type).body(body);
        if let Some(auth) = &self.authorization {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(classify)?;
        Ok(self.read(status, &body, sets))
    }

    /// A request with no SETs, for what the SUT still owes: pushpull answers may
    /// acknowledge in a later response (pushpull §5), and a multi-SET push
    /// recipient may too; `sets` may be empty in both. Push has no such request.
    pub async fn collect(&self) -> Result<Reply, Failure> {
        if self.binding == Binding::Push {
            return Ok(Reply::default());
        }
        self.send(&[]).await
    }

    fn read(&self, status: u16, body: &[u8], sets: &[(String, &str)]) -> Reply {
        let all_refused = |code: String| Reply {
            acked: Vec::new(),
            refused: sets.iter().map(|(jti, _)| (jti.clone(), code.clone())).collect(),
        };
        match (self.binding, status) {
            // RFC 8935 §2.2: 202 takes the SET; §2.3: 400 with an `err` code refuses it.
            (Binding::Push, 200..=299) => Reply { acked: sets.iter().map(|s| s.0.clone()).collect(), refused: vec![] },
            (Binding::Push, 400) => {
                let code = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| v.get("err").and_then(|e| e.as_str()).map(str::to_owned))
                    .unwrap_or_else(|| "http-400".into());
                all_refused(code)
            }
            (_, 200..=299) => read_answers(body).unwrap_or_else(|| all_refused("unreadable-answer".into())),
            (_, status) => all_refused(format!("http-{status}")),
        }
    }
}

/// One keep-alive HTTP/1.1 connection's client: redirects are answers, not followed.
pub fn client(roots_pem: Option<&[u8]>, insecure: bool, timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(1)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .tls_danger_accept_invalid_certs(insecure)
        .no_proxy();
    if let Some(pem) = roots_pem {
        builder = builder.tls_certs_merge(reqwest::Certificate::from_pem_bundle(pem).map_err(|e| e.to_string())?);
    }
    builder.build().map_err(|e| e.to_string())
}

fn classify(e: reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else {
        Failure::Closed
    }
}

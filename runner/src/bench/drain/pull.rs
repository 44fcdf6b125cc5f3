//! The harness asking a transmitting SUT for its SETs: RFC 8936 polls
//! (`maxEvents`, `returnImmediately`, `ack`, §2.4), pushpull requests over HTTP
//! or messages on a WebSocket (`maxResponseEvents`, `ack`, pushpull §5, §6.1).
//! Each request acknowledges what the last one brought. One connection asks:
//! two pollers of one stream would each be handed what the other has not
//! acknowledged yet.

use super::inbox::Inbox;
use crate::bench::driver::{Failure, ws};
use futures_util::FutureExt;
use serde_json::{Map, Value, json};
use setconform_reports::bench::Binding;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one request may take (a poll may be held, RFC 8936 §2.5).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The pause after an answer with no SETs, where the SUT does not hold requests.
const IDLE_PAUSE: Duration = Duration::from_millis(5);

/// Where and how to ask.
pub struct Pull {
    pub binding: Binding,
    pub url: String,
    pub token: Option<String>,
    pub roots_pem: Option<Vec<u8>>,
    pub insecure: bool,
    /// SETs asked for per request.
    pub batch: usize,
}

/// Asks for SETs until `queued_all` is set and nothing is owed, or `until` passes
/// after that; every failure is counted under its kind in `errors`.
pub async fn run(
    pull: &Pull,
    mut asker: Asker,
    inbox: Arc<Inbox>,
    queued_all: Arc<AtomicBool>,
    grace: Duration,
    stop: Arc<crate::bench::stop::Stop>,
    failed: impl Fn(&Failure),
) -> Result<(), String> {
    let mut ack: Vec<String> = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let done_queueing = queued_all.load(Ordering::Acquire);
        if done_queueing && deadline.is_none() {
            deadline = Some(Instant::now() + grace);
        }
        let owed = inbox.outstanding() > 0;
        let over = deadline.is_some_and(|d| Instant::now() >= d) || stop.asked();
        if (done_queueing && !owed && ack.is_empty()) || (over && ack.is_empty()) {
            break;
        }
        // What the SUT sent unasked (on a WebSocket) is taken, and acknowledged now.
        for (jti, token) in asker.unasked() {
            inbox.arrived(&jti, &token);
            ack.push(jti);
        }
        // RFC 8936 §2.4: when nothing more is wanted, the last poll only acknowledges.
        let hold = owed && !over && pull.binding == Binding::Poll;
        let body = request(pull.binding, std::mem::take(&mut ack), if over { 0 } else { pull.batch }, hold);
        match asker.ask(body).await {
            Ok(sets) => {
                let empty = sets.is_empty();
                for (jti, token) in sets {
                    inbox.arrived(&jti, &token);
                    ack.push(jti);
                }
                if empty && !hold {
                    tokio::time::sleep(IDLE_PAUSE).await;
                }
            }
            Err(failure) => {
                failed(&failure);
                tokio::time::sleep(IDLE_PAUSE * 20).await;
                asker = match Asker::open(pull).await {
                    Ok(a) => a,
                    Err(_) if over => break,
                    Err(_) => continue,
                };
            }
        }
    }
    asker.close().await;
    Ok(())
}

/// The request body: acknowledgements, and how many SETs are wanted.
fn request(binding: Binding, ack: Vec<String>, want: usize, hold: bool) -> String {
    let mut body = Map::new();
    body.insert("ack".into(), json!(ack));
    match binding {
        Binding::Poll => {
            body.insert("maxEvents".into(), json!(want));
            body.insert("returnImmediately".into(), json!(!hold));
        }
        _ => {
            body.insert("maxResponseEvents".into(), json!(want));
        }
    }
    Value::Object(body).to_string()
}

/// The SETs of an answer, `sets` object (RFC 8936 §2.5, pushpull §5).
fn sets_of(body: &[u8]) -> Result<Vec<(String, String)>, Failure> {
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else {
        return Err(Failure::Protocol);
    };
    Ok(match answer.get("sets") {
        Some(Value::Object(sets)) => {
            sets.iter().map(|(jti, t)| (jti.clone(), t.as_str().unwrap_or_default().to_owned())).collect()
        }
        _ => Vec::new(),
    })
}

/// A connection that asks for SETs: opened before the first queue call, so a
/// WebSocket session starts with nothing owed.
pub enum Asker {
    Http { client: reqwest::Client, url: String, authorization: Option<String> },
    Ws { sender: ws::WsSender, answers: ws::WsAnswersRaw },
}

impl Asker {
    pub async fn open(pull: &Pull) -> Result<Asker, String> {
        if pull.binding == Binding::PushpullWs {
            let (sender, answers) = ws::open(&pull.url, pull.token.as_deref(), pull.roots_pem.as_deref())
                .await
                .map_err(|f| format!("cannot open a pushpull WebSocket at {}: {}", pull.url, f.kind()))?;
            return Ok(Asker::Ws { sender, answers: answers.raw() });
        }
        let client = crate::bench::driver::http::client(pull.roots_pem.as_deref(), pull.insecure, REQUEST_TIMEOUT)?;
        Ok(Asker::Http {
            client,
            url: pull.url.clone(),
            authorization: pull.token.as_ref().map(|t| format!("Bearer {t}")),
        })
    }

    async fn ask(&mut self, body: String) -> Result<Vec<(String, String)>, Failure> {
        match self {
            Asker::Http { client, url, authorization } => {
                let mut request = client.post(url.as_str()).header("Content-Type", "application/json").body(body);
                if let Some(auth) = authorization {
                    request = request.header("Authorization", auth.as_str());
                }
                let response = request
                    .send()
                    .await
                    .map_err(|e| if e.is_timeout() { Failure::Timeout } else { Failure::Closed })?;
                if !response.status().is_success() {
                    return Err(Failure::Protocol);
                }
                let bytes = response.bytes().await.map_err(|_| Failure::Closed)?;
                sets_of(&bytes)
            }
            Asker::Ws { sender, answers } => {
                sender.send_text(body).await?;
                let text = tokio::time::timeout(REQUEST_TIMEOUT, answers.next_text())
                    .await
                    .map_err(|_| Failure::Timeout)?
                    .ok_or(Failure::Closed)?;
                sets_of(text.as_bytes())
            }
        }
    }

    /// SETs of messages that came without a request of the harness waiting for
    /// them (pushpull §7: either side may send on a socket at any time), or an
    /// answer to an earlier request that another message was taken for: reading
    /// them before each request keeps every answer paired with its request.
    fn unasked(&mut self) -> Vec<(String, String)> {
        let Asker::Ws { answers, .. } = self else { return Vec::new() };
        let mut sets = Vec::new();
        while let Some(Some(text)) = answers.next_text().now_or_never() {
            sets.extend(sets_of(text.as_bytes()).unwrap_or_default());
        }
        sets
    }

    async fn close(self) {
        if let Asker::Ws { sender, .. } = self {
            sender.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_acknowledges_and_asks_and_an_answer_yields_its_sets() {
        let poll = request(Binding::Poll, vec!["a".into()], 50, true);
        assert_eq!(poll, r#"{"ack":["a"],"maxEvents":50,"returnImmediately":false}"#);
        let pushpull = request(Binding::PushpullHttp, vec![], 10, false);
        assert_eq!(pushpull, r#"{"ack":[],"maxResponseEvents":10}"#);
        assert_eq!(sets_of(br#"{"sets":{"j":"t"},"moreAvailable":true}"#).unwrap(), [("j".into(), "t".into())]);
        assert_eq!(sets_of(b"{}").unwrap(), []);
        assert!(sets_of(b"nope").is_err());
    }
}

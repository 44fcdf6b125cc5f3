//! Pushpull on a WebSocket (pushpull §7): one connection per stream, a message
//! per batch, answers read as they come on a task of their own.

use super::{Failure, Reply, read_answers, sets_body};
use crate::wire::websocket::{self, SUBPROTOCOL, Socket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How long the opening handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The sending half of a stream.
pub struct WsSender {
    sink: SplitSink<Socket, Message>,
}

/// The receiving half: every answer the SUT sends.
pub struct WsAnswers {
    raw: WsAnswersRaw,
}

/// Opens a pushpull session at `url` (`https://` or `wss://`).
pub async fn open(url: &str, token: Option<&str>, roots_pem: Option<&[u8]>) -> Result<(WsSender, WsAnswers), Failure> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|_| Failure::Connect)?;
    let key = crate::set::b64_standard(nonce);
    let req =
        websocket::handshake_request(url, &[SUBPROTOCOL.to_owned()], token, &key).map_err(|_| Failure::Connect)?;
    let (answer, socket) = websocket::connect(&req, roots_pem, HANDSHAKE_TIMEOUT).await.map_err(|e| match e {
        crate::wire::WireError::Timeout(_) => Failure::Timeout,
        _ => Failure::Connect,
    })?;
    // §7.1.1: a session is only what the SUT agreed to.
    let agreed = answer.header("sec-websocket-protocol").map(str::trim) == Some(SUBPROTOCOL);
    let socket = socket.filter(|_| agreed).ok_or(Failure::Protocol)?;
    let (sink, stream) = socket.split();
    Ok((WsSender { sink }, WsAnswers { raw: WsAnswersRaw { stream } }))
}

impl WsSender {
    pub async fn send(&mut self, sets: &[(String, &str)]) -> Result<(), Failure> {
        self.sink.send(Message::Text(sets_body(sets).into())).await.map_err(|_| Failure::Closed)
    }

    /// A message of the harness's own making.
    pub async fn send_text(&mut self, text: String) -> Result<(), Failure> {
        self.sink.send(Message::Text(text.into())).await.map_err(|_| Failure::Closed)
    }

    /// A message with no SETs: the SUT answers with what it owes.
    pub async fn collect(&mut self) -> Result<(), Failure> {
        self.send(&[]).await
    }

    pub async fn close(mut self) {
        let _ = self.sink.send(Message::Close(None)).await;
    }
}

/// Every text message the SUT sends, unread.
pub struct WsAnswersRaw {
    stream: SplitStream<Socket>,
}

impl WsAnswersRaw {
    /// The next text message; `None` when the session is over.
    pub async fn next_text(&mut self) -> Option<String> {
        loop {
            return match self.stream.next().await? {
                Ok(Message::Text(text)) => Some(text.to_string()),
                Ok(Message::Close(_)) | Err(_) => None,
                Ok(_) => continue,
            };
        }
    }
}

impl WsAnswers {
    /// The messages as they come, for a caller that reads them itself.
    pub fn raw(self) -> WsAnswersRaw {
        self.raw
    }

    /// The next answer; `None` when the session is over.
    pub async fn next(&mut self) -> Option<Result<Reply, Failure>> {
        let text = self.raw.next_text().await?;
        Some(read_answers(text.as_bytes()).ok_or(Failure::Protocol))
    }
}

//! The `hostile-*` faults: a pushpull responder that is broken past reason or
//! means harm. The harness must end each exchange in a verdict within its
//! deadlines and memory bounds; none of these is a reading of the spec.

use crate::fault::Fault;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use std::time::Duration;

/// Longest any hostile answer keeps a connection busy, so that the reference
/// itself never holds one for good.
const HOLD: Duration = Duration::from_secs(60);
/// The body `hostile-huge-body` announces and streams: 1 GiB.
const HUGE: usize = 1 << 30;
const CHUNK: usize = 64 * 1024;
/// `hostile-huge-ws-message`: far above any sane message cap, not so large that the reference suffers.
const HUGE_WS_MESSAGE: usize = 16 << 20;

/// The hostile answer to a pushpull HTTP request, when the fault is one.
pub async fn http_answer(fault: Option<Fault>) -> Option<Response> {
    let json = [(header::CONTENT_TYPE, "application/json")];
    Some(match fault? {
        Fault::HostileSilent => {
            tokio::time::sleep(HOLD).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Fault::HostileDrip => {
            // One byte a second, of a body that never completes before HOLD.
            let drip = stream::unfold(0u64, |n| async move {
                if n >= HOLD.as_secs() {
                    return None;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                Some((Ok::<_, std::io::Error>(Bytes::from_static(b"{")), n + 1))
            });
            (StatusCode::OK, json, Body::from_stream(drip)).into_response()
        }
        Fault::HostileHugeBody => {
            let chunk = Bytes::from(vec![b'7'; CHUNK]);
            let body = stream::iter((0..HUGE / CHUNK).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
            let mut resp = (StatusCode::OK, json, Body::from_stream(body)).into_response();
            resp.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(HUGE));
            resp
        }
        Fault::HostileNotUtf8 => {
            let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80).collect();
            (StatusCode::OK, json, noise).into_response()
        }
        Fault::HostileDeepJson => (StatusCode::OK, json, "[".repeat(100_000)).into_response(),
        Fault::HostileWideJson => {
            // A million members in `sets`, streamed in slices of ten thousand.
            let head = stream::once(async { Ok::<_, std::io::Error>(Bytes::from_static(b"{\"sets\":{")) });
            let members = stream::iter(0..100).map(|slice| {
                let text: String =
                    (slice * 10_000..(slice + 1) * 10_000).map(|i| format!("\"jti-{i}\":\"a.b.c\",")).collect();
                Ok(Bytes::from(text))
            });
            let tail = stream::once(async { Ok(Bytes::from_static(b"\"last\":\"a.b.c\"}}")) });
            (StatusCode::OK, json, Body::from_stream(head.chain(members).chain(tail))).into_response()
        }
        Fault::HostileCutBody => {
            let start = stream::once(async { Ok::<_, std::io::Error>(Bytes::from_static(b"{\"sets\":{\"a\":")) });
            let cut = stream::once(async { Err(std::io::Error::other("connection cut on purpose")) });
            (StatusCode::OK, json, Body::from_stream(start.chain(cut))).into_response()
        }
        Fault::HostileRedirectLoop => {
            (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, "/pushpull")], "").into_response()
        }
        Fault::HostileManyHeaders => {
            let mut resp = (StatusCode::OK, json, "{}").into_response();
            for i in 0..10_000 {
                if let Ok(name) = HeaderName::from_bytes(format!("x-setconform-{i}").as_bytes()) {
                    resp.headers_mut().insert(name, HeaderValue::from_static("hostile"));
                }
            }
            resp
        }
        _ => return None,
    })
}

/// Plays the hostile WebSocket peer on an open socket; false when the fault is not one.
pub async fn websocket(fault: Option<Fault>, socket: &mut WebSocket) -> bool {
    match fault {
        Some(Fault::HostilePingFlood) => {
            let flood = async {
                while socket.send(Message::Ping(Bytes::from_static(b"flood"))).await.is_ok() {
                    tokio::task::yield_now().await;
                }
            };
            let _ = tokio::time::timeout(HOLD, flood).await;
            true
        }
        Some(Fault::HostileHugeWsMessage) => {
            let _ = socket.send(Message::Text("7".repeat(HUGE_WS_MESSAGE).into())).await;
            true
        }
        _ => false,
    }
}

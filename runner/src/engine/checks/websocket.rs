//! Checks of the pushpull WebSocket binding (pushpull §7, RFC 6455): the
//! opening handshake, the subprotocol, frames, and where the upgrade lives.

use super::{Outcome, no_response};
use crate::engine::state::{Link, Seen};
use crate::sut::SutSetup;

/// The opening handshake's answer as to the pushpull subprotocol (§7.1.1, RFC 6455 §4.2.2).
pub fn subprotocol(seen: &Seen, want: &str) -> (String, Outcome) {
    let Some(last) = &seen.last else { return ("a handshake answer".into(), no_response()) };
    let status = last.status.unwrap_or(0);
    let named = last.header("sec-websocket-protocol").map(str::trim);
    let actual =
        format!("HTTP {status}, Sec-WebSocket-Protocol {}", named.map_or("absent".to_owned(), |n| format!("{n:?}")));
    if want == "pushpull" {
        let exp = "101 with exactly Sec-WebSocket-Protocol: pushpull".to_owned();
        (exp, if status == 101 && named == Some("pushpull") { Ok(actual) } else { Err(actual) })
    } else {
        let exp = "no 101 that names pushpull (the subprotocol was not offered)".to_owned();
        let pushpull_session = status == 101 && named.is_some_and(|n| n.split(',').any(|p| p.trim() == "pushpull"));
        let upgraded_anyway = status == 101 && named.is_none();
        (exp, if pushpull_session || upgraded_anyway { Err(actual) } else { Ok(actual) })
    }
}

/// The SUT's last WebSocket message came in a frame of this type (AMB-03: text is the baseline).
pub fn frame_type(seen: &Seen, want: &str) -> (String, Outcome) {
    let exp = format!("a {want} message");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.header("opcode") {
        Some(op) if op == want => (exp, Ok(format!("a {op} message"))),
        Some(op) => (exp, Err(format!("a {op} message"))),
        None => (exp, Err("the last message is not a WebSocket message".into())),
    }
}

/// The handshake answer negotiates no extension (the harness offers none; RFC 6455 §9.1).
pub fn no_extensions(seen: &Seen) -> (String, Outcome) {
    let exp = "no Sec-WebSocket-Extensions in the handshake answer (none was offered)".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.header("sec-websocket-extensions") {
        None => (exp, Ok("none".into())),
        Some(e) => (exp, Err(format!("Sec-WebSocket-Extensions: {e}"))),
    }
}

/// The SUT's last request is a WebSocket opening handshake (pushpull §7.1, RFC 6455 §4.1).
pub fn upgrade_requested(seen: &Seen) -> (String, Outcome) {
    let exp = "a WebSocket opening handshake: GET with Upgrade: websocket".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let Some(method) = &last.method else {
        return (exp, Err("the SUT's last message is not a request".into()));
    };
    let upgrade = last.header("upgrade");
    let actual = format!("{method} request, Upgrade {}", upgrade.map_or("absent".to_owned(), |u| format!("{u:?}")));
    let ok = method == "GET" && upgrade.is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket"));
    (exp, if ok { Ok(actual) } else { Err(actual) })
}

/// The SUT's handshake lists `token` among its subprotocols (§7.1.1: exact, lower-case).
pub fn offers_subprotocol(seen: &Seen, token: &str) -> (String, Outcome) {
    let exp = format!("Sec-WebSocket-Protocol listing {token}");
    let Some(last) = seen.last.as_ref().filter(|l| l.method.is_some()) else { return (exp, no_response()) };
    let offered: Vec<&str> = last
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-protocol"))
        .map(|(_, v)| v.as_str())
        .collect();
    if offered.is_empty() {
        return (exp, Err("no Sec-WebSocket-Protocol header".into()));
    }
    let actual = format!("Sec-WebSocket-Protocol: {}", offered.join(", "));
    let listed = offered.iter().flat_map(|v| v.split(',')).any(|p| p.trim() == token);
    (exp, if listed { Ok(actual) } else { Err(actual) })
}

/// No HTTP request reached the harness's endpoint since it accepted the SUT's upgrade (§7.1).
pub fn over_socket_only(link: &Link) -> (String, Outcome) {
    let exp = "no HTTP request while the pushpull WebSocket is open".to_owned();
    let (Some(before), Some(endpoint)) = (link.http_at_upgrade, link.endpoint.as_ref()) else {
        return (exp, Err("no WebSocket upgrade was accepted".into()));
    };
    match endpoint.http_requests().saturating_sub(before) {
        0 => (exp, Ok("none".into())),
        n => (exp, Err(format!("{n} HTTP request(s) to the endpoint after the upgrade"))),
    }
}

/// Where the SUT's upgrade lives (AMB-01): the endpoint's own URL, or a separate one.
pub fn upgrade_at_endpoint(seen: &Seen, sut: &SutSetup) -> (String, Outcome) {
    let endpoint = sut.pushpull_endpoint.as_deref().unwrap_or("(none configured)");
    let exp = format!("the upgrade at the Pushpull endpoint's URL, {endpoint}");
    let Some(url) = &seen.last_url else { return (exp, no_response()) };
    let same = |u: &str| u.split_once("://").map(|(_, rest)| rest.to_owned());
    if same(url) == same(endpoint) {
        (exp, Ok(format!("GET with Upgrade at {url}")))
    } else {
        (exp, Err(format!("a separate URL, {url}")))
    }
}

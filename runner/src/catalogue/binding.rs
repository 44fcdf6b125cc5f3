//! One pushpull scenario, both bindings. A Communication Object means the same
//! over HTTP (pushpull §6) and over WebSocket (§7), so a pushpull scenario is
//! written once, for HTTP, and the catalogue adds its WebSocket twin: the same
//! steps (the engine carries `send`, `settle` and `await_request` over the
//! socket when the profile's binding is WebSocket) and the same checks, less
//! those that judge HTTP itself. A scenario that means one binding only says
//! so, with `binding` and `why`.

use super::{Action, Check, Expectation, Scenario, Step};
use serde::Deserialize;

/// The one binding a pushpull scenario runs on, when it is not both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnlyBinding {
    Http,
    Websocket,
}

const HTTP_ID: &str = "pushpull.http.";
const WS_ID: &str = "pushpull.ws.";
const HTTP_PROFILE: &str = "pushpull-http-";
const WS_PROFILE: &str = "pushpull-ws-";
/// Each WebSocket message is one Communication Object (pushpull §7): what an
/// HTTP message's body being one is (PP-HTTP-011, PP-HTTP-016) over a socket.
const ONE_OBJECT_PER_MESSAGE: &str = "PP-WS-010";

/// Why a scenario written for both bindings cannot run over WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} has no WebSocket meaning: give the scenario `binding: http` and `why`")]
pub struct HttpOnly {
    /// Where in the scenario (a JSON pointer).
    pub pointer: String,
    pub what: &'static str,
}

/// Whether `s` is a pushpull HTTP scenario that runs on both bindings.
pub fn runs_on_both(s: &Scenario) -> bool {
    s.binding.is_none() && s.id.starts_with(HTTP_ID) && s.applies_to.iter().all(|p| p.starts_with(HTTP_PROFILE))
}

/// The WebSocket twin of a pushpull scenario that runs on both bindings
/// (`pushpull.http.<role>.<name>` becomes `pushpull.ws.<role>.<name>`, in the
/// `pushpull-ws-<role>` profile).
pub fn websocket_twin(s: &Scenario) -> Result<Scenario, HttpOnly> {
    for (n, step) in s.steps.iter().enumerate() {
        if let Some(what) = http_only_action(&step.action) {
            return Err(HttpOnly { pointer: format!("/steps/{n}"), what });
        }
    }
    let mut twin = s.clone();
    twin.id = format!("{WS_ID}{}", &s.id[HTTP_ID.len()..]);
    twin.twin_of = Some(s.id.clone());
    let note = format!(
        "The WebSocket twin of {}: its steps go over one pushpull socket, each `send` a message and the SUT's next \
         message back (pushpull §7).",
        s.id
    );
    twin.description = Some(match &s.description {
        Some(d) => format!("{} {note}", d.trim_end()),
        None => note,
    });
    twin.applies_to = s.applies_to.iter().map(|p| p.replacen(HTTP_PROFILE, WS_PROFILE, 1)).collect();
    if !twin.tags.iter().any(|t| t == "websocket") {
        twin.tags.push("websocket".into());
    }
    twin.steps = s.steps.iter().map(websocket_step).collect();
    let cited: Vec<&String> = twin.steps.iter().flat_map(|st| st.expect.iter().flat_map(|e| e.req.ids())).collect();
    twin.requirements.retain(|id| !http_requirement(id));
    if twin.requirements.is_empty() {
        return Err(HttpOnly { pointer: "/requirements".into(), what: "a scenario of HTTP requirements only" });
    }
    if cited.iter().any(|id| *id == ONE_OBJECT_PER_MESSAGE)
        && !twin.requirements.iter().any(|id| id == ONE_OBJECT_PER_MESSAGE)
    {
        twin.requirements.push(ONE_OBJECT_PER_MESSAGE.into());
    }
    Ok(twin)
}

/// What a step asks of HTTP itself, if anything.
fn http_only_action(action: &Action) -> Option<&'static str> {
    match action {
        Action::Send(s) if s.method.is_some() => Some("an HTTP method"),
        Action::Send(s) if s.reach.auth.is_some() => Some("a credential on one request"),
        Action::Send(s) if s.reach.cleartext || s.reach.tls.is_some() => Some("a TLS choice for one request"),
        Action::Send(s) if s.client_certificate.is_some() => Some("a client certificate for one request"),
        Action::Send(s) if s.long_poll.is_some() => Some("a held request"),
        Action::Send(s) if s.body.content_type.is_some() => Some("a content type"),
        Action::AwaitRequest(a) if a.respond.status.is_some() => Some("an HTTP status"),
        Action::AwaitRequest(a) if !a.respond.headers.is_empty() => Some("an HTTP header"),
        Action::AwaitRequest(a) if a.respond.drop => Some("a dropped HTTP connection"),
        Action::AwaitRequest(a) if a.respond.body.content_type.is_some() => Some("a content type"),
        Action::Push(_) | Action::TlsProbe(_) => Some("an RFC 8935 push or TLS probe"),
        Action::WsConnect(_) | Action::WsAccept(_) | Action::WsSend(_) | Action::WsReceive(_) => {
            Some("a WebSocket step in an HTTP scenario")
        }
        _ => None,
    }
}

/// The step with the checks that mean something over a socket.
fn websocket_step(step: &Step) -> Step {
    Step { expect: step.expect.iter().filter_map(websocket_expectation).collect(), ..step.clone() }
}

/// An expectation as it reads over a socket, or `None` when it judges HTTP
/// itself: a status, a content type, a header, a method, TLS on one request, an
/// error response (the WebSocket binding has no error signalling, AMB-03).
fn websocket_expectation(e: &Expectation) -> Option<Expectation> {
    let http_check = matches!(
        e.check,
        Check::Status(_)
            | Check::ContentType(_)
            | Check::Header(_)
            | Check::Method(_)
            | Check::EmptyBody(_)
            | Check::OverTls(_)
            | Check::ErrorCode(_)
            | Check::NoSuccess(_)
            | Check::TlsRefused(_)
            | Check::AuthRejected(_)
            | Check::BearerError(_)
            | Check::NonNegativeInteger(_)
    );
    if http_check {
        return None;
    }
    let mut ids: Vec<String> = e.req.ids().filter(|id| !http_requirement(id)).cloned().collect();
    let one_object = matches!(&e.check, Check::Schema(s) if s == "communication-object");
    if one_object && e.req.ids().any(|id| http_requirement(id)) && !ids.iter().any(|id| id == ONE_OBJECT_PER_MESSAGE) {
        ids.push(ONE_OBJECT_PER_MESSAGE.into());
    }
    if ids.is_empty() {
        return None;
    }
    Some(Expectation { req: super::Reqs::Many(ids), ..e.clone() })
}

/// A requirement of the HTTP binding or the endpoint's HTTP side (pushpull §4, §6).
fn http_requirement(id: &str) -> bool {
    id.starts_with("PP-HTTP-") || id.starts_with("PP-EP-")
}

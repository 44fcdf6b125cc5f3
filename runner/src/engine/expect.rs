//! Expectation checks: each compares what the SUT did with what a rule demands
//! and says, in words, what was expected and what was seen.

use super::context::Context;
use crate::catalogue::{
    Check, CountSpec, DelaySpec, ErrorCodeSpec, HeaderSpec, MetadataLookup, Reqs, Selector, SetKind, StatusSpec,
};
use crate::schema::Schemas;
use crate::set::inspect;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

/// Error codes registered by RFC 8935 §7.1, plus SSF's `invalid_state` (AMB-24).
const REGISTERED_ERR_CODES: [&str; 7] = [
    "invalid_request",
    "invalid_key",
    "invalid_issuer",
    "invalid_audience",
    "authentication_failed",
    "access_denied",
    "invalid_state",
];
/// Items named in one line of a finding before the rest is counted.
const LIST_LIMIT: usize = 5;

/// A check's result for one requirement.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub req: String,
    pub expected: String,
    pub actual: String,
    pub kept: bool,
}

/// Evaluates `check` for every requirement in `reqs`.
pub fn evaluate(ctx: &Context<'_>, check: &Check, reqs: &Reqs) -> Vec<Judgement> {
    if let Check::SetsValid(_) = check {
        return sets_valid(ctx, reqs);
    }
    let (expected, result) = evaluate_one(ctx, check);
    let (kept, actual) = match result {
        Ok(a) => (true, a),
        Err(a) => (false, a),
    };
    reqs.ids()
        .map(|req| Judgement { req: req.clone(), expected: expected.clone(), actual: actual.clone(), kept })
        .collect()
}

type Outcome = Result<String, String>;

fn evaluate_one(ctx: &Context<'_>, check: &Check) -> (String, Outcome) {
    match check {
        Check::Status(spec) => status(ctx, spec),
        Check::ContentType(expected) => content_type(ctx, expected),
        Check::Schema(name) => schema(ctx, name),
        Check::Count(spec) => count(ctx, spec),
        Check::ErrorCode(spec) => error_code(ctx, *spec),
        Check::SetsValid(_) => unreachable!("handled per requirement"),
        Check::Acked(sel) => answered(ctx, *sel, Answer::Ack),
        Check::Errored(sel) => answered(ctx, *sel, Answer::Err),
        Check::Unanswered(sel) => answered(ctx, *sel, Answer::Neither),
        Check::SetErrsHave(member) => set_errs_have(ctx, member),
        Check::AcksKnown(_) => acks_known(ctx),
        Check::AckErrDisjoint(_) => ack_err_disjoint(ctx),
        Check::Redelivered(step) => redelivered(ctx, *step),
        Check::Retired(step) => retired(ctx, *step),
        Check::Method(m) => method(ctx, m),
        Check::Arrived(true) => arrived(ctx, false),
        Check::Arrived(false) => nothing_arrived(ctx),
        Check::ArrivedWithin(_) => arrived(ctx, true),
        Check::NonNegativeInteger(pointer) => non_negative_integer(ctx, pointer),
        Check::MemberNames(_) => member_names(ctx),
        Check::PromptAnswers(n) => prompt_answers(ctx, *n),
        Check::OverTls(_) => over_tls(ctx),
        Check::NoSuccess(_) => no_success(ctx),
        Check::Subprotocol(want) => subprotocol(ctx, want),
        Check::FrameType(want) => frame_type(ctx, want),
        Check::NoExtensions(_) => no_extensions(ctx),
        Check::UpgradeRequested(_) => upgrade_requested(ctx),
        Check::OffersSubprotocol(token) => offers_subprotocol(ctx, token),
        Check::OverSocketOnly(_) => over_socket_only(ctx),
        Check::UpgradeAtEndpoint(_) => upgrade_at_endpoint(ctx),
        Check::EmptyBody(_) => empty_body(ctx),
        Check::Header(spec) => header(ctx, spec),
        Check::ErrIs(codes) => err_is(ctx, codes),
        Check::AuthRejected(_) => auth_rejected(ctx),
        Check::CompactSet(_) => compact_set(ctx),
        Check::Delay(spec) => delay(ctx, spec),
        Check::DelayGrows(_) => delay_grows(ctx),
        Check::AnsweredWithinMs(ms) => answered_within(ctx, *ms),
        Check::SetErrsExclude(codes) => set_errs_exclude(ctx, codes),
        Check::ContentLanguageIfDescribed(_) => content_language_if_described(ctx),
        Check::TlsRefused(_) => tls_refused(ctx),
        Check::Held(want) => held(ctx, *want),
        Check::MoreAvailable(want) => more_available(ctx, *want),
        Check::KeysAreJtis(_) => keys_are_jtis(ctx),
        Check::AckOnlyImmediate(_) => ack_only_immediate(ctx),
        Check::FirstPollBare(_) => first_poll_bare(ctx),
        Check::Reacked(_) => reacked(ctx),
        Check::SetErrsRegistered(_) => set_errs_registered(ctx),
        Check::JwksRefetched(_) => jwks_refetched(ctx),
        Check::BearerError(code) => bearer_error(ctx, code),
        Check::ResourceMetadata(lookup) => resource_metadata(ctx, *lookup),
        Check::TokenFromAuthorizationServer(_) => token_from_authorization_server(ctx),
        Check::ClientCertificateRegistered(_) => client_certificate_registered(ctx),
        Check::MspMediaType(_) => content_type(ctx, ctx.env.sut.msp_revision.request_media_type()),
        Check::MspErrorMediaType(_) => {
            let expected = match ctx.env.sut.msp_revision {
                crate::sut::MspRevision::Post03 => "application/problem+json",
                crate::sut::MspRevision::Draft02 => "application/json",
            };
            content_type(ctx, expected)
        }
    }
}

fn no_response() -> Outcome {
    Err("no message from the SUT to look at (no response yet, or no request arrived)".into())
}

fn method(ctx: &Context<'_>, expected: &str) -> (String, Outcome) {
    let exp = format!("an HTTP {expected} request");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match &last.method {
        None => (exp, Err("the SUT's last message is a response, not a request".into())),
        Some(m) if m == expected => (exp, Ok(format!("{m} request"))),
        Some(m) => (exp, Err(format!("{m} request"))),
    }
}

/// Whether the SUT's request came in the last `await_request` step; with
/// `in_time`, whether it came within that step's reasonable window.
fn arrived(ctx: &Context<'_>, in_time: bool) -> (String, Outcome) {
    let Some(a) = ctx.awaited else {
        return ("a request from the SUT".into(), Err("no step waited for a request".into()));
    };
    let limit = if in_time { a.within } else { a.up_to };
    let what = a.what;
    let exp = format!("a {what} from the SUT within {} ms", limit.as_millis());
    let outcome = match a.arrived_after {
        None => Err(format!("no {what} within {} ms{}", a.up_to.as_millis(), strays(ctx))),
        Some(t) if t <= limit => Ok(format!("a {what} after {} ms", t.as_millis())),
        Some(t) => Err(format!("a {what} only after {} ms", t.as_millis())),
    };
    (exp, outcome)
}

/// Requests that reached the harness's listener outside the endpoint's URL, as
/// a remark for a reason: a SUT that mangles the URL it was given is seen here.
fn strays(ctx: &Context<'_>) -> String {
    let Some((count, noted)) = ctx.endpoint.as_ref().map(|e| e.strays()).filter(|(n, _)| *n > 0) else {
        return String::new();
    };
    format!("; {count} request(s) came to other paths on the listener and got 404: {}", noted.join(", "))
}

/// No request reached the harness in the last `await_request` step.
fn nothing_arrived(ctx: &Context<'_>) -> (String, Outcome) {
    let Some(a) = ctx.awaited else {
        return ("no request from the SUT".into(), Err("no step waited for a request".into()));
    };
    let what = a.what;
    let exp = format!("no {what} from the SUT within {} ms", a.up_to.as_millis());
    match a.arrived_after {
        None => (exp, Ok("none came".into())),
        Some(t) => (exp, Err(format!("a {what} after {} ms", t.as_millis()))),
    }
}

/// The last exchange with the SUT's endpoint went over TLS and was answered.
fn over_tls(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "an answer over TLS (https) from the SUT's endpoint".to_owned();
    match (&ctx.last_url, ctx.last.as_ref().and_then(|l| l.status)) {
        (Some(url), Some(status)) if url.starts_with("https://") => (exp, Ok(format!("HTTP {status} from {url}"))),
        (Some(url), _) => (exp, Err(format!("{url} is not served over TLS, or did not answer"))),
        (None, _) => (exp, no_response()),
    }
}

/// The last (deliberately cleartext) request was refused: no connection, or no 2xx answer.
fn no_success(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "the request refused: no HTTP answer, or a status that is not a success (2xx, or 101 for an upgrade)"
        .to_owned();
    if let Some(why) = &ctx.refused {
        return (exp, Ok(format!("no HTTP answer ({why})")));
    }
    match ctx.last.as_ref().and_then(|l| l.status) {
        // 101 is a WebSocket handshake's success.
        Some(s) if (200..300).contains(&s) || s == 101 => (exp, Err(format!("HTTP status {s}"))),
        Some(s) => (exp, Ok(format!("HTTP status {s}"))),
        None => (exp, no_response()),
    }
}

/// The opening handshake's answer as to the pushpull subprotocol (§7.1.1, RFC 6455 §4.2.2).
fn subprotocol(ctx: &Context<'_>, want: &str) -> (String, Outcome) {
    let Some(last) = &ctx.last else { return ("a handshake answer".into(), no_response()) };
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
fn frame_type(ctx: &Context<'_>, want: &str) -> (String, Outcome) {
    let exp = format!("a {want} message");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.header("opcode") {
        Some(op) if op == want => (exp, Ok(format!("a {op} message"))),
        Some(op) => (exp, Err(format!("a {op} message"))),
        None => (exp, Err("the last message is not a WebSocket message".into())),
    }
}

/// The handshake answer negotiates no extension (the harness offers none; RFC 6455 §9.1).
fn no_extensions(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "no Sec-WebSocket-Extensions in the handshake answer (none was offered)".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.header("sec-websocket-extensions") {
        None => (exp, Ok("none".into())),
        Some(e) => (exp, Err(format!("Sec-WebSocket-Extensions: {e}"))),
    }
}

/// The SUT's last request is a WebSocket opening handshake (pushpull §7.1, RFC 6455 §4.1).
fn upgrade_requested(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "a WebSocket opening handshake: GET with Upgrade: websocket".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let Some(method) = &last.method else {
        return (exp, Err("the SUT's last message is not a request".into()));
    };
    let upgrade = last.header("upgrade");
    let actual = format!("{method} request, Upgrade {}", upgrade.map_or("absent".to_owned(), |u| format!("{u:?}")));
    let ok = method == "GET" && upgrade.is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket"));
    (exp, if ok { Ok(actual) } else { Err(actual) })
}

/// The SUT's handshake lists `token` among its subprotocols (§7.1.1: exact, lower-case).
fn offers_subprotocol(ctx: &Context<'_>, token: &str) -> (String, Outcome) {
    let exp = format!("Sec-WebSocket-Protocol listing {token}");
    let Some(last) = ctx.last.as_ref().filter(|l| l.method.is_some()) else { return (exp, no_response()) };
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

/// The last message has no body (RFC 8935 §2.2: a 202 carries none).
fn empty_body(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "an empty body".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    if last.body.is_empty() {
        return (exp, Ok("no body".into()));
    }
    let text = String::from_utf8_lossy(&last.body);
    (exp, Err(format!("a body of {} bytes: {}", last.body.len(), text.chars().take(200).collect::<String>())))
}

/// A header of the last message, present or with a given value.
fn header(ctx: &Context<'_>, spec: &HeaderSpec) -> (String, Outcome) {
    let name = &spec.name;
    type Test<'a> = Box<dyn Fn(&str) -> bool + 'a>;
    let (exp, test): (String, Test) = match (&spec.equals, &spec.starts_with, &spec.lists) {
        (Some(v), _, _) => (format!("{name}: {v}"), Box::new(move |h: &str| h.trim().eq_ignore_ascii_case(v))),
        (_, Some(v), _) => (
            format!("{name} starting with {v:?}"),
            Box::new(move |h: &str| h.trim().to_ascii_lowercase().starts_with(&v.to_ascii_lowercase())),
        ),
        (_, _, Some(v)) => (
            format!("{name} listing {v}"),
            Box::new(move |h: &str| {
                h.split(',').any(|item| item.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(v))
            }),
        ),
        _ => (format!("a {name} header"), Box::new(|_: &str| true)),
    };
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.header(name) {
        None => (exp, Err(format!("no {name} header"))),
        Some(h) if test(h) => (exp, Ok(format!("{name}: {h}"))),
        Some(h) => (exp, Err(format!("{name}: {h}"))),
    }
}

/// The error body's `err` is one of `codes` (RFC 8935 §2.4).
fn err_is(ctx: &Context<'_>, codes: &[String]) -> (String, Outcome) {
    let exp = format!("err {}", codes.join(" or "));
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.json.as_ref().and_then(|j| j.get("err")) {
        Some(Value::String(code)) if codes.contains(code) => (exp, Ok(format!("err {code:?}"))),
        Some(other) => (exp, Err(format!("err {other}"))),
        None => (exp, Err("no `err` in the body".into())),
    }
}

/// Credentials refused the RFC 8935 way or the RFC 7235 way (AMB-19: both pass).
fn auth_rejected(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "400 with err authentication_failed, or 401 with WWW-Authenticate".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let status = last.status.unwrap_or(0);
    let err = last.json.as_ref().and_then(|j| j.get("err")).and_then(Value::as_str);
    let challenge = last.header("www-authenticate");
    let actual = format!(
        "HTTP {status}, err {}, WWW-Authenticate {}",
        err.map_or("absent".to_owned(), |e| format!("{e:?}")),
        challenge.map_or("absent".to_owned(), |c| format!("{c:?}"))
    );
    let kept = (status == 400 && err == Some("authentication_failed")) || (status == 401 && challenge.is_some());
    (exp, if kept { Ok(actual) } else { Err(actual) })
}

/// The request body is one SET in compact serialization, nothing else (RFC 8935 §2.1).
fn compact_set(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "a body that is one SET in compact serialization (RFC 7515 §7.1), not wrapped".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let text = String::from_utf8_lossy(&last.body);
    let shown: String = text.chars().take(120).collect();
    if crate::set::is_compact_serialization(text.trim_end_matches(['\r', '\n'])) {
        (exp, Ok(format!("{} bytes, {} dot-separated parts", last.body.len(), text.split('.').count())))
    } else {
        (exp, Err(format!("{} bytes: {shown}", last.body.len())))
    }
}

/// How long after the harness's previous answer the SUT's request came.
fn delay(ctx: &Context<'_>, spec: &DelaySpec) -> (String, Outcome) {
    let exp = match (spec.min_ms, spec.max_ms) {
        (Some(lo), Some(hi)) => format!("the request between {lo} and {hi} ms after the previous answer"),
        (Some(lo), None) => format!("the request at least {lo} ms after the previous answer"),
        (None, Some(hi)) => format!("the request at most {hi} ms after the previous answer"),
        (None, None) => "a request".to_owned(),
    };
    let Some(took) = ctx.awaited.and_then(|a| a.arrived_after) else {
        return (exp, Err("no request came".into()));
    };
    let ms = took.as_millis() as u64;
    let kept = spec.min_ms.is_none_or(|lo| ms >= lo) && spec.max_ms.is_none_or(|hi| ms <= hi);
    (exp, if kept { Ok(format!("after {ms} ms")) } else { Err(format!("after {ms} ms")) })
}

/// The entries of the last message's `setErrs`, by jti.
fn set_errs_of<'c>(ctx: &'c Context<'_>) -> Vec<(&'c String, &'c Value)> {
    match ctx.last.as_ref().and_then(|l| l.json.as_ref()).and_then(|j| j.get("setErrs")) {
        Some(Value::Object(errs)) => errs.iter().collect(),
        _ => Vec::new(),
    }
}

/// No setErrs entry uses a code that belongs to the request as a whole.
fn set_errs_exclude(ctx: &Context<'_>, codes: &[String]) -> (String, Outcome) {
    let exp = format!("no setErrs entry with err {}", codes.join(" or "));
    if ctx.last.is_none() {
        return (exp, no_response());
    }
    let errs = set_errs_of(ctx);
    let used: Vec<String> = errs
        .iter()
        .filter_map(|(jti, e)| {
            e.get("err").and_then(Value::as_str).filter(|c| codes.iter().any(|x| x == c)).map(|c| format!("{jti}: {c}"))
        })
        .collect();
    if used.is_empty() {
        (exp, Ok(format!("{} setErrs entries, none uses them", errs.len())))
    } else {
        (exp, Err(list(used.into_iter())))
    }
}

/// A message with error descriptions names their language.
fn content_language_if_described(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "Content-Language when setErrs carries a description".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let described = set_errs_of(ctx).iter().any(|(_, e)| e.get("description").is_some());
    match (described, last.header("content-language")) {
        (false, _) => (exp, Ok("no descriptions".into())),
        (true, Some(lang)) => (exp, Ok(format!("Content-Language: {lang}"))),
        (true, None) => (exp, Err("descriptions without a Content-Language header".into())),
    }
}

/// Whether the SUT held the last long poll (RFC 8936 §2.5) or answered it at
/// once. An early answer that carries SETs counts as held: SETs were there.
fn held(ctx: &Context<'_>, want: bool) -> (String, Outcome) {
    let Some(h) = ctx.held else {
        return ("a poll watched as a long poll".into(), Err("no step watched a long poll".into()));
    };
    let window = h.window.as_millis();
    let carried = ctx.last_sets().len();
    if !want {
        let exp = format!("an answer within {window} ms");
        return match h.answered_after {
            Some(t) if t < h.window => (exp, Ok(format!("answered after {} ms", t.as_millis()))),
            Some(t) => (exp, Err(format!("held for {} ms", t.as_millis()))),
            None => (exp, Err(format!("still held after {} ms", h.bound.as_millis()))),
        };
    }
    let exp = if h.queued {
        format!("the poll held for at least {window} ms, until the SUT had SETs to deliver")
    } else {
        format!("the poll held for at least {window} ms while the SUT had no SETs")
    };
    match h.answered_after {
        None => (exp, Ok(format!("still held after {} ms, the harness's long-poll bound", h.bound.as_millis()))),
        Some(t) if t >= h.window => (exp, Ok(format!("answered after {} ms with {carried} SETs", t.as_millis()))),
        Some(t) if carried > 0 => (exp, Ok(format!("answered at once ({} ms) with {carried} SETs", t.as_millis()))),
        Some(t) => (exp, Err(format!("answered after {} ms with no SETs", t.as_millis()))),
    }
}

/// The last response's `moreAvailable` (RFC 8936 §2.3; omitted means false).
fn more_available(ctx: &Context<'_>, want: bool) -> (String, Outcome) {
    let exp = if want { "`moreAvailable: true`" } else { "`moreAvailable` false or omitted" }.to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let Some(json) = &last.json else { return (exp, Err("the body is not JSON".into())) };
    match json.get("moreAvailable") {
        Some(Value::Bool(b)) if *b == want => (exp, Ok(format!("moreAvailable: {b}"))),
        Some(Value::Bool(b)) => (exp, Err(format!("moreAvailable: {b}"))),
        None if !want => (exp, Ok("omitted".into())),
        None => (exp, Err("omitted (which means false)".into())),
        Some(other) => (exp, Err(format!("moreAvailable is {other}, not a boolean"))),
    }
}

/// Each member of the last response's `sets` is named by its SET's jti and
/// holds the SET as a string (RFC 8936 §2.3).
fn keys_are_jtis(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "every `sets` member named by its SET's jti, the SET as a string".to_owned();
    let sets = ctx.last_sets();
    if sets.is_empty() {
        return (exp, Err("no SETs in the last response (nothing to judge)".into()));
    }
    let wrong: Vec<String> = sets
        .iter()
        .filter_map(|(key, value)| match value.as_str().map(crate::set::jti_of) {
            None => Some(format!("{key}: value is not a string")),
            Some(Some(jti)) if jti == **key => None,
            Some(Some(jti)) => Some(format!("{key}: the SET's jti is {jti:?}")),
            Some(None) => Some(format!("{key}: no jti could be read from the SET")),
        })
        .collect();
    if wrong.is_empty() {
        (exp, Ok(format!("{} SETs, each under its jti", sets.len())))
    } else {
        (exp, Err(list(wrong.into_iter())))
    }
}

/// Every acknowledge-only poll (`maxEvents: 0`) asked to come back at once (RFC 8936 §2.4.2).
fn ack_only_immediate(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "`returnImmediately: true` on every poll with `maxEvents: 0`".to_owned();
    let ack_only: Vec<&Value> =
        ctx.polls.iter().filter(|p| p.get("maxEvents").and_then(Value::as_u64) == Some(0)).collect();
    if ack_only.is_empty() {
        return (exp, Ok(format!("{} polls, none acknowledge-only", ctx.polls.len())));
    }
    let blocking = ack_only.iter().filter(|p| p.get("returnImmediately") != Some(&Value::Bool(true))).count();
    if blocking == 0 {
        (exp, Ok(format!("{} acknowledge-only polls, all with it", ack_only.len())))
    } else {
        (exp, Err(format!("{blocking} of {} acknowledge-only polls without it", ack_only.len())))
    }
}

/// The SUT's first poll acknowledges and reports nothing: it has received nothing yet (RFC 8936 §2.4).
fn first_poll_bare(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "a first poll with no `ack` or `setErrs` entries".to_owned();
    let Some(first) = ctx.polls.first() else { return (exp, Err("no poll arrived".into())) };
    let entries = |member: &str| match first.get(member) {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        _ => 0,
    };
    match (entries("ack"), entries("setErrs")) {
        (0, 0) => (exp, Ok("none".into())),
        (a, e) => (exp, Err(format!("{a} ack and {e} setErrs entries"))),
    }
}

/// Every SET the harness delivered again after its acknowledgement was acknowledged again (RFC 8936 §2.4).
fn reacked(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "every SET delivered again acknowledged again".to_owned();
    if ctx.resent.is_empty() {
        return (exp, Err("the harness delivered nothing again (nothing to judge)".into()));
    }
    let missing: Vec<String> = ctx
        .resent
        .iter()
        .filter(|(jti, at)| !ctx.ack_log.iter().any(|(acked, seq)| acked == jti && seq > at))
        .map(|(jti, _)| jti.clone())
        .collect();
    if missing.is_empty() {
        (exp, Ok(format!("all {} acknowledged again", ctx.resent.len())))
    } else {
        (exp, Err(format!("not acknowledged again: {}", list(missing.into_iter()))))
    }
}

/// RFC 6750 §3, §3.1: 401 with a Bearer challenge that names the error.
fn bearer_error(ctx: &Context<'_>, code: &str) -> (String, Outcome) {
    let exp = format!("401 with WWW-Authenticate: Bearer error=\"{code}\"");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let status = last.status.unwrap_or(0);
    let challenge = last.header("www-authenticate");
    let actual =
        format!("HTTP {status}, WWW-Authenticate {}", challenge.map_or("absent".to_owned(), |c| format!("{c:?}")));
    let names_it = challenge.is_some_and(|c| {
        let bearer = c.trim_start().get(..6).is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
        bearer && c.replace(' ', "").contains(&format!("error=\"{code}\""))
    });
    (exp, if status == 401 && names_it { Ok(actual) } else { Err(actual) })
}

/// The SUT went back to the harness's `jwks_uri` after the harness rotated its key (SSF §7.1).
fn jwks_refetched(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "the SUT fetched the harness's jwks_uri after a SET named a new key".to_owned();
    let Some(server) = &ctx.key_server else {
        return (exp, Err("the harness served no jwks_uri: there was no registration".into()));
    };
    let Some(before) = ctx.fetches_at_rotation else {
        return (exp, Err("the harness did not rotate its key (nothing to judge)".into()));
    };
    match server.fetches().saturating_sub(before) {
        0 => (exp, Err(format!("no fetch after the rotation ({before} before it)"))),
        n => (exp, Ok(format!("{n} fetch(es) after the rotation, {before} before it"))),
    }
}

/// The SUT asked for the harness endpoint's protected-resource metadata before
/// its first request to the endpoint (pushpull §8.2; which URL: AMB-10).
fn resource_metadata(ctx: &Context<'_>, lookup: MetadataLookup) -> (String, Outcome) {
    let exp = match lookup {
        MetadataLookup::Attempted => "a GET of the endpoint's protected-resource metadata (RFC 9728) before the first request",
        MetadataLookup::AtEndpointPath => {
            "the metadata asked at /.well-known/oauth-protected-resource followed by the endpoint URL's path (RFC 9728 §3.1)"
        }
    }
    .to_owned();
    let Some(endpoint) = &ctx.endpoint else {
        return (exp, Err("the harness opened no endpoint".into()));
    };
    let (log, first) = (endpoint.auth_log(), endpoint.first_request());
    let before_first = |at: Option<Instant>| at.filter(|t| first.is_none_or(|f| *t <= f));
    let (at_path, at_origin) = (before_first(log.metadata_at_path), before_first(log.metadata_at_origin));
    let first_request = if first.is_some() { "the first request" } else { "the end of the step (no request came)" };
    let outcome = match (lookup, at_path, at_origin) {
        (_, Some(_), _) => Ok(format!("asked at the endpoint's path before {first_request}")),
        (MetadataLookup::Attempted, None, Some(_)) => Ok(format!("asked at the origin before {first_request}")),
        (MetadataLookup::AtEndpointPath, None, Some(_)) => {
            Err(format!("asked only at the origin's /.well-known/oauth-protected-resource before {first_request}"))
        }
        (_, None, None) => match (log.metadata_at_path.or(log.metadata_at_origin), first) {
            (Some(_), Some(_)) => Err("asked only after the first request to the endpoint".into()),
            _ => Err(format!("no request for the metadata before {first_request}")),
        },
    };
    (exp, outcome)
}

/// The SUT's last request to the endpoint carried an access token that the
/// authorization server named in the metadata issued to it (pushpull §8.2).
fn token_from_authorization_server(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "Authorization: Bearer with a token the harness's authorization server issued to the SUT".to_owned();
    let Some(endpoint) = &ctx.endpoint else {
        return (exp, Err("the harness opened no endpoint".into()));
    };
    let Some(last) = ctx.last.as_ref().filter(|l| l.method.is_some()) else {
        return (exp, no_response());
    };
    let log = endpoint.auth_log();
    let requests = match (log.token_requests, log.token_refusals) {
        (0, _) => "no token request".to_owned(),
        (n, 0) => format!("{n} token request(s), all granted"),
        (n, r) => format!("{n} token request(s), {r} refused"),
    };
    let bearer = last
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim())
        .and_then(|v| v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")))
        .map(|(_, token)| token.trim());
    let outcome = match bearer {
        None => Err(format!("no bearer token in the request; {requests}")),
        Some(token) if log.issued.iter().any(|t| t == token) => Ok(format!("an issued token; {requests}")),
        Some(token) if token == ctx.endpoint_token => {
            Err(format!("the bearer token given at registration, not one from the authorization server; {requests}"))
        }
        Some(_) => Err(format!("a token the authorization server did not issue; {requests}")),
    };
    (exp, outcome)
}

/// The SUT's last request came over a connection on which it presented the
/// client certificate it named at registration (pushpull §8.2: mutual TLS).
fn client_certificate_registered(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "the client certificate the SUT named at registration, presented in the TLS handshake".to_owned();
    let Some(registered) = &ctx.sut_client_certificate else {
        return (exp, Err("the SUT named no client_certificate at registration".into()));
    };
    let outcome = match &ctx.last_client_certificate {
        None => no_response(),
        Some(None) => Err("no client certificate".into()),
        Some(Some(presented)) if presented == registered => Ok("the registered certificate".into()),
        Some(Some(_)) => Err("a certificate other than the registered one".into()),
    };
    (exp, outcome)
}

/// Every `err` the SUT reported in `setErrs` is a registered code (RFC 8936 §2.6, RFC 8935 §7.1).
fn set_errs_registered(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "every setErrs `err` a code of the RFC 8935 §7.1 registry".to_owned();
    let registered =
        |entry: &Value| entry.get("err").and_then(Value::as_str).is_some_and(|c| REGISTERED_ERR_CODES.contains(&c));
    let shown = |jti: &str, entry: &Value| format!("{jti}: err {}", entry.get("err").unwrap_or(&Value::Null));
    every_set_err(ctx, exp, registered, shown, "all registered")
}

/// Judges every setErrs entry the SUT gave with `keeps`; failing entries are
/// shown with `shown`, and a pass says `all_kept`.
fn every_set_err(
    ctx: &Context<'_>,
    exp: String,
    keeps: impl Fn(&Value) -> bool,
    shown: impl Fn(&str, &Value) -> String,
    all_kept: &str,
) -> (String, Outcome) {
    if ctx.sut_errs.is_empty() {
        return (exp, Err("no setErrs entries were received".into()));
    }
    let failing: Vec<String> = ctx
        .sut_errs
        .iter()
        .filter(|(_, (_, entry))| !keeps(entry))
        .map(|(jti, (_, entry))| shown(jti, entry))
        .collect();
    if failing.is_empty() {
        (exp, Ok(format!("{} entries, {all_kept}", ctx.sut_errs.len())))
    } else {
        (exp, Err(list(failing.into_iter())))
    }
}

/// The last legacy TLS probe got no ServerHello (RFC 7525).
fn tls_refused(ctx: &Context<'_>) -> (String, Outcome) {
    use crate::wire::tls_probe::Answer;
    let exp = "no ServerHello: the offered version or cipher suites refused".to_owned();
    match &ctx.tls_answer {
        None => (exp, Err("no tls_probe step ran".into())),
        Some(Answer::Refused(why)) => (exp, Ok(format!("refused: {why}"))),
        Some(Answer::Agreed { version, suite }) => {
            (exp, Err(format!("ServerHello: version {}.{}, cipher suite 0x{suite:04X}", version[0], version[1])))
        }
    }
}

/// The SUT answered the harness's last request within `limit_ms`.
fn answered_within(ctx: &Context<'_>, limit_ms: u64) -> (String, Outcome) {
    let exp = format!("an answer within {limit_ms} ms");
    let Some(took) = ctx.last_took else { return (exp, no_response()) };
    let ms = took.as_millis() as u64;
    (exp, if ms <= limit_ms { Ok(format!("answered in {ms} ms")) } else { Err(format!("answered in {ms} ms")) })
}

/// This retry waited at least as long as the one before it (a backoff, RFC 8935 §2).
fn delay_grows(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "a delay before this retry no shorter than before the previous one (within 10%)".to_owned();
    let [.., before, now] = ctx.delays[..] else {
        return (exp, Err(format!("{} measured delays; two are needed", ctx.delays.len())));
    };
    let (b, n) = (before.as_millis(), now.as_millis());
    let actual = format!("{b} ms, then {n} ms");
    // Timers jitter: a delay within a tenth of the one before counts as not shorter.
    (exp, if n * 10 >= b * 9 { Ok(actual) } else { Err(actual) })
}

/// Where the SUT's upgrade lives (AMB-01): the endpoint's own URL, or a separate one.
fn upgrade_at_endpoint(ctx: &Context<'_>) -> (String, Outcome) {
    let endpoint = ctx.env.sut.pushpull_endpoint.as_deref().unwrap_or("(none configured)");
    let exp = format!("the upgrade at the Pushpull endpoint's URL, {endpoint}");
    let Some(url) = &ctx.last_url else { return (exp, no_response()) };
    let same = |u: &str| u.split_once("://").map(|(_, rest)| rest.to_owned());
    if same(url) == same(endpoint) {
        (exp, Ok(format!("GET with Upgrade at {url}")))
    } else {
        (exp, Err(format!("a separate URL, {url}")))
    }
}

/// No HTTP request reached the harness's endpoint since it accepted the SUT's upgrade (§7.1).
fn over_socket_only(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "no HTTP request while the pushpull WebSocket is open".to_owned();
    let (Some(before), Some(endpoint)) = (ctx.http_at_upgrade, ctx.endpoint.as_ref()) else {
        return (exp, Err("no WebSocket upgrade was accepted".into()));
    };
    match endpoint.http_requests().saturating_sub(before) {
        0 => (exp, Ok("none".into())),
        n => (exp, Err(format!("{n} HTTP request(s) to the endpoint after the upgrade"))),
    }
}

fn non_negative_integer(ctx: &Context<'_>, pointer: &str) -> (String, Outcome) {
    let exp = format!("{pointer}, when present, a non-negative integer");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.json.as_ref().and_then(|j| j.pointer(pointer)) {
        None => (exp, Ok("absent".into())),
        Some(v) if v.as_u64().is_some() => (exp, Ok(v.to_string())),
        Some(v) => (exp, Err(v.to_string())),
    }
}

fn status(ctx: &Context<'_>, spec: &StatusSpec) -> (String, Outcome) {
    let expected = match spec {
        StatusSpec::Exact(s) => format!("HTTP status {s}"),
        StatusSpec::Not { not } => format!("an HTTP status other than {not}"),
        StatusSpec::Class { class } => format!("an HTTP {class} status"),
        StatusSpec::NotClass { not_class } => format!("an HTTP status outside {not_class}"),
    };
    if let (None, Some(why)) = (&ctx.last, &ctx.refused) {
        return (expected, Err(format!("no HTTP answer: {why}")));
    }
    let Some(last) = &ctx.last else { return (expected, no_response()) };
    let Some(got) = last.status else {
        return (expected, Err("the SUT's last message is a request, not a response".into()));
    };
    let class_of = |c: &str| c.as_bytes().first().map(|d| u16::from(d - b'0')) == Some(got / 100);
    let ok = match spec {
        StatusSpec::Exact(s) => got == *s,
        StatusSpec::Not { not } => got != *not,
        StatusSpec::Class { class } => class_of(class),
        StatusSpec::NotClass { not_class } => !class_of(not_class),
    };
    let actual = format!("HTTP status {got}");
    (expected, if ok { Ok(actual) } else { Err(actual) })
}

fn content_type(ctx: &Context<'_>, expected: &str) -> (String, Outcome) {
    let exp = format!("Content-Type {expected}");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    match last.header("content-type") {
        None => (exp, Err("no Content-Type header".into())),
        Some(ct) => {
            let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let actual = format!("Content-Type {ct}");
            (exp, if media == expected.to_ascii_lowercase() { Ok(actual) } else { Err(actual) })
        }
    }
}

fn schema(ctx: &Context<'_>, name: &str) -> (String, Outcome) {
    let exp = format!("a body valid against schema {name}");
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let Some(json) = &last.json else {
        let what = if last.body.is_empty() { "an empty body".to_owned() } else { "a body that is not JSON".to_owned() };
        return (exp, Err(what));
    };
    match Schemas::embedded().validate(name, json) {
        Ok(v) if v.is_empty() => (exp, Ok("valid".into())),
        Ok(v) => (exp, Err(list(v.iter().map(ToString::to_string)))),
        Err(e) => (exp, Err(e.to_string())),
    }
}

fn count(ctx: &Context<'_>, spec: &CountSpec) -> (String, Outcome) {
    let bounds = match (spec.min, spec.max) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "any number of".into(),
    };
    let exp = format!("{bounds} members at {}", spec.at);
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let Some(json) = &last.json else { return (exp, Err("the body is not JSON".into())) };
    let n = match json.pointer(&spec.at) {
        None => 0,
        Some(Value::Object(m)) => m.len(),
        Some(Value::Array(a)) => a.len(),
        Some(other) => return (exp, Err(format!("{} is {other}, not an object or array", spec.at))),
    };
    let ok = spec.min.is_none_or(|lo| n >= lo) && spec.max.is_none_or(|hi| n <= hi);
    let actual = format!("{n} members at {}", spec.at);
    (exp, if ok { Ok(actual) } else { Err(actual) })
}

fn error_code(ctx: &Context<'_>, spec: ErrorCodeSpec) -> (String, Outcome) {
    let exp = match spec {
        ErrorCodeSpec::Present => "a JSON error body with a string `err` (RFC 8935 §2.3)".to_owned(),
        ErrorCodeSpec::Registered => "an `err` code from the RFC 8935 §7.1 registry".to_owned(),
    };
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let err = last.json.as_ref().and_then(|j| j.get("err"));
    let outcome = match (err, spec) {
        (Some(Value::String(code)), ErrorCodeSpec::Present) if !code.is_empty() => Ok(format!("err {code:?}")),
        (Some(Value::String(code)), ErrorCodeSpec::Registered) => {
            if REGISTERED_ERR_CODES.contains(&code.as_str()) {
                Ok(format!("err {code:?}"))
            } else {
                Err(format!("err {code:?} is not a registered code"))
            }
        }
        (Some(other), _) => Err(format!("err is {other}")),
        (None, _) => Err(match &last.json {
            Some(_) => "a JSON body without `err`".into(),
            None if last.body.is_empty() => "an empty body".into(),
            None => "a body that is not JSON".into(),
        }),
    };
    (exp, outcome)
}

fn sets_valid(ctx: &Context<'_>, reqs: &Reqs) -> Vec<Judgement> {
    let sets = ctx.last_sets();
    let mut by_req: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (key, value) in &sets {
        let Some(token) = value.as_str() else {
            by_req.entry("PP-CO-003").or_default().push(format!("{key}: value is not a string"));
            continue;
        };
        for f in inspect(key, token, &ctx.sut_trust) {
            by_req.entry(f.req).or_default().push(format!("{key}: {}", f.detail));
        }
    }
    reqs.ids()
        .map(|req| {
            let problems = by_req.get(req.as_str());
            Judgement {
                req: req.clone(),
                expected: format!("every SET in the response keeps {req}"),
                actual: match problems {
                    None => format!("{} SETs checked, none breaks it", sets.len()),
                    Some(p) => list(p.iter().cloned()),
                },
                kept: problems.is_none(),
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Ack,
    Err,
    Neither,
}

fn answered(ctx: &Context<'_>, sel: Selector, want: Answer) -> (String, Outcome) {
    let which = match sel {
        Selector::All => "every SET the harness sent".to_owned(),
        Selector::Valid => "every valid SET the harness sent".to_owned(),
        Selector::Defective => "every defective SET the harness sent".to_owned(),
        Selector::Step(n) => format!("every SET the harness sent in step {n}"),
    };
    let exp = match want {
        Answer::Ack => format!("{which} acknowledged in `ack`, not in `setErrs`"),
        Answer::Err => format!("{which} reported in `setErrs`, not in `ack`"),
        Answer::Neither => format!("{which} neither acknowledged nor reported"),
    };
    let chosen: Vec<_> = ctx
        .sent
        .iter()
        .filter(|s| match sel {
            Selector::All => true,
            Selector::Valid => s.kind == SetKind::Valid,
            Selector::Defective => s.kind != SetKind::Valid,
            Selector::Step(n) => s.step == n,
        })
        .collect();
    if chosen.is_empty() {
        return (exp, Err("the harness sent no such SET (nothing to judge)".into()));
    }
    let mut wrong = Vec::new();
    let mut late = 0;
    for s in &chosen {
        let acked = ctx.sut_acks.get(&s.key);
        let errored = ctx.sut_errs.get(&s.key).map(|(step, _)| step);
        let state = match (acked, errored) {
            (Some(_), Some(_)) => "both acknowledged and reported",
            (Some(_), None) => "acknowledged",
            (None, Some(_)) => "reported in setErrs",
            (None, None) => "never answered",
        };
        let ok = match want {
            Answer::Ack => acked.is_some() && errored.is_none(),
            Answer::Err => errored.is_some() && acked.is_none(),
            Answer::Neither => acked.is_none() && errored.is_none(),
        };
        if !ok {
            wrong.push(format!("{} ({:?}): {state}", s.key, s.kind));
        } else if acked.or(errored).is_some_and(|step| *step > s.step) {
            late += 1;
        }
    }
    if wrong.is_empty() {
        let note = if late > 0 { format!(", {late} of them in a later response") } else { String::new() };
        (exp, Ok(format!("all {} as expected{note}", chosen.len())))
    } else {
        (exp, Err(format!("{} of {}: {}", wrong.len(), chosen.len(), list(wrong.into_iter()))))
    }
}

fn set_errs_have(ctx: &Context<'_>, member: &str) -> (String, Outcome) {
    let exp = format!("every setErrs entry has a string `{member}`");
    let has = |entry: &Value| entry.get(member).is_some_and(Value::is_string);
    every_set_err(ctx, exp, has, |jti, entry| format!("{jti}: {entry}"), &format!("all with `{member}`"))
}

fn acks_known(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "every jti in `ack` and `setErrs` is one the harness sent".to_owned();
    let strangers: Vec<String> = ctx
        .sut_acks
        .keys()
        .chain(ctx.sut_errs.keys())
        .filter(|jti| !ctx.sent.iter().any(|s| &s.key == *jti))
        .cloned()
        .collect();
    if strangers.is_empty() {
        (exp, Ok(format!("{} answers, all for SETs the harness sent", ctx.sut_acks.len() + ctx.sut_errs.len())))
    } else {
        (exp, Err(format!("never sent: {}", list(strangers.into_iter()))))
    }
}

fn ack_err_disjoint(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "no jti both in `ack` and in `setErrs`".to_owned();
    let both: Vec<String> = ctx.sut_acks.keys().filter(|j| ctx.sut_errs.contains_key(*j)).cloned().collect();
    if both.is_empty() { (exp, Ok("none".into())) } else { (exp, Err(list(both.into_iter()))) }
}

fn redelivered(ctx: &Context<'_>, step: usize) -> (String, Outcome) {
    let exp = format!("the SETs received in step {step}, not yet answered, delivered again");
    let earlier: Vec<&String> = ctx
        .received
        .get(&step)
        .map(|keys| keys.iter().filter(|k| !ctx.answered_before_last(k)).collect())
        .unwrap_or_default();
    if earlier.is_empty() {
        return (exp, Err(format!("no unanswered SETs were received in step {step} to look for")));
    }
    let now: Vec<&String> = ctx.last_sets().into_iter().map(|(k, _)| k).collect();
    let missing: Vec<String> = earlier.iter().filter(|k| !now.contains(k)).map(|k| (*k).clone()).collect();
    if missing.is_empty() {
        (exp, Ok(format!("all {} delivered again", earlier.len())))
    } else {
        (exp, Err(format!("{} of {} not delivered again: {}", missing.len(), earlier.len(), list(missing.into_iter()))))
    }
}

fn retired(ctx: &Context<'_>, step: usize) -> (String, Outcome) {
    let exp = format!("no SET received in step {step} and since answered is delivered again");
    let answered: Vec<&String> = ctx
        .received
        .get(&step)
        .map(|keys| keys.iter().filter(|k| ctx.answered_before_last(k)).collect())
        .unwrap_or_default();
    if answered.is_empty() {
        return (exp, Err(format!("no SETs received in step {step} were answered, so nothing to look for")));
    }
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    if last.step != ctx.step {
        return (exp, Err("this step got no response to look in".into()));
    }
    let now: Vec<&String> = ctx.last_sets().into_iter().map(|(k, _)| k).collect();
    let back: Vec<String> = answered.iter().filter(|k| now.contains(k)).map(|k| (*k).clone()).collect();
    if back.is_empty() {
        (exp, Ok(format!("none of {} came back", answered.len())))
    } else {
        (exp, Err(format!("delivered again after being answered: {}", list(back.into_iter()))))
    }
}

/// Misspellings of the Communication Object's members seen in the wild or in
/// the drafts themselves (pushpull §11 says `acks`, AMB-07).
const MISNAMED_MEMBERS: [&str; 10] = [
    "acks",
    "Ack",
    "ACK",
    "Sets",
    "SETs",
    "setErrors",
    "SetErrs",
    "set_errs",
    "max_response_events",
    "maxresponseevents",
];

fn member_names(ctx: &Context<'_>) -> (String, Outcome) {
    let exp = "only the defined, case-sensitive member names (sets, ack, setErrs)".to_owned();
    let Some(last) = &ctx.last else { return (exp, no_response()) };
    let Some(Value::Object(obj)) = &last.json else { return (exp, Err("the body is not a JSON object".into())) };
    let wrong: Vec<String> = obj.keys().filter(|k| MISNAMED_MEMBERS.contains(&k.as_str())).cloned().collect();
    if wrong.is_empty() {
        (exp, Ok(format!("members: {}", obj.keys().cloned().collect::<Vec<_>>().join(", "))))
    } else {
        (exp, Err(format!("misnamed members: {}", wrong.join(", "))))
    }
}

/// Every SET the harness sent was answered within `n` of the SUT's messages after it.
fn prompt_answers(ctx: &Context<'_>, n: usize) -> (String, Outcome) {
    let exp = format!("every SET the harness sent answered within {n} of the SUT's messages");
    if ctx.sent.is_empty() {
        return (exp, Err("the harness sent no SET (nothing to judge)".into()));
    }
    let slow: Vec<String> = ctx
        .sent
        .iter()
        .filter_map(|s| match ctx.answered_in.get(&s.key) {
            Some(at) if at.saturating_sub(s.after) <= n => None,
            Some(at) => Some(format!("{}: answered in message {} after it", s.key, at.saturating_sub(s.after))),
            None => Some(format!("{}: never answered", s.key)),
        })
        .collect();
    if slow.is_empty() {
        (exp, Ok(format!("all {} answered in time", ctx.sent.len())))
    } else {
        (exp, Err(list(slow.into_iter())))
    }
}

/// Joins the first few items and counts the rest.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown = items.iter().take(LIST_LIMIT).cloned().collect::<Vec<_>>().join("; ");
    match items.len().saturating_sub(LIST_LIMIT) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}

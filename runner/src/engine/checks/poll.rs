//! Checks of RFC 8936 polling: held long polls, `moreAvailable`, the keys of
//! `sets`, and what a polling receiver's polls carry.

use super::{Outcome, list, no_response};
use crate::engine::state::{Clock, Ledger, Seen};
use serde_json::Value;

/// Whether the SUT held the last long poll (RFC 8936 §2.5) or answered it at
/// once. An early answer that carries SETs counts as held: SETs were there.
pub fn held(seen: &Seen, clock: &Clock, want: bool) -> (String, Outcome) {
    let Some(h) = clock.held else {
        return ("a poll watched as a long poll".into(), Err("no step watched a long poll".into()));
    };
    let window = h.window.as_millis();
    let carried = seen.last_sets().len();
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
pub fn more_available(seen: &Seen, want: bool) -> (String, Outcome) {
    let exp = if want { "`moreAvailable: true`" } else { "`moreAvailable` false or omitted" }.to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
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
pub fn keys_are_jtis(seen: &Seen) -> (String, Outcome) {
    let exp = "every `sets` member named by its SET's jti, the SET as a string".to_owned();
    let sets = seen.last_sets();
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
pub fn ack_only_immediate(ledger: &Ledger) -> (String, Outcome) {
    let exp = "`returnImmediately: true` on every poll with `maxEvents: 0`".to_owned();
    let ack_only: Vec<&Value> =
        ledger.polls.iter().filter(|p| p.get("maxEvents").and_then(Value::as_u64) == Some(0)).collect();
    if ack_only.is_empty() {
        return (exp, Ok(format!("{} polls, none acknowledge-only", ledger.polls.len())));
    }
    let blocking = ack_only.iter().filter(|p| p.get("returnImmediately") != Some(&Value::Bool(true))).count();
    if blocking == 0 {
        (exp, Ok(format!("{} acknowledge-only polls, all with it", ack_only.len())))
    } else {
        (exp, Err(format!("{blocking} of {} acknowledge-only polls without it", ack_only.len())))
    }
}

/// The SUT's first poll acknowledges and reports nothing: it has received nothing yet (RFC 8936 §2.4).
pub fn first_poll_bare(ledger: &Ledger) -> (String, Outcome) {
    let exp = "a first poll with no `ack` or `setErrs` entries".to_owned();
    let Some(first) = ledger.polls.first() else { return (exp, Err("no poll arrived".into())) };
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

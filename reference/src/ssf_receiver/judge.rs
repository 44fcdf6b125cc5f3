//! The SSF rules a receiver applies to a SET of its stream once the SET itself
//! is valid (RFC 8417 validation in [`crate::jose`]): no SET on a stream it
//! refused, verification states (SSF §8.1.4.2), unknown event types
//! (SSF-SET-009) and stream-updated (SSF §8.1.5).

use super::state::{Phase, SsfPeer};
use super::stream::EVENTS_REQUESTED;
use crate::fault::Fault;
use crate::jose::Rejection;
use crate::ssf::{STREAM_UPDATED_EVENT, VERIFICATION_EVENT};
use serde_json::Value;

/// SSF §8.1.4.1: the code for a verification SET whose `state` was never asked for.
pub const INVALID_STATE: &str = "invalid_state";

fn refuse(err: &'static str, description: &str) -> Rejection {
    Rejection { err, description: description.to_owned() }
}

/// Judges `set`, a valid SET of the peer, when the peer is an SSF transmitter.
pub fn judge_if_ssf(ssf: &mut Option<SsfPeer>, set: &str, fault: Option<Fault>) -> Result<(), Rejection> {
    match ssf {
        Some(ssf) => judge(ssf, set, fault),
        None => Ok(()),
    }
}

/// Judges `set`, a valid SET of the peer's stream; marks the status to be
/// read again after a stream-updated event.
pub fn judge(ssf: &mut SsfPeer, set: &str, fault: Option<Fault>) -> Result<(), Rejection> {
    if ssf.phase != Phase::Ready {
        return Err(refuse("invalid_request", "no stream of this receiver carries SETs"));
    }
    let claims = set.split('.').nth(1).and_then(crate::jose::decode_part).unwrap_or_default();
    let Some(events) = claims.get("events").and_then(Value::as_object) else {
        return Err(refuse("invalid_request", "events is missing"));
    };
    if let Some(payload) = events.get(VERIFICATION_EVENT) {
        return verification(ssf, payload.get("state"), fault);
    }
    // SSF §8.1.4.2 (SSF-VER-007): other SETs need not wait for the verification.
    if fault == Some(Fault::SsfRcvVerificationFirst) && !ssf.verified {
        return Err(refuse("invalid_request", "the stream is not verified yet"));
    }
    // SSF-SET-009: event types the receiver does not know are accepted.
    let known = |t: &String| EVENTS_REQUESTED.contains(&t.as_str()) || t == STREAM_UPDATED_EVENT;
    if fault == Some(Fault::SsfRcvRefuseUnknownEvent) && !events.keys().all(known) {
        return Err(refuse("invalid_request", "an event type is not known here"));
    }
    // SSF §8.1.5 (SSF-STAT-006): the receiver reads the status again.
    if events.contains_key(STREAM_UPDATED_EVENT) && fault != Some(Fault::SsfRcvIgnoreStreamUpdated) {
        ssf.status_to_read = true;
    }
    Ok(())
}

/// SSF §8.1.4.2: a `state` the receiver asked for is accepted (SSF-VER-006),
/// another refused with `invalid_state`; none is an unsolicited verification,
/// accepted (SSF-VER-005, SSF-VER-008).
fn verification(ssf: &mut SsfPeer, state: Option<&Value>, fault: Option<Fault>) -> Result<(), Rejection> {
    match state {
        Some(Value::String(s)) if ssf.asked_states.contains(s) => {
            ssf.verified = true;
            Ok(())
        }
        Some(_) if fault == Some(Fault::SsfRcvIgnoreState) => Ok(()),
        Some(_) => Err(refuse(INVALID_STATE, "state is not one this receiver asked for")),
        None if fault == Some(Fault::SsfRcvRefuseUnsolicitedVerification) => {
            Err(refuse("invalid_request", "a verification without state is not taken"))
        }
        None => Ok(()),
    }
}

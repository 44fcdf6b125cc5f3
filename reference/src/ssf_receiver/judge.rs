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

/// Whether the peer may have SETs taken at all: it is no SSF transmitter, or
/// its stream is in use (not still configuring, stopped or refused).
pub fn stream_in_use(ssf: &Option<SsfPeer>) -> bool {
    ssf.as_ref().is_none_or(|ssf| ssf.phase == Phase::Ready)
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
    // SSF §8.1.5: told the status changed, the receiver reads it again (its choice; no rule asks).
    if events.contains_key(STREAM_UPDATED_EVENT) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssf_receiver::Registration;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use serde_json::json;

    const CAEP: &str = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    const UNKNOWN: &str = "https://example.com/event-type/new";

    fn ready() -> SsfPeer {
        let registration = Registration::parse(&json!({
            "configuration_url": "https://127.0.0.1:1/.well-known/ssf-configuration/ssf/a",
            "issuer": "https://127.0.0.1:1/ssf/a",
            "token_endpoint": "https://127.0.0.1:1/ssf/a/token",
            "client_id": "c", "client_secret": "s", "delivery": "push",
        }))
        .unwrap();
        let mut ssf = SsfPeer::new(registration, reqwest::Client::new());
        ssf.phase = Phase::Ready;
        ssf.asked_states.push("asked".into());
        ssf
    }

    /// A SET carrying `events`; only its claims are read here (the signature was checked before).
    fn set(events: Value) -> String {
        format!("e30.{}.sig", B64.encode(json!({ "events": events }).to_string()))
    }

    fn verification(state: Option<&str>) -> String {
        set(json!({ VERIFICATION_EVENT: state.map_or(json!({}), |s| json!({ "state": s })) }))
    }

    fn errs(fault: Option<Fault>, sets: &[String]) -> Vec<Option<&'static str>> {
        let mut ssf = ready();
        sets.iter().map(|s| judge(&mut ssf, s, fault).err().map(|r| r.err)).collect()
    }

    #[test]
    fn verification_states_are_judged_as_ssf_says() {
        let sets = [verification(Some("asked")), verification(Some("guess")), verification(None)];
        assert_eq!(errs(None, &sets), [None, Some(INVALID_STATE), None]);
        assert_eq!(errs(Some(Fault::SsfRcvIgnoreState), &sets), [None, None, None]);
        let refused = Some("invalid_request");
        assert_eq!(errs(Some(Fault::SsfRcvRefuseUnsolicitedVerification), &sets), [None, Some(INVALID_STATE), refused]);
    }

    #[test]
    fn other_sets_need_no_verification_and_may_name_any_event_type() {
        let sets = [
            set(json!({ CAEP: {} })),
            set(json!({ UNKNOWN: {} })),
            verification(Some("asked")),
            set(json!({ CAEP: {} })),
        ];
        assert_eq!(errs(None, &sets), [None; 4]);
        let refused = Some("invalid_request");
        assert_eq!(errs(Some(Fault::SsfRcvVerificationFirst), &sets), [refused, refused, None, None]);
        assert_eq!(errs(Some(Fault::SsfRcvRefuseUnknownEvent), &sets), [None, refused, None, None]);
    }

    #[test]
    fn stream_updated_makes_the_status_due() {
        let updated = set(json!({ STREAM_UPDATED_EVENT: { "status": "paused" } }));
        let mut ssf = ready();
        assert_eq!(judge(&mut ssf, &updated, None), Ok(()));
        assert!(ssf.status_to_read);
    }

    #[test]
    fn a_stream_not_in_use_carries_nothing() {
        let mut ssf = ready();
        ssf.phase = Phase::Refused;
        assert!(judge(&mut ssf, &verification(None), None).is_err());
    }

    #[test]
    fn only_a_stream_in_use_takes_sets() {
        assert!(stream_in_use(&None));
        assert!(stream_in_use(&Some(ready())));
        for phase in [Phase::Configuring, Phase::Refused] {
            let mut ssf = ready();
            ssf.phase = phase;
            assert!(!stream_in_use(&Some(ssf)));
        }
    }
}

//! Recognising the SSF events a transmitter sends on a stream (SSF §8.1.4, §8.1.5).

use super::VERIFICATION_EVENT;
use serde_json::{Map, Value};

/// Receiver-supplied members of a stream configuration (SSF §8.1.1).
pub const RECEIVER_MEMBERS: [&str; 3] = ["events_requested", "delivery", "description"];

/// An `events` object that looks like a verification event: its exact type, or
/// a near miss (a misspelt type is judged, not waited out).
pub fn is_verification(events: &Map<String, Value>) -> bool {
    events.keys().any(|k| k == VERIFICATION_EVENT || k.contains("verif"))
}

/// An `events` object that answers a verification request with `state`: one of
/// its events carries that state, or (no state asked) it is a verification event.
pub fn answers(events: &Map<String, Value>, state: Option<&str>) -> bool {
    match state {
        Some(state) => events.values().any(|e| e.get("state").and_then(Value::as_str) == Some(state)),
        None => is_verification(events),
    }
}

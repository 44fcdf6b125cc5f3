//! Checks of time: whether the SUT's request came within a window, how long
//! it waited before a retry, how fast it answered.

use super::{Outcome, no_response};
use crate::catalogue::{Check, DelaySpec};
use crate::engine::state::{Clock, Link, Seen};

/// Whether the SUT's request came in the last `await_request` step; with
/// `in_time`, whether it came within that step's reasonable window.
pub fn arrived(clock: &Clock, link: &Link, in_time: bool) -> (String, Outcome) {
    let Some(a) = clock.awaited else {
        return ("a request from the SUT".into(), Err("no step waited for a request".into()));
    };
    let limit = if in_time { a.within } else { a.up_to };
    let what = a.what;
    let exp = format!("a {what} from the SUT within {} ms", limit.as_millis());
    let outcome = match a.arrived_after {
        None => Err(format!("no {what} within {} ms{}", a.up_to.as_millis(), strays(link))),
        Some(t) if t <= limit => Ok(format!("a {what} after {} ms", t.as_millis())),
        Some(t) => Err(format!("a {what} only after {} ms", t.as_millis())),
    };
    (exp, outcome)
}

/// Requests that reached the harness's listener outside the endpoint's URL, as
/// a remark for a reason: a SUT that mangles the URL it was given is seen here.
fn strays(link: &Link) -> String {
    let Some((count, noted)) = link.endpoint.as_ref().map(|e| e.strays()).filter(|(n, _)| *n > 0) else {
        return String::new();
    };
    format!("; {count} request(s) came to other paths on the listener and got 404: {}", noted.join(", "))
}

/// No request reached the harness in the last `await_request` step.
pub fn nothing_arrived(clock: &Clock) -> (String, Outcome) {
    let Some(a) = clock.awaited else {
        return ("no request from the SUT".into(), Err("no step waited for a request".into()));
    };
    let what = a.what;
    let exp = format!("no {what} from the SUT within {} ms", a.up_to.as_millis());
    match a.arrived_after {
        None => (exp, Ok("none came".into())),
        Some(t) => (exp, Err(format!("a {what} after {} ms", t.as_millis()))),
    }
}

/// Why a check on a retry is not judged: the transmitter sent nothing again
/// within the step's window. Retransmitting is its choice (RFC 8935 §2);
/// PUSH-007 is about the spacing of the retries it does make.
pub fn no_retry(check: &Check, clock: &Clock) -> Option<String> {
    if !matches!(check, Check::Delay(_) | Check::DelayGrows(_)) {
        return None;
    }
    let a = clock.awaited?;
    a.arrived_after.is_none().then(|| {
        format!(
            "the SUT did not retry within {} ms (RFC 8935 §2 lets a transmitter retry; only the spacing of retries is judged)",
            a.up_to.as_millis()
        )
    })
}

/// How long after the harness's previous answer the SUT's request came.
pub fn delay(clock: &Clock, spec: &DelaySpec) -> (String, Outcome) {
    let exp = match (spec.min_ms, spec.max_ms) {
        (Some(lo), Some(hi)) => format!("the request between {lo} and {hi} ms after the previous answer"),
        (Some(lo), None) => format!("the request at least {lo} ms after the previous answer"),
        (None, Some(hi)) => format!("the request at most {hi} ms after the previous answer"),
        (None, None) => "a request".to_owned(),
    };
    let Some(took) = clock.awaited.and_then(|a| a.arrived_after).and(clock.delays.last().copied()) else {
        return (exp, Err("no request came".into()));
    };
    let ms = took.as_millis() as u64;
    let kept = spec.min_ms.is_none_or(|lo| ms >= lo) && spec.max_ms.is_none_or(|hi| ms <= hi);
    (exp, if kept { Ok(format!("after {ms} ms")) } else { Err(format!("after {ms} ms")) })
}

/// This retry waited at least as long as the one before it (a backoff, RFC 8935 §2).
pub fn delay_grows(clock: &Clock) -> (String, Outcome) {
    let exp = "a delay before this retry no shorter than before the previous one (within 10%)".to_owned();
    let [.., before, now] = clock.delays[..] else {
        return (exp, Err(format!("{} measured delays; two are needed", clock.delays.len())));
    };
    let (b, n) = (before.as_millis(), now.as_millis());
    let actual = format!("{b} ms, then {n} ms");
    // Timers jitter: a delay within a tenth of the one before counts as not shorter.
    (exp, if n * 10 >= b * 9 { Ok(actual) } else { Err(actual) })
}

/// The SUT answered the harness's last request within `limit_ms`.
pub fn answered_within(seen: &Seen, limit_ms: u64) -> (String, Outcome) {
    let exp = format!("an answer within {limit_ms} ms");
    let Some(took) = seen.last_took else { return (exp, no_response()) };
    let ms = took.as_millis() as u64;
    (exp, if ms <= limit_ms { Ok(format!("answered in {ms} ms")) } else { Err(format!("answered in {ms} ms")) })
}

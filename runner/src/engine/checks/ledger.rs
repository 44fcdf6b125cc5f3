//! Checks over the delivery ledger: how the SUT answered every SET the
//! harness sent, and what it delivered again or retired (pushpull §6, §9;
//! RFC 8936 §2.4).

use super::{Look, Outcome, REGISTERED_ERR_CODES, list};
use crate::catalogue::Selector;
use crate::engine::state::{Clock, Ledger, Seen};
use serde_json::Value;

#[derive(Clone, Copy, PartialEq)]
pub enum Answer {
    Ack,
    Err,
    Neither,
}

pub fn answered(ledger: &Ledger, sel: Selector, want: Answer) -> (String, Outcome) {
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
    let chosen: Vec<_> = ledger
        .sent
        .iter()
        .filter(|s| match sel {
            Selector::All => true,
            Selector::Valid => s.kind.acceptable(),
            Selector::Defective => !s.kind.acceptable(),
            Selector::Step(n) => s.step == n,
        })
        .collect();
    if chosen.is_empty() {
        return (exp, Err("the harness sent no such SET (nothing to judge)".into()));
    }
    let mut wrong = Vec::new();
    let mut late = 0;
    for s in &chosen {
        let acked = ledger.sut_acks.get(&s.key);
        let errored = ledger.sut_errs.get(&s.key).map(|(step, _)| step);
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

pub fn set_errs_have(ledger: &Ledger, member: &str) -> (String, Outcome) {
    let exp = format!("every setErrs entry has a string `{member}`");
    let has = |entry: &Value| entry.get(member).is_some_and(Value::is_string);
    every_set_err(ledger, exp, has, |jti, entry| format!("{jti}: {entry}"), &format!("all with `{member}`"))
}

pub fn acks_known(ledger: &Ledger) -> (String, Outcome) {
    let exp = "every jti in `ack` and `setErrs` is one the harness sent".to_owned();
    let strangers: Vec<String> = ledger
        .sut_acks
        .keys()
        .chain(ledger.sut_errs.keys())
        .filter(|jti| !ledger.sent.iter().any(|s| &s.key == *jti))
        .cloned()
        .collect();
    if strangers.is_empty() {
        (exp, Ok(format!("{} answers, all for SETs the harness sent", ledger.sut_acks.len() + ledger.sut_errs.len())))
    } else {
        (exp, Err(format!("never sent: {}", list(strangers.into_iter()))))
    }
}

pub fn ack_err_disjoint(ledger: &Ledger) -> (String, Outcome) {
    let exp = "no jti both in `ack` and in `setErrs`".to_owned();
    let both: Vec<String> = ledger.sut_acks.keys().filter(|j| ledger.sut_errs.contains_key(*j)).cloned().collect();
    if both.is_empty() { (exp, Ok("none".into())) } else { (exp, Err(list(both.into_iter()))) }
}

/// The SETs received in `step` and not yet answered, delivered again in the
/// last message; with no such SETs there is nothing to look for (not judged).
pub fn redelivered(seen: &Seen, ledger: &Ledger, step: usize) -> (String, Look) {
    let exp = format!("the SETs received in step {step}, not yet answered, delivered again");
    let earlier: Vec<&String> = ledger
        .received
        .get(&step)
        .map(|keys| keys.iter().filter(|k| !ledger.answered_before(k, seen.last_seq())).collect())
        .unwrap_or_default();
    if earlier.is_empty() {
        return (exp, Look::NotJudged(format!("no unanswered SETs were received in step {step} to look for")));
    }
    if seen.last.is_none() {
        return (exp, Look::Broken(format!("none of {} delivered again: nothing came", earlier.len())));
    }
    let now: Vec<&String> = seen.last_sets().into_iter().map(|(k, _)| k).collect();
    let missing: Vec<String> = earlier.iter().filter(|k| !now.contains(k)).map(|k| (*k).clone()).collect();
    if missing.is_empty() {
        (exp, Look::Kept(format!("all {} delivered again", earlier.len())))
    } else {
        let n = earlier.len();
        (exp, Look::Broken(format!("{} of {n} not delivered again: {}", missing.len(), list(missing.into_iter()))))
    }
}

/// No SET received in `step` and since answered came back in this step's
/// message. Silence over the step's window keeps the rule; with no answered
/// SETs there is nothing to look for (not judged).
pub fn retired(seen: &Seen, ledger: &Ledger, clock: &Clock, step: usize) -> (String, Look) {
    let exp = format!("no SET received in step {step} and since answered is delivered again");
    let answered: Vec<&String> = ledger
        .received
        .get(&step)
        .map(|keys| keys.iter().filter(|k| ledger.answered_before(k, seen.last_seq())).collect())
        .unwrap_or_default();
    if answered.is_empty() {
        return (
            exp,
            Look::NotJudged(format!("no SETs received in step {step} were answered, so nothing to look for")),
        );
    }
    let this_step = seen.last.as_ref().filter(|last| last.step == clock.step);
    let Some(_) = this_step else {
        return match clock.awaited.filter(|a| a.arrived_after.is_none()) {
            Some(a) => (exp, Look::Kept(format!("nothing came back within {} ms", a.up_to.as_millis()))),
            None => (exp, Look::NotJudged("this step got no message from the SUT to look in".into())),
        };
    };
    let now: Vec<&String> = seen.last_sets().into_iter().map(|(k, _)| k).collect();
    let back: Vec<String> = answered.iter().filter(|k| now.contains(k)).map(|k| (*k).clone()).collect();
    if back.is_empty() {
        (exp, Look::Kept(format!("none of {} came back", answered.len())))
    } else {
        (exp, Look::Broken(format!("delivered again after being answered: {}", list(back.into_iter()))))
    }
}

/// Every SET the harness sent was answered within `n` of the SUT's messages after it.
pub fn prompt_answers(ledger: &Ledger, n: usize) -> (String, Outcome) {
    let exp = format!("every SET the harness sent answered within {n} of the SUT's messages");
    if ledger.sent.is_empty() {
        return (exp, Err("the harness sent no SET (nothing to judge)".into()));
    }
    let slow: Vec<String> = ledger
        .sent
        .iter()
        .filter_map(|s| match ledger.answered_in.get(&s.key) {
            Some(at) if at.saturating_sub(s.after) <= n => None,
            Some(at) => Some(format!("{}: answered in message {} after it", s.key, at.saturating_sub(s.after))),
            None => Some(format!("{}: never answered", s.key)),
        })
        .collect();
    if slow.is_empty() {
        (exp, Ok(format!("all {} answered in time", ledger.sent.len())))
    } else {
        (exp, Err(list(slow.into_iter())))
    }
}

/// Every SET the harness delivered again after its acknowledgement was acknowledged again (RFC 8936 §2.4).
pub fn reacked(ledger: &Ledger) -> (String, Outcome) {
    let exp = "every SET delivered again acknowledged again".to_owned();
    if ledger.resent.is_empty() {
        return (exp, Err("the harness delivered nothing again (nothing to judge)".into()));
    }
    let missing: Vec<String> = ledger
        .resent
        .iter()
        .filter(|(jti, at)| !ledger.ack_log.iter().any(|(acked, seq)| acked == jti && seq > at))
        .map(|(jti, _)| jti.clone())
        .collect();
    if missing.is_empty() {
        (exp, Ok(format!("all {} acknowledged again", ledger.resent.len())))
    } else {
        (exp, Err(format!("not acknowledged again: {}", list(missing.into_iter()))))
    }
}

/// Every `err` the SUT reported in `setErrs` is a registered code (RFC 8936 §2.6, RFC 8935 §7.1).
pub fn set_errs_registered(ledger: &Ledger) -> (String, Outcome) {
    let exp = "every setErrs `err` a code of the RFC 8935 §7.1 registry".to_owned();
    let registered =
        |entry: &Value| entry.get("err").and_then(Value::as_str).is_some_and(|c| REGISTERED_ERR_CODES.contains(&c));
    let shown = |jti: &str, entry: &Value| format!("{jti}: err {}", entry.get("err").unwrap_or(&Value::Null));
    every_set_err(ledger, exp, registered, shown, "all registered")
}

/// Judges every setErrs entry the SUT gave with `keeps`; failing entries are
/// shown with `shown`, and a pass says `all_kept`.
fn every_set_err(
    ledger: &Ledger,
    exp: String,
    keeps: impl Fn(&Value) -> bool,
    shown: impl Fn(&str, &Value) -> String,
    all_kept: &str,
) -> (String, Outcome) {
    if ledger.sut_errs.is_empty() {
        return (exp, Err("no setErrs entries were received".into()));
    }
    let failing: Vec<String> = ledger
        .sut_errs
        .iter()
        .filter(|(_, (_, entry))| !keeps(entry))
        .map(|(jti, (_, entry))| shown(jti, entry))
        .collect();
    if failing.is_empty() {
        (exp, Ok(format!("{} entries, {all_kept}", ledger.sut_errs.len())))
    } else {
        (exp, Err(list(failing.into_iter())))
    }
}

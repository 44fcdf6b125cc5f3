//! Checks of the SSF management API (SSF 1.0 §7, §8): members of the SUT's
//! last JSON answer, its stream configurations, and the verification and
//! stream-updated events that came on the scenario's streams.

use super::{LIST_LIMIT, Look, list};
use crate::catalogue::ssf_step::{EventsDeliveredCheck, MemberIs, MemberSpec, StreamUpdatedCheck, VerificationCheck};
use crate::engine::state::{Ledger, Seen, SsfState};
use crate::ssf::events::{RECEIVER_MEMBERS, answers, is_verification};
use crate::ssf::{STREAM_UPDATED_EVENT, VERIFICATION_EVENT};
use serde_json::{Map, Value, json};

/// The management endpoints the metadata may name (SSF §7.1, SSF-DISC-008).
const ENDPOINTS: [&str; 5] = [
    "configuration_endpoint",
    "status_endpoint",
    "add_subject_endpoint",
    "remove_subject_endpoint",
    "verification_endpoint",
];
/// Requested event types no transmitter supports: SSF-STRM-005 says they are ignored.
pub const UNKNOWN_EVENT_PREFIX: &str = "urn:setconform:unknown-event";

/// The SUT's last answer as JSON, or why there is none to judge.
fn last_json(seen: &Seen) -> Result<&Value, String> {
    let Some(last) = &seen.last else { return Err("no answer from the SUT".into()) };
    last.json.as_ref().ok_or_else(|| format!("the answer (HTTP status {}) is not JSON", last.status.unwrap_or(0)))
}

fn show(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 120 {
        format!("{}…", &text[..text.char_indices().nth(120).map_or(text.len(), |(i, _)| i)])
    } else {
        text
    }
}

/// `member`: the value at a JSON pointer of the last answer.
pub fn member(ssf: &SsfState, seen: &Seen, issuer: Option<&str>, spec: &MemberSpec) -> (String, Look) {
    let at = &spec.at;
    let known = |what: MemberIs| -> Option<Value> {
        match what {
            MemberIs::Issuer => issuer.map(|i| json!(i)),
            MemberIs::MetadataIssuer => ssf.metadata.as_ref()?.get("issuer").cloned(),
            MemberIs::StreamId => ssf.last_stream_id.as_ref().map(|i| json!(i)),
            MemberIs::NewStreamId => None,
            MemberIs::HarnessEndpoint => ssf.endpoint.as_ref().map(|(u, _)| json!(u)),
            MemberIs::Sent => ssf.last_sent.as_ref()?.pointer(at).cloned(),
            MemberIs::Unchanged => ssf.before.as_ref()?.pointer(at).cloned(),
            _ => None,
        }
    };
    let expected = match (&spec.is, &spec.equals, &spec.one_of) {
        _ if spec.contains.is_some() => {
            format!("`{at}` holds {}", show(spec.contains.as_ref().unwrap_or(&Value::Null)))
        }
        (_, Some(v), _) => format!("`{at}` is {}", show(v)),
        (_, _, Some(vs)) => format!("`{at}` is one of {}", vs.iter().map(show).collect::<Vec<_>>().join(", ")),
        (Some(MemberIs::Present), ..) => format!("`{at}` is present"),
        (Some(MemberIs::Absent), ..) => format!("`{at}` is absent"),
        (Some(MemberIs::Https), ..) => format!("`{at}` is an https URL"),
        (Some(MemberIs::Array), ..) => format!("`{at}` is a JSON array"),
        (Some(what), ..) => format!("`{at}` is {}", describe(*what)),
        (None, None, None) => format!("`{at}` is present"),
    };
    let json = match last_json(seen) {
        Ok(j) => j,
        Err(why) => return (expected, Look::Broken(why)),
    };
    let got = json.pointer(at);
    if got.is_none() && spec.optional {
        return (expected, Look::NotJudged(format!("not judged: `{at}` is absent (optional)")));
    }
    // A credential (SSF §6.1.1 `authorization_header`) is judged, never shown.
    let secret = at.rsplit('/').next().is_some_and(crate::wire::is_secret_member);
    let shown = |v: &Value| if secret { crate::wire::REDACTED.to_owned() } else { show(v) };
    let actual = got.map_or_else(|| format!("`{at}` is absent"), |v| format!("`{at}` is {}", shown(v)));
    let kept = match (&spec.is, &spec.equals, &spec.one_of) {
        _ if spec.contains.is_some() => {
            got.and_then(Value::as_array).is_some_and(|a| a.iter().any(|v| Some(v) == spec.contains.as_ref()))
        }
        (_, Some(v), _) => got == Some(v),
        (_, _, Some(vs)) => got.is_some_and(|g| vs.contains(g)),
        (Some(MemberIs::Absent), ..) => got.is_none(),
        (Some(MemberIs::Https), ..) => got.and_then(Value::as_str).is_some_and(is_https),
        (Some(MemberIs::Array), ..) => got.is_some_and(Value::is_array),
        (None | Some(MemberIs::Present), ..) => got.is_some(),
        (Some(MemberIs::NewStreamId), ..) => {
            let others = ssf.streams.iter().filter(|(n, _)| ssf.current.as_ref() != Some(*n));
            got.is_some() && !others.map(|(_, s)| json!(s.id)).any(|id| Some(&id) == got)
        }
        (Some(what), ..) => match known(*what) {
            None => return (expected, Look::NotJudged(format!("not judged: {} is not known", describe(*what)))),
            Some(want) => got == Some(&want),
        },
    };
    (expected, if kept { Look::Kept(actual) } else { Look::Broken(actual) })
}

fn describe(what: MemberIs) -> &'static str {
    match what {
        MemberIs::Issuer => "the issuer configured for the SUT",
        MemberIs::MetadataIssuer => "the metadata's `issuer`",
        MemberIs::StreamId => "the `stream_id` the request named",
        MemberIs::NewStreamId => "a `stream_id` no other stream of the scenario has",
        MemberIs::HarnessEndpoint => "the harness's endpoint URL given at creation",
        MemberIs::Sent => "what the harness sent there",
        MemberIs::Unchanged => "what the stream's configuration held there before",
        MemberIs::Present => "present",
        MemberIs::Absent => "absent",
        MemberIs::Https => "an https URL",
        MemberIs::Array => "a JSON array",
    }
}

fn is_https(url: &str) -> bool {
    url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// SSF §7.2.3: members with zero elements are left out of the metadata.
pub fn no_empty_arrays(seen: &Seen) -> (String, Look) {
    let expected = "no member of the metadata is an empty array or object (SSF §7.2.3)".to_owned();
    let json = match last_json(seen) {
        Ok(j) => j,
        Err(why) => return (expected, Look::Broken(why)),
    };
    let Some(object) = json.as_object() else {
        return (expected, Look::Broken("the answer is not a JSON object".into()));
    };
    let empty: Vec<String> = object
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(Map::is_empty))
        .map(|(k, v)| format!("`{k}`: {v}"))
        .collect();
    match empty.is_empty() {
        true => (expected, Look::Kept(format!("{} members, none empty", object.len()))),
        false => (expected, Look::Broken(list(empty.into_iter()))),
    }
}

/// SSF §7.1: every management endpoint the metadata names is an https URL.
pub fn https_endpoints(seen: &Seen) -> (String, Look) {
    let expected = "every management endpoint in the metadata is an https URL (SSF §7.1)".to_owned();
    let json = match last_json(seen) {
        Ok(j) => j,
        Err(why) => return (expected, Look::Broken(why)),
    };
    let named: Vec<(&str, &Value)> = ENDPOINTS.iter().filter_map(|n| Some((*n, json.get(*n)?))).collect();
    if named.is_empty() {
        return (expected, Look::NotJudged("not judged: the metadata names no management endpoint".into()));
    }
    let bad: Vec<String> =
        named.iter().filter(|(_, v)| !v.as_str().is_some_and(is_https)).map(|(n, v)| format!("`{n}` is {v}")).collect();
    match bad.is_empty() {
        true => (expected, Look::Kept(format!("{} endpoints, all https", named.len()))),
        false => (expected, Look::Broken(list(bad.into_iter()))),
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// SSF §8.1.1: `events_delivered` of the last answer, against what was supported and requested.
pub fn events_delivered(ssf: &SsfState, seen: &Seen, check: EventsDeliveredCheck) -> (String, Look) {
    let expected = match check {
        EventsDeliveredCheck::Subset => "`events_delivered` lists only types both supported and requested",
        EventsDeliveredCheck::WithoutUnknown => "`events_delivered` leaves out the requested types the SUT cannot know",
    }
    .to_owned();
    let json = match last_json(seen) {
        Ok(j) => j,
        Err(why) => return (expected, Look::Broken(why)),
    };
    let Some(delivered) = json.get("events_delivered").and_then(Value::as_array) else {
        return (expected, Look::Broken("no `events_delivered` array in the configuration".into()));
    };
    let delivered: Vec<&str> = delivered.iter().filter_map(Value::as_str).collect();
    let requested = strings(ssf.last_sent.as_ref().and_then(|s| s.get("events_requested")));
    let stray: Vec<String> = match check {
        EventsDeliveredCheck::Subset => {
            let supported = strings(json.get("events_supported"));
            delivered
                .iter()
                .filter(|e| {
                    !requested.contains(e) || (json.get("events_supported").is_some() && !supported.contains(e))
                })
                .map(|e| (*e).to_owned())
                .collect()
        }
        EventsDeliveredCheck::WithoutUnknown => {
            delivered.iter().filter(|e| e.starts_with(UNKNOWN_EVENT_PREFIX)).map(|e| (*e).to_owned()).collect()
        }
    };
    match stray.is_empty() {
        true => (expected, Look::Kept(format!("`events_delivered`: {}", delivered.join(", ")))),
        false => (expected, Look::Broken(format!("`events_delivered` also lists {}", list(stray.into_iter())))),
    }
}

/// SSF §8.1.1.3: receiver-supplied members the update left out are as they were.
pub fn receiver_members_kept(ssf: &SsfState, seen: &Seen) -> (String, Look) {
    let expected = "receiver-supplied members absent from the update are unchanged (SSF §8.1.1.3)".to_owned();
    let json = match last_json(seen) {
        Ok(j) => j,
        Err(why) => return (expected, Look::Broken(why)),
    };
    let (Some(before), Some(sent)) = (&ssf.before, &ssf.last_sent) else {
        return (expected, Look::NotJudged("not judged: the stream's earlier configuration is not known".into()));
    };
    let left_out: Vec<&str> =
        RECEIVER_MEMBERS.iter().copied().filter(|m| sent.get(*m).is_none() && before.get(*m).is_some()).collect();
    if left_out.is_empty() {
        return (expected, Look::NotJudged("not judged: the update left out no member the stream had".into()));
    }
    let changed: Vec<String> = left_out
        .iter()
        .filter(|m| json.get(**m) != before.get(**m))
        .map(|m| format!("`{m}` was {}, is {}", show(&before[*m]), json.get(*m).map_or("absent".into(), show)))
        .collect();
    match changed.is_empty() {
        true => (expected, Look::Kept(format!("{} unchanged", left_out.join(", ")))),
        false => (expected, Look::Broken(list(changed.into_iter()))),
    }
}

/// SSF §6.1.2: each poll stream of the receiver has an endpoint of its own.
pub fn distinct_poll_endpoints(ssf: &SsfState) -> (String, Look) {
    let expected = "each poll stream has its own `endpoint_url` (SSF §6.1.2)".to_owned();
    let urls: Vec<&str> = ssf.streams.values().filter_map(|s| s.poll_url()).collect();
    if urls.len() < 2 {
        return (expected, Look::NotJudged(format!("not judged: {} poll stream(s) made", urls.len())));
    }
    let mut unique = urls.clone();
    unique.sort_unstable();
    unique.dedup();
    match unique.len() == urls.len() {
        true => (expected, Look::Kept(format!("{} poll streams, {} endpoints", urls.len(), unique.len()))),
        false => (
            expected,
            Look::Broken(format!("{} poll streams share {}", urls.len(), list(unique.iter().map(|u| (*u).to_owned())))),
        ),
    }
}

/// The events objects of the SUT's SETs from position `from` on.
fn events_from(ledger: &Ledger, from: usize) -> Vec<Map<String, Value>> {
    ledger.emitted.iter().skip(from).filter_map(|(_, token, _, _)| crate::set::decode_claims(token)).collect()
}

fn events_of(claims: &Map<String, Value>) -> Option<&Map<String, Value>> {
    claims.get("events").and_then(Value::as_object)
}

/// The opaque subject naming a stream (SSF §8.1.4.1, §8.1.5).
fn names_a_stream(claims: &Map<String, Value>, ids: &[&str]) -> Result<(), String> {
    let sub_id = claims.get("sub_id");
    let ok = sub_id.is_some_and(|s| {
        s.get("format") == Some(&json!("opaque"))
            && s.get("id").and_then(Value::as_str).is_some_and(|i| ids.contains(&i))
    });
    if ok { Ok(()) } else { Err(format!("`sub_id` is {}", sub_id.map_or("absent".into(), show))) }
}

/// SSF §8.1.4: the verification events of the scenario.
pub fn verification(ssf: &SsfState, ledger: &Ledger, check: VerificationCheck) -> (String, Look) {
    let last = ssf.requests.last();
    let state = last.and_then(|r| r.state.as_deref());
    let expected = match check {
        VerificationCheck::Echoed => {
            format!("a verification event with `state` {}", state.map_or("(none asked)".into(), show_str))
        }
        VerificationCheck::EventType => format!("the event answering the request has type {VERIFICATION_EVENT}"),
        VerificationCheck::SubId => {
            "every verification event's `sub_id` is `{\"format\":\"opaque\",\"id\":<stream_id>}`".into()
        }
        VerificationCheck::StatelessUnsolicited => {
            "verification events the harness did not ask for carry no `state`".into()
        }
        VerificationCheck::EarlierDropped => "the event asked for while the stream was disabled never arrives".into(),
        VerificationCheck::Delivered => "the verification event asked for arrives, if later".into(),
    };
    let verifications: Vec<Map<String, Value>> =
        events_from(ledger, 0).into_iter().filter(|c| events_of(c).is_some_and(is_verification)).collect();
    let ids: Vec<&str> = ssf.stream_ids().collect();
    let look = match check {
        VerificationCheck::Echoed | VerificationCheck::EventType => {
            let Some(request) = last else {
                return (expected, Look::NotJudged("not judged: no verification request was accepted".into()));
            };
            let after = events_from(ledger, request.after);
            let answering = after.iter().find(|c| events_of(c).is_some_and(|e| answers(e, state)));
            match (check, answering) {
                (VerificationCheck::Echoed, Some(_)) => Look::Kept("it arrived".into()),
                (VerificationCheck::EventType, Some(c)) => {
                    let types: Vec<String> = events_of(c).map(|e| e.keys().cloned().collect()).unwrap_or_default();
                    if types.iter().any(|t| t == VERIFICATION_EVENT) {
                        Look::Kept(format!("event type {}", types.join(", ")))
                    } else {
                        Look::Broken(format!("event type {}", types.join(", ")))
                    }
                }
                _ => {
                    let like: Vec<String> = after
                        .iter()
                        .filter_map(|c| {
                            events_of(c).filter(|e| is_verification(e)).map(|e| show(&Value::Object(e.clone())))
                        })
                        .collect();
                    match (check, like.is_empty()) {
                        (VerificationCheck::Echoed, false) => {
                            Look::Broken(format!("verification events: {}", list(like.into_iter())))
                        }
                        _ => Look::NotJudged("not judged: no event answering the request arrived".into()),
                    }
                }
            }
        }
        VerificationCheck::SubId => {
            let bad: Vec<String> = verifications.iter().filter_map(|c| names_a_stream(c, &ids).err()).collect();
            match (verifications.is_empty(), bad.is_empty()) {
                (true, _) => Look::NotJudged("not judged: no verification event arrived".into()),
                (false, true) => Look::Kept(format!("{} verification events", verifications.len())),
                (false, false) => Look::Broken(list(bad.into_iter())),
            }
        }
        VerificationCheck::Delivered => {
            let Some(request) = last else {
                return (expected, Look::NotJudged("not judged: no verification request was accepted".into()));
            };
            // Its `state` is SSF-VER-002's matter: any verification event after the request counts.
            let came = events_from(ledger, request.after)
                .iter()
                .any(|c| events_of(c).is_some_and(|e| answers(e, state) || is_verification(e)));
            match came {
                true => Look::Kept("it arrived".into()),
                false => Look::Broken("no verification event came after the request".into()),
            }
        }
        VerificationCheck::EarlierDropped => {
            let Some(earlier) = ssf.requests.len().checked_sub(2).map(|i| &ssf.requests[i]) else {
                return (
                    expected,
                    Look::NotJudged("not judged: fewer than two verification requests were accepted".into()),
                );
            };
            let answered = events_from(ledger, earlier.after)
                .iter()
                .any(|c| events_of(c).is_some_and(|e| answers(e, earlier.state.as_deref())));
            let delivered = events_from(ledger, last.map_or(0, |r| r.after))
                .iter()
                .any(|c| events_of(c).is_some_and(|e| answers(e, state)));
            match (answered, delivered) {
                (true, _) => Look::Broken("it arrived after the stream was enabled again".into()),
                (false, true) => Look::Kept("it never arrived; the later one did".into()),
                (false, false) => Look::NotJudged("not judged: the later event did not arrive either".into()),
            }
        }
        VerificationCheck::StatelessUnsolicited => {
            let asked: Vec<&str> = ssf.requests.iter().filter_map(|r| r.state.as_deref()).collect();
            let unsolicited: Vec<&Map<String, Value>> = verifications
                .iter()
                .filter_map(events_of)
                .filter(|e| !asked.iter().any(|s| answers(e, Some(s))))
                .collect();
            let stated: Vec<String> = unsolicited
                .iter()
                .filter(|e| e.values().any(|p| p.get("state").is_some()))
                .map(|e| show(&Value::Object((*e).clone())))
                .collect();
            match (unsolicited.is_empty(), stated.is_empty()) {
                (true, _) => Look::NotJudged("not judged: no verification event came unasked".into()),
                (false, true) => Look::Kept(format!("{} unasked, none with `state`", unsolicited.len())),
                (false, false) => Look::Broken(list(stated.into_iter())),
            }
        }
    };
    (expected, look)
}

fn show_str(s: &str) -> String {
    format!("{s:?}")
}

/// SSF §8.1.5: the stream-updated events of the scenario.
pub fn stream_updated(ssf: &SsfState, seen: &Seen, ledger: &Ledger, check: StreamUpdatedCheck) -> (String, Look) {
    let updates: Vec<Map<String, Value>> = events_from(ledger, 0)
        .into_iter()
        .filter(|c| events_of(c).is_some_and(|e| e.contains_key(STREAM_UPDATED_EVENT)))
        .collect();
    let payload = |c: &Map<String, Value>| {
        c.get("events").and_then(|e| e.get(STREAM_UPDATED_EVENT)).cloned().unwrap_or(Value::Null)
    };
    match check {
        StreamUpdatedCheck::Announced => {
            let expected = "a status the SUT changed on its own was announced by a stream-updated event".to_owned();
            let status = last_json(seen).ok().and_then(|j| j.get("status")).and_then(Value::as_str);
            let Some(status) = status.filter(|s| *s != "enabled") else {
                let why = format!("not judged: the stream's status is {}", status.map_or("not known".into(), show_str));
                return (expected, Look::NotJudged(why));
            };
            let announced = updates.iter().any(|c| payload(c).get("status").and_then(Value::as_str) == Some(status));
            let actual = format!("status {status:?}; {} stream-updated event(s)", updates.len());
            (expected, if announced { Look::Kept(actual) } else { Look::Broken(actual) })
        }
        StreamUpdatedCheck::Payload => {
            let expected = "every stream-updated event has `status` and the opaque stream id as `sub_id`".to_owned();
            let ids: Vec<&str> = ssf.stream_ids().collect();
            if updates.is_empty() {
                return (expected, Look::NotJudged("not judged: no stream-updated event arrived".into()));
            }
            let bad: Vec<String> = updates
                .iter()
                .filter_map(|c| match (payload(c).get("status").and_then(Value::as_str), names_a_stream(c, &ids)) {
                    (None, _) => Some(format!("no `status` in {}", show(&payload(c)))),
                    (_, Err(why)) => Some(why),
                    _ => None,
                })
                .collect();
            match bad.is_empty() {
                true => (expected, Look::Kept(format!("{} stream-updated events", updates.len()))),
                false => (expected, Look::Broken(list(bad.into_iter()))),
            }
        }
    }
}

/// SSF §6.1.1: every push carries the `authorization_header` given at creation.
pub fn push_authorization(ssf: &SsfState) -> (String, Look) {
    let Some((_, header)) = &ssf.endpoint else {
        return (
            "pushes carry the `authorization_header`".into(),
            Look::NotJudged("not judged: no push stream".into()),
        );
    };
    let expected =
        "every push carries `Authorization` with the `authorization_header` value (SSF §6.1.1, AMB-27)".to_owned();
    let pushes = &ssf.push_authorizations;
    if pushes.is_empty() {
        return (expected, Look::NotJudged("not judged: no push arrived".into()));
    }
    let bad: Vec<String> = pushes
        .iter()
        .enumerate()
        .filter(|(_, p)| p.as_deref() != Some(header.as_str()))
        .take(LIST_LIMIT)
        .map(|(i, p)| format!("push {}: {}", i + 1, if p.is_some() { "another value" } else { "no Authorization" }))
        .collect();
    match bad.is_empty() {
        true => (expected, Look::Kept(format!("{} pushes carried it", pushes.len()))),
        false => (expected, Look::Broken(list(bad.into_iter()))),
    }
}

#[cfg(test)]
mod tests;

//! Checks of one SUT message: its status, media type, members, schema and
//! error body (RFC 8935 §2.3-2.4, pushpull §6, multi-SET push §4, RFC 8936 §2).

use super::{Outcome, REGISTERED_ERR_CODES, list, no_response};
use crate::catalogue::{CountSpec, ErrorCodeSpec, HeaderSpec, StatusSpec};
use crate::engine::state::Seen;
use crate::schema::Schemas;
use serde_json::Value;

pub fn method(seen: &Seen, expected: &str) -> (String, Outcome) {
    let exp = format!("an HTTP {expected} request");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match &last.method {
        None => (exp, Err("the SUT's last message is a response, not a request".into())),
        Some(m) if m == expected => (exp, Ok(format!("{m} request"))),
        Some(m) => (exp, Err(format!("{m} request"))),
    }
}

/// The last message has no body (RFC 8935 §2.2: a 202 carries none).
pub fn empty_body(seen: &Seen) -> (String, Outcome) {
    let exp = "an empty body".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    if last.body.is_empty() {
        return (exp, Ok("no body".into()));
    }
    let text = String::from_utf8_lossy(&last.body);
    (exp, Err(format!("a body of {} bytes: {}", last.body.len(), text.chars().take(200).collect::<String>())))
}

/// A header of the last message, present or with a given value.
pub fn header(seen: &Seen, spec: &HeaderSpec) -> (String, Outcome) {
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
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.header(name) {
        None => (exp, Err(format!("no {name} header"))),
        Some(h) if test(h) => (exp, Ok(format!("{name}: {h}"))),
        Some(h) => (exp, Err(format!("{name}: {h}"))),
    }
}

/// The error body's `err` is one of `codes` (RFC 8935 §2.4).
pub fn err_is(seen: &Seen, codes: &[String]) -> (String, Outcome) {
    let exp = format!("err {}", codes.join(" or "));
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.json.as_ref().and_then(|j| j.get("err")) {
        Some(Value::String(code)) if codes.contains(code) => (exp, Ok(format!("err {code:?}"))),
        Some(other) => (exp, Err(format!("err {other}"))),
        None => (exp, Err("no `err` in the body".into())),
    }
}

/// The request body is one SET in compact serialization, nothing else (RFC 8935 §2.1).
pub fn compact_set(seen: &Seen) -> (String, Outcome) {
    let exp = "a body that is one SET in compact serialization (RFC 7515 §7.1), not wrapped".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let text = String::from_utf8_lossy(&last.body);
    let shown: String = text.chars().take(120).collect();
    if crate::set::is_compact_serialization(text.trim_end_matches(['\r', '\n'])) {
        (exp, Ok(format!("{} bytes, {} dot-separated parts", last.body.len(), text.split('.').count())))
    } else {
        (exp, Err(format!("{} bytes: {shown}", last.body.len())))
    }
}

pub fn non_negative_integer(seen: &Seen, pointer: &str) -> (String, Outcome) {
    let exp = format!("{pointer}, when present, a non-negative integer");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.json.as_ref().and_then(|j| j.pointer(pointer)) {
        None => (exp, Ok("absent".into())),
        Some(v) if v.as_u64().is_some() => (exp, Ok(v.to_string())),
        Some(v) => (exp, Err(v.to_string())),
    }
}

pub fn status(seen: &Seen, spec: &StatusSpec) -> (String, Outcome) {
    let expected = match spec {
        StatusSpec::Exact(s) => format!("HTTP status {s}"),
        StatusSpec::Not { not } => format!("an HTTP status other than {not}"),
        StatusSpec::Class { class } => format!("an HTTP {class} status"),
        StatusSpec::NotClass { not_class } => format!("an HTTP status outside {not_class}"),
        StatusSpec::OneOf { one_of } => {
            format!("HTTP status {}", one_of.iter().map(u16::to_string).collect::<Vec<_>>().join(" or "))
        }
    };
    if let (None, Some(why)) = (&seen.last, &seen.refused) {
        return (expected, Err(format!("no HTTP answer: {why}")));
    }
    let Some(last) = &seen.last else { return (expected, no_response()) };
    let Some(got) = last.status else {
        return (expected, Err("the SUT's last message is a request, not a response".into()));
    };
    let class_of = |c: &str| c.as_bytes().first().map(|d| u16::from(d - b'0')) == Some(got / 100);
    let ok = match spec {
        StatusSpec::Exact(s) => got == *s,
        StatusSpec::Not { not } => got != *not,
        StatusSpec::Class { class } => class_of(class),
        StatusSpec::NotClass { not_class } => !class_of(not_class),
        StatusSpec::OneOf { one_of } => one_of.contains(&got),
    };
    let actual = format!("HTTP status {got}");
    (expected, if ok { Ok(actual) } else { Err(actual) })
}

pub fn content_type(seen: &Seen, expected: &str) -> (String, Outcome) {
    let exp = format!("Content-Type {expected}");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    match last.header("content-type") {
        None => (exp, Err("no Content-Type header".into())),
        Some(ct) => {
            let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let actual = format!("Content-Type {ct}");
            (exp, if media == expected.to_ascii_lowercase() { Ok(actual) } else { Err(actual) })
        }
    }
}

pub fn schema(seen: &Seen, name: &str) -> (String, Outcome) {
    let exp = format!("a body valid against schema {name}");
    let Some(last) = &seen.last else { return (exp, no_response()) };
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

pub fn count(seen: &Seen, spec: &CountSpec) -> (String, Outcome) {
    let bounds = match (spec.min, spec.max) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "any number of".into(),
    };
    let exp = format!("{bounds} members at {}", spec.at);
    let Some(last) = &seen.last else { return (exp, no_response()) };
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

pub fn error_code(seen: &Seen, spec: ErrorCodeSpec) -> (String, Outcome) {
    let exp = match spec {
        ErrorCodeSpec::Present => "a JSON error body with a string `err` (RFC 8935 §2.3)".to_owned(),
        ErrorCodeSpec::Registered => "an `err` code from the RFC 8935 §7.1 registry".to_owned(),
    };
    let Some(last) = &seen.last else { return (exp, no_response()) };
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

/// The members pushpull §5 defines for every Communication Object.
const OBJECT_MEMBERS: [&str; 3] = ["sets", "ack", "setErrs"];
/// The member §6.1 adds to a request over HTTP.
const REQUEST_MEMBER: &str = "maxResponseEvents";

/// A member name with case, `_` and `-` dropped, `errors` written `errs` and a
/// final `s` dropped: two names that agree in this form are variants of one another.
fn loose(name: &str) -> String {
    let folded: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    let mut folded = folded.replace("errors", "errs").replace("error", "err");
    if folded.ends_with('s') {
        folded.pop();
    }
    folded
}

/// No member is a variant of a member defined for the message (PP-CO-011): names
/// match case-sensitively (§5), so `acks`, `SetErrs` or `max_response_events`
/// carry nothing. A request's defined members include `maxResponseEvents` (§6.1).
/// Other members are neither defined nor forbidden (AMB-14) and pass.
pub fn member_names(seen: &Seen) -> (String, Outcome) {
    let Some(last) = &seen.last else {
        return ("no variant of a defined member name".to_owned(), no_response());
    };
    let is_request = last.method.is_some();
    let defined: Vec<&str> = OBJECT_MEMBERS.into_iter().chain(is_request.then_some(REQUEST_MEMBER)).collect();
    let exp = format!(
        "the defined members ({}) spelled exactly: no variant in case, separators or plural; other members left open (AMB-14)",
        defined.join(", ")
    );
    let Some(Value::Object(obj)) = &last.json else { return (exp, Err("the body is not a JSON object".into())) };
    let variant_of = |key: &str| defined.iter().find(|d| **d != key && loose(d) == loose(key)).copied();
    let wrong: Vec<String> = obj.keys().filter_map(|k| variant_of(k).map(|d| format!("{k} (for {d})"))).collect();
    if wrong.is_empty() {
        (exp, Ok(format!("members: {}", obj.keys().cloned().collect::<Vec<_>>().join(", "))))
    } else {
        (exp, Err(format!("misnamed members: {}", list(wrong.into_iter()))))
    }
}

/// The entries of the last message's `setErrs`, by jti.
fn set_errs_of(seen: &Seen) -> Vec<(&String, &Value)> {
    match seen.last.as_ref().and_then(|l| l.json.as_ref()).and_then(|j| j.get("setErrs")) {
        Some(Value::Object(errs)) => errs.iter().collect(),
        _ => Vec::new(),
    }
}

/// No setErrs entry uses a code that belongs to the request as a whole.
pub fn set_errs_exclude(seen: &Seen, codes: &[String]) -> (String, Outcome) {
    let exp = format!("no setErrs entry with err {}", codes.join(" or "));
    if seen.last.is_none() {
        return (exp, no_response());
    }
    let errs = set_errs_of(seen);
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

/// A Communication Object whose SET `key` is of the wrong type (pushpull §5,
/// AMB-32): the request refused as a whole (non-2xx), or answered with the SET
/// reported in `setErrs` with an `err` code (§6.2.1, PP-HTTP-009). A success
/// that acknowledges it or passes over it keeps neither reading.
pub fn refused_or_set_err(seen: &Seen, key: &str) -> (String, Outcome) {
    let exp = format!("a non-2xx answer, or 2xx with setErrs[{key:?}] naming an err code");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let status = last.status.unwrap_or_default();
    if !(200..300).contains(&status) {
        return (exp, Ok(format!("refused with {status}")));
    }
    let outcome = match set_errs_of(seen).into_iter().find(|(k, _)| k.as_str() == key) {
        Some((_, e)) => match e.get("err").and_then(Value::as_str) {
            Some(code) => Ok(format!("{status}, setErrs[{key:?}].err is {code:?}")),
            None => Err(format!("{status}, setErrs[{key:?}] names no err code")),
        },
        None => Err(format!("{status} without setErrs[{key:?}]")),
    };
    (exp, outcome)
}

/// A message with error descriptions names their language.
pub fn content_language_if_described(seen: &Seen) -> (String, Outcome) {
    let exp = "Content-Language when setErrs carries a description".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let described = set_errs_of(seen).iter().any(|(_, e)| e.get("description").is_some());
    match (described, last.header("content-language")) {
        (false, _) => (exp, Ok("no descriptions".into())),
        (true, Some(lang)) => (exp, Ok(format!("Content-Language: {lang}"))),
        (true, None) => (exp, Err("descriptions without a Content-Language header".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::state::LastMessage;

    fn seen(body: Value, request: bool) -> Seen {
        let last = LastMessage {
            status: (!request).then_some(200),
            method: request.then(|| "POST".to_owned()),
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
            json: Some(body),
            sets: None,
            step: 1,
            seq: 1,
            exchange: None,
        };
        Seen { last: Some(last), ..Seen::default() }
    }

    #[test]
    fn variants_of_defined_members_are_misnamed() {
        for name in ["acks", "Ack", "SETs", "Sets", "setErrors", "SetErrs", "set_errs", "SETERRS", "set-err"] {
            let (_, outcome) = member_names(&seen(serde_json::json!({ name: [] }), false));
            assert!(outcome.is_err(), "{name}");
        }
        for name in ["max_response_events", "maxresponseevents", "MaxResponseEvent"] {
            assert!(member_names(&seen(serde_json::json!({ name: 1 }), true)).1.is_err(), "{name}");
        }
    }

    #[test]
    fn defined_and_unknown_members_pass() {
        let request = serde_json::json!({
            "sets": {}, "ack": [], "setErrs": {}, "maxResponseEvents": 2, "returnImmediately": true, "x-vendor": 1
        });
        assert!(member_names(&seen(request, true)).1.is_ok());
        // §6.1's member belongs to requests: in a response, a variant of it is just an unknown member.
        let response = serde_json::json!({ "ack": [], "max_response_events": 2, "moreAvailable": false });
        assert!(member_names(&seen(response, false)).1.is_ok());
    }
}

//! How a batch of SETs reaches the SUT on each binding, and what its answer
//! says about each SET ([`Reply`]). [`http`] carries push (RFC 8935 §2: one
//! SET per POST), multi-SET push and pushpull over HTTP (a `sets` object,
//! answered with `ack` and `setErrs`, pushpull §5); [`ws`] carries pushpull
//! messages on a WebSocket (pushpull §7).

pub mod http;
pub mod ws;

use serde_json::{Map, Value};

/// What the SUT said about the SETs of one request or message.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub acked: Vec<String>,
    /// (jti, error code).
    pub refused: Vec<(String, String)>,
}

/// A request that got no usable answer: its SETs stay unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    Connect,
    /// The connection broke or closed.
    Closed,
    /// An answer that is not what the binding defines.
    Protocol,
}

impl Failure {
    /// The name errors are counted under.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Connect => "connect",
            Failure::Closed => "closed",
            Failure::Protocol => "protocol",
        }
    }
}

/// The `sets` object of a request (pushpull §5, multi-SET push).
pub fn sets_body(sets: &[(String, &str)]) -> String {
    let mut map = Map::with_capacity(sets.len());
    for (jti, token) in sets {
        map.insert(jti.clone(), Value::String((*token).to_owned()));
    }
    let mut body = Map::with_capacity(1);
    body.insert("sets".into(), Value::Object(map));
    Value::Object(body).to_string()
}

/// The `ack` and `setErrs` of an answer; `None` when it is not a JSON object.
pub fn read_answers(body: &[u8]) -> Option<Reply> {
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else { return None };
    let mut reply = Reply::default();
    match answer.get("ack") {
        Some(Value::Array(jtis)) => reply.acked.extend(jtis.iter().filter_map(Value::as_str).map(str::to_owned)),
        // Some multi-SET push revisions key the acknowledgements by jti.
        Some(Value::Object(keyed)) => reply.acked.extend(keyed.keys().cloned()),
        _ => {}
    }
    if let Some(Value::Object(errs)) = answer.get("setErrs") {
        for (jti, err) in errs {
            let code = err.get("err").and_then(Value::as_str).unwrap_or("unspecified");
            reply.refused.push((jti.clone(), code.to_owned()));
        }
    }
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_and_set_errs_are_read_in_both_shapes_and_garbage_is_none() {
        let reply = read_answers(br#"{"ack":["a","b"],"setErrs":{"c":{"err":"invalid_key","description":"x"}}}"#);
        assert_eq!(
            reply,
            Some(Reply { acked: vec!["a".into(), "b".into()], refused: vec![("c".into(), "invalid_key".into())] })
        );
        assert_eq!(read_answers(br#"{"ack":{"a":true}}"#).unwrap().acked, ["a"]);
        assert_eq!(read_answers(b"<html>"), None);
        let body = sets_body(&[("j1".into(), "t.o.k")]);
        assert_eq!(body, r#"{"sets":{"j1":"t.o.k"}}"#);
    }
}

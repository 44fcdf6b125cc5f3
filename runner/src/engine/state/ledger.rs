//! The delivery ledger: every SET that went each way in a scenario, and how
//! each was answered (acknowledged, reported in setErrs, or not yet).

use super::seen::LastMessage;
use crate::set::SetKind;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// A SET the harness delivered.
#[derive(Debug, Clone)]
pub struct Sent {
    pub key: String,
    pub kind: SetKind,
    pub step: usize,
    /// How many messages the SUT had sent when this SET went out.
    pub after: usize,
}

/// One message from the SUT, as the ledger takes it in.
pub struct Incoming {
    pub status: Option<u16>,
    pub method: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub json: Option<Value>,
    /// Whether its `ack`, `setErrs` and `sets` count (a handshake answer's do not).
    pub counts: bool,
}

#[derive(Debug, Default)]
pub struct Ledger {
    pub sent: Vec<Sent>,
    /// The compact form of every SET the harness minted, by key: for delivering it again.
    pub sent_tokens: HashMap<String, String>,
    /// SETs the harness delivered again after the SUT acknowledged them, with the
    /// SUT's message count at that moment.
    pub resent: Vec<(String, usize)>,
    /// The body of the last `push` step, for sending it again.
    pub last_push: Option<Vec<u8>>,
    /// jti -> step in which the SUT first acknowledged it.
    pub sut_acks: BTreeMap<String, usize>,
    /// jti -> (step, entry) of the SUT's first setErrs report on it.
    pub sut_errs: BTreeMap<String, (usize, Value)>,
    /// jti -> the SUT message (1-based count) that first answered it.
    pub answered_in: BTreeMap<String, usize>,
    /// Every acknowledgement the SUT gave, with the place of its message (1 = first).
    pub ack_log: Vec<(String, usize)>,
    /// Keys of the SETs the SUT delivered, by step.
    pub received: BTreeMap<usize, Vec<String>>,
    /// Received SETs the harness has not yet answered, oldest first.
    pub pending: Vec<String>,
    /// Received SETs the harness answered, with the message count at that moment:
    /// an answer counts for the SUT's messages that came after it.
    pub answered: HashMap<String, usize>,
    /// Every SET the SUT sent in this scenario: its key, compact form, step,
    /// and the SUT message (1-based count) that carried it.
    pub emitted: Vec<(String, String, usize, usize)>,
    /// SUT message (1-based count) -> the transcript exchange (`seq`) that carried it.
    pub carriers: BTreeMap<usize, usize>,
    /// The body of every poll the SUT sent, in order (JSON null when not JSON).
    pub polls: Vec<Value>,
    /// How many messages the SUT has sent so far.
    pub messages: usize,
    /// How many SETs the SUT was asked to queue for the harness.
    pub queued: usize,
}

impl Ledger {
    /// Records a SET the harness minted in `step`.
    pub fn record_sent(&mut self, key: &str, token: &str, kind: SetKind, step: usize) {
        self.sent.push(Sent { key: key.to_owned(), kind, step, after: self.messages });
        self.sent_tokens.insert(key.to_owned(), token.to_owned());
    }

    /// Whether the harness still waits for something from the SUT: SETs it was
    /// asked to queue and has not delivered, SETs it delivered that the harness
    /// has not answered (they are owed again), or answers to SETs the harness sent.
    pub fn owed(&self) -> bool {
        let received: HashSet<&String> = self.emitted.iter().map(|(k, _, _, _)| k).collect();
        self.queued > received.len()
            || !self.pending.is_empty()
            || self.sent.iter().any(|s| !self.answered_in.contains_key(&s.key))
    }

    /// Whether the harness had answered `key` before the SUT's message number `last_seq` came.
    pub fn answered_before(&self, key: &str, last_seq: usize) -> bool {
        self.answered.get(key).is_some_and(|at| *at < last_seq)
    }

    /// Whether a SET the harness sent has had neither an ack nor an error from the SUT.
    pub fn awaits_answers(&self) -> bool {
        self.sent.iter().any(|s| !self.sut_acks.contains_key(&s.key) && !self.sut_errs.contains_key(&s.key))
    }

    /// The harness answered every pending SET (in its reply to the SUT's last message).
    pub fn answer_pending(&mut self) -> Vec<String> {
        let keys = std::mem::take(&mut self.pending);
        let now = self.messages;
        self.answered.extend(keys.iter().map(|k| (k.clone(), now)));
        keys
    }

    /// A push request (RFC 8935 §2.1): the body is one SET, filed under its jti.
    pub fn absorb_push(
        &mut self,
        step: usize,
        method: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> LastMessage {
        self.messages += 1;
        let token = String::from_utf8_lossy(&body).trim().to_owned();
        let jti = push_key(&token);
        if !self.answered.contains_key(&jti) && !self.pending.contains(&jti) {
            self.pending.push(jti.clone());
        }
        self.received.entry(step).or_default().push(jti.clone());
        self.emitted.push((jti.clone(), token.clone(), step, self.messages));
        let sets = Some(serde_json::json!({ jti: token }));
        LastMessage {
            status: None,
            method: Some(method),
            headers,
            body,
            json: None,
            sets,
            step,
            seq: self.messages,
            exchange: None,
        }
    }

    /// A message with `ack`, `setErrs` and `sets` members: a Communication
    /// Object, a poll or its answer, a multi-SET batch or its answer.
    pub fn absorb(&mut self, step: usize, m: Incoming) -> LastMessage {
        self.messages += 1;
        if let (true, Some(Value::Object(obj))) = (m.counts, &m.json) {
            if let Some(Value::Array(acks)) = obj.get("ack") {
                for jti in acks.iter().filter_map(Value::as_str) {
                    self.ack_log.push((jti.to_owned(), self.messages));
                    self.sut_acks.entry(jti.to_owned()).or_insert(step);
                    self.answered_in.entry(jti.to_owned()).or_insert(self.messages);
                }
            }
            if let Some(Value::Object(errs)) = obj.get("setErrs") {
                for (jti, entry) in errs {
                    self.sut_errs.entry(jti.clone()).or_insert((step, entry.clone()));
                    self.answered_in.entry(jti.clone()).or_insert(self.messages);
                }
            }
            if let Some(Value::Object(sets)) = obj.get("sets") {
                for (key, token) in sets {
                    if let Some(token) = token.as_str() {
                        self.emitted.push((key.clone(), token.to_owned(), step, self.messages));
                    }
                }
                let keys: Vec<String> = sets.keys().cloned().collect();
                // A set, not a scan of `pending` per key: a message may carry very many SETs.
                let waiting: HashSet<String> = self.pending.iter().cloned().collect();
                for key in &keys {
                    if !self.answered.contains_key(key) && !waiting.contains(key) {
                        self.pending.push(key.clone());
                    }
                }
                self.received.entry(step).or_default().extend(keys);
            }
        }
        let sets = m.json.as_ref().and_then(|j| j.get("sets")).cloned();
        LastMessage {
            status: m.status,
            method: m.method,
            headers: m.headers,
            body: m.body,
            json: m.json,
            sets,
            step,
            seq: self.messages,
            exchange: None,
        }
    }

    /// Notes that transcript exchange `seq` carried the SUT's latest message.
    pub fn carried_by(&mut self, seq: usize) {
        self.carriers.insert(self.messages, seq);
    }
}

/// What a pushed SET is filed under: its jti; a SET without one (SET-012), by
/// a digest of its bytes, so that the same SET delivered again is known as one.
fn push_key(token: &str) -> String {
    crate::set::jti_of(token).unwrap_or_else(|| {
        let mut hasher = DefaultHasher::new();
        token.hash(&mut hasher);
        format!("(no jti: SET {:016x})", hasher.finish())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pushed_set_without_jti_delivered_again_is_known_as_the_same_set() {
        let mut ledger = Ledger::default();
        let set = |claims: &str| format!("e30.{}.c2ln", crate::set::b64(claims)).into_bytes();
        for body in [set("{}"), set("{}"), set(r#"{"iss":"x"}"#), set(r#"{"jti":"j1"}"#)] {
            ledger.absorb_push(1, "POST".into(), vec![], body);
        }
        let keys = &ledger.received[&1];
        assert_eq!(keys[0], keys[1], "a redelivery");
        assert_ne!(keys[0], keys[2], "another SET");
        assert_eq!(keys[3], "j1");
    }
}

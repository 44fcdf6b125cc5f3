//! Redaction by value: the secret values a run knows (tokens and client
//! secrets from sut.yaml, given to the SUT, issued by or to it), and their
//! replacement by `[redacted]` in every text that leaves the harness: the Run
//! record (every report is rendered from it), the console and error messages.
//!
//! Field redaction at capture ([`crate::wire`]) blanks credentials where they
//! are expected; this catches them wherever else they turn up: a trigger that
//! prints its token, a SUT that echoes one in a body, a header or an error, a
//! URL that carries one.
//!
//! Each value is also looked for in the forms it travels in: percent-encoded
//! (in URLs and forms), JSON-escaped, base64 (a Basic credential of the value
//! alone), and, for a client, the Basic credential `base64(id:secret)` (RFC
//! 6749 §2.3.1, RFC 7617 §2). Values shorter than [`MIN_SECRET_LEN`] are not
//! taken: they are no credential worth the name, and blanking every occurrence
//! of a short word would garble the reports.

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;
use setconform_reports::Run;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// The replacement of a secret value, as field redaction writes it.
pub const REDACTED: &str = "[redacted]";
/// Shortest value taken as a secret, in bytes.
pub const MIN_SECRET_LEN: usize = 8;
/// Characters a URL or form carries as they are (RFC 3986 §2.3 unreserved).
const UNRESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The secret values a run knows, shared by everything in the run that learns one.
#[derive(Debug, Default)]
pub struct Secrets {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Every form of every secret value (the needles).
    needles: BTreeSet<String>,
    /// The matcher over `needles`, built again after a new one is added.
    matcher: Option<Arc<AhoCorasick>>,
}

impl Secrets {
    /// Learns a secret value and its encoded forms; a value shorter than
    /// [`MIN_SECRET_LEN`] (after trimming) is ignored.
    pub fn add(&self, value: &str) {
        let value = value.trim();
        if value.len() < MIN_SECRET_LEN {
            return;
        }
        let json = serde_json::to_string(value).unwrap_or_default();
        let forms = [
            value.to_owned(),
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
            percent_encoding::utf8_percent_encode(value, UNRESERVED).to_string(),
            json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_owned(),
            STANDARD.encode(value),
            URL_SAFE_NO_PAD.encode(value),
        ];
        self.insert(forms);
    }

    /// Learns a client's secret and the Basic credential made of it with its
    /// id, plain and with both parts form-encoded first (RFC 6749 §2.3.1).
    pub fn add_client(&self, id: &str, secret: &str) {
        if secret.trim().len() < MIN_SECRET_LEN {
            return;
        }
        self.add(secret);
        let encoded = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let basic = [
            STANDARD.encode(format!("{id}:{secret}")),
            STANDARD.encode(format!("{}:{}", encoded(id), encoded(secret))),
        ];
        self.insert(basic);
    }

    /// Learns every string under a credential member of a JSON document (at
    /// any depth), as `is_secret` names them.
    pub fn add_members(&self, doc: &Value, is_secret: impl Fn(&str) -> bool + Copy) {
        match doc {
            Value::Object(members) => {
                for (name, member) in members {
                    match member {
                        Value::String(s) if is_secret(name) => self.add(s),
                        _ => self.add_members(member, is_secret),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.add_members(item, is_secret)),
            _ => {}
        }
    }

    fn insert(&self, forms: impl IntoIterator<Item = String>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut added = false;
        for form in forms.into_iter().filter(|f| f.len() >= MIN_SECRET_LEN) {
            added |= inner.needles.insert(form);
        }
        if added {
            inner.matcher = None;
        }
    }

    /// The matcher over every known form; none while nothing is known.
    fn matcher(&self) -> Option<Arc<AhoCorasick>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.needles.is_empty() {
            return None;
        }
        if inner.matcher.is_none() {
            let built = AhoCorasick::builder().match_kind(MatchKind::Standard).build(&inner.needles);
            inner.matcher = built.ok().map(Arc::new);
        }
        inner.matcher.clone()
    }

    /// `text` with every known secret, in any of its forms, replaced by
    /// [`REDACTED`]; overlapping secrets become one replacement.
    pub fn redact(&self, text: &str) -> String {
        match self.matcher() {
            Some(matcher) => redact_with(&matcher, text),
            None => text.to_owned(),
        }
    }

    /// Every string of a JSON document (member names too) redacted; whether any changed.
    pub fn redact_value(&self, doc: &mut Value) -> bool {
        match self.matcher() {
            Some(matcher) => redact_tree(&matcher, doc),
            None => false,
        }
    }

    /// Every string of the Run record redacted, whatever its field, before any
    /// report is written from it. A record that cannot be rebuilt after
    /// redaction (it always can) loses its scenarios rather than leak.
    pub fn redact_run(&self, run: &mut Run) {
        let Ok(mut doc) = serde_json::to_value(&*run) else { return };
        if !self.redact_value(&mut doc) {
            return;
        }
        match serde_json::from_value::<Run>(doc) {
            Ok(redacted) => *run = redacted,
            Err(_) => run.scenarios.clear(),
        }
    }
}

fn redact_with(matcher: &AhoCorasick, text: &str) -> String {
    // Every occurrence, overlapping ones too, merged into spans.
    let mut found: Vec<(usize, usize)> = matcher.find_overlapping_iter(text).map(|m| (m.start(), m.end())).collect();
    found.sort_unstable();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (start, end) in found {
        match spans.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => spans.push((start, end)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn redact_tree(matcher: &AhoCorasick, doc: &mut Value) -> bool {
    let redact = |s: &mut String| {
        if matcher.is_match(s.as_str()) {
            *s = redact_with(matcher, s);
            true
        } else {
            false
        }
    };
    match doc {
        Value::String(s) => redact(s),
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| redact_tree(matcher, item) | changed),
        Value::Object(members) => {
            let renamed = members.keys().any(|k| matcher.is_match(k.as_str()));
            if renamed {
                let old = std::mem::take(members);
                for (mut name, value) in old {
                    redact(&mut name);
                    members.insert(name, value);
                }
            }
            members.values_mut().fold(renamed, |changed, member| redact_tree(matcher, member) | changed)
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "secrets_tests.rs"]
mod tests;

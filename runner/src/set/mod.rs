//! Security Event Tokens (RFC 8417): the harness's keys, minting, and
//! inspection of SETs a SUT sends.

pub mod content;
mod inspect;
mod keys;
mod kind;
mod ledger;
mod mint;
mod profile;

pub use inspect::{SetFinding, SetTrust, decode_for_transcript, inspect};
pub use keys::{Alg, HarnessKeys};
pub use kind::{EventSpec, SetKind};
pub use ledger::JtiLedger;
pub use mint::{AccessTokenGrant, AccessTokenKind, MintedSet, Minter, StreamMint, access_token};
pub use profile::judge as judge_profile;
pub use profile::{ProfileFinding, SetProfile};

/// Rules the SET inspector can judge; `sets_valid` expectations name a subset.
pub const INSPECTED_REQUIREMENTS: [&str; 14] = [
    "PP-CO-003",
    "SET-001",
    "SET-002",
    "SET-003",
    "SET-004",
    "SET-010",
    "SET-011",
    "SET-012",
    "SET-013",
    "SET-015",
    "SET-017",
    "SET-018",
    "SET-020",
    "SET-021",
];

/// What the inspector expects of the rules it judges beyond RFC 8417's: the
/// `sets` member of a message (pushpull §5, PP-CO-003).
pub const MESSAGE_RULES: [(&str, &str); 1] =
    [("PP-CO-003", "each SET in `sets` is a compact-serialized string filed under its own `jti`")];

/// What every SET is expected to show under the rule `id`, in words a
/// finding can state: for every rule judged on SET content.
pub fn expectation(id: &str) -> Option<&'static str> {
    let rfc8417 = content::RULES.iter().find(|r| r.id == id).map(|r| r.expects);
    let message = || MESSAGE_RULES.iter().find(|(r, _)| *r == id).map(|(_, e)| *e);
    rfc8417.or_else(message).or_else(|| profile::rule(id).map(|r| r.expects))
}

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(crate) fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Standard base64 with padding, as a `Sec-WebSocket-Key` is written (RFC 6455 §4.1).
pub fn b64_standard(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The `jti` claim of a compact JWS, read without validating anything.
pub fn jti_of(token: &str) -> Option<String> {
    decode_claims(token)?.get("jti")?.as_str().map(str::to_owned)
}

/// Whether the rule is judged on every SET a SUT sends, in every scenario
/// (RFC 8417's, and those of the content profiles): covered without a scenario naming it.
pub fn judged_on_every_set(id: &str) -> bool {
    applies_when(id).is_some()
}

/// For a rule judged on every SET, the SETs it applies to and under which
/// SET profiles; `None` for any other rule.
pub fn applies_when(id: &str) -> Option<String> {
    if content::rule_ids().any(|r| r == id) {
        return Some(content::APPLIES_WHEN.to_owned());
    }
    profile::rule(id).map(profile::applies_when)
}

/// The rules judged on every SET under `set_profile`: RFC 8417's, and those
/// of the profiles it includes.
pub fn every_set_rules(set_profile: SetProfile) -> impl Iterator<Item = &'static str> {
    content::rule_ids().chain(profile::RULES.iter().filter(move |r| set_profile.includes(r.profile)).map(|r| r.id))
}

/// The JOSE header of a compact JWS (its first part), read without validating anything.
pub fn decode_header(part: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    inspect::decode_object(part)
}

/// The claims of a compact JWS, read without validating anything.
pub fn decode_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    inspect::decode_object(token.split('.').nth(1)?)
}

/// Whether `body` is exactly one JWS (three base64url parts) or JWE (five) in
/// compact serialization, and nothing else.
pub fn is_compact_serialization(body: &str) -> bool {
    let parts: Vec<&str> = body.split('.').collect();
    let base64url = |p: &&str| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    matches!(parts.len(), 3 | 5) && !parts[0].is_empty() && parts.iter().all(base64url)
}

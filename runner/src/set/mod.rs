//! Security Event Tokens (RFC 8417): the harness's keys, minting, and
//! inspection of SETs a SUT sends.

mod inspect;
mod keys;
mod mint;

pub use inspect::{SetFinding, SetTrust, decode_for_transcript, inspect};
pub use keys::{Alg, HarnessKeys};
pub use mint::{MintedSet, Minter};

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

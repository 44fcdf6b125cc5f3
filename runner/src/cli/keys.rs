//! `setconform keys`: the harness's public keys, for SUTs configured by hand.

use setconform::run::exit;

pub fn print() -> i32 {
    println!("{}", jwks());
    exit::CONFORMANT
}

/// The public keys SUTs verify the harness's SETs with, as a JWKS document.
pub fn jwks() -> String {
    serde_json::to_string_pretty(setconform::set::HarnessKeys::get().jwks()).unwrap_or_default()
}

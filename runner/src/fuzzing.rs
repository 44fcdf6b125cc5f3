//! Entry points of the fuzz targets in `fuzz/` (cargo fuzz) and of the test
//! that replays what they found (`tests/fuzz_regressions.rs`). Each takes
//! bytes a SUT could send and returns once everything that reads them has,
//! without a panic: a hostile SUT gets verdicts, never a crash.

use crate::set::{self, SetProfile, SetTrust};
use crate::wire::{self, Observed, Outgoing};

/// The bytes as a message from the SUT on every binding, judged by every check.
pub fn sut_message(bytes: &[u8]) {
    crate::engine::fuzz_sut_message(bytes);
}

/// The bytes as a SET in JWS compact form: inspected, decoded for the
/// transcript and judged under every content profile.
pub fn compact_set(bytes: &[u8]) {
    let token = String::from_utf8_lossy(bytes);
    let trust = SetTrust {
        issuer: Some("https://sut.example/".into()),
        audience: Some("https://harness.example/".into()),
        jwks: Some(set::HarnessKeys::get().jwks().clone()),
        jwks_uri: None,
    };
    let _ = set::inspect("key", &token, &trust);
    let _ = set::decode_for_transcript("key", &token);
    let _ = set::is_compact_serialization(&token);
    let header = token.split('.').next().and_then(set::decode_header);
    if let (Some(header), Some(claims)) = (header, set::decode_claims(&token)) {
        for profile in [SetProfile::Rfc8417, SetProfile::Ssf, SetProfile::CaepInterop] {
            let _ = set::judge_profile(profile, &header, &claims, &trust);
        }
    }
}

/// The bytes as the body of an answer and of a WebSocket frame, recorded for the transcript.
pub fn transcript(bytes: &[u8]) {
    let request = Outgoing {
        method: "POST".into(),
        url: "https://127.0.0.1:9/x?access_token=t".into(),
        headers: vec![],
        body: bytes.to_vec(),
    };
    let answer = Observed {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: bytes.to_vec(),
        truncated: false,
    };
    let exchange = wire::record(1, "sut", 1, 0, 0, &request, &Ok(answer));
    let _ = serde_json::to_string(&exchange);
    let _ = wire::record(1, "trigger", 1, 0, 0, &request, &Err(wire::WireError::Timeout(1)));
}

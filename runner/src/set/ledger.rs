//! Every jti a SUT has used in the run, per issuer: a jti may come again with
//! the same SET (a redelivery), never with other content (RFC 8417 §2.2, SET-012).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

/// What was first seen under a jti: a digest of the SET's payload, and where.
#[derive(Debug, Clone)]
struct FirstSeen {
    digest: u64,
    scenario: String,
}

/// Shared by every scenario of a run.
#[derive(Debug, Default)]
pub struct JtiLedger {
    seen: Mutex<HashMap<(String, String), FirstSeen>>,
}

impl JtiLedger {
    /// Records `payload` (the SET's encoded claims) under `(issuer, jti)`; returns the
    /// scenario that first used this jti for other content, if one did.
    pub fn record(&self, issuer: &str, jti: &str, payload: &str, scenario: &str) -> Option<String> {
        let mut hasher = DefaultHasher::new();
        payload.hash(&mut hasher);
        let digest = hasher.finish();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let first = seen
            .entry((issuer.to_owned(), jti.to_owned()))
            .or_insert_with(|| FirstSeen { digest, scenario: scenario.to_owned() });
        (first.digest != digest).then(|| first.scenario.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_jti_with_other_content_is_reported_and_a_redelivery_is_not() {
        let ledger = JtiLedger::default();
        assert_eq!(ledger.record("iss", "j1", "payload-a", "s1"), None);
        assert_eq!(ledger.record("iss", "j1", "payload-a", "s2"), None, "a redelivery");
        assert_eq!(ledger.record("iss", "j1", "payload-b", "s3").as_deref(), Some("s1"));
        assert_eq!(ledger.record("other-iss", "j1", "payload-b", "s3"), None, "jtis are per issuer");
    }
}

//! Judging a sample of the SUT's SETs as they arrive (`--verify 1/N`): the
//! same inspection a scenario makes (signature, `typ`, claims; RFC 8417,
//! RFC 7515), so that a fast SUT is not fast by sending broken SETs. What a
//! sampled SET breaks is counted by requirement; the bench still takes it, so
//! the ledger measures delivery alone.

use crate::set::SetTrust;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Sampler {
    /// Judge one SET in this many; 0: none.
    one_in: u64,
    seen: AtomicU64,
    judged: AtomicU64,
    /// Known once the harness has registered with the SUT.
    trust: std::sync::OnceLock<SetTrust>,
    /// Requirement id → sampled SETs that broke it.
    broken: Mutex<BTreeMap<String, u64>>,
}

impl Sampler {
    pub fn new(one_in: u32) -> Sampler {
        Sampler {
            one_in: u64::from(one_in),
            seen: AtomicU64::new(0),
            judged: AtomicU64::new(0),
            trust: std::sync::OnceLock::new(),
            broken: Mutex::default(),
        }
    }

    /// What the SUT's SETs are held to, from its registration.
    pub fn trust(&self, trust: SetTrust) {
        let _ = self.trust.set(trust);
    }

    /// Judges the SET if it is one of the sample.
    pub fn maybe_judge(&self, jti: &str, token: &str) {
        let Some(trust) = self.trust.get() else { return };
        if self.one_in == 0 || !self.seen.fetch_add(1, Ordering::Relaxed).is_multiple_of(self.one_in) {
            return;
        }
        self.judged.fetch_add(1, Ordering::Relaxed);
        let findings = crate::set::inspect(jti, token, trust);
        let mut broken = self.broken.lock().unwrap_or_else(|e| e.into_inner());
        for finding in findings.into_iter().filter(|f| !f.not_judged) {
            *broken.entry(finding.req.to_owned()).or_insert(0) += 1;
        }
    }

    /// How many SETs were judged, and what they broke (by requirement id).
    pub fn outcome(&self) -> (u64, BTreeMap<String, u64>) {
        (self.judged.load(Ordering::Relaxed), self.broken.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::{Alg, Minter, SetKind};

    #[test]
    fn one_in_n_is_judged_and_a_broken_signature_is_counted() {
        let minter = Minter {
            issuer: "https://sut.example/".into(),
            audience: "https://harness.example/".into(),
            alg: Alg::ES256,
            profile: Default::default(),
            stream: None,
        };
        let trust = SetTrust {
            issuer: Some(minter.issuer.clone()),
            audience: Some(minter.audience.clone()),
            jwks: Some(crate::set::HarnessKeys::get().jwks().clone()),
            jwks_uri: None,
        };
        let sampler = Sampler::new(2);
        sampler.trust(trust);
        for n in 0..4 {
            let kind = if n % 2 == 0 { SetKind::BadSignature } else { SetKind::Valid };
            let set = minter.mint(&format!("j{n}"), kind, 1_700_000_000);
            sampler.maybe_judge(&set.key, &set.token);
        }
        let (judged, broken) = sampler.outcome();
        assert_eq!(judged, 2, "SETs 0 and 2 of four");
        assert_eq!(broken.values().sum::<u64>(), 2, "both sampled SETs have a bad signature: {broken:?}");
    }
}

//! SETs minted before they are needed, on every core, so that signing never
//! limits the rate the harness offers: a step sends from its pool only.

use crate::set::{Minter, SetKind};
use std::time::{SystemTime, UNIX_EPOCH};

/// Signed SETs, `tokens[n]` with the jti the ledger gives number `n`.
pub struct Pool {
    pub tokens: Vec<String>,
}

impl Pool {
    /// Mints `count` valid SETs, the n-th with jti `jti(n)`, on every core.
    pub fn mint(minter: &Minter, count: usize, jti: impl Fn(usize) -> String + Sync) -> Pool {
        let iat = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = count.div_ceil(threads).max(1);
        let mut tokens = vec![String::new(); count];
        std::thread::scope(|scope| {
            for (c, part) in tokens.chunks_mut(chunk).enumerate() {
                let jti = &jti;
                scope.spawn(move || {
                    for (i, slot) in part.iter_mut().enumerate() {
                        *slot = minter.mint(&jti(c * chunk + i), SetKind::Valid, iat).token;
                    }
                });
            }
        });
        Pool { tokens }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::Alg;

    #[test]
    fn every_set_of_the_pool_is_signed_and_carries_its_own_jti() {
        let minter = Minter {
            issuer: "https://harness.example/".into(),
            audience: "https://sut.example/".into(),
            alg: Alg::ES256,
            profile: Default::default(),
            stream: None,
        };
        let pool = Pool::mint(&minter, 7, |n| format!("p-{n}"));
        assert_eq!(pool.tokens.len(), 7);
        for (n, token) in pool.tokens.iter().enumerate() {
            assert!(!token.rsplit('.').next().unwrap().is_empty(), "signed: {token}");
            let claims = crate::set::decode_claims(token).unwrap();
            assert_eq!(claims["jti"], format!("p-{n}"));
        }
    }
}

//! The harness's signing keys: fixed test keys shipped with the suite, so a
//! vendor configures the harness's JWKS in their SUT once. They protect nothing.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey};
use std::sync::OnceLock;

/// Signature algorithms the harness signs SETs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum Alg {
    ES256,
    RS256,
    EdDSA,
    HS256,
}

impl Alg {
    pub fn algorithm(self) -> Algorithm {
        match self {
            Alg::ES256 => Algorithm::ES256,
            Alg::RS256 => Algorithm::RS256,
            Alg::EdDSA => Algorithm::EdDSA,
            Alg::HS256 => Algorithm::HS256,
        }
    }

    pub fn kid(self) -> &'static str {
        match self {
            Alg::ES256 => "setconform-es256",
            Alg::RS256 => "setconform-rs256",
            Alg::EdDSA => "setconform-eddsa",
            Alg::HS256 => "setconform-hs256",
        }
    }
}

pub struct HarnessKeys {
    es256: EncodingKey,
    rs256: EncodingKey,
    eddsa: EncodingKey,
    hs256: EncodingKey,
    /// Signs tokens that must fail verification (bad signature, unknown kid).
    pub rogue: EncodingKey,
    jwks: JwkSet,
}

impl HarnessKeys {
    pub fn get() -> &'static HarnessKeys {
        static KEYS: OnceLock<HarnessKeys> = OnceLock::new();
        KEYS.get_or_init(|| {
            let pem = |bytes: &[u8], f: fn(&[u8]) -> jsonwebtoken::errors::Result<EncodingKey>| {
                f(bytes).expect("embedded harness key parses")
            };
            let es256 = pem(include_bytes!("../../keys/es256.pem"), EncodingKey::from_ec_pem);
            let rs256 = pem(include_bytes!("../../keys/rs256.pem"), EncodingKey::from_rsa_pem);
            let eddsa = pem(include_bytes!("../../keys/eddsa.pem"), EncodingKey::from_ed_pem);
            let rogue = pem(include_bytes!("../../keys/rogue-es256.pem"), EncodingKey::from_ec_pem);
            let hs256 = EncodingKey::from_secret(include_bytes!("../../keys/hs256.secret"));
            let public = [(Alg::ES256, &es256), (Alg::RS256, &rs256), (Alg::EdDSA, &eddsa)];
            let keys = public
                .into_iter()
                .map(|(alg, key)| {
                    let mut jwk = Jwk::from_encoding_key(key, alg.algorithm()).expect("public JWK derives from key");
                    jwk.common.key_id = Some(alg.kid().to_owned());
                    jwk
                })
                .collect();
            HarnessKeys { es256, rs256, eddsa, hs256, rogue, jwks: JwkSet { keys } }
        })
    }

    pub fn signing_key(&self, alg: Alg) -> &EncodingKey {
        match alg {
            Alg::ES256 => &self.es256,
            Alg::RS256 => &self.rs256,
            Alg::EdDSA => &self.eddsa,
            Alg::HS256 => &self.hs256,
        }
    }

    /// The public keys a SUT verifies harness SETs with (HS256's shared secret is not published).
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }
}

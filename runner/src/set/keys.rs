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

    /// The key id of the key that replaces this one when the harness rotates its keys.
    pub fn next_kid(self) -> &'static str {
        match self {
            Alg::ES256 => "setconform-es256-next",
            Alg::RS256 => "setconform-rs256-next",
            Alg::EdDSA => "setconform-eddsa-next",
            // A shared secret is not published, so it cannot be rotated through a JWKS.
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
    /// The keys that replace the signing keys when the harness rotates (SSF-SET-012).
    next: [EncodingKey; 3],
    jwks: JwkSet,
    /// `jwks` and the next keys: what the JWKS URL serves after a rotation.
    rotated_jwks: JwkSet,
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
            let next = [
                pem(include_bytes!("../../keys/es256-next.pem"), EncodingKey::from_ec_pem),
                pem(include_bytes!("../../keys/rs256-next.pem"), EncodingKey::from_rsa_pem),
                pem(include_bytes!("../../keys/eddsa-next.pem"), EncodingKey::from_ed_pem),
            ];
            let public_jwk = |key: &EncodingKey, alg: Alg, kid: &str| {
                let mut jwk = Jwk::from_encoding_key(key, alg.algorithm()).expect("public JWK derives from key");
                jwk.common.key_id = Some(kid.to_owned());
                jwk
            };
            let public = [(Alg::ES256, &es256), (Alg::RS256, &rs256), (Alg::EdDSA, &eddsa)];
            let keys: Vec<Jwk> = public.iter().map(|(alg, key)| public_jwk(key, *alg, alg.kid())).collect();
            let next_keys = public.iter().zip(&next).map(|((alg, _), key)| public_jwk(key, *alg, alg.next_kid()));
            let rotated_jwks = JwkSet { keys: keys.iter().cloned().chain(next_keys).collect() };
            HarnessKeys { es256, rs256, eddsa, hs256, rogue, next, jwks: JwkSet { keys }, rotated_jwks }
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

    /// The key that replaces `alg`'s signing key after a rotation (HS256 keeps its secret).
    pub fn next_signing_key(&self, alg: Alg) -> &EncodingKey {
        match alg {
            Alg::ES256 => &self.next[0],
            Alg::RS256 => &self.next[1],
            Alg::EdDSA => &self.next[2],
            Alg::HS256 => &self.hs256,
        }
    }

    /// The public keys a SUT verifies harness SETs with (HS256's shared secret is not published).
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// The public keys after a rotation: the current ones and their successors.
    pub fn rotated_jwks(&self) -> &JwkSet {
        &self.rotated_jwks
    }
}

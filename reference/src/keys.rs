//! The reference's signing keys. Fixed test keys, so a harness can be given
//! the reference's JWKS once; they protect nothing.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey};
use std::sync::OnceLock;

pub const KID: &str = "reference-es256";
/// The certificate the reference presents as a TLS client (self-signed: a peer
/// pins it, as told at registration, pushpull §8.2), and its key.
pub const CLIENT_CERTIFICATE: &str = include_str!("../keys/tls/client.pem");
pub const CLIENT_KEY: &str = include_str!("../keys/tls/client-key.pem");
/// Key id used by the `sign-with-unknown-key` fault; not in the JWKS.
pub const ROGUE_KID: &str = "reference-es256-rotated";
/// Key id of the 2048-bit RSA key that signs under the CAEP interop profile (§2.6: RS256).
pub const RS256_KID: &str = "reference-rs256";
/// Key id of the RSA key used by the `sign-with-unknown-key` fault when signing RS256; not in the JWKS.
pub const ROGUE_RS256_KID: &str = "reference-rs256-rotated";

pub struct Keys {
    pub signing: EncodingKey,
    pub rogue: EncodingKey,
    /// RS256 key for the CAEP interop profile.
    pub rsa: EncodingKey,
    /// RS256 key of the `sign-with-unknown-key` fault; not in the JWKS.
    pub rogue_rsa: EncodingKey,
    /// Public halves of `signing` and `rsa`, whatever the SET profile.
    pub jwks: JwkSet,
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let signing = EncodingKey::from_ec_pem(include_bytes!("../keys/es256.pem"))
            .expect("embedded reference key is a valid P-256 PEM");
        let rogue = EncodingKey::from_ec_pem(include_bytes!("../keys/rogue-es256.pem"))
            .expect("embedded rogue key is a valid P-256 PEM");
        let rsa = EncodingKey::from_rsa_pem(include_bytes!("../keys/rs256.pem"))
            .expect("embedded RS256 key is a valid RSA PEM");
        let rogue_rsa = EncodingKey::from_rsa_pem(include_bytes!("../keys/rogue-rs256.pem"))
            .expect("embedded rogue RS256 key is a valid RSA PEM");
        let mut jwk = Jwk::from_encoding_key(&signing, Algorithm::ES256).expect("P-256 key converts to a JWK");
        jwk.common.key_id = Some(KID.to_owned());
        let mut rsa_jwk = Jwk::from_encoding_key(&rsa, Algorithm::RS256).expect("RSA key converts to a JWK");
        rsa_jwk.common.key_id = Some(RS256_KID.to_owned());
        Keys { signing, rogue, rsa, rogue_rsa, jwks: JwkSet { keys: vec![jwk, rsa_jwk] } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use jsonwebtoken::jwk::AlgorithmParameters;

    #[test]
    fn jwks_publishes_the_es256_and_a_2048_bit_rs256_key() {
        let jwks = &keys().jwks;
        assert_eq!(jwks.keys.len(), 2);
        assert!(matches!(jwks.find(KID).map(|k| &k.algorithm), Some(AlgorithmParameters::EllipticCurve(_))));
        let Some(AlgorithmParameters::RSA(rsa)) = jwks.find(RS256_KID).map(|k| &k.algorithm) else {
            panic!("no RSA key under {RS256_KID}");
        };
        let n = B64.decode(&rsa.n).unwrap();
        let bits = n.len() * 8 - n[0].leading_zeros() as usize;
        assert_eq!(bits, 2048);
        assert!(jwks.find(ROGUE_KID).is_none() && jwks.find(ROGUE_RS256_KID).is_none());
    }
}

//! The reference's signing keys. Fixed test keys, so a harness can be given
//! the reference's JWKS once; they protect nothing.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey};
use std::sync::OnceLock;

pub const KID: &str = "reference-es256";
/// Key id used by the `sign-with-unknown-key` fault; not in the JWKS.
pub const ROGUE_KID: &str = "reference-es256-rotated";

pub struct Keys {
    pub signing: EncodingKey,
    pub rogue: EncodingKey,
    pub jwks: JwkSet,
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let signing = EncodingKey::from_ec_pem(include_bytes!("../keys/es256.pem"))
            .expect("embedded reference key is a valid P-256 PEM");
        let rogue = EncodingKey::from_ec_pem(include_bytes!("../keys/rogue-es256.pem"))
            .expect("embedded rogue key is a valid P-256 PEM");
        let mut jwk = Jwk::from_encoding_key(&signing, Algorithm::ES256).expect("P-256 key converts to a JWK");
        jwk.common.key_id = Some(KID.to_owned());
        Keys { signing, rogue, jwks: JwkSet { keys: vec![jwk] } }
    })
}

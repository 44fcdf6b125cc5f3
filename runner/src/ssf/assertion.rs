//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect
//! Core §9): a short-lived JWT the client signs with its own key, presented as
//! `client_assertion` at the token endpoint.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

/// RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is good for (RFC 7523 §3: `exp` limits the window of use).
const LIFETIME_SECS: u64 = 60;

/// A client's private key (ES256 or RS256) that signs its assertions.
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    key: EncodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({:?})", self.alg)
    }
}

impl SigningKey {
    /// An EC P-256 key signs with ES256, an RSA key with RS256; the key must sign to be taken.
    pub fn from_pem(pem: &[u8]) -> Result<SigningKey, String> {
        type Parse = fn(&[u8]) -> jsonwebtoken::errors::Result<EncodingKey>;
        let kinds: [(Algorithm, Parse); 2] =
            [(Algorithm::ES256, EncodingKey::from_ec_pem), (Algorithm::RS256, EncodingKey::from_rsa_pem)];
        kinds
            .into_iter()
            .filter_map(|(alg, parse)| parse(pem).ok().map(|key| SigningKey { alg, key }))
            .find(|k| jsonwebtoken::encode(&Header::new(k.alg), &json!({}), &k.key).is_ok())
            .ok_or_else(|| "no EC P-256 (ES256) or RSA (RS256) private key in PEM form".to_owned())
    }

    /// The algorithm its assertions are signed with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// RFC 7523 §3: `iss` and `sub` the client, `aud` the token endpoint, a
    /// fresh `jti`, `exp` a minute ahead.
    pub fn assertion(&self, client_id: &str, token_endpoint: &str) -> Result<String, String> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let claims = json!({
            "iss": client_id,
            "sub": client_id,
            "aud": token_endpoint,
            "jti": fresh_id(),
            "iat": now,
            "exp": now + LIFETIME_SECS,
        });
        jsonwebtoken::encode(&Header::new(self.alg), &claims, &self.key).map_err(|e| e.to_string())
    }
}

/// 128 random bits in hex, unique per call.
pub fn fresh_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: still distinct within the process.
        let n = CALLS.fetch_add(1, Ordering::Relaxed);
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = (t ^ u128::from(n)).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_and_rsa_keys_sign_with_their_algorithm_and_other_text_is_refused() {
        let es = SigningKey::from_pem(include_bytes!("../../keys/es256.pem")).unwrap();
        let rs = SigningKey::from_pem(include_bytes!("../../keys/rs256.pem")).unwrap();
        assert_eq!((es.alg(), rs.alg()), (Algorithm::ES256, Algorithm::RS256));
        assert!(SigningKey::from_pem(include_bytes!("../../keys/eddsa.pem")).is_err());
        assert!(SigningKey::from_pem(b"not a key").is_err());
        assert_ne!(fresh_id(), fresh_id());
    }
}

//! The files sut.yaml names, read and parsed when it is loaded, so that
//! `check` says what is wrong with one (not PEM, no certificate in it, not a
//! JWKS) instead of a run failing on it later.

use crate::harness::pki::{HarnessPki, PkiError};
use jsonwebtoken::jwk::JwkSet;
use std::path::Path;
use x509_parser::pem::Pem;

/// What is wrong with a file sut.yaml names.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    #[error("{0}")]
    Unreadable(#[from] std::io::Error),
    #[error("not PEM (no -----BEGIN line)")]
    NotPem,
    #[error("not PEM: block {block}: {why}")]
    BrokenPem { block: usize, why: String },
    #[error("no certificate in it (PEM blocks: {0})")]
    NoCertificate(String),
    #[error("certificate {index} is not an X.509 certificate: {why}")]
    NotX509 { index: usize, why: String },
    #[error("not a JWKS: {0}")]
    NotJwks(String),
    #[error("it is empty")]
    Empty,
    #[error("{0}")]
    Unusable(String),
}

/// Which file of the harness's CA a problem is in.
#[derive(Debug, Clone, Copy)]
pub enum CaPart {
    Certificate,
    Key,
}

/// The user's CA for the harness (`harness.ca_file`, `harness.ca_key_file`):
/// a PEM certificate, and a PEM private key that goes with it.
pub fn harness_ca(cert: &Path, key: &Path) -> Result<HarnessPki, (CaPart, FileProblem)> {
    let cert_pem = ca_bundle(cert).map_err(|e| (CaPart::Certificate, e))?;
    let key_pem = std::fs::read(key).map_err(|e| (CaPart::Key, e.into()))?;
    if Pem::iter_from_buffer(&key_pem).next().is_none() {
        return Err((CaPart::Key, FileProblem::NotPem));
    }
    let text = |pem: &[u8]| String::from_utf8_lossy(pem).into_owned();
    HarnessPki::from_ca(&text(&cert_pem), &text(&key_pem)).map_err(|e| match e {
        PkiError::Certificate(_) => (CaPart::Certificate, FileProblem::Unusable(e.to_string())),
        _ => (CaPart::Key, FileProblem::Unusable(e.to_string())),
    })
}

/// A PEM bundle of CA certificates (`tls.ca_file`): at least one, each X.509.
pub fn ca_bundle(path: &Path) -> Result<Vec<u8>, FileProblem> {
    let pem = std::fs::read(path)?;
    let mut labels = Vec::new();
    let mut certificates = 0;
    for (block, item) in Pem::iter_from_buffer(&pem).enumerate() {
        let item = item.map_err(|e| FileProblem::BrokenPem { block: block + 1, why: e.to_string() })?;
        if item.label == "CERTIFICATE" {
            certificates += 1;
            item.parse_x509().map_err(|e| FileProblem::NotX509 { index: certificates, why: e.to_string() })?;
        }
        labels.push(item.label);
    }
    match (labels.is_empty(), certificates) {
        (true, _) => Err(FileProblem::NotPem),
        (false, 0) => Err(FileProblem::NoCertificate(labels.join(", "))),
        _ => Ok(pem),
    }
}

/// A JSON Web Key Set (`sets.jwks_file`, RFC 7517 §5).
pub fn jwks(path: &Path) -> Result<JwkSet, FileProblem> {
    let text = std::fs::read_to_string(path)?;
    serde_json::from_str(&text).map_err(|e| FileProblem::NotJwks(e.to_string()))
}

/// A secret kept in a file (`{file: ...}`), trimmed: never empty.
pub fn secret(path: &Path) -> Result<String, FileProblem> {
    let text = std::fs::read_to_string(path)?;
    let secret = text.trim();
    if secret.is_empty() { Err(FileProblem::Empty) } else { Ok(secret.to_owned()) }
}

//! Discovery (SSF §7.2): the reference reads the transmitter's metadata with
//! a GET and uses it only when its `issuer` is exactly the issuer it expected
//! (SSF §7.2.1, SSF-DISC-005).

use super::calls;
use super::error::{SetupError, Step};
use crate::fault::Fault;
use serde_json::Value;

/// What the receiver uses of the transmitter's metadata (SSF §7.1).
#[derive(Debug, Clone)]
pub struct Metadata {
    pub issuer: String,
    pub jwks_uri: String,
    pub configuration_endpoint: String,
    pub status_endpoint: Option<String>,
    pub verification_endpoint: Option<String>,
}

/// Reads the metadata at `url` and checks it names `issuer`.
pub async fn discover(
    client: &reqwest::Client,
    url: &str,
    issuer: &str,
    fault: Option<Fault>,
) -> Result<Metadata, SetupError> {
    let step = Step::Metadata;
    // SSF §7.2 (SSF-DISC-002): the metadata is read with GET.
    let request = if fault == Some(Fault::SsfRcvMetadataByPost) { client.post(url) } else { client.get(url) };
    let answer = calls::object(step, request).await?;
    let metadata = Metadata {
        issuer: calls::text(&answer, step, "issuer")?,
        jwks_uri: calls::text(&answer, step, "jwks_uri")?,
        configuration_endpoint: calls::text(&answer, step, "configuration_endpoint")?,
        status_endpoint: answer.get("status_endpoint").and_then(Value::as_str).map(str::to_owned),
        verification_endpoint: answer.get("verification_endpoint").and_then(Value::as_str).map(str::to_owned),
    };
    if metadata.issuer != issuer && fault != Some(Fault::SsfRcvSkipIssuerCheck) {
        return Err(SetupError::IssuerMismatch(metadata.issuer));
    }
    Ok(metadata)
}

//! The transmitter's configuration metadata (SSF §7.1) as the harness, a
//! receiver, takes it: a 200 JSON object whose `issuer` is the issuer it was
//! fetched for (§7.2.4: otherwise nothing in it is used), and the URLs a
//! receiver's token goes to, which must use TLS (§7.1).

use crate::wire::Observed;
use serde_json::Value;

/// The members of the metadata the harness acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: String,
    pub jwks_uri: Option<String>,
    pub configuration_endpoint: Option<String>,
    pub verification_endpoint: Option<String>,
}

/// Why the metadata cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("the metadata URL redirected (HTTP {status}{}); the harness does not follow it", location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirect { status: u16, location: Option<String> },
    #[error("the metadata URL answered HTTP {0}, not 200 (SSF §7.2.3)")]
    Status(u16),
    #[error("the metadata is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the metadata is not a JSON object (SSF §7.2.3): {0}")]
    NotJson(String),
    #[error("the metadata's issuer {found:?} is not the configured issuer {expected:?} (SSF §7.2.4)")]
    WrongIssuer { expected: String, found: Option<String> },
    #[error("the metadata's {0} is not a string")]
    NotAString(&'static str),
    #[error("the metadata names no {0}")]
    Missing(&'static str),
    #[error(
        "the metadata's {member} {url:?} does not use TLS (SSF §7.1); the receiver's token is not sent there in the clear"
    )]
    Cleartext { member: &'static str, url: String },
}

impl Metadata {
    /// §7.2.3, §7.2.4: the answer to the metadata request for `issuer`.
    pub fn read(answer: &Observed, issuer: &str) -> Result<Metadata, MetadataError> {
        if (300..400).contains(&answer.status) {
            let location = answer.header("location").map(str::to_owned);
            return Err(MetadataError::Redirect { status: answer.status, location });
        }
        if answer.status != 200 {
            return Err(MetadataError::Status(answer.status));
        }
        if answer.truncated {
            return Err(MetadataError::TooLarge(answer.body.len()));
        }
        let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(&answer.body) else {
            return Err(MetadataError::NotJson(super::token::excerpt(&answer.body)));
        };
        let text = |member: &'static str| match doc.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(MetadataError::NotAString(member)),
        };
        let found = text("issuer")?;
        if found.as_deref() != Some(issuer) {
            return Err(MetadataError::WrongIssuer { expected: issuer.to_owned(), found });
        }
        Ok(Metadata {
            issuer: issuer.to_owned(),
            jwks_uri: text("jwks_uri")?,
            configuration_endpoint: text("configuration_endpoint")?,
            verification_endpoint: text("verification_endpoint")?,
        })
    }

    /// The URL of endpoint `member`, where the receiver's token may be sent.
    pub fn endpoint(&self, member: &'static str) -> Result<&str, MetadataError> {
        let url = match member {
            "configuration_endpoint" => self.configuration_endpoint.as_deref(),
            "verification_endpoint" => self.verification_endpoint.as_deref(),
            "jwks_uri" => self.jwks_uri.as_deref(),
            _ => None,
        };
        let url = url.ok_or(MetadataError::Missing(member))?;
        if !may_carry_token(&self.issuer, url) {
            return Err(MetadataError::Cleartext { member, url: url.to_owned() });
        }
        Ok(url)
    }
}

/// Whether the receiver's token may go to `url`: over TLS (SSF §7.1), or in the
/// clear only to the very origin of an issuer that sut.yaml named in the clear
/// on a loopback address (a local test transmitter; the run lists it as cleartext).
pub fn may_carry_token(issuer: &str, url: &str) -> bool {
    let (Ok(issuer), Ok(url)) = (url::Url::parse(issuer), url::Url::parse(url)) else { return false };
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_cleartext(&issuer) && issuer.origin() == url.origin(),
        _ => false,
    }
}

/// An `http` URL on a loopback host.
pub fn is_loopback_cleartext(url: &url::Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    url.scheme() == "http" && loopback
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Observed {
        Observed { status, headers: Vec::new(), body: body.as_bytes().to_vec(), truncated: false }
    }

    const ISSUER: &str = "https://tr.example/ssf";

    #[test]
    fn metadata_is_used_only_when_it_is_a_json_object_of_the_configured_issuer() {
        let good = r#"{"issuer":"https://tr.example/ssf","configuration_endpoint":"https://tr.example/ssf/streams"}"#;
        let m = Metadata::read(&answer(200, good), ISSUER).unwrap();
        assert_eq!(m.endpoint("configuration_endpoint"), Ok("https://tr.example/ssf/streams"));
        assert_eq!(m.endpoint("verification_endpoint"), Err(MetadataError::Missing("verification_endpoint")));
        assert!(matches!(Metadata::read(&answer(200, "<html>"), ISSUER), Err(MetadataError::NotJson(_))));
        assert!(matches!(Metadata::read(&answer(200, "[1]"), ISSUER), Err(MetadataError::NotJson(_))));
        assert!(matches!(Metadata::read(&answer(404, "{}"), ISSUER), Err(MetadataError::Status(404))));
        assert!(matches!(Metadata::read(&answer(302, "{}"), ISSUER), Err(MetadataError::Redirect { .. })));
        let other = r#"{"issuer":"https://tr.example/other"}"#;
        assert!(matches!(Metadata::read(&answer(200, other), ISSUER), Err(MetadataError::WrongIssuer { .. })));
        let cut = Observed { truncated: true, ..answer(200, "{") };
        assert!(matches!(Metadata::read(&cut, ISSUER), Err(MetadataError::TooLarge(_))));
    }

    #[test]
    fn a_token_goes_in_the_clear_only_to_a_loopback_issuer_named_in_the_clear() {
        assert!(may_carry_token(ISSUER, "https://elsewhere.example/streams"));
        assert!(!may_carry_token(ISSUER, "http://tr.example/ssf/streams"));
        assert!(may_carry_token("http://127.0.0.1:8080/ssf", "http://127.0.0.1:8080/ssf/streams"));
        assert!(!may_carry_token("http://127.0.0.1:8080/ssf", "http://127.0.0.1:9090/ssf/streams"));
        assert!(!may_carry_token("http://tr.example/ssf", "http://tr.example/ssf/streams"));
        let doc = r#"{"issuer":"https://tr.example/ssf","verification_endpoint":"http://tr.example/verify"}"#;
        let m = Metadata::read(&answer(200, doc), ISSUER).unwrap();
        assert!(matches!(m.endpoint("verification_endpoint"), Err(MetadataError::Cleartext { .. })));
    }
}

//! Where a transmitter's configuration metadata is (SSF §7.2): the well-known
//! path `/.well-known/ssf-configuration` inserted between the issuer's host
//! and its path, any trailing `/` of the issuer's path removed first.

/// An issuer the metadata URL cannot be built from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuerError {
    #[error("the issuer {0:?} is not an absolute URL")]
    NotAUrl(String),
    #[error("the issuer {0:?} has a query or a fragment (SSF §7.1 forbids both)")]
    QueryOrFragment(String),
    #[error("the issuer {0:?} does not use https (SSF §7.1); http is taken only on a loopback address")]
    NotHttps(String),
}

/// SSF §7.1: the issuer uses https; a local test transmitter may be named in
/// the clear on a loopback address (the run then lists it as cleartext).
pub fn check_issuer(issuer: &str) -> Result<(), IssuerError> {
    metadata_url(issuer)?;
    let url = url::Url::parse(issuer).map_err(|_| IssuerError::NotAUrl(issuer.to_owned()))?;
    if url.scheme() == "https" || super::metadata::is_loopback_cleartext(&url) {
        Ok(())
    } else {
        Err(IssuerError::NotHttps(issuer.to_owned()))
    }
}

/// SSF §7.2: `https://tr.example.com/issuer1/` → `https://tr.example.com/.well-known/ssf-configuration/issuer1`.
pub fn metadata_url(issuer: &str) -> Result<String, IssuerError> {
    let url = url::Url::parse(issuer).map_err(|_| IssuerError::NotAUrl(issuer.to_owned()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(IssuerError::QueryOrFragment(issuer.to_owned()));
    }
    let Some(host) = url.host_str() else { return Err(IssuerError::NotAUrl(issuer.to_owned())) };
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let path = url.path().trim_end_matches('/');
    Ok(format!("{}://{authority}/.well-known/ssf-configuration{path}", url.scheme()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_path_goes_between_host_and_issuer_path() {
        let cases = [
            ("https://tr.example.com", "https://tr.example.com/.well-known/ssf-configuration"),
            ("https://tr.example.com/", "https://tr.example.com/.well-known/ssf-configuration"),
            ("https://tr.example.com/issuer1", "https://tr.example.com/.well-known/ssf-configuration/issuer1"),
            ("https://tr.example.com/issuer1/", "https://tr.example.com/.well-known/ssf-configuration/issuer1"),
            ("https://127.0.0.1:8443/a/b", "https://127.0.0.1:8443/.well-known/ssf-configuration/a/b"),
        ];
        for (issuer, url) in cases {
            assert_eq!(metadata_url(issuer).as_deref(), Ok(url), "{issuer}");
        }
    }

    #[test]
    fn an_issuer_with_a_query_or_no_url_is_refused() {
        assert!(matches!(metadata_url("https://tr.example.com/?a=b"), Err(IssuerError::QueryOrFragment(_))));
        assert!(matches!(metadata_url("tr.example.com"), Err(IssuerError::NotAUrl(_))));
    }

    #[test]
    fn an_issuer_in_the_clear_is_taken_only_on_a_loopback_address() {
        assert_eq!(check_issuer("https://tr.example.com/ssf"), Ok(()));
        assert_eq!(check_issuer("http://127.0.0.1:8080/ssf"), Ok(()));
        assert_eq!(check_issuer("http://localhost:8080/ssf"), Ok(()));
        assert!(matches!(check_issuer("http://tr.example.com/ssf"), Err(IssuerError::NotHttps(_))));
        assert!(matches!(check_issuer("ftp://127.0.0.1/ssf"), Err(IssuerError::NotHttps(_))));
    }
}

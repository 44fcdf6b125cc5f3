//! The TLS identities of the harness's own URLs for one run: a CA, generated
//! for the run or supplied by the user, and the certificates it signs. A SUT
//! trusts the CA (sent at registration as `endpoint_ca`, written out as
//! harness-ca.pem), so the harness's endpoint and `jwks_uri` validate, and so
//! the scenarios that present a certificate for another host or one that has
//! expired test the SUT's name and date checks, not its trust store
//! (PP-AUTH-001, PUSH-040, MSP-018, POLL-080). A self-signed certificate that
//! chains to nothing the SUT was given tests the trust store itself.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use std::time::{Duration, SystemTime};

/// How long the certificates issued for a run stay valid, from a day before it starts.
const RUN_VALIDITY: Duration = Duration::from_secs(30 * 24 * 3600);
/// The host the wrong-name certificate is for (RFC 2606: never resolves).
const WRONG_HOST: &str = "wrong-name.setconform.invalid";

/// Which certificate a harness listener presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// For 127.0.0.1 and localhost, from the CA.
    Harness,
    /// For 127.0.0.1 and localhost, self-signed: chains to nothing the SUT was given.
    SelfSigned,
    /// From the CA, for another host.
    WrongName,
    /// From the CA, for 127.0.0.1 and localhost, valid only in 2020.
    Expired,
}

/// A certificate chain and its private key, both PEM.
#[derive(Clone)]
pub struct Identity {
    pub chain_pem: String,
    pub key_pem: String,
}

impl Identity {
    /// The key and the chain in one PEM text, as a TLS client library takes them.
    pub fn pem(&self) -> String {
        format!("{}{}", self.key_pem, self.chain_pem)
    }
}

/// The run's CA and the identities it issued.
pub struct HarnessPki {
    /// The CA certificate a SUT trusts for the harness's URLs.
    pub ca_pem: String,
    /// Whether the CA was generated for this run (not supplied).
    pub generated: bool,
    harness: Identity,
    self_signed: Identity,
    wrong_name: Identity,
    expired: Identity,
    /// The harness as a TLS client (mutual TLS, one of pushpull §8.2's mechanisms), from the CA.
    pub client: Identity,
    /// A client certificate no SUT was told of, self-signed.
    pub stranger_client: Identity,
}

impl std::fmt::Debug for HarnessPki {
    // The private keys stay out of any debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HarnessPki").field("generated", &self.generated).finish_non_exhaustive()
    }
}

/// Why the harness has no CA to serve its URLs with.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("the CA certificate is not usable: {0}")]
    Certificate(rcgen::Error),
    #[error("the CA private key is not usable: {0}")]
    Key(rcgen::Error),
    #[error("the CA private key does not belong to the CA certificate")]
    Mismatch,
    #[error("cannot issue a certificate: {0}")]
    Issue(rcgen::Error),
}

impl HarnessPki {
    /// A fresh CA for this run, and its certificates.
    pub fn generate() -> Result<HarnessPki, PkiError> {
        let (params, key) = ca_params("setconform harness CA (generated for one run)", run_validity())?;
        let ca_pem = params.self_signed(&key).map_err(PkiError::Issue)?.pem();
        Self::issue(ca_pem, Issuer::new(params, key), true)
    }

    /// A CA for a user to keep (PEM certificate, PEM private key), valid for
    /// ten years: named in sut.yaml `harness.ca_file` and `harness.ca_key_file`,
    /// it lets a SUT set up once trust the harness of every run.
    pub fn generate_kept_ca() -> Result<(String, String), PkiError> {
        let now = time::OffsetDateTime::from(SystemTime::now());
        let validity = (now - Duration::from_secs(24 * 3600), now + Duration::from_secs(10 * 365 * 24 * 3600));
        let (params, key) = ca_params("setconform harness CA (kept by the user)", validity)?;
        let cert = params.self_signed(&key).map_err(PkiError::Issue)?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// The user's CA (PEM certificate and private key), and certificates it signs for this run.
    pub fn from_ca(ca_pem: &str, key_pem: &str) -> Result<HarnessPki, PkiError> {
        let key = KeyPair::from_pem(key_pem).map_err(PkiError::Key)?;
        let public = rcgen::PublicKeyData::subject_public_key_info(&key);
        let issuer = Issuer::from_ca_cert_pem(ca_pem, key).map_err(PkiError::Certificate)?;
        // A leaf signed by a key the certificate does not name would chain to nothing.
        let cert_key = ca_public_key(ca_pem).ok_or(PkiError::Mismatch)?;
        if cert_key != public {
            return Err(PkiError::Mismatch);
        }
        Self::issue(ca_pem.trim_end().to_owned() + "\n", issuer, false)
    }

    fn issue(ca_pem: String, issuer: Issuer<'static, KeyPair>, generated: bool) -> Result<HarnessPki, PkiError> {
        let dns = |name: &str| name.try_into().map(SanType::DnsName).map_err(PkiError::Issue);
        let local = vec![SanType::IpAddress([127, 0, 0, 1].into()), dns("localhost")?];
        let server = |names: &[SanType]| Role::Server(names.to_vec());
        let now = run_validity();
        let in_2020 = (rcgen::date_time_ymd(2020, 1, 1), rcgen::date_time_ymd(2021, 1, 1));
        Ok(HarnessPki {
            harness: leaf(server(&local), now, Some(&issuer))?,
            self_signed: leaf(server(&local), now, None)?,
            wrong_name: leaf(server(&[dns(WRONG_HOST)?]), now, Some(&issuer))?,
            expired: leaf(server(&local), in_2020, Some(&issuer))?,
            client: leaf(Role::Client, now, Some(&issuer))?,
            stranger_client: leaf(Role::Client, now, None)?,
            ca_pem,
            generated,
        })
    }

    /// The certificate and key a listener presents.
    pub fn identity(&self, presented: Presented) -> &Identity {
        match presented {
            Presented::Harness => &self.harness,
            Presented::SelfSigned => &self.self_signed,
            Presented::WrongName => &self.wrong_name,
            Presented::Expired => &self.expired,
        }
    }
}

/// A CA's key and parameters, named `common_name`, valid over `validity`.
fn ca_params(
    common_name: &str,
    validity: (time::OffsetDateTime, time::OffsetDateTime),
) -> Result<(CertificateParams, KeyPair), PkiError> {
    let key = KeyPair::generate().map_err(PkiError::Issue)?;
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    (params.not_before, params.not_after) = validity;
    Ok((params, key))
}

/// What a certificate is for.
enum Role {
    /// A TLS server for these names.
    Server(Vec<SanType>),
    /// A TLS client.
    Client,
}

/// A certificate for `role`, valid over `validity`, signed by `issuer` (self-signed without one).
fn leaf(
    role: Role,
    validity: (time::OffsetDateTime, time::OffsetDateTime),
    issuer: Option<&Issuer<'static, KeyPair>>,
) -> Result<Identity, PkiError> {
    let key = KeyPair::generate().map_err(PkiError::Issue)?;
    let mut params = CertificateParams::default();
    let (common_name, usage) = match role {
        Role::Server(names) => {
            params.subject_alt_names = names;
            ("setconform harness endpoint", rcgen::ExtendedKeyUsagePurpose::ServerAuth)
        }
        Role::Client => ("setconform harness client", rcgen::ExtendedKeyUsagePurpose::ClientAuth),
    };
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    (params.not_before, params.not_after) = validity;
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, issuer),
        None => params.self_signed(&key),
    }
    .map_err(PkiError::Issue)?;
    Ok(Identity { chain_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// From a day ago (clocks differ) to `RUN_VALIDITY` later.
fn run_validity() -> (time::OffsetDateTime, time::OffsetDateTime) {
    let now = time::OffsetDateTime::from(SystemTime::now());
    (now - Duration::from_secs(24 * 3600), now + RUN_VALIDITY)
}

/// The SubjectPublicKeyInfo (DER) of the first certificate in `pem`.
fn ca_public_key(pem: &str) -> Option<Vec<u8>> {
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let der = CertificateDer::pem_slice_iter(pem.as_bytes()).next()?.ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
    Some(cert.public_key().raw.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio_rustls::rustls::client::WebPkiServerVerifier;
    use tokio_rustls::rustls::client::danger::ServerCertVerifier;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use tokio_rustls::rustls::{CertificateError, Error, RootCertStore};

    /// What a SUT that trusts `ca_pem` makes of `identity`, presented for 127.0.0.1.
    fn verdict(ca_pem: &str, identity: &Identity) -> Result<(), Error> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        let leaf = CertificateDer::from_pem_slice(identity.chain_pem.as_bytes()).unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        verifier.verify_server_cert(&leaf, &[], &name, &[], UnixTime::now()).map(|_| ())
    }

    fn assert_each_certificate_earns_its_verdict(pki: &HarnessPki) {
        assert!(verdict(&pki.ca_pem, pki.identity(Presented::Harness)).is_ok());
        let refused = |p| verdict(&pki.ca_pem, pki.identity(p)).unwrap_err();
        assert!(matches!(refused(Presented::SelfSigned), Error::InvalidCertificate(CertificateError::UnknownIssuer)));
        assert!(matches!(
            refused(Presented::WrongName),
            Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })
        ));
        assert!(matches!(
            refused(Presented::Expired),
            Error::InvalidCertificate(CertificateError::ExpiredContext { .. })
        ));
    }

    #[test]
    fn a_generated_ca_signs_a_valid_certificate_and_three_that_a_sut_must_refuse() {
        let pki = HarnessPki::generate().unwrap();
        assert!(pki.generated);
        assert_each_certificate_earns_its_verdict(&pki);
        let other = HarnessPki::generate().unwrap();
        assert_ne!(pki.ca_pem, other.ca_pem, "each run has a CA of its own");
    }

    #[test]
    fn a_users_ca_signs_the_certificates_and_a_key_of_another_ca_is_refused() {
        let made = HarnessPki::generate().unwrap();
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_pem = params.self_signed(&key).unwrap().pem();
        let pki = HarnessPki::from_ca(&ca_pem, &key.serialize_pem()).unwrap();
        assert!(!pki.generated);
        assert_each_certificate_earns_its_verdict(&pki);

        let stranger = KeyPair::generate().unwrap().serialize_pem();
        assert!(matches!(HarnessPki::from_ca(&ca_pem, &stranger), Err(PkiError::Mismatch)));
        assert!(matches!(
            HarnessPki::from_ca("not a certificate", &key.serialize_pem()),
            Err(PkiError::Certificate(_))
        ));
        assert!(matches!(HarnessPki::from_ca(&ca_pem, "not a key"), Err(PkiError::Key(_))));
        assert!(!format!("{made:?}").contains("PRIVATE KEY"));
    }
}

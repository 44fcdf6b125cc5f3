//! `setconform keys`: the harness's public keys, for SUTs that are configured
//! by hand; with `--sut`, everything such a SUT needs (identity, endpoint URLs,
//! endpoint token, CA); with `--write-ca DIR`, a CA for the user to keep.

use super::Error;
use setconform::harness::pki::HarnessPki;
use setconform::run::exit;
use setconform::sut::SutSetup;
use std::path::Path;

pub fn print(sut: Option<&Path>, write_ca: Option<&Path>) -> Result<i32, Error> {
    if let Some(dir) = write_ca {
        let (cert, key) =
            HarnessPki::generate_kept_ca().map_err(|e| Error::Problems(vec![format!("cannot make a CA: {e}")]))?;
        let (cert_file, key_file) = (dir.join("harness-ca.pem"), dir.join("harness-ca-key.pem"));
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&cert_file, cert))
            .and_then(|()| write_private(&key_file, key.as_bytes()))
            .map_err(|e| Error::Problems(vec![format!("cannot write the CA to {}: {e}", dir.display())]))?;
        eprintln!(
            "setconform: wrote {} and {} (keep the key private); point sut.yaml at them:\n  harness:\n    \
             ca_file: {}\n    ca_key_file: {}\nand make the SUT trust {} for the harness's URLs",
            cert_file.display(),
            key_file.display(),
            cert_file.display(),
            key_file.display(),
            cert_file.display()
        );
        if sut.is_none() {
            return Ok(exit::CONFORMANT);
        }
    }
    let Some(path) = sut else {
        println!("{}", jwks());
        return Ok(exit::CONFORMANT);
    };
    let sut = SutSetup::load(path).map_err(|errs| Error::Problems(errs.iter().map(ToString::to_string).collect()))?;
    let catalogue = setconform::run::load_catalogue(None).map_err(|e| Error::Problems(e.0))?;
    let configuration = setconform::sut::hand::configuration(&sut, &catalogue);
    println!("{}", serde_json::to_string_pretty(&configuration).unwrap_or_default());
    Ok(exit::CONFORMANT)
}

/// Writes a private key readable by its owner only (where the platform says so).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The public keys SUTs verify the harness's SETs with, as a JWKS document.
pub fn jwks() -> String {
    serde_json::to_string_pretty(setconform::set::HarnessKeys::get().jwks()).unwrap_or_default()
}

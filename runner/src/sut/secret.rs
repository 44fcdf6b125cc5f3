//! A secret in sut.yaml: named, never written there, and read from the
//! environment (`env:`) or a file beside sut.yaml (`file:`).

use crate::catalogue::{LoadError, SourceFile, shown};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub(super) struct SecretRef {
    #[serde(default)]
    env: Option<String>,
    #[serde(default)]
    file: Option<String>,
}

/// A secret from the environment or a file (relative to sut.yaml), trimmed;
/// a problem is named at `pointer`.
pub(super) fn read_secret(
    secret: SecretRef,
    pointer: &str,
    file: &SourceFile,
    base: &Path,
    errors: &mut Vec<LoadError>,
) -> Option<String> {
    if let Some(var) = secret.env {
        match std::env::var(&var) {
            Ok(v) if !v.trim().is_empty() => Some(v.trim().to_owned()),
            _ => {
                errors.push(file.error(
                    &format!("{pointer}/env"),
                    format!("environment variable {} is not set", shown::text(&var)),
                ));
                None
            }
        }
    } else if let Some(f) = secret.file {
        match super::files::secret(&base.join(&f)) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(file.error(&format!("{pointer}/file"), format!("{}: {e}", shown::text(&f))));
                None
            }
        }
    } else {
        None
    }
}

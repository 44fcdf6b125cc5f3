//! What sut.yaml claims, held against the catalogue before anything runs:
//! every profile and capability it names is one the catalogue defines (a
//! misspelt name would leave its scenarios N/A and the run green), and every
//! claimed profile has what its scenarios need to reach the SUT.

use super::SutSetup;
use crate::catalogue::{Catalogue, LoadError, Profile, Protocol, Role, names};

/// Reads and checks `sut.yaml` (as [`SutSetup::load`]), then its claims against `catalogue`.
pub fn load(path: &std::path::Path, catalogue: &Catalogue) -> Result<SutSetup, Vec<LoadError>> {
    let sut = SutSetup::load(path)?;
    match problems(&sut, catalogue, &path.display().to_string()) {
        errors if errors.is_empty() => Ok(sut),
        errors => Err(errors),
    }
}

/// Every problem with the claims of `sut`, read from the file `file`.
pub fn problems(sut: &SutSetup, catalogue: &Catalogue, file: &str) -> Vec<LoadError> {
    let error = |pointer: String, message: String| LoadError::Invalid { file: file.to_owned(), pointer, message };
    let mut errors = Vec::new();
    let profiles = || catalogue.profiles.keys().map(String::as_str);
    for (i, name) in sut.profiles.iter().enumerate() {
        match catalogue.profiles.get(name) {
            None => errors.push(error(
                format!("/profiles/{i}"),
                format!("unknown profile {}: {}", shown(name), names::suggestion(name, profiles())),
            )),
            Some(profile) => errors.extend(missing(sut, profile).map(|(field, why)| error(field, why))),
        }
    }
    let capabilities = || catalogue.profiles.values().flat_map(|p| p.capabilities.keys().map(String::as_str));
    for (i, name) in sut.capabilities.iter().enumerate() {
        if !capabilities().any(|c| c == name) {
            let mut known: Vec<&str> = capabilities().collect();
            known.sort_unstable();
            known.dedup();
            errors.push(error(
                format!("/capabilities/{i}"),
                format!("unknown capability {}: {}", shown(name), names::suggestion(name, known)),
            ));
        }
    }
    errors
}

/// An unknown name as an error quotes it.
fn shown(name: &str) -> String {
    crate::catalogue::shown::text(name)
}

/// The sut.yaml field a claimed profile needs and lacks, with why: the
/// endpoint the harness sends to when the SUT answers (a responder, a push
/// receiver, a poll transmitter), or how an SSF SUT is reached.
fn missing(sut: &SutSetup, profile: &Profile) -> Option<(String, String)> {
    let id = &profile.id;
    match profile.protocol {
        Protocol::Ssf => match profile.role {
            Role::Transmitter if sut.ssf.is_none() => Some((
                "/trigger/ssf".to_owned(),
                format!("profile {id} is claimed, and the SSF transmitter's issuer and credentials are not given"),
            )),
            Role::Receiver if sut.trigger.is_none() && sut.setup != super::SetupMode::Static => Some((
                "/trigger".to_owned(),
                format!(
                    "profile {id} is claimed, and the SUT neither has a trigger (to be told where the harness's \
                     transmitter is) nor is configured by hand (setup: static)"
                ),
            )),
            _ => None,
        },
        Protocol::Set => None,
        _ if profile.sut_sends() => None,
        // The registration may answer the poll endpoint (README: the control API).
        Protocol::Poll if sut.trigger.is_some() => None,
        _ => {
            let (endpoint, field) = sut.endpoint_for(profile.delivery());
            endpoint.is_none().then(|| {
                let why = format!("profile {id} is claimed, and the SUT's endpoint for it ({field}) is not given");
                (format!("/{}", field.replace('.', "/")), why)
            })
        }
    }
}

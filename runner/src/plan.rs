//! Planning: which scenarios apply to this SUT, and why the others are N/A.

use crate::catalogue::{Catalogue, Scenario};
use crate::sut::SutSetup;
use setconform_reports::NaKind;

mod setup;

#[derive(Debug, Clone)]
pub enum Applicability {
    Applies,
    /// N/A: whether the SUT did not claim what it takes or cannot be tested for it, and why.
    NotApplicable(NaKind, String),
}

#[derive(Debug, Clone)]
pub struct Planned<'c> {
    pub scenario: &'c Scenario,
    /// The claimed profile the scenario runs under (or its first, when N/A).
    pub profile: String,
    pub applicability: Applicability,
}

/// Plans every scenario of the catalogue. `selected` narrows the SUT's claims
/// to the profiles named on the command line (all claims when empty).
pub fn plan<'c>(catalogue: &'c Catalogue, sut: &SutSetup, selected: &[String]) -> Vec<Planned<'c>> {
    let claimed: Vec<&String> = sut.profiles.iter().filter(|p| selected.is_empty() || selected.contains(p)).collect();
    catalogue
        .scenarios
        .iter()
        .map(|scenario| {
            let profile = scenario.applies_to.iter().find(|p| claimed.contains(p));
            let applicability = match profile {
                None => Applicability::NotApplicable(
                    NaKind::NotClaimed,
                    format!(
                        "profile {} is not claimed{}",
                        scenario.applies_to.join(" / "),
                        if selected.is_empty() { " by the SUT" } else { " in this run" }
                    ),
                ),
                Some(p) => match scenario.requires.iter().find(|c| !has_capability(catalogue, sut, p, c)) {
                    Some(cap) => Applicability::NotApplicable(
                        NaKind::NotClaimed,
                        format!("the SUT does not declare capability {cap:?}"),
                    ),
                    None => match outside_set_profile(catalogue, sut, scenario, p)
                        .map(|why| (NaKind::NotClaimed, why))
                        .or_else(|| no_ssf_transmitter(catalogue, sut, p).map(|why| (NaKind::CannotTest, why)))
                        .or_else(|| {
                            setup::not_with_shared_peer(catalogue, sut, scenario, p)
                                .map(|why| (NaKind::CannotTest, why))
                        }) {
                        Some((kind, why)) => Applicability::NotApplicable(kind, why),
                        None => Applicability::Applies,
                    },
                },
            };
            Planned { scenario, profile: profile.unwrap_or(&scenario.applies_to[0]).clone(), applicability }
        })
        .collect()
}

/// Why a scenario is N/A when every requirement it cites belongs to a SET
/// profile (SSF, CAEP interoperability) the SUT does not claim.
fn outside_set_profile(catalogue: &Catalogue, sut: &SutSetup, scenario: &Scenario, profile: &str) -> Option<String> {
    let claimed = catalogue.profiles.get(profile).map_or(sut.set_profile, |p| p.set_profile_under(sut.set_profile));
    let outside: Vec<String> = scenario
        .requirements
        .iter()
        .map(|id| {
            let r = catalogue.requirements.get(id)?;
            r.outside(claimed).map(|_| format!("{id} is a requirement of the {} profile", r.set_profile().name()))
        })
        .collect::<Option<Vec<String>>>()?;
    (!outside.is_empty()).then(|| {
        format!(
            "not applicable for the claimed SET profile {} (sut.yaml sets.profile or --set-profile): {}",
            claimed.name(),
            outside.join("; ")
        )
    })
}

/// Why an SSF scenario cannot run: sut.yaml does not say where the SSF
/// transmitter is, or how an SSF receiver learns where the harness's is.
fn no_ssf_transmitter(catalogue: &Catalogue, sut: &SutSetup, profile: &str) -> Option<String> {
    use crate::catalogue::{Protocol, Role};
    let role = catalogue.profiles.get(profile).filter(|p| p.protocol == Protocol::Ssf).map(|p| p.role)?;
    match role {
        Role::Receiver if sut.trigger.is_none() && sut.setup != crate::sut::SetupMode::Static => Some(
            "an SSF receiver learns where the harness's transmitter is at registration (a trigger) \
             or is configured by hand (setup: static): sut.yaml has neither"
                .to_owned(),
        ),
        Role::Receiver => None,
        _ if sut.ssf.is_none() => {
            Some("sut.yaml has no trigger.ssf: the issuer and credentials of the SSF transmitter".to_owned())
        }
        _ => None,
    }
}

/// The embedded reference has every capability of the profiles it serves.
fn has_capability(catalogue: &Catalogue, sut: &SutSetup, profile: &str, cap: &str) -> bool {
    if sut.kind == "embedded-reference" {
        return catalogue.profiles.get(profile).is_some_and(|p| p.capabilities.contains_key(cap));
    }
    sut.capabilities.iter().any(|c| c == cap)
}

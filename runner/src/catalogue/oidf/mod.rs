//! The OIDF parity map, `suite/oidf-parity.yaml`: the OpenID Foundation
//! conformance suite's SSF test modules, for transmitters and for receivers,
//! what each checks, and the scenarios of this catalogue that cover the same
//! behaviour (or, for a module none covers, why). `docs/oidf-parity.md` is its
//! [`OidfParity::markdown`].
//!
//! Loading checks the file against its schema, that its receiver profile
//! exists and that no module is listed twice; the scenario ids are compared with the catalogue by
//! [`OidfParity::unmatched_scenarios`], so a map naming a scenario that is
//! renamed meanwhile still loads and shows the name as missing.

mod markdown;

use super::{Catalogue, SourceFile};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The map's file name below `suite/`.
pub const FILE_NAME: &str = "oidf-parity.yaml";

/// Whether `file` is the parity map rather than a scenario.
pub(super) fn is_parity_file(file: &SourceFile) -> bool {
    file.is_under("suite") && file.name().ends_with(FILE_NAME)
}

#[derive(Debug, Clone, Deserialize)]
pub struct OidfParity {
    /// The repository the modules were read from.
    pub source: String,
    pub transmitter: Vec<Module>,
    pub receiver: ReceiverModules,
}

/// One OIDF test module.
#[derive(Debug, Clone, Deserialize)]
pub struct Module {
    /// Its Java class name.
    pub module: String,
    /// Its test name in the OIDF suite, where known.
    #[serde(default)]
    pub test: Option<String>,
    /// What it checks, in one line.
    pub checks: String,
    /// The scenarios covering the same behaviour.
    pub scenarios: Vec<String>,
    /// What no scenario covers, and why (always given when `scenarios` is empty).
    #[serde(default)]
    pub gap: Option<String>,
}

/// The OIDF modules for SSF receivers, and the profile whose scenarios cover them.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceiverModules {
    pub profile: String,
    pub modules: Vec<Module>,
}

/// A scenario the map names that does not cover what the map says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedScenario<'m> {
    pub module: &'m str,
    pub scenario: &'m str,
    pub why: Unmatched<'m>,
}

/// Why a named scenario does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched<'m> {
    /// The catalogue has no scenario of that id.
    NotInCatalogue,
    /// A receiver module names a scenario that does not apply to this receiver profile.
    NotForProfile(&'m str),
}

impl std::fmt::Display for Unmatched<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmatched::NotInCatalogue => f.write_str("not in the catalogue"),
            Unmatched::NotForProfile(profile) => write!(f, "not for the {profile} profile"),
        }
    }
}

impl std::fmt::Display for UnmatchedScenario<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} names {}, which is {}", self.module, self.scenario, self.why)
    }
}

impl OidfParity {
    /// The scenarios named that `catalogue` lacks, and those named for a
    /// receiver module that do not apply to the receiver profile. (A
    /// transmitter module may name scenarios of any profile: the OIDF modules
    /// check poll behaviour the pushpull profiles test.)
    pub fn unmatched_scenarios<'m>(&'m self, catalogue: &Catalogue) -> Vec<UnmatchedScenario<'m>> {
        let applies_to = |id: &str| catalogue.scenarios.iter().find(|s| s.id == id).map(|s| &s.applies_to);
        let profile = self.receiver.profile.as_str();
        let named = |modules: &'m [Module], receiver: bool| {
            modules.iter().flat_map(move |m| m.scenarios.iter().map(move |s| (m, s.as_str(), receiver)))
        };
        named(&self.transmitter, false)
            .chain(named(&self.receiver.modules, true))
            .filter_map(|(m, scenario, receiver)| {
                let why = match applies_to(scenario) {
                    None => Unmatched::NotInCatalogue,
                    Some(profiles) if receiver && !profiles.iter().any(|p| p == profile) => {
                        Unmatched::NotForProfile(profile)
                    }
                    Some(_) => return None,
                };
                Some(UnmatchedScenario { module: &m.module, scenario, why })
            })
            .collect()
    }

    /// Every scenario id the map names.
    pub fn scenario_ids(&self) -> BTreeSet<&str> {
        self.transmitter
            .iter()
            .chain(&self.receiver.modules)
            .flat_map(|m| m.scenarios.iter().map(String::as_str))
            .collect()
    }

    /// Problems no schema can see: a receiver profile that does not exist, and
    /// a module listed twice; each as (JSON pointer, message).
    pub(super) fn problems<P>(&self, profiles: &BTreeMap<String, P>) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !profiles.contains_key(&self.receiver.profile) {
            problems.push(("/receiver/profile".to_owned(), format!("unknown profile {:?}", self.receiver.profile)));
        }
        let mut seen = BTreeSet::new();
        let transmitter = self.transmitter.iter().enumerate().map(|(i, m)| (format!("/transmitter/{i}/module"), m));
        let receiver =
            self.receiver.modules.iter().enumerate().map(|(i, m)| (format!("/receiver/modules/{i}/module"), m));
        problems.extend(
            transmitter
                .chain(receiver)
                .filter(|(_, m)| !seen.insert(m.module.as_str()))
                .map(|(at, m)| (at, format!("module {} is listed twice", m.module))),
        );
        problems
    }
}

/// How many of `modules` name at least one scenario.
pub fn covered(modules: &[Module]) -> usize {
    modules.iter().filter(|m| !m.scenarios.is_empty()).count()
}

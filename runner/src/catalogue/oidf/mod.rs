//! The OIDF parity map, `suite/oidf-parity.yaml`: the OpenID Foundation
//! conformance suite's SSF test modules, what each checks, and the scenarios
//! of this catalogue that cover the same behaviour (or, for a module none
//! covers, why). `docs/oidf-parity.md` is its [`OidfParity::markdown`].
//!
//! Loading checks the file against its schema and that the requirements its
//! receiver modules name exist; the scenario ids are compared with the
//! catalogue by [`OidfParity::unknown_scenarios`].

mod markdown;

use super::{Catalogue, Requirement, SourceFile};
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
    pub transmitter: Vec<TransmitterModule>,
    pub receiver: ReceiverModules,
}

/// One OIDF test module for SSF transmitters.
#[derive(Debug, Clone, Deserialize)]
pub struct TransmitterModule {
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

/// The OIDF modules for SSF receivers, and the profile meant to cover them.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceiverModules {
    pub profile: String,
    pub modules: Vec<ReceiverModule>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReceiverModule {
    pub module: String,
    pub checks: String,
    /// The requirement rows it is about.
    pub requirements: Vec<String>,
}

/// A scenario id the map names that the catalogue does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScenario<'m> {
    pub module: &'m str,
    pub scenario: &'m str,
}

impl std::fmt::Display for UnknownScenario<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} names {}, which is not in the catalogue", self.module, self.scenario)
    }
}

impl OidfParity {
    /// The scenario ids named for transmitter modules that `catalogue` lacks.
    pub fn unknown_scenarios<'m>(&'m self, catalogue: &Catalogue) -> Vec<UnknownScenario<'m>> {
        let known: BTreeSet<&str> = catalogue.scenarios.iter().map(|s| s.id.as_str()).collect();
        self.transmitter
            .iter()
            .flat_map(|m| m.scenarios.iter().map(move |s| UnknownScenario { module: &m.module, scenario: s }))
            .filter(|u| !known.contains(u.scenario))
            .collect()
    }

    /// Every scenario id the map names.
    pub fn scenario_ids(&self) -> BTreeSet<&str> {
        self.transmitter.iter().flat_map(|m| m.scenarios.iter().map(String::as_str)).collect()
    }

    /// The transmitter modules no scenario covers.
    pub fn uncovered(&self) -> impl Iterator<Item = &TransmitterModule> {
        self.transmitter.iter().filter(|m| m.scenarios.is_empty())
    }

    /// Problems no schema can see: requirement ids that do not exist, and a
    /// module listed twice; each as (JSON pointer, message).
    pub(super) fn problems(&self, requirements: &BTreeMap<String, Requirement>) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, m) in self.transmitter.iter().enumerate() {
            if !seen.insert(m.module.as_str()) {
                problems.push((format!("/transmitter/{i}/module"), format!("module {} is listed twice", m.module)));
            }
        }
        for (i, m) in self.receiver.modules.iter().enumerate() {
            if !seen.insert(m.module.as_str()) {
                problems
                    .push((format!("/receiver/modules/{i}/module"), format!("module {} is listed twice", m.module)));
            }
            for (j, id) in m.requirements.iter().enumerate() {
                if !requirements.contains_key(id) {
                    problems.push((
                        format!("/receiver/modules/{i}/requirements/{j}"),
                        format!("unknown requirement {id:?}"),
                    ));
                }
            }
        }
        problems
    }
}

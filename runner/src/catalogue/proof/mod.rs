//! How well each requirement is proven: the scenarios that test it (or that
//! it is judged on every SET), and the faults of the embedded reference whose
//! runs find it broken, so that the suite is shown to catch a breach of it.
//! Per requirement family, how many normative requirements have each.
//!
//! [`NOT_BY_A_FAULT`] lists the expectations no fault of the reference makes
//! fail, each with how it is proven instead (a fake SUT in the tests) or why
//! it cannot fail alone; `runner/tests/faults.rs` holds every other
//! expectation to failing under some fault.

mod unbroken;

pub use unbroken::{NOT_BY_A_FAULT, Otherwise, Unbroken};

use super::{Catalogue, Requirement};
use setconform_reference::Fault;
use std::collections::BTreeMap;

/// What proves one requirement.
#[derive(Debug, Clone)]
pub struct Proof<'c> {
    pub requirement: &'c Requirement,
    /// The scenarios citing it.
    pub scenarios: Vec<&'c str>,
    /// Whether it is judged on every SET the SUT sends (of the kind it concerns).
    pub every_set: bool,
    /// The faults a run finds it broken under (`Fault::proves`), in catalogue order.
    pub faults: Vec<&'static str>,
    /// The tests whose fake SUTs show a breach of it caught, where no fault can.
    pub fake_suts: Vec<&'static str>,
}

impl Proof<'_> {
    /// Whether anything in the suite judges it.
    pub fn is_tested(&self) -> bool {
        self.every_set || !self.scenarios.is_empty()
    }

    /// Whether a fault, or a fake SUT in the tests, shows a breach of it caught.
    pub fn is_proven(&self) -> bool {
        !self.faults.is_empty() || !self.fake_suts.is_empty()
    }

    /// A normative requirement the suite judges that nothing shows it catches.
    pub fn lacks_proof(&self) -> bool {
        self.requirement.level.is_normative() && self.is_tested() && !self.is_proven()
    }
}

/// One family's figures: normative requirements, those tested, and those of
/// the tested ones a fault proves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyRow {
    pub family: String,
    pub normative: usize,
    pub tested: usize,
    pub proven: usize,
}

/// Every requirement of the catalogue with what proves it, in id order.
pub fn proofs(catalogue: &Catalogue) -> Vec<Proof<'_>> {
    catalogue
        .requirements
        .values()
        .map(|r| Proof {
            requirement: r,
            scenarios: catalogue
                .scenarios
                .iter()
                .filter(|s| s.requirements.contains(&r.id))
                .map(|s| s.id.as_str())
                .collect(),
            every_set: crate::set::judged_on_every_set(&r.id),
            faults: Fault::ALL.iter().filter(|f| f.proves().any(|id| id == r.id)).map(|f| f.name()).collect(),
            fake_suts: {
                let mut tests: Vec<&'static str> = NOT_BY_A_FAULT
                    .iter()
                    .filter(|u| u.requirement == r.id)
                    .filter_map(|u| match u.otherwise {
                        Otherwise::FakeSut { test } => Some(test),
                        Otherwise::NotAlone => None,
                    })
                    .collect();
                tests.dedup();
                tests
            },
        })
        .collect()
}

/// A requirement's family: its id without the last `-nn` (`PP-HTTP-008` → `PP-HTTP`).
pub fn family(id: &str) -> &str {
    id.rsplit_once('-').map_or(id, |(family, _)| family)
}

/// The figures of each family, in family order.
pub fn families(proofs: &[Proof<'_>]) -> Vec<FamilyRow> {
    let mut rows: BTreeMap<&str, FamilyRow> = BTreeMap::new();
    for p in proofs.iter().filter(|p| p.requirement.level.is_normative()) {
        let name = family(&p.requirement.id);
        let row = rows.entry(name).or_insert_with(|| FamilyRow { family: name.to_owned(), ..FamilyRow::default() });
        row.normative += 1;
        if p.is_tested() {
            row.tested += 1;
            if p.is_proven() {
                row.proven += 1;
            }
        }
    }
    rows.into_values().collect()
}

/// The sum of `rows`, named `total`.
pub fn total(rows: &[FamilyRow]) -> FamilyRow {
    rows.iter().fold(FamilyRow { family: "total".to_owned(), ..FamilyRow::default() }, |sum, r| FamilyRow {
        normative: sum.normative + r.normative,
        tested: sum.tested + r.tested,
        proven: sum.proven + r.proven,
        ..sum
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Level, Origin};

    fn requirement(id: &str, level: Level) -> Requirement {
        Requirement {
            id: id.to_owned(),
            spec: "rfc8935".to_owned(),
            section: "2".to_owned(),
            level,
            role: "Tx".to_owned(),
            text: String::new(),
            amb: Vec::new(),
            observable: true,
            why: None,
        }
    }

    fn proof<'c>(r: &'c Requirement, scenarios: &[&'c str], faults: &[&'static str]) -> Proof<'c> {
        Proof {
            requirement: r,
            scenarios: scenarios.to_vec(),
            every_set: false,
            faults: faults.to_vec(),
            fake_suts: Vec::new(),
        }
    }

    #[test]
    fn a_family_counts_its_normative_requirements_tested_and_proven() {
        let reqs = [
            requirement("X-Y-001", Level::Must),
            requirement("X-Y-002", Level::Should),
            requirement("X-Y-003", Level::May),
            requirement("X-Y-004", Level::MustNot),
            requirement("Z-001", Level::Required),
        ];
        let proofs = [
            proof(&reqs[0], &["a"], &["f"]),
            proof(&reqs[1], &["a"], &[]),
            proof(&reqs[2], &["a"], &["g"]),
            proof(&reqs[3], &[], &[]),
            Proof { every_set: true, ..proof(&reqs[4], &[], &[]) },
        ];
        assert!(proofs[1].lacks_proof() && !proofs[2].lacks_proof() && !proofs[3].lacks_proof());
        let rows = families(&proofs);
        let row =
            |family: &str, normative, tested, proven| FamilyRow { family: family.into(), normative, tested, proven };
        assert_eq!(rows, [row("X-Y", 3, 2, 1), row("Z", 1, 1, 0)]);
        assert_eq!(total(&rows), row("total", 4, 3, 1));
    }

    #[test]
    fn the_embedded_catalogue_counts_faults_and_their_absence() {
        let catalogue = Catalogue::load(Origin::Embedded).expect("embedded catalogue loads");
        let proofs = proofs(&catalogue);
        let of = |id: &str| proofs.iter().find(|p| p.requirement.id == id).expect(id);
        assert!(of("PP-REL-007").faults.contains(&"never-ack"));
        assert!(of("PP-CO-011").faults.contains(&"misnamed-ack"));
        // No fault of the reference serves in the clear; a fake SUT in the tests does.
        let tls = of("PP-EP-003");
        assert!(tls.faults.is_empty() && tls.fake_suts == ["tests/hostile_sut.rs"] && !tls.lacks_proof());
        // Kept by any final answer: no fault and no fake SUT can break it alone.
        assert!(of("PP-HTTP-007").lacks_proof());
        // Not observable: no scenario, so nothing to prove.
        assert!(!of("CAEP-008").lacks_proof());
        let rows = families(&proofs);
        let ep = rows.iter().find(|r| r.family == "PP-EP").expect("PP-EP family");
        assert!(ep.tested > ep.proven, "{ep:?}");
        let normative = proofs.iter().filter(|p| p.requirement.level.is_normative()).count();
        assert_eq!(total(&rows).normative, normative);
        assert!(rows.iter().all(|r| r.proven <= r.tested && r.tested <= r.normative));
    }
}

//! `setconform coverage`: every requirement with the scenarios that test it,
//! and for those with none, why; the faults of the embedded reference that
//! prove the suite catches a breach of it; and per family, how many normative
//! requirements are tested and proven.

use super::Error;
use setconform::catalogue::proof::{self, FamilyRow, Proof};
use setconform::run::{self, exit};
use std::path::Path;

pub fn coverage(suite: Option<&Path>) -> Result<i32, Error> {
    let catalogue = run::load_catalogue(suite).map_err(Error::Catalogue)?;
    let (covered, uncovered) = catalogue.coverage();
    let unobservable = uncovered.iter().filter(|r| !r.observable).count();
    println!(
        "{} requirements: {} with scenarios, {} without ({} of those not observable from outside)",
        catalogue.requirements.len(),
        covered.len(),
        uncovered.len(),
        unobservable
    );
    let proofs = proof::proofs(&catalogue);
    let rows = proof::families(&proofs);
    print_families(&rows, &proof::total(&rows));
    println!();
    for p in &proofs {
        let r = p.requirement;
        println!("{:<13} {:<10} {}", r.id, r.level.as_str(), tested_by(p));
    }
    Ok(exit::CONFORMANT)
}

fn print_families(rows: &[FamilyRow], total: &FamilyRow) {
    println!();
    println!("Normative requirements by family: tested (by a scenario, or on every SET), and proven (a fault of");
    println!("the embedded reference, or a fake SUT in the tests, breaks them, and the suite finds it):");
    println!("{:<10} {:>9} {:>6} {:>6}", "family", "normative", "tested", "proven");
    for r in rows.iter().chain([total]) {
        println!("{:<10} {:>9} {:>6} {:>6}", r.family, r.normative, r.tested, r.proven);
    }
}

/// What tests a requirement, and the faults that prove it.
fn tested_by(p: &Proof<'_>) -> String {
    let r = p.requirement;
    let scenarios = p.scenarios.join(", ");
    let what = match (p.scenarios.is_empty(), setconform::set::applies_when(&r.id)) {
        (true, Some(when)) => format!("{when}, in every scenario"),
        (false, Some(when)) => format!("{when}; also {scenarios}"),
        (false, None) => scenarios,
        (true, None) => {
            return match r.why.as_deref() {
                Some(why) => format!("no scenario: not observable from outside: {why}"),
                None => "no scenario".to_owned(),
            };
        }
    };
    if !p.faults.is_empty() {
        format!("{what}; proven by: {}", p.faults.join(", "))
    } else if !p.fake_suts.is_empty() {
        format!("{what}; proven by a fake SUT in {}", p.fake_suts.join(", "))
    } else if p.lacks_proof() {
        format!("{what}; no proving fault")
    } else {
        what
    }
}

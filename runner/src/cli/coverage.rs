//! `setconform coverage`: every requirement with the scenarios that test it,
//! and for those with none, why.

use super::Error;
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
    for r in catalogue.requirements.values() {
        let tested_by: Vec<&str> =
            catalogue.scenarios.iter().filter(|s| s.requirements.contains(&r.id)).map(|s| s.id.as_str()).collect();
        let every_set = setconform::set::judged_on_every_set(&r.id);
        let what = match (tested_by.is_empty(), r.why.as_deref()) {
            (true, _) if every_set => "every SET the SUT sends, in every scenario".to_owned(),
            (false, _) if every_set => format!("every SET the SUT sends; also {}", tested_by.join(", ")),
            (false, _) => tested_by.join(", "),
            (true, Some(why)) => format!("no scenario: not observable from outside: {why}"),
            (true, None) => "no scenario".to_owned(),
        };
        println!("{:<13} {:<10} {what}", r.id, r.level.as_str());
    }
    Ok(exit::CONFORMANT)
}

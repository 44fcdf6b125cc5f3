//! `setconform coverage --oidf`: the OpenID Foundation conformance suite's SSF
//! test modules (`suite/oidf-parity.yaml`), each with what it checks and the
//! scenarios of the catalogue that cover it; a scenario the map names that the
//! catalogue lacks is marked. With `--markdown`, the page docs/oidf-parity.md.

use super::Error;
use setconform::catalogue::Catalogue;
use setconform::catalogue::oidf::{FILE_NAME, OidfParity};
use setconform::run::{self, exit};
use std::collections::BTreeSet;
use std::path::Path;

/// The scenarios of the SSF transmitter profile share this id prefix.
const SSF_TRANSMITTER_SCENARIOS: &str = "ssf.transmitter.";

pub fn parity(suite: Option<&Path>, markdown: bool) -> Result<i32, Error> {
    let catalogue = run::load_catalogue(suite).map_err(Error::Catalogue)?;
    let Some(map) = &catalogue.oidf else {
        return Err(Error::Problems(vec![format!("the suite has no {FILE_NAME}")]));
    };
    if markdown {
        print!("{}", map.markdown());
    } else {
        print_map(map, &catalogue);
    }
    Ok(exit::CONFORMANT)
}

fn print_map(map: &OidfParity, catalogue: &Catalogue) {
    let unknown: BTreeSet<&str> = map.unknown_scenarios(catalogue).iter().map(|u| u.scenario).collect();
    let uncovered = map.uncovered().count();
    println!(
        "{} OIDF SSF transmitter modules ({}): {} covered by scenarios, {} not",
        map.transmitter.len(),
        map.source,
        map.transmitter.len() - uncovered,
        uncovered
    );
    for m in &map.transmitter {
        println!();
        match &m.test {
            Some(test) => println!("{} ({test})", m.module),
            None => println!("{}", m.module),
        }
        println!("  checks:  {}", m.checks);
        let scenarios: Vec<String> = m
            .scenarios
            .iter()
            .map(|s| if unknown.contains(s.as_str()) { format!("{s} (not in the catalogue)") } else { s.clone() })
            .collect();
        println!("  covered: {}", if scenarios.is_empty() { "no scenario".to_owned() } else { scenarios.join(", ") });
        if let Some(gap) = &m.gap {
            println!("  gap:     {gap}");
        }
    }
    let named = map.scenario_ids();
    let beyond: Vec<&str> = catalogue
        .scenarios
        .iter()
        .map(|s| s.id.as_str())
        .filter(|id| id.starts_with(SSF_TRANSMITTER_SCENARIOS) && !named.contains(id))
        .collect();
    println!();
    println!(
        "SSF transmitter scenarios no OIDF module has: {}",
        if beyond.is_empty() { "none".to_owned() } else { beyond.join(", ") }
    );
    println!();
    println!("{} OIDF SSF receiver modules, for the {} profile:", map.receiver.modules.len(), map.receiver.profile);
    for m in &map.receiver.modules {
        let about = if m.requirements.is_empty() { String::new() } else { format!(" ({})", m.requirements.join(", ")) };
        println!("  {}: {}{about}", m.module, m.checks);
    }
}

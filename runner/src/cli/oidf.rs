//! `setconform coverage --oidf`: the OpenID Foundation conformance suite's SSF
//! test modules (`suite/oidf-parity.yaml`), transmitter and receiver, each with
//! what it checks and the scenarios of the catalogue that cover it; a scenario
//! the map names that the catalogue lacks (or, for a receiver module, that is
//! not for the receiver profile) is marked. With `--markdown`, the page
//! docs/oidf-parity.md.

use super::Error;
use setconform::catalogue::Catalogue;
use setconform::catalogue::oidf::{FILE_NAME, Module, OidfParity, Unmatched, covered};
use setconform::run::{self, exit};
use std::collections::BTreeMap;
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
    let unmatched: BTreeMap<(&str, &str), Unmatched> =
        map.unmatched_scenarios(catalogue).into_iter().map(|u| ((u.module, u.scenario), u.why)).collect();
    let named = map.scenario_ids();
    let beyond = |in_profile: &dyn Fn(&setconform::catalogue::Scenario) -> bool| -> String {
        let ids: Vec<&str> = catalogue
            .scenarios
            .iter()
            .filter(|s| in_profile(s) && !named.contains(s.id.as_str()))
            .map(|s| s.id.as_str())
            .collect();
        if ids.is_empty() { "none".to_owned() } else { ids.join(", ") }
    };
    print_modules(&format!("OIDF SSF transmitter modules ({})", map.source), &map.transmitter, &unmatched);
    println!();
    println!(
        "SSF transmitter scenarios no OIDF module has: {}",
        beyond(&|s| s.id.starts_with(SSF_TRANSMITTER_SCENARIOS))
    );
    println!();
    let profile = map.receiver.profile.as_str();
    print_modules(&format!("OIDF SSF receiver modules, for the {profile} profile"), &map.receiver.modules, &unmatched);
    println!();
    println!("{profile} scenarios no OIDF module has: {}", beyond(&|s| s.applies_to.iter().any(|p| p == profile)));
}

/// A heading with the counts, then each module with its checks, scenarios and gap.
fn print_modules(heading: &str, modules: &[Module], unmatched: &BTreeMap<(&str, &str), Unmatched>) {
    let covered = covered(modules);
    println!("{} {heading}: {covered} covered by scenarios, {} not", modules.len(), modules.len() - covered);
    for m in modules {
        println!();
        match &m.test {
            Some(test) => println!("{} ({test})", m.module),
            None => println!("{}", m.module),
        }
        println!("  checks:  {}", m.checks);
        let scenarios: Vec<String> = m
            .scenarios
            .iter()
            .map(|s| match unmatched.get(&(m.module.as_str(), s.as_str())) {
                Some(why) => format!("{s} ({why})"),
                None => s.clone(),
            })
            .collect();
        println!("  covered: {}", if scenarios.is_empty() { "no scenario".to_owned() } else { scenarios.join(", ") });
        if let Some(gap) = &m.gap {
            println!("  gap:     {gap}");
        }
    }
}

//! Requirement verdicts for the Run record: each requirement is the worst of
//! the expectations that name it in every scenario; a scenario that cites it
//! but could not finish makes it incomplete. The requirements of the specs
//! in play that nothing judged are listed N/A, with the reason.

use crate::catalogue::Catalogue;
use setconform_reports::{RequirementResult, ScenarioResult, Verdict};
use std::collections::BTreeMap;

/// Every requirement the scenarios judged, and those of their specs that none did, by id.
pub fn roll_up(catalogue: &Catalogue, scenarios: &[ScenarioResult], profiles: &[String]) -> Vec<RequirementResult> {
    let mut requirements = judged(catalogue, scenarios);
    requirements.extend(untested(catalogue, profiles));
    requirements.sort_by(|a, b| a.id.cmp(&b.id));
    requirements
}

/// A requirement's verdict over every expectation naming it; a scenario that
/// cites it but could not finish makes it incomplete.
fn judged(catalogue: &Catalogue, scenarios: &[ScenarioResult]) -> Vec<RequirementResult> {
    let mut by_req: BTreeMap<&str, (Vec<Verdict>, Vec<String>)> = BTreeMap::new();
    for s in scenarios {
        for id in &s.requirements {
            let entry = by_req.entry(id.as_str()).or_default();
            let judged: Vec<Verdict> =
                s.expectations.iter().filter(|e| &e.requirement == id).map(|e| e.verdict).collect();
            if s.verdict.is_incomplete() || s.verdict == Verdict::NotApplicable {
                entry.0.push(s.verdict);
            }
            entry.0.extend(judged);
            entry.1.push(s.id.clone());
        }
    }
    by_req
        .into_iter()
        .map(|(id, (verdicts, scenarios))| {
            let known = catalogue.requirements.get(id);
            RequirementResult {
                id: id.to_owned(),
                level: known.map_or("?", |r| r.level.as_str()).to_owned(),
                spec: known.map(|r| r.spec.clone()).unwrap_or_default(),
                section: known.map(|r| r.section.clone()).unwrap_or_default(),
                role: known.map(|r| r.role.clone()).unwrap_or_default(),
                text: known.map(|r| r.text.clone()).unwrap_or_default(),
                link: known.and_then(|r| r.link()),
                untestable: None,
                verdict: Verdict::roll_up(verdicts),
                scenarios,
            }
        })
        .collect()
}

/// The requirements of the specs `profiles` test that no scenario tests, with
/// the reason where the catalogue gives one (N/A: nothing judged them).
fn untested(catalogue: &Catalogue, profiles: &[String]) -> Vec<RequirementResult> {
    let cited = |r: &crate::catalogue::Requirement| {
        catalogue.scenarios.iter().any(|s| s.requirements.contains(&r.id)) || crate::set::judged_on_every_set(&r.id)
    };
    let specs: std::collections::BTreeSet<&str> = catalogue
        .scenarios
        .iter()
        .filter(|s| s.applies_to.iter().any(|p| profiles.contains(p)))
        .flat_map(|s| s.requirements.iter().filter_map(|id| catalogue.requirements.get(id)))
        .map(|r| r.spec.as_str())
        .collect();
    catalogue
        .requirements
        .values()
        .filter(|r| specs.contains(r.spec.as_str()) && !cited(r))
        .map(|r| RequirementResult {
            id: r.id.clone(),
            level: r.level.as_str().to_owned(),
            spec: r.spec.clone(),
            section: r.section.clone(),
            role: r.role.clone(),
            text: r.text.clone(),
            link: r.link(),
            untestable: Some(r.why.clone().unwrap_or_else(|| "no scenario tests it yet".to_owned())),
            verdict: Verdict::NotApplicable,
            scenarios: Vec::new(),
        })
        .collect()
}

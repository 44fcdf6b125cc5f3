//! Requirement verdicts for the Run record: each requirement is the worst of
//! the expectations that name it in every scenario; a scenario that cites it
//! but could not finish makes it incomplete. The requirements of the specs
//! in play that nothing judged are listed N/A, with the reason; so are the
//! SET content rules of the run's SET profile that no SET the SUT sent was
//! subject to.

use crate::catalogue::{Catalogue, Requirement};
use crate::set::SetProfile;
use setconform_reports::{NaKind, RequirementResult, ScenarioResult, Verdict};
use std::collections::BTreeMap;

/// Every requirement the scenarios judged, and those of their specs that none
/// did, by id; with `set_profile`, the SET content rules it brings that no
/// scenario judged as well.
pub fn roll_up(
    catalogue: &Catalogue,
    scenarios: &[ScenarioResult],
    profiles: &[String],
    set_profile: Option<SetProfile>,
) -> Vec<RequirementResult> {
    let mut requirements = judged(catalogue, scenarios);
    requirements.extend(untested(catalogue, profiles));
    if let Some(set_profile) = set_profile {
        let named: Vec<String> = requirements.iter().map(|r| r.id.clone()).collect();
        requirements.extend(not_exercised(catalogue, set_profile, &named));
    }
    requirements.sort_by(|a, b| a.id.cmp(&b.id));
    requirements
}

/// What the scenarios that cite a requirement made of it.
#[derive(Default)]
struct Seen {
    verdicts: Vec<Verdict>,
    scenarios: Vec<String>,
    /// Why each scenario that judged nothing of it did not.
    kinds: Vec<NaKind>,
}

/// A requirement's verdict over every expectation naming it; a scenario that
/// cites it but could not finish makes it incomplete.
fn judged(catalogue: &Catalogue, scenarios: &[ScenarioResult]) -> Vec<RequirementResult> {
    let mut by_req: BTreeMap<&str, Seen> = BTreeMap::new();
    for s in scenarios {
        for id in &s.requirements {
            let entry = by_req.entry(id.as_str()).or_default();
            let judged: Vec<Verdict> =
                s.expectations.iter().filter(|e| &e.requirement == id).map(|e| e.verdict).collect();
            if s.verdict.is_incomplete() || s.verdict == Verdict::NotApplicable {
                entry.verdicts.push(s.verdict);
            }
            entry.kinds.extend(na_kind(s, &judged));
            entry.verdicts.extend(judged);
            entry.scenarios.push(s.id.clone());
        }
    }
    by_req
        .into_iter()
        .map(|(id, Seen { verdicts, scenarios, kinds })| {
            let known = catalogue.requirements.get(id);
            let verdict = Verdict::roll_up(verdicts);
            RequirementResult {
                id: id.to_owned(),
                level: known.map_or("?", |r| r.level.as_str()).to_owned(),
                spec: known.map(|r| r.spec.clone()).unwrap_or_default(),
                section: known.map(|r| r.section.clone()).unwrap_or_default(),
                role: known.map(|r| r.role.clone()).unwrap_or_default(),
                text: known.map(|r| r.text.clone()).unwrap_or_default(),
                link: known.and_then(|r| r.link()),
                untestable: None,
                not_exercised: None,
                verdict,
                // Claimed somewhere and not testable there outweighs not claimed elsewhere.
                na_kind: (verdict == Verdict::NotApplicable)
                    .then(|| kinds.iter().copied().max_by_key(|k| *k == NaKind::CannotTest))
                    .flatten(),
                scenarios,
            }
        })
        .collect()
}

/// Why scenario `s` judged nothing of a requirement it cites, if it did not:
/// `judged` are the verdicts of its expectations on it. A scenario that did
/// not run says why; one that ran and judged it N/A found it outside the SET
/// profile the SUT claims; one that ran and judged nothing of it could not test it.
fn na_kind(s: &ScenarioResult, judged: &[Verdict]) -> Option<NaKind> {
    if s.verdict == Verdict::NotApplicable {
        return s.na_kind;
    }
    if s.verdict.is_incomplete() || judged.iter().any(|v| *v != Verdict::NotApplicable) {
        return None;
    }
    Some(if judged.is_empty() { NaKind::CannotTest } else { NaKind::NotClaimed })
}

/// The requirements of the specs `profiles` test that no scenario tests, with
/// the reason where the catalogue gives one (N/A: nothing judged them).
fn untested(catalogue: &Catalogue, profiles: &[String]) -> Vec<RequirementResult> {
    let cited = |r: &Requirement| {
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
            untestable: Some(r.why.clone().unwrap_or_else(|| "no scenario tests it yet".to_owned())),
            ..not_applicable(r)
        })
        .collect()
}

/// The rules judged on every SET under `set_profile` that no result in
/// `named` judged: the SUT sent no SET they apply to (N/A, with when they apply).
fn not_exercised(catalogue: &Catalogue, set_profile: SetProfile, named: &[String]) -> Vec<RequirementResult> {
    crate::set::every_set_rules(set_profile)
        .filter(|id| !named.iter().any(|n| n == id))
        .filter_map(|id| Some((catalogue.requirements.get(id)?, crate::set::applies_when(id)?)))
        .map(|(r, when)| RequirementResult {
            not_exercised: Some(format!("not exercised in this run: applies to {when}; the SUT sent no such SET")),
            ..not_applicable(r)
        })
        .collect()
}

/// `r` judged by nothing: N/A, no reason yet.
fn not_applicable(r: &Requirement) -> RequirementResult {
    RequirementResult {
        id: r.id.clone(),
        level: r.level.as_str().to_owned(),
        spec: r.spec.clone(),
        section: r.section.clone(),
        role: r.role.clone(),
        text: r.text.clone(),
        link: r.link(),
        untestable: None,
        not_exercised: None,
        verdict: Verdict::NotApplicable,
        na_kind: Some(NaKind::CannotTest),
        scenarios: Vec::new(),
    }
}

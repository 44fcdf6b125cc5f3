//! Waivers: deviations a user expects and accepts, each with a reason and,
//! optionally, a last day. A FAIL or WARN a waiver names becomes WAIVED; the
//! record keeps the waiver's reason beside the finding and says whether each
//! waiver applied, had nothing left to waive (stale) or had expired.

use crate::catalogue::{LoadError, SourceFile};
use crate::schema::Schemas;
use serde::Deserialize;
use setconform_reports::{ScenarioResult, Verdict, WaiverRecord, WaiverStatus};
use std::path::Path;

/// One expected deviation.
#[derive(Debug, Clone, Deserialize)]
pub struct Waiver {
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(default)]
    pub requirement: Option<String>,
    pub reason: String,
    /// The last day (YYYY-MM-DD, UTC) it applies.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaiversFile {
    waivers: Vec<Waiver>,
}

impl Waiver {
    fn target(&self) -> &str {
        self.scenario.as_deref().or(self.requirement.as_deref()).unwrap_or_default()
    }

    /// Whether this waiver covers a finding on `requirement` in `scenario`.
    fn covers(&self, scenario: &str, requirement: &str) -> bool {
        self.scenario.as_deref() == Some(scenario) || self.requirement.as_deref() == Some(requirement)
    }
}

/// Reads and checks a waivers file (schemas/waivers.json); problems name the file and field.
pub fn load(path: &Path) -> Result<Vec<Waiver>, Vec<LoadError>> {
    let file = SourceFile::read(path).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let value = file.parse_checked(Schemas::embedded(), "waivers", &mut errors).ok_or(errors)?;
    let doc: WaiversFile = file.typed(value).map_err(|e| vec![e])?;
    Ok(doc.waivers)
}

fn expired(w: &Waiver, today: &str) -> bool {
    w.expires.as_deref().is_some_and(|last| last < today)
}

/// Turns the FAILs and WARNs of one scenario that the waivers name into WAIVED
/// (waivers whose last day is before `today`, YYYY-MM-DD, do not apply) and
/// re-rolls the scenario's verdict.
pub fn apply(waivers: &[Waiver], scenario: &mut ScenarioResult, today: &str) {
    let mut changed = false;
    for e in scenario.expectations.iter_mut().filter(|e| matches!(e.verdict, Verdict::Fail | Verdict::Warn)) {
        if let Some(w) = waivers.iter().find(|w| !expired(w, today) && w.covers(&scenario.id, &e.requirement)) {
            e.verdict = Verdict::Waived;
            e.waiver = Some(w.reason.clone());
            changed = true;
        }
    }
    // An incomplete scenario (ERROR, TIMEOUT) stays so: there is no finding to waive.
    if changed && matches!(scenario.verdict, Verdict::Fail | Verdict::Warn) {
        scenario.verdict = Verdict::roll_up(scenario.expectations.iter().map(|e| e.verdict));
    }
}

/// What became of every waiver over the run's scenarios (after [`apply`]).
pub fn statuses(waivers: &[Waiver], scenarios: &[ScenarioResult], today: &str) -> Vec<WaiverRecord> {
    let used = |w: &Waiver| {
        scenarios
            .iter()
            .any(|s| s.expectations.iter().any(|e| e.verdict == Verdict::Waived && w.covers(&s.id, &e.requirement)))
    };
    waivers
        .iter()
        .map(|w| (w, used(w)))
        .map(|(w, used)| WaiverRecord {
            target: w.target().to_owned(),
            reason: w.reason.clone(),
            expires: w.expires.clone(),
            status: match (expired(w, today), used) {
                (true, _) => WaiverStatus::Expired,
                (false, true) => WaiverStatus::Applied,
                (false, false) => WaiverStatus::Stale,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use setconform_reports::ExpectationResult;

    fn scenario(id: &str, findings: &[(&str, Verdict)]) -> ScenarioResult {
        let expectations: Vec<ExpectationResult> = findings
            .iter()
            .map(|(req, v)| ExpectationResult {
                step: 1,
                requirement: (*req).to_owned(),
                verdict: *v,
                expected: "x".into(),
                actual: "y".into(),
                ambiguity: None,
                waiver: None,
                broken: false,
                check: None,
                expectation: None,
                exchange: None,
            })
            .collect();
        ScenarioResult {
            id: id.into(),
            title: id.into(),
            description: None,
            profile: "push-receiver".into(),
            requirements: findings.iter().map(|(r, _)| (*r).to_owned()).collect(),
            tags: vec![],
            steps: vec![],
            verdict: Verdict::roll_up(expectations.iter().map(|e| e.verdict)),
            reason: None,
            na_kind: None,
            duration_ms: 1,
            expectations,
            transcript: vec![],
        }
    }

    fn waiver(scenario: Option<&str>, requirement: Option<&str>, expires: Option<&str>) -> Waiver {
        Waiver {
            scenario: scenario.map(str::to_owned),
            requirement: requirement.map(str::to_owned),
            reason: "known".into(),
            expires: expires.map(str::to_owned),
        }
    }

    #[test]
    fn a_waived_requirement_turns_its_failures_into_waived_and_leaves_the_rest() {
        let mut runs =
            vec![scenario("a", &[("PUSH-034", Verdict::Fail), ("PUSH-036", Verdict::Warn)]), scenario("b", &[])];
        let waivers = [waiver(None, Some("PUSH-034"), None)];
        runs.iter_mut().for_each(|s| apply(&waivers, s, "2026-11-30"));
        let records = statuses(&waivers, &runs, "2026-11-30");
        assert_eq!(runs[0].expectations[0].verdict, Verdict::Waived);
        assert_eq!(runs[0].expectations[0].waiver.as_deref(), Some("known"));
        assert_eq!(runs[0].expectations[1].verdict, Verdict::Warn);
        assert_eq!(runs[0].verdict, Verdict::Warn, "the unwaived WARN still shows");
        assert_eq!(records[0].status, WaiverStatus::Applied);
    }

    #[test]
    fn a_waived_scenario_is_waived_whole() {
        let mut s = scenario("a", &[("PUSH-034", Verdict::Fail), ("PUSH-036", Verdict::Warn)]);
        apply(&[waiver(Some("a"), None, None)], &mut s, "2026-11-30");
        assert_eq!(s.verdict, Verdict::Waived);
    }

    #[test]
    fn stale_and_expired_waivers_are_reported_and_expired_ones_not_applied() {
        let mut s = scenario("a", &[("PUSH-034", Verdict::Fail)]);
        let waivers =
            [waiver(None, Some("PUSH-034"), Some("2026-11-29")), waiver(Some("nothing-fails-here"), None, None)];
        apply(&waivers, &mut s, "2026-11-30");
        let records = statuses(&waivers, std::slice::from_ref(&s), "2026-11-30");
        assert_eq!(s.verdict, Verdict::Fail);
        assert_eq!(records[0].status, WaiverStatus::Expired);
        assert_eq!(records[1].status, WaiverStatus::Stale);
        // The last day itself still applies.
        let waivers = [waiver(None, Some("PUSH-034"), Some("2026-11-30"))];
        apply(&waivers, &mut s, "2026-11-30");
        assert_eq!(statuses(&waivers, std::slice::from_ref(&s), "2026-11-30")[0].status, WaiverStatus::Applied);
    }
}

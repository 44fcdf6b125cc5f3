//! One pushpull scenario, both bindings: every Communication Object scenario
//! written for HTTP has a WebSocket twin, a scenario on one binding says why,
//! and the twin keeps what a socket can judge.

use setconform::catalogue::{Catalogue, Check, OnlyBinding, Origin, Scenario, SourceFile};
use std::collections::BTreeSet;

fn catalogue() -> Catalogue {
    Catalogue::load(Origin::Embedded).unwrap()
}

/// Scenarios that judge a SET or a Communication Object and still run over
/// HTTP only: each one's point is an HTTP answer (a status, an error response,
/// a request through the SUT's own endpoint), as its `why` says.
const HTTP_ONLY_OBJECT_SCENARIOS: &[&str] = &[
    "pushpull.http.initiator.reliability.resend-after-error-response",
    "pushpull.http.initiator.reliability.retry-by-request",
    "pushpull.http.initiator.reliability.slow-response",
    "pushpull.http.responder.post.empty-object",
    "pushpull.http.responder.request.unknown-members",
];

/// Whether a scenario judges a SET or a Communication Object: the rules of
/// pushpull §5, §9, §10 and of the SETs themselves, the same on either binding.
fn judges_objects(s: &Scenario) -> bool {
    s.requirements.iter().any(|r| ["PP-CO-", "PP-REL-", "SET-", "SSF-SET-"].iter().any(|p| r.starts_with(p)))
}

#[test]
fn every_pushpull_scenario_runs_on_both_bindings_or_says_why() {
    let c = catalogue();
    let ids: BTreeSet<&str> = c.scenarios.iter().map(|s| s.id.as_str()).collect();
    let mut wrong = Vec::new();
    for s in c.scenarios.iter().filter(|s| s.id.starts_with("pushpull.")) {
        let written_for_ws = s.id.starts_with("pushpull.ws.") && s.twin_of.is_none();
        match (s.binding, &s.why) {
            (Some(_), Some(why)) if !why.trim().is_empty() => {}
            (Some(_), _) => wrong.push(format!("{}: `binding` without `why`", s.id)),
            (None, _) if written_for_ws => wrong.push(format!("{}: written for WebSocket without `binding`", s.id)),
            (None, _) if s.twin_of.is_some() => {}
            (None, _) => {
                let twin = s.id.replacen("pushpull.http.", "pushpull.ws.", 1);
                if !ids.contains(twin.as_str()) {
                    wrong.push(format!("{}: runs on both bindings but has no twin {twin}", s.id));
                }
            }
        }
        if written_for_ws && s.binding != Some(OnlyBinding::Websocket) {
            wrong.push(format!("{}: under websocket/ but not `binding: websocket`", s.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_communication_object_scenario_of_the_http_profiles_has_a_websocket_twin() {
    let c = catalogue();
    let mut untwinned = BTreeSet::new();
    for s in &c.scenarios {
        let http_profile =
            s.applies_to.iter().any(|p| p == "pushpull-http-responder" || p == "pushpull-http-initiator");
        if !http_profile || !judges_objects(s) {
            continue;
        }
        let twin = s.id.replacen("pushpull.http.", "pushpull.ws.", 1);
        let twinned = c.scenarios.iter().any(|t| t.id == twin && t.twin_of.as_deref() == Some(s.id.as_str()));
        if !twinned {
            untwinned.insert(s.id.as_str());
        }
    }
    let expected: BTreeSet<&str> = HTTP_ONLY_OBJECT_SCENARIOS.iter().copied().collect();
    assert_eq!(untwinned, expected, "Communication Object scenarios without a WebSocket twin");
}

#[test]
fn a_twin_runs_in_the_websocket_profile_without_the_checks_of_http_itself() {
    let c = catalogue();
    let twin = c.scenarios.iter().find(|s| s.id == "pushpull.ws.responder.set-errs.signature").unwrap();
    assert_eq!(twin.applies_to, ["pushpull-ws-responder"]);
    assert_eq!(twin.twin_of.as_deref(), Some("pushpull.http.responder.set-errs.signature"));
    assert!(!twin.requirements.iter().any(|r| r.starts_with("PP-HTTP-")), "{:?}", twin.requirements);
    let checks: Vec<&Check> = twin.steps.iter().flat_map(|s| s.expect.iter().map(|e| &e.check)).collect();
    assert!(!checks.iter().any(|c| matches!(c, Check::Status(_))));
    for kept in ["PP-CO-005", "PP-CO-006", "PP-CO-007", "PP-CO-008", "PP-REL-007"] {
        assert!(twin.requirements.iter().any(|r| r == kept), "{kept} lost in {:?}", twin.requirements);
    }
    // A body judged as a Communication Object is, over a socket, one message's payload (§7).
    let batch = c.scenarios.iter().find(|s| s.id == "pushpull.ws.responder.batch.10").unwrap();
    assert!(batch.requirements.iter().any(|r| r == "PP-WS-010"));
}

#[test]
fn a_scenario_for_both_bindings_that_needs_http_is_refused_naming_the_step() {
    let mut files: Vec<SourceFile> = setconform::embedded_files()
        .iter()
        .filter(|(p, _)| p.starts_with("suite/") || p.starts_with("profiles/"))
        .map(|(p, t)| SourceFile::new(*p, *t))
        .collect();
    let yaml = "id: pushpull.http.responder.extra\ntitle: t\nrequirements: [PP-CO-001]\n\
                applies_to: [pushpull-http-responder]\nsteps:\n  - send: {}\n  - send: { method: PUT }\n";
    files.push(SourceFile::new("suite/extra.yaml", yaml));
    let errors = Catalogue::from_files(files).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "suite/extra.yaml: /steps/1: an HTTP method has no WebSocket meaning: give the scenario `binding: http` and `why`"
        ]
    );
}

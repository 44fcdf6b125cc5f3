//! Findings on SET content say what was expected of the SETs, not just which
//! rule judged them: under faults that break RFC 8417 and SSF content rules,
//! no expected text in the run is a bare requirement id or says a SET
//! "keeps" one.

mod common;

use setconform::set::SetProfile;
use setconform_reference::Fault;
use setconform_reports::Run;

/// A run of the push transmitter's scenarios (SETs judged both as every SET
/// the SUT sent and in `sets_valid` expectations) under `fault`, in the SET
/// profile whose rules it breaks.
fn run_under(fault: Fault) -> Run {
    let mut req = common::request(None, Some(fault.name()), Some(21));
    req.profiles = vec!["push-transmitter".into()];
    req.set_profile = SetProfile::from_name(fault.set_profile().name());
    common::execute(req).0
}

#[test]
fn set_content_findings_state_what_was_expected() {
    let cases = [
        (Fault::TypJwt, "SET-021", "`secevent+jwt`"),
        (Fault::SetsWithExp, "SSF-SET-003", "no `exp` claim"),
        (Fault::SetDuplicateEvent, "SET-005", "twice in `events`"),
    ];
    for (fault, rule, stated) in cases {
        let run = run_under(fault);
        let broken: Vec<_> =
            run.scenarios.iter().flat_map(|s| &s.expectations).filter(|e| e.broken && e.requirement == rule).collect();
        assert!(!broken.is_empty(), "{}: {rule} is found broken: {:?}", fault.name(), common::findings(&run));
        for e in broken {
            assert!(e.expected.contains(stated), "{}: {rule} expected {:?}", fault.name(), e.expected);
            assert!(!e.expected.contains(rule), "{}: {rule} expected {:?}", fault.name(), e.expected);
        }
        let circular = common::circular_expected_texts(&run);
        assert!(
            circular.is_empty(),
            "{}: expected texts that only name a rule:\n{}",
            fault.name(),
            circular.join("\n")
        );
    }
}

#[test]
fn a_text_that_only_names_a_rule_is_told_apart() {
    for circular in [
        "every SET the SUT sent in this scenario keeps SET-021 (RFC 8417)",
        "every SET in the response keeps PP-CO-003",
        "SSF-SET-001",
        " `SET-001`. ",
    ] {
        assert!(common::names_a_rule_only(circular), "{circular}");
    }
    for concrete in [
        "in every SET of the message: a `typ` in the JOSE header is `secevent+jwt`",
        "every push carries `Authorization` with the `authorization_header` value (SSF §6.1.1, AMB-27)",
        "HTTP status 200",
        "keeps going",
    ] {
        assert!(!common::names_a_rule_only(concrete), "{concrete}");
    }
}

//! The OIDF parity map (`suite/oidf-parity.yaml`): loaded and checked with the
//! catalogue, rendered as docs/oidf-parity.md without drift, and shown by
//! `setconform coverage --oidf`.

use setconform::catalogue::{Catalogue, LoadError, Origin, SourceFile};
use std::path::Path;

fn embedded() -> Catalogue {
    Catalogue::load(Origin::Embedded).unwrap()
}

/// docs/oidf-parity.md is the map's Markdown: the page never says other than the YAML.
#[test]
fn the_oidf_parity_page_is_the_map_rendered() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/oidf-parity.md");
    let written = std::fs::read_to_string(&page).unwrap();
    let rendered = embedded().oidf.expect("the suite has an OIDF parity map").markdown();
    assert!(
        written == rendered,
        "docs/oidf-parity.md differs from suite/oidf-parity.yaml; write it again with \
         `setconform coverage --oidf --markdown > docs/oidf-parity.md`"
    );
}

/// Every scenario the map names exists, and each a receiver module names is
/// for the receiver profile, so the map never points at nothing.
#[test]
fn every_scenario_the_oidf_map_names_is_in_the_catalogue_and_for_its_role() {
    let catalogue = embedded();
    let map = catalogue.oidf.as_ref().unwrap();
    let unmatched: Vec<String> = map.unmatched_scenarios(&catalogue).iter().map(ToString::to_string).collect();
    assert!(unmatched.is_empty(), "scenarios that do not match:\n{}", unmatched.join("\n"));
    assert!(map.receiver.modules.iter().any(|m| m.scenarios.iter().any(|s| s.starts_with("ssf.receiver."))));
}

/// The scenarios the map names that exist today are found as such.
#[test]
fn scenarios_of_other_profiles_the_map_names_are_found() {
    let catalogue = embedded();
    let map = catalogue.oidf.as_ref().unwrap();
    let unmatched: Vec<&str> = map.unmatched_scenarios(&catalogue).iter().map(|u| u.scenario).collect();
    let named_elsewhere: Vec<&str> = map.scenario_ids().into_iter().filter(|id| !id.starts_with("ssf.")).collect();
    assert!(named_elsewhere.contains(&"poll.transmitter.ack-only"), "{named_elsewhere:?}");
    assert!(named_elsewhere.iter().all(|id| !unmatched.contains(id)), "{unmatched:?}");
}

fn load_with_map(map: &str) -> Result<Catalogue, Vec<LoadError>> {
    let files = setconform::embedded_files()
        .iter()
        .filter(|(p, _)| (p.starts_with("suite/") || p.starts_with("profiles/")) && !p.ends_with("oidf-parity.yaml"))
        .map(|(p, t)| SourceFile::new(*p, *t))
        .chain([SourceFile::new("suite/oidf-parity.yaml", map)])
        .collect();
    Catalogue::from_files(files)
}

const MAP: &str = "source: s\ntransmitter:\n  - module: A\n    checks: c\n    scenarios: [x.y]\n\
                   receiver:\n  profile: ssf-receiver\n  modules:\n    - module: B\n      checks: c\n      \
                   scenarios: [ssf.receiver.set.valid]\n";

#[test]
fn a_map_is_refused_for_a_module_without_scenarios_or_gap_an_unknown_profile_or_a_module_twice() {
    let map = load_with_map(MAP).unwrap().oidf.unwrap();
    assert_eq!(map.transmitter[0].scenarios, ["x.y"]);
    assert_eq!(map.receiver.modules[0].scenarios, ["ssf.receiver.set.valid"]);
    let refused = |text: &str| -> String {
        let errors = load_with_map(text).map(|_| ()).unwrap_err();
        errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    };
    let err = refused(&MAP.replace("[x.y]", "[]"));
    assert!(err.starts_with("suite/oidf-parity.yaml: /transmitter/0"), "{err}");
    assert!(err.contains("gap"), "{err}");
    let err = refused(&MAP.replace("[ssf.receiver.set.valid]", "[]"));
    assert!(err.starts_with("suite/oidf-parity.yaml: /receiver/modules/0"), "{err}");
    assert!(err.contains("gap"), "{err}");
    let with_gap = MAP.replace("[ssf.receiver.set.valid]", "[]\n      gap: g");
    assert_eq!(load_with_map(&with_gap).unwrap().oidf.unwrap().receiver.modules[0].gap.as_deref(), Some("g"));
    let err = refused(&MAP.replace("profile: ssf-receiver", "profile: no-such-profile"));
    assert_eq!(err, "suite/oidf-parity.yaml: /receiver/profile: unknown profile \"no-such-profile\"");
    let err = refused(&MAP.replace("module: B", "module: A"));
    assert_eq!(err, "suite/oidf-parity.yaml: /receiver/modules/0/module: module A is listed twice");
}

/// A receiver module counts only scenarios of the receiver profile; a
/// transmitter module may name any profile's.
#[test]
fn a_receiver_module_naming_a_scenario_of_another_profile_or_none_is_unmatched() {
    let names = "[ssf.receiver.set.valid, ssf.transmitter.stream.create.push, ssf.receiver.gone]";
    let text = MAP.replace("[x.y]", "[ssf.transmitter.stream.create.push]").replace("[ssf.receiver.set.valid]", names);
    let catalogue = load_with_map(&text).unwrap();
    let map = catalogue.oidf.as_ref().unwrap();
    let unmatched: Vec<String> = map.unmatched_scenarios(&catalogue).iter().map(ToString::to_string).collect();
    assert_eq!(
        unmatched,
        [
            "B names ssf.transmitter.stream.create.push, which is not for the ssf-receiver profile",
            "B names ssf.receiver.gone, which is not in the catalogue",
        ]
    );
}

#[test]
fn coverage_oidf_lists_each_module_with_its_scenarios_and_marks_those_that_do_not_match() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_setconform")).args(["coverage", "--oidf"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let map = embedded().oidf.unwrap();
    assert!(stdout.starts_with(&format!("{} OIDF SSF transmitter modules", map.transmitter.len())), "{stdout}");
    let catalogue = embedded();
    for u in map.unmatched_scenarios(&catalogue) {
        assert!(stdout.contains(&format!("{} ({})", u.scenario, u.why)), "{u}: {stdout}");
    }
    assert!(!stdout.contains("poll.transmitter.ack-only (not"), "{stdout}");
    let receivers = format!("{} OIDF SSF receiver modules, for the ssf-receiver profile", map.receiver.modules.len());
    let receivers = stdout.find(&receivers).unwrap_or_else(|| panic!("{stdout}"));
    let section = &stdout[receivers..];
    for m in &map.receiver.modules {
        assert!(section.contains(&m.module), "{}: {section}", m.module);
        let covered = if m.scenarios.is_empty() { "no scenario".to_owned() } else { m.scenarios.join(", ") };
        assert!(section.contains(&format!("  covered: {covered}")), "{}: {section}", m.module);
    }
    assert!(section.contains("ssf-receiver scenarios no OIDF module has: "), "{section}");
    let markdown = std::process::Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["coverage", "--oidf", "--markdown"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(markdown.stdout).unwrap(), map.markdown());
}

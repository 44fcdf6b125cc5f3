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

/// Every scenario the map names exists, so the map never points at nothing.
#[test]
fn every_scenario_the_oidf_map_names_is_in_the_catalogue() {
    let catalogue = embedded();
    let map = catalogue.oidf.as_ref().unwrap();
    let unknown: Vec<String> = map.unknown_scenarios(&catalogue).iter().map(ToString::to_string).collect();
    assert!(unknown.is_empty(), "scenarios missing from the catalogue:\n{}", unknown.join("\n"));
}

/// The scenarios the map names that exist today are found as such.
#[test]
fn scenarios_of_other_profiles_the_map_names_are_found() {
    let catalogue = embedded();
    let map = catalogue.oidf.as_ref().unwrap();
    let unknown: Vec<&str> = map.unknown_scenarios(&catalogue).iter().map(|u| u.scenario).collect();
    let named_elsewhere: Vec<&str> = map.scenario_ids().into_iter().filter(|id| !id.starts_with("ssf.")).collect();
    assert!(named_elsewhere.contains(&"poll.transmitter.ack-only"), "{named_elsewhere:?}");
    assert!(named_elsewhere.iter().all(|id| !unknown.contains(id)), "{unknown:?}");
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
                   receiver:\n  profile: p\n  modules:\n    - module: B\n      checks: c\n      requirements: [SSF-VER-006]\n";

#[test]
fn a_map_is_refused_for_an_uncovered_module_without_gap_an_unknown_requirement_or_a_module_twice() {
    let map = load_with_map(MAP).unwrap().oidf.unwrap();
    assert_eq!(map.transmitter[0].scenarios, ["x.y"]);
    let refused = |text: &str| -> String {
        let errors = load_with_map(text).map(|_| ()).unwrap_err();
        errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    };
    let err = refused(&MAP.replace("[x.y]", "[]"));
    assert!(err.starts_with("suite/oidf-parity.yaml: /transmitter/0"), "{err}");
    assert!(err.contains("gap"), "{err}");
    let err = refused(&MAP.replace("SSF-VER-006", "SSF-VER-999"));
    assert_eq!(err, "suite/oidf-parity.yaml: /receiver/modules/0/requirements/0: unknown requirement \"SSF-VER-999\"");
    let err = refused(&MAP.replace("module: B", "module: A"));
    assert_eq!(err, "suite/oidf-parity.yaml: /receiver/modules/0/module: module A is listed twice");
}

#[test]
fn coverage_oidf_lists_each_module_with_its_scenarios_and_marks_those_not_in_the_catalogue() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_setconform")).args(["coverage", "--oidf"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let map = embedded().oidf.unwrap();
    assert!(stdout.starts_with(&format!("{} OIDF SSF transmitter modules", map.transmitter.len())), "{stdout}");
    let catalogue = embedded();
    for u in map.unknown_scenarios(&catalogue) {
        assert!(stdout.contains(&format!("{} (not in the catalogue)", u.scenario)), "{u}: {stdout}");
    }
    assert!(!stdout.contains("poll.transmitter.ack-only (not"), "{stdout}");
    assert!(stdout.contains("OIDF SSF receiver modules, for the ssf-receiver profile"), "{stdout}");
    let markdown = std::process::Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["coverage", "--oidf", "--markdown"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(markdown.stdout).unwrap(), map.markdown());
}

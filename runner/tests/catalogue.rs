//! The catalogue and the suite's own files: complete, and refused with a
//! precise message when broken.

mod common;

use setconform::catalogue::{Catalogue, LoadError, Origin, SourceFile};
use setconform::schema::Schemas;
use std::collections::BTreeSet;
use std::path::Path;

/// The embedded `suite/` and `profiles/` files.
fn embedded_catalogue_files() -> Vec<SourceFile> {
    setconform::embedded_files()
        .iter()
        .filter(|(p, _)| p.starts_with("suite/") || p.starts_with("profiles/"))
        .map(|(p, t)| SourceFile::new(*p, *t))
        .collect()
}

fn embedded_with(extra: SourceFile) -> Result<Catalogue, Vec<LoadError>> {
    let mut files = embedded_catalogue_files();
    files.push(extra);
    Catalogue::from_files(files)
}

fn messages(errors: Vec<LoadError>) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

const GOOD_SCENARIO: &str = "id: test.extra\ntitle: t\nrequirements: [PP-HTTP-008]\napplies_to: [pushpull-http-responder]\nbinding: http\nwhy: an HTTP status\nsteps:\n  - send: {}\n    expect:\n      - { req: PP-HTTP-008, status: 200 }\n";

#[test]
fn the_embedded_catalogue_loads_and_a_good_extra_scenario_is_accepted() {
    let c = Catalogue::load(Origin::Embedded).unwrap();
    let responder = c.scenarios.iter().filter(|s| s.applies_to.iter().any(|p| p == "pushpull-http-responder"));
    assert!(responder.count() >= 15);
    embedded_with(SourceFile::new("suite/extra.yaml", GOOD_SCENARIO)).unwrap();
}

/// A scenario is found from its id: its file is the id without the segments its
/// folders stand for (`suite/pushpull/http/responder/post.empty-object.yaml`).
#[test]
fn every_embedded_scenario_file_is_named_after_its_id() {
    if let Err(errors) = Catalogue::from_suite_files(embedded_catalogue_files(), "suite") {
        panic!("{}", messages(errors));
    }
}

#[test]
fn a_scenario_file_not_named_after_its_id_is_refused_with_the_name_it_requires() {
    let load = |name: &str, id: &str| {
        let mut files = embedded_catalogue_files();
        files.push(SourceFile::new(name, GOOD_SCENARIO.replace("id: test.extra", &format!("id: {id}"))));
        Catalogue::from_suite_files(files, "suite")
    };
    let refused = |name: &str, id: &str| messages(load(name, id).unwrap_err());
    let err = refused("suite/pushpull/http/responder/post-extra.yaml", "pushpull.http.responder.post.extra");
    assert_eq!(
        err,
        "suite/pushpull/http/responder/post-extra.yaml: /id: the id pushpull.http.responder.post.extra \
         requires the file name post.extra.yaml"
    );
    let err = refused("suite/pushpull/http/responder/extra.yaml", "pushpull.http.extra");
    assert!(err.starts_with("suite/pushpull/http/responder/extra.yaml: /id: the id pushpull.http.extra is too short"));
    load("suite/pushpull/http/responder/post.extra.yaml", "pushpull.http.responder.post.extra").unwrap();
}

/// `--suite DIR` loads are held to the file-name rule: a configuration error
/// (exit 2) naming the file and the name its id requires.
#[test]
fn check_and_run_refuse_a_suite_folder_with_a_misnamed_scenario_file() {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = common::scratch("misnamed");
    for sub in ["suite", "profiles"] {
        copy_tree(&checkout.join(sub), &dir.join(sub));
    }
    let setconform = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_setconform")).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let suite = dir.to_str().unwrap();
    let (code, stderr) = setconform(&["check", "--suite", suite]);
    assert_eq!(code, Some(0), "{stderr}");

    let responder = dir.join("suite/pushpull/http/responder");
    std::fs::rename(responder.join("post.empty-object.yaml"), responder.join("post-empty-object.yaml")).unwrap();
    let expected = format!(
        "{}: /id: the id pushpull.http.responder.post.empty-object requires the file name post.empty-object.yaml",
        responder.join("post-empty-object.yaml").display()
    );
    for args in [&["check", "--suite", suite][..], &["run", "--suite", suite, "--list"]] {
        let (code, stderr) = setconform(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn an_unknown_step_is_rejected_naming_file_pointer_and_step() {
    let text = GOOD_SCENARIO.replace("  - send: {}", "  - sned: {}");
    let err = messages(embedded_with(SourceFile::new("suite/broken.yaml", &text)).unwrap_err());
    assert!(err.contains("suite/broken.yaml: /steps/0"), "{err}");
    assert!(err.contains("sned"), "{err}");
}

#[test]
fn a_missing_field_is_rejected_naming_it() {
    let text = GOOD_SCENARIO.replace("title: t\n", "");
    let err = messages(embedded_with(SourceFile::new("suite/untitled.yaml", &text)).unwrap_err());
    assert!(err.contains("suite/untitled.yaml") && err.contains("title"), "{err}");
}

#[test]
fn unknown_names_are_rejected_with_their_pointer() {
    let cases = [
        ("[PP-HTTP-008]", "[PP-HTTP-999]", "/requirements/0"),
        ("[pushpull-http-responder]", "[pushpull-carrier-pigeon]", "/applies_to/0"),
        ("status: 200", "schema: no-such-schema", "/steps/0/expect/0/schema"),
        ("{ req: PP-HTTP-008,", "{ req: PP-HTTP-006,", "/steps/0/expect/0/req"),
        ("status: 200", "redelivered: 1", "/steps/0/expect/0"),
        ("status: 200", "status: 200, amb: AMB-26", "/steps/0/expect/0/amb"),
    ];
    for (from, to, pointer) in cases {
        let text = GOOD_SCENARIO.replace(from, to);
        let err = messages(embedded_with(SourceFile::new("suite/x.yaml", &text)).unwrap_err());
        assert!(err.contains(&format!("suite/x.yaml: {pointer}")), "{to}: {err}");
    }
}

#[test]
fn yaml_syntax_errors_name_the_file_and_line() {
    let err = messages(embedded_with(SourceFile::new("suite/bad.yaml", "id: [unclosed\ntitle: t\n")).unwrap_err());
    assert!(err.contains("suite/bad.yaml") && err.contains("line"), "{err}");
}

#[test]
fn a_broken_sut_config_names_the_field() {
    let dir = common::scratch("sutcfg");
    let path = dir.join("sut.yaml");
    std::fs::write(&path, "name: x\nprofiles: [pushpull-http-responder]\npushpull: { endpoint: 'ftp://nope' }\n")
        .unwrap();
    let err = messages(setconform::sut::SutSetup::load(&path).unwrap_err());
    assert!(err.contains("sut.yaml: /pushpull/endpoint"), "{err}");
    std::fs::write(&path, "name: x\nprofiles: [p]\nauth: { bearer_token: { env: SETCONFORM_SURELY_UNSET_VAR } }\n")
        .unwrap();
    let err = messages(setconform::sut::SutSetup::load(&path).unwrap_err());
    assert!(err.contains("/auth/bearer_token/env") && err.contains("SETCONFORM_SURELY_UNSET_VAR"), "{err}");
}

#[test]
fn the_annotated_example_sut_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sut.yaml");
    setconform::sut::SutSetup::load(&path).unwrap();
}

#[test]
fn message_schemas_accept_the_spec_examples_and_reject_crafted_bad_ones() {
    let schemas = Schemas::embedded();
    let mut checked = 0;
    for (path, text) in setconform::embedded_files().iter().filter(|(p, _)| p.starts_with("schemas/examples/")) {
        let parts: Vec<&str> = path.split('/').collect();
        let (expect_valid, schema) = (parts[2] == "valid", parts[3]);
        let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let violations = schemas.validate(schema, &value).unwrap();
        assert_eq!(violations.is_empty(), expect_valid, "{path}: {violations:?}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} examples");
}

/// The requirement catalogue has exactly the PP-*, SET-*, PUSH-*, POLL-*, MSP-*,
/// SSF-*, SUBID-* and CAEP-* rows of the matrix (`SET-` does not
/// match `SSF-SET-` ids: the test is on the start of the id).
#[test]
fn the_requirement_catalogue_matches_the_requirements_matrix() {
    let matrix = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/REQUIREMENTS.md");
    let Ok(text) = std::fs::read_to_string(&matrix) else {
        eprintln!("skipped: {} is not beside this checkout", matrix.display());
        return;
    };
    let in_matrix: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|id| {
            ["PP-", "SET-", "PUSH-", "POLL-", "MSP-", "SSF-", "SUBID-", "CAEP-"].iter().any(|p| id.starts_with(p))
        })
        .map(str::to_owned)
        .collect();
    let c = Catalogue::load(Origin::Embedded).unwrap();
    let in_catalogue: BTreeSet<String> = c.requirements.keys().cloned().collect();
    assert_eq!(in_matrix, in_catalogue);
}

/// Requirements whose id starts with one of `prefixes` that have no scenario
/// and are not marked as unobservable with a reason.
fn uncovered(prefixes: &[&str]) -> Vec<String> {
    let c = Catalogue::load(Origin::Embedded).unwrap();
    let (covered, _) = c.coverage();
    let covered: BTreeSet<&str> = covered.iter().map(|r| r.id.as_str()).collect();
    c.requirements
        .values()
        .filter(|r| prefixes.iter().any(|p| r.id.starts_with(p)))
        .filter(|r| !covered.contains(r.id.as_str()) && (r.observable || r.why.is_none()))
        .map(|r| r.id.clone())
        .collect()
}

/// Pushpull sections 1.1-1.4 (endpoint, TLS, Communication Object, HTTP and
/// WebSocket bindings) and 1.6 (reliability, jti uniqueness): each requirement
/// has a scenario or is marked not observable from outside, with the reason.
#[test]
fn every_pushpull_binding_and_reliability_requirement_is_covered_or_explained() {
    let gaps = uncovered(&["PP-EP-", "PP-SEC-", "PP-CO-", "PP-HTTP-", "PP-WS-", "PP-REL-"]);
    assert!(gaps.is_empty(), "neither covered nor explained: {gaps:?}");
}

/// RFC 8935 push and multi-SET push: each requirement has a scenario or is marked
/// not observable from outside, with the reason.
#[test]
fn every_push_and_multi_set_push_requirement_is_covered_or_explained() {
    let gaps = uncovered(&["PUSH-", "MSP-"]);
    assert!(gaps.is_empty(), "neither covered nor explained: {gaps:?}");
}

/// RFC 8936 poll: each requirement has a scenario or is marked not observable
/// from outside, with the reason.
#[test]
fn every_poll_requirement_is_covered_or_explained() {
    let gaps = uncovered(&["POLL-"]);
    assert!(gaps.is_empty(), "neither covered nor explained: {gaps:?}");
}

/// Each entry of the ambiguity catalogue (which every citation must name) is
/// defined: in the matrix's §9 table, or as one of the suite's own entries in
/// docs/decisions.md.
#[test]
fn every_catalogued_ambiguity_is_defined_in_the_matrix_or_the_decisions() {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let Ok(matrix) = std::fs::read_to_string(checkout.join("../shared/specs/REQUIREMENTS.md")) else {
        eprintln!("skipped: the requirements matrix is not beside this checkout");
        return;
    };
    let decisions = std::fs::read_to_string(checkout.join("docs/decisions.md")).unwrap();
    let c = Catalogue::load(Origin::Embedded).unwrap();
    let undefined: Vec<&str> = c
        .ambiguities
        .keys()
        .map(String::as_str)
        .filter(|amb| !matrix.contains(&format!("| {amb} |")) && !decisions.contains(amb))
        .collect();
    assert!(undefined.is_empty(), "cited but defined nowhere: {undefined:?}");
}

/// Every `amb` citation, of a requirement or of a scenario's expectation,
/// names an entry of suite/ambiguities.yaml: an unknown one is refused with
/// the file and the field that cites it.
#[test]
fn an_unknown_ambiguity_is_refused_naming_file_and_field() {
    let text =
        GOOD_SCENARIO.replace("{ req: PP-HTTP-008, status: 200 }", "{ req: PP-HTTP-008, amb: AMB-99, status: 200 }");
    let err = messages(embedded_with(SourceFile::new("suite/extra.yaml", &text)).unwrap_err());
    assert!(
        err.contains("suite/extra.yaml: /steps/0/expect/0/amb: unknown ambiguity \"AMB-99\": suite/ambiguities.yaml has no such entry"),
        "{err}"
    );

    let mut files = embedded_catalogue_files();
    let requirements = files.iter_mut().find(|f| f.name() == "suite/requirements.yaml").unwrap();
    let yaml = setconform::embedded_files().iter().find(|(p, _)| *p == "suite/requirements.yaml").unwrap().1;
    let at = yaml.find("amb: [AMB-17]").unwrap();
    let index = yaml[..at].matches("\n  - id: ").count() - 1;
    *requirements =
        SourceFile::new("suite/requirements.yaml", yaml.replacen("amb: [AMB-17]", "amb: [AMB-17, AMB-98]", 1));
    let err = messages(Catalogue::from_files(files).unwrap_err());
    assert_eq!(
        err,
        format!(
            "suite/requirements.yaml: /requirements/{index}/amb/1: unknown ambiguity \"AMB-98\": \
             suite/ambiguities.yaml has no such entry"
        )
    );
}

#[test]
fn the_ambiguity_catalogue_is_required_and_holds_each_id_once() {
    let without: Vec<SourceFile> =
        embedded_catalogue_files().into_iter().filter(|f| f.name() != "suite/ambiguities.yaml").collect();
    assert_eq!(messages(Catalogue::from_files(without).unwrap_err()), "suite/ambiguities.yaml: missing");

    let mut files = embedded_catalogue_files();
    let catalogue = files.iter_mut().find(|f| f.name() == "suite/ambiguities.yaml").unwrap();
    let yaml = setconform::embedded_files().iter().find(|(p, _)| *p == "suite/ambiguities.yaml").unwrap().1;
    *catalogue = SourceFile::new("suite/ambiguities.yaml", yaml.replacen("id: AMB-02", "id: AMB-01", 1));
    let err = messages(Catalogue::from_files(files).unwrap_err());
    assert!(err.contains("suite/ambiguities.yaml: /ambiguities/1/id: duplicate ambiguity id \"AMB-01\""), "{err}");
}

/// The catalogue numbers its entries AMB-01 on without a gap, and every
/// `AMB-nn` written anywhere in the suite's files or docs/decisions.md (in
/// descriptions and comments as much as in `amb` fields) is one of them.
#[test]
fn every_ambiguity_named_in_a_text_is_in_the_catalogue() {
    let c = Catalogue::load(Origin::Embedded).unwrap();
    let ids: Vec<&str> = c.ambiguities.keys().map(String::as_str).collect();
    let expected: Vec<String> = (1..=ids.len()).map(|n| format!("AMB-{n:02}")).collect();
    assert_eq!(ids, expected);

    let decisions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/decisions.md");
    let mut texts: Vec<(String, String)> =
        vec![("docs/decisions.md".to_owned(), std::fs::read_to_string(decisions).unwrap())];
    texts.extend(embedded_catalogue_files().iter().filter(|f| f.is_under("suite")).map(|f| {
        let text = setconform::embedded_files().iter().find(|(p, _)| *p == f.name()).unwrap().1;
        (f.name().to_owned(), text.to_owned())
    }));
    assert!(texts.len() > 50, "the suite's files are read");
    let unknown: Vec<String> = texts
        .iter()
        .flat_map(|(name, text)| named_ambiguities(text).into_iter().map(move |id| (name, id)))
        .filter(|(_, id)| !c.ambiguities.contains_key(id))
        .map(|(name, id)| format!("{name}: {id}"))
        .collect();
    assert!(unknown.is_empty(), "ambiguities not in suite/ambiguities.yaml:\n{}", unknown.join("\n"));
    assert_eq!(named_ambiguities("AMB-06, AMB-33 to AMB-40 (AMB-nn)"), ["AMB-06", "AMB-33", "AMB-40"]);
}

/// Every `AMB-` followed by digits in `text`.
fn named_ambiguities(text: &str) -> Vec<String> {
    text.split("AMB-")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (!digits.is_empty()).then(|| format!("AMB-{digits}"))
        })
        .collect()
}

//! `setconform merge`: the columns of the interop matrix, as labelled by
//! default and by `--label`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn setconform(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_setconform")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Two saved runs of one SUT, an hour apart: the SUT's name, and each run.json.
fn two_runs_of_one_sut(root: &Path) -> (String, [PathBuf; 2]) {
    let (before, after) = (root.join("before"), root.join("after"));
    let args = ["run", "push.receiver.accept.valid", "--exact", "--profile", "push-receiver", "--format", "json"];
    let (code, stdout, _) = setconform(&[&args[..], &["--quiet", "--out", before.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{stdout}");
    let mut run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(before.join("run.json")).unwrap()).unwrap();
    let name = run["sut"]["name"].as_str().unwrap().to_owned();
    run["started_at"] = "2026-12-04T10:05:59Z".into();
    std::fs::write(before.join("run.json"), run.to_string()).unwrap();
    run["started_at"] = "2026-12-04T11:42:00.250Z".into();
    std::fs::create_dir_all(&after).unwrap();
    std::fs::write(after.join("run.json"), run.to_string()).unwrap();
    (name, [before.join("run.json"), after.join("run.json")])
}

#[test]
fn runs_of_one_sut_get_distinct_columns_and_label_names_them() {
    let root = common::scratch("merge-labels");
    let (name, [before, after]) = two_runs_of_one_sut(&root);
    let (before, after) = (before.to_str().unwrap(), after.to_str().unwrap());

    let page = root.join("default.html");
    let (code, _, stderr) = setconform(&["merge", before, after, "--html", page.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    for label in [format!("{name} 2026-12-04 10:05 UTC"), format!("{name} 2026-12-04 11:42 UTC")] {
        assert!(html.contains(&format!("<th>{label}</th>")), "column {label:?} missing");
    }

    let page = root.join("labelled.html");
    let args = ["merge", before, after, "--label", "acme 1.4", "--label", "acme <1.5>", "--html"];
    let (code, _, stderr) = setconform(&[&args[..], &[page.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<th>acme 1.4</th>") && html.contains("<th>acme &lt;1.5&gt;</th>"), "labels in order");
    assert!(!html.contains("11:42 UTC"), "a given label replaces the default");
}

#[test]
fn a_label_count_other_than_the_runs_is_a_usage_error_naming_the_option() {
    let root = common::scratch("merge-label-count");
    let (_, [before, after]) = two_runs_of_one_sut(&root);
    let page = root.join("matrix.html");
    let (before, after, page_arg) = (before.to_str().unwrap(), after.to_str().unwrap(), page.to_str().unwrap());
    let (code, _, stderr) = setconform(&["merge", before, after, "--label", "one", "--html", page_arg]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--label given 1 time(s) for 2 run(s)"), "{stderr}");
    assert!(!page.exists(), "no matrix for a wrong command line");
    let three = ["merge", before, after, "--label", "a", "--label", "b", "--label", "c", "--html", page_arg];
    assert_eq!(setconform(&three).0, 2);
}

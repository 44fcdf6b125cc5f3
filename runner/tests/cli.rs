//! The `setconform` binary: exit codes and files, as CI sees them.

mod common;

use std::process::Command;

fn setconform(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_setconform")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_clean_run_exits_0_and_writes_the_report_and_the_harness_keys() {
    let dir = common::scratch("cli-ok");
    let (code, stdout, _) = setconform(&["run", "--seed", "1", "--out", dir.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("exit code 0"));
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["summary"]["exit_code"], 0);
    let jwks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("harness-jwks.json")).unwrap()).unwrap();
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_broken_rule_exits_1_with_expected_and_actual() {
    let dir = common::scratch("cli-fail");
    let out = dir.to_str().unwrap();
    let (code, stdout, _) = setconform(&["run", "--fault", "success-202", "--out", out, "--quiet"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL PP-HTTP-008") && stdout.contains("expected: HTTP status 200"), "{stdout}");
    assert!(dir.join("run.json").exists(), "the report is written whatever the verdict");
}

#[test]
fn a_broken_sut_file_exits_2_naming_the_file_and_field() {
    let dir = common::scratch("cli-bad");
    let sut = dir.join("sut.yaml");
    std::fs::write(&sut, "name: x\nprofiles: [pushpull-http-responder]\ntimeouts: { request_ms: -5 }\n").unwrap();
    let (code, _, stderr) = setconform(&["run", "--sut", sut.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("sut.yaml: /timeouts/request_ms"), "{stderr}");
    let (code, _, stderr) = setconform(&["run", "--fault", "nonsense"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nonsense"), "{stderr}");
}

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
    for file in ["report.html", "junit.xml", "summary.md"] {
        assert!(std::fs::metadata(dir.join(file)).is_ok_and(|m| m.len() > 0), "{file} written");
    }
    // --format picks a subset.
    let only = common::scratch("cli-format");
    let args =
        ["run", "--profile", "push-receiver", "--format", "junit,md", "--quiet", "--out", only.to_str().unwrap()];
    assert_eq!(setconform(&args).0, 0);
    assert!(only.join("junit.xml").exists() && only.join("summary.md").exists());
    assert!(!only.join("report.html").exists() && !only.join("run.json").exists());
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

#[test]
fn check_warns_of_an_endpoint_without_tls_naming_the_field() {
    let dir = common::scratch("cli-cleartext");
    let sut = dir.join("sut.yaml");
    let text = "name: x\nprofiles: [push-receiver, poll-transmitter]\n\
                push: { endpoint: 'http://127.0.0.1:9/events' }\npoll: { endpoint: 'https://127.0.0.1:9/poll' }\n";
    std::fs::write(&sut, text).unwrap();
    let (code, stdout, stderr) = setconform(&["check", "--sut", sut.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("warning: /push/endpoint: http://127.0.0.1:9/events is not TLS"), "{stdout}");
    assert!(!stdout.contains("/poll/endpoint"), "{stdout}");
}

/// HTTP and TLS write to sockets with writev, which raises SIGPIPE when the peer
/// has hung up; a command that talks to peers ignores it, so a SUT that closes
/// a connection mid-answer cannot end the process.
#[cfg(target_os = "linux")]
#[test]
fn commands_that_talk_to_peers_ignore_sigpipe_and_listings_do_not() {
    const SIGPIPE_BIT: u64 = 1 << (13 - 1);
    let ignores_sigpipe = |pid: u32| {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:")).unwrap().trim();
        u64::from_str_radix(mask, 16).unwrap() & SIGPIPE_BIT != 0
    };
    let mut reference = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["reference", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Serving: its address is on stdout by now.
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(reference.stdout.as_mut().unwrap()), &mut first).unwrap();
    let ignored = ignores_sigpipe(reference.id());
    reference.kill().unwrap();
    reference.wait().unwrap();
    assert!(ignored, "the reference server must ignore SIGPIPE (first line: {first})");

    // A listing piped into a reader that stops early ends quietly: killed by SIGPIPE, not a panic.
    let mut listing = Command::new(env!("CARGO_BIN_EXE_setconform"))
        .args(["faults"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(listing.stdout.take());
    let out = listing.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A clean run and a faulted one: `diff` names the regressions and exits 1; the
/// other way round it names fixes and exits 0.
#[test]
fn diff_exits_1_on_a_regression() {
    let dir = common::scratch("cli-diff");
    let (clean, faulted) = (dir.join("clean"), dir.join("faulted"));
    let run = |out: &std::path::Path, fault: Option<&str>| {
        let mut args =
            vec!["run", "--profile", "push-receiver", "--seed", "3", "--quiet", "--out", out.to_str().unwrap()];
        args.extend(fault.map(|f| ["--fault", f]).into_iter().flatten());
        setconform(&args).0
    };
    assert_eq!(run(&clean, None), 0);
    assert_eq!(run(&faulted, Some("push-success-200")), 1);
    let (a, b) = (clean.join("run.json"), faulted.join("run.json"));
    let (code, stdout, _) = setconform(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("push.receiver.accept.valid") && stdout.contains("PASS -> FAIL"), "{stdout}");
    let (code, stdout, _) = setconform(&["diff", b.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("regressions: 0") && stdout.contains("FAIL -> PASS"), "{stdout}");
}

/// A filter, or a profile and skip, that selects no scenario runs nothing,
/// writes no report and exits 2 naming what was asked; listing such a selection
/// is no error.
#[test]
fn an_empty_selection_exits_2_naming_the_filter_and_writes_no_report() {
    let dir = common::scratch("cli-empty");
    let out = dir.to_str().unwrap();
    let (code, stdout, stderr) = setconform(&["run", "--exact", "no.such.id", "--out", out]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("no scenario selected by filter \"no.such.id\" (--exact"), "{stderr}");
    assert!(!stdout.contains("Conformant") && !stdout.contains("exit code 0"), "{stdout}");
    for file in ["run.json", "summary.md", "junit.xml", "report.html"] {
        assert!(!dir.join(file).exists(), "{file} written");
    }
    let (code, _, stderr) = setconform(&["run", "--profile", "push-receiver", "--skip", ".", "--out", out]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--skip \".\", --profile push-receiver"), "{stderr}");
    let (code, stdout, _) = setconform(&["run", "--exact", "no.such.id", "--list"]);
    assert_eq!(code, 0, "{stdout}");
}

/// A run whose every selected scenario is N/A judged nothing: it is no evidence
/// of conformance, so it is incomplete (exit 3) and every report says why.
#[test]
fn a_run_whose_every_scenario_is_n_a_judged_nothing_and_exits_3() {
    let dir = common::scratch("cli-all-na");
    // push.transmitter.* are N/A when only push-receiver is claimed.
    let args = ["run", "--profile", "push-receiver", "push.transmitter.", "--quiet", "--out", dir.to_str().unwrap()];
    let (code, stdout, _) = setconform(&args);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("Nothing judged: all ") && !stdout.contains("Conformant"), "{stdout}");
    let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(summary.contains("**Nothing judged** (exit code 3)") && !summary.contains("Conformant"), "{summary}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("nothing judged: all "), "the HTML's exit status says it too");
    // Nothing failed there, and nothing showed conformance either.
    let from = dir.join("run.json");
    let again = dir.join("again");
    let (code, stdout, _) =
        setconform(&["run", "--rerun-failed", from.to_str().unwrap(), "--out", again.to_str().unwrap()]);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("nothing was judged (every scenario N/A)"), "{stdout}");
}

/// A later run that tests less is a regression for a gate: a scenario judged
/// before and N/A or gone now, and a requirement no longer covered, unless the
/// narrowing is accepted.
#[test]
fn diff_counts_what_is_no_longer_tested_as_a_regression_unless_accepted() {
    let dir = common::scratch("cli-diff-narrow");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = vec!["run", "--profile", "push-receiver", "--seed", "3", "--quiet"];
        args.extend_from_slice(extra);
        args.extend(["--out", out.to_str().unwrap()]);
        assert_eq!(setconform(&args).0, 0, "{name}");
        out.join("run.json").to_str().unwrap().to_owned()
    };
    // Under the ssf SET profile push.receiver.accept.rotated-key applies (SSF-SET-012); under rfc8417 it is N/A.
    let wide = run("wide", &["--set-profile", "ssf"]);
    let narrow = run("narrow", &["--skip", "push.receiver.reject.content-type"]);
    let (code, stdout, _) = setconform(&["diff", &wide, &narrow]);
    assert_eq!(code, 1, "{stdout}");
    let regressions = stdout.split("fixes:").next().unwrap();
    for line in [
        "push.receiver.accept.rotated-key",
        "PASS -> N/A (no longer judged)",
        "push.receiver.reject.content-type",
        "PASS -> (absent) (scenario gone)",
        "SSF-SET-012",
        "(no longer covered)",
    ] {
        assert!(regressions.contains(line), "{line} among the regressions:\n{stdout}");
    }
    let (code, stdout, _) = setconform(&["diff", &wide, &narrow, "--accept-narrowing"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("regressions: 0") && stdout.contains("(scenario gone)"), "{stdout}");
}

/// Under `--fail-on warn` the JUnit file fails the WARN scenarios that made
/// the exit code 1, the headlines say the run failed on warnings, and the
/// record keeps the gate so that `report` renders the same file; under the
/// default gate a WARN passes.
#[test]
fn junit_and_headlines_follow_the_gate_the_run_was_made_under() {
    let dir = common::scratch("cli-fail-on-warn");
    let run = |name: &str, fail_on: &str| {
        let out = dir.join(name);
        let args = ["run", "--profile", "push-transmitter", "--fault", "typ-jwt", "--seed", "2", "--quiet"];
        let (code, stdout, _) =
            setconform(&[&args[..], &["--fail-on", fail_on, "--out", out.to_str().unwrap()]].concat());
        (code, stdout, out)
    };
    let (code, stdout, gated) = run("gated", "warn");
    assert_eq!(code, 1, "{stdout}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gated.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["fail_on"], "warn");
    let warned = record["summary"]["warn"].as_u64().unwrap();
    assert!(warned > 0 && record["summary"]["fail"] == 0);
    let junit = std::fs::read_to_string(gated.join("junit.xml")).unwrap();
    assert!(junit.contains(&format!("failures=\"{warned}\"")) && junit.contains("type=\"WARN\""), "{junit}");
    let summary = std::fs::read_to_string(gated.join("summary.md")).unwrap();
    assert!(summary.contains("**Failed** (exit code 1)") && summary.contains("the run fails on them"), "{summary}");
    let html = std::fs::read_to_string(gated.join("report.html")).unwrap();
    assert!(html.contains("FAIL or WARN (--fail-on warn)"), "the HTML names the gate");
    let again = dir.join("again");
    let (code, _, _) =
        setconform(&["report", gated.join("run.json").to_str().unwrap(), "--out", again.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(again.join("junit.xml")).unwrap(), junit, "the same JUnit again");

    let (code, stdout, default) = run("default", "fail");
    assert_eq!(code, 0, "{stdout}");
    let junit = std::fs::read_to_string(default.join("junit.xml")).unwrap();
    assert!(!junit.contains("<failure"), "{junit}");
    // A record from before the gate was kept reads as made under the default.
    let mut old = record.clone();
    old.as_object_mut().unwrap().remove("fail_on");
    let (old_file, old_out) = (dir.join("old.json"), dir.join("old"));
    std::fs::write(&old_file, old.to_string()).unwrap();
    let (code, _, stderr) = setconform(&["report", old_file.to_str().unwrap(), "--out", old_out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!std::fs::read_to_string(old_out.join("junit.xml")).unwrap().contains("<failure"));
}

/// A report that cannot be written is named on stderr, every other one is
/// written, and the exit code printed last is the one the command ends with:
/// incomplete (3), or still 1 when a rule was broken.
#[test]
fn a_report_that_cannot_be_written_is_named_and_the_others_are_written() {
    let dir = common::scratch("cli-unwritable");
    std::fs::create_dir_all(dir.join("report.html")).unwrap();
    let args = ["run", "--profile", "push-receiver", "--exact", "push.receiver.accept.valid", "--quiet"];
    let (code, stdout, stderr) = setconform(&[&args[..], &["--out", dir.to_str().unwrap()]].concat());
    assert_eq!(code, 3, "{stdout}");
    assert!(stderr.contains(&format!("setconform: cannot write {}: ", dir.join("report.html").display())), "{stderr}");
    for file in ["run.json", "junit.xml", "summary.md", "harness-jwks.json"] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    assert!(dir.join("report.html").is_dir(), "the folder in the way is left alone");
    assert_eq!(stdout.trim_end().lines().last(), Some("exit code 3 (not every report could be written)"), "{stdout}");
    assert!(!stdout.contains("exit code 0"), "{stdout}");

    let faulted = ["--fault", "push-success-200", "--out", dir.to_str().unwrap()];
    let (code, stdout, _) = setconform(&[&args[..], &faulted[..]].concat());
    assert_eq!(code, 1, "a broken rule outranks a missing report: {stdout}");
}

/// A run removes the reports an earlier run left in its folder (only the
/// files it owns) and says so, so that CI reads no stale report.
#[test]
fn a_run_removes_an_earlier_run_s_reports_and_nothing_else() {
    let dir = common::scratch("cli-stale");
    let stale = "<testsuites tests=\"12\" failures=\"12\"></testsuites>";
    for (name, text) in [("junit.xml", stale), ("summary.md", "old"), ("report.html", "old"), ("notes.txt", "mine")] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let listing = ["run", "--profile", "push-receiver", "--list", "--out", dir.to_str().unwrap()];
    assert_eq!(setconform(&listing).0, 0);
    assert!(dir.join("junit.xml").exists(), "a listing runs nothing and removes nothing");
    let args = ["run", "--profile", "push-receiver", "--exact", "push.receiver.accept.valid", "--format", "json"];
    let (code, stdout, _) = setconform(&[&args[..], &["--quiet", "--out", dir.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("removed the reports of an earlier run from ") && stdout.contains("junit.xml"), "{stdout}");
    for gone in ["junit.xml", "summary.md", "report.html"] {
        assert!(!dir.join(gone).exists(), "{gone} removed");
    }
    assert!(dir.join("run.json").is_file() && dir.join("notes.txt").is_file());
}

/// Inputs that cannot be read are usage errors (exit 2), each named on stderr;
/// reports that cannot be written leave the command incomplete (exit 3).
#[test]
fn unreadable_inputs_exit_2_and_unwritable_reports_exit_3() {
    let dir = common::scratch("cli-errors");
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    let (code, stdout, stderr) = setconform(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}");
    for path in [&old, &new] {
        assert!(stderr.contains(&format!("setconform: {}: ", path.display())), "{stderr}");
    }
    let (code, _, stderr) = setconform(&["run", "--fail-on", "info"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[possible values: fail, warn]"), "{stderr}");
    let (code, _, stderr) = setconform(&["run", "--rerun-failed", old.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("setconform: --rerun-failed "), "{stderr}");

    let saved = dir.join("saved");
    assert_eq!(setconform(&["pair", "--out", saved.to_str().unwrap()]).0, 0);
    // A file where the reports' folder should be.
    let blocked = saved.join("run.json").join("reports");
    let (code, _, stderr) =
        setconform(&["report", saved.join("run.json").to_str().unwrap(), "--out", blocked.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(stderr.starts_with(&format!("setconform: cannot write reports to {}: ", blocked.display())), "{stderr}");
}

/// Waivers turn the FAILs they name into WAIVED (exit 0 when nothing else
/// fails), and flag the stale and the expired; `--rerun-failed` runs only what failed.
#[test]
fn waivers_and_rerun_failed() {
    let dir = common::scratch("cli-waivers");
    let waivers = dir.join("waivers.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - scenario: push.receiver.accept.valid\n    reason: answers 200, fixed in 2.0\n\
         \x20 - requirement: PUSH-020\n    reason: answers 200, fixed in 2.0\n\
         \x20 - requirement: PUSH-021\n    reason: old\n    expires: 2020-01-01\n\
         \x20 - scenario: push.receiver.reject.content-type\n    reason: nothing fails there\n",
    )
    .unwrap();
    let out = dir.join("waived");
    let (code, stdout, _) = setconform(&[
        "run",
        "--profile",
        "push-receiver",
        "--fault",
        "push-success-200",
        "--seed",
        "4",
        "--quiet",
        "--waivers",
        waivers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("WAIVED"), "{stdout}");
    assert!(stdout.contains("push.receiver.reject.content-type stale"), "{stdout}");
    assert!(stdout.contains("PUSH-021 expired"), "{stdout}");
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let statuses: Vec<&str> =
        run["waivers"].as_array().unwrap().iter().map(|w| w["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["applied", "applied", "expired", "stale"]);

    // Without the waivers the same fault fails; running again only what failed gives fewer scenarios.
    let failed = dir.join("failed");
    let args = ["run", "--profile", "push-receiver", "--fault", "push-success-200", "--seed", "4", "--quiet"];
    let (code, _, _) = setconform(&[&args[..], &["--out", failed.to_str().unwrap()]].concat());
    assert_eq!(code, 1);
    let again = dir.join("again");
    let from = failed.join("run.json");
    let rerun = ["--rerun-failed", from.to_str().unwrap(), "--out", again.to_str().unwrap()];
    let (code, _, _) = setconform(&[&args[..], &rerun[..]].concat());
    assert_eq!(code, 1);
    let rerun: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(again.join("run.json")).unwrap()).unwrap();
    let all: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&from).unwrap()).unwrap();
    let failing = all["scenarios"].as_array().unwrap().iter().filter(|s| s["verdict"] == "FAIL").count();
    assert_eq!(rerun["scenarios"].as_array().unwrap().len(), failing);
}

/// Without a terminal (CI) the run prints one plain line per scenario as it
/// finishes, and no terminal control sequences.
#[test]
fn without_a_terminal_progress_is_plain_lines() {
    let dir = common::scratch("cli-progress");
    let (code, stdout, _) =
        // Under ssf every push-receiver scenario applies (rotated keys are an SSF rule).
        setconform(&["run", "--profile", "push-receiver", "--set-profile", "ssf", "--seed", "5", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with('[')).collect();
    let catalogue = setconform::catalogue::Catalogue::load(setconform::catalogue::Origin::Embedded).unwrap();
    let claimed = catalogue.scenarios.iter().filter(|s| s.applies_to.iter().any(|p| p == "push-receiver")).count();
    assert_eq!(lines.len(), claimed, "one line per push-receiver scenario:\n{stdout}");
    assert!(lines.iter().all(|l| l.contains("] PASS    push-receiver")), "{stdout}");
    let total = catalogue.scenarios.len();
    assert!(lines.last().unwrap().starts_with(&format!("[{total}/{total}]")), "{stdout}");
    assert!(!stdout.contains('\x1b') && !stdout.contains('\r'), "no terminal control in a log");
}

#[test]
fn coverage_prints_the_family_table_and_the_faults_that_prove_each_requirement() {
    let (code, stdout, stderr) = setconform(&["coverage"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines.iter().position(|l| l.split_whitespace().eq(["family", "normative", "tested", "proven"]));
    let header = header.unwrap_or_else(|| panic!("no family table: {stdout}"));
    let row = |family: &str| -> Vec<usize> {
        let line = lines[header..].iter().find(|l| l.split_whitespace().next() == Some(family));
        let line = line.unwrap_or_else(|| panic!("no {family} row: {stdout}"));
        line.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect()
    };
    for family in ["PP-HTTP", "PP-REL", "PUSH", "POLL", "SET", "SSF-SET", "SUBID", "CAEP", "total"] {
        let figures = row(family);
        assert!(figures.len() == 3 && figures[2] <= figures[1] && figures[1] <= figures[0], "{family}: {figures:?}");
    }
    let first_requirement = lines.iter().position(|l| l.starts_with("CAEP-001")).unwrap();
    assert!(header < first_requirement, "the table comes before the list");
    let line = |id: &str| *lines.iter().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id}: {stdout}"));
    assert!(line("PP-REL-007").contains("proven by: ") && line("PP-REL-007").contains("never-ack"));
    assert!(line("PP-HTTP-007").ends_with("no proving fault"), "{}", line("PP-HTTP-007"));
    assert!(line("PP-EP-003").ends_with("proven by a fake SUT in tests/hostile_sut.rs"), "{}", line("PP-EP-003"));
    assert!(!line("SET-014").contains("fault"), "a permission needs no proving fault: {}", line("SET-014"));
    assert!(line("SUBID-004").contains("carries an `email` subject"), "{}", line("SUBID-004"));
}

/// Colour on the console only: `--color always` paints the verdicts and the
/// headline even into a pipe and over NO_COLOR; `never`, the default in a
/// pipe, and NO_COLOR under auto give none; no report file ever holds any.
#[test]
fn colour_follows_color_and_no_color_and_never_reaches_a_file() {
    let console = |color: Option<&str>, no_color: Option<&str>| {
        let dir = common::scratch("cli-colour");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_setconform"));
        cmd.args(["run", "push.receiver.accept.valid", "--exact", "--profile", "push-receiver"]);
        cmd.args(["--out", dir.to_str().unwrap()]).args(color.map(|c| format!("--color={c}")));
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
        for file in ["run.json", "report.html", "junit.xml", "summary.md"] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            assert!(!text.contains('\x1b'), "--color {color:?}: escape sequences in {file}");
        }
        String::from_utf8(out.stdout).unwrap()
    };
    let painted = console(Some("always"), None);
    assert!(painted.contains("\x1b[32mPASS"), "a green PASS:\n{painted}");
    assert!(painted.contains("Conformant\x1b[0m: "), "a coloured headline:\n{painted}");
    assert!(console(Some("always"), Some("1")).contains("\x1b["), "always wins over NO_COLOR");
    for (color, no_color) in [(Some("never"), None), (None, None), (Some("auto"), Some("1"))] {
        let plain = console(color, no_color);
        assert!(!plain.contains('\x1b'), "--color {color:?} NO_COLOR={no_color:?}:\n{plain}");
        assert!(plain.contains("] PASS    push-receiver") && plain.contains("\nConformant: "), "{plain}");
    }
}

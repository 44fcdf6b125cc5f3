//! Saved bench records: their shape (schemas/bench.json), and the commands
//! that read them: `merge` adds up a bench's shards, `report` renders its
//! page, `diff` compares two benches against a threshold.

mod common;

use setconform::schema::Schemas;
use setconform_reports::bench::merge::merge;
use setconform_reports::bench::sample::{self, Second};
use setconform_reports::bench::{BenchRecord, Binding, Shape, Shard, file};
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

/// Shard `index` of 2 of a fixed-rate push bench: `acked` of 6,000 SETs a
/// second for two seconds, each acknowledged after `latency_us`.
fn shard(index: u32, acked: usize, latency_us: u64) -> BenchRecord {
    let second = || Second { sent: 6_000, latencies_us: vec![latency_us; acked] };
    let step = sample::step(6_000.0, 1_800_000_000, &[second(), second()]);
    let shape = Shape::Fixed { rate: 12_000.0, duration_ms: 2000 };
    sample::record(Binding::Push, shape, Some(Shard { index, count: 2 }), vec![step])
}

/// Writes `record` as `name` into `dir`, and gives its path.
fn saved(dir: &Path, name: &str, record: &BenchRecord) -> PathBuf {
    let path = dir.join(name);
    file::write(record, &path).unwrap();
    path
}

fn run_record() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/tests/fixtures/run-mixed.json")
}

fn violations(value: &serde_json::Value) -> Vec<String> {
    Schemas::embedded().validate("bench", value).unwrap().iter().map(ToString::to_string).collect()
}

#[test]
fn a_bench_record_is_valid_against_its_schema_and_a_broken_one_is_not() {
    let mut record = merge(&[shard(1, 5_990, 700), shard(2, 5_000, 900)]).unwrap();
    record.ledger.refused.insert("invalid_key".to_owned(), 2);
    record.ledger.lost_sample = vec!["jti-1".to_owned()];
    record.errors.insert("http-503".to_owned(), 2);
    record.interrupted = Some("SIGINT".to_owned());
    let value = serde_json::to_value(&record).unwrap();
    assert_eq!(violations(&value), Vec::<String>::new());
    let ramp = Shape::Ramp { max_p99_us: 5000, start_rate: 100.0, step_ms: 1000 };
    let mut whole = sample::record(Binding::PushpullWs, ramp, None, record.steps.clone());
    whole.steps.iter_mut().for_each(|s| s.cpu.sut_ms = None);
    assert_eq!(violations(&serde_json::to_value(&whole).unwrap()), Vec::<String>::new(), "optional members left out");

    let broken = |path: &[&str], change: serde_json::Value| {
        let mut v = value.clone();
        let (last, parents) = path.split_last().unwrap();
        let at = parents.iter().fold(&mut v, |v, key| match key.parse::<usize>() {
            Ok(i) => &mut v[i],
            Err(_) => &mut v[*key],
        });
        match change {
            serde_json::Value::Null => drop(at.as_object_mut().unwrap().remove(*last)),
            change => at[*last] = change,
        }
        violations(&v)
    };
    assert!(!broken(&["binding"], "carrier-pigeon".into()).is_empty(), "an unknown binding");
    assert!(!broken(&["record"], "run".into()).is_empty(), "another kind of record");
    assert!(!broken(&["speed"], 1.into()).is_empty(), "a member the record does not have");
    assert!(!broken(&["steps", "0", "timeline", "0", "dropped"], 1.into()).is_empty(), "nor a tick");
    assert!(!broken(&["load", "shape", "kind"], "sine".into()).is_empty(), "an unknown shape");
    assert!(!broken(&["ledger"], serde_json::Value::Null).is_empty(), "no ledger");
    assert!(!broken(&["result", "verdict"], "fine".into()).is_empty(), "an unknown verdict");
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run_record()).unwrap()).unwrap();
    assert!(!violations(&run).is_empty(), "a run record is no bench record");
}

#[test]
fn merge_writes_the_sum_of_the_shards_and_its_page() {
    let dir = common::scratch("bench-merge");
    let (a, b) = (shard(1, 6_000, 700), shard(2, 5_900, 1_500));
    let (pa, pb) = (saved(&dir, "a.json", &a), saved(&dir, "b.json", &b));
    let out = dir.join("merged").join("all.json");
    let args = ["merge", pa.to_str().unwrap(), pb.to_str().unwrap(), "--json", out.to_str().unwrap()];
    let (code, stdout, stderr) = setconform(&args);
    assert_eq!(code, 1, "a SET lost by one shard fails the merged bench: {stderr}");
    assert!(stdout.contains("merged shards 1/2, 2/2 of 2"), "{stdout}");
    assert!(stdout.contains("200 lost"), "{stdout}");
    assert_eq!(file::read(&out).unwrap(), merge(&[a, b]).unwrap(), "the record merge() makes");
    let page = std::fs::read_to_string(dir.join("merged").join("bench.html")).unwrap();
    assert!(page.contains("<span class=\"exit bad\">200 SETs lost</span>"), "the page of the merged record");
    assert!(!dir.join("matrix.html").exists() && !Path::new("matrix.html").exists(), "no matrix");
    let whole = saved(&dir, "whole.json", &shard(2, 6_000, 900));
    let args = ["merge", pa.to_str().unwrap(), whole.to_str().unwrap(), "--json", out.to_str().unwrap()];
    assert_eq!(setconform(&args).0, 0, "every SET of both shards accounted for");
}

#[test]
fn merge_refuses_a_run_among_benches_and_shards_of_different_benches() {
    let dir = common::scratch("bench-merge-refused");
    let a = saved(&dir, "a.json", &shard(1, 6_000, 700));
    let out = dir.join("bench.json");
    let run = run_record();
    let (code, _, stderr) =
        setconform(&["merge", a.to_str().unwrap(), run.to_str().unwrap(), "--json", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("{}: a run record, where the first is a bench record", run.display())),
        "{stderr}"
    );

    let mut poll = shard(2, 6_000, 700);
    poll.binding = Binding::Poll;
    let b = saved(&dir, "b.json", &poll);
    let (code, _, stderr) =
        setconform(&["merge", a.to_str().unwrap(), b.to_str().unwrap(), "--json", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("record 2 is of another bench than record 1: binding push and poll"), "{stderr}");
    assert!(stderr.contains(&format!("2 {}", b.display())), "the files are named: {stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn report_renders_a_bench_s_page_beside_its_record_or_into_out() {
    let dir = common::scratch("bench-report");
    let record = saved(&dir, "bench.json", &shard(1, 6_000, 700));
    let (code, stdout, stderr) = setconform(&["report", record.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.join("bench.html")).unwrap();
    assert!(page.contains("every SET accounted for") && stdout.contains("bench.html"), "{stdout}");
    assert!(!dir.join("report.html").exists() && !dir.join("junit.xml").exists(), "no run reports");

    let out = dir.join("elsewhere");
    let (code, _, stderr) = setconform(&["report", record.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("bench.html").is_file());
}

#[test]
fn diff_fails_a_drop_beyond_the_threshold_and_refuses_benches_of_other_bindings() {
    let dir = common::scratch("bench-diff");
    let whole = |acked, latency_us| {
        let mut r = shard(1, acked, latency_us);
        r.shards.clear();
        r
    };
    let old = saved(&dir, "old.json", &whole(5_615, 4_000));
    let new = saved(&dir, "new.json", &whole(4_900, 4_000));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (code, stdout, _) = setconform(&["diff", old, new]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("sustained rate: 5,615 → 4,900 SETs/s (−12.7%)  REGRESSED"), "{stdout}");
    assert_eq!(setconform(&["diff", old, new, "--threshold", "15"]).0, 0, "within 15%");
    assert_eq!(setconform(&["diff", new, old]).0, 0, "faster is no regression");

    let mut poll = whole(5_615, 4_000);
    poll.binding = Binding::Poll;
    let poll = saved(&dir, "poll.json", &poll);
    let (code, _, stderr) = setconform(&["diff", old, poll.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the benches measured different bindings: push and poll"), "{stderr}");
    let (code, _, stderr) = setconform(&["diff", run_record().to_str().unwrap(), new]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("a bench record, where the first is a run record"), "{stderr}");
}

//! Running the `setconform` binary's `bench` command with a short load, and
//! reading back what it wrote.

use setconform_reports::bench::BenchRecord;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a bench may take before the test calls it a hang.
const HANG: Duration = Duration::from_secs(60);

/// One finished `setconform bench`.
pub struct Bench {
    pub code: i32,
    pub record: Option<BenchRecord>,
    /// stdout and stderr.
    pub output: String,
    pub took: Duration,
}

impl Bench {
    pub fn record(&self) -> &BenchRecord {
        self.record.as_ref().unwrap_or_else(|| panic!("no bench.json; exit {}:\n{}", self.code, self.output))
    }
}

/// Runs a short fixed-rate bench on `binding` (the embedded reference without
/// `sut`), with `extra` flags in place of the defaults they name. The grace is
/// generous: it ends the wait only where SETs are still unanswered, and a
/// loaded machine must not turn late batches into unsent ones.
pub fn bench(binding: &str, sut: Option<&Path>, extra: &[&str]) -> Bench {
    let dir = super::scratch("bench");
    let out = dir.join("out");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_setconform"));
    cmd.args(["bench", "--binding", binding]).arg("--out").arg(&out);
    for (flag, value) in [("--rate", "400/s"), ("--duration", "1s"), ("--grace", "3s")] {
        if !extra.contains(&flag) {
            cmd.args([flag, value]);
        }
    }
    if let Some(sut) = sut {
        cmd.arg("--sut").arg(sut);
    }
    cmd.args(extra);
    let stdout = std::fs::File::create(dir.join("stdout")).unwrap();
    let stderr = std::fs::File::create(dir.join("stderr")).unwrap();
    let started = Instant::now();
    let mut child = cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr).spawn().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the bench on {binding} did not end within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = started.elapsed();
    let output =
        std::fs::read_to_string(dir.join("stdout")).unwrap() + &std::fs::read_to_string(dir.join("stderr")).unwrap();
    let record = std::fs::read(out.join("bench.json"))
        .ok()
        .map(|json| serde_json::from_slice(&json).unwrap_or_else(|e| panic!("bench.json: {e}\n{output}")));
    Bench { code: status.code().expect("exited, not killed"), record, output, took }
}

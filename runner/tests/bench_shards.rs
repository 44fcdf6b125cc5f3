//! A bench split over several processes (`--shard i/n`), as an orchestrator
//! (a Kubernetes Indexed Job, a CI matrix) would start it, against one
//! standalone reference; `merge` then adds the shards' records up exactly.

mod common;

use setconform_reports::bench::histogram::Latency;
use setconform_reports::bench::{BenchRecord, BenchVerdict, Shard};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_setconform");

/// A loopback port free now (the reference binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path).display().to_string()
}

/// `setconform reference` in a process of its own, killed when dropped.
struct Reference(Child);

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_reference(port: u16) -> Reference {
    let child = Command::new(BIN)
        .args(["reference", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "the reference did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Reference(child)
}

fn sut_yaml(dir: &Path, port: u16) -> PathBuf {
    let path = dir.join("sut.yaml");
    let text = format!(
        "name: reference (standalone)\n\
         profiles: [multi-set-push-receiver]\n\
         multi_set_push:\n  endpoint: https://127.0.0.1:{port}/msp\n  revision: post-03\n\
         trigger:\n  http:\n    url: https://127.0.0.1:{port}/control\n\
         tls:\n  ca_file: {}\n",
        repo("reference/keys/tls/ca.pem")
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn read(path: &Path) -> BenchRecord {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn shards_in_separate_processes_drive_one_sut_and_merge_into_one_exact_record() {
    let dir = common::scratch("bench-shards");
    let port = free_port();
    let _reference = start_reference(port);
    let sut = sut_yaml(&dir, port);
    let shards: Vec<_> = (1..=3)
        .map(|i| {
            let out = dir.join(format!("shard-{i}"));
            let child = Command::new(BIN)
                .args(["bench", "--sut"])
                .arg(&sut)
                .args(["--binding", "msp", "--rate", "900/s", "--duration", "2s", "--batch", "20"])
                .args(["--connections", "6", "--grace", "3s", "--shard", &format!("{i}/3"), "--out"])
                .arg(&out)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (out, child)
        })
        .collect();
    let mut records = Vec::new();
    for (out, child) in shards {
        let done = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&done.stdout);
        assert_eq!(done.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&done.stderr));
        records.push((out.join("bench.json"), read(&out.join("bench.json"))));
    }
    for (i, (_, r)) in records.iter().enumerate() {
        assert_eq!(r.shards, [Shard { index: i as u32 + 1, count: 3 }]);
        assert_eq!(r.load.connections, 2, "6 connections split over 3 shards");
        assert_eq!(r.steps[0].offered_rate, 300.0, "a third of the rate each");
        assert_eq!(r.ledger.sent, 600);
        assert_eq!((r.ledger.acked, r.ledger.lost, r.ledger.unknown), (600, 0, 0), "{:?}", r.ledger);
    }

    let merged_path = dir.join("all").join("bench.json");
    let merge = Command::new(BIN)
        .arg("merge")
        .args(records.iter().map(|(p, _)| p))
        .arg("--json")
        .arg(&merged_path)
        .output()
        .unwrap();
    assert_eq!(merge.status.code(), Some(0), "{}", String::from_utf8_lossy(&merge.stderr));
    let merged = read(&merged_path);
    assert!(merged_path.with_file_name("bench.html").exists());
    assert_eq!(merged.shards.len(), 3);
    assert_eq!(merged.ledger.sent, 1800);
    assert_eq!(merged.ledger.acked, 1800);
    assert_eq!(merged.result.verdict, BenchVerdict::Accounted);
    assert_eq!(merged.steps[0].offered_rate, 900.0);
    // HDR histograms add: the merged latency is exactly that of every SET of every shard.
    let mut all = records[0].1.result.latency.histogram().unwrap();
    for (_, r) in &records[1..] {
        all.add(r.result.latency.histogram().unwrap()).unwrap();
    }
    assert_eq!(merged.result.latency, Latency::of(&all));
    assert_eq!(merged.result.latency.count, 1800);
    let ticks: u64 = merged.steps[0].timeline.iter().map(|t| t.acked).sum();
    assert_eq!(ticks, 1800, "every acknowledgement lands in one second of the merged timeline");
}

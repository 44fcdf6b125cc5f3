//! Small bench records made from given latencies, consistent in every derived
//! number: for tests of what reads a record, in this crate and in the runner.

use super::histogram::{Latency, empty};
use super::{
    BenchRecord, BenchResult, BenchSut, BenchVerdict, Binding, Cpu, Direction, Ledger, Load, RecordKind, Shape, Shard,
    Step, Tick,
};
use crate::rfc3339_utc;
use hdrhistogram::Histogram;
use std::time::{Duration, UNIX_EPOCH};

/// What a second of a step saw: SETs sent, and the latency of each one acknowledged.
pub struct Second {
    pub sent: u64,
    pub latencies_us: Vec<u64>,
}

fn histogram_of<'a>(latencies: impl IntoIterator<Item = &'a u64>) -> Histogram<u64> {
    let mut h = empty();
    for us in latencies {
        h.record(*us).expect("sample latencies are within an hour");
    }
    h
}

/// A step at `offered_rate` of one tick per second from `start_s` (Unix seconds);
/// unacknowledged SETs are lost, none refused. Not yet judged (`sustained` false),
/// its CPU a fixed share: the harness a tenth of one of 2 cores, the SUT a twentieth.
pub fn step(offered_rate: f64, start_s: u64, seconds: &[Second]) -> Step {
    let timeline: Vec<Tick> = seconds
        .iter()
        .zip(start_s..)
        .map(|(s, unix_s)| Tick {
            unix_s,
            sent: s.sent,
            acked: s.latencies_us.len() as u64,
            latency: Latency::of(&histogram_of(&s.latencies_us)),
        })
        .collect();
    let duration_ms = seconds.len() as u64 * 1000;
    let acked: u64 = timeline.iter().map(|t| t.acked).sum();
    Step {
        offered_rate,
        started_unix_ms: start_s * 1000,
        duration_ms,
        sent: timeline.iter().map(|t| t.sent).sum(),
        acked,
        refused: 0,
        achieved_rate: if duration_ms == 0 { 0.0 } else { acked as f64 * 1000.0 / duration_ms as f64 },
        latency: Latency::of(&histogram_of(seconds.iter().flat_map(|s| &s.latencies_us))),
        timeline,
        sustained: false,
        cpu: Cpu { harness_ms: duration_ms / 5, sut_ms: Some(duration_ms / 10), wall_ms: duration_ms, cores: 2 },
    }
}

/// A send bench of `binding` against the embedded reference, of these steps,
/// judged: each step sustained under the shape's p99 bound (or, at a fixed
/// rate, when it kept up), the ledger and result summed from the steps.
pub fn record(binding: Binding, shape: Shape, shard: Option<Shard>, mut steps: Vec<Step>) -> BenchRecord {
    for s in &mut steps {
        s.sustained = s.keeps_up(shape.max_p99_us().unwrap_or(u64::MAX));
    }
    let sent: u64 = steps.iter().map(|s| s.sent).sum();
    let acked: u64 = steps.iter().map(|s| s.acked).sum();
    let ledger = Ledger { sent, acked, lost: sent - acked, ..Ledger::default() };
    let latency = steps.iter().try_fold(Latency::of(&empty()), |all, s| all.add(&s.latency)).expect("sample");
    let sustained_rate = match shape {
        Shape::Fixed { .. } => steps.first().map_or(0.0, |s| s.achieved_rate),
        Shape::Ramp { .. } => steps.iter().filter(|s| s.sustained).map(|s| s.achieved_rate).fold(0.0, f64::max),
    };
    let cpu = steps.iter().map(|s| s.cpu).reduce(|a, b| Cpu { wall_ms: a.wall_ms + b.wall_ms, ..a.alongside(&b) });
    let started_unix_ms = steps.first().map_or(0, |s| s.started_unix_ms);
    BenchRecord {
        record: RecordKind::Bench,
        tool: "setconform 0.1.0".to_owned(),
        sut: BenchSut { name: "reference".to_owned(), kind: "embedded-reference".to_owned() },
        binding,
        direction: Direction::Send,
        load: Load { shape, batch: 1, connections: 4, verify_one_in: 1 },
        shards: shard.into_iter().collect(),
        started_at: rfc3339_utc(UNIX_EPOCH + Duration::from_millis(started_unix_ms)),
        started_unix_ms,
        steps,
        result: BenchResult {
            sustained_rate,
            latency,
            cpu: cpu.unwrap_or(Cpu { harness_ms: 0, sut_ms: None, wall_ms: 0, cores: 2 }),
            verdict: BenchVerdict::of(&ledger),
        },
        ledger,
        errors: Default::default(),
        judged: None,
        interrupted: None,
    }
}

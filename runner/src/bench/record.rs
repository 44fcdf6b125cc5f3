//! A bench's record assembled from what its steps measured.

use super::cpu;
use super::meter::Meter;
use setconform_reports::bench::histogram::Latency;
use setconform_reports::bench::{BenchResult, BenchVerdict, Cpu, Ledger as LedgerSummary, Shape, Step};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A step as measured. Its duration runs from the first batch's due time to
/// the last answer (or the end of the planned time, if later).
pub fn step(meter: &Meter, offered: f64, cpu: Cpu, planned: Duration) -> Step {
    let measured = meter.finish();
    let (sent, acked, refused) = meter.counts();
    let duration_ms = (meter.last_answer_us() / 1000).max(planned.as_millis() as u64).max(1);
    let started_unix_ms = unix_ms(SystemTime::now() - meter.epoch().elapsed());
    Step {
        offered_rate: offered,
        started_unix_ms,
        duration_ms,
        sent,
        acked,
        refused,
        achieved_rate: acked as f64 * 1000.0 / duration_ms as f64,
        latency: measured.latency,
        timeline: measured.timeline,
        sustained: false,
        cpu,
    }
}

/// The headline: the best sustained step's rate and latency (a fixed rate: its one step).
pub fn result(steps: &[Step], ledger: &LedgerSummary, shape: &Shape) -> BenchResult {
    let best = match shape {
        Shape::Fixed { .. } => steps.first(),
        Shape::Ramp { .. } => {
            steps.iter().filter(|s| s.sustained).max_by(|a, b| a.achieved_rate.total_cmp(&b.achieved_rate))
        }
    };
    let cpu = steps.iter().fold(Cpu { harness_ms: 0, sut_ms: None, wall_ms: 0, cores: cpu::cores() }, |acc, s| Cpu {
        harness_ms: acc.harness_ms + s.cpu.harness_ms,
        sut_ms: match (acc.sut_ms, s.cpu.sut_ms) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        },
        wall_ms: acc.wall_ms + s.cpu.wall_ms,
        cores: acc.cores,
    });
    BenchResult {
        sustained_rate: best.map_or(0.0, |s| s.achieved_rate),
        latency: best.map_or_else(Latency::default, |s| s.latency.clone()),
        cpu,
        verdict: BenchVerdict::of(ledger),
    }
}

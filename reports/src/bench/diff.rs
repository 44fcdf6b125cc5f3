//! Comparing two benches of one binding and direction: how far the sustained
//! rate dropped and the p99 latency rose, in percent of the earlier bench, and
//! whether either moved past a gate's threshold.

use super::units::{grouped, micros, signed_percent};
use super::{BenchRecord, BenchVerdict, Binding, Direction};
use std::fmt::Write;

/// Two benches that measured different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("the benches measured different bindings: {} and {}", old.name(), new.name())]
    Binding { old: Binding, new: Binding },
    #[error("the benches went in different directions: {} and {}", old.name(), new.name())]
    Direction { old: Direction, new: Direction },
}

/// What changed between an earlier and a later bench.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchDiff {
    pub binding: Binding,
    pub direction: Direction,
    /// The sustained rates (SETs/s), earlier and later.
    pub old_rate: f64,
    pub new_rate: f64,
    /// The p99 latencies over every measured SET (µs), earlier and later.
    pub old_p99_us: u64,
    pub new_p99_us: u64,
    pub old_verdict: BenchVerdict,
    pub new_verdict: BenchVerdict,
    /// SETs lost, earlier and later.
    pub old_lost: u64,
    pub new_lost: u64,
}

/// `new` against `old` in percent of `old`; from nothing to something is infinite.
fn change_percent(old: f64, new: f64) -> f64 {
    if old == 0.0 { if new == 0.0 { 0.0 } else { f64::INFINITY } } else { (new - old) / old * 100.0 }
}

impl BenchDiff {
    /// Compares `new` with `old`; they must be of one binding and direction.
    pub fn between(old: &BenchRecord, new: &BenchRecord) -> Result<BenchDiff, DiffError> {
        if old.binding != new.binding {
            return Err(DiffError::Binding { old: old.binding, new: new.binding });
        }
        if old.direction != new.direction {
            return Err(DiffError::Direction { old: old.direction, new: new.direction });
        }
        Ok(BenchDiff {
            binding: old.binding,
            direction: old.direction,
            old_rate: old.result.sustained_rate,
            new_rate: new.result.sustained_rate,
            old_p99_us: old.result.latency.p99_us,
            new_p99_us: new.result.latency.p99_us,
            old_verdict: old.result.verdict,
            new_verdict: new.result.verdict,
            old_lost: old.ledger.lost,
            new_lost: new.ledger.lost,
        })
    }

    /// How much the sustained rate changed, in percent of the earlier (negative: it dropped).
    pub fn rate_change_percent(&self) -> f64 {
        change_percent(self.old_rate, self.new_rate)
    }

    /// How much the p99 changed, in percent of the earlier (positive: it rose).
    pub fn p99_change_percent(&self) -> f64 {
        change_percent(self.old_p99_us as f64, self.new_p99_us as f64)
    }

    /// Whether the rate dropped by more than `threshold_percent`.
    pub fn rate_regressed(&self, threshold_percent: f64) -> bool {
        -self.rate_change_percent() > threshold_percent
    }

    /// Whether the p99 rose by more than `threshold_percent`; without an
    /// earlier p99 (nothing measured) there is nothing it rose from.
    pub fn p99_regressed(&self, threshold_percent: f64) -> bool {
        let change = self.p99_change_percent();
        change.is_finite() && change > threshold_percent
    }

    /// Whether the rate dropped or the p99 rose by more than `threshold_percent`.
    pub fn regressed(&self, threshold_percent: f64) -> bool {
        self.rate_regressed(threshold_percent) || self.p99_regressed(threshold_percent)
    }

    /// The comparison for the console: a line per number, earlier → later,
    /// and whether it passes a gate of `threshold_percent`.
    pub fn render(&self, threshold_percent: f64) -> String {
        let mark = |worse: bool| if worse { "  REGRESSED" } else { "" };
        let mut out = format!("bench {} {}: earlier → later\n", self.binding.name(), self.direction.name());
        let _ = writeln!(
            out,
            "  sustained rate: {} → {} SETs/s ({}){}",
            grouped(self.old_rate),
            grouped(self.new_rate),
            signed_percent(self.rate_change_percent()),
            mark(self.rate_regressed(threshold_percent))
        );
        let _ = writeln!(
            out,
            "  p99 latency:    {} → {} ({}){}",
            micros(self.old_p99_us),
            micros(self.new_p99_us),
            signed_percent(self.p99_change_percent()),
            mark(self.p99_regressed(threshold_percent))
        );
        if self.old_verdict != self.new_verdict || self.old_lost != self.new_lost {
            let _ = writeln!(
                out,
                "  SETs lost:      {} → {} ({} → {})",
                grouped(self.old_lost as f64),
                grouped(self.new_lost as f64),
                verdict_words(self.old_verdict),
                verdict_words(self.new_verdict)
            );
        }
        let _ = match self.regressed(threshold_percent) {
            true => writeln!(out, "regressed: beyond the threshold of {threshold_percent}%"),
            false => writeln!(out, "no regression beyond the threshold of {threshold_percent}%"),
        };
        out
    }
}

/// A verdict in a few words.
pub fn verdict_words(v: BenchVerdict) -> &'static str {
    match v {
        BenchVerdict::Accounted => "every SET accounted for",
        BenchVerdict::Lost => "SETs lost",
        BenchVerdict::NothingMeasured => "nothing measured",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Shape;
    use crate::bench::sample::{self, Second};

    /// A fixed-rate push bench: `acked` of 12,000 SETs in one second, each taking `latency_us`.
    fn bench(acked: usize, latency_us: u64) -> BenchRecord {
        let second = Second { sent: 12_000, latencies_us: vec![latency_us; acked] };
        let shape = Shape::Fixed { rate: 12_000.0, duration_ms: 1000 };
        sample::record(Binding::Push, shape, None, vec![sample::step(12_000.0, 100, &[second])])
    }

    #[test]
    fn a_drop_beyond_the_threshold_is_a_regression() {
        let d = BenchDiff::between(&bench(11_230, 4000), &bench(9_800, 4000)).unwrap();
        assert!((d.rate_change_percent() + 12.73).abs() < 0.01, "{}", d.rate_change_percent());
        assert!(d.regressed(10.0) && d.rate_regressed(10.0) && !d.p99_regressed(10.0));
        let text = d.render(10.0);
        assert!(text.contains("sustained rate: 11,230 → 9,800 SETs/s (−12.7%)  REGRESSED"), "{text}");
        assert!(text.contains("regressed: beyond the threshold of 10%"), "{text}");
        assert!(!d.regressed(15.0), "within a wider threshold");
    }

    #[test]
    fn a_p99_rise_beyond_the_threshold_is_a_regression_and_within_it_is_not() {
        let d = BenchDiff::between(&bench(11_000, 4000), &bench(11_000, 5000)).unwrap();
        assert!(d.p99_regressed(10.0) && d.regressed(20.0) && !d.regressed(30.0));
        assert!(d.render(10.0).contains("p99 latency:    4.00 ms → 5.00 ms (+25.0%)  REGRESSED"), "{}", d.render(10.0));
        let d = BenchDiff::between(&bench(11_000, 4000), &bench(10_500, 4300)).unwrap();
        assert!(!d.regressed(10.0), "−4.5% and +7.5% (the histogram's 0.1%): within 10%");
        assert!(d.render(10.0).contains("no regression beyond the threshold of 10%"));
        let better = BenchDiff::between(&bench(9_000, 5000), &bench(11_000, 1000)).unwrap();
        assert!(!better.regressed(0.0), "faster and quicker is no regression");
    }

    #[test]
    fn benches_of_different_bindings_or_directions_are_not_compared() {
        let mut poll = bench(100, 10);
        poll.binding = Binding::Poll;
        let e = BenchDiff::between(&bench(100, 10), &poll).unwrap_err();
        assert_eq!(e, DiffError::Binding { old: Binding::Push, new: Binding::Poll });
        let mut drain = bench(100, 10);
        drain.direction = Direction::Drain;
        assert!(matches!(BenchDiff::between(&drain, &bench(100, 10)), Err(DiffError::Direction { .. })));
    }

    #[test]
    fn after_nothing_measured_nothing_regresses() {
        let d = BenchDiff::between(&bench(0, 10), &bench(100, 10)).unwrap();
        assert!(!d.rate_regressed(10.0));
        assert!(!d.regressed(10.0), "no earlier p99 to rise from");
        assert!(d.render(10.0).contains("(new)"), "{}", d.render(10.0));
        assert!(d.render(10.0).contains("SETs lost:"), "the verdict changed: {}", d.render(10.0));
    }
}

//! The rates a bench holds, one after the other: a fixed rate once, or a ramp
//! that grows the rate by half while the SUT keeps up, then halves the gap
//! between the last rate it kept up with and the first it did not, twice.

use setconform_reports::bench::{Shape, Step};
use std::time::Duration;

/// How much a ramp grows the rate after a sustained step.
const GROWTH: f64 = 1.5;
/// Steps of bisection after the first rate not sustained.
const BISECTIONS: u32 = 2;
/// Most steps a ramp takes.
const MOST_STEPS: usize = 16;

/// Decides the next rate from how the last step went.
pub struct Shaper {
    shape: Shape,
    tried: usize,
    next: Option<f64>,
    /// Highest rate sustained, lowest not sustained.
    good: Option<f64>,
    bad: Option<f64>,
    bisections: u32,
}

impl Shaper {
    pub fn new(shape: &Shape) -> Shaper {
        let first = match shape {
            Shape::Fixed { rate, .. } => *rate,
            Shape::Ramp { start_rate, .. } => *start_rate,
        };
        Shaper { shape: shape.clone(), tried: 0, next: Some(first), good: None, bad: None, bisections: 0 }
    }

    /// The rate of the next step (all copies together); `None`: the bench is over.
    pub fn next_rate(&mut self) -> Option<f64> {
        let rate = self.next.take()?;
        self.tried += 1;
        Some(rate)
    }

    pub fn step_duration(&self) -> Duration {
        match self.shape {
            Shape::Fixed { duration_ms, .. } => Duration::from_millis(duration_ms),
            Shape::Ramp { step_ms, .. } => Duration::from_millis(step_ms),
        }
    }

    /// Whether `step` kept up (with `lost` SETs lost), and what to try next.
    pub fn judge(&mut self, step: &Step, lost: u64) -> bool {
        // A fixed rate has no latency bound: it is kept up with when the rate is.
        let bound = self.shape.max_p99_us().unwrap_or(u64::MAX);
        let sustained = step.keeps_up(bound) && step.latency.count > 0 && lost == 0;
        if !matches!(self.shape, Shape::Ramp { .. }) {
            return sustained;
        }
        if sustained {
            self.good = Some(self.good.map_or(step.offered_rate, |g| g.max(step.offered_rate)));
        } else {
            self.bad = Some(self.bad.map_or(step.offered_rate, |b| b.min(step.offered_rate)));
        }
        if self.tried >= MOST_STEPS {
            return sustained;
        }
        self.next = match (self.good, self.bad) {
            (_, None) => Some(step.offered_rate * GROWTH),
            // Not even the first rate: nothing below it is looked for.
            (None, Some(_)) => None,
            (Some(good), Some(bad)) if self.bisections < BISECTIONS => {
                self.bisections += 1;
                Some((good + bad) / 2.0)
            }
            _ => None,
        };
        sustained
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use setconform_reports::bench::Cpu;
    use setconform_reports::bench::histogram::Latency;

    fn step(offered: f64, achieved: f64, p99_us: u64) -> Step {
        Step {
            offered_rate: offered,
            started_unix_ms: 0,
            duration_ms: 1000,
            sent: 1,
            acked: 1,
            refused: 0,
            achieved_rate: achieved,
            latency: Latency { count: 1, p99_us, ..Latency::default() },
            timeline: vec![],
            sustained: false,
            cpu: Cpu { harness_ms: 0, sut_ms: None, wall_ms: 0, cores: 1 },
        }
    }

    #[test]
    fn a_ramp_grows_while_kept_up_then_bisects_twice_and_stops() {
        let mut ramp = Shaper::new(&Shape::Ramp { max_p99_us: 50_000, start_rate: 1000.0, step_ms: 1000 });
        let mut rates = vec![];
        // The SUT keeps up to 2,500/s.
        while let Some(rate) = ramp.next_rate() {
            rates.push(rate);
            let p99 = if rate <= 2500.0 { 10_000 } else { 400_000 };
            ramp.judge(&step(rate, rate, p99), 0);
        }
        assert_eq!(rates, [1000.0, 1500.0, 2250.0, 3375.0, 2812.5, 2531.25]);
    }

    #[test]
    fn a_fixed_rate_is_one_step_and_kept_up_only_without_loss_and_at_95_percent() {
        let mut fixed = Shaper::new(&Shape::Fixed { rate: 100.0, duration_ms: 1000 });
        assert_eq!(fixed.next_rate(), Some(100.0));
        assert!(fixed.judge(&step(100.0, 96.0, 1), 0));
        assert!(!fixed.judge(&step(100.0, 94.0, 1), 0));
        assert!(!fixed.judge(&step(100.0, 100.0, 1), 1), "a lost SET");
        assert_eq!(fixed.next_rate(), None);
    }
}

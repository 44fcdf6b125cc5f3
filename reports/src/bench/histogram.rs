//! Latency as a summary a person reads and an HDR histogram a program adds up:
//! the histogram travels in the record (V2 format, deflated, base64), so merged
//! shards give exact percentiles, not averages of percentiles.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

/// The largest latency a histogram holds: an hour, in microseconds.
const HIGHEST_US: u64 = 3_600_000_000;
/// Three significant digits: 0.1% resolution at any size.
const SIGNIFICANT_DIGITS: u8 = 3;

/// A histogram of latencies in microseconds, empty.
pub fn empty() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_US, SIGNIFICANT_DIGITS).expect("fixed bounds are valid")
}

/// Latencies summarised, with the histogram they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Latency {
    pub count: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    /// The HDR histogram (V2 deflate serialization, base64).
    pub histogram: String,
}

/// A histogram in a record that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("a latency histogram cannot be read: {0}")]
pub struct HistogramError(String);

impl Latency {
    /// Summarises `h` and keeps it.
    pub fn of(h: &Histogram<u64>) -> Latency {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new().serialize(h, &mut bytes).expect("writing to memory does not fail");
        let at = |q: f64| if h.is_empty() { 0 } else { h.value_at_quantile(q) };
        Latency {
            count: h.len(),
            p50_us: at(0.50),
            p90_us: at(0.90),
            p99_us: at(0.99),
            p999_us: at(0.999),
            max_us: if h.is_empty() { 0 } else { h.max() },
            histogram: STANDARD.encode(bytes),
        }
    }

    /// The histogram the summary was made from.
    pub fn histogram(&self) -> Result<Histogram<u64>, HistogramError> {
        if self.histogram.is_empty() {
            return Ok(empty());
        }
        let bytes = STANDARD.decode(&self.histogram).map_err(|e| HistogramError(e.to_string()))?;
        Deserializer::new().deserialize(&mut bytes.as_slice()).map_err(|e| HistogramError(format!("{e:?}")))
    }

    /// The latencies of both, as if measured together.
    pub fn add(&self, other: &Latency) -> Result<Latency, HistogramError> {
        let mut h = self.histogram()?;
        h.add(other.histogram()?).map_err(|e| HistogramError(format!("{e:?}")))?;
        Ok(Latency::of(&h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_survives_the_record_and_two_add_up_exactly() {
        let (mut a, mut b, mut both) = (empty(), empty(), empty());
        for v in 1..=1000u64 {
            a.record(v).unwrap();
            both.record(v).unwrap();
        }
        for v in 0..20u64 {
            b.record(100_000 + v).unwrap();
            both.record(100_000 + v).unwrap();
        }
        let merged = Latency::of(&a).add(&Latency::of(&b)).unwrap();
        assert_eq!(merged, Latency::of(&both));
        assert_eq!(merged.count, 1020);
        assert!(merged.p99_us >= 100_000, "the slow tail of one shard shows in the merged p99: {}", merged.p99_us);
        assert_eq!(Latency::of(&a).p50_us, 500);
    }

    #[test]
    fn a_broken_histogram_is_an_error_not_a_panic() {
        let broken = Latency { histogram: "not base64!".into(), ..Latency::default() };
        assert!(broken.histogram().is_err());
    }
}

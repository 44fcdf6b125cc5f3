//! The records of the shards of one bench (`--shard i/n` on several machines)
//! as one record, exactly: counts add up, latency histograms are added (not
//! their percentiles averaged), and what is derived from them is worked out
//! again from the sums.
//!
//! Records merge when they measured the same thing: one SUT, binding,
//! direction, load shape and batch, and shards out of the same count, none
//! twice. Not every shard has to be there: the merged `shards` list says which
//! are. A record that was not split (no shards) merges with nothing but itself.
//! Steps are merged by their index; a step only some shards reached is merged
//! from those.

use super::histogram::{HistogramError, Latency};
use super::{BenchRecord, BenchResult, BenchVerdict, Binding, Direction, Judged, Ledger, Shape, Shard, Step, Tick};
use std::collections::{BTreeMap, BTreeSet};

/// Most lost jtis a ledger keeps as a sample.
pub const LOST_SAMPLE: usize = 100;

/// What two records to be merged differ in.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    Sut { first: String, other: String },
    Binding { first: Binding, other: Binding },
    Direction { first: Direction, other: Direction },
    Shape { first: Shape, other: Shape },
    Batch { first: u32, other: u32 },
    ShardCount { first: u32, other: u32 },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Sut { first, other } => write!(f, "SUT {first:?} and {other:?}"),
            Difference::Binding { first, other } => write!(f, "binding {} and {}", first.name(), other.name()),
            Difference::Direction { first, other } => {
                write!(f, "direction {} and {}", first.name(), other.name())
            }
            Difference::Shape { first, other } => write!(f, "load shape {first:?} and {other:?}"),
            Difference::Batch { first, other } => write!(f, "batch {first} and {other}"),
            Difference::ShardCount { first, other } => write!(f, "shards out of {first} and out of {other}"),
        }
    }
}

/// Why records cannot be merged into one.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no bench record to merge")]
    Empty,
    /// Record `index` (from 0, in the order given) measured something else than the first.
    #[error("record {} is of another bench than record 1: {difference}", index + 1)]
    Differs { index: usize, difference: Difference },
    /// A shard is in more than one record.
    #[error("shard {}/{} is in more than one record", shard.index, shard.count)]
    DuplicateShard { shard: Shard },
    /// Record `index` holds a whole bench, not a shard of it.
    #[error("record {} is not a shard (its load was not split): it merges with no other record", index + 1)]
    NotSharded { index: usize },
    #[error(transparent)]
    Histogram(#[from] HistogramError),
}

/// The one record of the bench whose shards `records` hold.
pub fn merge(records: &[BenchRecord]) -> Result<BenchRecord, MergeError> {
    let (first, rest) = records.split_first().ok_or(MergeError::Empty)?;
    for (i, other) in rest.iter().enumerate() {
        if let Some(difference) = difference(first, other) {
            return Err(MergeError::Differs { index: i + 1, difference });
        }
    }
    let shards = shards(records)?;
    let steps = (0..records.iter().map(|r| r.steps.len()).max().unwrap_or(0))
        .map(|i| merge_step(records.iter().filter_map(|r| r.steps.get(i)), &first.load.shape))
        .collect::<Result<Vec<Step>, MergeError>>()?;
    let ledger = merge_ledgers(records.iter().map(|r| &r.ledger));
    let earliest = records.iter().min_by_key(|r| r.started_unix_ms).unwrap_or(first);
    let result = BenchResult {
        sustained_rate: sustained_rate(&first.load.shape, records, &steps),
        latency: add_latencies(records.iter().map(|r| &r.result.latency))?,
        cpu: records.iter().skip(1).fold(first.result.cpu, |cpu, r| cpu.alongside(&r.result.cpu)),
        verdict: BenchVerdict::of(&ledger),
    };
    let interrupted: BTreeSet<&str> = records.iter().filter_map(|r| r.interrupted.as_deref()).collect();
    Ok(BenchRecord {
        shards,
        started_at: earliest.started_at.clone(),
        started_unix_ms: earliest.started_unix_ms,
        steps,
        ledger,
        errors: sum_counts(records.iter().map(|r| &r.errors)),
        judged: records
            .iter()
            .filter_map(|r| r.judged.as_ref())
            .fold(None, |all: Option<Judged>, j| Some(all.map_or_else(|| j.clone(), |a| a.add(j)))),
        result,
        interrupted: (!interrupted.is_empty()).then(|| interrupted.into_iter().collect::<Vec<_>>().join("; ")),
        ..first.clone()
    })
}

/// The first thing `other` measured differently from `first`, if any.
fn difference(first: &BenchRecord, other: &BenchRecord) -> Option<Difference> {
    if first.sut.name != other.sut.name {
        Some(Difference::Sut { first: first.sut.name.clone(), other: other.sut.name.clone() })
    } else if first.binding != other.binding {
        Some(Difference::Binding { first: first.binding, other: other.binding })
    } else if first.direction != other.direction {
        Some(Difference::Direction { first: first.direction, other: other.direction })
    } else if first.load.shape != other.load.shape {
        Some(Difference::Shape { first: first.load.shape.clone(), other: other.load.shape.clone() })
    } else if first.load.batch != other.load.batch {
        Some(Difference::Batch { first: first.load.batch, other: other.load.batch })
    } else {
        None
    }
}

/// The shards of all records, in order; each once, all out of one count.
fn shards(records: &[BenchRecord]) -> Result<Vec<Shard>, MergeError> {
    if records.len() > 1
        && let Some(index) = records.iter().position(|r| r.shards.is_empty())
    {
        return Err(MergeError::NotSharded { index });
    }
    let mut all = BTreeSet::new();
    for (index, r) in records.iter().enumerate() {
        for shard in &r.shards {
            if shard.count != records[0].shards[0].count {
                let difference = Difference::ShardCount { first: records[0].shards[0].count, other: shard.count };
                return Err(MergeError::Differs { index, difference });
            }
            if !all.insert(*shard) {
                return Err(MergeError::DuplicateShard { shard: *shard });
            }
        }
    }
    Ok(all.into_iter().collect())
}

/// The steps at one index of the shards, as one step; `sustained` judged again
/// under a ramp's p99 bound, else kept only where every shard kept up.
fn merge_step<'a>(steps: impl Iterator<Item = &'a Step>, shape: &Shape) -> Result<Step, MergeError> {
    let steps: Vec<&Step> = steps.collect();
    let start = steps.iter().map(|s| s.started_unix_ms).min().unwrap_or(0);
    let end = steps.iter().map(|s| s.started_unix_ms + s.duration_ms).max().unwrap_or(start);
    let duration_ms = end - start;
    let acked = steps.iter().map(|s| s.acked).sum();
    let mut step = Step {
        offered_rate: steps.iter().map(|s| s.offered_rate).sum(),
        started_unix_ms: start,
        duration_ms,
        sent: steps.iter().map(|s| s.sent).sum(),
        acked,
        refused: steps.iter().map(|s| s.refused).sum(),
        achieved_rate: if duration_ms == 0 { 0.0 } else { acked as f64 * 1000.0 / duration_ms as f64 },
        latency: add_latencies(steps.iter().map(|s| &s.latency))?,
        timeline: merge_timelines(steps.iter().flat_map(|s| &s.timeline))?,
        sustained: steps.iter().all(|s| s.sustained),
        cpu: steps.iter().skip(1).fold(steps[0].cpu, |cpu, s| cpu.alongside(&s.cpu)),
    };
    if let Some(bound) = shape.max_p99_us() {
        step.sustained = step.keeps_up(bound);
    }
    Ok(step)
}

/// Ticks of the same second as one, in time order.
pub(crate) fn merge_timelines<'a>(ticks: impl Iterator<Item = &'a Tick>) -> Result<Vec<Tick>, MergeError> {
    let mut by_second: BTreeMap<u64, Tick> = BTreeMap::new();
    for t in ticks {
        match by_second.get_mut(&t.unix_s) {
            Some(seen) => {
                seen.sent += t.sent;
                seen.acked += t.acked;
                seen.latency = seen.latency.add(&t.latency)?;
            }
            None => {
                by_second.insert(t.unix_s, t.clone());
            }
        }
    }
    Ok(by_second.into_values().collect())
}

/// Latencies measured apart, as if measured together.
fn add_latencies<'a>(mut all: impl Iterator<Item = &'a Latency>) -> Result<Latency, MergeError> {
    let Some(first) = all.next() else { return Ok(Latency::of(&super::histogram::empty())) };
    // Read back and written again even when alone, so that the summary is the histogram's.
    let mut sum = Latency::of(&first.histogram()?);
    for l in all {
        sum = sum.add(l)?;
    }
    Ok(sum)
}

/// The rate the merged bench sustained: at a fixed rate, the shards' rates
/// added up; for a ramp, the highest achieved rate of a sustained merged step.
fn sustained_rate(shape: &Shape, records: &[BenchRecord], steps: &[Step]) -> f64 {
    match shape {
        Shape::Fixed { .. } => records.iter().map(|r| r.result.sustained_rate).sum(),
        Shape::Ramp { .. } => steps.iter().filter(|s| s.sustained).map(|s| s.achieved_rate).fold(0.0, f64::max),
    }
}

fn merge_ledgers<'a>(ledgers: impl Iterator<Item = &'a Ledger>) -> Ledger {
    ledgers.fold(Ledger::default(), |mut sum, l| {
        sum.add(l);
        sum
    })
}

/// Counts by name, added up.
fn sum_counts<'a>(maps: impl Iterator<Item = &'a BTreeMap<String, u64>>) -> BTreeMap<String, u64> {
    let mut sum = BTreeMap::new();
    for (name, n) in maps.flatten() {
        *sum.entry(name.clone()).or_insert(0) += n;
    }
    sum
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;

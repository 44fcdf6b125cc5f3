//! Merging shard records: the merged record is the one the union of their
//! measurements gives, and records of different benches do not merge.

use super::*;
use crate::bench::histogram::{Latency, empty};
use crate::bench::sample::{self, Second};
use crate::bench::{Cpu, Shape};

const FIXED: Shape = Shape::Fixed { rate: 200.0, duration_ms: 2000 };

fn second(sent: u64, latencies_us: &[u64]) -> Second {
    Second { sent, latencies_us: latencies_us.to_vec() }
}

/// Shard `index` of 2 of a fixed-rate push bench: two seconds from Unix second 100.
fn shard(index: u32, seconds: Vec<Second>) -> BenchRecord {
    let steps = vec![sample::step(100.0, 100, &seconds)];
    sample::record(Binding::Push, FIXED, Some(Shard { index, count: 2 }), steps)
}

fn fast() -> Vec<Second> {
    vec![second(100, &[800; 100]), second(100, &(1..=99).collect::<Vec<_>>())]
}

/// One slow second, with a SET lost.
fn slow() -> Vec<Second> {
    vec![second(100, &[900; 100]), second(100, &[250_000; 99])]
}

#[test]
fn two_shards_merge_into_the_record_of_their_union() {
    let (a, mut b) = (shard(1, fast()), shard(2, slow()));
    b.ledger.lost_sample = vec!["jti-lost".to_owned()];
    b.errors.insert("timeout".to_owned(), 1);
    let merged = merge(&[a.clone(), b.clone()]).unwrap();

    let union: Vec<Second> = fast()
        .into_iter()
        .zip(slow())
        .map(|(x, y)| Second { sent: x.sent + y.sent, latencies_us: [x.latencies_us, y.latencies_us].concat() })
        .collect();
    let mut whole = sample::record(Binding::Push, FIXED, None, vec![sample::step(200.0, 100, &union)]);
    // What the union cannot know: which shards it is, what each found, and that CPU adds up.
    whole.shards = vec![Shard { index: 1, count: 2 }, Shard { index: 2, count: 2 }];
    whole.ledger.lost_sample = vec!["jti-lost".to_owned()];
    whole.errors.insert("timeout".to_owned(), 1);
    let cpu = Cpu { harness_ms: 800, sut_ms: Some(400), wall_ms: 2000, cores: 4 };
    whole.steps[0].cpu = cpu;
    whole.result.cpu = cpu;
    whole.steps[0].sustained = a.steps[0].sustained && b.steps[0].sustained;
    assert_eq!(merged, whole);

    assert_eq!(merged.result.latency.count, 398);
    assert!(merged.result.latency.p99_us >= 249_000, "the slow shard's tail: {}", merged.result.latency.p99_us);
    assert_eq!(merged.result.verdict, BenchVerdict::Lost);
    assert_eq!(merged.steps[0].timeline.len(), 2, "ticks of the same second are one");
}

#[test]
fn a_ramp_s_merged_steps_are_judged_again_under_its_bound() {
    let ramp = Shape::Ramp { max_p99_us: 1000, start_rate: 100.0, step_ms: 1000 };
    let shard = |index, latency| {
        let step = sample::step(100.0, 100, &[second(100, &[latency; 100])]);
        sample::record(Binding::Msp, ramp.clone(), Some(Shard { index, count: 3 }), vec![step])
    };
    let (a, b) = (shard(1, 500), shard(3, 400));
    let merged = merge(&[a.clone(), b]).unwrap();
    assert!(merged.steps[0].sustained);
    assert_eq!(merged.result.sustained_rate, 200.0);
    assert_eq!(merged.shards, vec![Shard { index: 1, count: 3 }, Shard { index: 3, count: 3 }], "shard 2 is missing");

    let merged = merge(&[a, shard(2, 5000)]).unwrap();
    assert!(!merged.steps[0].sustained, "half the SETs over the bound: the p99 is too");
    assert_eq!(merged.result.sustained_rate, 0.0);
}

#[test]
fn records_of_different_benches_do_not_merge() {
    let a = shard(1, fast());
    let mut b = shard(2, fast());
    b.binding = Binding::Poll;
    let e = merge(&[a.clone(), b]).unwrap_err();
    assert!(
        matches!(
            e,
            MergeError::Differs {
                index: 1,
                difference: Difference::Binding { first: Binding::Push, other: Binding::Poll }
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("binding push and poll"), "{e}");

    let mut b = shard(2, fast());
    b.load.batch = 10;
    assert!(matches!(merge(&[a.clone(), b]), Err(MergeError::Differs { difference: Difference::Batch { .. }, .. })));
    let mut b = shard(2, fast());
    b.direction = Direction::Drain;
    assert!(matches!(
        merge(&[a.clone(), b]),
        Err(MergeError::Differs { difference: Difference::Direction { .. }, .. })
    ));
}

#[test]
fn shards_are_disjoint_and_of_one_count() {
    let a = shard(1, fast());
    assert!(matches!(
        merge(&[a.clone(), a.clone()]),
        Err(MergeError::DuplicateShard { shard: Shard { index: 1, count: 2 } })
    ));
    let mut b = shard(2, fast());
    b.shards = vec![Shard { index: 2, count: 3 }];
    assert!(matches!(
        merge(&[a.clone(), b]),
        Err(MergeError::Differs { difference: Difference::ShardCount { .. }, .. })
    ));
    let mut whole = shard(2, fast());
    whole.shards.clear();
    assert!(matches!(merge(&[a.clone(), whole.clone()]), Err(MergeError::NotSharded { index: 1 })));
    assert_eq!(merge(&[whole.clone()]).unwrap(), whole, "a whole record alone is itself");
    assert!(matches!(merge(&[]), Err(MergeError::Empty)));
}

#[test]
fn ledgers_add_up_and_the_lost_sample_stays_bounded() {
    let mut a = shard(1, fast());
    let mut b = shard(2, fast());
    a.ledger.refused.insert("invalid_key".to_owned(), 2);
    b.ledger.refused.insert("invalid_key".to_owned(), 3);
    b.ledger.refused.insert("invalid_issuer".to_owned(), 1);
    a.ledger.lost_sample = (0..80).map(|i| format!("a{i}")).collect();
    b.ledger.lost_sample = (0..80).map(|i| format!("b{i}")).collect();
    a.ledger.duplicated = 1;
    b.ledger.unknown = 4;
    let ledger = merge(&[a, b]).unwrap().ledger;
    assert_eq!(ledger.refused.get("invalid_key"), Some(&5));
    assert_eq!(ledger.refused.get("invalid_issuer"), Some(&1));
    assert_eq!(ledger.lost_sample.len(), LOST_SAMPLE);
    assert_eq!(ledger.lost_sample[80], "b0");
    assert_eq!((ledger.duplicated, ledger.unknown), (1, 4));
}

#[test]
fn a_bench_that_acknowledged_nothing_measured_nothing() {
    let nothing = |index| shard(index, vec![second(10, &[])]);
    let merged = merge(&[nothing(1), nothing(2)]).unwrap();
    assert_eq!(merged.result.verdict, BenchVerdict::NothingMeasured, "no SET acknowledged: nothing to judge");
    let some = shard(2, vec![second(10, &[700; 5])]);
    assert_eq!(merge(&[nothing(1), some]).unwrap().result.verdict, BenchVerdict::Lost, "5 of 20 acknowledged");
    assert_eq!(Latency::of(&empty()).count, 0);
}

//! Counts and latencies of the step under way: a histogram of the whole step,
//! one per second for the plots, and counters the progress line reads.

use hdrhistogram::Histogram;
use setconform_reports::bench::Tick;
use setconform_reports::bench::histogram::{self, Latency};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Default)]
struct Second {
    sent: u64,
    acked: u64,
    latency: Option<Histogram<u64>>,
}

/// What one step measured, at its end.
pub struct Measured {
    pub latency: Latency,
    pub timeline: Vec<Tick>,
}

/// Shared by every connection of a step.
pub struct Meter {
    /// When the step's first batch is due.
    epoch: Instant,
    /// When the last answer came, in microseconds from the epoch.
    last_answer_us: AtomicU64,
    sent: AtomicU64,
    acked: AtomicU64,
    refused: AtomicU64,
    whole: Mutex<Histogram<u64>>,
    /// The last second's latencies, for the progress line.
    recent: Mutex<Histogram<u64>>,
    seconds: Mutex<BTreeMap<u64, Second>>,
}

impl Meter {
    pub fn new(epoch: Instant) -> Meter {
        Meter {
            epoch,
            last_answer_us: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            whole: Mutex::new(histogram::empty()),
            recent: Mutex::new(histogram::empty()),
            seconds: Mutex::new(BTreeMap::new()),
        }
    }

    /// When the step's first batch is due.
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// When the last answer came, in microseconds from the epoch.
    pub fn last_answer_us(&self) -> u64 {
        self.last_answer_us.load(Ordering::Relaxed)
    }

    fn answer_now(&self) {
        self.last_answer_us.fetch_max(self.epoch.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

fn unix_s() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Meter {
    pub fn sent(&self, n: u64) {
        self.sent.fetch_add(n, Ordering::Relaxed);
        lock(&self.seconds).entry(unix_s()).or_default().sent += n;
    }

    /// SETs answered, with the latency of each acknowledged one.
    pub fn answered(&self, acked_latencies_us: &[u64], refused: u64) {
        if refused > 0 || !acked_latencies_us.is_empty() {
            self.answer_now();
        }
        self.refused.fetch_add(refused, Ordering::Relaxed);
        if acked_latencies_us.is_empty() {
            return;
        }
        self.acked.fetch_add(acked_latencies_us.len() as u64, Ordering::Relaxed);
        let record = |h: &mut Histogram<u64>| {
            for &us in acked_latencies_us {
                h.saturating_record(us.max(1));
            }
        };
        record(&mut lock(&self.whole));
        record(&mut lock(&self.recent));
        let mut seconds = lock(&self.seconds);
        let second = seconds.entry(unix_s()).or_default();
        second.acked += acked_latencies_us.len() as u64;
        record(second.latency.get_or_insert_with(histogram::empty));
    }

    /// SETs received whose send time is not known: counted, not timed.
    pub fn answered_untimed(&self, n: u64) {
        self.answer_now();
        self.acked.fetch_add(n, Ordering::Relaxed);
        lock(&self.seconds).entry(unix_s()).or_default().acked += n;
    }

    /// (sent, acknowledged, refused) so far.
    pub fn counts(&self) -> (u64, u64, u64) {
        (self.sent.load(Ordering::Relaxed), self.acked.load(Ordering::Relaxed), self.refused.load(Ordering::Relaxed))
    }

    /// The p99 of what was acknowledged since the last call, in microseconds.
    pub fn recent_p99_us(&self) -> Option<u64> {
        let mut recent = lock(&self.recent);
        let p99 = (!recent.is_empty()).then(|| recent.value_at_quantile(0.99));
        recent.reset();
        p99
    }

    pub fn finish(&self) -> Measured {
        let latency = Latency::of(&lock(&self.whole));
        let timeline = lock(&self.seconds)
            .iter()
            .map(|(&unix_s, s)| Tick {
                unix_s,
                sent: s.sent,
                acked: s.acked,
                latency: s.latency.as_ref().map(Latency::of).unwrap_or_else(|| Latency::of(&histogram::empty())),
            })
            .collect();
        Measured { latency, timeline }
    }
}

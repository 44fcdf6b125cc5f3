//! The ledger of a drain: the SETs the SUT said it queued (its `queue` answer
//! lists their jtis) against those that arrived. A SET may arrive before the
//! answer that lists it (a SUT that delivers inside its own API call); it
//! waits among the early ones until it is listed. Every arrival of a sampled
//! SET is also judged ([`super::verify`]).

use super::super::meter::Meter;
use super::verify::Sampler;
use setconform_reports::bench::Ledger as LedgerSummary;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Most lost jtis a record lists.
const LOST_SAMPLE: usize = 100;

struct Queued {
    /// When the queue call that made it was due, from the epoch.
    due_us: u64,
    step: usize,
    arrived: bool,
}

#[derive(Default)]
struct State {
    queued: HashMap<String, Queued>,
    /// Arrived before a queue answer listed them: jti → when.
    early: HashMap<String, u64>,
    /// SETs queued by calls whose answer listed no jtis, per step, and those of them that arrived.
    unlisted: BTreeMap<usize, (u64, u64)>,
    duplicated: u64,
}

/// Shared by the queue calls and whatever receives the SUT's SETs.
pub struct Inbox {
    epoch: Instant,
    state: Mutex<State>,
    meter: Mutex<(usize, Arc<Meter>)>,
    pending: AtomicI64,
    pub sampler: Sampler,
}

impl Inbox {
    pub fn new(epoch: Instant, sampler: Sampler) -> Inbox {
        Inbox {
            epoch,
            state: Mutex::default(),
            meter: Mutex::new((0, Arc::new(Meter::new(epoch)))),
            pending: AtomicI64::new(0),
            sampler,
        }
    }

    /// Microseconds since the inbox was made: queue calls are due relative to it.
    pub fn elapsed_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts step `step`: what arrives from now on is measured by `meter`.
    pub fn start_step(&self, step: usize, meter: Arc<Meter>) {
        *self.meter.lock().unwrap_or_else(|e| e.into_inner()) = (step, meter);
    }

    fn meter(&self) -> (usize, Arc<Meter>) {
        let m = self.meter.lock().unwrap_or_else(|e| e.into_inner());
        (m.0, m.1.clone())
    }

    /// A queue call due at `due_us` made `count` SETs, `jtis` when its answer listed them.
    pub fn queued(&self, count: usize, jtis: Option<Vec<String>>, due_us: u64) {
        let (step, meter) = self.meter();
        meter.sent(count as u64);
        self.pending.fetch_add(count as i64, Ordering::AcqRel);
        let mut latencies = Vec::new();
        let mut state = self.lock();
        match jtis {
            Some(jtis) => {
                for jti in jtis {
                    let arrived = state.early.remove(&jti);
                    if let Some(at) = arrived {
                        latencies.push(at.saturating_sub(due_us));
                        self.pending.fetch_sub(1, Ordering::AcqRel);
                    }
                    state.queued.insert(jti, Queued { due_us, step, arrived: arrived.is_some() });
                }
            }
            None => state.unlisted.entry(step).or_default().0 += count as u64,
        }
        drop(state);
        meter.answered(&latencies, 0);
    }

    /// A SET arrived (`token` filed under `jti`).
    pub fn arrived(&self, jti: &str, token: &str) {
        let now = self.elapsed_us();
        self.sampler.maybe_judge(jti, token);
        let (_, meter) = self.meter();
        let mut state = self.lock();
        let latency = match state.queued.get_mut(jti) {
            Some(q) if q.arrived => {
                state.duplicated += 1;
                return;
            }
            Some(q) => {
                q.arrived = true;
                Some(now.saturating_sub(q.due_us))
            }
            None => {
                // Unlisted queue calls take the arrivals nobody listed, step by step.
                let open = state.unlisted.values_mut().find(|(queued, arrived)| arrived < queued);
                match open {
                    Some(tally) => {
                        tally.1 += 1;
                        None
                    }
                    None => {
                        if state.early.insert(jti.to_owned(), now).is_some() {
                            state.duplicated += 1;
                        }
                        return;
                    }
                }
            }
        };
        drop(state);
        self.pending.fetch_sub(1, Ordering::AcqRel);
        // Unlisted arrivals count as acknowledged, with no latency to tell.
        match latency {
            Some(us) => meter.answered(&[us], 0),
            None => meter.answered_untimed(1),
        }
    }

    /// SETs queued and not arrived yet.
    pub fn outstanding(&self) -> u64 {
        self.pending.load(Ordering::Acquire).max(0) as u64
    }

    /// The account of step `step` at the end.
    pub fn summary(&self, step: usize) -> LedgerSummary {
        let state = self.lock();
        let mut summary = LedgerSummary::default();
        let mut lost: Vec<&String> = Vec::new();
        for (jti, q) in state.queued.iter().filter(|(_, q)| q.step == step) {
            summary.sent += 1;
            if q.arrived {
                summary.acked += 1;
            } else {
                lost.push(jti);
            }
        }
        if let Some((queued, arrived)) = state.unlisted.get(&step) {
            summary.sent += queued;
            summary.acked += arrived;
            summary.lost += queued - arrived;
        }
        lost.sort();
        summary.lost += lost.len() as u64;
        summary.lost_sample = lost.into_iter().take(LOST_SAMPLE).cloned().collect();
        summary
    }

    /// (duplicated, unknown) over the whole drain: SETs that arrived twice, and
    /// SETs no queue answer listed by the end.
    pub fn strays(&self) -> (u64, u64) {
        let state = self.lock();
        (state.duplicated, state.early.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbox() -> Inbox {
        Inbox::new(Instant::now(), Sampler::new(0))
    }

    #[test]
    fn a_set_listed_then_arrived_is_acked_and_one_never_arrived_is_lost() {
        let inbox = inbox();
        inbox.queued(3, Some(vec!["a".into(), "b".into(), "c".into()]), 0);
        inbox.arrived("a", "t");
        inbox.arrived("b", "t");
        inbox.arrived("b", "t");
        let s = inbox.summary(0);
        assert_eq!((s.sent, s.acked, s.lost, inbox.strays()), (3, 2, 1, (1, 0)));
        assert_eq!(s.lost_sample, ["c"]);
        assert_eq!(inbox.outstanding(), 1);
    }

    #[test]
    fn a_set_arriving_before_its_queue_answer_is_matched_and_a_stranger_stays_unknown() {
        let inbox = inbox();
        inbox.arrived("early", "t");
        inbox.arrived("stranger", "t");
        inbox.queued(1, Some(vec!["early".into()]), 0);
        let s = inbox.summary(0);
        assert_eq!((s.sent, s.acked, s.lost, inbox.strays()), (1, 1, 0, (0, 1)));
        assert_eq!(inbox.outstanding(), 0);
    }

    #[test]
    fn without_listed_jtis_arrivals_are_counted_against_what_was_queued() {
        let inbox = inbox();
        inbox.queued(2, None, 0);
        inbox.arrived("x", "t");
        let s = inbox.summary(0);
        assert_eq!((s.sent, s.acked, s.lost), (2, 1, 1));
    }
}

//! Where every SET of a bench is: sent, acknowledged, refused, or nowhere.
//!
//! The harness names its SETs `<prefix><n>`, so an acknowledgement finds its
//! slot without a map or a lock; a jti not of that shape, or past the pool, is
//! one the harness never sent ([`Answer::Unknown`]).

use setconform_reports::bench::Ledger as LedgerSummary;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU8, AtomicU64, Ordering};

const UNSENT: u8 = 0;
const SENT: u8 = 1;
const ACKED: u8 = 2;
const REFUSED: u8 = 3;
/// Most lost jtis a record lists.
const LOST_SAMPLE: usize = 100;

/// What an answer about one jti meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The first answer for a SET sent `latency_us` ago (from its intended send time).
    First { latency_us: u64 },
    /// A SET already answered, answered again.
    Duplicate,
    /// A jti the harness never sent.
    Unknown,
}

struct Slot {
    state: AtomicU8,
    /// Microseconds from the bench's start to when the SET was meant to go.
    due_us: AtomicU64,
}

/// Every SET of the pool, by number.
pub struct Ledger {
    prefix: String,
    slots: Vec<Slot>,
    duplicated: AtomicU64,
    unknown: AtomicU64,
    /// Sent and not answered yet.
    pending: AtomicI64,
    refused: Mutex<BTreeMap<String, u64>>,
}

impl Ledger {
    pub fn new(prefix: String, size: usize) -> Ledger {
        let slots = (0..size).map(|_| Slot { state: AtomicU8::new(UNSENT), due_us: AtomicU64::new(0) }).collect();
        Ledger {
            prefix,
            slots,
            duplicated: AtomicU64::new(0),
            unknown: AtomicU64::new(0),
            pending: AtomicI64::new(0),
            refused: Mutex::new(BTreeMap::new()),
        }
    }

    /// The jti of SET number `n`.
    pub fn jti(&self, n: usize) -> String {
        format!("{}{n}", self.prefix)
    }

    /// SET `n` went out; it was due at `due_us`.
    pub fn sent(&self, n: usize, due_us: u64) {
        let slot = &self.slots[n];
        slot.due_us.store(due_us, Ordering::Relaxed);
        slot.state.store(SENT, Ordering::Release);
        self.pending.fetch_add(1, Ordering::AcqRel);
    }

    /// The SUT acknowledged `jti` at `now_us`.
    pub fn acked(&self, jti: &str, now_us: u64) -> Answer {
        self.answer(jti, ACKED, now_us)
    }

    /// The SUT refused `jti` with `code` at `now_us`.
    pub fn refused(&self, jti: &str, code: &str, now_us: u64) -> Answer {
        let answer = self.answer(jti, REFUSED, now_us);
        if matches!(answer, Answer::First { .. }) {
            *self.refused.lock().unwrap_or_else(|e| e.into_inner()).entry(code.to_owned()).or_default() += 1;
        }
        answer
    }

    fn answer(&self, jti: &str, to: u8, now_us: u64) -> Answer {
        let Some(slot) = self.slot(jti) else {
            self.unknown.fetch_add(1, Ordering::Relaxed);
            return Answer::Unknown;
        };
        match slot.state.compare_exchange(SENT, to, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                self.pending.fetch_sub(1, Ordering::AcqRel);
                Answer::First { latency_us: now_us.saturating_sub(slot.due_us.load(Ordering::Relaxed)) }
            }
            Err(UNSENT) => {
                self.unknown.fetch_add(1, Ordering::Relaxed);
                Answer::Unknown
            }
            Err(_) => {
                self.duplicated.fetch_add(1, Ordering::Relaxed);
                Answer::Duplicate
            }
        }
    }

    /// The slot of a jti the harness minted: its number written as [`Ledger::jti`]
    /// writes it, so `05` or `+5` is not the jti of SET 5.
    fn slot(&self, jti: &str) -> Option<&Slot> {
        let digits = jti.strip_prefix(&self.prefix)?;
        let canonical = digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
        let n: usize = digits.parse().ok().filter(|_| canonical)?;
        self.slots.get(n)
    }

    /// SETs sent and not answered yet.
    pub fn outstanding(&self) -> u64 {
        self.pending.load(Ordering::Acquire).max(0) as u64
    }

    /// The account at the end: what was not answered by now is lost.
    pub fn summary(&self) -> LedgerSummary {
        let mut summary = LedgerSummary::default();
        for (n, slot) in self.slots.iter().enumerate() {
            match slot.state.load(Ordering::Acquire) {
                UNSENT => continue,
                ACKED => summary.acked += 1,
                REFUSED => {}
                _ => {
                    summary.lost += 1;
                    if summary.lost_sample.len() < LOST_SAMPLE {
                        summary.lost_sample.push(self.jti(n));
                    }
                }
            }
            summary.sent += 1;
        }
        summary.refused = self.refused.lock().unwrap_or_else(|e| e.into_inner()).clone();
        summary.duplicated = self.duplicated.load(Ordering::Relaxed);
        summary.unknown = self.unknown.load(Ordering::Relaxed);
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_ends_acked_refused_or_lost_and_strays_are_counted() {
        let ledger = Ledger::new("b-".into(), 5);
        for n in 0..4 {
            ledger.sent(n, 1_000);
        }
        assert_eq!(ledger.acked("b-0", 1_250), Answer::First { latency_us: 250 });
        assert_eq!(ledger.acked("b-0", 1_300), Answer::Duplicate);
        assert_eq!(ledger.refused("b-1", "invalid_key", 1_400), Answer::First { latency_us: 400 });
        assert_eq!(ledger.acked("b-4", 1_500), Answer::Unknown, "never sent");
        assert_eq!(ledger.acked("other-2", 1_500), Answer::Unknown);
        assert_eq!(ledger.acked("b-99", 1_500), Answer::Unknown, "past the pool");
        assert_eq!(ledger.acked("b-02", 1_500), Answer::Unknown, "not the jti of SET 2");
        assert_eq!(ledger.acked("b-+3", 1_500), Answer::Unknown, "not the jti of SET 3");
        assert_eq!(ledger.outstanding(), 2);
        let s = ledger.summary();
        assert_eq!((s.sent, s.acked, s.lost, s.duplicated, s.unknown), (4, 1, 2, 1, 5));
        assert_eq!(s.refused.get("invalid_key"), Some(&1));
        assert_eq!(s.lost_sample, ["b-2", "b-3"]);
    }
}

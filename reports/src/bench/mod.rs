//! A finished `setconform bench`: the load the harness offered one binding of a
//! SUT, what came back, and every SET accounted for.
//!
//! The record is data with a few derived values. [`histogram`] carries
//! latency histograms through JSON so that records of several shards add up
//! exactly; [`merge`] adds them up, [`diff`] compares two benches, [`file`]
//! reads and writes `bench.json`, and [`units`] writes their numbers for people.

pub mod diff;
pub mod file;
pub mod histogram;
pub mod merge;
pub mod sample;
pub mod units;

use histogram::Latency;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a record is: a bench record says so, a Run record has no such member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Bench,
}

/// The whole result of one bench (or of several shards merged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchRecord {
    /// Always [`RecordKind::Bench`].
    pub record: RecordKind,
    /// `setconform <version>`.
    pub tool: String,
    pub sut: BenchSut,
    pub binding: Binding,
    pub direction: Direction,
    pub load: Load,
    /// The shards this record holds; empty when the load was not split.
    #[serde(default)]
    pub shards: Vec<Shard>,
    /// When the first measured step began (RFC 3339, UTC).
    pub started_at: String,
    /// The same instant in milliseconds since the Unix epoch.
    pub started_unix_ms: u64,
    /// One step for a fixed rate; one per rate tried for a ramp.
    pub steps: Vec<Step>,
    pub ledger: Ledger,
    /// Requests that got no usable answer, by kind (`timeout`, `connect`, `closed`, `protocol`,
    /// `queue`), and batches never sent because the SUT still held the connection when the
    /// grace was over (`not-sent`). Refusals are counted in the ledger, by code.
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
    pub result: BenchResult,
    /// The SETs of a drained SUT judged as they arrived (`--verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<Judged>,
    /// Set when the bench was cut short (SIGINT, SIGTERM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<String>,
}

/// Which system was under test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchSut {
    pub name: String,
    /// `embedded-reference` or `external`.
    pub kind: String,
}

/// The delivery binding the SETs travel on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    /// RFC 8935: one SET per POST.
    Push,
    /// Multi-SET push: many SETs per POST.
    Msp,
    /// Pushpull over HTTP POST.
    PushpullHttp,
    /// Pushpull over a WebSocket.
    PushpullWs,
    /// RFC 8936: the receiver polls.
    Poll,
}

impl Binding {
    pub const ALL: [Binding; 5] =
        [Binding::Push, Binding::Msp, Binding::PushpullHttp, Binding::PushpullWs, Binding::Poll];

    /// The name on the command line and in the record.
    pub fn name(self) -> &'static str {
        match self {
            Binding::Push => "push",
            Binding::Msp => "msp",
            Binding::PushpullHttp => "pushpull-http",
            Binding::PushpullWs => "pushpull-ws",
            Binding::Poll => "poll",
        }
    }
}

/// Which way the SETs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The harness sends SETs to a receiving SUT.
    Send,
    /// The harness drains a transmitting SUT: queues SETs through the trigger and receives them.
    Drain,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Send => "send",
            Direction::Drain => "drain",
        }
    }
}

/// The load as asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub shape: Shape,
    /// SETs per request (1 for push).
    pub batch: u32,
    /// Connections (or streams) the load is spread over.
    pub connections: u32,
    /// How many of the SETs the SUT sent are verified: 1 in `verify_one_in` (1: all).
    pub verify_one_in: u32,
}

/// A fixed rate for a while, or a ramp looking for the highest rate that keeps p99 under a bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    Fixed {
        /// SETs per second offered (by all shards together).
        rate: f64,
        duration_ms: u64,
    },
    Ramp {
        /// The p99 bound a sustained rate keeps, in microseconds.
        max_p99_us: u64,
        /// The first rate tried.
        start_rate: f64,
        /// How long each rate is held.
        step_ms: u64,
    },
}

impl Shape {
    /// `fixed` or `ramp`, as in the record.
    pub fn name(&self) -> &'static str {
        match self {
            Shape::Fixed { .. } => "fixed",
            Shape::Ramp { .. } => "ramp",
        }
    }

    /// The p99 bound a sustained step keeps: a ramp's; a fixed rate has none.
    pub fn max_p99_us(&self) -> Option<u64> {
        match self {
            Shape::Fixed { .. } => None,
            Shape::Ramp { max_p99_us, .. } => Some(*max_p99_us),
        }
    }
}

/// The share of the offered rate a sustained step has acknowledged, at least.
pub const KEPT_UP_SHARE: f64 = 0.95;

/// One of `count` copies that split a load (`--shard index/count`, index from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// One rate held for a while.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// SETs per second offered.
    pub offered_rate: f64,
    pub started_unix_ms: u64,
    pub duration_ms: u64,
    /// SETs sent in this step.
    pub sent: u64,
    /// SETs of this step acknowledged.
    pub acked: u64,
    /// SETs of this step the SUT refused (setErrs, 4xx).
    pub refused: u64,
    /// Acknowledged SETs per second over the step.
    pub achieved_rate: f64,
    /// Send to acknowledgement, every SET of the step.
    pub latency: Latency,
    /// Per second of the step.
    pub timeline: Vec<Tick>,
    /// Whether the SUT kept up: p99 within the bound and at least 95% of the offered rate acknowledged.
    pub sustained: bool,
    pub cpu: Cpu,
}

impl Step {
    /// Whether the step kept up under a p99 bound: its p99 within `max_p99_us`
    /// and at least [`KEPT_UP_SHARE`] of the offered rate acknowledged.
    pub fn keeps_up(&self, max_p99_us: u64) -> bool {
        self.latency.p99_us <= max_p99_us && self.achieved_rate >= KEPT_UP_SHARE * self.offered_rate
    }
}

/// One second of a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    /// Seconds since the Unix epoch at the start of this second.
    pub unix_s: u64,
    pub sent: u64,
    pub acked: u64,
    /// Latencies of the SETs acknowledged in this second.
    pub latency: Latency,
}

/// CPU time spent during a step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cpu {
    /// The harness's own CPU time (all its threads, the SUT's left out).
    pub harness_ms: u64,
    /// The SUT's CPU time, when it runs in the same process (the embedded reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sut_ms: Option<u64>,
    pub wall_ms: u64,
    /// Cores of the machine(s) the harness ran on.
    pub cores: u32,
}

impl Cpu {
    /// The share of the machine's CPU the harness used, 0..=1.
    pub fn harness_share(&self) -> f64 {
        let capacity = self.wall_ms as f64 * f64::from(self.cores.max(1));
        if capacity == 0.0 { 0.0 } else { self.harness_ms as f64 / capacity }
    }

    /// The share of the machine's CPU the SUT used, 0..=1, when it was measured.
    pub fn sut_share(&self) -> Option<f64> {
        let capacity = self.wall_ms as f64 * f64::from(self.cores.max(1));
        self.sut_ms.map(|ms| if capacity == 0.0 { 0.0 } else { ms as f64 / capacity })
    }

    /// The CPU of two shards that ran side by side: times and cores add up, the
    /// wall clock is the longer one; SUT time only where at least one measured it.
    pub fn alongside(&self, other: &Cpu) -> Cpu {
        Cpu {
            harness_ms: self.harness_ms + other.harness_ms,
            sut_ms: match (self.sut_ms, other.sut_ms) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
            },
            wall_ms: self.wall_ms.max(other.wall_ms),
            cores: self.cores + other.cores,
        }
    }
}

/// Where every SET sent ended up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Ledger {
    pub sent: u64,
    pub acked: u64,
    /// Refused by the SUT, by its error code (`setErrs`, RFC 8935 §2.3 `err`).
    pub refused: BTreeMap<String, u64>,
    /// Sent, and neither acknowledged nor refused by the end.
    pub lost: u64,
    /// Acknowledged (or received) more than once.
    pub duplicated: u64,
    /// Acknowledgements or SETs naming a jti the harness never sent or queued.
    pub unknown: u64,
    /// Up to 100 lost jtis, for a person to look for.
    #[serde(default)]
    pub lost_sample: Vec<String>,
}

impl Ledger {
    /// Adds `other`'s SETs to these: counts add up, and the lost sample keeps its first 100.
    pub fn add(&mut self, other: &Ledger) {
        self.sent += other.sent;
        self.acked += other.acked;
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.unknown += other.unknown;
        for (code, n) in &other.refused {
            *self.refused.entry(code.clone()).or_insert(0) += n;
        }
        let room = merge::LOST_SAMPLE.saturating_sub(self.lost_sample.len());
        self.lost_sample.extend(other.lost_sample.iter().take(room).cloned());
    }
}

/// A sample of the SUT's SETs judged as a scenario judges them (signature, header, claims).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Judged {
    /// SETs judged.
    pub sets: u64,
    /// Requirement id → judged SETs that broke it.
    pub broken: BTreeMap<String, u64>,
}

impl Judged {
    /// Both samples together.
    pub fn add(&self, other: &Judged) -> Judged {
        let mut broken = self.broken.clone();
        for (req, n) in &other.broken {
            *broken.entry(req.clone()).or_insert(0) += n;
        }
        Judged { sets: self.sets + other.sets, broken }
    }
}

/// The answer to "how much does it take".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    /// The highest acknowledged rate of a sustained step (SETs/s); for a fixed rate, its achieved rate.
    pub sustained_rate: f64,
    /// Latency over every measured SET.
    pub latency: Latency,
    pub cpu: Cpu,
    pub verdict: BenchVerdict,
}

/// How the bench ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BenchVerdict {
    /// Every SET sent was acknowledged or refused.
    Accounted,
    /// Some SETs were lost: the bench fails (exit 1).
    Lost,
    /// Nothing was acknowledged at all: the numbers mean nothing (exit 3).
    NothingMeasured,
}

impl BenchVerdict {
    /// The verdict a ledger earns: with nothing acknowledged there is no
    /// measurement to judge (a SUT not reached, or refusing everything); else a
    /// lost SET fails the bench.
    pub fn of(ledger: &Ledger) -> BenchVerdict {
        if ledger.acked == 0 {
            BenchVerdict::NothingMeasured
        } else if ledger.lost > 0 {
            BenchVerdict::Lost
        } else {
            BenchVerdict::Accounted
        }
    }
}

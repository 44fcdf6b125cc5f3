//! The scenario's time: the current step, the deadline, and what the steps
//! that waited for the SUT measured.

use std::time::{Duration, Instant};

/// What the last step that waited for the SUT (`await_request`, `ws_accept`,
/// `ws_receive`) saw.
#[derive(Debug, Clone, Copy)]
pub struct Awaited {
    /// What was waited for, in words: "request", "WebSocket message".
    pub what: &'static str,
    /// How long after the step began the request came, if it came.
    pub arrived_after: Option<Duration>,
    pub within: Duration,
    pub up_to: Duration,
}

/// What the harness saw of a poll it let the SUT hold (RFC 8936 §2.5).
#[derive(Debug, Clone, Copy)]
pub struct Held {
    /// How long the poll had to stay unanswered to count as held.
    pub window: Duration,
    /// When the answer came after the poll went out; `None`: not within `bound`.
    pub answered_after: Option<Duration>,
    /// Longest the harness waited.
    pub bound: Duration,
    /// Whether the SUT was asked to queue SETs while it held the poll.
    pub queued: bool,
}

#[derive(Debug)]
pub struct Clock {
    /// The step running now (1 = first; 0 before the first).
    pub step: usize,
    pub started: Instant,
    pub deadline: Instant,
    /// A person was just asked to act: the next step waits for the outcome.
    pub manual: bool,
    pub awaited: Option<Awaited>,
    /// The last long poll the harness watched.
    pub held: Option<Held>,
    /// How long the SUT took to come back in each step that waited for it, in order.
    pub delays: Vec<Duration>,
    /// When the harness last answered a request of the SUT: a retry's delay
    /// counts from there (RFC 8935 §2), not from when the harness began to wait.
    pub answered_at: Option<Instant>,
    /// A step that would have asked the SUT to initiate sent nothing (sut.yaml
    /// `trigger.initiate: unsupported`): the next wait is for the SUT's own request.
    pub own_request: bool,
    /// Why what follows is not judged: the SUT was not asked to initiate, and
    /// sent no request of its own when the harness waited for one.
    pub unasked_silence: Option<String>,
}

impl Clock {
    pub fn new(deadline: Instant) -> Clock {
        Clock {
            step: 0,
            started: Instant::now(),
            deadline,
            manual: false,
            awaited: None,
            held: None,
            delays: Vec::new(),
            answered_at: None,
            own_request: false,
            unasked_silence: None,
        }
    }

    /// Time left before the scenario deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Milliseconds from the scenario's start to `at`.
    pub fn ms_at(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.started).as_millis() as u64
    }
}

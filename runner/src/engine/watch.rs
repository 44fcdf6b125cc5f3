//! How long a step watches for what its checks look for. A SET that must be
//! delivered again may come only after the period the SUT chose (pushpull §9,
//! AMB-11; RFC 8936 §2.4), and one that must not come back is kept only when it
//! stayed away for the whole window, not after one quick look.
//!
//! A step that asks the SUT (`send`) asks again, and one that listens for its
//! WebSocket messages (`ws_receive`) listens again, with growing pauses:
//!
//! - `redelivered`: until the SETs come back (kept at once), or the retry
//!   window (`timeouts.retry_window`) ends (broken: they never came);
//! - `retired` (on `send`, in the scenario's last step): over the whole
//!   observation window (`timeouts.observation`), broken as soon as one comes
//!   back. Earlier steps look once: asking again (and acknowledging again)
//!   would take SETs that later steps count on.
//!
//! The step's other expectations are judged on the first look. Steps that
//! wait for the SUT's request (`await_request`) already wait for their whole
//! window and are not repeated.

use crate::catalogue::{Action, Check, Expectation};
use crate::judge::Finding;
use crate::sut::Timeouts;
use setconform_reports::ExpectationResult;
use std::time::Duration;

/// First pause between two looks; each later pause doubles, up to [`MAX_PAUSE`].
pub const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// What a step watches for, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// One look is the step's judgement.
    Once,
    /// Looks again while a `redelivered` expectation is broken, up to this long.
    UntilKept(Duration),
    /// Looks again for this long, until a `retired` expectation is broken.
    Whole(Duration),
}

impl Window {
    /// The window of a step with `action` and `expect`; `last`: the scenario's last step.
    pub fn of(action: &Action, expect: &[Expectation], timeouts: &Timeouts, last: bool) -> Window {
        let has = |f: fn(&Check) -> bool| expect.iter().any(|e| f(&e.check));
        let asks = matches!(action, Action::Send(_));
        let listens = matches!(action, Action::WsReceive(_));
        if asks && last && has(|c| matches!(c, Check::Retired(_))) {
            Window::Whole(timeouts.observation)
        } else if (asks || listens) && has(|c| matches!(c, Check::Redelivered(_))) {
            Window::UntilKept(timeouts.retry_window)
        } else {
            Window::Once
        }
    }

    /// Whether to look again, after looks that took `spent` so far and judged
    /// `judged`, with `pause` before the next look and `left` before the deadline.
    pub fn again(
        self,
        expect: &[Expectation],
        judged: &[(Finding, ExpectationResult)],
        spent: Duration,
        pause: Duration,
        left: Duration,
    ) -> bool {
        let found = |want: Finding, f: fn(&Check) -> bool| {
            judged.iter().any(|(finding, r)| {
                *finding == want && r.expectation.and_then(|i| expect.get(i - 1)).is_some_and(|e| f(&e.check))
            })
        };
        let broken = |f: fn(&Check) -> bool| found(Finding::Broken, f);
        // Nothing to look for now is nothing to look for later: the step's SETs are fixed.
        let nothing_to_look_for = found(Finding::NotJudged, windowed);
        let time = spent + pause;
        match self {
            Window::Once => false,
            _ if left <= pause => false,
            Window::UntilKept(w) => time < w && broken(|c| matches!(c, Check::Redelivered(_))),
            Window::Whole(w) => time < w && !nothing_to_look_for && !broken(|c| matches!(c, Check::Retired(_))),
        }
    }

    /// The judgements of a look after the first: the windowed ones from `now`,
    /// the others as the `first` look judged them.
    pub fn merge(
        expect: &[Expectation],
        first: &[(Finding, ExpectationResult)],
        now: Vec<(Finding, ExpectationResult)>,
    ) -> Vec<(Finding, ExpectationResult)> {
        let windowed = |(_, r): &(Finding, ExpectationResult)| {
            r.expectation.and_then(|i| expect.get(i - 1)).is_some_and(|e| windowed(&e.check))
        };
        let mut merged: Vec<_> = first.iter().filter(|j| !windowed(j)).cloned().collect();
        merged.extend(now.into_iter().filter(windowed));
        merged.sort_by_key(|(_, r)| r.expectation);
        merged
    }

    /// The windowed judgements of the last look, saying how long the step watched.
    pub fn finish(
        self,
        judged: &mut [(Finding, ExpectationResult)],
        expect: &[Expectation],
        spent: Duration,
        looks: usize,
    ) {
        if self == Window::Once || looks < 2 {
            return;
        }
        for (_, r) in judged.iter_mut() {
            if r.expectation.and_then(|i| expect.get(i - 1)).is_some_and(|e| windowed(&e.check)) {
                r.actual = format!("{} (after {looks} looks over {} ms)", r.actual, spent.as_millis());
            }
        }
    }
}

/// The pause after `pause`.
pub fn next_pause(pause: Duration) -> Duration {
    (pause * 2).min(MAX_PAUSE)
}

/// The checks a step watches for over a window.
fn windowed(check: &Check) -> bool {
    matches!(check, Check::Redelivered(_) | Check::Retired(_))
}

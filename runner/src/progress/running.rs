//! The scenarios running now, for the terminal's status line: the one that
//! has run longest, with its time so far, and how many others run beside it.

use std::time::{Duration, Instant};

/// Scenarios started and not yet finished, with when each started.
#[derive(Debug, Default)]
pub(super) struct Running {
    started: Vec<(String, Instant)>,
}

impl Running {
    pub(super) fn start(&mut self, id: String, at: Instant) {
        self.started.push((id, at));
    }

    pub(super) fn finish(&mut self, id: &str) {
        self.started.retain(|(running, _)| running != id);
    }

    /// `running: <id> (<s> s) +<n> more`, or nothing when none runs.
    pub(super) fn describe(&self, now: Instant) -> Option<String> {
        let (id, since) = self.started.iter().min_by_key(|(_, at)| *at)?;
        let secs = now.saturating_duration_since(*since).as_secs();
        let others = match self.started.len() - 1 {
            0 => String::new(),
            n => format!(" +{n} more"),
        };
        Some(format!("running: {id} ({secs} s){others}"))
    }
}

/// How often the status line's times are brought up to date.
pub(super) const REFRESH: Duration = Duration::from_millis(500);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_running_scenario_is_named_with_its_time_and_the_rest_counted() {
        let t0 = Instant::now();
        let mut running = Running::default();
        assert_eq!(running.describe(t0), None);
        running.start("b.second".into(), t0 + Duration::from_secs(2));
        running.start("a.first".into(), t0);
        running.start("c.third".into(), t0 + Duration::from_secs(3));
        let now = t0 + Duration::from_millis(12_400);
        assert_eq!(running.describe(now).as_deref(), Some("running: a.first (12 s) +2 more"));
        running.finish("a.first");
        running.finish("c.third");
        assert_eq!(running.describe(now).as_deref(), Some("running: b.second (10 s)"));
        running.finish("b.second");
        assert_eq!(running.describe(now), None);
    }
}

//! A run cut short by a signal: which signal, and what it left undone. Every
//! rendering shows it, because such a run cannot certify the SUT.

use serde::{Deserialize, Serialize};

/// The signal that stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopSignal {
    /// Ctrl-C at a terminal.
    #[serde(rename = "SIGINT")]
    Interrupt,
    /// What CI services send a job they cancel.
    #[serde(rename = "SIGTERM")]
    Terminate,
}

impl StopSignal {
    pub fn name(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "SIGINT",
            StopSignal::Terminate => "SIGTERM",
        }
    }

    /// The exit code of a process that ended on this signal, as shells report it (128 + its number).
    pub fn exit_code(self) -> i32 {
        match self {
            StopSignal::Interrupt => crate::verdict::exit::INTERRUPTED_SIGINT,
            StopSignal::Terminate => crate::verdict::exit::INTERRUPTED_SIGTERM,
        }
    }
}

/// How a run was cut short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    pub signal: StopSignal,
    /// The scenarios the run had planned but never started (ids); they have no result.
    #[serde(default)]
    pub not_started: Vec<String>,
}

/// The reason of a scenario the signal ended before its verdict (its verdict is ERROR).
pub fn scenario_reason(signal: StopSignal) -> String {
    format!("interrupted ({}): the run was stopped before this scenario ended", signal.name())
}

impl Interruption {
    /// The line every report leads with.
    pub fn headline(&self) -> String {
        format!(
            "INTERRUPTED by {}: {} planned scenario(s) not started; NOT CERTIFIABLE",
            self.signal.name(),
            self.not_started.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signal_is_written_by_its_name_and_exits_as_shells_report_it() {
        let i = Interruption { signal: StopSignal::Terminate, not_started: vec!["a".into()] };
        let json = serde_json::to_value(&i).unwrap();
        assert_eq!(json, serde_json::json!({ "signal": "SIGTERM", "not_started": ["a"] }));
        assert_eq!(serde_json::from_value::<Interruption>(json).unwrap(), i);
        assert_eq!((StopSignal::Interrupt.exit_code(), StopSignal::Terminate.exit_code()), (130, 143));
        assert!(i.headline().starts_with("INTERRUPTED by SIGTERM: 1 planned"));
    }
}

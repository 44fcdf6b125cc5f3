//! Whether, and by which signal, a bench was asked to stop: no batch starts
//! after it, and the bench ends with that signal's exit code.

use setconform_reports::StopSignal;
use std::sync::OnceLock;

#[derive(Debug, Default)]
pub struct Stop(OnceLock<StopSignal>);

impl Stop {
    /// The first signal is kept; a later one changes nothing.
    pub fn ask(&self, signal: StopSignal) {
        let _ = self.0.set(signal);
    }

    pub fn asked(&self) -> bool {
        self.0.get().is_some()
    }

    pub fn signal(&self) -> Option<StopSignal> {
        self.0.get().copied()
    }
}

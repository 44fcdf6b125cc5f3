//! Whether the console gets colour: `--color`, the `NO_COLOR` convention
//! (<https://no-color.org>: any non-empty value turns colour off) and whether
//! stdout is a terminal. Files never get colour, whatever is chosen here.

use setconform_reports::paint::Paint;
use std::ffi::OsStr;
use std::io::IsTerminal;

/// `--color`: when the console's verdicts and headline are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal and NO_COLOR is unset or empty.
    #[default]
    Auto,
    /// Always, even into a pipe or with NO_COLOR set.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// The decision for this process: its `NO_COLOR` and its stdout.
    pub fn paint(self) -> Paint {
        self.decide(std::env::var_os("NO_COLOR").as_deref(), std::io::stdout().is_terminal())
    }

    /// The decision, given `NO_COLOR`'s value and whether stdout is a terminal.
    pub fn decide(self, no_color: Option<&OsStr>, stdout_is_terminal: bool) -> Paint {
        let asked_plain = no_color.is_some_and(|v| !v.is_empty());
        match self {
            ColorWhen::Always => Paint::Ansi,
            ColorWhen::Never => Paint::Plain,
            ColorWhen::Auto if stdout_is_terminal && !asked_plain => Paint::Ansi,
            ColorWhen::Auto => Paint::Plain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_and_never_win_and_auto_needs_a_terminal_and_no_no_color() {
        let one = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        for no_color in [None, empty, one] {
            for tty in [false, true] {
                assert_eq!(ColorWhen::Always.decide(no_color, tty), Paint::Ansi, "always: {no_color:?} tty={tty}");
                assert_eq!(ColorWhen::Never.decide(no_color, tty), Paint::Plain, "never: {no_color:?} tty={tty}");
            }
        }
        assert_eq!(ColorWhen::Auto.decide(None, true), Paint::Ansi);
        assert_eq!(ColorWhen::Auto.decide(empty, true), Paint::Ansi, "an empty NO_COLOR is unset");
        assert_eq!(ColorWhen::Auto.decide(one, true), Paint::Plain);
        assert_eq!(ColorWhen::Auto.decide(Some(OsStr::new("false")), true), Paint::Plain, "any value");
        assert_eq!(ColorWhen::Auto.decide(None, false), Paint::Plain, "a pipe or a log");
        assert_eq!(ColorWhen::Auto.decide(one, false), Paint::Plain);
    }
}

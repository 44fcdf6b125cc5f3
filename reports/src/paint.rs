//! Colour on the console: verdict words and the run's headline as ANSI
//! styles, or left as they are ([`Paint::Plain`]). Whether a console gets
//! colour is the command line's decision; every file a run writes is plain.

use crate::Verdict;
use crate::headline::Headline;
use anstyle::{AnsiColor, Style};

/// How console text is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paint {
    /// As it is: no escape sequences (logs, pipes, files).
    #[default]
    Plain,
    /// ANSI colour for a terminal.
    Ansi,
}

impl Paint {
    /// `text` (a verdict's word, or a line about it) in the verdict's colour.
    pub fn verdict(self, verdict: Verdict, text: &str) -> String {
        self.apply(verdict_style(verdict), text)
    }

    /// The verdict's word in its colour.
    pub fn word(self, verdict: Verdict) -> String {
        self.verdict(verdict, verdict.as_str())
    }

    /// `text` (the headline's word) in the colour of the run's outcome.
    pub fn headline(self, headline: Headline, text: &str) -> String {
        self.apply(headline_style(headline), text)
    }

    /// `text` dimmed: what matters less on the line.
    pub fn dim(self, text: &str) -> String {
        self.apply(Style::new().dimmed(), text)
    }

    fn apply(self, style: Style, text: &str) -> String {
        match self {
            Paint::Plain => text.to_owned(),
            Paint::Ansi => format!("{style}{text}{style:#}"),
        }
    }
}

fn colour(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Pass => colour(AnsiColor::Green),
        Verdict::Fail => colour(AnsiColor::Red),
        Verdict::Warn => colour(AnsiColor::Yellow),
        Verdict::Info => colour(AnsiColor::Cyan),
        Verdict::NotApplicable => Style::new().dimmed(),
        Verdict::Error | Verdict::Timeout => colour(AnsiColor::Magenta),
        Verdict::Waived => colour(AnsiColor::Blue),
    }
}

fn headline_style(headline: Headline) -> Style {
    let c = match headline {
        Headline::Conformant => AnsiColor::Green,
        Headline::Failed { .. } => AnsiColor::Red,
        Headline::NothingJudged { .. } => AnsiColor::Yellow,
        Headline::Incomplete { .. } | Headline::Interrupted { .. } | Headline::Other(_) => AnsiColor::Magenta,
    };
    colour(c).bold()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_the_text_and_ansi_wraps_it_in_the_verdict_s_colour() {
        assert_eq!(Paint::Plain.verdict(Verdict::Fail, "FAIL"), "FAIL");
        assert_eq!(Paint::Ansi.verdict(Verdict::Pass, "PASS"), "\x1b[32mPASS\x1b[0m");
        assert_eq!(Paint::Ansi.verdict(Verdict::Fail, "FAIL"), "\x1b[31mFAIL\x1b[0m");
        assert_eq!(Paint::Ansi.verdict(Verdict::NotApplicable, "N/A"), "\x1b[2mN/A\x1b[0m");
        let word = Paint::Ansi.headline(Headline::Failed { must: 1, warnings: 0 }, "Failed");
        assert!(word.starts_with("\x1b[") && word.contains("Failed") && word.ends_with("\x1b[0m"), "{word:?}");
    }
}

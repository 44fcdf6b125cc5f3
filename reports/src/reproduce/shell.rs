//! Words for a POSIX shell: each quoted (by `shlex`) so that the shell reads
//! it back as the one word it was, whatever it holds.

use std::fmt;

/// A word that no shell argument can carry: it holds a NUL byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unquotable {
    /// Which word it was, in words (`the scenario id`).
    pub what: &'static str,
}

impl fmt::Display for Unquotable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} holds a NUL byte, which no shell argument can carry", self.what)
    }
}

impl std::error::Error for Unquotable {}

/// A command line being put together, one quoted word at a time.
#[derive(Debug, Default)]
pub(super) struct Line {
    words: Vec<String>,
}

impl Line {
    /// A word of the tool's own (a flag, a number).
    pub(super) fn fixed(&mut self, word: &str) -> &mut Line {
        // The tool's own words hold no NUL; were one to, it would be dropped, not run.
        self.words.push(shlex::try_quote(word).map_or_else(|_| "''".to_owned(), |q| q.into_owned()));
        self
    }

    /// A word taken from the record, named `what` should it be unquotable.
    pub(super) fn given(&mut self, what: &'static str, word: &str) -> Result<&mut Line, Unquotable> {
        self.words.push(quote(what, word)?);
        Ok(self)
    }

    /// The words, one space between each.
    pub(super) fn into_string(self) -> String {
        self.words.join(" ")
    }

    /// The words, a continued line (` \` and a new indented line) between
    /// each group that `breaks` starts.
    pub(super) fn into_lines(self, breaks: &[usize]) -> String {
        let mut out = String::new();
        for (i, word) in self.words.into_iter().enumerate() {
            if i > 0 {
                out.push_str(if breaks.contains(&i) { " \\\n  " } else { " " });
            }
            out.push_str(&word);
        }
        out
    }

    /// How many words it holds so far.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }
}

/// `word` quoted for a POSIX shell.
pub(super) fn quote(what: &'static str, word: &str) -> Result<String, Unquotable> {
    shlex::try_quote(word).map(|q| q.into_owned()).map_err(|_| Unquotable { what })
}

//! Code marks in the record's texts. Expected texts, rule paraphrases and
//! labels write code between backticks (`` `typ` ``); each renderer turns such
//! a pair into its own code markup and shows everything else as plain text.

/// One piece of a text: plain, or between a pair of backticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span<'a> {
    Plain(&'a str),
    Code(&'a str),
}

/// `text` cut into spans: backticks pair up in order, each pair around a
/// [`Span::Code`]. A backtick without a partner, and a pair with nothing
/// between, stay in the plain text as they are.
pub(crate) fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(open) = text[at..].find('`').map(|i| at + i) {
        let Some(close) = text[open + 1..].find('`').map(|i| open + 1 + i) else { break };
        if close == open + 1 {
            at = close + 1;
            continue;
        }
        if plain_from < open {
            out.push(Span::Plain(&text[plain_from..open]));
        }
        out.push(Span::Code(&text[open + 1..close]));
        plain_from = close + 1;
        at = plain_from;
    }
    if plain_from < text.len() {
        out.push(Span::Plain(&text[plain_from..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Span::{Code, Plain};
    use super::*;

    #[test]
    fn backticks_pair_in_order() {
        assert_eq!(
            spans("the `typ` is `secevent+jwt`"),
            [Plain("the "), Code("typ"), Plain(" is "), Code("secevent+jwt")]
        );
        assert_eq!(spans("`a `b` c`"), [Code("a "), Plain("b"), Code(" c")]);
        assert_eq!(spans(""), []);
        assert_eq!(spans("no code"), [Plain("no code")]);
    }

    #[test]
    fn lone_and_empty_backticks_stay_plain() {
        assert_eq!(spans("a ` b"), [Plain("a ` b")]);
        assert_eq!(spans("`x` and `y"), [Code("x"), Plain(" and `y")]);
        assert_eq!(spans("`` x"), [Plain("`` x")]);
        assert_eq!(spans("```x`"), [Plain("``"), Code("x")]);
    }
}

//! Record text as it appears on a page, and the links a page may take from a
//! record: text is bounded and shown, never markup; links are plain `http(s)`
//! URLs or relative paths.

use crate::inline::{Span, spans};
use maud::{Markup, Render, html};
use std::borrow::Cow;

/// Longest piece of record text shown in one place; the record bounds bodies
/// already, this keeps a hostile catalogue or SUT from making a page unusable.
pub(crate) const MAX_TEXT: usize = 64 * 1024;

/// A string of the record, shown on a page.
///
/// maud escapes it like any text; on top of that it is cut after
/// [`MAX_TEXT`] characters, control characters (but tab and line breaks),
/// which are not HTML text, show as U+FFFD, and `'` is written `&#39;`, as
/// these pages always have: record text then holds no quote of either kind.
pub(crate) struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        escaped(&clip(self.0, MAX_TEXT), buffer);
    }
}

/// A text the harness or the catalogue wrote, in which `` `…` `` marks code
/// (see [`crate::inline`]): shown as [`Text`], each backtick pair then a
/// `<code>` element. Never for text the SUT chose, which stays [`Text`].
pub(crate) struct Inline<'a>(pub &'a str);

impl Render for Inline<'_> {
    fn render_to(&self, buffer: &mut String) {
        for span in spans(&clip(self.0, MAX_TEXT)) {
            match span {
                Span::Plain(text) => escaped(text, buffer),
                Span::Code(code) => {
                    buffer.push_str("<code>");
                    escaped(code, buffer);
                    buffer.push_str("</code>");
                }
            }
        }
    }
}

/// A string of the record shown whole, escaped as [`Text`] is but never cut:
/// for what was expected and seen, which the record already bounds.
pub(crate) struct FullText<'a>(pub &'a str);

impl Render for FullText<'_> {
    fn render_to(&self, buffer: &mut String) {
        escaped(self.0, buffer);
    }
}

/// Characters past which a finding's text is shown in a block of its own that scrolls.
const LONG_FINDING: usize = 600;

/// Whether a finding's text gets a block of its own that scrolls.
fn long(text: &str) -> bool {
    text.chars().nth(LONG_FINDING).is_some() || text.lines().nth(12).is_some()
}

/// What the SUT was seen doing, whole: a long text in a block that scrolls,
/// so that the rest of its table stays readable.
pub(crate) fn finding(text: &str) -> Markup {
    scrolled_when_long(text, FullText(text))
}

/// What was expected (the harness's words, with code marks), whole, as [`finding`] shows it.
pub(crate) fn expected(text: &str) -> Markup {
    scrolled_when_long(text, Inline(text))
}

/// `shown` as it is, or in a block that scrolls when `text` is long.
fn scrolled_when_long(text: &str, shown: impl Render) -> Markup {
    html! {
        @if long(text) { div class="long" { (shown) } } @else { (shown) }
    }
}

/// `text` as HTML text: escaped by maud, `'` as `&#39;`, control characters as U+FFFD.
fn escaped(text: &str, buffer: &mut String) {
    for (i, piece) in text.split('\'').enumerate() {
        if i > 0 {
            buffer.push_str("&#39;");
        }
        visible(piece).render_to(buffer);
    }
}

/// `text` with each control character but tab and line breaks as U+FFFD.
fn visible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.contains(hidden) { Cow::Owned(text.replace(hidden, "\u{fffd}")) } else { Cow::Borrowed(text) }
}

/// Cuts text after `max` characters, saying how much was left out.
pub(crate) fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            Cow::Owned(format!("{}… [{rest} more characters not shown]", &text[..cut]))
        }
    }
}

/// A link taken from the record (a spec section's address): kept only when it
/// is a plain `http(s)` URL, so no `javascript:` or `data:` can reach an href.
pub(crate) fn web_link(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let chars_ok =
        !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    (scheme_ok && chars_ok && url.len() <= 2048).then_some(url)
}

/// Where a matrix cell may link: an `http(s)` URL, or a relative path made of
/// plain path characters (no scheme, so never `javascript:`).
pub(crate) fn report_href(href: &str) -> Option<&str> {
    if let Some(link) = web_link(href) {
        return Some(link);
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '%' | '+');
    let relative = !href.is_empty() && !href.starts_with("//") && href.len() <= 1024 && href.chars().all(plain);
    relative.then_some(href)
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    fn shown(text: &str) -> String {
        html! { (Text(text)) }.into_string()
    }

    #[test]
    fn escapes_text_and_both_quotes() {
        assert_eq!(
            shown(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(shown("a\u{0}b\tc\n\u{1b}\u{85}"), "a\u{fffd}b\tc\n\u{fffd}\u{fffd}");
        // Inside an attribute the value cannot be left, whichever quote was used.
        let attr = html! { p title=(Text("\" onmouseover=\"x")) class=(Text("' onclick='x")) {} }.into_string();
        assert_eq!(attr.matches('"').count(), 4);
        assert_eq!(attr.matches('\'').count(), 0);
    }

    fn inline(text: &str) -> String {
        html! { (Inline(text)) }.into_string()
    }

    #[test]
    fn backtick_pairs_become_code_and_the_rest_stays_escaped() {
        assert_eq!(inline("`typ` is `secevent+jwt`"), "<code>typ</code> is <code>secevent+jwt</code>");
        assert_eq!(
            inline("`<script>alert('x')</script>`"),
            "<code>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</code>"
        );
        assert_eq!(inline("<b>`a|b`</b>"), "&lt;b&gt;<code>a|b</code>&lt;/b&gt;");
        // Backticks inside backticks pair in order; none is left to open a tag.
        assert_eq!(inline("`a `b` c`"), "<code>a </code>b<code> c</code>");
        assert_eq!(inline("one ` alone"), "one ` alone");
        assert_eq!(inline("`` empty"), "`` empty");
        assert_eq!(inline("`x\u{0}`"), "<code>x\u{fffd}</code>");
        let long = format!("`{}`", "a".repeat(MAX_TEXT + 5));
        assert!(inline(&long).starts_with("`aaa") && !inline(&long).contains("<code>"), "a cut pair stays literal");
        // Only the two tags this renderer writes appear, however hostile the text.
        let hostile = inline("`<code>`</code>` \"><img src=x onerror=alert(1)>`");
        let tags = hostile.matches('<').count();
        assert_eq!(tags, hostile.matches("<code>").count() + hostile.matches("</code>").count(), "{hostile}");
    }

    #[test]
    fn a_finding_is_shown_whole_and_escaped() {
        let long = format!("<b>{}</b>", "é".repeat(MAX_TEXT + 10));
        let shown = finding(&long).into_string();
        assert!(!shown.contains("more characters not shown"));
        assert!(shown.starts_with("<div class=\"long\">&lt;b&gt;") && shown.ends_with("&lt;/b&gt;</div>"));
        assert_eq!(shown.matches('é').count(), MAX_TEXT + 10);
        assert_eq!(finding("a 'short' <one>").into_string(), "a &#39;short&#39; &lt;one&gt;");
    }

    #[test]
    fn clips_long_text_and_says_so() {
        let long = "é".repeat(MAX_TEXT + 10);
        let text = shown(&long);
        assert!(text.starts_with(&"é".repeat(MAX_TEXT)));
        assert!(text.ends_with("[10 more characters not shown]"));
        assert_eq!(clip("short", 10), "short");
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            web_link("https://www.rfc-editor.org/rfc/rfc8935#section-2"),
            Some("https://www.rfc-editor.org/rfc/rfc8935#section-2")
        );
        assert_eq!(web_link("HTTP://example.com/a?b=1&c=2"), Some("HTTP://example.com/a?b=1&c=2"));
        for bad in [
            "javascript:alert(1)",
            " https://x",
            "data:text/html,<script>",
            "https://x\"onclick=",
            "//evil.example",
            "ftp://x",
            "",
        ] {
            assert_eq!(web_link(bad), None, "{bad}");
        }
        assert_eq!(report_href("impl-a/report.html"), Some("impl-a/report.html"));
        for bad in ["javascript:alert(1)", "//evil.example/x", "a b.html", "x\".html", "jav&#x61;script:x", ""] {
            assert_eq!(report_href(bad), None, "{bad}");
        }
    }
}

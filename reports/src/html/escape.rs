//! Escaping and link checks: every string of a run is text, never markup.

use std::borrow::Cow;

/// Longest piece of record text shown in one place; the record bounds bodies
/// already, this keeps a hostile catalogue or SUT from making a page unusable.
pub(crate) const MAX_TEXT: usize = 64 * 1024;

/// Escapes text for HTML text content and for quoted attribute values alike.
pub(crate) fn esc(text: &str) -> String {
    let text = clip(text, MAX_TEXT);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL and other C0 controls (but tab and newlines) are not HTML text.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
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
pub(crate) fn web_link(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let chars_ok =
        !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    (scheme_ok && chars_ok && url.len() <= 2048).then(|| esc(url))
}

/// Where a matrix cell may link: an `http(s)` URL, or a relative path made of
/// plain path characters (no scheme, so never `javascript:`).
pub(crate) fn report_href(href: &str) -> Option<String> {
    if let Some(link) = web_link(href) {
        return Some(link);
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '%' | '+');
    let relative = !href.is_empty() && !href.starts_with("//") && href.len() <= 1024 && href.chars().all(plain);
    relative.then(|| esc(href))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attribute_specials() {
        assert_eq!(
            esc(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{0}b\tc\n"), "a\u{fffd}b\tc\n");
        // Inside an attribute the value cannot be left, whichever quote was used.
        let attr = format!("<p title=\"{}\" class='{}'>", esc("\" onmouseover=\"x"), esc("' onclick='x"));
        assert_eq!(attr.matches('"').count(), 2);
        assert_eq!(attr.matches('\'').count(), 2);
    }

    #[test]
    fn clips_long_text_and_says_so() {
        let long = "é".repeat(MAX_TEXT + 10);
        let shown = esc(&long);
        assert!(shown.starts_with(&"é".repeat(MAX_TEXT)));
        assert!(shown.ends_with("[10 more characters not shown]"));
        assert_eq!(clip("short", 10), "short");
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            web_link("https://www.rfc-editor.org/rfc/rfc8935#section-2").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc8935#section-2")
        );
        assert_eq!(web_link("HTTP://example.com/a?b=1&c=2").as_deref(), Some("HTTP://example.com/a?b=1&amp;c=2"));
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
        assert_eq!(report_href("impl-a/report.html").as_deref(), Some("impl-a/report.html"));
        for bad in ["javascript:alert(1)", "//evil.example/x", "a b.html", "x\".html", "jav&#x61;script:x", ""] {
            assert_eq!(report_href(bad), None, "{bad}");
        }
    }
}

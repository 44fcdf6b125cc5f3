//! JSON bodies laid out for reading: one member or element a line, indented
//! as `serde_json`'s pretty printer does. Only the whitespace between tokens
//! changes; members keep their order, duplicates stay, and numbers and
//! strings keep the spelling they had on the wire.

/// `text` laid out, when it is a whole JSON object or array; `None` for
/// anything else (a cut body, a scalar, text that is not JSON).
pub(crate) fn json(text: &str) -> Option<String> {
    let text = text.trim_matches(is_json_space);
    if !text.starts_with(['{', '[']) || serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.next_if(|c| is_json_space(*c)).is_some() {}
                // An empty object or array stays on its line: `{}`, `[]`.
                if let Some(close) = chars.next_if(|c| matches!(c, '}' | ']')) {
                    out.push(close);
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                new_line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if is_json_space(c) => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// Whitespace between JSON tokens (RFC 8259 §2).
fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_json_out_as_serde_json_pretty_does() {
        let text =
            r#" {"sets":{"a":"x.y.z","b":"q"},"ack":[],"setErrs":{},"n":[1,2.5,-3e2,true,null],"s":"a\"b:{,}[]\\"}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(json(text).unwrap(), serde_json::to_string_pretty(&value).unwrap().replace("-300.0", "-3e2"));
        assert_eq!(json("[\n1 ,\t2]").unwrap(), "[\n  1,\n  2\n]");
    }

    #[test]
    fn keeps_what_a_parser_would_lose() {
        // A duplicate member, a spelling of a number and an escape, as sent.
        let shown = json(r#"{"jti":"a","jti":"b","iat":1.50,"e":"\u00e9"}"#).unwrap();
        assert_eq!(shown, "{\n  \"jti\": \"a\",\n  \"jti\": \"b\",\n  \"iat\": 1.50,\n  \"e\": \"\\u00e9\"\n}");
    }

    #[test]
    fn leaves_everything_else_alone() {
        for text in ["", "42", "\"str\"", "{\"cut\": \"abc", "not json", "{} trailing", "x.y.z"] {
            assert_eq!(json(text), None, "{text:?}");
        }
    }
}

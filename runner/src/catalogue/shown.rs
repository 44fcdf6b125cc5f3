//! How an error shows a value read from an input file: a short prefix of it,
//! never the whole of a long one, and never a value of a field that holds a
//! secret (a token, a client secret, a password, a private key).

use serde_json::Value;

/// The most characters of a value an error quotes.
const PREFIX_CHARS: usize = 60;

/// What an error shows in place of a secret's value.
pub const WITHHELD: &str = "(a secret: not shown)";

/// `text` quoted, cut after [`PREFIX_CHARS`] characters with its length in bytes.
pub fn text(text: &str) -> String {
    match text.char_indices().nth(PREFIX_CHARS) {
        None => format!("{text:?}"),
        Some((end, _)) => format!("{:?}… ({} bytes)", &text[..end], text.len()),
    }
}

/// `value` as compact JSON, every secret in it withheld, cut as [`text`] cuts.
pub fn json(value: &Value) -> String {
    let shown = serde_json::to_string(&withheld(value)).unwrap_or_default();
    match shown.char_indices().nth(PREFIX_CHARS) {
        None => shown,
        Some((end, _)) => format!("{}… ({} bytes)", &shown[..end], shown.len()),
    }
}

/// What an error shows of the value at `pointer`: nothing of a value in a
/// secret's field, nor below it (a secret pasted where `env:` names a variable).
pub fn at(pointer: &str, value: &Value) -> String {
    match value {
        Value::Object(_) | Value::Array(_) => json(value),
        _ if pointer.split('/').any(holds_secret) => WITHHELD.to_owned(),
        Value::String(s) => text(s),
        _ => json(value),
    }
}

/// Whether a field of this name holds a secret (sut.yaml's `bearer_token`,
/// `client_secret`, `endpoint_token`; any `password` or `private_key`).
pub fn holds_secret(key: &str) -> bool {
    let last = key.rsplit(['_', '-']).next().unwrap_or(key).to_ascii_lowercase();
    matches!(last.as_str(), "token" | "secret" | "password" | "passphrase")
        || key.eq_ignore_ascii_case("private_key")
        || key.eq_ignore_ascii_case("authorization")
}

/// `value` with every scalar under a secret-bearing key replaced.
fn withheld(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Object(_) | Value::Array(_) => withheld(v),
                        _ if holds_secret(k) => Value::String(WITHHELD.to_owned()),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(withheld).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_value_is_cut_and_measured() {
        let long = "é".repeat(100);
        let shown = text(&long);
        assert!(shown.ends_with("… (200 bytes)"), "{shown}");
        assert_eq!(shown.chars().filter(|c| *c == 'é').count(), PREFIX_CHARS);
        assert_eq!(text("short"), "\"short\"");
    }

    #[test]
    fn a_secret_is_never_shown() {
        assert_eq!(at("/auth/bearer_token", &json!("s3cr3t")), WITHHELD);
        assert_eq!(at("/auth/bearer_token/env", &json!("s3cr3t value")), WITHHELD);
        assert_eq!(at("/name", &json!("x")), "\"x\"");
        let nested = json(&json!({"client_secret": "s3cr3t", "client_id": "me"}));
        assert!(!nested.contains("s3cr3t") && nested.contains("me"), "{nested}");
        assert!(!holds_secret("token_endpoint") && holds_secret("endpoint_token"));
    }
}
